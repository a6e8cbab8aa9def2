"""Reconciliation of a bank's daily statement with the arrivals we recorded: what the bank reports and never reached us
is recorded from the statement; what we recorded and the bank does not report is flagged for staff."""

import logging
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import is_administrator
from auctions.banks import StatementLine, adapter_for
from auctions.models import Bank, DepositArrival, ReconciliationDifference
from auctions.selectors import centres_of
from auctions.services.deposits import Notice, arrival_record
from core.clock import db_now
from core.errors import ApplicationError, NotFound

logger = logging.getLogger(__name__)
D = ReconciliationDifference.Kind


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The calendar day in the platform's zone (the banks' zone, Asia/Shanghai) as [start, end)."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def _note(bank: Bank, day: date, kind: str, serial: str, arrival: DepositArrival | None) -> None:
    ReconciliationDifference.objects.get_or_create(
        bank=bank, serial=serial, kind=kind, defaults={"day": day, "arrival": arrival, "found_at": db_now()}
    )


def _from_statement(bank: Bank, day: date, line: StatementLine) -> None:
    notice = Notice(
        bank_code=bank.code,
        serial=line.serial,
        account_number=line.account_number,
        amount=line.amount_yuan,
        payer_name=line.payer_name,
        payer_account=line.payer_account,
        channel=line.channel,
        arrived_at=line.arrived_at,
    )
    try:
        arrival, created = arrival_record(notice)
    except ApplicationError as error:  # the serial's content differs from its notice, or the line cannot be read
        logger.warning("reconciliation %s %s: serial %s refused (%s)", bank.code, day, line.serial, error.code)
        _note(bank, day, D.CONFLICT, line.serial, DepositArrival.objects.filter(bank=bank, serial=line.serial).first())
        return
    if created:
        _note(bank, day, D.RECORDED_FROM_STATEMENT, line.serial, arrival)


def reconcile(*, bank_code: str, day: date) -> list[ReconciliationDifference]:
    """Fetch the bank's statement of `day`, record what it reports that we never recorded (through arrival_record,
    the difference marking its source), flag what we recorded that it does not report; the day's differences."""
    bank = Bank.objects.filter(code=bank_code).first()
    if bank is None:
        raise NotFound(_("No bank has this code."))
    lines = adapter_for(bank_code).statement(day)  # outside any transaction: the bank may be slow
    for line in lines:
        _from_statement(bank, day, line)
    start, end = day_bounds(day)
    reported = {line.serial for line in lines}
    with transaction.atomic():
        for arrival in DepositArrival.objects.filter(bank=bank, arrived_at__gte=start, arrived_at__lt=end):
            if arrival.serial not in reported:
                _note(bank, day, D.NOT_AT_BANK, arrival.serial, arrival)
    return list(ReconciliationDifference.objects.filter(bank=bank, day=day).select_related("bank", "arrival"))


def difference_list(*, user: User, day: date) -> list[ReconciliationDifference]:
    """The day's differences of the banks of the caller's centres (every bank for an administrator)."""
    banks = Bank.objects.all() if is_administrator(user) else Bank.objects.filter(centres__in=centres_of(user))
    found = ReconciliationDifference.objects.filter(day=day, bank__in=banks).select_related("bank", "arrival")
    return list(found.distinct())
