"""The centre console's 实时交易 tab in the real Chromium: a lot in its auction is listed with its countdown; a bid
placed through the API appears in the tab within three seconds; the tab stops asking once another tab is shown; the
lot opened from its row verifies its evidence chain as intact."""

import time
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from playwright.sync_api import Browser, expect

from auctions.tests.trading_world import qualified_bidder, shift_to, trading_lot
from core.clock import shifted
from tests.browser.conftest import ARTIFACTS, close_settled, sign_in
from tests.browser.test_csp import RECORD_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECOND = timedelta(seconds=1)


def test_a_bid_appears_in_the_live_tab_within_three_seconds_and_the_chain_verifies(browser: Browser, live_server):
    world = trading_lot(mode="auction")
    lot = world["lot"]
    bidder, qualification = qualified_bidder(world, "甲")
    api = Client()
    api.force_login(bidder)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    sign_in(context, world["staff"], live_server.url)
    page = context.new_page()
    asked: list[float] = []
    page.on("request", lambda request: asked.append(time.monotonic()) if "/centre/trading/" in request.url else None)
    with shifted(shift_to(lot.auction_starts_at, plus=SECOND)):
        page.goto(f"{live_server.url}/centre/")
        page.locator("#console-tabs [data-tab=live]").click()
        row = page.locator(f'#live-table tr[data-id="{lot.pk}"]')
        expect(row).to_have_attribute("data-phase", "auction")
        expect(row.locator("[data-field=highest]")).to_have_text("—")
        remaining = int(row.locator("[data-field=countdown]").get_attribute("data-remaining-ms") or "-1")
        assert 0 < remaining <= lot.rules.countdown_seconds * 1000
        assert row.locator("[data-action=room]").get_attribute("target") == "_blank"

        placed = api.post(
            f"/api/auctions/lots/{lot.pk}/bids/",
            {"client_bid_id": str(uuid.uuid4()), "amount_wan": "1000"},
            content_type="application/json",
        )
        assert placed.status_code == 201
        expect(row.locator("[data-field=highest]")).to_contain_text("1000", timeout=3000)
        expect(row.locator("[data-field=bidder]")).to_contain_text(qualification.bidder_number)
        expect(row.locator("[data-field=bids]")).to_have_text("1")
        assert "甲" not in page.locator("#tab-live").inner_text()

        row.locator("[data-action=open]").click()
        section = page.locator(f'#live-detail section.closing[data-closing="{lot.pk}"]')
        section.locator("[data-action=verify]").click()
        status = section.locator("[data-field=evidence]")
        expect(status).to_have_attribute("data-ok", "true")
        expect(status).to_contain_text("存证链完整")
        protocol = section.locator("[data-action=protocol]")
        expect(protocol).to_have_attribute("href", f"/api/auctions/lots/{lot.pk}/protocol/")
        page.screenshot(path=str(ARTIFACTS / "centre_live.png"), full_page=True)

        page.locator("#console-tabs [data-tab=lots]").click()
        hidden_at = time.monotonic()
        page.wait_for_timeout(2500)
        assert [at for at in asked if at > hidden_at + 0.2] == []  # no refresh while the tab is not shown
        assert page.evaluate("window.__cspViolations") == []
        page.goto("about:blank")
    close_settled(context)
