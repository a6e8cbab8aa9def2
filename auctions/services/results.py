"""The result of a trade (成交 / 流拍 / 终止), written once in the transaction that decides it, and what follows it
once that transaction commits: the deposits' movements (refunds, the winner's conversion) and the result publicity
(成交公示) in the notices search.

Who writes results: the close (auctions/services/trading.py lot_close) for online trades; staff for semi-process lots,
terminations and revocations (auctions/services/closing.py). Every writer calls result_write, so the hooks below run
for each of them.
"""

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from auctions.models import Lot, LotResult, LotTrading, Qualification
from search.signals import result_changed


def price_public(lot: Lot, winner: Qualification | None) -> bool:
    """The price is published unless both sides opted out: the seller (the lot's publish_result off) and the winner
    (its application's publish_price off)."""
    if lot.publish_result or winner is None:
        return True
    return bool(winner.application.publish_price)


def result_write(
    *,
    lot: Lot,
    outcome: str,
    decided_at: datetime,
    winner: Qualification | None = None,
    price_wan: Decimal | None = None,
    source: str = LotResult.Source.ONLINE,
    reason: str = "",
    recorded_by: User | None = None,
) -> LotResult:
    """Write the lot's result in the caller's transaction (the caller holds the lot's trading lock and has written the
    evidence entry); the hooks run after the commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a result is written in the transaction that decides it")
    result = LotResult.objects.create(
        lot=lot,
        outcome=outcome,
        source=source,
        winner=winner if outcome == LotTrading.Outcome.DEAL else None,
        price_wan=price_wan if outcome == LotTrading.Outcome.DEAL else None,
        price_public=price_public(lot, winner if outcome == LotTrading.Outcome.DEAL else None),
        reason=reason,
        recorded_by=recorded_by,
        decided_at=decided_at,
    )
    result_settled(lot.pk)
    return result


def result_settled(lot_id: int) -> None:
    """After the commit of a result, a termination or a revocation: plan and send the deposits' movements, refresh the
    result publicity. Each hook is idempotent: running it twice changes nothing more."""
    from auctions.services.refunds import settle_on_commit  # refunds and the winner's conversion
    from auctions.services.roots import sign_on_commit

    settle_on_commit(lot_id)
    result_changed(lot_id)  # the result publicity (成交公示): index the lot's result notice, or remove it
    sign_on_commit()  # a signed root over every chain's head, this lot's at its close (auctions/services/roots.py)
