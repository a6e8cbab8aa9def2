"""What happens to the deposits (竞买保证金) once a trade is decided: every arrival is refunded to its payer, except the
winner's counted arrivals, which are converted into the price (保证金转为成交价款/出让金). Arrivals that were never
counted (late, in cash, from someone else, to an unknown account, for a rejected application) are refunded at once.

One DepositMovement per arrival (its primary key is the arrival), so money never moves twice on our side; the bank
is sent each order with the arrival's serial as the idempotency key, so a repeat never pays twice on its side either.
A movement is pending (decided) → sent (the bank booked it, its reference kept) → done (the bank executed it), or
failed (the bank refused it for good: staff look into it and may retry). Sending is retried with backoff by a beat
task, so a dead worker or a bank away for a while delays a refund and loses nothing (docs/banks.md).

A revoked deal: the winner's deposit is not refunded automatically — that is staff's decision under the revocation
procedure; a conversion already made stays, and one not made yet is not planned.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from auctions.banks import BankRefused, BankUnavailable, Order, adapter_for
from auctions.models import DepositArrival, DepositMovement, Lot, LotResult, LotTrading
from auctions.selectors import centre_staff_covers
from auctions.services.events import record
from core.clock import db_now
from core.errors import Conflict, NotFound

logger = logging.getLogger(__name__)
M = DepositMovement
OPEN = (M.Status.PENDING, M.Status.SENT)  # the bank has yet to confirm: sent (again) until it does
BACKOFF_FIRST = 60  # seconds before the second attempt; each next wait doubles, up to BACKOFF_MAX
BACKOFF_MAX = 3600


# ------------------------------------------------------------------------------------------------ planning


def _decide(arrival: DepositArrival, outcome: str, winner_application: int | None, revoked: bool) -> tuple[str, str]:
    """(kind, cause) of an arrival's movement after the trade, or ("", "") when none is planned automatically."""
    if not arrival.counted:
        return M.Kind.REFUND, "flagged"
    if outcome == LotTrading.Outcome.DEAL:
        if arrival.account is not None and arrival.account.application_id == winner_application:
            return ("", "") if revoked else (M.Kind.CONVERSION, "won")
        return M.Kind.REFUND, "revoked" if revoked else "lost"
    if outcome == LotTrading.Outcome.FAILED:
        return M.Kind.REFUND, "failed"
    return M.Kind.REFUND, "terminated"


def _outcome(lot: Lot) -> tuple[str, int | None, bool] | None:
    """(outcome, the winner's application, revoked) once the lot is closed or terminated; None while it trades."""
    trading = LotTrading.objects.select_related("highest_bid__qualification").filter(lot=lot).first()
    closed = trading is not None and trading.closed_at is not None
    if not closed and lot.status != Lot.Status.TERMINATED:
        return None
    result = LotResult.objects.select_related("winner").filter(lot=lot).first()
    if result is not None:
        winner = result.winner.application_id if result.winner is not None else None
        return result.outcome, winner, result.revoked_at is not None
    if closed and trading is not None and trading.outcome:
        highest = trading.highest_bid
        deal = trading.outcome == LotTrading.Outcome.DEAL and highest is not None
        return trading.outcome, highest.qualification.application_id if deal and highest else None, False
    return LotTrading.Outcome.TERMINATED, None, False


@transaction.atomic
def movements_plan(lot_id: int) -> list[DepositMovement]:
    """Create the missing movements of a closed (or terminated) lot's arrivals; the ones created. Under the lot's row
    lock, as arrivals are recorded, so an arrival recorded meanwhile is either seen here or planned by the next run;
    running it again creates nothing."""
    lot = Lot.objects.select_for_update().filter(pk=lot_id).first()
    if lot is None:
        return []
    decided = _outcome(lot)
    if decided is None:
        return []
    outcome, winner, revoked = decided
    now = db_now()
    planned = []
    arrivals = DepositArrival.objects.filter(account__application__lot=lot, movement__isnull=True)
    for arrival in arrivals.select_related("account").order_by("arrived_at", "id"):
        kind, cause = _decide(arrival, outcome, winner, revoked)
        if kind:
            planned.append(_movement(arrival, kind, cause, now))
    DepositMovement.objects.bulk_create(planned, ignore_conflicts=True)
    refunds = [m.arrival_id for m in planned if m.kind == M.Kind.REFUND]
    DepositArrival.objects.filter(pk__in=refunds, refund_status="").update(refund_status="due")
    return planned


