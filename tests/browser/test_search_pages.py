"""The search page in the real Chromium, on the real Elasticsearch (indices of each test's own): filters, highlighted
results and facet counts, a facet click narrowing the list, autocomplete, paging, the address reproducing a search,
and markup in titles and keywords shown as text."""

import re
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import Dialog, Page, expect

from accounts.models import User
from accounts.tests.factories import user_create
from geo.models import Region
from geo.tests.factories import sichuan_tree
from market.models import Demand, SupplyListing
from market.tests.factories import supply_create
from search import indexing
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = SupplyListing.Status
XSS_TITLE = "高新<script>window.__xss = 1</script>地块"


@pytest.fixture
def regions() -> dict[str, Region]:
    """四川省 510000 → 成都市 510100 → 锦江区 510104 and 武侯区 510107, by code, without boundaries."""
    return sichuan_tree(("510000", "510100", "510104", "510107"), boundaries=False)


@pytest.fixture
def owner() -> User:
    return user_create(real_name="王五")


@pytest.fixture
def search_index() -> Iterator[None]:
    """Elasticsearch indices of this test only (the live server runs in this process, so it searches them too)."""
    with override_settings(SEARCH_INDEX_PREFIX=f"{settings.SEARCH_INDEX_PREFIX}_pages_{uuid.uuid4().hex[:8]}"):
        indexing.ensure_indices()
        try:
            yield
        finally:
            indexing.delete_indices()


def _supply(owner: User, region: Region, **fields: Any) -> SupplyListing:
    listing = supply_create(owner=owner, region=region, **fields)
    indexing.index_now("supply", [listing.pk])
    return listing


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _ids(page: Page) -> list[int]:
    return [
        int(value)
        for value in page.locator("#search-results > li").evaluate_all("(items) => items.map((li) => li.dataset.id)")
    ]


@pytest.fixture
def market(regions: dict[str, Region], owner: User, search_index: None) -> dict[str, SupplyListing]:
    """Four public supply listings (three with 高新 in the title) and a registered demand, indexed."""
    jinjiang, wuhou = regions["510104"], regions["510107"]
    listings = {
        "gaoxin": _supply(
            owner, jinjiang, status=S.CERTIFIED, title="成都高新区5000平米商服用地转让", land_use="0501",
            area_m2=Decimal(5000), price_wan=Decimal(1200),
        ),
        "park": _supply(
            owner, wuhou, mode="lease", title="武侯高新科技园3000平米工业用地出租", land_use="0601",
            area_m2=Decimal(3000), price_wan=Decimal(800),
        ),
        "home": _supply(
            owner, jinjiang, title="锦江区8000平米住宅用地转让", land_use="0701", area_m2=Decimal(8000),
            price_wan=Decimal(3000), address="锦江区东大街1号",
        ),
        "markup": _supply(
            owner, wuhou, title=XSS_TITLE, land_use="0503", area_m2=Decimal(2000), price_wan=Decimal(2000),
        ),
    }  # fmt: skip
    demand = Demand.objects.create(
        owner=owner, created_by=owner, region=jinjiang, kind="purchase", status="registered",
        title="求购锦江区商服用地", land_use="0501", registered_at=listings["gaoxin"].published_at,
    )  # fmt: skip
    indexing.index_now("demand", [demand.pk])
    return listings


