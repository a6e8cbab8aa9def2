"""Result publicity (成交公示) in the real Chromium: the visitor opens the 成交公示 tab of /notices/, sees the deal with
its winner and price (and the one whose price both sides hid, without it), opens the result's page and from there the
lot's page with its protocol link; the home page's 今日成交 tab lists both."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from auctions.models import Lot, LotResult
from auctions.tests.factories import centre_create, won_deal
from geo.tests.factories import chengdu_tree
from search.tests.notices_world import announcement_create, lot_create
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def database_search() -> Iterator[None]:
    """The notices come from the database engine (this test's rows), not from a shared Elasticsearch index."""
    with override_settings(ELASTICSEARCH_URL=""):
        yield


def deal(lot: Lot, name: str, number: str, price: str, *, price_public: bool = True) -> LotResult:
    return won_deal(lot, name=name, number=number, price=price, reserve_wan="1100", price_public=price_public)


@pytest.fixture
def results() -> dict[str, Any]:
    tree = chengdu_tree()
    centre = centre_create(region=tree["chengdu"])
    shown = lot_create(centre, "510104", "川DZR[2026]0012", title="锦江区A-01地块")
    hidden = lot_create(centre, "510104", "川DCR[2026]0001", title="锦江区C-03地块", transfer="grant")
    now = timezone.now()
    for lot in (shown, hidden):
        announcement_create(lot, f"川自然资源字[2026]{lot.pk:04d}号", now)
    return {
        "shown": deal(shown, "钱七", "731905", "1560.5"),
        "hidden": deal(hidden, "孙八有限公司", "264018", "888", price_public=False),
    }


def test_a_visitor_sees_the_results_tab_opens_a_result_and_its_lot(page: Page, live_server, results):
    shown, hidden = results["shown"], results["hidden"]
    page.goto(f"{live_server.url}/notices/?tab=results")
    rows = page.locator("#notice-table tbody tr")
    expect(rows).to_have_count(2)
    first = page.locator(f'#notice-table tbody tr[data-id="{shown.lot_id}"]')
    expect(first).to_contain_text("锦江区A-01地块 成交公示")
    expect(first).to_contain_text("钱七 (731905)")
    expect(first).to_contain_text("1,560.5")
    other = page.locator(f'#notice-table tbody tr[data-id="{hidden.lot_id}"]')
    expect(other).to_contain_text("孙八有限公司 (264018)")
    expect(other).to_contain_text("成交价不公示")
    expect(other).not_to_contain_text("888")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notices_results.png"), full_page=True)

    first.get_by_role("link", name="锦江区A-01地块 成交公示").click()
    expect(page).to_have_url(f"{live_server.url}/results/{shown.lot_id}/")
    box = page.locator("#lot-result")
    expect(box.locator('[data-field="winner"]')).to_contain_text("钱七")
    expect(box.locator('[data-field="price_wan"]')).to_contain_text("1,560.5")
    expect(box.locator('[data-field="reserve_wan"]')).to_contain_text("1,100")
    page.screenshot(path=str(ARTIFACTS / "result_page.png"), full_page=True)

    page.goto(f"{live_server.url}/lots/{hidden.lot_id}/")
    expect(page.locator('#lot-result [data-field="price_wan"]')).to_contain_text("应交易双方要求不公示")
    expect(page.locator("#result-protocol")).to_have_attribute("href", f"/api/auctions/lots/{hidden.lot_id}/protocol/")

    page.goto(f"{live_server.url}/")
    page.get_by_role("tab", name="今日成交").click()
    table = page.locator("#broadcast-results-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text("731905")
    expect(table).to_contain_text("成交价不公示")
