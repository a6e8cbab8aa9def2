"""Celery tasks of auctions: thin wrappers over the bank services (sub-accounts, the daily reconciliation, the deposits'
refunds and conversions)."""

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from auctions.banks import BankUnavailable
from auctions.banks.accounts import sub_account_open
from auctions.services.reconciliation import reconcile
from auctions.services.refunds import (
    flagged_movement_plan,
    lot_movements_send,
    movement_send,
    movements_due,
    movements_sweep,
)


@shared_task(autoretry_for=(BankUnavailable,), retry_backoff=True, retry_backoff_max=3600, max_retries=12)
def open_sub_account(account_id: int) -> bool:
    """Open a deposit sub-account at its bank, retried with backoff while the bank does not answer."""
    return sub_account_open(account_id=account_id)


@shared_task(autoretry_for=(BankUnavailable,), retry_backoff=True, max_retries=6)
def reconcile_bank(bank_code: str, day: str) -> int:
    """One bank's statement of one day (YYYY-MM-DD) against our arrivals; the number of differences."""
    return len(reconcile(bank_code=bank_code, day=date.fromisoformat(day)))


@shared_task
def reconcile_yesterday() -> list[str]:
    """Celery beat, each morning: every configured bank's statement of yesterday (the platform's calendar)."""
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    for code in settings.BANKS:
        reconcile_bank.delay(code, day)
    return sorted(settings.BANKS)


# Deposits after the trade (auctions/services/refunds.py). No task retries itself: a failed send counts an attempt on
# the movement, and the beat task below sends it again when its backoff has passed, so a dead worker loses nothing.


@shared_task(name="auctions.refunds.settle_lot", ignore_result=True)
def settle_lot_deposits(lot_id: int) -> int:
    """After a result, a termination or a revocation: plan the lot's refunds and conversion and send them."""
    return lot_movements_send(lot_id)


@shared_task(name="auctions.refunds.refund_flagged", ignore_result=True)
def refund_flagged(arrival_id: int) -> bool:
    """An arrival that was not counted: its refund planned and sent at once."""
    if flagged_movement_plan(arrival_id) is None:
        return False
    return movement_send(arrival_id) is not None


@shared_task(name="auctions.refunds.send_movement", ignore_result=True)
def send_movement(arrival_id: int) -> bool:
    """One movement sent (staff's retry of a failed one)."""
    return movement_send(arrival_id) is not None


@shared_task(name="auctions.refunds.send_due", ignore_result=True)
def send_due_movements() -> int:
    """Celery beat, every minute: plan what was missed, then send every movement whose next attempt is due."""
    movements_sweep()
    return sum(movement_send(arrival_id) is not None for arrival_id in movements_due())
