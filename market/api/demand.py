"""Market API: demand (需求) — the public list and detail, the owner's drafts, registration, changes, delisting,
deletion, and the personal centre's list (我的需求)."""

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

from accounts.permissions import IsVerified, request_user
from core.net import client_address
from core.serializers import ErrorOutput
from geo.api import RegionCodeField
from geo.reference import land_use_name
from geo.serializers import LonLatField, RegionRefOutput
from market.models import Demand, LandNature
from market.selectors.demand import (
    GROUPS,
    demand_actions,
    demand_own_get,
    demand_own_list,
    demand_public_get,
    demand_public_list,
)
from market.serializers_supply import phone_for_viewer
from market.services.demand import (
    demand_change,
    demand_create,
    demand_delete,
    demand_delist,
    demand_submit,
    demand_update,
    demand_view_record,
)

TAGS = ["market: demand"]
ID_PATH = OpenApiParameter("demand_id", int, OpenApiParameter.PATH, description="the demand's id")
PHONE_REGEX = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$"


class DemandInput(serializers.Serializer):
    """The demand form (发布需求). Only `kind` is needed for a draft; registration needs the rest of the required
    fields (title, region, land use and nature, both areas, contact name and phone)."""

    class Meta:
        ref_name = "DemandInput"

    kind = serializers.ChoiceField(choices=Demand.Kind.choices, help_text="purchase (求购) or lease (求租)")
    title = serializers.CharField(max_length=200, allow_blank=True, required=False)
    region = RegionCodeField(required=False, allow_null=True, help_text="where the land is wanted, any level")
    land_use = serializers.CharField(
        max_length=4, allow_blank=True, required=False, help_text="GB/T 21010-2017, first level (05) or second (0501)"
    )
    land_nature = serializers.ChoiceField(choices=LandNature.choices, allow_blank=True, required=False)
    area_min_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, required=False)
    area_max_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, required=False)
    price_min_wan = serializers.DecimalField(
        max_digits=14, decimal_places=4, allow_null=True, required=False, help_text="budget from, 万元"
    )
    price_max_wan = serializers.DecimalField(
        max_digits=14, decimal_places=4, allow_null=True, required=False, help_text="budget to, 万元"
    )
    years = serializers.IntegerField(allow_null=True, required=False, help_text="years wanted, 1–70")
    industry = serializers.CharField(max_length=64, allow_blank=True, required=False)
    description = serializers.CharField(max_length=1000, allow_blank=True, required=False, trim_whitespace=False)
    contact_name = serializers.CharField(max_length=64, allow_blank=True, required=False)
    contact_phone = serializers.RegexField(
        PHONE_REGEX,
        max_length=20,
        allow_blank=True,
        required=False,
        error_messages={"invalid": _("Enter a mobile number or a landline number with its area code.")},
    )


class DemandOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Demand.Kind.choices)
    status = serializers.ChoiceField(choices=Demand.Status.choices)
    title = serializers.CharField()
    region = RegionRefOutput(allow_null=True)
    location = LonLatField(allow_null=True, help_text="the preferred location, [lon, lat]")
    land_use = serializers.CharField()
    land_use_name = serializers.SerializerMethodField()
    land_nature = serializers.CharField()
    area_min_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    area_max_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    price_min_wan = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    price_max_wan = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    years = serializers.IntegerField(allow_null=True)
    industry = serializers.CharField()
    description = serializers.CharField(help_text="plain text, never HTML")
    contact_name = serializers.CharField()
    contact_phone = serializers.SerializerMethodField(
        help_text="in full for its owner and the reviewers of its region; masked (138****1234) for anyone else"
    )
    registered_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    view_count = serializers.IntegerField()
    favourite_count = serializers.IntegerField()

    class Meta:
        ref_name = "Demand"

    def get_land_use_name(self, demand: Demand) -> str | None:
        return land_use_name(demand.land_use) if demand.land_use else None

    def get_contact_phone(self, demand: Demand) -> str:
        return phone_for_viewer(
            self.context, phone=demand.contact_phone, owner_id=demand.owner_id, region_code=demand.region_id
        )


