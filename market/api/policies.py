"""Market API: policy documents (政策法规) — the public list and detail, and the staff's writes and console list.

The body is plain text: clients must show it as text (escaped), never as HTML."""

import re
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsCentreStaff, request_user
from core.filetypes import CONTENT_TYPES
from core.serializers import ErrorOutput
from market.models import PolicyDocument
from market.selectors.policies import (
    policy_attachment_get,
    policy_public_get,
    policy_public_list,
    policy_staff_get,
    policy_staff_list,
)
from market.services.policies import (
    policy_create,
    policy_delete,
    policy_publish,
    policy_unpublish,
    policy_update,
)

TAGS = ["market: policies"]
ID_PATH = OpenApiParameter("policy_id", int, OpenApiParameter.PATH, description="the policy document's id")
BODY_MAX_CHARS = 200_000
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


class PolicyInput(serializers.Serializer):
    class Meta:
        ref_name = "PolicyInput"

    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=PolicyDocument.Category.choices)
    issuer = serializers.CharField(max_length=128, allow_blank=True, required=False, help_text="发文机关")
    document_number = serializers.CharField(max_length=64, allow_blank=True, required=False, help_text="文号")
    body = serializers.CharField(
        max_length=BODY_MAX_CHARS, trim_whitespace=False, help_text="plain text, stored as given, never HTML"
    )
    attachment = serializers.FileField(required=False, help_text="PDF, DOC or DOCX (by content), at most 20 MB")


class PolicyUpdateInput(PolicyInput):
    class Meta:
        ref_name = "PolicyUpdateInput"

    remove_attachment = serializers.BooleanField(required=False, default=False)


class PolicySummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.ChoiceField(choices=PolicyDocument.Category.choices)
    category_name = serializers.CharField(source="get_category_display")
    issuer = serializers.CharField()
    document_number = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    attachment_url = serializers.SerializerMethodField(help_text="download link, or null without an attachment")

    class Meta:
        ref_name = "PolicySummary"

    def get_attachment_url(self, document: PolicyDocument) -> str | None:
        return f"/api/market/policies/{document.pk}/attachment/" if document.attachment else None


class PolicyOutput(PolicySummaryOutput):
    body = serializers.CharField(help_text="plain text; show it escaped, never as HTML")

    class Meta:
        ref_name = "Policy"


class PolicyStaffSummaryOutput(PolicySummaryOutput):
    is_published = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    class Meta:
        ref_name = "PolicyStaffSummary"

    def get_is_published(self, document: PolicyDocument) -> bool:
        return document.published_at is not None


class PolicyStaffOutput(PolicyStaffSummaryOutput):
    body = serializers.CharField()

    class Meta:
        ref_name = "PolicyStaff"


class FilterInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=PolicyDocument.Category.choices, required=False)
    q = serializers.CharField(max_length=100, required=False, help_text="in the title, number, issuer or text")


class PolicyListApi(ListAPIView):
    """GET: published policy documents, newest first, paged. POST: a new unpublished one (trading-centre staff;
    JSON, or multipart with an attachment)."""

    serializer_class = PolicySummaryOutput
    filter_backends: list = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "GET" else [IsCentreStaff()]

    def get_queryset(self) -> QuerySet[PolicyDocument]:
        data = FilterInput(data=self.request.query_params)
        data.is_valid(raise_exception=True)
        return policy_public_list(**data.validated_data)

    @extend_schema(
        tags=TAGS,
        operation_id="market_policy_list",
        parameters=[FilterInput],
        responses={200: PolicySummaryOutput(many=True), 400: ErrorOutput},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="market_policy_create",
        request={"application/json": PolicyInput, "multipart/form-data": PolicyInput},
        responses={201: PolicyStaffOutput, 400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput},
    )
    def post(self, request: Request) -> Response:
        data = PolicyInput(data=request.data)
        data.is_valid(raise_exception=True)
        document = policy_create(acting_user=request_user(request), **data.validated_data)
        return Response(PolicyStaffOutput(document).data, status=status.HTTP_201_CREATED)


