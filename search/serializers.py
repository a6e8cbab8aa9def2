"""Serializers of the search API: request parameters into one `ListingQuery` (every bad parameter a 400 naming it),
signed `after` cursors, and the results, facets and suggestions as the API answers them."""

import copy
import functools
import math
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

import shapely
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from geo.api import RegionCodeField
from geo.models import Region
from geo.reference import LAND_USE_MAJOR, is_valid_land_use, is_valid_region_code, land_use_name, region_name
from geo.serializers import LON_LAT_SCHEMA
from geo.services_listing import region_full_name
from market.models import Demand, SupplyListing
from market.serializers_supply import attachment_url
from search.query import (
    MAX_KEYWORDS,
    MAX_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    NEGOTIABLE,
    PRICE_BANDS,
    SORTS,
    Kind,
    ListingQuery,
    SearchPage,
)

MAX_DISTANCE_M = 500_000
MAX_POLYGON_POINTS = 500
MAX_LAND_USES = 20
MAX_AMOUNT = Decimal(10) ** 12  # larger than any area (m²) or price (万元) the market stores
PUBLISHED_PRESETS = {"3d": 3, "7d": 7, "30d": 30}  # the last N Asia/Shanghai days, today included
MODES: dict[str, list[tuple[str, Any]]] = {
    "supply": list(SupplyListing.Mode.choices),
    "demand": list(Demand.Kind.choices),
}
SUPPLY_ONLY = ("certified", "unit_price_min", "unit_price_max")
SHANGHAI = ZoneInfo("Asia/Shanghai")
PRICE_STEP = Decimal("0.0001")  # 万元: prices are stored to one yuan
_CURSOR_SALT = "search.after"
_LAND_USE_CODE = re.compile(r"[0-9]{2}(?:[0-9]{2})?")


@functools.cache
def _cursor_signer(secret: str) -> signing.Signer:
    """One signer per secret key: building one reads the settings and checks the salt each time."""
    return signing.Signer(key=secret, salt=_CURSOR_SALT)


def cursor_dump(*, kind: Kind, sort: str, after: tuple[str, ...], seen: int) -> str:
    """The `after` parameter of the page that follows `seen` results, the last of them with sort values `after`.
    Signed, so an engine only ever receives cursors it made, for the same kind and sort."""
    return _cursor_signer(settings.SECRET_KEY).sign_object([kind, sort, list(after), seen])


def cursor_load(text: str, *, kind: Kind, sort: str) -> tuple[tuple[str, ...], int]:
    """The sort values and the count of results before the page of a cursor from `cursor_dump`; ValueError when it
    is malformed, altered, or of another kind or sort."""
    try:
        cursor_kind, cursor_sort, values, seen = _cursor_signer(settings.SECRET_KEY).unsign_object(text)
    except (signing.BadSignature, ValueError, TypeError):
        raise ValueError("not a cursor of this API") from None
    if cursor_kind != kind or cursor_sort != sort:
        raise ValueError("a cursor of another search")
    if not (isinstance(values, list) and values and all(isinstance(value, str) for value in values)):
        raise ValueError("not a cursor of this API")
    if not isinstance(seen, int) or seen < 0:
        raise ValueError("not a cursor of this API")
    return tuple(values), seen


