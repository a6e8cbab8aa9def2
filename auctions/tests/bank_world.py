"""The fake bank wired to the platform for tests: settings.BANKS points at it, its key in the environment, and its
notices handed to the Django test client (or, for live-server tests, sent over HTTP)."""

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from auctions.models import BidApplication, DepositAccount
from auctions.services.deposits import required_yuan
from tests.fakes.bank import Answer, FakeBank

WEBHOOK = "/api/auctions/bank/{code}/arrivals/"
KEY_ENV = "TEST_BANK_KEY_ICBC"


def through_client(client: Client):
    def deliver(url: str, body: bytes, headers: dict[str, str]) -> Answer:
        extra = {k: v for k, v in headers.items() if k != "Content-Type"}
        response = client.generic("POST", url, body, content_type="application/json", headers=extra)
        return response.status_code, json.loads(response.content or b"{}")

    return deliver


@pytest.fixture
def fake_bank(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBank]:
    bank = FakeBank(code="ICBC", webhook_url=WEBHOOK).start()
    monkeypatch.setenv(KEY_ENV, bank.key)
    settings.BANKS = {"ICBC": {"url": bank.url, "key_env": KEY_ENV}}
    bank.deliver = through_client(Client())
    yield bank
    bank.stop()


def account_of(application: BidApplication) -> str:
    return DepositAccount.objects.get(application=application).number


def thirds(application: BidApplication) -> list[str]:
    """Three amounts that sum exactly to the lot's deposit."""
    total = required_yuan(application.lot)
    first = (total * Decimal("0.4")).quantize(Decimal("0.01"))
    second = (total * Decimal("0.35")).quantize(Decimal("0.01"))
    return [f"{first:.2f}", f"{second:.2f}", f"{total - first - second:.2f}"]
