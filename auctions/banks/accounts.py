"""Opening a deposit sub-account at its bank once the application's transaction has committed (a Celery task with
retries), and marking it opened when the bank confirms."""

from django.db import transaction

from auctions.banks import adapter_for
from auctions.models import DepositAccount
from core.clock import db_now


def sub_account_open_on_commit(account: DepositAccount) -> None:
    """After the caller's transaction commits, ask the bank (through the Celery task) to open the sub-account."""
    from auctions.tasks import open_sub_account  # the tasks module imports the services

    account_id = account.pk
    transaction.on_commit(lambda: open_sub_account.delay(account_id))


def sub_account_open(*, account_id: int) -> bool:
    """Open the sub-account at its bank (BankUnavailable when it does not answer); True when this call opened it."""
    account = (
        DepositAccount.objects.select_related("bank", "application__lot", "application__applicant")
        .filter(pk=account_id, opened_at__isnull=True)
        .first()
    )
    if account is None:  # opened already (or gone): nothing to do
        return False
    application = account.application
    adapter_for(account.bank.code).open_sub_account(
        account.number, application.lot.number, application.applicant.real_name
    )
    return DepositAccount.objects.filter(pk=account_id, opened_at__isnull=True).update(opened_at=db_now()) == 1
