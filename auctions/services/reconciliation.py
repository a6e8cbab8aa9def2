"""Reconciliation of a bank's daily statement with the arrivals we recorded: what the bank reports and never reached us
is recorded from the statement; what we recorded and the bank does not report is flagged for staff. The statement's
outgoing side is checked against the refunds and conversions we sent (auctions/services/refunds.py)."""

import logging
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import is_administrator
from auctions.banks import MovementLine, StatementLine, adapter_for
from auctions.models import Bank, DepositArrival, DepositMovement, ReconciliationDifference
from auctions.selectors import centres_of
from auctions.services.deposits import Notice, arrival_record
from core.clock import db_now
from core.errors import ApplicationError, NotFound

logger = logging.getLogger(__name__)
D = ReconciliationDifference.Kind
# Differences of the outgoing side: a refund or conversion the bank confirmed to us is not on its statement; the
# statement's order differs from ours (reference, amount, kind), or we never sent one for that serial.
MOVEMENT_MISSING = D.MOVEMENT_MISSING
MOVEMENT_DIFFERS = D.MOVEMENT_DIFFERS


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
    adapter = adapter_for(bank_code)
    lines = adapter.statement(day)  # outside any transaction: the bank may be slow
    outgoing = adapter.movements(day)
    for line in lines:
        _from_statement(bank, day, line)
    start, end = day_bounds(day)
    reported = {line.serial for line in lines}
    with transaction.atomic():
        for arrival in DepositArrival.objects.filter(bank=bank, arrived_at__gte=start, arrived_at__lt=end):
            if arrival.serial not in reported:
                _note(bank, day, D.NOT_AT_BANK, arrival.serial, arrival)
        _check_movements(bank, day, outgoing)
    return list(ReconciliationDifference.objects.filter(bank=bank, day=day).select_related("bank", "arrival"))


def _same_order(movement: DepositMovement, line: MovementLine) -> bool:
    return (line.ref, line.amount_yuan, line.kind) == (movement.bank_ref, movement.amount_yuan, movement.kind)


def _check_movements(bank: Bank, day: date, outgoing: list[MovementLine]) -> None:
    """Every refund or conversion the bank booked for us on the day (the bank's answer kept its reference) must be on
    the statement as we sent it, and the statement must list no order we did not send."""
    start, end = day_bounds(day)
    listed = {line.serial: line for line in outgoing}
    sent = DepositMovement.objects.filter(arrival__bank=bank, sent_at__gte=start, sent_at__lt=end)
    for movement in sent.select_related("arrival"):
        line = listed.pop(movement.arrival.serial, None)
        if line is None:
            _note(bank, day, MOVEMENT_MISSING, movement.arrival.serial, movement.arrival)
        elif not _same_order(movement, line):
            _note(bank, day, MOVEMENT_DIFFERS, movement.arrival.serial, movement.arrival)
    for serial, line in listed.items():  # booked by the bank on the day, sent by us another day, or never
        found = DepositMovement.objects.select_related("arrival").filter(arrival__bank=bank, arrival__serial=serial)
        ours = found.first()
        if ours is None or not ours.bank_ref or not _same_order(ours, line):
            arrival = ours.arrival if ours else DepositArrival.objects.filter(bank=bank, serial=serial).first()
            _note(bank, day, MOVEMENT_DIFFERS, serial, arrival)


def difference_list(*, user: User, day: date) -> list[ReconciliationDifference]:
    """The day's differences of the banks of the caller's centres (every bank for an administrator)."""
    banks = Bank.objects.all() if is_administrator(user) else Bank.objects.filter(centres__in=centres_of(user))
    found = ReconciliationDifference.objects.filter(day=day, bank__in=banks).select_related("bank", "arrival")
    return list(found.distinct())
