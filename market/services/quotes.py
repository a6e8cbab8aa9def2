"""Intention quotes (意向报价): a verified seeker's non-binding price for a public supply listing."""

from datetime import datetime, time
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status

from accounts.models import User
from accounts.services.messages import message_send
from core import formatting
from core.errors import ApplicationError, InvalidInput
from market.models import IntentionQuote, SupplyListing
from market.selectors.interactions import supply_link
from market.services.interactions import supply_lock_for_seeker

QUOTE_DAILY_LIMIT = 10  # per user, per listing, per calendar day (server time zone)
AMOUNT_MAX_WAN = Decimal("99999999.9999")  # what IntentionQuote.amount_wan (14 digits, 4 places) can hold
AMOUNT_STEP_WAN = Decimal("0.0001")  # one yuan


class QuoteLimitReached(ApplicationError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "quote_limit"


def _amount_check(amount_wan: Decimal) -> None:
    """An amount in 万元: more than zero, at most 99,999,999.9999, to at most four decimal places."""
    problem: tuple[str, str] | None = None
    if not isinstance(amount_wan, Decimal) or not amount_wan.is_finite():
        problem = ("invalid", _("Enter an amount in 10,000 yuan."))
    elif amount_wan <= 0:
        problem = ("min_value", _("The amount must be more than zero."))
    elif amount_wan > AMOUNT_MAX_WAN:
        problem = ("max_value", _("The amount can be at most {max} (10,000 yuan).").format(max=AMOUNT_MAX_WAN))
    elif amount_wan != amount_wan.quantize(AMOUNT_STEP_WAN):
        problem = ("max_decimal_places", _("Give the amount to at most four decimal places (one yuan)."))
    if problem:
        raise InvalidInput(fields={"amount_wan": [{"code": problem[0], "message": problem[1]}]})


@transaction.atomic
def quote_create(*, listing_id: int, user: User, amount_wan: Decimal) -> IntentionQuote:
    """Record a new quote (quotes are a history: never replaced, never withdrawn), count it in the listing's heat
    and tell the owner. At most QUOTE_DAILY_LIMIT a day per user and listing (429 quote_limit)."""
    _amount_check(amount_wan)
    listing = supply_lock_for_seeker(listing_id=listing_id, user=user)  # the lock serialises the daily count
    day_start = datetime.combine(timezone.localdate(), time.min, tzinfo=timezone.get_current_timezone())
    if IntentionQuote.objects.filter(listing=listing, user=user, created_at__gte=day_start).count() >= (
        QUOTE_DAILY_LIMIT
    ):
        raise QuoteLimitReached(
            _("You can quote at most {limit} times a day on one listing; try again tomorrow.").format(
                limit=QUOTE_DAILY_LIMIT
            )
        )
    quote = IntentionQuote.objects.create(listing=listing, user=user, amount_wan=amount_wan)
    SupplyListing.objects.filter(pk=listing.pk).update(quote_count=F("quote_count") + 1)
    message_send(
        user=listing.owner,
        title=_("New intention quote: {title}").format(title=listing.title),
        body=_("Your listing received an intention quote of {amount}.").format(
            amount=formatting.money(quote.amount_wan, places=4)  # to the yuan: two quotes never read alike
        ),
        link=supply_link(listing.pk),
    )
    return quote
