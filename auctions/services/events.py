"""The trading trail: one TradingEvent per change, in the changing transaction, at the database's time."""

from accounts.models import User
from auctions.models import Announcement, Entrustment, Lot, TradingEvent
from core.clock import db_now


def record(
    action: str,
    *,
    actor: User,
    lot: Lot | None = None,
    entrustment: Entrustment | None = None,
    announcement: Announcement | None = None,
    note: str = "",
) -> TradingEvent:
    region_id = lot.region_id if lot is not None else entrustment.region_id if entrustment is not None else None
    return TradingEvent.objects.create(
        action=action,
        actor=actor,
        lot=lot,
        entrustment=entrustment,
        announcement=announcement,
        region_id=region_id,
        note=note[:500],
        created_at=db_now(),
    )
