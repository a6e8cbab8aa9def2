"""Search results as plain dicts from plain rows (search/selectors.py): the hot path of the search API. DRF serializers
and model instances cost their fields' machinery per result; these functions give exactly what SupplyResultOutput /
DemandResultOutput document for the same listings (search/tests/test_results.py keeps the two equal)."""

import functools
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation

from geo.reference import LAND_USE_MAJOR, land_use_name
from geo.services_listing import joined_region_names
from market.models import Demand, SupplyListing
from search.query import Kind, SearchPage
from search.selectors import region_chain
from search.serializers import _datetime, safe_fragment

TWO = Decimal("0.01")
FOUR = Decimal("0.0001")
_SUPPLY_MODES = dict(SupplyListing.Mode.choices)
_DEMAND_KINDS = dict(Demand.Kind.choices)
_PK = 9_876_543_210  # stands for the id in a reversed URL


@functools.cache
def _url_parts(name: str, prefix: str) -> tuple[str, str]:
    """A detail URL's text before and after the id: reversing a URL costs 25 µs, and a page has up to 200 of them."""
    head, _pk, tail = reverse(name, args=[_PK]).partition(str(_PK))
    return head, tail


@functools.cache
def _labels(kind: str, language: str | None) -> dict[str, str]:
    """A kind's mode labels translated once per language (each str() of a lazy label looks it up again)."""
    return {value: str(label) for value, label in (_SUPPLY_MODES if kind == "supply" else _DEMAND_KINDS).items()}


def _decimal(value: Decimal | None, places: Decimal) -> str | None:
    return None if value is None else str(value.quantize(places, rounding=ROUND_HALF_UP))


class _PageContext:
    """What every result of a page shares, looked up once per page: the URLs' script prefix, the language's labels
    and the time zone (each a context-local lookup)."""

    def __init__(self, kind: str, page: SearchPage) -> None:
        prefix = get_script_prefix()
        self.page = page
        self.labels = _labels(kind, translation.get_language())
        self.zone = timezone.get_current_timezone()
        self.detail = _url_parts("web:supply-detail" if kind == "supply" else "web:demand-detail", prefix)
        self.photo = _url_parts("market:supply-attachment", prefix)

    def url(self, parts: tuple[str, str], pk: int) -> str:
        return f"{parts[0]}{pk}{parts[1]}"


def _common(row: dict[str, Any], context: _PageContext, private: list[str]) -> dict[str, Any]:
    pk = row["id"]
    highlights: dict[str, list[str]] = {}
    for name, fragments in context.page.highlights.get(pk, {}).items():
        shown = [safe_fragment(f, private=private, cut=name != "title") for f in fragments]
        if kept := [html for html in shown if html is not None]:
            highlights[name] = kept
    land_use = row["land_use"]
    chain = region_chain(row["region_id"])
    return {
        "id": pk,
        "title": row["title"],
        "regions": [{"code": code, "name": name} for code, name in chain],
        "region_name": joined_region_names([name for _code, name in chain]),
        "land_use": land_use,
        "land_use_name": land_use_name(land_use) if land_use else None,
        "land_use_major": land_use[:2] or None,
        "land_use_major_name": LAND_USE_MAJOR.get(land_use[:2]) if land_use else None,
        "location": [row["lon"], row["lat"]] if row["lon"] is not None else None,
        "distance_m": context.page.distances_m.get(pk),
        "highlights": highlights,
        "url": context.url(context.detail, pk),
    }


def _supply(row: dict[str, Any], context: _PageContext) -> dict[str, Any]:
    price, area = row["price_wan"], row["area_m2"]
    unit_price = None
    if price is not None and area:
        unit_price = str((price / area).quantize(FOUR, rounding=ROUND_HALF_UP))
    return _common(row, context, []) | {
        "mode": row["mode"],
        "mode_name": context.labels[row["mode"]],
        "published_at": _datetime(row["published_at"], context.zone),
        "heat": row["view_count"] + row["favourite_count"] + row["quote_count"] + row["appointment_count"],
        "certification": "certified" if row["status"] == SupplyListing.Status.CERTIFIED else "uncertified",
        "address": row["address"],
        "area_m2": _decimal(area, TWO),
        "price_wan": _decimal(price, FOUR),
        "unit_price_wan": unit_price,
        "photo": context.url(context.photo, row["photo"]) if row["photo"] else None,
    }


def _demand(row: dict[str, Any], context: _PageContext) -> dict[str, Any]:
    text = " ".join(row["description"].split())
    return _common(row, context, []) | {
        "mode": row["kind"],
        "mode_name": context.labels[row["kind"]],
        "published_at": _datetime(row["registered_at"], context.zone),
        "heat": row["view_count"] + row["favourite_count"],
        "area_min_m2": _decimal(row["area_min_m2"], TWO),
        "area_max_m2": _decimal(row["area_max_m2"], TWO),
        "price_min_wan": _decimal(row["price_min_wan"], FOUR),
        "price_max_wan": _decimal(row["price_max_wan"], FOUR),
        "summary": text if len(text) <= 120 else text[:119] + "…",
    }


def listing_results(kind: Kind, rows: list[dict[str, Any]], page: SearchPage) -> list[dict[str, Any]]:
    """The results of a page of rows (search/selectors.py) of a kind, as SupplyResultOutput / DemandResultOutput."""
    context = _PageContext(kind, page)
    result = _supply if kind == "supply" else _demand
    return [result(row, context) for row in rows]
