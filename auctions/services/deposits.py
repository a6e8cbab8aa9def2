"""Deposits (竞买保证金): a random sub-account per application at its chosen bank, the bank's arrival notices
(idempotent by serial number, counted only when they may be), and the qualification (竞买资格) they lead to.

Every arrival for a known account and every qualification is an entry of the lot's evidence log, written under the
lot's row lock, so two arrivals for one lot never both issue a qualification.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import User
from auctions.models import Bank, BidApplication, DepositAccount, DepositArrival, Lot, Qualification
from auctions.selectors import centre_staff_covers
from auctions.services.events import record
from auctions.services.evidence import append
from auctions.services.refunds import refund_on_commit
from core import money
from core.clock import db_now
from core.errors import Conflict, InvalidInput, NotFound
from core.uploads import uploads_atomic

A = DepositArrival.Flag
ACCOUNT_DIGITS = 19  # prefix + random digits + one Luhn check digit
BIDDER_NUMBER_DIGITS = 6
PROOF_TYPES = frozenset({"pdf", "jpg", "png"})
PROOF_MAX_BYTES = 10 * 1024 * 1024


class ArrivalConflict(Conflict):
    default_code = "serial_reused"


def luhn_digit(digits: str) -> str:
    """The check digit that makes `digits` + it pass the Luhn (mod 10) check, as bank card numbers do."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and luhn_digit(number[:-1]) == number[-1]


def new_account_number(bank: Bank) -> str:
    body = bank.account_prefix + "".join(
        str(secrets.randbelow(10)) for _ in range(ACCOUNT_DIGITS - 1 - len(bank.account_prefix))
    )
    return body + luhn_digit(body)


def deposit_account_for(application: BidApplication, bank: Bank) -> DepositAccount:
    """The application's sub-account (made on first call, the same afterwards); a collision draws again."""
    existing = DepositAccount.objects.filter(application=application).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return DepositAccount.objects.create(
                    application=application, bank=bank, number=new_account_number(bank)
                )
        except IntegrityError:
            continue  # the random number was taken: draw another
    raise Conflict(_("No free deposit account number could be drawn; try again."), code="account_exhausted")


def required_yuan(lot: Lot) -> Decimal:
    return (lot.deposit_wan * 10_000).quantize(Decimal("0.01"))


def counted_yuan(application: BidApplication) -> Decimal:
    total = DepositArrival.objects.filter(account__application=application, counted=True).aggregate(
        total=Sum("amount_yuan")
    )["total"]
    return total or Decimal("0.00")


def _amount(value: Any) -> Decimal:
    amount = money.yuan(value)
    if amount is None:
        raise InvalidInput(
            fields={"amount": [{"code": "invalid_amount", "message": _("A positive amount in yuan, to the fen.")}]}
        )
    return amount


def _payer_names(application: BidApplication) -> set[str]:
    names = {application.applicant.real_name.strip()}
    if application.joint:
        names |= {str(partner.get("name", "")).strip() for partner in application.partners}
    return {name for name in names if name}


@dataclass(frozen=True)
class Notice:
    """A bank's arrival notice as its adapter reads it."""

    bank_code: str
    serial: str
    account_number: str
    amount: Any  # yuan, to the fen
    payer_name: str
    payer_account: str
    channel: str  # transfer | cash
    arrived_at: datetime  # the bank's time, timezone-aware


def _same(arrival: DepositArrival, notice: Notice, amount: Decimal) -> bool:
    return (arrival.account_number, arrival.amount_yuan, arrival.payer_name, arrival.arrived_at) == (
        notice.account_number,
        amount,
        notice.payer_name.strip(),
        notice.arrived_at,
    )


