"""The home page in the real Chromium: it renders, reads /health and shows every component."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_shows_the_platform_and_its_live_status(page: Page, live_server, celery_worker):
    page.goto(live_server.url + "/")

    expect(page).to_have_title("土地二级市场")
    expect(page.get_by_role("heading", level=1)).to_have_text("土地二级市场交易服务平台")
    expect(page.locator("#status-summary")).to_have_attribute("data-status", "ok", timeout=15_000)
    expect(page.locator("#status-components li")).to_have_count(4)
    expect(page.locator('#status-components li[data-component="search"]')).to_contain_text("elasticsearch")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)


def test_switching_to_english_reloads_the_page_in_english(page: Page, live_server):
    page.goto(live_server.url + "/")

    page.get_by_label("语言").select_option("en")

    expect(page.get_by_role("heading", level=1)).to_have_text("Land Secondary Market Trading Service Platform")
