"""The centre console's 对账差异 and 中心信息 tabs in the real Chromium: yesterday's differences of the centre's banks
(an arrival's amount and payer, one without an arrival), another day's empty state, all by keyboard; the staff change
the centre's phone and banks, an emptied phone is refused in place and nothing is saved."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from auctions.models import Bank, DepositArrival, ReconciliationDifference, TradingCentre
from tests.browser.conftest import ARTIFACTS, close_settled, sign_in
from tests.browser.test_trading_flow import trading_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = ReconciliationDifference.Kind


@pytest.fixture
def world() -> dict[str, Any]:
    world = trading_world()
    icbc = Bank.objects.create(code="ICBC", name="中国工商银行")
    Bank.objects.create(code="CCB", name="中国建设银行")
    world["centre"].banks.add(icbc)
    yesterday = datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)
    now = timezone.now()
    arrival = DepositArrival.objects.create(
        bank=icbc,
        serial="S-NOT-AT-BANK",
        account_number="6222000000000000001",
        amount_yuan=Decimal("200000.00"),
        payer_name="赵六",
        arrived_at=now - timedelta(days=1),
        received_at=now - timedelta(days=1),
    )
    ReconciliationDifference.objects.create(
        bank=icbc, day=yesterday, kind=D.NOT_AT_BANK, serial="S-NOT-AT-BANK", arrival=arrival, found_at=now
    )
    ReconciliationDifference.objects.create(
        bank=icbc, day=yesterday, kind=D.CONFLICT, serial="S-CONFLICT", found_at=now
    )
    return world


def test_staff_read_yesterdays_differences_and_keep_the_centres_details(
    browser: Browser, live_server, world: dict[str, Any]
):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    sign_in(context, world["staff"], live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/centre/")

    tab = page.locator('#console-tabs [data-tab="differences"]')
    tab.focus()
    page.keyboard.press("Enter")
    panel = page.locator("#tab-differences")
    expect(panel).to_have_attribute("data-state", "loaded")
    expect(panel.locator("tbody tr")).to_have_count(2)
    not_at_bank = panel.locator('tr[data-serial="S-NOT-AT-BANK"]')
    expect(not_at_bank).to_contain_text("200,000 元")
    expect(not_at_bank).to_contain_text("ICBC")
    expect(not_at_bank.locator("td").first).to_have_text("本平台已记录、银行对账单无")
    expect(panel.locator('tr[data-serial="S-CONFLICT"]')).to_contain_text("无到账记录")
    expect(panel.locator(".console-empty")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "centre_differences.png"), full_page=True)

    day = panel.locator("[name=day]")
    day.fill("2020-01-01")
    day.press("Enter")  # the form submits from the keyboard
    expect(panel.locator(".console-empty")).to_be_visible()
    expect(panel.locator("tbody tr")).to_have_count(0)

    page.locator('#console-tabs [data-tab="centre-info"]').click()
    form = page.locator("#centre-info-form")
    expect(page.locator("#tab-centre-info")).to_contain_text("管理员")
    expect(form.locator("[name=phone]")).to_have_value("028-85000000")
    expect(form.locator('[name=banks][value="ICBC"]')).to_be_checked()
    form.locator("[name=phone]").fill("")
    form.locator("button[type=submit]").click()
    expect(form.locator("[name=phone]")).to_have_attribute("aria-invalid", "true")
    assert TradingCentre.objects.get(pk=world["centre"].pk).phone == "028-85000000"

    form.locator("[name=phone]").fill("028-12345678")
    form.locator('[name=banks][value="CCB"]').check()
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-saved]")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "centre_info.png"), full_page=True)
    centre = TradingCentre.objects.get(pk=world["centre"].pk)
    assert centre.phone == "028-12345678"
    assert sorted(centre.banks.values_list("code", flat=True)) == ["CCB", "ICBC"]
    close_settled(context)
