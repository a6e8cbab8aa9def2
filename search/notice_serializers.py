"""Serializers of the notices search (/api/search/notices): the parameters into one `NoticeQuery` (every bad
parameter a 400 naming it), the results (public fields of the announcement and its lot) and the facets."""

from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from auctions.models import Announcement, Lot
from geo.api import RegionCodeField
from geo.reference import is_valid_region_code, region_name
from geo.services_listing import region_full_name
from search.notice_query import MAX_FRAGMENTS, NOTICE_SORTS, NOTICE_TYPES, RESULT_TYPE, NoticeQuery
from search.notice_selectors import ResultNotice
from search.query import MAX_KEYWORDS, MAX_PAGE_SIZE, MAX_RESULT_WINDOW, SearchPage
from search.serializers import PUBLISHED_PRESETS, SHANGHAI, FacetOutput, QueryParameters

TYPE_NAMES: dict[str, Any] = {
    **dict(Announcement.Kind.choices),
    RESULT_TYPE: _("result announcement"),  # 成交公示
}


class NoticeQueryInput(QueryParameters):
    """The query parameters of /api/search/notices. Dates are Asia/Shanghai days, inclusive."""

    keywords = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_KEYWORDS,
        default="",
        help_text=f"fragments separated by spaces (at most {MAX_FRAGMENTS}), each found anywhere in the title, the "
        f"text, the announcement number or the lot number, e.g. DZR[2026] or 0012; at most {MAX_KEYWORDS} characters",
    )
    region = RegionCodeField(required=False, help_text="GB/T 2260 code of any level: the lot is in or under it")
    type = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=list,
        help_text="normal (普通公告), change (变更公告), termination (终止公告), result (成交公示); repeated or "
        "comma-separated; none: every type",
    )
    published = serializers.ChoiceField(
        choices=list(PUBLISHED_PRESETS),
        required=False,
        help_text="published in the last 3, 7 or 30 days (today included); not with published_from/published_to",
    )
    published_from = serializers.DateField(required=False, help_text="YYYY-MM-DD, Asia/Shanghai, inclusive")
    published_to = serializers.DateField(required=False, help_text="YYYY-MM-DD, Asia/Shanghai, inclusive")
    centre = serializers.IntegerField(required=False, min_value=1, help_text="a trading centre's id")
    lot_kind = serializers.ChoiceField(choices=Lot.Kind.choices, required=False, help_text="the lot's kind")
    trading_mode = serializers.ChoiceField(
        choices=Lot.TradingMode.choices, required=False, help_text="listing (挂牌) or auction (拍卖)"
    )
    sort = serializers.ChoiceField(
        choices=list(NOTICE_SORTS), required=False, default="newest", help_text="by publication date"
    )
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=20)

    class Meta:
        ref_name = "NoticeSearchInput"

    def validate_region(self, value: str) -> str:
        if not is_valid_region_code(value):
            raise serializers.ValidationError(_("No region has this code."), code="unknown")
        return value

    def validate_type(self, value: list[str]) -> list[str]:
        types = [part.strip() for item in value for part in item.split(",") if part.strip()]
        unknown = [item for item in types if item not in NOTICE_TYPES]
        if unknown:
            raise serializers.ValidationError(
                _("Not one of the choices: %(values)s.") % {"values": ", ".join(unknown[:5])}, code="invalid_choice"
            )
        return list(dict.fromkeys(types))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[ErrorDetail]] = {}
        published_from, published_to = attrs.get("published_from"), attrs.get("published_to")
        if "published" in attrs and (published_from or published_to):
            message = _("Give either a preset or published_from/published_to, not both.")
            errors["published"] = [ErrorDetail(str(message), code="exclusive")]
        if published_from and published_to and published_from > published_to:
            message = _("The end date must not be before the start date.")
            errors["published_to"] = [ErrorDetail(str(message), code="inverted_range")]
        if attrs["page"] * attrs["page_size"] > MAX_RESULT_WINDOW:
            window = _("Pages end at result %(window)d; narrow the search.") % {"window": MAX_RESULT_WINDOW}
            errors["page"] = [ErrorDetail(str(window), code="beyond_result_window")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def query(self) -> NoticeQuery:
        """The validated parameters as the one query object (call after is_valid)."""
        data = self.validated_data
        published_from: date | None = data.get("published_from")
        if "published" in data:
            published_from = timezone.localdate(timezone=SHANGHAI) - timedelta(
                days=PUBLISHED_PRESETS[data["published"]] - 1
            )
        return NoticeQuery(
            keywords=data["keywords"],
            region=data.get("region"),
            types=tuple(data["type"]),
            published_from=published_from,
            published_to=data.get("published_to"),
            centre=data.get("centre"),
            lot_kind=data.get("lot_kind"),
            trading_mode=data.get("trading_mode"),
            sort=data["sort"],
            page=data["page"],
            page_size=data["page_size"],
        )


class NoticeRegionOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    full_name = serializers.CharField(help_text="province, city and county, e.g. 四川省成都市锦江区")

    class Meta:
        ref_name = "NoticeRegion"


class NoticeCentreOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    class Meta:
        ref_name = "NoticeCentre"


class NoticeLotOutput(serializers.Serializer):
    """A lot's public summary in a notice."""

    id = serializers.IntegerField()
    number = serializers.CharField(help_text="e.g. 川DZR[2026]0001")
    title = serializers.CharField()
    kind = serializers.CharField()
    kind_name = serializers.CharField(source="get_kind_display")
    trading_mode = serializers.CharField()
    trading_mode_name = serializers.CharField(source="get_trading_mode_display")
    start_price_wan = serializers.DecimalField(max_digits=14, decimal_places=4, help_text="10,000 yuan (万元)")
    region = serializers.SerializerMethodField()
    centre = NoticeCentreOutput()
    url = serializers.SerializerMethodField()

    class Meta:
        ref_name = "NoticeLot"

    @extend_schema_field(NoticeRegionOutput)
    def get_region(self, lot: Lot) -> dict[str, str]:
        return {"code": lot.region_id, "name": lot.region.name, "full_name": region_full_name(lot.region)}

    def get_url(self, lot: Lot) -> str:
        return reverse("web:lot-detail", args=[lot.pk])


class NoticeTradeResultOutput(serializers.Serializer):
    """What a result notice (成交公示) adds: the winner by bidder number and published name, the price unless both
    sides opted out (then null, price_public false), the lot's land use."""

    winner_number = serializers.CharField(help_text="the winner's bidder number (竞买号)")
    winner_name = serializers.CharField(help_text="the winner's published (verified) name")
    price_public = serializers.BooleanField()
    price_wan = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True, help_text="万元")
    land_use = serializers.CharField(help_text="GB/T 21010 code")

    class Meta:
        ref_name = "NoticeTradeResult"


