"""Search pages (供给搜索与需求搜索): the detailed search page; its script asks /api/search/ and keeps the filters in
the address. The home page's search box is the include web/search/_home_box.html (it needs `land_uses`)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from market.models import Demand, SupplyListing
from search.query import MAX_KEYWORDS, MAX_RESULT_WINDOW
from web.views_market import land_use_table

KINDS = ("supply", "demand")
PAGE_SIZE = 10
SORTS = (
    ("", _("Best match (newest without keywords)")),
    ("newest", _("Newest")),
    ("price_asc", _("Price, low to high")),
    ("price_desc", _("Price, high to low")),
    ("unit_price_asc", _("Unit price, low to high")),
    ("unit_price_desc", _("Unit price, high to low")),
    ("area_asc", _("Area, small to large")),
    ("area_desc", _("Area, large to small")),
    ("distance", _("Distance")),
)
PUBLISHED_PRESETS = (
    ("", _("Any time")),
    ("3d", _("Last 3 days")),
    ("7d", _("Last 7 days")),
    ("30d", _("Last 30 days")),
)


def home_search_context() -> dict[str, Any]:
    """What the home page's search box (web/search/_home_box.html) needs in its context."""
    return {"land_uses": land_use_table(), "max_keywords": MAX_KEYWORDS}


def search_filters_context(request: HttpRequest, *, sorts: Any, page_size: int) -> dict[str, Any]:
    """What the search filters (the search page's and the map page's) need: the kind asked for, the modes, sorts,
    date presets, page size, and the home box's lists."""
    kind = request.GET.get("kind", "supply")
    return {
        "kind": kind if kind in KINDS else "supply",
        "modes": {"supply": SupplyListing.Mode.choices, "demand": Demand.Kind.choices},
        "sorts": sorts,
        "published_presets": PUBLISHED_PRESETS,
        "page_size": page_size,
        **home_search_context(),
    }


def search(request: HttpRequest) -> HttpResponse:
    """/search/?kind=supply|demand&…: every filter of the search API in the address, so a link reproduces a search."""
    context = search_filters_context(request, sorts=SORTS, page_size=PAGE_SIZE) | {"result_window": MAX_RESULT_WINDOW}
    return render(request, "web/search/search.html", context)
