"""A fake bank speaking the banks' protocol (docs/banks.md) over real HTTP, in a thread on 127.0.0.1.

It answers the platform's calls, each signed with the shared key (401 unless the signature is right):
POST /sub-accounts/ {account_number, lot_number, holder_name}; POST /refunds/ {serial, amount, to_account} →
{"refund_id", "status"}; POST /conversions/ {serial, amount, lot_number} → {"conversion_id", "status"};
GET /statements/<YYYY-MM-DD>/ → {"lines": [...], "movements": [...]} (every arrival and every refund or conversion
it booked that day, Asia/Shanghai). Refunds and conversions are idempotent by the arrival's serial, as a bank's must
be: a repeated order answers the same reference and its current status and pays nothing more; the same serial with
another amount or account is refused (409 order_differs).
It books arrivals (`pay`) and sends their signed notices to the platform's webhook, with switches: `slow` (seconds
before it answers a call), `fail` (500 to every call), `repeat` a notice, hold notices and send them later in
another order (`flush(reverse=True)`), or never send one (`send=False` and no flush: only the statement has it).
For orders: `settle_later` (answer "accepted" and execute only at `settle()`), `refuse` (serials refused for good,
409 account_closed) and `lose_answers` (execute the next N orders, then answer 500 as if the answer were lost).

A path may start with a bank's code (/ICBC/statements/...): one server then plays several banks. Run as a program
(`python -m tests.fakes.bank --port 8790`) it is the development bank of `make run`, with a page where a person pays
an amount into a deposit account (GET /): the notice goes to the running application's webhook.
"""

import argparse
import hashlib
import hmac
import html
import itertools
import json
import os
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from zoneinfo import ZoneInfo

from tests.fakes.server import LocalServer

BANK_ZONE = ZoneInfo("Asia/Shanghai")
Answer = tuple[int, dict[str, Any]]
Deliver = Callable[[str, bytes, dict[str, str]], Answer]


