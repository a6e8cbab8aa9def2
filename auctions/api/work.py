"""Trading API for the people doing the work: owners' entrustments (我的委托交易), grantors' lot submissions, and the
centre staff's acceptance, registration, rules, documents and announcements. Public reads are in auctions/api/public.py.
"""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsCentreStaff, IsGrantor, IsVerified, request_user
from auctions.models import Announcement, Entrustment, EntrustmentAttachment, Lot, RuleProfile
from auctions.selectors import (
    EntrustmentFilters,
    centre_staff_covers,
    centres_serving,
    entrustment_centre_list,
    entrustment_get,
    entrustment_own_list,
    lot_for_writer,
    lot_grantor_list,
    lot_staff_list,
)
from auctions.services import announcements, entrustments, lots, rules
from core.errors import NotFound
from core.files import stored_file_response
from core.pagination import PageNumberPagination
from core.serializers import ErrorOutput
from geo.api import RegionCodeField
from geo.services_listing import region_full_name
from market.models import SupplyListing
from market.serializers_supply import SupplyFieldsInput

TAGS = ["auctions: work"]
ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput}
ENTRUSTMENT_ID = OpenApiParameter("entrustment_id", int, OpenApiParameter.PATH, description="the entrustment's id")
LOT_ID = OpenApiParameter("lot_id", int, OpenApiParameter.PATH, description="the lot's id")
ANNOUNCEMENT_ID = OpenApiParameter("announcement_id", int, OpenApiParameter.PATH, description="the announcement's id")
ATTACHMENT_ID = OpenApiParameter(
    "entrustment_attachment_id", int, OpenApiParameter.PATH, description="the attachment's id"
)
MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}
STEP_HELP = "the form's step being completed (1 land and centre, 2 applicant): nothing is saved unless it is complete"


def reserve_sealed_at(lot: Lot) -> datetime | None:
    """When the lot's sealed reserve price was entered (its seller and the centre's staff see this), never the amount;
    None before, or while the lot has no trading row."""
    trading = getattr(lot, "trading", None)  # a missing one-to-one row raises an AttributeError subclass
    return trading.reserve_entered_at if trading is not None else None


def _paged(request: Request, view: APIView, queryset: QuerySet[Any], output: type[serializers.Serializer]) -> Response:
    paginator = PageNumberPagination()
    page: list[Any] | None = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(output(page, many=True).data)


# ------------------------------------------------------------------------------------------------ centres


class BankOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CentreOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    region = serializers.CharField(source="region_id")
    address = serializers.CharField()
    phone = serializers.CharField()
    contact = serializers.CharField()
    banks = BankOutput(many=True, source="banks.all")
    rule_profile = serializers.CharField(source="rule_profile.name")
    bond_payee = serializers.CharField(help_text="where an accepted entrustment's performance bond is paid")
    bond_bank = serializers.CharField()
    bond_account = serializers.CharField()

    class Meta:
        ref_name = "TradingCentre"