@transaction.atomic
def arrival_record(notice: Notice) -> tuple[DepositArrival, bool]:
    """Record a bank's arrival notice once (a repeat of the serial returns the first record, created=False; the
    same serial with other content is refused); count it when it may be and qualify the bidder if it completes the
    deposit."""
    bank = Bank.objects.filter(code=notice.bank_code).first()
    if bank is None:
        raise NotFound(_("No bank has this code."))
    if notice.arrived_at.tzinfo is None:
        raise InvalidInput(
            fields={"arrived_at": [{"code": "naive_time", "message": _("Give times with their time zone.")}]}
        )
    amount = _amount(notice.amount)
    account = (
        DepositAccount.objects.select_related("application__lot", "application__applicant")
        .filter(bank=bank, number=notice.account_number)
        .first()
    )
    if account is not None:  # one writer per lot from here: the qualification is decided once
        Lot.objects.select_for_update().filter(pk=account.application.lot_id).values_list("pk", flat=True).get()
    existing = DepositArrival.objects.filter(bank=bank, serial=notice.serial).first()
    if existing is not None:
        if not _same(existing, notice, amount):
            raise ArrivalConflict(_("This serial number was already notified with other content."))
        return existing, False
    flag = _flag(account, notice)
    arrival = DepositArrival.objects.create(
        bank=bank,
        serial=notice.serial,
        account_number=notice.account_number,
        account=account,
        amount_yuan=amount,
        payer_name=notice.payer_name.strip()[:128],
        payer_account=notice.payer_account[:40],
        channel=notice.channel[:16],
        arrived_at=notice.arrived_at,
        received_at=db_now(),
        counted=flag == A.NONE,
        flag=flag,
        refund_status="" if flag == A.NONE else "due",
    )
    if flag != A.NONE:  # not counted: its refund is sent once this transaction commits (auctions/services/refunds.py)
        refund_on_commit(arrival.pk)
    if account is not None:
        application = account.application
        append(
            lot_id=application.lot_id,
            kind="deposit.arrived",
            data={
                "application": application.pk,
                "bank": bank.code,
                "serial": notice.serial,
                "amount": amount,
                "bank_time": notice.arrived_at,
                "counted": arrival.counted,
                "flag": flag,
            },
        )
        if arrival.counted:
            maybe_qualify(application)
    return arrival, True


def _flag(account: DepositAccount | None, notice: Notice) -> str:
    if account is None:
        return A.UNKNOWN_ACCOUNT
    application = account.application
    if notice.channel != "transfer":
        return A.CASH
    if notice.payer_name.strip() not in _payer_names(application):
        return A.PAYER_MISMATCH
    if notice.arrived_at > application.lot.deposit_deadline:
        return A.LATE
    if application.status == BidApplication.Status.REJECTED:
        return A.REJECTED
    return A.NONE


def _bidder_number(lot: Lot) -> str:
    taken = set(Qualification.objects.filter(lot=lot).values_list("bidder_number", flat=True))
    while True:  # the caller holds the lot's lock, so the check and the insert cannot race
        number = str(10 ** (BIDDER_NUMBER_DIGITS - 1) + secrets.randbelow(9 * 10 ** (BIDDER_NUMBER_DIGITS - 1)))
        if number not in taken:
            return number


def _qualify(application: BidApplication, *, actor: User | None, manual: bool, **extra: Any) -> Qualification:
    qualification = Qualification.objects.create(
        application=application,
        lot_id=application.lot_id,
        bidder_number=_bidder_number(application.lot),
        manual=manual,
        issued_by=actor,
        issued_at=db_now(),
        **extra,
    )
    append(
        lot_id=application.lot_id,
        kind="qualification.issued",
        data={"application": application.pk, "bidder_number": qualification.bidder_number, "manual": manual},
    )
    return qualification


def maybe_qualify(application: BidApplication) -> Qualification | None:
    """Qualify the bidder if the application is approved and its counted deposits reach the requirement (inside
    the caller's transaction, under the lot's lock); None when it is not (yet) the case."""
    if application.status != BidApplication.Status.APPROVED or hasattr(application, "qualification"):
        return None
    if Qualification.objects.filter(application=application).exists():
        return None
    if counted_yuan(application) < required_yuan(application.lot):
        return None
    return _qualify(application, actor=None, manual=False)


def qualification_issue_manual(
    *, user: User, application_id: int, reason: str, proof: UploadedFile | None
) -> Qualification:
    """Staff qualify a bidder on the bank's proof of arrival (uploaded), with the reason; in the trail and the log."""
    with uploads_atomic() as store:
        application = BidApplication.objects.select_related("lot__centre").filter(pk=application_id).first()
        if application is None or not centre_staff_covers(user, application.lot.centre):
            raise NotFound(_("No application has this id."))
        Lot.objects.select_for_update().filter(pk=application.lot_id).values_list("pk", flat=True).get()
        fields: dict[str, list[dict[str, str]]] = {}
        if not (reason or "").strip():
            fields["reason"] = [{"code": "required", "message": _("Give the reason.")}]
        if proof is None:
            fields["proof"] = [{"code": "required", "message": _("Upload the bank's proof of arrival.")}]
        if fields:
            raise InvalidInput(fields=fields)
        if application.status != BidApplication.Status.APPROVED:
            raise Conflict(_("Only an approved application can be qualified."), code="not_approved")
        if Qualification.objects.filter(application=application).exists():
            raise Conflict(_("This bidder is already qualified."), code="already_qualified")
        assert proof is not None  # noqa: S101 - refused above
        stored = store(proof, types=PROOF_TYPES, max_bytes=PROOF_MAX_BYTES, folder="qualifications", field="proof")
        qualification = _qualify(application, actor=user, manual=True, proof=stored.name, reason=reason.strip()[:500])
        record("qualification.manual", actor=user, lot=application.lot, note=reason.strip())
        return qualification
