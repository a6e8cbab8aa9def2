"""A deposit paid in cash, end to end in the real Chromium: the bank's signed notice reaches the live server's webhook,
the arrival is flagged, its refund is sent to the bank once the notice's transaction commits, and 我的竞买 shows the
arrival as not counted and its refund as completed. Screenshot: var/test-artifacts/refund_me.png."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Browser, expect

from accounts.tests.factories import user_create
from auctions.models import DepositArrival
from auctions.tests.bank_world import KEY_ENV
from auctions.tests.test_deposits import approved, make_world
from config.celery import app
from tests.browser.conftest import ARTIFACTS, close_settled, sign_in
from tests.fakes.bank import FakeBank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 20_000


@pytest.fixture
def bank(live_server: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBank]:
    """The fake bank over HTTP both ways, and tasks run as soon as they are queued (as a worker would run them)."""
    fake = FakeBank(code="ICBC", webhook_url=live_server.url + "/api/auctions/bank/{code}/arrivals/").start()
    monkeypatch.setenv(KEY_ENV, fake.key)
    settings.BANKS = {"ICBC": {"url": fake.url, "key_env": KEY_ENV}}
    app.conf.task_always_eager = True
    with override_settings(ELASTICSEARCH_URL=""):
        yield fake
    app.conf.task_always_eager = False
    fake.stop()


def test_a_deposit_paid_in_cash_is_refunded_at_once_and_the_bidder_sees_it(
    browser: Browser, live_server: Any, bank: FakeBank
):
    world = make_world()
    bidder = user_create(real_name="赵六")
    application = approved(world, bidder)

    (answer,) = bank.pay(application.deposit_account.number, "3000.50", payer_name="赵六", channel="cash")

    assert answer[1]["flag"] == "cash"
    arrival = DepositArrival.objects.get(account__application=application)
    assert (arrival.refund_status, arrival.movement.status) == ("done", "done")
    assert [(r["serial"], r["amount"]) for r in bank.refunds] == [(arrival.serial, "3000.50")]
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    sign_in(context, bidder, live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/me/?section=bids")
    movement = page.locator(f'#bid-table tr[data-id="{application.pk}"] [data-field=movement]')
    expect(movement).to_contain_text("保证金退还: 已完成", timeout=WAIT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "refund_me.png"), full_page=True)
    close_settled(context)