def sign(key: str, timestamp: str, body: bytes) -> str:
    """The bank's signature: hex HMAC-SHA256(key, timestamp + "." + body)."""
    return hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def post_over_http(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - local
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class FakeBank(LocalServer):
    """Start it, point settings.BANKS[code] at `url` (key in the environment variable), book arrivals, stop it."""

    def __init__(self, *, code: str = "ICBC", key: str = "", webhook_url: str = "", port: int = 0) -> None:
        self.code = code
        self.key = key or secrets.token_hex(16)
        self.webhook_url = webhook_url  # may hold "{code}", filled with the bank's code
        self.deliver: Deliver = post_over_http  # how notices travel (tests may hand them to a test client)
        self.opened: dict[str, dict[str, Any]] = {}  # account number → the open call's body
        self.refunds: list[dict[str, Any]] = []  # every refund executed (paid out), once per serial
        self.conversions: list[dict[str, Any]] = []  # every conversion executed, once per serial
        self.orders: dict[tuple[str, str, str], dict[str, Any]] = {}  # (code, kind, serial) → the order as booked
        self.order_calls = 0  # every refund or conversion call answered, repeats included
        self.settle_later = False
        self.refuse: set[str] = set()
        self.lose_answers = 0
        self._orders_lock = threading.Lock()  # concurrent repeats of one order book it once
        self.ledger: list[dict[str, Any]] = []  # every arrival booked: what the statements report
        self.held: list[dict[str, Any]] = []  # booked, notice not sent yet
        self.sent: list[tuple[str, bytes, dict[str, str]]] = []  # every notice request, as sent
        self.answers: list[Answer] = []  # the webhook's answers, in order
        self.refused = 0
        self.fail = False
        self.slow = 0.0
        self._serials = itertools.count(1)
        self._serve(self._handler(), port=port, name="fake-bank")

    # ---------------------------------------------------------------- arrivals and their notices
    def pay(
        self,
        account_number: str,
        amount: str,
        *,
        payer_name: str,
        payer_account: str = "6222000011112222",
        channel: str = "transfer",
        arrived_at: datetime | None = None,
        serial: str = "",
        code: str = "",
        send: bool = True,
        repeat: int = 1,
    ) -> list[Answer]:
        """Book an arrival (the statement reports it) and send its notice `repeat` times (or hold it)."""
        notice = {
            "serial": serial or f"{code or self.code}{datetime.now(BANK_ZONE):%Y%m%d}{next(self._serials):06d}",
            "account_number": account_number,
            "amount": amount,
            "payer_name": payer_name,
            "payer_account": payer_account,
            "channel": channel,
            "arrived_at": (arrived_at or datetime.now(BANK_ZONE)).isoformat(),
        }
        self.ledger.append({**notice, "bank": code or self.code})
        if not send:
            self.held.append(notice)
            return []
        return [self.send(notice, code=code) for _ in range(repeat)]

    def flush(self, *, reverse: bool = False) -> list[Answer]:
        """Send the held notices, in booking order or reversed."""
        held, self.held = self.held, []
        return [self.send(notice) for notice in (reversed(held) if reverse else held)]

    def send(
        self,
        notice: dict[str, Any],
        *,
        code: str = "",
        key: str = "",
        timestamp: int | None = None,
        signed: bool = True,
    ) -> Answer:
        """Send one notice to the webhook, signed with the key (or another, or not at all) at a timestamp."""
        body = json.dumps(notice, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if signed:
            stamp = str(int(time.time()) if timestamp is None else timestamp)
            headers |= {"X-Bank-Timestamp": stamp, "X-Bank-Signature": sign(key or self.key, stamp, body)}
        url = self.webhook_url.replace("{code}", code or self.code)
        self.sent.append((url, body, headers))
        answer = self.deliver(url, body, headers)
        self.answers.append(answer)
        return answer

    def statement(self, day: str, code: str = "") -> list[dict[str, Any]]:
        return [
            {k: v for k, v in line.items() if k != "bank"}
            for line in self.ledger
            if line["bank"] == (code or self.code)
            and datetime.fromisoformat(line["arrived_at"]).astimezone(BANK_ZONE).date().isoformat() == day
        ]

    def movements(self, day: str, code: str = "") -> list[dict[str, Any]]:
        """The refunds and conversions booked on the day (Asia/Shanghai), as the statement lists them."""
        return [
            {k: order[k] for k in ("serial", "kind", "amount", "ref", "status", "booked_at")}
            for (bank, _kind, _serial), order in self.orders.items()
            if bank == (code or self.code) and order["booked_at"][:10] == day
        ]

    def order(self, kind: str, payload: dict[str, Any], code: str = "") -> Answer:
        """Book a refund or a conversion once per serial: a repeat answers the first booking as it stands now."""
        key = (code or self.code, kind, str(payload.get("serial", "")))
        counterpart = "to_account" if kind == "refund" else "lot_number"
        with self._orders_lock:
            self.order_calls += 1
            booked = self.orders.get(key)
            if booked is not None and (booked["amount"], booked[counterpart]) != (
                payload.get("amount"),
                payload.get(counterpart, ""),
            ):
                return 409, {"error": "order_differs"}
            if booked is None:
                if key[2] in self.refuse:
                    return 409, {"error": "account_closed"}
                done = self.refunds if kind == "refund" else self.conversions
                prefix = "RF" if kind == "refund" else "CV"
                booked = {
                    "serial": key[2],
                    "kind": kind,
                    "amount": payload.get("amount"),
                    counterpart: payload.get(counterpart, ""),
                    "ref": f"{prefix}{len(self.orders) + 1:08d}",
                    "status": "accepted" if self.settle_later else "done",
                    "booked_at": datetime.now(BANK_ZONE).isoformat(),
                    "payload": payload,
                }
                self.orders[key] = booked
                if booked["status"] == "done":
                    done.append(payload)
            if self.lose_answers:
                self.lose_answers -= 1
                return 500, {"error": "internal"}
            return 200, {f"{kind}_id": booked["ref"], "status": booked["status"]}

    def settle(self) -> None:
        """Execute every order answered "accepted" so far."""
        with self._orders_lock:
            for booked in self.orders.values():
                if booked["status"] == "accepted":
                    booked["status"] = "done"
                    (self.refunds if booked["kind"] == "refund" else self.conversions).append(booked["payload"])

    # ---------------------------------------------------------------- the bank's HTTP side
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        bank = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                code, parts = self._route()
                if parts == [] and bank.webhook_url:
                    self._page("")
                elif len(parts) == 2 and parts[0] == "statements":
                    if self._authorised(b""):
                        lines, movements = bank.statement(parts[1], code), bank.movements(parts[1], code)
                        self._answer(200, {"lines": lines, "movements": movements})
                else:
                    self._answer(404, {"error": "not found"})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                code, parts = self._route()
                if parts == ["pay"] and bank.webhook_url:  # the development page's form
                    self._pay(body)
                    return
                if not self._authorised(body):
                    return
                payload = json.loads(body or b"{}")
                if parts == ["sub-accounts"]:
                    bank.opened[payload["account_number"]] = payload
                    self._answer(200, {"ok": True})
                elif parts == ["refunds"]:
                    self._answer(*bank.order("refund", payload, code))
                elif parts == ["conversions"]:
                    self._answer(*bank.order("conversion", payload, code))
                else:
                    self._answer(404, {"error": "not found"})

            def _route(self) -> tuple[str, list[str]]:
                parts = [p for p in urllib.parse.urlsplit(self.path).path.split("/") if p]
                if parts and parts[0].isupper():
                    return parts[0], parts[1:]
                return bank.code, parts

            def _authorised(self, body: bytes) -> bool:
                """Signed by the platform, and the bank in the mood to answer."""
                stamp = self.headers.get("X-Bank-Timestamp", "")
                given = self.headers.get("X-Bank-Signature", "")
                if bank.slow:
                    bank._release.wait(timeout=bank.slow)
                if not hmac.compare_digest(sign(bank.key, stamp, body), given):
                    bank.refused += 1
                    self._answer(401, {"error": "unauthorised"})
                    return False
                if bank.fail:
                    self._answer(500, {"error": "internal"})
                    return False
                return True

            def _pay(self, body: bytes) -> None:
                form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
                try:
                    answers = bank.pay(
                        form.get("account_number", ""),
                        form.get("amount", ""),
                        payer_name=form.get("payer_name", ""),
                        payer_account=form.get("payer_account", ""),
                        channel=form.get("channel", "transfer"),
                        code=form.get("bank", bank.code),
                    )
                    result = json.dumps(answers[0], ensure_ascii=False)
                except OSError as error:
                    result = f"the application does not answer: {error}"
                self._page(result)

            def _page(self, result: str) -> None:
                options = "".join(
                    f"<option>{html.escape(c)}</option>" for c in os.environ.get("DEV_BANK_CODES", bank.code).split(",")
                )
                page = f"""<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>开发银行</title>
<h1>开发银行 · development bank</h1>
<p>Pay an amount into a deposit sub-account: the signed arrival notice goes to {html.escape(bank.webhook_url)}.</p>
<form method="post" action="/pay">
<label>银行 <select name="bank">{options}</select></label><br>
<label>保证金账号 <input name="account_number" required size="24"></label><br>
<label>金额（元） <input name="amount" required placeholder="100000.00"></label><br>
<label>付款人 <input name="payer_name" required></label><br>
<label>付款账号 <input name="payer_account" value="6222000011112222"></label><br>
<label>方式 <select name="channel"><option>transfer</option><option>cash</option></select></label><br>
<button>付款 Pay</button></form>
<pre>{html.escape(result)}</pre></html>"""
                data = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

        return Handler


def main() -> None:
    """The development bank: serves until stopped; its key from DEV_BANK_KEY, the webhook from --webhook."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--webhook", default="http://127.0.0.1:8000/api/auctions/bank/{code}/arrivals/")
    options = parser.parse_args()
    bank = FakeBank(key=os.environ["DEV_BANK_KEY"], webhook_url=options.webhook, port=options.port)
    print(f"development bank on {bank.url}/, notices to {options.webhook}", flush=True)
    bank._server.serve_forever()


if __name__ == "__main__":
    main()
