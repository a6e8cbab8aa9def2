"""Bidding end to end in the real Chromium: a verified user applies for an announced lot whose window is open and
sees the deposit account number; pays it on the development bank's page (the signed webhook); the centre's staff
approve in the console's 竞买申请 tab; the bidder number appears in 我的竞买 and the 竞买资格确认书 PDF downloads with
the lot number and the bidder number in its text (pdftotext). Screenshots go to var/test-artifacts/bidding_*.png."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import BidApplication, Qualification
from auctions.tests.bank_world import KEY_ENV
from auctions.tests.test_bidding_api import pdf_text
from auctions.tests.test_deposits import make_world
from tests.browser.conftest import ARTIFACTS, close_settled, sign_in
from tests.fakes.bank import FakeBank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[None]:
    with override_settings(MEDIA_ROOT=str(tmp_path), ELASTICSEARCH_URL=""):
        yield


@pytest.fixture
def bank(live_server: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBank]:
    """The fake bank, its notices sent over HTTP to the live server's signed webhook."""
    fake = FakeBank(code="ICBC", webhook_url=live_server.url + "/api/auctions/bank/{code}/arrivals/").start()
    monkeypatch.setenv(KEY_ENV, fake.key)
    settings.BANKS = {"ICBC": {"url": fake.url, "key_env": KEY_ENV}}
    yield fake
    fake.stop()


def _page_for(browser: Browser, user: User, base_url: str) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    sign_in(context, user, base_url)
    return context.new_page()


def test_a_bidder_applies_pays_is_approved_and_downloads_the_qualification(
    browser: Browser, live_server: Any, bank: FakeBank, tmp_path: Path
):
    world = make_world()
    lot = world["lot"]
    bidder = user_create(real_name="赵六")
    base = live_server.url
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page = _page_for(browser, bidder, base)
    page.goto(f"{base}/lots/{lot.pk}/")
    page.click("#apply-link")
    page.fill("input[name=contact_name]", "赵六")
    page.fill("input[name=contact_phone]", "13800138000")
    page.fill("input[name=address]", "成都市武侯区天府大道1号")
    page.check("input[name=bank][value=ICBC]")
    page.click("#apply-form button[type=submit]")
    account = page.locator("#deposit-account [data-field=account_number]")
    expect(account).to_have_text(re.compile(r"^\s*\d{19}\s*$"), timeout=WAIT_MS)
    expect(page.locator("#deposit-account [data-field=required]")).to_contain_text("2,400,000.00")
    page.screenshot(path=str(ARTIFACTS / "bidding_account.png"), full_page=True)
    application = BidApplication.objects.get(lot=lot, applicant=bidder)
    assert (account.text_content() or "").strip() == application.deposit_account.number

    # The bidder pays on the development bank's page, which sends the bank's signed notice to the webhook.
    bank_page = page.context.new_page()
    bank_page.goto(f"{bank.url}/")
    bank_page.fill("input[name=account_number]", application.deposit_account.number)
    bank_page.fill("input[name=amount]", "2400000.00")
    bank_page.fill("input[name=payer_name]", "赵六")
    bank_page.click("button")
    expect(bank_page.locator("pre")).to_contain_text("recorded", timeout=WAIT_MS)
    bank_page.screenshot(path=str(ARTIFACTS / "bidding_dev_bank.png"), full_page=True)
    bank_page.close()

    staff = _page_for(browser, world["staff"], base)
    staff.goto(f"{base}/centre/")
    staff.click('#console-tabs [data-tab="bids"]')
    expect(staff.locator(f'#bids-lot-form select[name=lot] option[value="{lot.pk}"]')).to_have_count(1, timeout=WAIT_MS)
    staff.select_option("#bids-lot-form select[name=lot]", str(lot.pk))
    row = staff.locator(f'#bids-table tr[data-id="{application.pk}"]')
    expect(row.locator("[data-field=counted]")).to_contain_text("2,400,000", timeout=WAIT_MS)
    row.locator("[data-action=approve]").click()
    number = staff.locator(f'#bids-table tr[data-id="{application.pk}"] [data-field=bidder-number]')
    expect(number).to_have_text(re.compile(r"^\d{6}$"), timeout=WAIT_MS)
    staff.screenshot(path=str(ARTIFACTS / "bidding_console.png"), full_page=True)
    bidder_number = Qualification.objects.get(application=application).bidder_number

    page.goto(f"{base}/me/?section=bids")
    mine = page.locator(f'#bid-table tr[data-id="{application.pk}"]')
    expect(mine.locator("[data-field=bidder-number]")).to_have_text(bidder_number, timeout=WAIT_MS)
    expect(mine.locator("[data-field=account]")).to_have_text(application.deposit_account.number)
    page.screenshot(path=str(ARTIFACTS / "bidding_me.png"), full_page=True)
    with page.expect_download(timeout=WAIT_MS) as download:
        mine.locator("[data-action=certificate]").click()
    text = pdf_text(Path(download.value.path()).read_bytes(), tmp_path)
    assert lot.number in text
    assert bidder_number in text
    for context in (page.context, staff.context):
        close_settled(context)