def safe_fragment(fragment: str, *, private: Sequence[str] = (), cut: bool = False) -> str | None:
    """A highlight fragment as HTML: its text escaped, only the engine's marks around the matches (the settings'
    SEARCH_HIGHLIGHT_PRE_TAG / _POST_TAG) kept, as <em>…</em>.

    Any text in `private` (searched but not public) is replaced by "…"; with `cut` (a fragment cut out of a longer
    text) so is a piece of it at either end. None when nothing else is left.
    """
    runs = _marked_runs(fragment, settings.SEARCH_HIGHLIGHT_PRE_TAG, settings.SEARCH_HIGHLIGHT_POST_TAG)
    plain = "".join(text for text, _inside in runs)
    hidden = _private_spans(plain, [text for text in private if text], cut=cut) if private else []
    if not hidden:  # the common case: escape each run, mark the matches
        if plain.isspace() or not plain:
            return None
        return "".join(
            f"<em>{escape(text, quote=True)}</em>" if inside else escape(text, quote=True) for text, inside in runs
        )
    # Pieces between the edges of runs and of hidden spans: a hidden stretch is one "…" across marks.
    html: list[str] = []
    shown = ellipsis = False  # some text other than spaces is shown; the last piece is a hidden stretch
    run_start = 0
    for text, inside in runs:
        run_end = run_start + len(text)
        position = run_start
        for begin, end in hidden:
            if end <= position or begin >= run_end:
                continue
            if begin > position:
                piece = plain[position:begin]
                shown = shown or not piece.isspace()
                html.append(f"<em>{escape(piece, quote=True)}</em>" if inside else escape(piece, quote=True))
                ellipsis = False
            if not ellipsis:
                html.append("…")
                ellipsis = True
            position = min(end, run_end)
        if position < run_end:
            piece = plain[position:run_end]
            shown = shown or not piece.isspace()
            html.append(f"<em>{escape(piece, quote=True)}</em>" if inside else escape(piece, quote=True))
            ellipsis = False
        run_start = run_end
    return "".join(html) if shown else None


def _marked_runs(fragment: str, pre: str, post: str) -> list[tuple[str, bool]]:
    """The fragment's text in runs, each inside the engine's marks or not, adjacent runs of one kind merged."""
    runs: list[tuple[str, bool]] = []
    inside = False
    marks = _marks(pre, post)
    for part in marks.split(fragment) if marks else [fragment]:
        if part == pre and pre:
            inside = True
        elif part == post and post:
            inside = False
        elif part:
            if runs and runs[-1][1] == inside:
                runs[-1] = (runs[-1][0] + part, inside)
            else:
                runs.append((part, inside))
    return runs


@functools.cache
def _marks(pre: str, post: str) -> re.Pattern[str] | None:
    tags = "|".join(re.escape(tag) for tag in (pre, post) if tag)
    return re.compile(f"({tags})") if tags else None


def _private_spans(plain: str, private: Sequence[str], *, cut: bool, least: int = 2) -> list[tuple[int, int]]:
    """Where `plain` shows a private text, as sorted, merged (start, end) spans: every whole occurrence and, when the
    text was cut, a start of one at its end or an end of one at its start (at least `least` characters)."""
    spans: list[tuple[int, int]] = []
    folded = plain.lower() if len(plain.lower()) == len(plain) else plain
    tail = folded.rstrip()
    head_start = len(folded) - len(folded.lstrip())
    for text in private:
        text = text.lower() if len(text.lower()) == len(text) else text
        if text[:least] not in folded and text[-least:] not in folded:
            continue  # no occurrence, and no start or end of one (each holds its first or last `least` characters)
        start = folded.find(text)
        while start >= 0:
            spans.append((start, start + len(text)))
            start = folded.find(text, start + 1)
        if not cut:
            continue
        # The longest start of the text that ends the fragment, and the longest end that starts it (a character
        # compared before each slice: most lengths fail on it).
        last = tail[-1:]
        for k in range(min(len(text) - 1, len(tail)), least - 1, -1):
            if text[k - 1] == last and tail.endswith(text[:k]):
                spans.append((len(tail) - k, len(tail)))
                break
        first = folded[head_start : head_start + 1]
        for k in range(min(len(text) - 1, len(folded) - head_start), least - 1, -1):
            if text[-k] == first and folded.startswith(text[-k:], head_start):
                spans.append((head_start, head_start + k))
                break
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged


def _numbers(text: str, count: int | None = None) -> list[float] | None:
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        return None
    if (count is not None and len(values) != count) or not all(math.isfinite(value) for value in values):
        return None
    return values


def _in_degrees(lon: float, lat: float) -> bool:
    return -180 <= lon <= 180 and -90 <= lat <= 90


