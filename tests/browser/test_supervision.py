"""The supervisor's page in the real Chromium at phone width: a supervisor of the lot's city opens the lot's panel and
reads that its evidence chain checks out, its evidence log, its trail and its warning."""

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Anomaly, EvidenceEntry
from auctions.tests.trading_world import bid, qualified_bidder, shift_to, trading_lot
from core.clock import shifted
from tests.browser.conftest import ARTIFACTS, close_settled, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_opens_a_lots_panel_and_reads_its_verification_and_warning(browser: Browser, live_server):
    world = trading_lot(mode="auction")
    lot = world["lot"]
    bidder, _qualification = qualified_bidder(world, "甲")
    with shifted(shift_to(lot.auction_starts_at, plus=timedelta(seconds=1))):
        bid(bidder, world, "1000")
    detail = {"bidder_number": "731905", "refusals": 5, "window_seconds": 60, "last_code": "not_higher"}
    Anomaly.objects.create(lot=lot, kind="refusals", detail=detail, created_at=lot.created_at)
    entries = EvidenceEntry.objects.filter(lot=lot).count()
    assert entries > 0
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 800})
    sign_in(context, user_create(role=User.Role.SUPERVISOR, regions=["510100"]), live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/supervision/")
    row = page.locator(f'#tab-lots tr[data-id="{lot.pk}"]')
    expect(row.locator("[data-anomalies]")).to_have_text("1")
    row.locator("[data-action=open]").click()
    panel = page.locator(f'#lot-panel[data-lot="{lot.pk}"]')
    expect(panel.locator("[data-verify=ok]")).to_contain_text(f"共 {entries} 条记录")
    expect(panel.locator("[data-root=none]")).to_be_visible()
    expect(panel.locator("[data-section=evidence] tbody tr")).to_have_count(entries)
    expect(panel.locator("[data-section=anomalies] tr[data-kind=refusals]")).to_contain_text("bidder_number: 731905")
    expect(panel.locator("[data-section=trail] tbody")).to_contain_text("announcement.normal")
    expect(panel.locator("a[data-link=protocol]")).to_have_attribute("href", f"/api/auctions/lots/{lot.pk}/protocol/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling at phone width
    page.screenshot(path=str(ARTIFACTS / "supervision.png"), full_page=True)
    close_settled(context)
