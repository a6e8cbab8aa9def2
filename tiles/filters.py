"""The filters on a tile's URL, per layer: validated before any SQL (a bad one is a 400 naming it) and normalised, so
the same filters written differently share one cached tile.

Supply and demand take exactly the search API's parameters (`ListingQueryInput`, so the 400s are the search API's);
its sort and paging parameters are ignored. Parcels take region, land_use, area_min, area_max; amenities category;
lots the notices search's region, centre, lot_kind and trading_mode (`NoticeQueryInput`'s fields) and phase.
"""

import copy
import dataclasses
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from auctions.selectors_map import LOT_PHASES, LotFilter
from geo.api import RegionCodeField
from geo.models import Amenity
from search.notice_serializers import NoticeQueryInput
from search.query import ListingQuery
from search.serializers import DecimalBound, ListingQueryInput

PAGING = ("sort", "page", "page_size", "after")  # search parameters a tile ignores


@dataclasses.dataclass(frozen=True)
class TileFilters:
    """A layer's validated filters: `value` for the SQL, `key` their canonical text ("" for none)."""

    value: Any = None
    key: str = ""

    @property
    def digest(self) -> str:
        """A short hash of the key, for cache keys and ETags."""
        return hashlib.sha256(self.key.encode()).hexdigest()[:16] if self.key else "all"


NO_FILTERS = TileFilters()


@dataclasses.dataclass(frozen=True)
class ParcelFilter:
    region: str | None = None
    land_use: tuple[str, ...] = ()  # first level (05: every 05xx) or second level (0501)
    area_min: Decimal | None = None  # m²
    area_max: Decimal | None = None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))


def listing_filters(params: QueryDict, *, kind: str) -> TileFilters:
    """The search API's filters of `kind` (supply or demand) as one `ListingQuery`; sort and paging ignored."""
    data = params.copy()
    for name in PAGING:
        data.pop(name, None)
    given = ListingQueryInput(data=data, context={"kind": kind})
    given.is_valid(raise_exception=True)
    query = dataclasses.replace(given.query(), sort="newest", page=1, page_size=20, after=None)
    defaults = dataclasses.asdict(ListingQuery(kind=query.kind))
    changed = {name: value for name, value in dataclasses.asdict(query).items() if value != defaults[name]}
    return TileFilters(value=query, key=_canonical(changed) if changed else "")


class ParcelTileInput(serializers.Serializer):
    """The filters of the parcels layer, checked as the search API checks the same names."""

    region = RegionCodeField(required=False, help_text="GB/T 2260 code of any level: the parcel's county is in it")
    land_use = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=list,
        help_text="GB/T 21010-2017 codes, repeated or comma-separated: first level (05) or second (0501)",
    )
    area_min = DecimalBound("m²")
    area_max = DecimalBound("m²")

    validate_region = ListingQueryInput.validate_region
    validate_land_use = ListingQueryInput.validate_land_use

    class Meta:
        ref_name = "ParcelTileInput"

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        low, high = attrs.get("area_min"), attrs.get("area_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"area_max": [_("The upper bound must not be below the lower bound.")]}, code="inverted_range"
            )
        return attrs


def parcel_filters(params: QueryDict) -> TileFilters:
    given = ParcelTileInput(data=params)
    given.is_valid(raise_exception=True)
    data = given.validated_data
    value = ParcelFilter(
        region=data.get("region"),
        land_use=tuple(data["land_use"]),
        area_min=data.get("area_min"),
        area_max=data.get("area_max"),
    )
    changed = {name: item for name, item in dataclasses.asdict(value).items() if item not in (None, ())}
    return TileFilters(value=value, key=_canonical(changed) if changed else "")


