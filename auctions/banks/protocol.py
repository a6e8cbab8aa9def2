"""What the platform asks of a bank (open a sub-account, refund, convert a deposit into the price, the day's statement)
and how calls are signed."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from core.errors import ServiceUnavailable


class BankUnavailable(ServiceUnavailable):
    default_code = "bank_unavailable"
    default_message = _("The bank does not answer; try again later.")
    detail = ""  # what went wrong (an HTTP status, an exception's name, the bank's error code): never a secret


class BankRefused(BankUnavailable):
    """The bank refused an order for good (409 or 422, or an order's status "refused"): retrying will not help, staff
    look into it. A subclass of BankUnavailable so that callers that only retry still stop on it."""

    default_code = "bank_refused"
    default_message = _("The bank refused the order.")


@dataclass(frozen=True)
class Order:
    """A bank's answer to a refund or a conversion: its reference (the same for every repeat of the order, which the
    arrival's serial identifies) and where the order stands."""

    ref: str
    status: str  # accepted (booked, not executed yet) | done (executed) | refused


ORDER_STATUSES = frozenset({"accepted", "done", "refused"})


@dataclass(frozen=True)
class MovementLine:
    """One outgoing order as the bank's daily statement reports it (the day it booked the order)."""

    serial: str  # the arrival's serial: the order's idempotency key
    kind: str  # refund | conversion
    amount_yuan: Decimal
    ref: str
    status: str


@dataclass(frozen=True)
class StatementLine:
    """One arrival as the bank's daily statement reports it."""

    serial: str
    account_number: str
    amount_yuan: Decimal
    payer_name: str
    arrived_at: datetime  # the bank's time, timezone-aware
    payer_account: str = ""
    channel: str = "transfer"


class BankAdapter(Protocol):
    def open_sub_account(self, account_number: str, lot_number: str, holder_name: str) -> None:
        """Open the deposit sub-account at the bank (repeating it for an open account is harmless)."""
        ...

    def refund(self, arrival_serial: str, amount_yuan: Decimal, to_account: str) -> Order:
        """Send an arrival's money back (to `to_account`, or where it came from when empty). The serial is the
        idempotency key: a repeat answers the same reference and the order's current status, and never pays twice."""
        ...

    def convert(self, arrival_serial: str, amount_yuan: Decimal, lot_number: str) -> Order:
        """Turn the winner's arrival into part of the lot's price (保证金转为成交价款): the bank books it from the
        deposit account to the centre's settlement account for the lot. Idempotent by the serial, like `refund`."""
        ...

    def movements(self, day: date) -> list[MovementLine]:
        """Every refund and conversion the bank booked on the day (the statement's outgoing side)."""
        ...

    def statement(self, day: date) -> list[StatementLine]:
        """Every arrival the bank booked to our sub-accounts on the day (the bank's calendar day)."""
        ...


def signature(key: str, timestamp: str, body: bytes) -> str:
    """hex HMAC-SHA256(key, timestamp + "." + body): every call between the platform and a bank, both ways."""
    return hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_valid(key: str, timestamp: str, body: bytes, given: str) -> bool:
    return bool(key) and hmac.compare_digest(signature(key, timestamp, body), given)
