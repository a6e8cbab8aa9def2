"""The supervisor's page (/supervision/, 监管): the lots of the supervisor's regions with each lot's trading state,
evidence log and its verification, trail and warnings; every warning of the regions; the newest signed roots and how
to verify a protocol offline. Strictly read-only: its script only reads the supervision, trading, protocol and roots
APIs, which decide what the supervisor may see (docs/supervision.md)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import User
from accounts.selectors import has_role, is_administrator
from auctions.models import Anomaly, Lot
from geo.models import Region
from web.views_room import trading_labels


def _labels() -> dict[str, object]:
    """The script's words, translated here (the page's script carries none of its own)."""
    room = trading_labels()
    return {
        "phases": room["phases"],
        "outcomes": room["outcomes"],
        "kinds": dict(Anomaly.Kind.choices),
        "open": _("Open"),
        "close": _("Close"),
        "loading": _("Loading…"),
        "none": _("Nothing here."),
        "previous": _("Previous page"),
        "next": _("Next page"),
        "page": _("Page {page} of {pages}"),
        "found": _("{count} found"),
        "failed": _("Could not load: {message}"),
        "trading": _("Trading state"),
        "notTrading": _("Not in trading: the lot has not been announced."),
        "phase": _("Phase"),
        "deadline": _("Deadline"),
        "highest": _("Highest bid (10,000 yuan)"),
        "highestBidder": _("Highest bidder number"),
        "bidCount": _("Bids"),
        "outcome": pgettext("trading", "Outcome"),
        "verification": _("Verification of the evidence log"),
        "chainOk": _("The chain checks out: {entries} entries, every number, link and hash."),
        "chainBroken": _("The chain breaks at entry {seq} ({reason}): {detail}"),
        "rootHolds": _("Signed root {id} of {signed_at} holds entry {seq}: it matches."),
        "rootDiffers": _("Signed root {id} of {signed_at} holds entry {seq}: it does NOT match the stored entry."),
        "rootNotYet": _("No signed root holds this lot's chain yet."),
        "evidence": _("Evidence log"),
        "seq": _("No."),
        "kind": _("Entry kind"),
        "time": _("Time (Beijing)"),
        "data": _("Content"),
        "hash": _("Hash"),
        "signature": _("Signature"),
        "signedBy": _("Signed · {name} · certificate serial {serial} · {subject} · {ca}"),
        "trail": _("Trail"),
        "action": _("Action"),
        "actor": _("By"),
        "note": _("Note"),
        "anomalies": _("Warnings"),
        "warningKind": _("Kind of warning"),
        "lot": _("Lot"),
        "detail": _("Detail"),
        "room": _("Trading room"),
        "publicPage": _("Public page"),
        "protocol": _("Protocol (evidence log)"),
        "roots": _("Newest signed roots"),
        "treeSize": _("Chains"),
        "root": _("Root"),
        "signedAt": _("Signed at (UTC)"),
    }


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    """The page for supervisors (of their regions) and administrators (of all); 403 for anyone else."""
    user: User = request.user  # type: ignore[assignment]
    if not has_role(user, User.Role.SUPERVISOR):
        raise PermissionDenied()
    regions = [] if is_administrator(user) else list(Region.objects.filter(code__in=user.regions).order_by("code"))
    context = {
        "regions": regions,
        "lot_statuses": Lot.Status.choices,
        "anomaly_kinds": Anomaly.Kind.choices,
        "labels": _labels(),
    }
    return render(request, "web/supervision/page.html", context)
