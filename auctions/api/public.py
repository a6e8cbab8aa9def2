"""Public reads: one announcement (its lot's summary, documents with SHA-256 and download URLs, the change chain),
one announced lot (public fields, schedule, rules in words, its announcements) and the documents' files."""

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from auctions.models import Announcement, AnnouncementDocument, Lot
from auctions.selectors_public import (
    announcement_public_get,
    announcement_successor,
    document_public_get,
    lot_public_get,
    rules_summary,
)
from auctions.selectors_results import PublicResult, result_public
from core.files import stored_file_response
from core.serializers import ErrorOutput
from geo.services_listing import region_full_name

TAGS = ["auctions"]
ANNOUNCEMENT_ID = OpenApiParameter("announcement_id", int, OpenApiParameter.PATH, description="the announcement's id")
LOT_ID = OpenApiParameter("lot_id", int, OpenApiParameter.PATH, description="the lot's id")
DOCUMENT_ID = OpenApiParameter("document_id", int, OpenApiParameter.PATH, description="the document's id")
MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 4, "help_text": "10,000 yuan (万元)"}


def document_url(document: AnnouncementDocument) -> str:
    return reverse("auctions:announcement-document", args=[document.announcement_id, document.pk])


class RegionOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    full_name = serializers.CharField(help_text="province, city and county, e.g. 四川省成都市锦江区")

    class Meta:
        ref_name = "AuctionRegion"


def region_output(lot: Lot) -> dict[str, str]:
    return {"code": lot.region_id, "name": lot.region.name, "full_name": region_full_name(lot.region)}


class CentreOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()

    class Meta:
        ref_name = "AuctionCentre"