class QueryParameters(serializers.Serializer):
    """Query parameters, parsed on every request. DRF deep-copies a serializer's declared fields for each instance,
    running every field's constructor again (0.2 ms for 30 fields, more than the parsing); these fields keep nothing
    between requests but their binding (name and parent), so each instance binds shallow copies of them instead."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}


class DecimalBound(serializers.DecimalField):
    def __init__(self, help_text: str, **kwargs: Any) -> None:
        super().__init__(
            max_digits=None,
            decimal_places=None,
            min_value=Decimal(0),
            max_value=MAX_AMOUNT,
            required=False,
            allow_null=True,
            help_text=help_text,
            **kwargs,
        )


class ListingQueryInput(QueryParameters):
    """The query parameters of /api/search/supply and /api/search/demand (pass `kind` in the context).

    Ranges are inclusive; a missing bound is open. Coordinates are longitude, latitude in degrees (CGCS2000).
    """

    keywords = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_KEYWORDS,
        default="",
        help_text=f"words to find in the title, address, region and land-use names (every word must match), at most "
        f"{MAX_KEYWORDS} characters",
    )
    region = RegionCodeField(required=False, help_text="GB/T 2260 code of any level: the listing is in or under it")
    land_use = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=list,
        help_text="GB/T 21010-2017 codes, repeated or comma-separated: first level (05: every 05xx) or second (0501)",
    )
    mode = serializers.CharField(
        required=False, max_length=16, help_text="supply: transfer | lease; demand: purchase | lease"
    )
    certified = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="supply only: true for 属地认证 (certified), false for 属地未认证",
    )
    area_min = DecimalBound("m²; demand: the wanted area range overlaps [area_min, area_max]")
    area_max = DecimalBound("m²")
    price_min = DecimalBound("10,000 yuan (万元); a negotiable (面议) listing fails any price bound")
    price_max = DecimalBound("10,000 yuan (万元)")
    unit_price_min = DecimalBound("supply only: 10,000 yuan per m²")
    unit_price_max = DecimalBound("supply only: 10,000 yuan per m²")
    published = serializers.ChoiceField(
        choices=list(PUBLISHED_PRESETS),
        required=False,
        help_text="published in the last 3, 7 or 30 days (today included); not with published_from/published_to",
    )
    published_from = serializers.DateField(required=False, help_text="YYYY-MM-DD, Asia/Shanghai, inclusive")
    published_to = serializers.DateField(required=False, help_text="YYYY-MM-DD, Asia/Shanghai, inclusive")
    bbox = serializers.CharField(
        required=False, max_length=200, help_text="west,south,east,north in degrees, e.g. 104.0,30.5,104.2,30.7"
    )
    near = serializers.CharField(required=False, max_length=100, help_text="lon,lat: the point of distance and sort")
    distance_m = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_DISTANCE_M, help_text="metres from `near` (at most 500 km)"
    )
    polygon = serializers.CharField(
        required=False,
        max_length=20_000,
        help_text=f"a closed ring lon,lat;lon,lat;… (the last point repeats the first), 4 to {MAX_POLYGON_POINTS} "
        f"points, not self-intersecting",
    )
    sort = serializers.ChoiceField(
        choices=list(SORTS),
        required=False,
        help_text="relevance (the default with keywords; else newest), newest, price_asc, price_desc, unit_price_asc, "
        "unit_price_desc, area_asc, area_desc, distance (needs near)",
    )
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=20)
    after = serializers.CharField(
        required=False, max_length=2000, help_text="the cursor of the `next` link (deep paging); replaces `page`"
    )

    class Meta:
        ref_name = "ListingSearchInput"

    @property
    def kind(self) -> Kind:
        return self.context["kind"]

    def validate_region(self, value: str) -> str:
        if not is_valid_region_code(value):
            raise serializers.ValidationError(_("No region has this code."), code="unknown")
        return value

    def validate_land_use(self, value: list[str]) -> list[str]:
        codes: list[str] = []
        for part in (part.strip() for item in value for part in item.split(",")):
            if not part or part in codes:
                continue
            if not _LAND_USE_CODE.fullmatch(part):
                raise serializers.ValidationError(
                    _("Not a land-use code (GB/T 21010-2017: 05 or 0501): %(code)s") % {"code": part[:8]},
                    code="invalid",
                )
            if not is_valid_land_use(part):
                raise serializers.ValidationError(
                    _("No GB/T 21010-2017 land-use class has the code %(code)s.") % {"code": part}, code="unknown"
                )
            codes.append(part)
        if len(codes) > MAX_LAND_USES:
            raise serializers.ValidationError(
                _("At most %(count)d land uses at once.") % {"count": MAX_LAND_USES}, code="max_length"
            )
        return codes

    def validate_mode(self, value: str) -> str:
        modes = [code for code, _label in MODES[self.kind]]
        if value not in modes:
            raise serializers.ValidationError(
                _("Choose one of: %(modes)s.") % {"modes": ", ".join(modes)}, code="invalid_choice"
            )
        return value

    def validate_bbox(self, value: str) -> tuple[float, float, float, float]:
        numbers = _numbers(value, 4)
        if numbers is None:
            raise serializers.ValidationError(_("Give four numbers: west,south,east,north."), code="invalid")
        west, south, east, north = numbers
        if not (_in_degrees(west, south) and _in_degrees(east, north)):
            raise serializers.ValidationError(
                _("Longitudes must lie in -180…180 and latitudes in -90…90."), code="out_of_range"
            )
        if not (west < east and south < north):
            raise serializers.ValidationError(
                _("West must be below east and south below north."), code="inverted_range"
            )
        return west, south, east, north

    def validate_near(self, value: str) -> tuple[float, float]:
        numbers = _numbers(value, 2)
        if numbers is None:
            raise serializers.ValidationError(_("Give two numbers: lon,lat."), code="invalid")
        lon, lat = numbers
        if not _in_degrees(lon, lat):
            raise serializers.ValidationError(
                _("Longitudes must lie in -180…180 and latitudes in -90…90."), code="out_of_range"
            )
        return lon, lat

    def validate_polygon(self, value: str) -> tuple[tuple[float, float], ...]:
        parts = [part for part in value.strip().strip(";").split(";")]
        if len(parts) > MAX_POLYGON_POINTS:
            raise serializers.ValidationError(
                _("A polygon may have at most %(count)d points.") % {"count": MAX_POLYGON_POINTS},
                code="too_many_points",
            )
        ring: list[tuple[float, float]] = []
        for part in parts:
            numbers = _numbers(part, 2)
            if numbers is None:
                raise serializers.ValidationError(
                    _("Give the ring as lon,lat;lon,lat;… with the last point repeating the first."), code="invalid"
                )
            if not _in_degrees(*numbers):
                raise serializers.ValidationError(
                    _("Longitudes must lie in -180…180 and latitudes in -90…90."), code="out_of_range"
                )
            ring.append((numbers[0], numbers[1]))
        if len(ring) < 4:
            raise serializers.ValidationError(
                _("A polygon needs at least 4 points (a triangle and its first point again)."), code="too_few_points"
            )
        if ring[0] != ring[-1]:
            raise serializers.ValidationError(
                _("The ring is not closed: the last point must repeat the first."), code="not_closed"
            )
        shape = shapely.Polygon(ring)
        if not shape.is_valid:
            raise serializers.ValidationError(
                _("The polygon is not valid: %(reason)s") % {"reason": shapely.is_valid_reason(shape)},
                code="self_intersecting",
            )
        return tuple(ring)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[ErrorDetail]] = {}

        def fail(name: str, message: Any, code: str) -> None:
            errors.setdefault(name, []).append(ErrorDetail(str(message), code=code))

        if self.kind == "demand":
            for name in SUPPLY_ONLY:
                if attrs.get(name) is not None:
                    fail(name, _("Only supply listings can be searched by this."), "supply_only")
        for low, high in (("area_min", "area_max"), ("price_min", "price_max"), ("unit_price_min", "unit_price_max")):
            if attrs.get(low) is not None and attrs.get(high) is not None and attrs[low] > attrs[high]:
                fail(high, _("The upper bound must not be below the lower bound."), "inverted_range")
        published_from, published_to = attrs.get("published_from"), attrs.get("published_to")
        if "published" in attrs and (published_from or published_to):
            fail("published", _("Give either a preset or published_from/published_to, not both."), "exclusive")
        if published_from and published_to and published_from > published_to:
            fail("published_to", _("The end date must not be before the start date."), "inverted_range")
        if "distance_m" in attrs and "near" not in attrs:
            fail("distance_m", _("A distance needs the point `near` (lon,lat)."), "requires_near")
        sort = attrs.get("sort") or ("relevance" if attrs["keywords"] else "newest")
        if self.kind == "demand" and sort.startswith("unit_price"):
            fail("sort", _("Only supply listings can be searched by this."), "supply_only")
        if sort == "distance" and "near" not in attrs:
            fail("sort", _("Sorting by distance needs the point `near` (lon,lat)."), "requires_near")
        after: tuple[str, ...] | None = None
        seen = 0
        if "after" in attrs:
            try:
                after, seen = cursor_load(attrs["after"], kind=self.kind, sort=sort)
            except ValueError:
                fail("after", _("Not a cursor of this search: follow the `next` link of the previous page."), "invalid")
        elif attrs["page"] * attrs["page_size"] > MAX_RESULT_WINDOW:
            fail(
                "page",
                _("Pages end at result %(window)d; go further with the `after` cursor of the `next` link.")
                % {"window": MAX_RESULT_WINDOW},
                "beyond_result_window",
            )
        if errors:
            raise serializers.ValidationError(errors)
        attrs["sort"] = sort
        attrs["after_values"] = after
        attrs["after_seen"] = seen
        return attrs

    def query(self) -> ListingQuery:
        """The validated parameters as the one query object (call after is_valid)."""
        data = self.validated_data
        published_from: date | None = data.get("published_from")
        if "published" in data:
            days = PUBLISHED_PRESETS[data["published"]]
            published_from = timezone.localdate(timezone=SHANGHAI) - timedelta(days=days - 1)
        after = data["after_values"]
        return ListingQuery(
            kind=self.kind,
            keywords=data["keywords"],
            region=data.get("region"),
            land_use=tuple(data["land_use"]),
            mode=data.get("mode"),
            certified=data.get("certified"),
            area_min=data.get("area_min"),
            area_max=data.get("area_max"),
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            unit_price_min=data.get("unit_price_min"),
            unit_price_max=data.get("unit_price_max"),
            published_from=published_from,
            published_to=data.get("published_to"),
            bbox=data.get("bbox"),
            near=data.get("near"),
            distance_m=data.get("distance_m"),
            polygon=data.get("polygon"),
            sort=data["sort"],
            page=1 if after else data["page"],
            page_size=data["page_size"],
            after=after,
        )


class AutocompleteInput(QueryParameters):
    q = serializers.CharField(max_length=MAX_KEYWORDS, help_text="what the user has typed so far")
    kind = serializers.ChoiceField(choices=["supply", "demand"], default="supply", help_text="whose titles to suggest")

    class Meta:
        ref_name = "SearchAutocompleteInput"


# ------------------------------------------------------------------------------------------------ output


class RegionRefOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()

    class Meta:
        ref_name = "SearchRegionRef"


def _regions(region: Region | None) -> list[Region]:
    chain: list[Region] = []
    while region is not None:
        chain.insert(0, region)
        region = region.parent
    return chain


class ResultOutput(serializers.Serializer):
    """What both kinds share: the summary a result list shows. The context holds the engine's `page`."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="the listing's page")
    mode = serializers.SerializerMethodField(help_text="supply: transfer | lease; demand: purchase | lease")
    mode_name = serializers.SerializerMethodField()
    regions = serializers.SerializerMethodField(help_text="the region and its ancestors, province first")
    region_name = serializers.SerializerMethodField(help_text="province + city + county")
    land_use = serializers.CharField(help_text="GB/T 21010-2017 code")
    land_use_name = serializers.SerializerMethodField()
    land_use_major = serializers.SerializerMethodField(help_text="the first-level code")
    land_use_major_name = serializers.SerializerMethodField()
    published_at = serializers.SerializerMethodField(help_text="demand: registered at")
    heat = serializers.SerializerMethodField(help_text="views + favourites (supply: + quotes + viewing appointments)")
    location = serializers.SerializerMethodField(
        help_text="[lon, lat]: the listing's point, else its parcel's centroid"
    )
    distance_m = serializers.SerializerMethodField(help_text="metres from `near`, when it is given")
    highlights = serializers.SerializerMethodField(
        help_text="field → fragments: HTML-escaped text, the matches in <em>…</em> (Elasticsearch only)"
    )

    class Meta:
        ref_name = "SearchResult"

    @property
    def _page(self) -> SearchPage:
        return self.context["page"]

    @extend_schema_field(RegionRefOutput(many=True))
    def get_regions(self, listing: SupplyListing | Demand) -> Any:
        # Plain dicts: a nested serializer per result costs its fields' construction every time (the hot path).
        return [{"code": region.code, "name": region.name} for region in _regions(listing.region)]

    def get_region_name(self, listing: SupplyListing | Demand) -> str:
        return region_full_name(listing.region)

    def get_land_use_name(self, listing: SupplyListing | Demand) -> str | None:
        return land_use_name(listing.land_use) if listing.land_use else None

    def get_land_use_major(self, listing: SupplyListing | Demand) -> str | None:
        return listing.land_use[:2] or None

    def get_land_use_major_name(self, listing: SupplyListing | Demand) -> str | None:
        return LAND_USE_MAJOR.get(listing.land_use[:2]) if listing.land_use else None

    @extend_schema_field(LON_LAT_SCHEMA | {"nullable": True})
    def get_location(self, listing: SupplyListing | Demand) -> list[float] | None:
        point = listing.location
        if point is None and isinstance(listing, SupplyListing) and listing.parcel is not None:
            point = listing.parcel.centroid
        return [point.x, point.y] if point is not None else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_m(self, listing: SupplyListing | Demand) -> float | None:
        return self._page.distances_m.get(listing.pk)

    @extend_schema_field(serializers.DictField(child=serializers.ListField(child=serializers.CharField())))
    def get_highlights(self, listing: SupplyListing | Demand) -> dict[str, list[str]]:
        """The engine's fragments as safe HTML, with any piece of a text in `private_texts` replaced by "…" (none
        today: the documents hold public fields only, core.classification). The title comes whole; other fields'
        fragments may be cut."""
        private = self.private_texts(listing)
        out: dict[str, list[str]] = {}
        for name, fragments in self._page.highlights.get(listing.pk, {}).items():
            shown = [safe_fragment(f, private=private, cut=name != "title") for f in fragments]
            if kept := [html for html in shown if html is not None]:
                out[name] = kept
        return out

    def private_texts(self, listing: Any) -> list[str]:
        return []


