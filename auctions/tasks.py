"""Celery tasks of auctions: thin wrappers over the bank services (sub-accounts, the daily reconciliation)."""

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from auctions.banks import BankUnavailable
from auctions.banks.accounts import sub_account_open
from auctions.services.reconciliation import reconcile


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
