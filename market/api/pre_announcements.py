"""Market API: pre-announcements (预公告) of idle land — the grant lookup, drafts, preview, publication, delisting,
the public list and detail, and the personal centre's list (我的预公告)."""

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import phone_validator
from accounts.permissions import IsVerified, request_user
from core.serializers import ErrorOutput
from geo.api import RegionCodeField
from geo.reference import land_use_name
from geo.serializers import RegionRefOutput
from market.models import PreAnnouncement
from market.selectors.pre_announcements import (
    id_number_mask,
    pre_announcement_actions,
    pre_announcement_own_get,
    pre_announcement_own_list,
    pre_announcement_public_get,
    pre_announcement_public_list,
)
from market.serializers_supply import phone_for_viewer
from market.services.pre_announcements import (
    pre_announcement_create,
    pre_announcement_delete,
    pre_announcement_delist,
    pre_announcement_lookup,
    pre_announcement_publish,
    pre_announcement_update,
)

TAGS = ["market: pre-announcements"]
ID_PATH = OpenApiParameter("pre_announcement_id", int, OpenApiParameter.PATH, description="the pre-announcement's id")
PHONE_REGEX = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$"
# Fields that come from the grant registry: a request that tries to set them is refused, naming them.
REGISTRY_FIELDS = (
    "contract_number",
    "region",
    "address",
    "area_m2",
    "land_use",
    "use_years",
    "supply_method",
    "industry",
    "land_grade",
    "transferor",
    "id_type",
    "id_number",
)


def _contact_phone_field(**kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(
        PHONE_REGEX,
        max_length=20,
        error_messages={"invalid": _("Enter a mobile number or a landline number with its area code.")},
        **kwargs,
    )


class _OwnFieldsInput(serializers.Serializer):
    """Refuses the registry's fields (400 `read_only` on each) instead of silently ignoring them."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = self.initial_data.keys() if hasattr(self.initial_data, "keys") else ()
        refused = [name for name in REGISTRY_FIELDS if name in given]
        if refused:
            message = _("This comes from the grant registry and cannot be changed.")
            raise serializers.ValidationError({name: [message] for name in refused}, code="read_only")
        return attrs


class GrantOutput(serializers.Serializer):
    class Meta:
        ref_name = "Grant"

    contract_number = serializers.CharField()
    region = serializers.CharField(source="region_code", help_text="GB/T 2260 code")
    address = serializers.CharField()
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2)
    land_use = serializers.CharField()
    land_use_name = serializers.SerializerMethodField()
    use_years = serializers.IntegerField()
    supply_method = serializers.CharField()
    industry = serializers.CharField()
    land_grade = serializers.CharField()
    transferor = serializers.CharField(source="grantee")
    id_type = serializers.CharField(source="grantee_id_type")
    id_number = serializers.CharField(source="grantee_id_number")
    investment_ratio = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="% of the investment")

    def get_land_use_name(self, grant: Any) -> str | None:
        return land_use_name(grant.land_use)


class PreAnnouncementOutput(serializers.Serializer):
    """A pre-announcement as the public sees it: the ID number masked."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PreAnnouncement.Status.choices)
    title = serializers.CharField()
    contract_number = serializers.CharField()
    region = RegionRefOutput()
    address = serializers.CharField()
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2)
    land_use = serializers.CharField()
    land_use_name = serializers.SerializerMethodField()
    use_years = serializers.IntegerField()
    supply_method = serializers.CharField()
    industry = serializers.CharField()
    land_grade = serializers.CharField()
    transferor = serializers.CharField()
    contact_phone = serializers.SerializerMethodField(
        help_text="in full for its owner and the reviewers of its region; masked (138****1234) for anyone else"
    )
    id_type = serializers.CharField()
    id_number = serializers.SerializerMethodField(help_text="masked: the first and last two characters")
    published_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "PreAnnouncement"

    def get_land_use_name(self, item: PreAnnouncement) -> str | None:
        return land_use_name(item.land_use)

    def get_contact_phone(self, item: PreAnnouncement) -> str:
        return phone_for_viewer(
            self.context, phone=item.contact_phone, owner_id=item.owner_id, region_code=item.region_id
        )

    def get_id_number(self, item: PreAnnouncement) -> str:
        return id_number_mask(item.id_number)


class PreAnnouncementOwnOutput(PreAnnouncementOutput):
    """A pre-announcement as its owner sees it: the full ID number, the reason, and what may be done now."""

    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    actions = serializers.SerializerMethodField(help_text="view, edit, publish, delete, delist")

    class Meta:
        ref_name = "PreAnnouncementOwn"

    def get_id_number(self, item: PreAnnouncement) -> str:
        return item.id_number

    def get_contact_phone(self, item: PreAnnouncement) -> str:
        return item.contact_phone

    def get_actions(self, item: PreAnnouncement) -> list[str]:
        return pre_announcement_actions(item)


