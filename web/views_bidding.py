"""Bidding pages (竞买): the application form of a lot and, once applied, its deposit account; the form's script
calls the bidding API (/api/auctions/lots/<id>/applications/), which decides."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from auctions.models import BidApplication
from auctions.selectors_public import lot_public_get
from auctions.services.deposits import required_yuan
from core.errors import NotFound
from web.views_auctions import _missing


@login_required
def lot_apply(request: HttpRequest, lot_id: int) -> HttpResponse:
    """申请竞买: the form (contact, address, statement, joint bidding partners, bank, documents), or my application's
    deposit account with the amount and the deadline once I have applied."""
    try:
        lot = lot_public_get(lot_id=lot_id)
    except NotFound as error:
        return _missing(request, error)
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required
    application = (
        BidApplication.objects.select_related("bank", "deposit_account")
        .filter(lot=lot, applicant=user.principal)
        .first()
    )
    context = {
        "lot": lot,
        "banks": lot.centre.banks.all(),
        "application": application,
        "required_yuan": f"{required_yuan(lot):,.2f}",  # 元, grouped
        "verified": user.is_verified,
    }
    return render(request, "web/bidding/apply.html", context)