class CentreListApi(APIView):
    """Active trading centres serving a region (its own, its city's, its province's): the entrustment form's choices."""

    permission_classes = [AllowAny]

    class Query(serializers.Serializer):
        region = RegionCodeField(help_text="a GB/T 2260 code, e.g. 510104")

    @extend_schema(
        tags=TAGS,
        operation_id="centres_serving",
        parameters=[Query],
        responses={200: CentreOutput(many=True), 400: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        centres = centres_serving(query.validated_data["region"]).select_related("rule_profile")
        return Response(CentreOutput(centres, many=True).data)


# ------------------------------------------------------------------------------------------------ entrustments


class EntrustmentFieldsInput(SupplyFieldsInput):
    """The seed's three steps' fields (the land as a supply listing's), all optional for a draft."""

    centre = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    hide_result = serializers.BooleanField(required=False, help_text="不公示竞价结果")
    term_years = serializers.IntegerField(required=False, allow_null=True, help_text="转让/出租期限, 1–70 years")
    step = serializers.ChoiceField(choices=[1, 2], required=False, help_text=STEP_HELP)
    # A supply listing's fields that the entrustment form does not have (a request naming one gets unknown_field).
    lease_term_years = None  # type: ignore[assignment]
    building_area_m2 = None  # type: ignore[assignment]
    building_structure = None  # type: ignore[assignment]
    height_limit_m = None  # type: ignore[assignment]
    green_ratio = None  # type: ignore[assignment]
    building_density = None  # type: ignore[assignment]
    institution = None  # type: ignore[assignment]

    class Meta:
        ref_name = "EntrustmentFieldsInput"

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """A field the form does not have (a supply listing's lease_term_years, institution …) is refused, named."""
        given = self.initial_data.keys() if hasattr(self.initial_data, "keys") else ()
        unknown = sorted(set(given) - set(self.fields))
        if unknown:
            message = _("This field cannot be set.")
            raise serializers.ValidationError({name: [message] for name in unknown}, code="unknown_field")
        return attrs


class EntrustmentCreateInput(EntrustmentFieldsInput):
    listing = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="a published listing of yours: its land is taken as reviewed",
    )
    mode = serializers.ChoiceField(
        choices=SupplyListing.Mode.choices,
        required=False,
        help_text="transfer (转让) or lease (出租), without a listing",
    )

    class Meta:
        ref_name = "EntrustmentCreateInput"


class EntrustmentAttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EntrustmentAttachment.Kind.choices)
    kind_name = serializers.CharField(source="get_kind_display")
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()


