"""The public lots of the map's list (交易标的 tab): the lots the `lots` tile layer draws, with the same filters, each
with its phase, key dates, centre and links to its page and its announcement."""

from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from auctions.models import Announcement, Lot
from auctions.selectors_map import LOT_PHASES, lots_on_map
from core.pagination import PageNumberPagination
from core.serializers import ErrorOutput
from tiles.filters import LotTileInput, lot_filters

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 4, "help_text": "10,000 yuan (万元)"}


class LotMapRegionOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class LotMapCentreOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LotMapOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="e.g. 川DZR[2026]0001")
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Lot.Kind.choices)
    kind_name = serializers.CharField(source="get_kind_display")
    trading_mode = serializers.ChoiceField(choices=Lot.TradingMode.choices)
    trading_mode_name = serializers.CharField(source="get_trading_mode_display")
    phase = serializers.ChoiceField(choices=list(LOT_PHASES), help_text="by the database clock (docs/maps.md)")
    start_price_wan = serializers.DecimalField(**MONEY)
    region = LotMapRegionOutput()
    centre = LotMapCentreOutput()
    location = serializers.SerializerMethodField(help_text="[lon, lat] (CGCS2000), or null")
    announcement_starts_at = serializers.DateTimeField()
    applications_open_at = serializers.DateTimeField()
    applications_close_at = serializers.DateTimeField()
    listing_starts_at = serializers.DateTimeField(allow_null=True)
    listing_ends_at = serializers.DateTimeField(allow_null=True)
    auction_starts_at = serializers.DateTimeField(allow_null=True)
    page = serializers.SerializerMethodField(help_text="the lot's page")
    announcement_page = serializers.SerializerMethodField(help_text="the page of its announcement in force, or null")

    class Meta:
        ref_name = "LotOnMap"

    @extend_schema_field(serializers.ListField(child=serializers.FloatField(), allow_null=True))
    def get_location(self, lot: Lot) -> list[float] | None:
        point = lot.location or (lot.parcel.centroid if lot.parcel is not None else None)
        if point is None and lot.area is not None:
            point = lot.area.centroid
        return None if point is None else [point.x, point.y]

    def get_page(self, lot: Lot) -> str:
        return reverse("web:lot-detail", args=[lot.pk])

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_announcement_page(self, lot: Lot) -> str | None:
        current = getattr(lot, "current_announcement_id", None)
        return reverse("web:notice-detail", args=[current]) if current else None


class LotsMapApi(APIView):
    """The public lots (a published announcement) the map draws, newest first, for anyone; filters as the lots
    tiles take them: region, centre, lot_kind, trading_mode, phase."""

    permission_classes = [AllowAny]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=["auctions"],
        operation_id="auctions_lots_map",
        parameters=[LotTileInput],
        responses={200: LotMapOutput(many=True), 400: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        wanted = lot_filters(request.query_params).value
        current = Announcement.objects.filter(lot_id=OuterRef("pk"), status=Announcement.Status.PUBLISHED)
        lots = lots_on_map(wanted=wanted).annotate(current_announcement_id=Subquery(current.values("pk")[:1]))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(lots, request, view=self)
        return paginator.get_paginated_response(LotMapOutput(page, many=True).data)
