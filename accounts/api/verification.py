"""Real-name verification, enterprise sub-accounts and roles."""

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import RealNameVerification, User, VerificationDocumentView
from accounts.permissions import HasRole, IsAdministrator, IsCentreStaff, IsEnterprise, IsVerified, request_user
from accounts.selectors import (
    sub_account_list,
    user_list,
    verification_document_views,
    verification_latest,
    verification_list,
)
from accounts.services.roles import user_role_set
from accounts.services.sub_accounts import sub_account_create, sub_account_delete, sub_account_set_active
from accounts.services.verification import (
    verification_approve,
    verification_document_open,
    verification_reject,
    verification_submit,
)
from core.net import client_address
from core.serializers import ErrorOutput

TAGS = ["accounts"]


def mask_id_number(number: str) -> str:
    """An ID number or credit code with all but its first and last four characters hidden: 5101**********1234."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


class MaskedIdNumberField(serializers.CharField):
    def to_representation(self, value: str) -> str:
        return mask_id_number(str(value))


class VerificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    id_number = MaskedIdNumberField(help_text="the resident ID number or credit code, middle hidden")
    status = serializers.CharField()
    reason = serializers.CharField(help_text="why it was rejected")
    licence = serializers.SerializerMethodField(help_text="where the applicant and staff download the licence")
    id_front = serializers.SerializerMethodField(help_text="the ID card's front image, for the applicant and staff")
    id_back = serializers.SerializerMethodField(help_text="the ID card's back image, for the applicant and staff")
    created_at = serializers.DateTimeField()
    reviewed_at = serializers.DateTimeField(allow_null=True)

    def get_licence(self, verification: RealNameVerification) -> str | None:
        return f"/api/auth/verifications/{verification.pk}/licence/" if verification.licence else None

    def get_id_front(self, verification: RealNameVerification) -> str | None:
        return f"/api/auth/verifications/{verification.pk}/id-card/front/" if verification.id_front else None

    def get_id_back(self, verification: RealNameVerification) -> str | None:
        return f"/api/auth/verifications/{verification.pk}/id-card/back/" if verification.id_back else None


class VerificationApi(APIView):
    """My latest real-name verification (GET), or apply for one (POST, multipart when a licence is sent).

    Individuals give their name, resident ID number (GB 11643) and both sides of the ID card (JPG or PNG, at most
    10 MB each); enterprises their name, unified social credit code (GB 32100) and business licence (JPG, PNG or
    PDF, at most 10 MB). Files are checked by their content.
    """

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=128, help_text="as on the ID card or the business licence")
        id_number = serializers.CharField(max_length=64, help_text="resident ID number or unified social credit code")
        licence = serializers.FileField(required=False, allow_empty_file=True, help_text="enterprises only")
        id_front = serializers.FileField(required=False, allow_empty_file=True, help_text="individuals only")
        id_back = serializers.FileField(required=False, allow_empty_file=True, help_text="individuals only")

        class Meta:
            ref_name = "VerificationSubmit"

    @extend_schema(
        tags=TAGS, operation_id="verification_retrieve", responses={200: VerificationOutput, 404: ErrorOutput}
    )
    def get(self, request: Request) -> Response:
        return Response(VerificationOutput(verification_latest(user=request_user(request))).data)

    @extend_schema(
        tags=TAGS,
        operation_id="verification_submit",
        request={"multipart/form-data": Input, "application/json": Input},
        responses={201: VerificationOutput, 400: ErrorOutput, 403: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        verification = verification_submit(user=request_user(request), **data.validated_data)
        return Response(VerificationOutput(verification).data, status=status.HTTP_201_CREATED)


class VerificationListApi(ListAPIView):
    """Applications for real-name verification, oldest first (trading-centre staff and administrators)."""

    permission_classes = [IsCentreStaff]
    filter_backends: list = []

    class Input(serializers.Serializer):
        status = serializers.ChoiceField(choices=RealNameVerification.Status.choices, required=False)

    class Output(VerificationOutput):
        user = serializers.IntegerField(source="user_id")
        phone = serializers.CharField(source="user.phone")

        class Meta:
            ref_name = "VerificationWithApplicant"

    serializer_class = Output

    def get_queryset(self) -> QuerySet[RealNameVerification]:
        data = self.Input(data=self.request.query_params.dict())
        data.is_valid(raise_exception=True)
        return verification_list(**data.validated_data)

    @extend_schema(tags=TAGS, operation_id="verification_list", parameters=[Input])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class VerificationApproveApi(APIView):
    """Approve a pending application: the user becomes verified under its name and gets a system message."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="verification_approve",
        request=None,
        responses={200: VerificationOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        verification = verification_approve(verification_id=pk, reviewer=request_user(request))
        return Response(VerificationOutput(verification).data)


class VerificationRejectApi(APIView):
    """Reject a pending application with a reason, which the user gets in a system message."""

    permission_classes = [IsCentreStaff]

    class Input(serializers.Serializer):
        reason = serializers.CharField(max_length=500)

        class Meta:
            ref_name = "VerificationReject"

    @extend_schema(
        tags=TAGS,
        operation_id="verification_reject",
        request=Input,
        responses={200: VerificationOutput, 400: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        verification = verification_reject(verification_id=pk, reviewer=request_user(request), **data.validated_data)
        return Response(VerificationOutput(verification).data)


def _document_response(request: Request, pk: int, document: str, *, as_attachment: bool) -> FileResponse:
    """A verification's document through the audited service, never cached and never sniffed by the browser."""
    opened = verification_document_open(
        viewer=request_user(request), verification_id=pk, document=document, client_address=client_address(request)
    )
    response = FileResponse(
        opened.file, as_attachment=as_attachment, filename=opened.filename, content_type=opened.content_type
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


DOCUMENT_RESPONSES: dict[Any, Any] = {
    (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY),
    (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY),
    404: ErrorOutput,
}


class VerificationLicenceApi(APIView):
    """The business licence of an application, as a download: for the applicant and staff only (404 for others).
    Every view is recorded (who, when, from which address)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="verification_licence",
        responses={
            **DOCUMENT_RESPONSES,
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return _document_response(request, pk, VerificationDocumentView.Document.LICENCE, as_attachment=True)


class VerificationIdFrontApi(APIView):
    """The front of an individual applicant's ID card, inline: for the applicant and verification staff only (404
    for others). Every view is recorded (who, when, from which address)."""

    permission_classes = [IsAuthenticated]
    document = VerificationDocumentView.Document.ID_FRONT

    @extend_schema(tags=TAGS, operation_id="verification_id_front", responses=DOCUMENT_RESPONSES)
    def get(self, request: Request, pk: int) -> FileResponse:
        return _document_response(request, pk, self.document, as_attachment=False)


class VerificationIdBackApi(VerificationIdFrontApi):
    """The back of an individual applicant's ID card, inline: for the applicant and verification staff only (404 for
    others). Every view is recorded (who, when, from which address)."""

    document = VerificationDocumentView.Document.ID_BACK

    @extend_schema(tags=TAGS, operation_id="verification_id_back", responses=DOCUMENT_RESPONSES)
    def get(self, request: Request, pk: int) -> FileResponse:
        return super().get(request, pk)


class ReadsDocumentViews(HasRole):
    """Supervisors (of any region: applicants have none) and administrators."""

    roles = (User.Role.SUPERVISOR,)
    message = _("Only supervisors and administrators may see this.")


class DocumentViewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    verification = serializers.IntegerField(source="verification_id")
    document = serializers.ChoiceField(choices=VerificationDocumentView.Document.choices)
    viewer = serializers.IntegerField(source="viewer_id")
    client_address = serializers.CharField()
    viewed_at = serializers.DateTimeField()


class VerificationDocumentViewListApi(ListAPIView):
    """Who viewed which verification document, when and from where, newest first (supervisors, administrators)."""

    permission_classes = [ReadsDocumentViews]
    filter_backends: list = []
    serializer_class = DocumentViewOutput

    class Input(serializers.Serializer):
        verification = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

        class Meta:
            ref_name = "VerificationDocumentViewFilter"

    def get_queryset(self) -> QuerySet[VerificationDocumentView]:
        data = self.Input(data=self.request.query_params.dict())
        data.is_valid(raise_exception=True)
        return verification_document_views(**data.validated_data)

    @extend_schema(tags=TAGS, operation_id="verification_document_view_list", parameters=[Input])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class SubAccountOutput(serializers.Serializer):
    id = serializers.IntegerField()
    phone = serializers.CharField()
    name = serializers.CharField(source="real_name")
    is_active = serializers.BooleanField()
    date_joined = serializers.DateTimeField()


class SubAccountListApi(APIView):
    """My enterprise's sub-accounts (GET; at most three), or create one (POST; the enterprise must be verified)."""

    class Input(serializers.Serializer):
        phone = serializers.CharField(max_length=11)
        password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
        name = serializers.CharField(max_length=128, help_text="the person using the sub-account")

        class Meta:
            ref_name = "SubAccountCreate"

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [IsVerified(), IsEnterprise()]
        return [IsEnterprise()]

    @extend_schema(
        tags=TAGS, operation_id="sub_account_list", responses={200: SubAccountOutput(many=True), 403: ErrorOutput}
    )
    def get(self, request: Request) -> Response:
        return Response(SubAccountOutput(sub_account_list(enterprise=request_user(request)), many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="sub_account_create",
        request=Input,
        responses={201: SubAccountOutput, 400: ErrorOutput, 403: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        sub_account = sub_account_create(enterprise=request_user(request), **data.validated_data)
        return Response(SubAccountOutput(sub_account).data, status=status.HTTP_201_CREATED)


class SubAccountDeleteApi(APIView):
    """Delete one of my enterprise's sub-accounts (others' answer 404)."""

    permission_classes = [IsEnterprise]

    @extend_schema(
        tags=TAGS, operation_id="sub_account_delete", responses={204: None, 404: ErrorOutput, 409: ErrorOutput}
    )
    def delete(self, request: Request, pk: int) -> Response:
        sub_account_delete(enterprise=request_user(request), sub_account_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SubAccountDisableApi(APIView):
    """Disable one of my enterprise's sub-accounts: it can no longer sign in or act."""

    permission_classes = [IsEnterprise]
    is_active = False

    @extend_schema(
        tags=TAGS,
        operation_id="sub_account_disable",
        request=None,
        responses={200: SubAccountOutput, 404: ErrorOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        sub_account = sub_account_set_active(
            enterprise=request_user(request), sub_account_id=pk, is_active=self.is_active
        )
        return Response(SubAccountOutput(sub_account).data)


class SubAccountEnableApi(SubAccountDisableApi):
    """Enable a disabled sub-account of my enterprise again."""

    is_active = True

    @extend_schema(
        tags=TAGS, operation_id="sub_account_enable", request=None, responses={200: SubAccountOutput, 404: ErrorOutput}
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class UserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    phone = serializers.CharField()
    kind = serializers.CharField()
    role = serializers.CharField()
    regions = serializers.ListField(child=serializers.CharField())
    real_name = serializers.CharField()
    is_verified = serializers.BooleanField()
    is_staff = serializers.BooleanField()
    is_active = serializers.BooleanField()
    enterprise = serializers.IntegerField(source="parent_id", allow_null=True, help_text="for a sub-account")

    class Meta:
        ref_name = "AdminUser"


class UserListApi(ListAPIView):
    """Users, newest first, by role and by part of the phone number (administrators)."""

    permission_classes = [IsAdministrator]
    filter_backends: list = []
    serializer_class = UserOutput

    class Input(serializers.Serializer):
        role = serializers.ChoiceField(choices=User.Role.choices, required=False)
        phone = serializers.RegexField(r"^[0-9]{1,11}\Z", required=False, help_text="digits the phone contains")

    def get_queryset(self) -> QuerySet[User]:
        data = self.Input(data=self.request.query_params.dict())
        data.is_valid(raise_exception=True)
        return user_list(**data.validated_data).select_related("parent")

    @extend_schema(tags=TAGS, operation_id="user_list", parameters=[Input])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class UserRoleSetApi(APIView):
    """Set a user's role and, for every role but user and admin, the GB/T 2260 regions it acts in (administrators)."""

    permission_classes = [IsAdministrator]

    class Input(serializers.Serializer):
        role = serializers.CharField(max_length=32)
        regions = serializers.ListField(
            child=serializers.CharField(max_length=32, trim_whitespace=False, allow_blank=True),
            max_length=500,
            default=list,
        )

        class Meta:
            ref_name = "UserRoleSet"

    @extend_schema(
        tags=TAGS,
        operation_id="user_role_set",
        request=Input,
        responses={200: UserOutput, 400: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_role_set(admin=request_user(request), user_id=pk, **data.validated_data)
        return Response(UserOutput(user).data)


urlpatterns = [
    path("verification/", VerificationApi.as_view(), name="verification"),
    path("verifications/", VerificationListApi.as_view(), name="verification-list"),
    path("verifications/<int:pk>/approve/", VerificationApproveApi.as_view(), name="verification-approve"),
    path("verifications/<int:pk>/reject/", VerificationRejectApi.as_view(), name="verification-reject"),
    path("verifications/<int:pk>/licence/", VerificationLicenceApi.as_view(), name="verification-licence"),
    path("verifications/<int:pk>/id-card/front/", VerificationIdFrontApi.as_view(), name="verification-id-front"),
    path("verifications/<int:pk>/id-card/back/", VerificationIdBackApi.as_view(), name="verification-id-back"),
    path(
        "verifications/document-views/",
        VerificationDocumentViewListApi.as_view(),
        name="verification-document-views",
    ),
    path("sub-accounts/", SubAccountListApi.as_view(), name="sub-account-list"),
    path("sub-accounts/<int:pk>/", SubAccountDeleteApi.as_view(), name="sub-account-delete"),
    path("sub-accounts/<int:pk>/disable/", SubAccountDisableApi.as_view(), name="sub-account-disable"),
    path("sub-accounts/<int:pk>/enable/", SubAccountEnableApi.as_view(), name="sub-account-enable"),
    path("users/", UserListApi.as_view(), name="user-list"),
    path("users/<int:pk>/role/", UserRoleSetApi.as_view(), name="user-role-set"),
]