class PolicyDetailApi(APIView):
    """GET: a published policy document. PATCH: edit it (staff; a new attachment replaces the old one).
    DELETE: delete it (staff)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "GET" else [IsCentreStaff()]

    @extend_schema(
        tags=TAGS,
        operation_id="market_policy_retrieve",
        parameters=[ID_PATH],
        responses={200: PolicyOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, policy_id: int) -> Response:
        return Response(PolicyOutput(policy_public_get(policy_id=policy_id)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="market_policy_update",
        parameters=[ID_PATH],
        request={"application/json": PolicyUpdateInput(partial=True), "multipart/form-data": PolicyUpdateInput},
        responses={200: PolicyStaffOutput, 400: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput},
    )
    def patch(self, request: Request, policy_id: int) -> Response:
        data = PolicyUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        document = policy_update(policy_id=policy_id, acting_user=request_user(request), **data.validated_data)
        return Response(PolicyStaffOutput(document).data)

    @extend_schema(
        tags=TAGS,
        operation_id="market_policy_delete",
        parameters=[ID_PATH],
        request=None,
        responses={204: None, 403: ErrorOutput, 404: ErrorOutput},
    )
    def delete(self, request: Request, policy_id: int) -> Response:
        policy_delete(policy_id=policy_id, acting_user=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PolicyPublishApi(APIView):
    """Publish a policy document (staff); 409 when it is already published."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="market_policy_publish",
        parameters=[ID_PATH],
        request=None,
        responses={200: PolicyStaffOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request: Request, policy_id: int) -> Response:
        return Response(PolicyStaffOutput(policy_publish(policy_id=policy_id, acting_user=request_user(request))).data)


class PolicyUnpublishApi(APIView):
    """Withdraw a policy document from the public (staff); 409 when it is not published."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="market_policy_unpublish",
        parameters=[ID_PATH],
        request=None,
        responses={200: PolicyStaffOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request: Request, policy_id: int) -> Response:
        return Response(
            PolicyStaffOutput(policy_unpublish(policy_id=policy_id, acting_user=request_user(request))).data
        )


class PolicyAttachmentApi(APIView):
    """Download a policy document's attachment (published documents; staff any), as a file, never inline."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="market_policy_attachment",
        parameters=[ID_PATH],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: OpenApiResponse(ErrorOutput)},
    )
    def get(self, request: Request, policy_id: int) -> FileResponse:
        document = policy_attachment_get(policy_id=policy_id, user=request.user)
        kind = (document.attachment.name or "").rsplit(".", 1)[-1]
        title = _UNSAFE_IN_FILE_NAMES.sub("_", document.title)[:100].strip() or "policy"
        return FileResponse(
            document.attachment.open("rb"),
            as_attachment=True,
            filename=f"{title}.{kind}",
            content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
        )


class StaffPolicyListApi(ListAPIView):
    """Every policy document for the staff's console, published or not, the latest edited first."""

    permission_classes = [IsCentreStaff]
    serializer_class = PolicyStaffSummaryOutput
    filter_backends: list = []

    class StaffFilterInput(FilterInput):
        published = serializers.BooleanField(required=False, allow_null=True, default=None)

    def get_queryset(self) -> QuerySet[PolicyDocument]:
        data = self.StaffFilterInput(data=self.request.query_params)
        data.is_valid(raise_exception=True)
        return policy_staff_list(**data.validated_data)

    @extend_schema(
        tags=TAGS,
        operation_id="market_staff_policy_list",
        parameters=[StaffFilterInput],
        responses={200: PolicyStaffSummaryOutput(many=True), 400: ErrorOutput, 403: ErrorOutput},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class StaffPolicyDetailApi(APIView):
    """One policy document for the staff, published or not."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="market_staff_policy_retrieve",
        parameters=[ID_PATH],
        responses={200: PolicyStaffOutput, 403: ErrorOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, policy_id: int) -> Response:
        return Response(PolicyStaffOutput(policy_staff_get(policy_id=policy_id)).data)


urlpatterns = [
    path("policies/", PolicyListApi.as_view(), name="policy-list"),
    path("policies/<int:policy_id>/", PolicyDetailApi.as_view(), name="policy-detail"),
    path("policies/<int:policy_id>/publish/", PolicyPublishApi.as_view(), name="policy-publish"),
    path("policies/<int:policy_id>/unpublish/", PolicyUnpublishApi.as_view(), name="policy-unpublish"),
    path("policies/<int:policy_id>/attachment/", PolicyAttachmentApi.as_view(), name="policy-attachment"),
    path("staff/policies/", StaffPolicyListApi.as_view(), name="staff-policy-list"),
    path("staff/policies/<int:policy_id>/", StaffPolicyDetailApi.as_view(), name="staff-policy-detail"),
]
