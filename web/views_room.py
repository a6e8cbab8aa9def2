"""The trading room of a lot (/lots/<id>/room/): its phase, highest bid, countdown and bid history live from the lot's
event stream, and a bid form for a qualified bidder. The page only shows; the trading API decides every bid by the
database's clock (docs/live.md, "The trading room")."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from auctions.models import Lot
from auctions.selectors_public import lot_public_get
from core.errors import NotFound
from geo.services_listing import region_full_name
from web.views_market import _missing

ROOM_STATUSES = (Lot.Status.ANNOUNCED, Lot.Status.TERMINATED)  # as the trading state and the event stream


def trading_labels() -> dict[str, object]:
    """The trading room script's words (phases, outcomes …), translated here; the supervision page reuses them."""
    return {
        "phases": {
            "not_started": _("Not started"),
            "listing": _("Listing"),
            "quoting_stopped": _("Quoting stopped"),
            "confirming": _("Confirming entry to timed bidding"),
            "preparing": _("Preparing the auction"),
            "timed": _("Timed bidding"),
            "auction": _("Auction"),
            "suspended": _("Suspended"),
            "ended": _("Ended, awaiting the result"),
            "closed": _("Closed"),
            "offline": _("Bid for on site"),
        },
        "outcomes": {"deal": _("Deal"), "failed": _("No deal")},
        "connecting": _("Connecting…"),
        "synced": _("Synchronised"),
        "reconnecting": _("Connection lost, reconnecting…"),
        "lastMinute": _("Last minute: network delay may keep a bid from arriving in time"),
        "confirm": _("Confirm the bid of {amount} 万元?"),
        "sent": _("Bid accepted: {amount} 万元"),
        "leading": _("You hold the highest bid"),
        "outbid": _("Your bid is no longer the highest"),
        "noBid": _("You have not bid yet"),
        "failed": _("The bid could not be sent; try again."),
        "none": _("No bids yet"),
    }


def lot_room(request: HttpRequest, lot_id: int) -> HttpResponse:
    """The room of an announced (or terminated) lot, to anyone: bidder numbers only, never identities."""
    try:
        lot = lot_public_get(lot_id=lot_id)
        if lot.status not in ROOM_STATUSES:
            raise NotFound(_("No lot has this id."))
    except NotFound as error:
        return _missing(request, error)
    context = {"lot": lot, "region_name": region_full_name(lot.region), "labels": trading_labels()}
    return render(request, "web/auctions/room.html", context)