class AnnouncementLinkOutput(serializers.Serializer):
    """Another announcement of the lot: enough to name it and link to it."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Announcement.Kind.choices)
    kind_name = serializers.CharField(source="get_kind_display")
    status = serializers.ChoiceField(choices=["published", "superseded"])
    published_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField(help_text="its API address")
    page = serializers.SerializerMethodField(help_text="its page")

    class Meta:
        ref_name = "AnnouncementLink"

    def get_url(self, announcement: Announcement) -> str:
        return reverse("auctions:announcement-detail", args=[announcement.pk])

    def get_page(self, announcement: Announcement) -> str:
        return reverse("web:notice-detail", args=[announcement.pk])


class AnnouncementDocumentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="bytes")
    sha256 = serializers.CharField(help_text="hex SHA-256 of the file as stored")
    url = serializers.SerializerMethodField(help_text="the file")

    class Meta:
        ref_name = "AnnouncementDocument"

    def get_url(self, document: AnnouncementDocument) -> str:
        return document_url(document)


class LotSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="e.g. 川DZR[2026]0001")
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Lot.Kind.choices)
    kind_name = serializers.CharField(source="get_kind_display")
    transfer = serializers.ChoiceField(choices=Lot.Transfer.choices)
    transfer_name = serializers.CharField(source="get_transfer_display")
    trading_mode = serializers.ChoiceField(choices=Lot.TradingMode.choices)
    trading_mode_name = serializers.CharField(source="get_trading_mode_display")
    status = serializers.ChoiceField(choices=Lot.Status.choices)
    region = serializers.SerializerMethodField()
    address = serializers.CharField()
    area_m2 = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    start_price_wan = serializers.DecimalField(**MONEY)
    centre = CentreOutput()
    location = serializers.SerializerMethodField(help_text="[lon, lat] (CGCS2000), or null")
    parcel = serializers.SerializerMethodField(help_text="the parcel's code, or null")
    url = serializers.SerializerMethodField(help_text="its API address")
    page = serializers.SerializerMethodField(help_text="its page")

    class Meta:
        ref_name = "LotSummary"

    @extend_schema_field(RegionOutput)
    def get_region(self, lot: Lot) -> dict[str, str]:
        return region_output(lot)

    @extend_schema_field(serializers.ListField(child=serializers.FloatField(), allow_null=True))
    def get_location(self, lot: Lot) -> list[float] | None:
        point = lot.location
        if point is None and lot.parcel is not None:
            point = lot.parcel.centroid
        return None if point is None else [point.x, point.y]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_parcel(self, lot: Lot) -> str | None:
        return lot.parcel.code if lot.parcel is not None else None

    def get_url(self, lot: Lot) -> str:
        return reverse("auctions:lot-detail", args=[lot.pk])

    def get_page(self, lot: Lot) -> str:
        return reverse("web:lot-detail", args=[lot.pk])


class AnnouncementPublicOutput(serializers.Serializer):
    """A published or superseded announcement: its text, documents, lot and the change chain."""

    id = serializers.IntegerField()
    number = serializers.CharField(help_text="e.g. 川自然资源字[2026]0001号")
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Announcement.Kind.choices)
    kind_name = serializers.CharField(source="get_kind_display")
    status = serializers.ChoiceField(choices=["published", "superseded"])
    published_at = serializers.DateTimeField()
    body = serializers.CharField()
    lot = LotSummaryOutput()
    documents = AnnouncementDocumentOutput(many=True)
    supersedes = AnnouncementLinkOutput(allow_null=True, help_text="the announcement this one changed or ended")
    superseded_by = serializers.SerializerMethodField(help_text="the announcement that changed or ended this one")

    class Meta:
        ref_name = "AnnouncementPublic"

    @extend_schema_field(AnnouncementLinkOutput(allow_null=True))
    def get_superseded_by(self, announcement: Announcement) -> dict[str, Any] | None:
        successor = announcement_successor(announcement=announcement)
        return None if successor is None else AnnouncementLinkOutput(successor).data


class LotResultPublicOutput(serializers.Serializer):
    """A lot's result as anyone sees it (auctions/selectors_results.py): the winner and the price only for a deal
    that is not revoked, the price only unless both sides opted out, the reserve only once the trade is closed."""

    outcome = serializers.ChoiceField(choices=["deal", "failed", "terminated"])
    outcome_name = serializers.CharField()
    trade_source = serializers.ChoiceField(
        source="source", choices=["online", "offline"], help_text="online trading, or recorded by staff (on site)"
    )
    decided_at = serializers.DateTimeField()
    revoked = serializers.BooleanField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_reason = serializers.CharField(allow_blank=True)
    price_public = serializers.BooleanField(help_text="false only when both the seller and the winner opted out")
    price_wan = serializers.DecimalField(**MONEY, allow_null=True)
    winner_number = serializers.CharField(allow_null=True, help_text="the winner's bidder number (竞买号)")
    winner_name = serializers.CharField(allow_null=True, help_text="the winner's published (verified) name")
    reserve_wan = serializers.DecimalField(**MONEY, allow_null=True)
    page = serializers.SerializerMethodField(help_text="the result's page (成交公示), for a published deal")
    protocol = serializers.SerializerMethodField(help_text="the lot's protocol (evidence log) to download")

    class Meta:
        ref_name = "LotResultPublic"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_page(self, result: PublicResult) -> str | None:
        published = result.outcome == "deal" and not result.revoked
        return reverse("web:result-detail", args=[self.context["lot_id"]]) if published else None

    def get_protocol(self, result: PublicResult) -> str:
        return reverse("auctions:lot-protocol", args=[self.context["lot_id"]])


class LotPublicOutput(LotSummaryOutput):
    """An announced lot's public fields, its schedule (Asia/Shanghai), its rules in words and its announcements."""

    process = serializers.ChoiceField(choices=Lot.Process.choices)
    land_use = serializers.CharField()
    term_years = serializers.IntegerField(allow_null=True)
    transferor = serializers.CharField()
    conditions = serializers.CharField()
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
    rules = serializers.SerializerMethodField(help_text="the lot's trading rules in words")
    announcements = AnnouncementLinkOutput(source="notices", many=True, help_text="newest first")
    current_announcement = serializers.SerializerMethodField(help_text="the one in force (null once ended)")
    result = serializers.SerializerMethodField(help_text="the trade's result (null before there is one)")

    class Meta:
        ref_name = "LotPublic"

    @extend_schema_field(LotResultPublicOutput(allow_null=True))
    def get_result(self, lot: Lot) -> dict[str, Any] | None:
        result = result_public(lot)
        return None if result is None else LotResultPublicOutput(result, context={"lot_id": lot.pk}).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_rules(self, lot: Lot) -> list[str]:
        return rules_summary(lot.rules)

    @extend_schema_field(AnnouncementLinkOutput(allow_null=True))
    def get_current_announcement(self, lot: Lot) -> dict[str, Any] | None:
        current = next((item for item in lot.notices if item.status == Announcement.Status.PUBLISHED), None)  # type: ignore[attr-defined]
        return None if current is None else AnnouncementLinkOutput(current).data


class AnnouncementPublicApi(APIView):
    """One published or superseded announcement, for anyone; a draft is not found."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="auctions_announcement_public",
        parameters=[ANNOUNCEMENT_ID],
        responses={200: AnnouncementPublicOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, announcement_id: int) -> Response:
        return Response(AnnouncementPublicOutput(announcement_public_get(announcement_id=announcement_id)).data)


class LotPublicApi(APIView):
    """One lot that has a published announcement, for anyone; other lots are not found."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="auctions_lot_public",
        parameters=[LOT_ID],
        responses={200: LotPublicOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, lot_id: int) -> Response:
        return Response(LotPublicOutput(lot_public_get(lot_id=lot_id)).data)


class AnnouncementDocumentFileApi(APIView):
    """A document of a published or superseded announcement, as a file (never inline); a draft's is not found."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="auctions_announcement_document_file",
        parameters=[ANNOUNCEMENT_ID, DOCUMENT_ID],
        responses={(200, "*/*"): OpenApiTypes.BINARY, 404: OpenApiResponse(ErrorOutput)},  # as it was uploaded
    )
    def get(self, request: Request, announcement_id: int, document_id: int) -> FileResponse:
        document = document_public_get(announcement_id=announcement_id, document_id=document_id)
        return stored_file_response(
            document.file, filename=document.original_name, content_type=document.content_type, private=False
        )