class AmenityTileInput(serializers.Serializer):
    category = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        default=list,
        help_text="amenity categories, repeated or comma-separated: " + ", ".join(Amenity.Category.values),
    )

    class Meta:
        ref_name = "AmenityTileInput"

    def validate_category(self, value: list[str]) -> list[str]:
        categories: list[str] = []
        for part in (part.strip() for item in value for part in item.split(",")):
            if not part or part in categories:
                continue
            if part not in Amenity.Category.values:
                raise serializers.ValidationError(
                    _("Not an amenity category: %(category)s. Choose among: %(choices)s.")
                    % {"category": part[:40], "choices": ", ".join(Amenity.Category.values)},
                    code="invalid_choice",
                )
            categories.append(part)
        return categories


def amenity_filters(params: QueryDict) -> TileFilters:
    given = AmenityTileInput(data=params)
    given.is_valid(raise_exception=True)
    categories = tuple(sorted(given.validated_data["category"]))
    return TileFilters(value=categories, key=_canonical(categories) if categories else "")


def _notice_field(name: str) -> serializers.Field:
    return copy.deepcopy(NoticeQueryInput._declared_fields[name])


class LotTileInput(serializers.Serializer):
    """The filters of the lots layer: the notices search's names and checks, and the phase."""

    region = _notice_field("region")
    centre = _notice_field("centre")
    lot_kind = _notice_field("lot_kind")
    trading_mode = _notice_field("trading_mode")
    phase = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=list,
        help_text="lots: the phase, repeated or comma-separated: " + ", ".join(LOT_PHASES),
    )

    validate_region = NoticeQueryInput.validate_region

    class Meta:
        ref_name = "LotTileInput"

    def validate_phase(self, value: list[str]) -> list[str]:
        phases: list[str] = []
        for part in (part.strip() for item in value for part in item.split(",")):
            if not part or part in phases:
                continue
            if part not in LOT_PHASES:
                raise serializers.ValidationError(
                    _("Not a phase: %(phase)s. Choose among: %(choices)s.")
                    % {"phase": part[:40], "choices": ", ".join(LOT_PHASES)},
                    code="invalid_choice",
                )
            phases.append(part)
        return phases


def lot_filters(params: QueryDict) -> TileFilters:
    given = LotTileInput(data=params)
    given.is_valid(raise_exception=True)
    data = given.validated_data
    value = LotFilter(
        region=data.get("region"),
        centre=data.get("centre"),
        lot_kind=data.get("lot_kind"),
        trading_mode=data.get("trading_mode"),
        phase=tuple(sorted(data["phase"])),
    )
    changed = {name: item for name, item in dataclasses.asdict(value).items() if item not in (None, ())}
    return TileFilters(value=value, key=_canonical(changed) if changed else "")


def no_filters(params: QueryDict) -> TileFilters:
    return NO_FILTERS


FilterParser = Callable[[QueryDict], TileFilters]


def supply_filters(params: QueryDict) -> TileFilters:
    return listing_filters(params, kind="supply")


def demand_filters(params: QueryDict) -> TileFilters:
    return listing_filters(params, kind="demand")


# For the OpenAPI schema of the tile endpoints only: every layer's filters as one set of query parameters. Supply and
# demand take the search API's filters (all of these but `category`); parcels region, land_use, area_min and area_max;
# amenities category; lots region, centre, lot_kind, trading_mode and phase. A layer ignores the others' parameters and
# answers 400 to a bad value of its own.
TileFilterInput = type(
    "TileFilterInput",
    (serializers.Serializer,),
    {
        **{
            name: copy.deepcopy(field)
            for name, field in ListingQueryInput._declared_fields.items()
            if name not in PAGING
        },
        "category": copy.deepcopy(AmenityTileInput._declared_fields["category"]),
        **{name: copy.deepcopy(LotTileInput._declared_fields[name]) for name in ("centre", "lot_kind", "phase")},
        "trading_mode": copy.deepcopy(LotTileInput._declared_fields["trading_mode"]),
        "Meta": type("Meta", (), {"ref_name": "TileFilterInput"}),
    },
)
