"""Where a listing or a demand is, on its page, in the real Chromium with WebGL: a small map of our own tiles with the
listing's outline (its parcel's) or its point, a demand's point or region, the link that opens the map page there, and
the surroundings under the map."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.gis.geos import Point
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.tests.factories import user_create
from geo.models import SRID
from geo.tests.factories import INSIDE, amenity_create_at, chengdu_tree, outline, parcel_create, square
from market.models import Demand, SupplyListing
from market.tests.factories import supply_create
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# In real 锦江区 (geo.tests.factories.chengdu_tree and INSIDE, 1.7 km from its edge), lon/lat degrees; the parcel is a
# 0.004° square centred there.
PARCEL_CENTRE = INSIDE["510104"]
# Another place in real 锦江区, 1.4 km from its edge.
POINT_ONLY = (104.12, 30.58)
WAIT_MS = 20_000
MAP_READY = (
    "() => window.landDetailMap && window.landDetailMap.isStyleLoaded() && window.landDetailMap.areTilesLoaded()"
    " && document.getElementById('place-map').dataset.state === 'ready'"
)
PLACE_FEATURES = """() => window.landDetailMap.querySourceFeatures("place").map((f) => ({
  id: f.properties.listing_id || f.properties.demand_id, type: f.geometry.type,
}))"""


@pytest.fixture(autouse=True)
def database_search() -> Iterator[None]:
    """Lists come from the database engine (this test's rows), not from a shared Elasticsearch index."""
    with override_settings(ELASTICSEARCH_URL=""):
        yield


@pytest.fixture
def land() -> dict[str, Any]:
    """A published listing on a parcel (its point at the parcel's centre), another with a point only, and a school
    300 m east of the parcel's centre (along the GRS80 geodesic)."""
    tree = chengdu_tree()
    owner = user_create()
    parcel = parcel_create(code="510104001001GB00001", geometry=square(*PARCEL_CENTRE, 0.004), region=tree["jinjiang"])
    on_parcel = supply_create(
        owner=owner,
        region=tree["jinjiang"],
        parcel=parcel,
        location=Point(*PARCEL_CENTRE, srid=SRID),
        title="锦江商服用地转让",
    )
    point_only = supply_create(
        owner=owner, region=tree["jinjiang"], location=Point(*POINT_ONLY, srid=SRID), title="锦江仓储用地出租"
    )
    amenity_create_at(
        code="school_300", category="school", name="锦江小学", origin=PARCEL_CENTRE, azimuth_deg=90, distance_m=300
    )
    return {"tree": tree, "owner": owner, "on_parcel": on_parcel, "point_only": point_only}


def demand_create(land: dict[str, Any], **fields: Any) -> Demand:
    now = timezone.now()
    return Demand.objects.create(
        owner=land["owner"],
        created_by=land["owner"],
        region=land["tree"]["jinjiang"],
        status=Demand.Status.REGISTERED,
        kind=Demand.Kind.PURCHASE,
        title="求购锦江商服用地",
        land_use="0501",
        contact_name="刘经理",
        contact_phone="13700000000",
        registered_at=now,
        expires_at=now + timedelta(days=183),
        **fields,
    )


def view_of(href: str) -> list[float]:
    """The map page's view=lon,lat,zoom of a link."""
    return [float(part) for part in parse_qs(urlsplit(href).query)["view"][0].split(",")]


def test_a_listings_page_shows_its_parcels_outline_on_a_map_with_a_link_and_its_surroundings(
    page: Page, live_server, land
):
    listing: SupplyListing = land["on_parcel"]
    page.goto(f"{live_server.url}/supply/{listing.pk}/")
    page.wait_for_function(MAP_READY, timeout=WAIT_MS)

    features = page.evaluate(PLACE_FEATURES)
    drawn = page.evaluate("() => window.landDetailMap.queryRenderedFeatures({ layers: ['place-fill'] }).length")
    href = page.locator("#place-map-link").get_attribute("href") or ""
    lon, lat, zoom = view_of(href)
    school = page.locator("#place-surroundings-table tbody tr[data-category=school]")
    expect(school).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#detail-place").screenshot(path=str(ARTIFACTS / "listing_place_outline.png"))

    assert {(f["id"], f["type"]) for f in features} == {(listing.pk, "Polygon")}  # once per tile
    assert drawn > 0  # the fill is on the canvas, not only in the source
    assert page.locator("#place-map-link").text_content() == "在地图上查看"
    assert href.startswith("/map/?view=")
    assert (lon, lat) == PARCEL_CENTRE
    assert 14 <= zoom <= 17  # the 0.004° (about 400 m) square fitted into a 320 px high map
    # 300 m away: within each default radius (500, 1000, 3000 m), the nearest about 300 m.
    assert school.locator("td[data-radius]").all_text_contents() == ["1", "1", "1"]
    assert "锦江小学 · 300 米" in (school.text_content() or "")


def test_the_link_opens_the_map_page_at_the_listing(page: Page, live_server, land):
    page.goto(f"{live_server.url}/supply/{land['on_parcel'].pk}/")
    page.wait_for_function(MAP_READY, timeout=WAIT_MS)

    page.locator("#place-map-link").click()
    page.wait_for_function("() => window.landMap && window.landMap.loaded()", timeout=WAIT_MS)
    centre = page.evaluate("() => window.landMap.getCenter().toArray()")

    assert urlsplit(page.url).path == "/map/"
    assert centre == pytest.approx(list(PARCEL_CENTRE), abs=1e-4)


def test_a_listing_with_a_point_only_is_marked_on_the_map(page: Page, live_server, land):
    listing: SupplyListing = land["point_only"]
    page.goto(f"{live_server.url}/supply/{listing.pk}/")
    page.wait_for_function(MAP_READY, timeout=WAIT_MS)

    features = page.evaluate(PLACE_FEATURES)
    href = page.locator("#place-map-link").get_attribute("href") or ""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#detail-place").screenshot(path=str(ARTIFACTS / "listing_place_point.png"))

    assert {(f["id"], f["type"]) for f in features} == {(listing.pk, "Point")}
    assert view_of(href)[:2] == list(POINT_ONLY)


def test_a_demands_page_marks_its_preferred_point_with_its_surroundings(page: Page, live_server, land):
    demand = demand_create(land, location=Point(*PARCEL_CENTRE, srid=SRID))
    page.goto(f"{live_server.url}/demand/{demand.pk}/")
    page.wait_for_function(MAP_READY, timeout=WAIT_MS)

    features = page.evaluate(PLACE_FEATURES)
    href = page.locator("#place-map-link").get_attribute("href") or ""
    school = page.locator("#place-surroundings-table tbody tr[data-category=school]")
    expect(school).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#detail-place").screenshot(path=str(ARTIFACTS / "demand_place_point.png"))

    assert {(f["id"], f["type"]) for f in features} == {(demand.pk, "Point")}
    assert parse_qs(urlsplit(href).query)["kind"] == ["demand"]
    assert view_of(href)[:2] == list(PARCEL_CENTRE)
    assert school.locator("td[data-radius]").all_text_contents() == ["1", "1", "1"]


def test_a_demand_without_a_point_shows_its_regions_boundary(page: Page, live_server, land):
    demand = demand_create(land)
    page.goto(f"{live_server.url}/demand/{demand.pk}/")
    page.wait_for_function(MAP_READY, timeout=WAIT_MS)

    features = page.evaluate(PLACE_FEATURES)
    lon, lat, _zoom = view_of(page.locator("#place-map-link").get_attribute("href") or "")

    assert {(f["id"], f["type"]) for f in features} == {(demand.pk, "Polygon")}
    # the centre of the bounding box of 锦江区's real outline (104.0573–104.1683 × 30.5494–30.6727), to 5 decimals
    west, south, east, north = outline("510104").extent
    assert (lon, lat) == (round((west + east) / 2, 5), round((south + north) / 2, 5))
    assert page.locator("#place-surroundings").is_hidden()
