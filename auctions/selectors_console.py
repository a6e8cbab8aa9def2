"""The centre console's live view (实时交易): the lots of a staff member's centres that trade now or today, or closed
in the last 24 hours, each with its phase by the database clock, its highest bid and its result. Never the reserve."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from auctions.models import Lot, LotResult, LotTrading
from auctions.selectors import centres_of
from auctions.services.trading import Phase, phase_at
from core.clock import db_now

RECENT = timedelta(hours=24)  # a closed lot stays in the view this long
MOST_LOTS = 300  # the view is one answer, not paged: a bound on its size
TRADING_PHASES = frozenset(
    {"listing", "quoting_stopped", "confirming", "preparing", "timed", "auction", "suspended", "ended"}
)


@dataclass(frozen=True)
class LiveLot:
    """One row of the live view: the lot, its trading row (unsaved when no bid or action made one), the phase now
    and its result once decided."""

    lot: Lot
    trading: LotTrading
    phase: Phase
    result: LotResult | None

    @property
    def starts_at(self) -> datetime | None:
        return trading_starts_at(self.lot)


def trading_starts_at(lot: Lot) -> datetime | None:
    """When the lot's trade starts: the listing's start or the auction's."""
    return lot.listing_starts_at if lot.trading_mode == Lot.TradingMode.LISTING else lot.auction_starts_at


def _trades_on(lot: Lot, day_start: datetime, day_end: datetime) -> bool:
    """Whether the lot's trading time falls on the day (its listing period or its auction's start)."""
    start = trading_starts_at(lot)
    end = lot.listing_ends_at if lot.trading_mode == Lot.TradingMode.LISTING else start
    return start is not None and end is not None and start < day_end and end >= day_start


def _closed_since(trading: LotTrading, result: LotResult | None, since: datetime) -> bool:
    """Whether the trade closed (or its result, an on-site one or a termination, was decided) at `since` or later."""
    decided = [at for at in (trading.closed_at, result.decided_at if result else None) if at is not None]
    return any(at >= since for at in decided)


def centre_trading(*, user: User) -> tuple[datetime, list[LiveLot]]:
    """(the database time, the live rows) of the user's centres: every announced lot that trades today or is in a
    trading phase, and every lot closed or terminated within RECENT. Lots, trading rows, highest bids and results
    come in one query; the phase is computed per lot from them (auctions/services/trading.py phase_at), which reads
    the listing's quotes only for a listing lot past its deadline and not yet closed (or in the last window of a
    quoting stop)."""
    now = db_now()
    day_start = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    day_end = day_start + timedelta(days=1)
    since = now - RECENT
    open_now = Q(status=Lot.Status.ANNOUNCED, trading__closed_at__isnull=True) & ~(
        Q(listing_starts_at__gte=day_end) | Q(auction_starts_at__gte=day_end)
    )
    lots = (
        Lot.objects.filter(centre__in=centres_of(user), status__in=(Lot.Status.ANNOUNCED, Lot.Status.TERMINATED))
        .filter(open_now | Q(trading__closed_at__gte=since) | Q(result__decided_at__gte=since))
        .select_related("rules", "trading__highest_bid__qualification", "result__winner")
        .order_by(Coalesce("listing_starts_at", "auction_starts_at"), "pk")[:MOST_LOTS]
    )
    rows = []
    for lot in lots:
        trading = getattr(lot, "trading", None) or LotTrading(lot=lot)
        result = getattr(lot, "result", None)
        phase = phase_at(lot, trading, now)
        if phase.name in TRADING_PHASES or _closed_since(trading, result, since) or _trades_on(lot, day_start, day_end):
            rows.append(LiveLot(lot=lot, trading=trading, phase=phase, result=result))
    return now, rows
