"""Reads on intention quotes: a listing's record, a quoter's rank, and my quotes (我的申购-意向报价)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from market.models import IntentionQuote, SupplyListing
from market.selectors.interactions import acts_for_owner, mask_name, mask_phone, supply_get_visible


@dataclass(frozen=True)
class QuoteRecord:
    """A listing's quotes (出价记录), and whether the viewer acts for the owner (who sees the quoters' names)."""

    listing: SupplyListing
    quotes: QuerySet[IntentionQuote]
    owner_view: bool


def quote_record(*, listing_id: int, user: User | AnonymousUser) -> QuoteRecord:
    """The quotes on a listing, newest first: anyone sees them on a public listing, the owner on any of theirs."""
    listing = supply_get_visible(listing_id=listing_id, user=user)
    quotes = listing.quotes.select_related("user__parent").order_by("-created_at", "-id")
    return QuoteRecord(listing=listing, quotes=quotes, owner_view=acts_for_owner(user=user, listing=listing))


@dataclass(frozen=True)
class QuoteRow:
    """One line of a listing's quote record. The owner sees the quoter's name; anyone else a masked one."""

    id: int
    amount_wan: Decimal
    created_at: datetime
    quoter: str
    quoter_phone: str  # always masked
    is_mine: bool


def quote_rows(*, quotes: Sequence[IntentionQuote], owner_view: bool, viewer: User | AnonymousUser) -> list[QuoteRow]:
    """The lines of a quote record; the quoter's name is the one things are done in (an enterprise for its
    sub-accounts). `quotes` must come from quote_record (users and their enterprises loaded)."""
    rows = []
    for quote in quotes:
        name = quote.user.principal.real_name or quote.user.real_name
        rows.append(
            QuoteRow(
                id=quote.pk,
                amount_wan=quote.amount_wan,
                created_at=quote.created_at,
                quoter=name if owner_view else mask_name(name),
                quoter_phone=mask_phone(quote.user.phone),
                is_mine=quote.user_id == viewer.pk,
            )
        )
    return rows


def _count(queryset: QuerySet, expression: Count) -> Coalesce:
    """A correlated COUNT as a subquery (0 when nothing matches)."""
    counted = queryset.order_by().values("listing").annotate(n=expression).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def quote_summaries(*, user: User) -> QuerySet[SupplyListing]:
    """The listings the user has quoted on, each annotated with the user's best quote (my_best_wan), how many
    quotes the user made (my_quote_count), when last (my_last_quoted_at), how many users quoted (quoter_count)
    and the rank of the user's best among every quoter's best (my_rank: 1 is the highest; ties share a rank,
    the next rank skips as in competitions).

    A constant number of queries however many rows: every figure is a correlated subquery.
    """
    mine = IntentionQuote.objects.filter(listing=OuterRef("pk"), user=user)
    on_listing = IntentionQuote.objects.filter(listing=OuterRef("pk"))
    above_mine = IntentionQuote.objects.filter(listing=OuterRef("pk"), amount_wan__gt=OuterRef("my_best_wan"))
    return (
        SupplyListing.objects.filter(Exists(mine))
        .annotate(
            my_best_wan=Subquery(mine.order_by("-amount_wan").values("amount_wan")[:1]),
            my_last_quoted_at=Subquery(mine.order_by("-created_at").values("created_at")[:1]),
            my_quote_count=_count(mine, Count("id")),
            quoter_count=_count(on_listing, Count("user", distinct=True)),
            my_rank=_count(above_mine, Count("user", distinct=True)) + 1,
        )
        .order_by("-my_last_quoted_at", "-pk")
    )


def my_quote_list(*, user: User, title: str = "", land_type: str = "") -> QuerySet[SupplyListing]:
    """My quotes (我的申购-意向报价), one row per listing, the most recently quoted first; by title and land type."""
    listings = quote_summaries(user=user)
    if title:
        listings = listings.filter(title__icontains=title)
    if land_type:
        listings = listings.filter(land_type=land_type)
    return listings


@dataclass(frozen=True)
class MyQuotes:
    """The user's quotes on one listing, newest first, the best of them, its rank and the number of quoters."""

    listing: SupplyListing
    quotes: list[IntentionQuote]
    best_wan: Decimal | None
    rank: int | None
    quoter_count: int


def my_quotes_on(*, listing_id: int, user: User) -> MyQuotes:
    """My history on a listing: on a public listing, or on any listing I quoted on (it may have left the public)."""
    summary = quote_summaries(user=user).filter(pk=listing_id).first()
    if summary is not None:
        quotes = list(IntentionQuote.objects.filter(listing=summary, user=user).order_by("-created_at", "-id"))
        return MyQuotes(summary, quotes, summary.my_best_wan, summary.my_rank, summary.quoter_count)  # type: ignore[attr-defined]
    listing = supply_get_visible(listing_id=listing_id, user=user)
    quoters = IntentionQuote.objects.filter(listing=listing).aggregate(n=Count("user", distinct=True))["n"]
    return MyQuotes(listing, [], None, None, quoters)