def _movement(arrival: DepositArrival, kind: str, cause: str, now: datetime) -> DepositMovement:
    return DepositMovement(
        arrival=arrival,
        kind=kind,
        cause=cause,
        amount_yuan=arrival.amount_yuan,  # every fen of it, as it arrived
        to_account=arrival.payer_account if kind == M.Kind.REFUND else "",
        created_at=now,
    )


@transaction.atomic
def flagged_movement_plan(arrival_id: int) -> DepositMovement | None:
    """The refund of an arrival that was not counted (flagged at receipt), planned at once; None for a counted one."""
    arrival = DepositArrival.objects.select_for_update().filter(pk=arrival_id, counted=False).first()
    if arrival is None:
        return None
    movement, _created = DepositMovement.objects.get_or_create(
        arrival=arrival, defaults={**_fields(_movement(arrival, M.Kind.REFUND, "flagged", db_now()))}
    )
    return movement


def _fields(movement: DepositMovement) -> dict[str, object]:
    names = ("kind", "cause", "amount_yuan", "to_account", "created_at")
    return {name: getattr(movement, name) for name in names}


def refund_on_commit(arrival_id: int) -> None:
    """After the caller's transaction commits, refund a flagged arrival (the Celery task; the beat task catches up
    if it is lost)."""
    from auctions.tasks import refund_flagged  # the tasks module imports the services

    transaction.on_commit(lambda: refund_flagged.delay(arrival_id), robust=True)


def settle_on_commit(lot_id: int) -> None:
    """After the commit of a result, a termination or a revocation: plan and send the lot's movements (the Celery
    task; the beat task catches up if it is lost)."""
    from auctions.tasks import settle_lot_deposits

    transaction.on_commit(lambda: settle_lot_deposits.delay(lot_id), robust=True)


def movements_sweep() -> int:
    """Plan what the on-commit tasks would have planned, had they run: the movements of closed or terminated lots'
    arrivals and of flagged arrivals that have none yet. The number planned."""
    unplanned = DepositArrival.objects.filter(movement__isnull=True)
    closed = Q(account__application__lot__trading__closed_at__isnull=False) | Q(
        account__application__lot__status=Lot.Status.TERMINATED
    )
    lots = unplanned.filter(closed, counted=True).values_list("account__application__lot_id", flat=True).distinct()
    planned = sum(len(movements_plan(lot_id)) for lot_id in lots)
    for arrival_id in unplanned.filter(counted=False).values_list("pk", flat=True):
        planned += flagged_movement_plan(arrival_id) is not None
    return planned


# ------------------------------------------------------------------------------------------------ sending


def backoff(attempts: int) -> timedelta:
    """How long after its creation a movement with this many attempts is due again: the waits between attempts
    double from BACKOFF_FIRST up to BACKOFF_MAX."""
    return timedelta(seconds=sum(min(BACKOFF_FIRST * 2**i, BACKOFF_MAX) for i in range(attempts)))


def movements_due(now: datetime | None = None) -> list[int]:
    """The movements the bank has yet to confirm whose next attempt is due (their arrivals' ids)."""
    now = now or db_now()
    found = DepositMovement.objects.filter(status__in=OPEN).values_list("pk", "created_at", "attempts")
    return [pk for pk, created_at, attempts in found if created_at + backoff(attempts) <= now]


def _arrival_status(movement: DepositMovement) -> str:
    """The arrival's refund_status that the pages read: due → requested → done; converted for the winner's."""
    if movement.kind == M.Kind.CONVERSION:
        return "converted" if movement.status == M.Status.DONE else ""
    return {"sent": "requested", "done": "done"}.get(movement.status, "due")


def _error(error: BankUnavailable) -> str:
    return f"{error.code}: {error.detail}"[:200] if error.detail else error.code[:200]


def _apply(movement: DepositMovement, order: Order, now: datetime) -> None:
    if movement.bank_ref and order.ref != movement.bank_ref:  # the bank broke its idempotency: nobody guesses
        movement.status, movement.last_error = M.Status.FAILED, f"bank_ref_changed: {order.ref}"[:200]
        return
    movement.bank_ref, movement.last_error = order.ref, ""
    movement.sent_at = movement.sent_at or now
    if order.status == "done":
        movement.status, movement.done_at = M.Status.DONE, now
    else:
        movement.status = M.Status.SENT


