"""Search results as plain dicts: the hot path of the search API. DRF serializers cost their fields' machinery per
result (about half a millisecond each); these functions give exactly what SupplyResultOutput / DemandResultOutput
document (search/tests/test_results.py keeps the two equal) at a fraction of that."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.urls import reverse

from geo.reference import LAND_USE_MAJOR, land_use_name
from geo.services_listing import region_full_name
from market.models import Demand, SupplyListing
from market.serializers_supply import attachment_url
from search.query import SearchPage
from search.serializers import _datetime, _regions, safe_fragment

TWO = Decimal("0.01")
FOUR = Decimal("0.0001")


def _decimal(value: Decimal | None, places: Decimal) -> str | None:
    return None if value is None else str(value.quantize(places, rounding=ROUND_HALF_UP))


def _common(listing: SupplyListing | Demand, page: SearchPage, private: list[str]) -> dict[str, Any]:
    point = listing.location
    if point is None and isinstance(listing, SupplyListing) and listing.parcel is not None:
        point = listing.parcel.centroid
    highlights: dict[str, list[str]] = {}
    for name, fragments in page.highlights.get(listing.pk, {}).items():
        shown = [safe_fragment(f, private=private, cut=name != "title") for f in fragments]
        if kept := [html for html in shown if html is not None]:
            highlights[name] = kept
    land_use = listing.land_use
    return {
        "id": listing.pk,
        "title": listing.title,
        "regions": [{"code": region.code, "name": region.name} for region in _regions(listing.region)],
        "region_name": region_full_name(listing.region),
        "land_use": land_use,
        "land_use_name": land_use_name(land_use) if land_use else None,
        "land_use_major": land_use[:2] or None,
        "land_use_major_name": LAND_USE_MAJOR.get(land_use[:2]) if land_use else None,
        "location": [point.x, point.y] if point is not None else None,
        "distance_m": page.distances_m.get(listing.pk),
        "highlights": highlights,
    }


def supply_result(listing: SupplyListing, page: SearchPage) -> dict[str, Any]:
    unit_price = None
    if listing.price_wan is not None and listing.area_m2:
        unit_price = str((listing.price_wan / listing.area_m2).quantize(FOUR, rounding=ROUND_HALF_UP))
    photos = getattr(listing, "photos", None)
    return _common(listing, page, [listing.certificate_number]) | {
        "url": reverse("web:supply-detail", args=[listing.pk]),
        "mode": listing.mode,
        "mode_name": str(listing.get_mode_display()),
        "published_at": _datetime(listing.published_at),
        "heat": listing.heat,
        "certification": "certified" if listing.status == SupplyListing.Status.CERTIFIED else "uncertified",
        "address": listing.address,
        "area_m2": _decimal(listing.area_m2, TWO),
        "price_wan": _decimal(listing.price_wan, FOUR),
        "unit_price_wan": unit_price,
        "photo": attachment_url(photos[0]) if photos else None,
    }


def demand_result(demand: Demand, page: SearchPage) -> dict[str, Any]:
    text = " ".join(demand.description.split())
    return _common(demand, page, []) | {
        "url": reverse("web:demand-detail", args=[demand.pk]),
        "mode": demand.kind,
        "mode_name": str(demand.get_kind_display()),
        "published_at": _datetime(demand.registered_at),
        "heat": demand.view_count + demand.favourite_count,
        "area_min_m2": _decimal(demand.area_min_m2, TWO),
        "area_max_m2": _decimal(demand.area_max_m2, TWO),
        "price_min_wan": _decimal(demand.price_min_wan, FOUR),
        "price_max_wan": _decimal(demand.price_max_wan, FOUR),
        "summary": text if len(text) <= 120 else text[:119] + "…",
    }