class DemandOwnOutput(DemandOutput):
    """A demand as its owner sees it: with the delisting reason, dates and what may be done with it now."""

    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    actions = serializers.SerializerMethodField(help_text="view, edit, change, delist, delete")

    class Meta:
        ref_name = "DemandOwn"

    def get_contact_phone(self, demand: Demand) -> str:
        return demand.contact_phone

    def get_actions(self, demand: Demand) -> list[str]:
        return demand_actions(demand)


class ReasonInput(serializers.Serializer):
    class Meta:
        ref_name = "DemandDelistInput"

    reason = serializers.CharField(max_length=500, allow_blank=True, required=False)


def _viewer(request: Request) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_address(request)}"


class DemandListApi(ListAPIView):
    """GET: registered demands (登记成功), newest first. POST: a new draft (verified users)."""

    serializer_class = DemandOutput
    filter_backends: list = []

    class FilterInput(serializers.Serializer):
        region = RegionCodeField(required=False, help_text="demands in or under this region")
        kind = serializers.ChoiceField(choices=Demand.Kind.choices, required=False)
        land_use = serializers.RegexField(
            r"^\d{2}(\d{2})?$", required=False, help_text="a first-level class (05) or a second-level one (0501)"
        )
        area_min = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
        area_max = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "GET" else [IsVerified()]

    def get_queryset(self) -> QuerySet[Demand]:
        data = self.FilterInput(data=self.request.query_params)
        data.is_valid(raise_exception=True)
        return demand_public_list(**data.validated_data)

    @extend_schema(
        tags=TAGS,
        operation_id="market_demand_list",
        parameters=[FilterInput],
        responses={200: DemandOutput(many=True), 400: ErrorOutput},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="market_demand_create",
        request=DemandInput,
        responses={201: DemandOwnOutput, 400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput},
    )
    def post(self, request: Request) -> Response:
        data = DemandInput(data=request.data)
        data.is_valid(raise_exception=True)
        demand = demand_create(acting_user=request_user(request), **data.validated_data)
        return Response(
            DemandOwnOutput(demand_own_get(user=request_user(request), demand_id=demand.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class DemandDetailApi(APIView):
    """GET: a registered demand (views counted once per viewer per 30 minutes). PATCH: edit a draft (owner).
    DELETE: delete a draft, registered, delisted or expired demand (owner)."""

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "GET":
            return [AllowAny()]
        return [IsVerified()] if self.request.method == "PATCH" else [IsAuthenticated()]

    @extend_schema(
        tags=TAGS,
        operation_id="market_demand_retrieve",
        parameters=[ID_PATH],
        responses={200: DemandOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, demand_id: int) -> Response:
        demand = demand_public_get(demand_id=demand_id)
        if demand_view_record(demand_id=demand.pk, viewer=_viewer(request)):
            demand.view_count += 1
        return Response(DemandOutput(demand, context={"request": request}).data)

    @extend_schema(
        tags=TAGS,
        operation_id="market_demand_update",
        parameters=[ID_PATH],
        request=DemandInput(partial=True),
        responses={200: DemandOwnOutput, 400: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def patch(self, request: Request, demand_id: int) -> Response:
        data = DemandInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        demand_update(demand_id=demand_id, acting_user=request_user(request), **data.validated_data)
        return Response(DemandOwnOutput(demand_own_get(user=request_user(request), demand_id=demand_id)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="market_demand_delete",
        parameters=[ID_PATH],
        request=None,
        responses={204: None, 404: ErrorOutput, 409: ErrorOutput},
    )
    def delete(self, request: Request, demand_id: int) -> Response:
        demand_delete(demand_id=demand_id, acting_user=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DemandSubmitApi(APIView):
    """Register a draft (提交 → 登记成功): every required field is checked at once; public for six months."""

    permission_classes = [IsVerified]

    @extend_schema(
        tags=TAGS,
        operation_id="market_demand_submit",
        parameters=[ID_PATH],
        request=None,
        responses={200: DemandOwnOutput, 400: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request: Request, demand_id: int) -> Response:
        demand_submit(demand_id=demand_id, acting_user=request_user(request))
        return Response(DemandOwnOutput(demand_own_get(user=request_user(request), demand_id=demand_id)).data)


class DemandChangeApi(APIView):
    """Change a registered demand (信息变更): the given fields only; it stays registered and the change is audited."""

    permission_classes = [IsVerified]

    @extend_schema(
        tags=TAGS,
        operation_id="market_demand_change",
        parameters=[ID_PATH],
        request=DemandInput(partial=True),
        responses={200: DemandOwnOutput, 400: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request: Request, demand_id: int) -> Response:
        data = DemandInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        demand_change(demand_id=demand_id, acting_user=request_user(request), **data.validated_data)
        return Response(DemandOwnOutput(demand_own_get(user=request_user(request), demand_id=demand_id)).data)


class DemandDelistApi(APIView):
    """Take a registered demand off the public list (下架), with an optional reason."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="market_demand_delist",
        parameters=[ID_PATH],
        request=ReasonInput,
        responses={200: DemandOwnOutput, 400: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request: Request, demand_id: int) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        demand_delist(demand_id=demand_id, acting_user=request_user(request), **data.validated_data)
        return Response(DemandOwnOutput(demand_own_get(user=request_user(request), demand_id=demand_id)).data)


class MyDemandListApi(ListAPIView):
    """The signed-in user's demands (我的需求), newest first, with the actions each allows now:
    `group=unregistered` (未登记: drafts) or `registered` (已登记: registered, delisted, expired)."""

    permission_classes = [IsAuthenticated]
    serializer_class = DemandOwnOutput
    filter_backends: list = []

    class FilterInput(serializers.Serializer):
        group = serializers.ChoiceField(choices=list(GROUPS), required=False)
        title = serializers.CharField(max_length=200, required=False, help_text="part of the title")
        status = serializers.ChoiceField(
            choices=[c for c in Demand.Status.choices if c[0] != Demand.Status.DELETED], required=False
        )
        published_from = serializers.DateField(required=False, help_text="registered on or after, YYYY-MM-DD")
        published_to = serializers.DateField(required=False, help_text="registered on or before, YYYY-MM-DD")
        area_min = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
        area_max = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            start, end = attrs.get("published_from"), attrs.get("published_to")
            if start and end and start > end:
                raise serializers.ValidationError(
                    {"published_to": _("The end date must not be before the start date.")}, code="invalid"
                )
            return attrs

    def get_queryset(self) -> QuerySet[Demand]:
        data = self.FilterInput(data=self.request.query_params)
        data.is_valid(raise_exception=True)
        return demand_own_list(user=request_user(self.request), **data.validated_data)

    @extend_schema(
        tags=TAGS,
        operation_id="market_my_demand_list",
        parameters=[FilterInput],
        responses={200: DemandOwnOutput(many=True), 400: ErrorOutput, 401: ErrorOutput},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class MyDemandDetailApi(APIView):
    """One of the signed-in user's demands in any state but deleted (查看详情)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="market_my_demand_retrieve",
        parameters=[ID_PATH],
        responses={200: DemandOwnOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, demand_id: int) -> Response:
        return Response(DemandOwnOutput(demand_own_get(user=request_user(request), demand_id=demand_id)).data)


urlpatterns = [
    path("demand/", DemandListApi.as_view(), name="demand-list"),
    path("demand/<int:demand_id>/", DemandDetailApi.as_view(), name="demand-detail"),
    path("demand/<int:demand_id>/submit/", DemandSubmitApi.as_view(), name="demand-submit"),
    path("demand/<int:demand_id>/change/", DemandChangeApi.as_view(), name="demand-change"),
    path("demand/<int:demand_id>/delist/", DemandDelistApi.as_view(), name="demand-delist"),
    path("my/demand/", MyDemandListApi.as_view(), name="my-demand-list"),
    path("my/demand/<int:demand_id>/", MyDemandDetailApi.as_view(), name="my-demand-detail"),
]
