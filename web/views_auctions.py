"""The notices pages (交易公示): the search page with its tabs, one announcement, one lot and one published result
(成交公示). Public fields only (auctions.selectors_public, auctions.selectors_results); drafts and lots never
announced are not found."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from auctions.models import Announcement, Lot, LotTrading
from auctions.selectors_public import announcement_public_get, announcement_successor, lot_public_get, rules_summary
from auctions.selectors_results import result_notice_get, result_public
from auctions.services.trading import phase_at
from core.clock import db_now
from core.errors import NotFound
from geo.models import Region
from geo.reference import land_use_name
from geo.serializers import GeoJsonGeometryField
from geo.services_listing import region_full_name
from web.views_market import _map_config, _missing

TABS = ("announcements", "results")


def _place(lot: Lot) -> dict[str, Any] | None:
    """The lot's place for the small map: its parcel's outline (else its own area) and its point (else the
    parcel's centroid); None when it has neither."""
    parcel = lot.parcel
    outline = parcel.geometry if parcel is not None else lot.area
    point = lot.location or (parcel.centroid if parcel is not None else None)
    if outline is None and point is None:
        return None
    return {
        "outline": GeoJsonGeometryField().to_representation(outline) if outline is not None else None,
        "location": [point.x, point.y] if point is not None else None,
    }


def notices(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab")
    context = {
        "tab": tab if tab in TABS else "announcements",
        "provinces": list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").values("code", "name")),
        "types": [(kind.value, kind.label) for kind in Announcement.Kind],
    }
    return render(request, "web/auctions/notices.html", context)


def notice_detail(request: HttpRequest, announcement_id: int) -> HttpResponse:
    try:
        announcement = announcement_public_get(announcement_id=announcement_id)
    except NotFound as error:
        return _missing(request, error)
    lot = announcement.lot
    context = {
        "announcement": announcement,
        "successor": announcement_successor(announcement=announcement),
        "lot": lot,
        "region_name": region_full_name(lot.region),
        "place": _place(lot),
        "map_config": _map_config(),
    }
    return render(request, "web/auctions/notice_detail.html", context)


def _trading_now(lot: Lot) -> bool:
    """Whether the lot is in its trade by the database's clock (started, not closed, online): the page then links
    its trading room."""
    if lot.status != Lot.Status.ANNOUNCED:
        return False
    state = LotTrading.objects.filter(lot=lot).first() or LotTrading(lot=lot)
    return phase_at(lot, state, db_now()).name not in ("not_started", "closed", "offline")


def lot_detail(request: HttpRequest, lot_id: int) -> HttpResponse:
    try:
        lot = lot_public_get(lot_id=lot_id)
    except NotFound as error:
        return _missing(request, error)
    notices_of_lot: list[Announcement] = lot.notices  # type: ignore[attr-defined]
    current = next((item for item in notices_of_lot if item.status == Announcement.Status.PUBLISHED), None)
    schedule = [
        (_("Announcement starts"), lot.announcement_starts_at),
        (_("Applications open"), lot.applications_open_at),
        (_("Applications close"), lot.applications_close_at),
        (_("Deposit deadline"), lot.deposit_deadline),
        (_("Listing starts"), lot.listing_starts_at),
        (_("Listing ends"), lot.listing_ends_at),
        (_("Auction starts"), lot.auction_starts_at),
    ]
    context = {
        "lot": lot,
        "region_name": region_full_name(lot.region),
        "schedule": [(label, moment) for label, moment in schedule if moment is not None],
        "rules": rules_summary(lot.rules),
        "notices": notices_of_lot,
        "current": current,
        "place": _place(lot),
        "map_config": _map_config(),
        "result": result_public(lot),
        "room_open": _trading_now(lot),
    }
    return render(request, "web/auctions/lot_detail.html", context)


def result_detail(request: HttpRequest, lot_id: int) -> HttpResponse:
    """A published result (成交公示): a deal that is not revoked; a revoked one leaves (the lot page says why)."""
    try:
        found = result_notice_get(lot_id=lot_id)
    except NotFound as error:
        return _missing(request, error)
    lot = found.lot
    context = {
        "lot": lot,
        "region_name": region_full_name(lot.region),
        "result": result_public(lot),
        "land_use": land_use_name(lot.land_use) if lot.land_use else None,
        "place": _place(lot),
        "map_config": _map_config(),
    }
    return render(request, "web/auctions/result_detail.html", context)