class EntrustmentOutput(serializers.Serializer):
    """An entrustment as its owner and its centre's staff see it."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Entrustment.Status.choices)
    status_name = serializers.CharField(source="get_status_display")
    listing = serializers.IntegerField(source="listing_id", allow_null=True)
    mode = serializers.CharField()
    centre = CentreOutput(allow_null=True)
    title = serializers.CharField()
    hide_result = serializers.BooleanField()
    region = serializers.CharField(source="region_id", allow_null=True)
    region_name = serializers.SerializerMethodField(help_text="province, city and county, e.g. 四川省成都市锦江区")
    land_nature = serializers.CharField()
    use_right_type = serializers.CharField()
    land_type = serializers.CharField()
    land_use = serializers.CharField()
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    right_end_date = serializers.DateField(allow_null=True)
    term_years = serializers.IntegerField(allow_null=True)
    address = serializers.CharField()
    location = serializers.SerializerMethodField()
    parcel = serializers.IntegerField(source="parcel_id", allow_null=True)
    boundary_east = serializers.CharField()
    boundary_west = serializers.CharField()
    boundary_south = serializers.CharField()
    boundary_north = serializers.CharField()
    price_wan = serializers.DecimalField(**MONEY, allow_null=True)
    certificate_type = serializers.CharField()
    certificate_number = serializers.CharField()
    registration_authority = serializers.CharField()
    unit_numbers = serializers.ListField(child=serializers.CharField())
    with_buildings = serializers.BooleanField(allow_null=True)
    investment_over_25 = serializers.BooleanField(allow_null=True)
    floor_area_ratio = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    notes = serializers.CharField()
    owner_nature = serializers.CharField()
    owner_name = serializers.CharField()
    owner_id_type = serializers.CharField()
    owner_id_number = serializers.CharField()
    owner_address = serializers.CharField()
    owner_phone = serializers.CharField()
    agent_name = serializers.CharField()
    agent_id_number = serializers.CharField()
    agent_phone = serializers.CharField()
    agent_address = serializers.CharField()
    attachments = EntrustmentAttachmentOutput(many=True, source="attachments.all")
    reason = serializers.CharField()
    bond_yuan = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, help_text="履约保证金, 元")
    bond_payment_details = serializers.CharField()
    lot = serializers.SerializerMethodField(help_text="the lot it became, once registered")
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_region_name(self, entrustment: Entrustment) -> str | None:
        return region_full_name(entrustment.region) if entrustment.region_id else None

    def get_location(self, entrustment: Entrustment) -> list[float] | None:
        return [entrustment.location.x, entrustment.location.y] if entrustment.location else None

    def get_lot(self, entrustment: Entrustment) -> dict[str, Any] | None:
        lot = getattr(entrustment, "lot", None)
        if lot is None:
            return None
        return {"id": lot.pk, "number": lot.number, "status": lot.status, "reserve_sealed_at": reserve_sealed_at(lot)}


def _entrustment(request: Request, entrustment_id: int, code: int = status.HTTP_200_OK) -> Response:
    found = entrustment_get(user=request_user(request), entrustment_id=entrustment_id)
    return Response(EntrustmentOutput(found).data, status=code)


class EntrustmentQuery(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="words of the title")
    mode = serializers.ChoiceField(choices=SupplyListing.Mode.choices, required=False)
    region = RegionCodeField(required=False)
    status = serializers.ChoiceField(choices=Entrustment.Status.choices, required=False)
    submitted_from = serializers.DateField(required=False)
    submitted_to = serializers.DateField(required=False)

    def filters(self) -> EntrustmentFilters:
        return EntrustmentFilters(**self.validated_data)


class EntrustmentListApi(APIView):
    """我的委托交易 (GET, searchable as the seed's 3.6.5 describes) and new drafts (POST, verified users)."""

    permission_classes = [IsVerified]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="entrustments_mine",
        parameters=[EntrustmentQuery],
        responses={200: EntrustmentOutput(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = EntrustmentQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = entrustment_own_list(user=request_user(request), filters=query.filters())
        return _paged(request, self, found.prefetch_related("attachments"), EntrustmentOutput)

    @extend_schema(
        tags=TAGS,
        operation_id="entrustment_create",
        request=EntrustmentCreateInput,
        responses={201: EntrustmentOutput, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = EntrustmentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        created = entrustments.entrustment_create(
            user=request_user(request), listing_id=fields.pop("listing", None), mode=fields.pop("mode", None), **fields
        )
        return _entrustment(request, created.pk, status.HTTP_201_CREATED)


class EntrustmentDetailApi(APIView):
    """One entrustment (GET: its owner, or its centre's staff once submitted); PATCH: save fields of a draft or a
    rejected one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="entrustment_retrieve",
        parameters=[ENTRUSTMENT_ID],
        responses={200: EntrustmentOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, entrustment_id: int) -> Response:
        return _entrustment(request, entrustment_id)

    @extend_schema(
        tags=TAGS,
        operation_id="entrustment_update",
        parameters=[ENTRUSTMENT_ID],
        request=EntrustmentFieldsInput,
        responses={200: EntrustmentOutput, **ERRORS},
    )
    def patch(self, request: Request, entrustment_id: int) -> Response:
        data = EntrustmentFieldsInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        entrustments.entrustment_update(
            user=request_user(request), entrustment_id=entrustment_id, **data.validated_data
        )
        return _entrustment(request, entrustment_id)


class EntrustmentSubmitApi(APIView):
    """Submit to the chosen centre; every missing field and document is named in one 400."""

    permission_classes = [IsVerified]

    @extend_schema(
        tags=TAGS,
        operation_id="entrustment_submit",
        parameters=[ENTRUSTMENT_ID],
        request=None,
        responses={200: EntrustmentOutput, **ERRORS},
    )
    def post(self, request: Request, entrustment_id: int) -> Response:
        entrustments.entrustment_submit(user=request_user(request), entrustment_id=entrustment_id)
        return _entrustment(request, entrustment_id)


class EntrustmentWithdrawApi(APIView):
    """Withdraw before the centre accepts it."""

    permission_classes = [IsVerified]

    @extend_schema(
        tags=TAGS,
        operation_id="entrustment_withdraw",
        parameters=[ENTRUSTMENT_ID],
        request=None,
        responses={200: EntrustmentOutput, **ERRORS},
    )
    def post(self, request: Request, entrustment_id: int) -> Response:
        entrustments.entrustment_withdraw(user=request_user(request), entrustment_id=entrustment_id)
        return _entrustment(request, entrustment_id)


class EntrustmentAttachmentAddApi(APIView):
    """Attach a document of the seed's lists (rar/zip/doc/docx/pdf/jpg, ≤ 50 MB, checked by content), multipart
    {kind, file}, to a draft or rejected entrustment."""

    permission_classes = [IsVerified]
    parser_classes = [MultiPartParser]

    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(choices=EntrustmentAttachment.Kind.choices)
        file = serializers.FileField()

        class Meta:
            ref_name = "EntrustmentAttachmentInput"

    @extend_schema(
        tags=TAGS,
        operation_id="entrustment_attachment_add",
        parameters=[ENTRUSTMENT_ID],
        request={"multipart/form-data": Input},
        responses={201: EntrustmentAttachmentOutput, **ERRORS},
    )
    def post(self, request: Request, entrustment_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = entrustments.attachment_add(
            user=request_user(request), entrustment_id=entrustment_id, **data.validated_data
        )
        return Response(EntrustmentAttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


class EntrustmentAttachmentApi(APIView):
    """A document of an entrustment: its owner and its centre's staff download it (GET); its owner removes it from a
    draft or rejected entrustment (DELETE)."""

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "GET" else [IsVerified()]

    @extend_schema(
        tags=TAGS,
        operation_id="entrustment_attachment_file",
        parameters=[ATTACHMENT_ID],
        responses={(200, "*/*"): OpenApiTypes.BINARY, 404: OpenApiResponse(ErrorOutput)},
    )
    def get(self, request: Request, entrustment_attachment_id: int) -> FileResponse:
        attachment = EntrustmentAttachment.objects.filter(pk=entrustment_attachment_id).first()
        if attachment is None:
            raise NotFound(_("No attachment has this id."))
        entrustment_get(user=request_user(request), entrustment_id=attachment.entrustment_id)  # 404 for others
        return stored_file_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type, private=True
        )

    @extend_schema(
        tags=TAGS,
        operation_id="entrustment_attachment_delete",
        parameters=[ATTACHMENT_ID],
        responses={204: None, **ERRORS},
    )
    def delete(self, request: Request, entrustment_attachment_id: int) -> Response:
        entrustments.attachment_delete(user=request_user(request), attachment_id=entrustment_attachment_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CentreEntrustmentListApi(APIView):
    """The entrustments submitted to the caller's centres (centre staff, administrators)."""

    permission_classes = [IsCentreStaff]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="centre_entrustments",
        parameters=[EntrustmentQuery],
        responses={200: EntrustmentOutput(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = EntrustmentQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = entrustment_centre_list(user=request_user(request), filters=query.filters())
        return _paged(request, self, found.prefetch_related("attachments"), EntrustmentOutput)


class AcceptInput(serializers.Serializer):
    bond_yuan = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, help_text="履约保证金, 元")
    bond_payment_details = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        default="",
        help_text="how to pay it (default: the centre's account)",
    )


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)

    class Meta:
        ref_name = "AuctionReasonInput"


class EntrustmentAcceptApi(APIView):
    """The centre accepts a submitted entrustment and sets the performance bond (履约保证金)."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="entrustment_accept",
        parameters=[ENTRUSTMENT_ID],
        request=AcceptInput,
        responses={200: EntrustmentOutput, **ERRORS},
    )
    def post(self, request: Request, entrustment_id: int) -> Response:
        data = AcceptInput(data=request.data)
        data.is_valid(raise_exception=True)
        entrustments.entrustment_accept(
            user=request_user(request), entrustment_id=entrustment_id, **data.validated_data
        )
        return _entrustment(request, entrustment_id)


class EntrustmentRejectApi(APIView):
    """The centre rejects a submitted entrustment with its reason."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="entrustment_reject",
        parameters=[ENTRUSTMENT_ID],
        request=ReasonInput,
        responses={200: EntrustmentOutput, **ERRORS},
    )
    def post(self, request: Request, entrustment_id: int) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        entrustments.entrustment_reject(
            user=request_user(request), entrustment_id=entrustment_id, reason=data.validated_data["reason"]
        )
        return _entrustment(request, entrustment_id)


# ------------------------------------------------------------------------------------------------ lots


class TermsInput(serializers.Serializer):
    trading_mode = serializers.ChoiceField(choices=Lot.TradingMode.choices)
    process = serializers.ChoiceField(choices=Lot.Process.choices, default=Lot.Process.FULL)
    start_price_wan = serializers.DecimalField(**MONEY, help_text="起始价, 万元")
    increment_wan = serializers.DecimalField(**MONEY, help_text="增价幅度, 万元")
    deposit_wan = serializers.DecimalField(**MONEY, help_text="竞买保证金, 万元")
    announcement_starts_at = serializers.DateTimeField()
    applications_open_at = serializers.DateTimeField()
    applications_close_at = serializers.DateTimeField()
    deposit_deadline = serializers.DateTimeField()
    listing_starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    listing_ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    auction_starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def terms(self) -> lots.Terms:
        return lots.Terms(**{name: self.validated_data[name] for name in lots.Terms.__dataclass_fields__})


class GrantInput(TermsInput):
    centre = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    region = RegionCodeField(help_text="the county, e.g. 510104")
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Lot.Kind.choices, default=Lot.Kind.LAND_USE_RIGHT)
    transfer = serializers.ChoiceField(choices=Lot.Transfer.choices)
    address = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    parcel = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1, default=None)
    area_m2 = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    land_use = serializers.CharField(required=False, allow_blank=True, max_length=4, default="")
    term_years = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=70, default=None)
    transferor = serializers.CharField(required=False, allow_blank=True, max_length=128, default="")
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    location = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="[longitude, latitude] without a parcel (a parcel's lot lies at its centroid)",
    )
    area = serializers.JSONField(
        required=False,
        allow_null=True,
        default=None,
        help_text="a mining right's area: a GeoJSON Polygon or MultiPolygon (lon/lat, CGCS2000)",
    )

    def grant(self) -> lots.Grant:
        data = self.validated_data
        return lots.Grant(
            centre_id=data["centre"],
            region_code=data["region"],
            title=data["title"],
            transfer=data["transfer"],
            kind=data["kind"],
            address=data["address"],
            parcel_id=data["parcel"],
            area_m2=data["area_m2"],
            land_use=data["land_use"],
            term_years=data["term_years"],
            transferor=data["transferor"],
            conditions=data["conditions"],
            location=tuple(data["location"]) if data["location"] else None,
            area=data["area"],
        )


class LotDocumentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class RulesOutput(serializers.Serializer):
    name = serializers.CharField()
    rules_source = serializers.CharField(source="source", help_text="the published rules they follow")
    parameters = serializers.SerializerMethodField()

    class Meta:
        ref_name = "LotRules"

    def get_parameters(self, profile: RuleProfile) -> dict[str, Any]:
        return {name: getattr(profile, name) for name in RuleProfile.PARAMETERS}


class AnnouncementBriefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Announcement.Kind.choices)
    status = serializers.ChoiceField(choices=Announcement.Status.choices)
    number = serializers.CharField()
    title = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)


class LotWorkOutput(serializers.Serializer):
    """A lot as its centre's staff and its grantor see it (any state)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Lot.Status.choices)
    status_name = serializers.CharField(source="get_status_display")
    door = serializers.CharField()
    kind = serializers.CharField()
    transfer = serializers.CharField()
    trading_mode = serializers.CharField()
    process = serializers.CharField()
    title = serializers.CharField()
    centre = serializers.IntegerField(source="centre_id")
    centre_name = serializers.CharField(source="centre.name")
    region = serializers.CharField(source="region_id")
    region_name = serializers.SerializerMethodField(help_text="province, city and county")
    address = serializers.CharField()
    entrustment = serializers.IntegerField(source="entrustment_id", allow_null=True)
    listing = serializers.IntegerField(source="listing_id", allow_null=True)
    parcel = serializers.IntegerField(source="parcel_id", allow_null=True)
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    land_use = serializers.CharField()
    transferor = serializers.CharField()
    conditions = serializers.CharField()
    start_price_wan = serializers.DecimalField(**MONEY)
    increment_wan = serializers.DecimalField(**MONEY)
    deposit_wan = serializers.DecimalField(**MONEY)
    publish_result = serializers.BooleanField()
    announcement_starts_at = serializers.DateTimeField()
    applications_open_at = serializers.DateTimeField()
    applications_close_at = serializers.DateTimeField()
    deposit_deadline = serializers.DateTimeField()
    listing_starts_at = serializers.DateTimeField(allow_null=True)
    listing_ends_at = serializers.DateTimeField(allow_null=True)
    auction_starts_at = serializers.DateTimeField(allow_null=True)
    rules = RulesOutput()
    documents = LotDocumentOutput(many=True, source="documents.all")
    reason = serializers.CharField()
    announcements = serializers.SerializerMethodField(
        help_text="the lot's announcements, drafts included, newest first"
    )
    registered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    reserve_sealed_at = serializers.SerializerMethodField(
        help_text="when the sealed reserve price (底价) was last entered; null before. Never the amount."
    )

    def get_region_name(self, lot: Lot) -> str:
        return region_full_name(lot.region)

    def get_reserve_sealed_at(self, lot: Lot) -> datetime | None:
        return reserve_sealed_at(lot)

    @extend_schema_field(AnnouncementBriefOutput(many=True))
    def get_announcements(self, lot: Lot) -> list[dict[str, Any]]:
        found = Announcement.objects.filter(lot=lot).order_by("-created_at", "-id")
        return AnnouncementBriefOutput(found, many=True).data  # type: ignore[return-value]


def _lot(request: Request, lot_id: int, code: int = status.HTTP_200_OK) -> Response:
    return Response(LotWorkOutput(lot_for_writer(user=request_user(request), lot_id=lot_id)).data, status=code)


class EntrustmentLotApi(APIView):
    """The centre registers the lot of an accepted entrustment, with its trading terms; it gets its number."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="entrustment_lot_register",
        parameters=[ENTRUSTMENT_ID],
        request=TermsInput,
        responses={201: LotWorkOutput, **ERRORS},
    )
    def post(self, request: Request, entrustment_id: int) -> Response:
        data = TermsInput(data=request.data)
        data.is_valid(raise_exception=True)
        lot = lots.lot_register_from_entrustment(
            user=request_user(request), entrustment_id=entrustment_id, terms=data.terms()
        )
        return _lot(request, lot.pk, status.HTTP_201_CREATED)


