"""What the platform asks of a bank (open a sub-account, refund, the day's statement) and how calls are signed."""

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

    def refund(self, arrival_serial: str, amount_yuan: Decimal, to_account: str) -> str:
        """Send an arrival's money back; the bank's refund id."""
        ...

    def statement(self, day: date) -> list[StatementLine]:
        """Every arrival the bank booked to our sub-accounts on the day (the bank's calendar day)."""
        ...


def signature(key: str, timestamp: str, body: bytes) -> str:
    """hex HMAC-SHA256(key, timestamp + "." + body): every call between the platform and a bank, both ways."""
    return hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_valid(key: str, timestamp: str, body: bytes, given: str) -> bool:
    return bool(key) and hmac.compare_digest(signature(key, timestamp, body), given)
