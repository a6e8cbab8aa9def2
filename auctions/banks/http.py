"""A bank's adapter over its HTTP API: JSON bodies, each call signed with the bank's key, a timeout, errors mapped."""

import json
import logging
import time
import urllib.error
import urllib.request
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from auctions.banks.protocol import BankUnavailable, StatementLine, signature

logger = logging.getLogger(__name__)


class HttpBank:
    """POST {url}/sub-accounts/, POST {url}/refunds/, GET {url}/statements/<YYYY-MM-DD>/, signed like the webhook."""

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

    def refund(self, arrival_serial: str, amount_yuan: Decimal, to_account: str) -> str:
        answer = self._call(
            "POST", "/refunds/", {"serial": arrival_serial, "amount": f"{amount_yuan:.2f}", "to_account": to_account}
        )
        refund_id = answer.get("refund_id")
        if not isinstance(refund_id, str) or not refund_id:
            raise BankUnavailable(code="bank_bad_answer")
        return refund_id

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
            logger.warning("bank %s: %s %s answered %s", self.code, method, path, error.code)
            raise BankUnavailable() from error
        except (OSError, ValueError) as error:  # refused, timed out, not JSON
            logger.warning("bank %s: %s %s failed (%s)", self.code, method, path, type(error).__name__)
            raise BankUnavailable() from error
        if not isinstance(answer, dict):
            raise BankUnavailable(code="bank_bad_answer")
        return answer
