"""The home page in the real Chromium: the newest land and the figures; the status page for staff."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import user_create
from geo.tests.factories import sichuan_tree
from market.models import SupplyListing
from market.tests import factories
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_shows_the_newest_land_and_the_markets_figures(page: Page, live_server):
    regions = sichuan_tree()
    owner = user_create()
    for n in range(7):
        factories.supply_create(owner=owner, region=regions["510104"], title=f"锦江区地源{n}", price_wan=Decimal(1200))
    factories.supply_create(owner=owner, region=regions["510104"], title="草稿地源", status=SupplyListing.Status.DRAFT)

    page.goto(live_server.url + "/")

    expect(page).to_have_title("土地二级市场")
    expect(page.get_by_role("heading", level=1)).to_have_text("土地二级市场交易服务平台")
    expect(page.locator("#newest-supply li")).to_have_count(6)  # the newest six of seven; no draft
    expect(page.locator("#newest-supply li").first).to_contain_text("锦江区地源6")
    expect(page.locator("#figure-listings")).to_have_text("7 宗")
    expect(page.locator("#figure-area")).to_have_text("35,000 平方米")  # 7 × 5,000 m²
    expect(page.locator("#newest-demand")).to_contain_text("暂无求地需求")
    expect(page.locator("#notices")).to_be_visible()
    expect(page.locator("#status-summary")).to_have_count(0)  # the status moved to /status/, for staff
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)


def test_the_status_page_shows_staff_every_component(page: Page, live_server, celery_worker):
    """Staff read /health/details on their page; callers on this machine (the test's browser) do too."""
    page.goto(live_server.url + "/status/")

    expect(page.locator("#status-summary")).to_have_attribute("data-status", "ok", timeout=15_000)
    expect(page.locator("#status-components li")).to_have_count(4)
    expect(page.locator('#status-components li[data-component="search"]')).to_contain_text("elasticsearch")


def test_switching_to_english_reloads_the_page_in_english(page: Page, live_server):
    page.goto(live_server.url + "/")

    page.get_by_label("语言").select_option("en")

    expect(page.get_by_role("heading", level=1)).to_have_text("Land Secondary Market Trading Service Platform")
