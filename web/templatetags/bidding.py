"""The lot page's 申请竞买 box: what the visitor may do about applying for the lot now."""

from typing import Any

from django import template
from django.utils import timezone

from auctions.models import BidApplication, Lot

register = template.Library()


@register.inclusion_tag("web/bidding/_lot_apply.html", takes_context=True)
def apply_box(context: dict[str, Any], lot: Lot) -> dict[str, Any]:
    """{% apply_box lot %}: sign in, verify, apply (during the window), or see my application."""
    user = context["request"].user
    now = timezone.now()
    if lot.status == Lot.Status.TERMINATED or now > lot.applications_close_at:
        state = "closed"
    elif now < lot.applications_open_at:
        state = "not_open"
    elif not user.is_authenticated:
        state = "sign_in"
    elif not user.is_verified:
        state = "verify"
    else:
        state = "open"
    applied = user.is_authenticated and BidApplication.objects.filter(lot=lot, applicant=user.principal).exists()
    return {"lot": lot, "state": state, "applied": applied}
