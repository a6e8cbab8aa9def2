"""Identity: obtain a token, who am I."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.services.identity import token_obtain


class UserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    phone = serializers.CharField()
    kind = serializers.CharField()
    role = serializers.CharField()
    real_name = serializers.CharField()
    is_verified = serializers.BooleanField()
    is_staff = serializers.BooleanField()


class TokenObtainApi(APIView):
    """Exchange a phone number and password for an API token (send it as `Authorization: Token <key>`)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class Input(serializers.Serializer):
        phone = serializers.CharField(max_length=11)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

    class Output(serializers.Serializer):
        token = serializers.CharField()
        user = UserOutput()

    @extend_schema(request=Input, responses={200: Output})
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        token = token_obtain(request=request._request, **data.validated_data)
        return Response(self.Output({"token": token.key, "user": token.user}).data)


class MeApi(APIView):
    """The signed-in user."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: UserOutput})
    def get(self, request: Request) -> Response:
        return Response(UserOutput(request.user).data)


urlpatterns = [
    path("token/", TokenObtainApi.as_view(), name="token-obtain"),
    path("me/", MeApi.as_view(), name="me"),
]
