"""Reads behind the search API: the listing rows of a page of ids (public ones, in the engine's order, in a fixed
number of queries), region names for facets, and region suggestions for autocomplete."""

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.db.models.functions import Length

from geo.models import Region
from market.models import Demand, SupplyAttachment, SupplyListing
from search.query import Kind, fold

Row = TypeVar("Row", SupplyListing, Demand)
_REGION_PATHS = ("region", "region__parent", "region__parent__parent")
# Only what a result shows: building a model instance costs per loaded field (a listing has about 60).
_REGION_FIELDS = tuple(f"{path}__{name}" for path in _REGION_PATHS for name in ("code", "name", "parent_id"))
_COMMON_FIELDS = ("id", "title", "status", "region_id", "land_use", "location", "view_count", "favourite_count")
_SUPPLY_FIELDS = (
    *_COMMON_FIELDS,
    *_REGION_FIELDS,
    "mode",
    "published_at",
    "quote_count",
    "appointment_count",
    "address",
    "area_m2",
    "price_wan",
    "certificate_number",
    "parcel_id",
    "parcel__centroid",
)
_DEMAND_FIELDS = (
    *_COMMON_FIELDS,
    *_REGION_FIELDS,
    "kind",
    "registered_at",
    "area_min_m2",
    "area_max_m2",
    "price_min_wan",
    "price_max_wan",
    "description",
)


def _in_order(rows: QuerySet[Row], ids: list[int]) -> list[Row]:
    by_id = {row.pk: row for row in rows.filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def supply_rows(*, ids: list[int]) -> list[SupplyListing]:
    """The public supply listings among `ids`, in that order, with their region chain, parcel centroid and photos
    (`photos`): two queries whatever the number of ids. A listing that left the public states is left out."""
    if not ids:
        return []
    rows = (
        SupplyListing.objects.filter(status__in=SupplyListing.PUBLIC_STATUSES)
        .select_related(*_REGION_PATHS, "parcel")
        .only(*_SUPPLY_FIELDS)
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=SupplyAttachment.objects.filter(kind=SupplyAttachment.Kind.PHOTO).order_by("created_at", "id"),
                to_attr="photos",
            )
        )
    )
    return _in_order(rows, ids)


def demand_rows(*, ids: list[int]) -> list[Demand]:
    """The public demands among `ids`, in that order, with their region chain: one query."""
    if not ids:
        return []
    rows = Demand.objects.filter(status__in=Demand.PUBLIC_STATUSES).select_related(*_REGION_PATHS).only(*_DEMAND_FIELDS)
    return _in_order(rows, ids)


def listing_rows(*, kind: Kind, ids: list[int]) -> list[SupplyListing] | list[Demand]:
    return supply_rows(ids=ids) if kind == "supply" else demand_rows(ids=ids)


def listing_titles(*, kind: Kind, ids: list[int]) -> list[tuple[int, str]]:
    """(id, title) of the public listings among `ids`, in that order: one query."""
    if not ids:
        return []
    model = SupplyListing if kind == "supply" else Demand
    titles = dict(model.objects.filter(pk__in=ids, status__in=model.PUBLIC_STATUSES).values_list("pk", "title"))
    return [(pk, titles[pk]) for pk in ids if pk in titles]


def region_names(*, codes: Iterable[str]) -> dict[str, str]:
    """Code → name of the regions with these codes: one query, none without codes."""
    codes = list(codes)
    if not codes:
        return {}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def region_suggestions(*, text: str, limit: int) -> list[Region]:
    """Regions whose name contains the folded text, those starting with it first, then shorter names, then by code;
    with their parents (for the full name), without geometry."""
    folded = fold(text).strip()
    if not folded:
        return []
    starts = Case(When(name__startswith=folded, then=Value(0)), default=Value(1), output_field=IntegerField())
    return list(
        Region.objects.filter(name__contains=folded)
        .select_related("parent", "parent__parent")
        .defer(
            "boundary",
            "boundary_simplified",
            "parent__boundary",
            "parent__boundary_simplified",
            "parent__parent__boundary",
            "parent__parent__boundary_simplified",
        )
        .order_by(starts, Length("name"), "code")[:limit]
    )