class SupplyResultOutput(ResultOutput):
    certification = serializers.SerializerMethodField(help_text="certified (属地认证) or uncertified (属地未认证)")
    address = serializers.CharField()
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    price_wan = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True, help_text="null: 面议")
    unit_price_wan = serializers.SerializerMethodField(help_text="10,000 yuan per m², to 4 places")
    photo = serializers.SerializerMethodField(help_text="the first photo's URL")

    class Meta:
        ref_name = "SupplySearchResult"

    def get_url(self, listing: SupplyListing) -> str:
        return reverse("web:supply-detail", args=[listing.pk])

    def get_mode(self, listing: SupplyListing) -> str:
        return listing.mode

    def get_mode_name(self, listing: SupplyListing) -> str:
        return str(listing.get_mode_display())

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_published_at(self, listing: SupplyListing) -> str | None:
        return _datetime(listing.published_at)

    def get_heat(self, listing: SupplyListing) -> int:
        return listing.heat

    @extend_schema_field(serializers.ChoiceField(choices=["certified", "uncertified"]))
    def get_certification(self, listing: SupplyListing) -> str:
        return "certified" if listing.status == SupplyListing.Status.CERTIFIED else "uncertified"

    @extend_schema_field(serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True))
    def get_unit_price_wan(self, listing: SupplyListing) -> str | None:
        if listing.price_wan is None or not listing.area_m2:
            return None
        return str((listing.price_wan / listing.area_m2).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_photo(self, listing: SupplyListing) -> str | None:
        photos = getattr(listing, "photos", None)
        return attachment_url(photos[0]) if photos else None


class DemandResultOutput(ResultOutput):
    area_min_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    area_max_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    price_min_wan = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    price_max_wan = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    summary = serializers.SerializerMethodField(help_text="the description's first 120 characters")

    class Meta:
        ref_name = "DemandSearchResult"

    def get_url(self, demand: Demand) -> str:
        return reverse("web:demand-detail", args=[demand.pk])

    def get_mode(self, demand: Demand) -> str:
        return demand.kind

    def get_mode_name(self, demand: Demand) -> str:
        return str(demand.get_kind_display())

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_published_at(self, demand: Demand) -> str | None:
        return _datetime(demand.registered_at)

    def get_heat(self, demand: Demand) -> int:
        return demand.view_count + demand.favourite_count

    def get_summary(self, demand: Demand) -> str:
        text = " ".join(demand.description.split())
        return text if len(text) <= 120 else text[:119] + "…"


def _datetime(value: datetime | None, zone: tzinfo | None = None) -> str | None:
    """As DRF's DateTimeField gives it (ISO 8601 in the current time zone, or `zone`; Z for UTC), without building a
    field."""
    if value is None:
        return None
    text = timezone.localtime(value, zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _band(key: str, low: Decimal | None, high: Decimal | None) -> tuple[str, dict[str, str]]:
    """A price band's name and the parameters that select it: [low, high) is price_min=low, price_max=high − 0.0001
    (prices are stored to 0.0001 万元)."""
    params: dict[str, str] = {}
    if low is not None:
        params["price_min"] = str(low)
    if high is not None:
        params["price_max"] = str(high - PRICE_STEP)
    if low is None:
        name = _("Under %(high)s (10,000 yuan)") % {"high": f"{high:,}"}
    elif high is None:
        name = _("%(low)s and more (10,000 yuan)") % {"low": f"{low:,}"}
    else:
        name = _("%(low)s to %(high)s (10,000 yuan)") % {"low": f"{low:,}", "high": f"{high:,}"}
    return str(name), params


def facets_output(page: SearchPage, *, kind: Kind, region_names: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """The engine's facet counts with names and the parameters that apply each (a click on a facet)."""
    modes = dict(MODES[kind])
    bands = {key: _band(key, low, high) for key, low, high in PRICE_BANDS}
    bands[NEGOTIABLE] = (str(_("Negotiable")), {})
    out: dict[str, list[dict[str, Any]]] = {"region": [], "land_use": [], "mode": []}
    if kind == "supply":
        out["price_band"] = []
    for facet, counts in page.facets.items():
        for code, count in counts:
            if facet == "region":
                name, params = region_names.get(code) or region_name(code) or code, {"region": code}
            elif facet == "land_use":
                name, params = LAND_USE_MAJOR.get(code, code), {"land_use": code}
            elif facet == "mode":
                name, params = str(modes.get(code, code)), {"mode": code}
            elif facet == "price_band" and code in bands:
                name, params = bands[code]
            else:
                continue
            out.setdefault(facet, []).append({"code": code, "name": name, "count": count, "params": params or None})
    return out


class FacetOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    params = serializers.DictField(
        child=serializers.CharField(), allow_null=True, help_text="the parameters that apply it (null: none can)"
    )

    class Meta:
        ref_name = "SearchFacet"


class FacetsOutput(serializers.Serializer):
    region = FacetOutput(many=True, help_text="provinces, or one level below the `region` asked for")
    land_use = FacetOutput(many=True, help_text="by first-level class")
    mode = FacetOutput(many=True)
    price_band = FacetOutput(many=True, required=False, help_text="supply only, in 10,000 yuan")

    class Meta:
        ref_name = "SearchFacets"


class SearchOutput(serializers.Serializer):
    count = serializers.IntegerField(help_text="every match, not only this page")
    page = serializers.IntegerField(allow_null=True, help_text="null when paging by `after`")
    page_size = serializers.IntegerField()
    next = serializers.CharField(allow_null=True, help_text="the next page, by the `after` cursor")
    backend = serializers.ChoiceField(choices=["elasticsearch", "database"], help_text="which engine answered")
    facets = FacetsOutput()

    class Meta:
        ref_name = "SearchPage"


class SupplySearchOutput(SearchOutput):
    results = SupplyResultOutput(many=True)

    class Meta:
        ref_name = "SupplySearchPage"


class DemandSearchOutput(SearchOutput):
    results = DemandResultOutput(many=True)

    class Meta:
        ref_name = "DemandSearchPage"


class SuggestionOutput(serializers.Serializer):
    type = serializers.ChoiceField(choices=["region", "supply", "demand"])
    label = serializers.CharField()  # type: ignore[assignment]
    code = serializers.CharField(required=False, help_text="regions: the GB/T 2260 code")
    id = serializers.IntegerField(required=False, help_text="listings: the id")

    class Meta:
        ref_name = "SearchSuggestion"


class AutocompleteOutput(serializers.Serializer):
    results = SuggestionOutput(many=True)

    class Meta:
        ref_name = "SearchAutocomplete"
