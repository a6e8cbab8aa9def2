"""The 直接交易 pages in the real Chromium: a visitor opens the list from the site's menu, sees two coded direct deals
(the one whose party opted out without its price), finds one by a fragment of its location and opens its page, whose
small map shows the parcel's outline."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from contracts.tests.factories import coded_contract
from geo.tests.factories import chengdu_tree, square_in
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_notice_pages import MAP_READY, WAIT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def database_search() -> Iterator[None]:
    """The deals come from the database engine (this test's rows), not from a shared Elasticsearch index."""
    with override_settings(ELASTICSEARCH_URL=""):
        yield


@pytest.fixture
def deals() -> dict[str, Any]:
    """A transfer on 春熙路 in 锦江区 with its outline (0.004° square inside the real county), and a lease in 青羊区
    whose party B does not publish the rent."""
    tree = chengdu_tree()
    return {
        "chunxi": coded_contract(
            region=tree["jinjiang"],
            address="锦江区春熙路88号",
            outline=square_in("510104", 0.004),
            price_wan=Decimal("1200"),
        ),
        "renmin": coded_contract(
            region=tree["qingyang"],
            address="青羊区人民中路1号",
            kind="lease",
            rent_wan_per_year=Decimal("36.5"),
            b_publish_price=False,
        ),
    }


def test_a_visitor_finds_a_direct_deal_by_its_location_and_opens_it_with_its_map(page: Page, live_server, deals):
    page.goto(f"{live_server.url}/")
    page.locator("#menu-direct-deals").click()
    rows = page.locator("#deal-table tbody tr")
    expect(rows).to_have_count(2)
    renmin = page.locator(f"#deal-table tbody tr[data-number='{deals['renmin'].number}']")
    expect(renmin.locator("[data-field=price]")).to_have_text("成交价不公示")
    expect(renmin).not_to_contain_text("36.5")

    page.locator("input[name=province][value='510000']").check()  # the region filter offers the province's cities
    expect(page.locator("#filter-city")).to_be_visible()
    expect(page.locator("#filter-city option[value='510100']")).to_have_count(1)
    page.locator("input[name=province][value='']").check()

    page.locator("#deal-keywords").fill("春熙路")
    page.locator("#deal-keywords").press("Enter")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_contain_text(deals["chunxi"].number)
    expect(row).to_contain_text("四川省成都市锦江区 锦江区春熙路88号")
    expect(row.locator("[data-field=price]")).to_have_text("1,200 万元")
    assert "q=%E6%98%A5" in page.url  # the search is kept in the address
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "direct_deals_search.png"), full_page=True)

    row.get_by_role("link", name=deals["chunxi"].number).click()
    page.wait_for_function(MAP_READY, timeout=WAIT_MS)
    drawn = page.evaluate("() => window.landDetailMap.queryRenderedFeatures({ layers: ['place-fill'] }).length")
    page.screenshot(path=str(ARTIFACTS / "direct_deal_detail_map.png"), full_page=True)

    expect(page.locator("#deal-fields [data-field=number]")).to_have_text(deals["chunxi"].number)
    expect(page.locator("#deal-fields [data-field=price]")).to_have_text("1,200 万元")
    assert drawn > 0  # the parcel's outline is on the small map's canvas