def _no_dialogs(page: Page) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def test_keywords_show_highlighted_results_with_facet_counts_and_a_facet_narrows_them(
    page: Page, live_server, market: dict[str, SupplyListing]
):
    dialogs = _no_dialogs(page)

    page.goto(f"{live_server.url}/search/?kind=supply&keywords=高新")

    expect(page.locator("#search-results > li")).to_have_count(3)
    assert set(_ids(page)) == {market[name].pk for name in ("gaoxin", "park", "markup")}
    expect(page.locator("#search-summary")).to_have_attribute("data-backend", "elasticsearch")
    gaoxin = page.locator(f"#search-results > li[data-id='{market['gaoxin'].pk}']")
    expect(gaoxin.locator(".result-title em").first).to_be_visible()
    assert "".join(gaoxin.locator(".result-title em").all_text_contents()) == "高新"
    expect(gaoxin.locator(".result-title")).to_have_text("成都高新区5000平米商服用地转让")
    expect(page.locator("#search-keywords")).to_have_value("高新")
    # Facet counts over every match: two for transfer (转让), one for lease (出租)
    expect(page.locator("[data-facet=mode] li[data-code=transfer] .facet-count")).to_have_text("2")
    expect(page.locator("[data-facet=mode] li[data-code=lease] .facet-count")).to_have_text("1")
    expect(page.locator("[data-facet=land_use] li[data-code='05'] .facet-count")).to_have_text("2")
    expect(page.locator("[data-facet=region] li[data-code='510000'] .facet-count")).to_have_text("3")
    _shot(page, "search-keywords")

    page.locator("[data-facet=mode] li[data-code=lease] button").click()

    expect(page).to_have_url(f"{live_server.url}/search/?kind=supply&keywords=%E9%AB%98%E6%96%B0&mode=lease")
    expect(page.locator("#search-results > li")).to_have_count(1)
    assert _ids(page) == [market["park"].pk]
    expect(page.locator("#search-form select[name=mode]")).to_have_value("lease")
    expect(page.locator("[data-facet=mode] li[data-code=lease] button")).to_have_attribute("aria-pressed", "true")

    # The region facet goes down a level at each click
    page.goto(f"{live_server.url}/search/?kind=supply&keywords=高新")
    page.locator("[data-facet=region] li[data-code='510000'] button").click()
    expect(page.locator("[data-facet=region] li[data-code='510100'] .facet-count")).to_have_text("3")
    page.locator("[data-facet=region] li[data-code='510100'] button").click()
    expect(page.locator("[data-facet=region] li[data-code='510107'] .facet-count")).to_have_text("2")
    page.locator("[data-facet=region] li[data-code='510107'] button").click()
    expect(page).to_have_url(re.compile(r"region=510107"))
    expect(page.locator("#search-results > li")).to_have_count(2)
    expect(page.locator(".region-select select[data-level=county]")).to_have_value("510107")
    assert dialogs == []


def test_the_filters_search_and_a_link_reproduces_the_search(page: Page, live_server, market):
    page.goto(f"{live_server.url}/search/?kind=supply")
    expect(page.locator("#search-results > li")).to_have_count(4)

    page.locator(".region-select select[data-level=province]").select_option("510000")
    page.locator(".region-select select[data-level=city]").select_option("510100")
    page.locator(".region-select select[data-level=county]").select_option("510104")
    page.locator("#search-form [name=price_max]").fill("5000")
    page.locator("#search-form [name=area_min]").fill("4000")
    page.locator("#search-form [name=published][value='7d']").check()
    page.locator("#search-form select[name=certified]").select_option("false")
    page.locator("#search-form .filter-actions [type=submit]").click()

    expect(page).to_have_url(
        f"{live_server.url}/search/?kind=supply&region=510104&certified=false&area_min=4000&price_max=5000&published=7d"
    )
    expect(page.locator("#search-results > li")).to_have_count(1)
    assert _ids(page) == [market["home"].pk]
    result = page.locator("#search-results > li").first
    expect(result.locator("[data-field=price]")).to_have_text("3,000 万元")
    expect(result.locator("[data-field=area]")).to_have_text("8,000 平方米")
    expect(result.locator(".tag.uncertified")).to_be_visible()

    page.locator("#search-form select[name=sort]").select_option("price_desc")
    expect(page).to_have_url(re.compile(r"sort=price_desc"))

    other = page.context.new_page()
    other.goto(page.url)  # the link reproduces the search and the form
    expect(other.locator("#search-results > li")).to_have_count(1)
    expect(other.locator(".region-select select[data-level=county]")).to_have_value("510104")
    expect(other.locator("#search-form [name=price_max]")).to_have_value("5000")
    expect(other.locator("#search-form [name=area_min]")).to_have_value("4000")
    expect(other.locator("#search-form [name=published][value='7d']")).to_be_checked()
    expect(other.locator("#search-form select[name=certified]")).to_have_value("false")
    expect(other.locator("#search-form select[name=sort]")).to_have_value("price_desc")
    _shot(other, "search-filters")

    # A bad parameter in a link is named next to its field, not a broken page
    other.goto(f"{live_server.url}/search/?kind=supply&area_min=5000&area_max=100")
    expect(other.locator("#search-form .field-error")).to_have_attribute("data-code", "inverted_range")
    expect(other.locator("#search-results > li")).to_have_count(0)