def movement_send(arrival_id: int) -> DepositMovement | None:
    """Send one movement's order to the bank (or repeat it, for one the bank has not confirmed yet) under the
    movement's row lock; None when there is nothing to send or another worker holds it. The bank's reference and
    answer are kept; an error counts an attempt and is kept for staff (no secret in it), and the beat task tries
    again later; the bank's definite refusal fails the movement."""
    with transaction.atomic():
        movement = (
            DepositMovement.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("arrival__bank", "arrival__account__application__lot")
            .filter(pk=arrival_id, status__in=OPEN)
            .first()
        )
        if movement is None:
            return None
        arrival = movement.arrival
        now = db_now()
        movement.attempts += 1
        try:
            bank = adapter_for(arrival.bank.code)
            if movement.kind == M.Kind.CONVERSION:
                assert arrival.account is not None  # noqa: S101 - only a bidder's counted arrival is converted
                order = bank.convert(arrival.serial, movement.amount_yuan, arrival.account.application.lot.number)
            else:
                order = bank.refund(arrival.serial, movement.amount_yuan, movement.to_account)
        except BankRefused as error:
            movement.status, movement.last_error = M.Status.FAILED, _error(error)
        except BankUnavailable as error:
            movement.last_error = _error(error)
        else:
            _apply(movement, order, now)
        movement.save(update_fields=["status", "bank_ref", "attempts", "last_error", "sent_at", "done_at"])
        DepositArrival.objects.filter(pk=arrival.pk).update(refund_status=_arrival_status(movement))
        logger.info(
            "deposit movement %s (%s, bank %s): %s after %s attempts%s",
            arrival.serial,
            movement.kind,
            arrival.bank.code,
            movement.status,
            movement.attempts,
            f" ({movement.last_error})" if movement.last_error else "",
        )
        return movement


def lot_movements_send(lot_id: int) -> int:
    """Plan the lot's movements and send every one the bank has yet to confirm; the number now done."""
    movements_plan(lot_id)
    open_ = DepositMovement.objects.filter(arrival__account__application__lot_id=lot_id, status__in=OPEN)
    sent = [movement_send(pk) for pk in open_.values_list("pk", flat=True)]
    return sum(1 for movement in sent if movement is not None and movement.status == M.Status.DONE)


# ------------------------------------------------------------------------------------------------ staff


def _staff_lot(user: User, lot_id: int) -> Lot:
    lot = Lot.objects.select_related("centre").filter(pk=lot_id).first()
    if lot is None or not centre_staff_covers(user, lot.centre):
        raise NotFound(_("No lot has this id."))
    return lot


def movement_list(*, user: User, lot_id: int) -> QuerySet[DepositMovement]:
    """The lot's movements for its centre's staff (404 to anyone else), in the order they were decided."""
    lot = _staff_lot(user, lot_id)
    found = DepositMovement.objects.filter(arrival__account__application__lot=lot).select_related(
        "arrival__bank", "arrival__account__application__applicant", "arrival__account__application__qualification"
    )
    return found.order_by("created_at", "arrival_id")


@transaction.atomic
def movement_retry(*, user: User, lot_id: int, arrival_id: int) -> DepositMovement:
    """Staff send a failed movement again (after looking into the bank's refusal): pending, sent after the commit;
    recorded in the trading trail."""
    lot = _staff_lot(user, lot_id)
    movement = (
        DepositMovement.objects.select_for_update()
        .filter(pk=arrival_id, arrival__account__application__lot=lot)
        .first()
    )
    if movement is None:
        raise NotFound(_("This lot has no deposit movement for this arrival."))
    if movement.status != M.Status.FAILED:
        raise Conflict(_("Only a failed movement can be sent again."), code="not_failed")
    movement.status, movement.last_error = M.Status.PENDING, ""
    movement.save(update_fields=["status", "last_error"])
    DepositArrival.objects.filter(pk=arrival_id).update(refund_status=_arrival_status(movement))
    record("deposit.movement_retried", actor=user, lot=lot, note=movement.arrival.serial)
    from auctions.tasks import send_movement

    transaction.on_commit(lambda: send_movement.delay(arrival_id), robust=True)
    return movement
