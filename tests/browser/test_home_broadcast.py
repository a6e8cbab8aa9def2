"""The home page's broadcast tabs (交易信息播报) in the real Chromium: switched by click and by keyboard without a
reload, each row linking to its lot's page; a screenshot of the tabs."""

import pytest
from playwright.sync_api import Page, expect

from auctions.tests.broadcast import auction, broadcast_world, day_at, listing, lot
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_broadcast_tabs_switch_by_click_and_keyboard_without_a_reload(page: Page, live_server):
    world = broadcast_world()
    running = lot(world, "锦江区挂牌中地块", listing(day_at(-2, 9), day_at(10, 15)))
    tomorrow = lot(world, "锦江区明日拍卖地块", auction(day_at(1, 10)))

    page.goto(live_server.url + "/")
    notices = page.locator("#notices")
    expect(notices).to_have_attribute("data-ready", "true")
    page.evaluate("window.beforeSwitching = true")  # gone if the page reloads

    today_tab = page.get_by_role("tab", name="今日交易")
    tomorrow_tab = page.get_by_role("tab", name="明日交易")
    expect(today_tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel")).to_have_count(1)  # the others are hidden
    today_row = page.locator("#broadcast-today tbody tr")
    expect(today_row).to_have_count(1)
    expect(today_row.get_by_role("link")).to_have_attribute("href", f"/lots/{running.pk}/")
    expect(today_row.locator("td").nth(2)).to_have_text("1,200")
    expect(today_row.locator("td").nth(5)).to_have_text("网上挂牌")

    tomorrow_tab.click()
    expect(tomorrow_tab).to_have_attribute("aria-selected", "true")
    expect(today_tab).to_have_attribute("aria-selected", "false")
    expect(page.locator("#broadcast-today")).to_be_hidden()
    tomorrow_link = page.locator("#broadcast-tomorrow tbody tr").get_by_role("link")
    expect(tomorrow_link).to_have_attribute("href", f"/lots/{tomorrow.pk}/")
    expect(tomorrow_link).to_have_text(tomorrow.number)

    tomorrow_tab.press("ArrowLeft")  # 明日交易 → 今日成交: selected and focused
    results_tab = page.get_by_role("tab", name="今日成交")
    expect(results_tab).to_have_attribute("aria-selected", "true")
    expect(results_tab).to_be_focused()
    expect(page.locator("#broadcast-results")).to_contain_text("暂无成交结果")
    results_tab.press("Home")
    expect(today_tab).to_be_focused()
    expect(page.locator("#broadcast-today")).to_be_visible()
    today_tab.press("ArrowLeft")  # wraps round to the last tab
    expect(tomorrow_tab).to_have_attribute("aria-selected", "true")
    expect(tomorrow_tab).to_be_focused()
    assert page.evaluate("window.beforeSwitching") is True  # the same page throughout

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    notices.screenshot(path=str(ARTIFACTS / "home_broadcast.png"))