def test_switching_to_demand_searches_demand_with_its_own_filters(page: Page, live_server, market):
    page.goto(f"{live_server.url}/search/?kind=supply&keywords=锦江")
    expect(page.locator("#search-results > li")).to_have_count(2)

    page.locator(".kind-switch label", has_text=re.compile("需求|Demand")).click()

    expect(page).to_have_url(re.compile(r"kind=demand"))
    expect(page.locator("#search-results > li")).to_have_count(1)
    expect(page.locator("#search-results .result-title")).to_have_text("求购锦江区商服用地")
    expect(page.locator("#search-form [name=unit_price_min]")).to_be_hidden()
    expect(page.locator("#search-form select[name=certified]")).to_be_hidden()
    expect(page.locator("#search-form select[name=mode] option[value=purchase]")).to_have_count(1)
    _shot(page, "search-demand")


def test_autocomplete_suggests_a_region_that_becomes_the_filter(page: Page, live_server, market):
    page.goto(f"{live_server.url}/search/?kind=supply")
    expect(page.locator("#search-results > li")).to_have_count(4)

    page.locator("#search-keywords").press_sequentially("锦江")
    option = page.locator("#search-suggestions [role=option][data-type=region]")
    expect(option).to_have_count(1)
    expect(option).to_contain_text("四川省成都市锦江区")
    expect(page.locator("#search-suggestions [role=option][data-type=supply]")).to_have_count(2)
    _shot(page, "search-autocomplete")
    page.locator("#search-keywords").press("ArrowDown")
    page.locator("#search-keywords").press("Enter")

    expect(page).to_have_url(f"{live_server.url}/search/?kind=supply&region=510104")
    expect(page.locator("#search-results > li")).to_have_count(2)
    expect(page.locator("#search-keywords")).to_have_value("")
    expect(page.locator("#search-suggestions")).to_be_hidden()


def test_markup_in_a_title_and_in_the_keywords_shows_as_text(page: Page, live_server, market):
    dialogs = _no_dialogs(page)
    keywords = "<script>alert(1)</script>"

    page.goto(f"{live_server.url}/search/?kind=supply&keywords=高新")
    markup = page.locator(f"#search-results > li[data-id='{market['markup'].pk}'] .result-title")
    expect(markup).to_have_text(XSS_TITLE)
    expect(markup.locator("em").first).to_have_text("高新")

    page.locator("#search-keywords").fill(keywords)
    page.locator("#search-keywords").press("Enter")

    expect(page.locator("#search-summary")).to_contain_text(f"“{keywords}”")
    expect(page.locator("#search-keywords")).to_have_value(keywords)
    page.goto(f"{live_server.url}/search/?kind=supply&keywords=script")
    expect(page.locator("#search-results > li")).to_have_count(1)
    expect(page.locator("#search-results .result-title")).to_have_text(XSS_TITLE)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#search-results script").count() == 0
    assert dialogs == []


def test_page_numbers_and_more_results_page_through_the_listings(page: Page, live_server, regions, owner, search_index):
    for n in range(23):
        supply_create(owner=owner, region=regions["510104"], status=S.CERTIFIED, title=f"锦江地块{n:02d}")
    indexing.index_now("supply", list(SupplyListing.objects.values_list("pk", flat=True)))

    page.goto(f"{live_server.url}/search/?kind=supply&sort=newest")
    expect(page.locator("#search-results > li")).to_have_count(10)
    first_page = _ids(page)
    expect(page.locator("#search-pager [data-page]")).to_have_count(3)

    page.locator("#search-pager [data-page='2']").click()
    expect(page).to_have_url(f"{live_server.url}/search/?kind=supply&sort=newest&page=2")
    expect(page.locator("#search-pager [aria-current=page]")).to_have_text("2")
    expect(page.locator("#search-results > li")).to_have_count(10)
    second_page = _ids(page)

    page.goto(f"{live_server.url}/search/?kind=supply&sort=newest")
    expect(page.locator("#search-results > li")).to_have_count(10)
    page.locator("#search-more").click()
    expect(page.locator("#search-results > li")).to_have_count(20)
    assert _ids(page) == first_page + second_page
    expect(page).to_have_url(re.compile(r"after="))
    page.locator("#search-more").click()
    expect(page.locator("#search-results > li")).to_have_count(23)
    expect(page.locator("#search-more")).to_be_hidden()
    assert len(set(_ids(page))) == 23