class GrantLookupApi(APIView):
    """Step 1 (一级市场供地信息查询): look a grant up by its contract number with the phone bound to it, proved by an
    SMS code of purpose `grant_lookup` (send it with POST /api/auth/sms-codes/).

    404 `grant_not_found` alike for an unknown number, another phone or another region; 409 `not_idle_land` when 25%
    or more of the investment is completed. The answer's `lookup_token` creates the draft within 30 minutes.
    """

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "GrantLookupInput"

        contract_number = serializers.CharField(max_length=64, help_text="出让合同编号")
        phone = serializers.CharField(max_length=11, validators=[phone_validator], help_text="绑定手机号")
        sms_code = serializers.CharField(max_length=16)
        region = RegionCodeField(help_text="所属行政区: the province or city (or county) of the land")

    class Output(serializers.Serializer):
        class Meta:
            ref_name = "GrantLookup"

        grant = GrantOutput()
        lookup_token = serializers.CharField(help_text="give it to POST /api/market/pre-announcements/")

    @extend_schema(
        tags=TAGS,
        operation_id="market_pre_announcement_lookup",
        request=Input,
        responses={200: Output, 400: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput, 503: ErrorOutput},
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        found = pre_announcement_lookup(acting_user=request_user(request), **data.validated_data)
        return Response(self.Output({"grant": found.grant, "lookup_token": found.lookup_token}).data)


class PreAnnouncementListApi(ListAPIView):
    """GET: published pre-announcements, newest first. POST: a draft from a grant lookup (step 2, 发布预告)."""

    serializer_class = PreAnnouncementOutput
    filter_backends: list = []

    class FilterInput(serializers.Serializer):
        region = RegionCodeField(required=False, help_text="in or under this region")
        land_use = serializers.RegexField(r"^\d{2}(\d{2})?$", required=False, help_text="05 or 0501")
        q = serializers.CharField(max_length=100, required=False, help_text="in the title, location or number")

    class CreateInput(_OwnFieldsInput):
        class Meta:
            ref_name = "PreAnnouncementCreateInput"

        lookup_token = serializers.CharField(max_length=1000)
        title = serializers.CharField(max_length=200, help_text="预告名称")
        contact_phone = _contact_phone_field()

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[PreAnnouncement]:
        data = self.FilterInput(data=self.request.query_params)
        data.is_valid(raise_exception=True)
        return pre_announcement_public_list(**data.validated_data)

    @extend_schema(
        tags=TAGS,
        operation_id="market_pre_announcement_list",
        parameters=[FilterInput],
        responses={200: PreAnnouncementOutput(many=True), 400: ErrorOutput},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="market_pre_announcement_create",
        request=CreateInput,
        responses={201: PreAnnouncementOwnOutput, 400: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request: Request) -> Response:
        data = self.CreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = pre_announcement_create(acting_user=request_user(request), **data.validated_data)
        return Response(PreAnnouncementOwnOutput(item).data, status=status.HTTP_201_CREATED)


class PreAnnouncementDetailApi(APIView):
    """GET: a published pre-announcement (ID number masked). PATCH: edit a draft's title or contact phone (owner).
    DELETE: delete a draft (owner)."""

    class UpdateInput(_OwnFieldsInput):
        class Meta:
            ref_name = "PreAnnouncementUpdateInput"

        title = serializers.CharField(max_length=200, required=False)
        contact_phone = _contact_phone_field(required=False)

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        tags=TAGS,
        operation_id="market_pre_announcement_retrieve",
        parameters=[ID_PATH],
        responses={200: PreAnnouncementOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, pre_announcement_id: int) -> Response:
        item = pre_announcement_public_get(pre_announcement_id=pre_announcement_id)
        return Response(PreAnnouncementOutput(item, context={"request": request}).data)

    @extend_schema(
        tags=TAGS,
        operation_id="market_pre_announcement_update",
        parameters=[ID_PATH],
        request=UpdateInput,
        responses={200: PreAnnouncementOwnOutput, 400: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def patch(self, request: Request, pre_announcement_id: int) -> Response:
        data = self.UpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        pre_announcement_update(
            pre_announcement_id=pre_announcement_id,
            acting_user=request_user(request),
            **data.validated_data,
        )
        item = pre_announcement_own_get(user=request_user(request), pre_announcement_id=pre_announcement_id)
        return Response(PreAnnouncementOwnOutput(item).data)

    @extend_schema(
        tags=TAGS,
        operation_id="market_pre_announcement_delete",
        parameters=[ID_PATH],
        request=None,
        responses={204: None, 404: ErrorOutput, 409: ErrorOutput},
    )
    def delete(self, request: Request, pre_announcement_id: int) -> Response:
        pre_announcement_delete(pre_announcement_id=pre_announcement_id, acting_user=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PreAnnouncementPreviewApi(APIView):
    """The public rendering of one of the user's pre-announcements, in any state (预览)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="market_pre_announcement_preview",
        parameters=[ID_PATH],
        responses={200: PreAnnouncementOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, pre_announcement_id: int) -> Response:
        item = pre_announcement_own_get(user=request_user(request), pre_announcement_id=pre_announcement_id)
        return Response(PreAnnouncementOutput(item, context={"request": request}).data)


class PreAnnouncementPublishApi(APIView):
    """Publish a draft for six months (verified users); 409 `already_published` when another pre-announcement of
    the same grant contract is published."""

    permission_classes = [IsVerified]

    @extend_schema(
        tags=TAGS,
        operation_id="market_pre_announcement_publish",
        parameters=[ID_PATH],
        request=None,
        responses={200: PreAnnouncementOwnOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request: Request, pre_announcement_id: int) -> Response:
        pre_announcement_publish(pre_announcement_id=pre_announcement_id, acting_user=request_user(request))
        item = pre_announcement_own_get(user=request_user(request), pre_announcement_id=pre_announcement_id)
        return Response(PreAnnouncementOwnOutput(item).data)


class PreAnnouncementDelistApi(APIView):
    """Take a published pre-announcement down (下架), with the reason."""

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "PreAnnouncementDelistInput"

        reason = serializers.CharField(max_length=500)

    @extend_schema(
        tags=TAGS,
        operation_id="market_pre_announcement_delist",
        parameters=[ID_PATH],
        request=Input,
        responses={200: PreAnnouncementOwnOutput, 400: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request: Request, pre_announcement_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        pre_announcement_delist(
            pre_announcement_id=pre_announcement_id,
            acting_user=request_user(request),
            **data.validated_data,
        )
        item = pre_announcement_own_get(user=request_user(request), pre_announcement_id=pre_announcement_id)
        return Response(PreAnnouncementOwnOutput(item).data)


class MyPreAnnouncementListApi(ListAPIView):
    """The signed-in user's pre-announcements (我的预公告), newest first, with the actions each allows now."""

    permission_classes = [IsAuthenticated]
    serializer_class = PreAnnouncementOwnOutput
    filter_backends: list = []

    class FilterInput(serializers.Serializer):
        status = serializers.ChoiceField(choices=PreAnnouncement.Status.choices, required=False)
        title = serializers.CharField(max_length=200, required=False, help_text="part of the title")

    def get_queryset(self) -> QuerySet[PreAnnouncement]:
        data = self.FilterInput(data=self.request.query_params)
        data.is_valid(raise_exception=True)
        return pre_announcement_own_list(user=request_user(self.request), **data.validated_data)

    @extend_schema(
        tags=TAGS,
        operation_id="market_my_pre_announcement_list",
        parameters=[FilterInput],
        responses={200: PreAnnouncementOwnOutput(many=True), 400: ErrorOutput, 401: ErrorOutput},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class MyPreAnnouncementDetailApi(APIView):
    """One of the signed-in user's pre-announcements in any state, unmasked (for editing)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="market_my_pre_announcement_retrieve",
        parameters=[ID_PATH],
        responses={200: PreAnnouncementOwnOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, pre_announcement_id: int) -> Response:
        item = pre_announcement_own_get(user=request_user(request), pre_announcement_id=pre_announcement_id)
        return Response(PreAnnouncementOwnOutput(item).data)


urlpatterns = [
    path("pre-announcements/", PreAnnouncementListApi.as_view(), name="pre-announcement-list"),
    path("pre-announcements/lookup/", GrantLookupApi.as_view(), name="pre-announcement-lookup"),
    path(
        "pre-announcements/<int:pre_announcement_id>/",
        PreAnnouncementDetailApi.as_view(),
        name="pre-announcement-detail",
    ),
    path(
        "pre-announcements/<int:pre_announcement_id>/preview/",
        PreAnnouncementPreviewApi.as_view(),
        name="pre-announcement-preview",
    ),
    path(
        "pre-announcements/<int:pre_announcement_id>/publish/",
        PreAnnouncementPublishApi.as_view(),
        name="pre-announcement-publish",
    ),
    path(
        "pre-announcements/<int:pre_announcement_id>/delist/",
        PreAnnouncementDelistApi.as_view(),
        name="pre-announcement-delist",
    ),
    path("my/pre-announcements/", MyPreAnnouncementListApi.as_view(), name="my-pre-announcement-list"),
    path(
        "my/pre-announcements/<int:pre_announcement_id>/",
        MyPreAnnouncementDetailApi.as_view(),
        name="my-pre-announcement-detail",
    ),
]
