"""A bank's adapter over its HTTP API: JSON bodies, each call signed with the bank's key, a timeout, errors mapped."""

import json
import logging
import re
import time
import urllib.error
import urllib.request
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from auctions.banks.protocol import (
    ORDER_STATUSES,
    BankRefused,
    BankUnavailable,
    MovementLine,
    Order,
    StatementLine,
    signature,
)

logger = logging.getLogger(__name__)
REFUSALS = frozenset({409, 422})  # the bank's definite no to an order; every other failure is retried
ERROR_CODE = re.compile(r"[A-Za-z0-9_.-]{1,60}")


def _unavailable(detail: str, *, code: str | None = None, refused: bool = False) -> BankUnavailable:
    error = BankRefused(code=code) if refused else BankUnavailable(code=code)
    error.detail = detail
    return error


def _bank_error(error: urllib.error.HTTPError) -> str:
    """The bank's error code from a refusal's body ({"error": "..."}), when it is a short plain code."""
    try:
        body = json.loads(error.read() or b"{}")
    except (OSError, ValueError):
        return ""
    code = body.get("error") if isinstance(body, dict) else None
    return code if isinstance(code, str) and ERROR_CODE.fullmatch(code) else ""


class HttpBank:
    """POST {url}/sub-accounts/, POST {url}/refunds/, POST {url}/conversions/, GET {url}/statements/<YYYY-MM-DD>/,
    signed like the webhook."""

    def __init__(self, *, code: str, url: str, key: str, timeout: float) -> None:
        self.code = code
        self.url = url.rstrip("/")
        self.key = key
        self.timeout = timeout

    def open_sub_account(self, account_number: str, lot_number: str, holder_name: str) -> None:
        self._call(
            "POST",
            "/sub-accounts/",
            {"account_number": account_number, "lot_number": lot_number, "holder_name": holder_name},
        )

    def refund(self, arrival_serial: str, amount_yuan: Decimal, to_account: str) -> Order:
        answer = self._call(
            "POST", "/refunds/", {"serial": arrival_serial, "amount": f"{amount_yuan:.2f}", "to_account": to_account}
        )
        return self._order(answer, "refund_id")

    def convert(self, arrival_serial: str, amount_yuan: Decimal, lot_number: str) -> Order:
        answer = self._call(
            "POST",
            "/conversions/",
            {"serial": arrival_serial, "amount": f"{amount_yuan:.2f}", "lot_number": lot_number},
        )
        return self._order(answer, "conversion_id")

    def _order(self, answer: dict[str, Any], key: str) -> Order:
        """The order's reference and status; an answer without a reference is unreadable. An old bank that answers
        only the reference is taken as having executed the order."""
        ref, status = answer.get(key), answer.get("status", "done")
        if not isinstance(ref, str) or not ref or len(ref) > 64 or status not in ORDER_STATUSES:
            raise _unavailable("an order's answer that cannot be read", code="bank_bad_answer")
        if status == "refused":
            raise _unavailable(f"order {ref} refused", refused=True)
        return Order(ref=ref, status=status)

    def movements(self, day: date) -> list[MovementLine]:
        answer = self._call("GET", f"/statements/{day.isoformat()}/", None)
        try:
            return [
                MovementLine(
                    serial=str(line["serial"]),
                    kind=str(line["kind"]),
                    amount_yuan=Decimal(str(line["amount"])),
                    ref=str(line["ref"]),
                    status=str(line.get("status", "")),
                )
                for line in answer.get("movements", [])
            ]
        except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError) as error:
            logger.warning("bank %s: a statement's movements that cannot be read (%s)", self.code, type(error).__name__)
            raise _unavailable("a statement that cannot be read", code="bank_bad_answer") from error

    def statement(self, day: date) -> list[StatementLine]:
        answer = self._call("GET", f"/statements/{day.isoformat()}/", None)
        try:
            return [
                StatementLine(
                    serial=str(line["serial"]),
                    account_number=str(line["account_number"]),
                    amount_yuan=Decimal(str(line["amount"])),
                    payer_name=str(line["payer_name"]),
                    payer_account=str(line.get("payer_account", "")),
                    channel=str(line.get("channel", "transfer")),
                    arrived_at=datetime.fromisoformat(str(line["arrived_at"])),
                )
                for line in answer["lines"]
            ]
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            logger.warning("bank %s: a statement that cannot be read (%s)", self.code, type(error).__name__)
            raise BankUnavailable(code="bank_bad_answer") from error

    def _call(self, method: str, path: str, payload: dict[str, Any] | None) -> dict[str, Any]:
        body = b"" if payload is None else json.dumps(payload).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting, http(s) only
            self.url + path,
            data=body if payload is not None else None,
            method=method,
            headers={
                "Content-Type": "application/json",
                "X-Bank-Timestamp": timestamp,
                "X-Bank-Signature": signature(self.key, timestamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            reason = _bank_error(error)
            logger.warning("bank %s: %s %s answered %s %s", self.code, method, path, error.code, reason)
            detail = f"HTTP {error.code}" + (f" {reason}" if reason else "")
            raise _unavailable(detail, refused=error.code in REFUSALS) from error
        except (OSError, ValueError) as error:  # refused, timed out, not JSON
            logger.warning("bank %s: %s %s failed (%s)", self.code, method, path, type(error).__name__)
            raise _unavailable(type(error).__name__) from error
        if not isinstance(answer, dict):
            raise _unavailable("an answer that is not an object", code="bank_bad_answer")
        return answer
