"""The home page's broadcast tabs (交易信息播报): lots with a published announcement, by day in Asia/Shanghai."""

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import reduce
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from auctions.models import Announcement, Lot
from auctions.selectors_results import published_results
from core.clock import db_now
from core.formatting import SHANGHAI

CLOSING_DAYS = 3  # 即将截止: a listing ends or applications close within this many days from now
ROWS = 10  # rows per tab


@dataclass(frozen=True)
class BroadcastTab:
    key: str  # today, closing, announced, results, tomorrow
    label: Promise
    empty: Promise  # what the tab says when it has no row
    lots: list[Lot]


def _day_start(moment: datetime, days: int = 0) -> datetime:
    """Midnight in Asia/Shanghai of the day `moment` falls on there, `days` later."""
    day = moment.astimezone(SHANGHAI).date() + timedelta(days=days)
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def home_broadcast(*, now: datetime | None = None, closing_days: int = CLOSING_DAYS) -> list[BroadcastTab]:
    """The five tabs of 交易信息播报, each at most ROWS lots, with days cut at midnight in Asia/Shanghai of `now`
    (default: the database clock):

    - 今日交易 (today): an announced lot whose listing period includes today (it starts before tomorrow and ends
      today or later) or whose auction starts today;
    - 即将截止 (closing): an announced lot whose listing ends, or whose applications close, between `now` and
      `closing_days` days later;
    - 今日公告 (announced): a lot whose current announcement (normal, change or termination) was published today;
    - 今日成交 (results): deals decided today and published (not revoked), newest first, each lot carrying its
      result's price (None when not published), winner's bidder number and time (`today_results`);
    - 明日交易 (tomorrow): an announced lot whose listing starts or whose auction starts tomorrow.

    Only lots with a published announcement appear; terminated lots only under 今日公告 (their termination).
    Two queries (and one for the database clock without `now`): each of the four tabs' condition is a flag on the
    lots, and today's results.
    """
    now = now or db_now()
    today, tomorrow, after = _day_start(now), _day_start(now, 1), _day_start(now, 2)
    soon = now + timedelta(days=closing_days)
    trading = Q(status=Lot.Status.ANNOUNCED)
    conditions = {
        "today": trading
        & (
            Q(listing_starts_at__lt=tomorrow, listing_ends_at__gte=today)
            | Q(auction_starts_at__gte=today, auction_starts_at__lt=tomorrow)
        ),
        "closing": trading
        & (
            Q(listing_ends_at__gte=now, listing_ends_at__lt=soon)
            | Q(applications_close_at__gte=now, applications_close_at__lt=soon)
        ),
        "announced": Q(notice_published_at__gte=today, notice_published_at__lt=tomorrow),
        "tomorrow": trading
        & (
            Q(listing_starts_at__gte=tomorrow, listing_starts_at__lt=after)
            | Q(auction_starts_at__gte=tomorrow, auction_starts_at__lt=after)
        ),
    }
    published = Announcement.objects.filter(lot=OuterRef("pk"), status=Announcement.Status.PUBLISHED)
    lots: list[Lot] = list(
        Lot.objects.annotate(
            notice_kind=Subquery(published.values("kind")[:1]),
            notice_published_at=Subquery(published.values("published_at")[:1]),
        )
        .filter(notice_published_at__isnull=False)
        .annotate(**{f"in_{key}": ExpressionWrapper(q, output_field=BooleanField()) for key, q in conditions.items()})
        .filter(reduce(operator.or_, conditions.values()))
        .select_related("region")
    )
    far = datetime.max.replace(tzinfo=UTC)
    orders: dict[str, Callable[[Lot], tuple[Any, int]]] = {
        "today": lambda lot: (lot.listing_ends_at or lot.auction_starts_at or far, lot.pk),
        "closing": lambda lot: (min(lot.listing_ends_at or far, lot.applications_close_at), lot.pk),
        "announced": lambda lot: (-lot.notice_published_at.timestamp(), -lot.pk),  # type: ignore[attr-defined]
        "tomorrow": lambda lot: (lot.listing_starts_at or lot.auction_starts_at or far, lot.pk),
    }

    def rows(key: str) -> list[Lot]:
        return sorted((lot for lot in lots if getattr(lot, f"in_{key}")), key=orders[key])[:ROWS]

    return [
        BroadcastTab("today", _("Trading today"), _("No lot is traded today."), rows("today")),
        BroadcastTab(
            "closing", _("Closing soon"), _("No listing or application closes in the next days."), rows("closing")
        ),
        BroadcastTab("announced", _("Announced today"), _("No announcement was published today."), rows("announced")),
        BroadcastTab(
            "results",
            _("Results today"),
            _("No result yet: results appear once online trading has closed."),
            today_results(today, tomorrow),
        ),
        BroadcastTab("tomorrow", _("Trading tomorrow"), _("No lot is traded tomorrow."), rows("tomorrow")),
    ]


def today_results(start: datetime, end: datetime) -> list[Lot]:
    """The lots of the published deals decided in [start, end), newest first, at most ROWS, each with `deal_at`,
    `deal_winner_number` and `deal_price_wan` (None when the price is not published)."""
    lots: list[Lot] = []
    for result in published_results().filter(decided_at__gte=start, decided_at__lt=end).order_by("-decided_at")[:ROWS]:
        lot = result.lot
        lot.deal_at = result.decided_at  # type: ignore[attr-defined]
        lot.deal_winner_number = result.winner.bidder_number if result.winner else ""  # type: ignore[attr-defined]
        lot.deal_price_wan = result.price_wan if result.price_public else None  # type: ignore[attr-defined]
        lots.append(lot)
    return lots
