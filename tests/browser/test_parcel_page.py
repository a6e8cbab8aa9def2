"""The parcel page (/parcels/<code>/) in the real Chromium with WebGL: the parcel's outline on the small map, the
link that opens the map page there, the surroundings, and the listings standing on it."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import user_create
from geo.tests.factories import amenity_create_at, parcel_create, sichuan_tree, square
from market.tests.factories import supply_create
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 20_000
MAP_READY = (
    "() => window.landDetailMap && window.landDetailMap.isStyleLoaded() && window.landDetailMap.isSourceLoaded('place')"
    " && document.getElementById('place-map').dataset.state === 'ready'"
)


def test_the_parcel_page_draws_the_outline_lists_the_land_on_offer_and_opens_the_map_there(page: Page, live_server):
    jinjiang = sichuan_tree(("510000", "510100", "510104"))["510104"]
    centre = jinjiang.boundary.point_on_surface  # type: ignore[union-attr]
    parcel = parcel_create(
        code="510104001001GB08002", geometry=square(centre.x, centre.y, 0.002), region=jinjiang, land_use="0501"
    )
    listing = supply_create(owner=user_create(), region=jinjiang, parcel=parcel, location=parcel.centroid)
    amenity_create_at(
        code="school_200", category="school", name="东大街小学", origin=(centre.x, centre.y), azimuth_deg=0,
        distance_m=200,
    )  # fmt: skip

    page.goto(f"{live_server.url}/parcels/{parcel.code}/")

    page.wait_for_function(MAP_READY, timeout=WAIT_MS)
    features = page.evaluate("() => window.landDetailMap.querySourceFeatures('place').map((f) => f.geometry.type)")
    assert set(features) <= {"Polygon", "MultiPolygon"}
    assert features
    link = page.locator("#place-map-link")
    view = parse_qs(urlsplit(link.get_attribute("href") or "").query)["view"][0].split(",")
    assert float(view[0]) == pytest.approx(parcel.centroid.x, abs=1e-4)
    assert float(view[1]) == pytest.approx(parcel.centroid.y, abs=1e-4)
    expect(page.locator('#place-surroundings-table tr[data-category="school"]')).to_contain_text("东大街小学")
    expect(page.locator(f'#parcel-listings tr[data-id="{listing.pk}"] a')).to_have_attribute(
        "href", f"/supply/{listing.pk}/"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "parcel-page.png"), full_page=True)
