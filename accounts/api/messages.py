"""My messages (我的消息): business and system notifications, read and unread."""

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Message
from accounts.permissions import request_user
from accounts.selectors import message_list, message_unread_counts
from accounts.services.messages import message_mark_all_read, message_mark_read
from core.serializers import ErrorOutput

TAGS = ["accounts"]


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField(help_text="a path in this site, or empty")
    is_read = serializers.SerializerMethodField()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_is_read(self, message: Message) -> bool:
        return message.read_at is not None


class MessageListApi(ListAPIView):
    """My messages, newest first: of one category (business, system), only unread ones (unread=true) or only read
    ones (unread=false)."""

    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    serializer_class = MessageOutput

    class Input(serializers.Serializer):
        category = serializers.ChoiceField(choices=Message.Category.choices, required=False)
        unread = serializers.BooleanField(required=False)

    def get_queryset(self) -> QuerySet[Message]:
        data = self.Input(data=self.request.query_params.dict())  # a dict, so a missing `unread` is not False
        data.is_valid(raise_exception=True)
        return message_list(user=request_user(self.request), **data.validated_data)

    @extend_schema(tags=TAGS, operation_id="message_list", parameters=[Input])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class MessageUnreadCountApi(APIView):
    """How many of my messages are unread, in all and by category."""

    permission_classes = [IsAuthenticated]

    class Output(serializers.Serializer):
        total = serializers.IntegerField()
        business = serializers.IntegerField()
        system = serializers.IntegerField()

        class Meta:
            ref_name = "MessageUnreadCount"

    @extend_schema(tags=TAGS, operation_id="message_unread_count", responses={200: Output})
    def get(self, request: Request) -> Response:
        return Response(self.Output(message_unread_counts(user=request_user(request))).data)


class MessageReadApi(APIView):
    """Mark one of my messages read (someone else's answers 404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS, operation_id="message_read", request=None, responses={200: MessageOutput, 404: ErrorOutput}
    )
    def post(self, request: Request, pk: int) -> Response:
        message = message_mark_read(user=request_user(request), message_id=pk)
        return Response(MessageOutput(message).data)


class MessageReadAllApi(APIView):
    """Mark all my unread messages read, or those of one category."""

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        category = serializers.ChoiceField(choices=Message.Category.choices, required=False)

        class Meta:
            ref_name = "MessageReadAll"

    class Output(serializers.Serializer):
        marked = serializers.IntegerField(help_text="how many messages were marked read")

        class Meta:
            ref_name = "MessageReadAllResult"

    @extend_schema(tags=TAGS, operation_id="message_read_all", request=Input, responses={200: Output, 400: ErrorOutput})
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        marked = message_mark_all_read(user=request_user(request), **data.validated_data)
        return Response(self.Output({"marked": marked}).data)


urlpatterns = [
    path("messages/", MessageListApi.as_view(), name="message-list"),
    path("messages/unread-count/", MessageUnreadCountApi.as_view(), name="message-unread-count"),
    path("messages/read-all/", MessageReadAllApi.as_view(), name="message-read-all"),
    path("messages/<int:pk>/read/", MessageReadApi.as_view(), name="message-read"),
]
