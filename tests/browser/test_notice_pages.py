"""The notices (交易公示) in the real Chromium: a visitor opens /notices/, types a fragment of a lot number, sees
its announcement (and not the other) and opens the announcement's page, whose small map shows the lot's parcel."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from auctions.tests.factories import centre_create
from geo.models import SRID
from geo.tests.factories import INSIDE, chengdu_tree, parcel_create, square
from search.tests.notices_world import announcement_create, lot_create
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 20_000
PARCEL_CENTRE = INSIDE["510104"]  # in real 锦江区, 1.7 km from its edge
MAP_READY = (
    "() => window.landDetailMap && window.landDetailMap.isStyleLoaded() && window.landDetailMap.areTilesLoaded()"
    " && document.getElementById('place-map').dataset.state === 'ready'"
)


@pytest.fixture(autouse=True)
def database_search() -> Iterator[None]:
    """The notices come from the database engine (this test's rows), not from a shared Elasticsearch index."""
    with override_settings(ELASTICSEARCH_URL=""):
        yield


@pytest.fixture
def notices() -> dict[str, Any]:
    """Two published announcements in 锦江区: one of lot 川DZR[2026]0012 on a parcel, one of 川DCR[2026]0001."""
    tree = chengdu_tree()
    centre = centre_create(region=tree["chengdu"])
    parcel = parcel_create(code="510104001001GB00012", geometry=square(*PARCEL_CENTRE, 0.004), region=tree["jinjiang"])
    on_parcel = lot_create(
        centre,
        "510104",
        "川DZR[2026]0012",
        title="锦江区A-01地块",
        parcel=parcel,
        location=Point(*PARCEL_CENTRE, srid=SRID),
    )
    other = lot_create(centre, "510104", "川DCR[2026]0001", title="锦江区C-03地块", transfer="grant")
    now = timezone.now()
    return {
        "wanted": announcement_create(
            on_parcel,
            "川自然资源字[2026]0007号",
            now,
            title="锦江区A-01地块国有建设用地使用权转让公告",
            body="公告正文",
        ),
        "other": announcement_create(other, "川自然资源字[2026]0008号", now, title="锦江区C-03地块出让公告"),
    }


def test_a_visitor_finds_an_announcement_by_a_lot_number_fragment_and_opens_it_with_its_map(
    page: Page, live_server, notices
):
    page.goto(f"{live_server.url}/notices/")
    rows = page.locator("#notice-table tbody tr")
    expect(rows).to_have_count(2)

    page.locator("#notice-keywords").fill("DZR[2026]0012")
    page.locator("#notice-keywords").press("Enter")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_contain_text("川自然资源字[2026]0007号")
    expect(row).to_contain_text("四川省成都市锦江区")
    expect(row).to_contain_text("普通公告")
    searched = page.url
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notices_search.png"), full_page=True)

    row.get_by_role("link", name="锦江区A-01地块国有建设用地使用权转让公告").click()
    page.wait_for_function(MAP_READY, timeout=WAIT_MS)
    drawn = page.evaluate("() => window.landDetailMap.queryRenderedFeatures({ layers: ['place-fill'] }).length")
    page.screenshot(path=str(ARTIFACTS / "notice_detail_map.png"), full_page=True)

    assert page.url == f"{live_server.url}/notices/{notices['wanted'].pk}/"
    expect(page.locator("#notice-fields [data-field=number]")).to_have_text("川自然资源字[2026]0007号")
    expect(page.locator("#lot-summary [data-field=number]")).to_have_text("川DZR[2026]0012")
    assert drawn > 0  # the parcel's outline is on the small map's canvas
    assert "keywords=DZR" in searched  # the search is kept in the address (back returns to it)