class GrantorLotListApi(APIView):
    """The grantor's primary-market lots (GET) and a new submission to a centre (POST)."""

    permission_classes = [IsGrantor]
    pagination_class = PageNumberPagination

    @extend_schema(tags=TAGS, operation_id="grantor_lots", responses={200: LotWorkOutput(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        found = lot_grantor_list(user=request_user(request)).select_related("trading")
        return _paged(request, self, found.prefetch_related("documents"), LotWorkOutput)

    @extend_schema(
        tags=TAGS, operation_id="grantor_lot_submit", request=GrantInput, responses={201: LotWorkOutput, **ERRORS}
    )
    def post(self, request: Request) -> Response:
        data = GrantInput(data=request.data)
        data.is_valid(raise_exception=True)
        lot = lots.lot_submit_by_grantor(user=request_user(request), grant=data.grant(), terms=data.terms())
        return _lot(request, lot.pk, status.HTTP_201_CREATED)


class LotWorkApi(APIView):
    """A lot for its centre's staff or its grantor (GET); PUT: the grantor submits a returned lot again."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="lot_work_retrieve",
        parameters=[LOT_ID],
        responses={200: LotWorkOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, lot_id: int) -> Response:
        return _lot(request, lot_id)

    @extend_schema(
        tags=TAGS,
        operation_id="grantor_lot_resubmit",
        parameters=[LOT_ID],
        request=GrantInput,
        responses={200: LotWorkOutput, **ERRORS},
    )
    def put(self, request: Request, lot_id: int) -> Response:
        data = GrantInput(data=request.data)
        data.is_valid(raise_exception=True)
        lots.lot_submit_by_grantor(user=request_user(request), grant=data.grant(), terms=data.terms(), lot_id=lot_id)
        return _lot(request, lot_id)


class CentreLotListApi(APIView):
    """Every lot of the caller's centres, any state (centre staff, administrators)."""

    permission_classes = [IsCentreStaff]
    pagination_class = PageNumberPagination

    class Query(serializers.Serializer):
        status = serializers.ChoiceField(choices=Lot.Status.choices, required=False)

    @extend_schema(
        tags=TAGS, operation_id="centre_lots", parameters=[Query], responses={200: LotWorkOutput(many=True), **ERRORS}
    )
    def get(self, request: Request) -> Response:
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = lot_staff_list(user=request_user(request), status=query.validated_data.get("status", ""))
        return _paged(request, self, found.select_related("trading").prefetch_related("documents"), LotWorkOutput)


class LotDocumentAddApi(APIView):
    """A document of the lot, multipart {title, file}: its grantor before registration, its centre until announced."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    class Input(serializers.Serializer):
        title = serializers.CharField(max_length=128)
        file = serializers.FileField()

        class Meta:
            ref_name = "LotDocumentInput"

    @extend_schema(
        tags=TAGS,
        operation_id="lot_document_add",
        parameters=[LOT_ID],
        request={"multipart/form-data": Input},
        responses={201: LotDocumentOutput, **ERRORS},
    )
    def post(self, request: Request, lot_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        document = lots.lot_document_add(user=request_user(request), lot_id=lot_id, **data.validated_data)
        return Response(LotDocumentOutput(document).data, status=status.HTTP_201_CREATED)


class LotRegisterApi(APIView):
    """The centre found the grantor's submission complete: registered and numbered."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="lot_register",
        parameters=[LOT_ID],
        request=None,
        responses={200: LotWorkOutput, **ERRORS},
    )
    def post(self, request: Request, lot_id: int) -> Response:
        lots.lot_register_submitted(user=request_user(request), lot_id=lot_id)
        return _lot(request, lot_id)


class LotReturnApi(APIView):
    """The centre returns an incomplete submission to the grantor with its reasons."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="lot_return",
        parameters=[LOT_ID],
        request=ReasonInput,
        responses={200: LotWorkOutput, **ERRORS},
    )
    def post(self, request: Request, lot_id: int) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        lots.lot_return(user=request_user(request), lot_id=lot_id, reason=data.validated_data["reason"])
        return _lot(request, lot_id)


class LotRulesApi(APIView):
    """Override the lot's own copy of its rules (its centre's staff) until its announcement is published."""

    permission_classes = [IsCentreStaff]

    class Input(serializers.Serializer):
        countdown_seconds = serializers.IntegerField(required=False)
        increment_multiples = serializers.BooleanField(required=False)
        raise_cap_increments = serializers.IntegerField(required=False, allow_null=True)
        quoting_stop_seconds = serializers.IntegerField(required=False)
        quoting_stop_min_bidders = serializers.IntegerField(required=False)
        timed_entry = serializers.ChoiceField(choices=RuleProfile.TimedEntry.choices, required=False)
        timed_entry_confirm_seconds = serializers.IntegerField(required=False)
        auction_conversion = serializers.BooleanField(required=False)
        conversion_min_bidders = serializers.IntegerField(required=False)
        conversion_window_seconds = serializers.IntegerField(required=False)
        conversion_preparation_seconds = serializers.IntegerField(required=False)
        reserve_entry = serializers.ChoiceField(choices=RuleProfile.ReserveEntry.choices, required=False)
        reserve_lead_seconds = serializers.IntegerField(required=False)
        reserve_final_window_seconds = serializers.IntegerField(required=False)
        certificates_required = serializers.BooleanField(required=False)

        class Meta:
            ref_name = "LotRulesInput"

    @extend_schema(
        tags=TAGS,
        operation_id="lot_rules_update",
        parameters=[LOT_ID],
        request=Input,
        responses={200: LotWorkOutput, **ERRORS},
    )
    def patch(self, request: Request, lot_id: int) -> Response:
        data = self.Input(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        rules.lot_rules_update(user=request_user(request), lot_id=lot_id, **data.validated_data)
        return _lot(request, lot_id)


# ------------------------------------------------------------------------------------------------ announcements


class AnnouncementDraftOutput(serializers.Serializer):
    id = serializers.IntegerField()
    lot = serializers.IntegerField(source="lot_id")
    kind = serializers.ChoiceField(choices=Announcement.Kind.choices)
    status = serializers.ChoiceField(choices=Announcement.Status.choices)
    number = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    documents = LotDocumentOutput(many=True, source="documents.all")


class AnnouncementInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=50_000)

    class Meta:
        ref_name = "AnnouncementInput"


class LotAnnouncementCreateApi(APIView):
    """A draft announcement of the lot: its first (normal), a change (变更) or a termination (终止)."""

    permission_classes = [IsCentreStaff]

    class Input(AnnouncementInput):
        kind = serializers.ChoiceField(choices=Announcement.Kind.choices, default=Announcement.Kind.NORMAL)

        class Meta:
            ref_name = "AnnouncementCreateInput"

    @extend_schema(
        tags=TAGS,
        operation_id="announcement_draft",
        parameters=[LOT_ID],
        request=Input,
        responses={201: AnnouncementDraftOutput, **ERRORS},
    )
    def post(self, request: Request, lot_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        draft = announcements.announcement_draft(user=request_user(request), lot_id=lot_id, **data.validated_data)
        return Response(AnnouncementDraftOutput(draft).data, status=status.HTTP_201_CREATED)


def _announcement_for_staff(request: Request, announcement_id: int) -> Announcement:
    announcement = Announcement.objects.select_related("lot__centre").filter(pk=announcement_id).first()
    if announcement is None or not centre_staff_covers(request_user(request), announcement.lot.centre):
        raise NotFound(_("No announcement has this id."))
    return announcement


class AnnouncementDraftApi(APIView):
    """A draft announcement for its centre's staff (GET, PATCH its text); a published one never changes."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="announcement_draft_retrieve",
        parameters=[ANNOUNCEMENT_ID],
        responses={200: AnnouncementDraftOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, announcement_id: int) -> Response:
        return Response(AnnouncementDraftOutput(_announcement_for_staff(request, announcement_id)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="announcement_draft_update",
        parameters=[ANNOUNCEMENT_ID],
        request=AnnouncementInput,
        responses={200: AnnouncementDraftOutput, **ERRORS},
    )
    def patch(self, request: Request, announcement_id: int) -> Response:
        data = AnnouncementInput(data=request.data)
        data.is_valid(raise_exception=True)
        updated = announcements.announcement_update(
            user=request_user(request), announcement_id=announcement_id, **data.validated_data
        )
        return Response(AnnouncementDraftOutput(updated).data)


class AnnouncementDocumentAddApi(APIView):
    """A document of a draft announcement, multipart {title, file}, kept with its SHA-256."""

    permission_classes = [IsCentreStaff]
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=TAGS,
        operation_id="announcement_document_add",
        parameters=[ANNOUNCEMENT_ID],
        request={"multipart/form-data": LotDocumentAddApi.Input},
        responses={201: LotDocumentOutput, **ERRORS},
    )
    def post(self, request: Request, announcement_id: int) -> Response:
        data = LotDocumentAddApi.Input(data=request.data)
        data.is_valid(raise_exception=True)
        document = announcements.document_add(
            user=request_user(request), announcement_id=announcement_id, **data.validated_data
        )
        return Response(LotDocumentOutput(document).data, status=status.HTTP_201_CREATED)


class AnnouncementPublishApi(APIView):
    """Publish a draft: numbered, timed by the database clock, and from then on unchangeable."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="announcement_publish",
        parameters=[ANNOUNCEMENT_ID],
        request=None,
        responses={200: AnnouncementDraftOutput, **ERRORS},
    )
    def post(self, request: Request, announcement_id: int) -> Response:
        published = announcements.announcement_publish(user=request_user(request), announcement_id=announcement_id)
        return Response(AnnouncementDraftOutput(published).data)