class NoticeResultOutput(serializers.Serializer):
    """One notice: an announcement's public fields and its lot's summary, or a published result (type `result`,
    whose `id` and `number` are its lot's, with `result`)."""

    id = serializers.IntegerField(help_text="the announcement's id; for a result, its lot's id")
    number = serializers.CharField(help_text="e.g. 川自然资源字[2026]0001号; for a result, the lot number")
    title = serializers.CharField()
    type = serializers.CharField(source="kind", help_text="normal, change, termination or result (成交公示)")
    type_name = serializers.CharField(source="get_kind_display")
    status = serializers.ChoiceField(choices=["published", "superseded"])
    published_at = serializers.DateTimeField(help_text="for a result, when it was decided")
    lot = NoticeLotOutput()
    url = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField(help_text="a result notice's winner and price; null otherwise")

    class Meta:
        ref_name = "NoticeResult"

    def get_url(self, notice: Announcement | ResultNotice) -> str:
        if isinstance(notice, ResultNotice):
            return reverse("web:result-detail", args=[notice.lot.pk])
        return reverse("web:notice-detail", args=[notice.pk])

    @extend_schema_field(NoticeTradeResultOutput(allow_null=True))
    def get_result(self, notice: Announcement | ResultNotice) -> dict[str, Any] | None:
        return NoticeTradeResultOutput(notice).data if isinstance(notice, ResultNotice) else None


class NoticeFacetsOutput(serializers.Serializer):
    type = FacetOutput(many=True, help_text="every type, with 0 where none matches")
    region = FacetOutput(many=True, help_text="provinces, or one level below the `region` asked for")
    centre = FacetOutput(many=True)

    class Meta:
        ref_name = "NoticeFacets"


class NoticeSearchOutput(serializers.Serializer):
    count = serializers.IntegerField(help_text="every match, not only this page")
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    backend = serializers.ChoiceField(choices=["elasticsearch", "database"], help_text="which engine answered")
    results = NoticeResultOutput(many=True)
    facets = NoticeFacetsOutput()

    class Meta:
        ref_name = "NoticeSearchPage"


def notice_facets_output(
    page: SearchPage, *, region_names: dict[str, str], centre_names: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Every type in its order (0 where none), then the regions and centres the engine counted, with names and the
    parameters that apply each."""
    type_counts = dict(page.facets.get("type", []))
    out: dict[str, list[dict[str, Any]]] = {
        "type": [
            {"code": code, "name": str(TYPE_NAMES[code]), "count": type_counts.get(code, 0), "params": {"type": code}}
            for code in NOTICE_TYPES
        ],
        "region": [],
        "centre": [],
    }
    for code, count in page.facets.get("region", []):
        name = region_names.get(code) or region_name(code) or code
        out["region"].append({"code": code, "name": name, "count": count, "params": {"region": code}})
    for code, count in page.facets.get("centre", []):
        out["centre"].append(
            {"code": code, "name": centre_names.get(code, code), "count": count, "params": {"centre": code}}
        )
    return out
