"""The map page (地图找地) in the real Chromium with WebGL (SwiftShader), on our own vector tiles: features queried from
the map (not just a canvas), drilling into a county fitting the view and updating the counts, a filter changing both
the list and the map, hover both ways, the drawer with the surroundings, the address reproducing the state, a phone.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.test import Client, override_settings
from playwright.sync_api import Browser, Locator, Page, expect

from accounts.models import User
from accounts.tests.factories import user_create
from geo.models import SRID, Region
from geo.tests.factories import INSIDE, amenity_create_at, chengdu_tree, outline, parcel_create, square
from market.models import Demand, Favourite, SupplyListing
from market.tests.factories import supply_create
from tests.browser.conftest import ARTIFACTS, close_settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = SupplyListing.Status
M = SupplyListing.Mode
# The extent of 锦江区's real outline (geo.tests.factories.chengdu_tree), lon/lat degrees: about 104.057–104.168 ×
# 30.549–30.673.
JINJIANG_BBOX = outline("510104").extent
# Where the listing with a parcel lies, in real 锦江区 (1.7 km from its edge); amenities are placed around it.
PARCEL_CENTRE = INSIDE["510104"]
# A parcel with no listing, 1.4 km east of it (the school at 300 m east of the listing is within 1.2 km of it).
BARE_CENTRE = (PARCEL_CENTRE[0] + 0.015, PARCEL_CENTRE[1])
# A place in 锦江区 1.4 km from its edge and 3 km or more from every listing, for a click that hits no listing.
JINJIANG_EMPTY = (104.105, 30.63)
WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def database_search() -> Iterator[None]:
    """The list comes from the database engine (the test's own rows), not from a shared Elasticsearch index."""
    with override_settings(ELASTICSEARCH_URL=""):
        yield


@pytest.fixture
def owner() -> User:
    return user_create(real_name="王五")


@pytest.fixture
def land(owner: User) -> dict[str, Any]:
    """成都 regions with their real outlines; in 锦江区 a certified transfer on a parcel, two leases (one certified), a
    parcel with no listing; in 青羊区 one transfer; amenities around the parcel at known geodesic distances. Every
    listing lies inside its real county, 1.4 km or more from its edge."""
    tree = chengdu_tree()
    jinjiang, qingyang = tree["jinjiang"], tree["qingyang"]
    parcel = parcel_create(
        code="510104001001GB00001", geometry=square(*PARCEL_CENTRE, 0.004), region=jinjiang, land_use="0501"
    )
    bare = parcel_create(
        code="510104001001GB00002", geometry=square(*BARE_CENTRE, 0.004), region=jinjiang, land_use="0701"
    )

    def listing(region: Region, lon: float, lat: float, **fields: Any) -> SupplyListing:
        return supply_create(owner=owner, region=region, location=Point(lon, lat, srid=SRID), **fields)

    listings = {
        "on_parcel": listing(
            jinjiang, *PARCEL_CENTRE, status=S.CERTIFIED, mode=M.TRANSFER, parcel=parcel, title="锦江商服用地转让"
        ),
        "lease_a": listing(jinjiang, 104.12, 30.58, mode=M.LEASE, title="锦江仓储用地出租"),
        "lease_b": listing(jinjiang, 104.14, 30.59, status=S.CERTIFIED, mode=M.LEASE, title="锦江工业用地出租"),
        "qingyang": listing(qingyang, *INSIDE["510105"], mode=M.TRANSFER, title="青羊住宅用地转让"),
    }
    for code, category, azimuth, distance_m in [
        ("school_300", "school", 90, 300),  # m along the GRS80 geodesic from the parcel's centre
        ("hospital_800", "hospital", 0, 800),
        ("bus_2000", "bus_stop", 180, 2000),
    ]:
        amenity_create_at(
            code=code, category=category, name=code, origin=PARCEL_CENTRE, azimuth_deg=azimuth, distance_m=distance_m
        )
    return {"tree": tree, "parcel": parcel, "bare": bare, "listings": listings}


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _open(page: Page, url: str) -> None:
    """Open the map and wait until its style, its tiles in view and the list have all loaded."""
    page.goto(url)
    _settled(page)


def _settled(page: Page) -> None:
    page.wait_for_function(
        "() => window.landMap && window.landMap.isStyleLoaded() && window.landMap.areTilesLoaded()"
        " && document.getElementById('map-page').dataset.list === 'ready'",
        timeout=WAIT_MS,
    )


def _list_ids(page: Page) -> list[int]:
    return [
        int(v) for v in page.locator("#map-results > li").evaluate_all("(items) => items.map((li) => li.dataset.id)")
    ]


def _rendered_supply(page: Page, count: int) -> list[dict[str, Any]]:
    """The supply points drawn on the map, once `count` of them are (features are read from MapLibre, by tile)."""
    script = """() => window.landMap.queryRenderedFeatures({ layers: ["supply-point"] })
        .map((f) => ({ id: f.id, mode: f.properties.mode, certified: f.properties.certified }))"""
    page.wait_for_function(f"() => window.landMap.areTilesLoaded() && ({script})().length === {count}", timeout=WAIT_MS)
    return sorted(page.evaluate(script), key=lambda f: f["id"])


def _pixel(page: Page, lon: float, lat: float) -> tuple[float, float]:
    """The page coordinates of a place on the map."""
    return page.evaluate(
        """([lon, lat]) => { const p = window.landMap.project([lon, lat]);
        const r = window.landMap.getCanvas().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""",
        [lon, lat],
    )


def test_the_map_loads_our_tiles_with_regions_listings_parcels_and_amenities(page: Page, live_server, land):
    listings = land["listings"]

    # zoom 12 (parcels and amenities start there): about 104.067–104.173 × 30.546–30.654 in a 620×730 pixel map,
    # 锦江's three listings and not 青羊's (103.95°E)
    _open(page, f"{live_server.url}/map/?view=104.12,30.60,12")

    supply = _rendered_supply(page, 3)
    assert {f["id"] for f in supply} == {listing.pk for key, listing in listings.items() if key != "qingyang"}
    by_id = {f["id"]: f for f in supply}
    assert by_id[listings["on_parcel"].pk]["mode"] == "transfer"
    assert by_id[listings["on_parcel"].pk]["certified"] is True
    assert by_id[listings["lease_a"].pk]["mode"] == "lease"
    regions = page.evaluate(
        """() => window.landMap.querySourceFeatures("regions", { sourceLayer: "regions" })
        .map((f) => [f.properties.code, f.properties.name, f.properties.level])"""
    )
    assert ["510104", "锦江区", "county"] in [list(r) for r in regions]
    labels = page.evaluate(
        """() => window.landMap.querySourceFeatures("regions", { sourceLayer: "region_labels" })
        .map((f) => f.properties.name)"""
    )
    assert "锦江区" in labels
    parcels = page.evaluate(
        """() => window.landMap.queryRenderedFeatures({ layers: ["parcels-fill"] })
        .map((f) => [f.properties.code, f.properties.land_use_major, f.properties.listing_id ?? null])"""
    )
    parcel_rows = {code: (major, listing_id) for code, major, listing_id in parcels}
    assert parcel_rows[land["parcel"].code] == ("05", listings["on_parcel"].pk)
    assert parcel_rows[land["bare"].code] == ("07", None)
    amenities = page.evaluate(
        """() => window.landMap.querySourceFeatures("amenities", { sourceLayer: "amenities" })
        .map((f) => f.properties.category)"""
    )
    assert {"school", "hospital", "bus_stop"} <= set(amenities)
    _shot(page, "test_the_map_loads_our_tiles")


def test_drilling_into_a_county_fits_the_view_and_updates_the_counts(page: Page, live_server, land):
    _open(page, f"{live_server.url}/map/")
    counts = page.locator("#map-region-counts")
    expect(counts.locator("li[data-code='510000'] .facet-count")).to_have_text("4")

    counts.locator("li[data-code='510000'] button").click()
    expect(counts.locator("li[data-code='510100'] .facet-count")).to_have_text("4")
    counts.locator("li[data-code='510100'] button").click()
    expect(counts.locator("li[data-code='510104'] .facet-count")).to_have_text("3")
    expect(counts.locator("li[data-code='510105'] .facet-count")).to_have_text("1")

    # a click on 锦江区 on the map (inside it, away from every listing) chooses it; at the view fitting all of 成都
    # 锦江 is about 33 pixels wide and its listings' cluster covers much of it, so the map is brought closer first
    _settled(page)
    page.evaluate("([lon, lat]) => window.landMap.jumpTo({ center: [lon, lat], zoom: 11 })", list(JINJIANG_EMPTY))
    _settled(page)
    page.mouse.click(*_pixel(page, *JINJIANG_EMPTY))
    expect(page.locator("select[data-level=county]")).to_have_value("510104")
    expect(page.locator("#map-summary")).to_have_attribute("data-count", "3")
    assert "region=510104" in page.url
    bounds = page.evaluate("() => window.landMap.getBounds().toArray().flat()")
    west, south, east, north = bounds
    w, s, e, n = JINJIANG_BBOX
    assert west <= w
    assert south <= s
    assert east >= e
    assert north >= n
    assert (east - west) < 3 * (e - w)
    assert (north - south) < 3 * (n - s)
    assert sorted(_list_ids(page)) == sorted(
        listing.pk for key, listing in land["listings"].items() if key != "qingyang"
    )
    _settled(page)
    _shot(page, "test_drilling_into_a_county")


def test_a_filter_change_updates_both_the_list_and_the_map(page: Page, live_server, land):
    listings = land["listings"]
    _open(page, f"{live_server.url}/map/?region=510104")
    assert len(_rendered_supply(page, 3)) == 3

    page.locator("select[name=mode]").select_option("lease")

    expect(page.locator("#map-summary")).to_have_attribute("data-count", "2")
    leases = sorted([listings["lease_a"].pk, listings["lease_b"].pk])
    expect(page.locator("#map-results > li")).to_have_count(2)
    assert sorted(_list_ids(page)) == leases
    assert set(page.locator("#map-results > li").evaluate_all("(items) => items.map((li) => li.dataset.mode)")) == {
        "lease"
    }
    supply = _rendered_supply(page, 2)
    assert [f["id"] for f in supply] == leases
    assert {f["mode"] for f in supply} == {"lease"}
    assert "mode=lease" in page.url
    _shot(page, "test_a_filter_change")


def test_hovering_a_result_highlights_its_point_and_hovering_a_point_its_result(page: Page, live_server, land):
    listings = land["listings"]
    _open(page, f"{live_server.url}/map/?region=510104")
    _rendered_supply(page, 3)
    lease = listings["lease_a"].pk

    page.locator(f"#map-results > li[data-id='{lease}']").hover()

    state = "(id) => window.landMap.getFeatureState({ source: 'supply', sourceLayer: 'supply', id }).hover === true"
    page.wait_for_function(state, arg=lease, timeout=WAIT_MS)
    expect(page.locator(f"#map-results > li[data-id='{lease}']")).to_have_class("result is-hover")

    other = listings["lease_b"]
    page.mouse.move(*_pixel(page, other.location.x, other.location.y))

    expect(page.locator(f"#map-results > li[data-id='{other.pk}']")).to_have_class("result is-hover")
    expect(page.locator(f"#map-results > li[data-id='{lease}']")).to_have_class("result")
    page.wait_for_function(state, arg=other.pk, timeout=WAIT_MS)
    _shot(page, "test_hovering")


def test_clicking_a_listing_opens_the_drawer_with_its_surroundings(page: Page, live_server, land):
    listing = land["listings"]["on_parcel"]
    _open(page, f"{live_server.url}/map/?view={PARCEL_CENTRE[0]},{PARCEL_CENTRE[1]},14")
    _rendered_supply(page, 1)

    page.mouse.click(*_pixel(page, *PARCEL_CENTRE))

    drawer = page.locator("#map-drawer")
    expect(drawer).to_be_visible()
    expect(drawer).to_have_attribute("data-id", str(listing.pk))
    expect(page.locator("#drawer-title")).to_have_text(listing.title)
    expect(drawer.locator(".tag[data-certification=certified]")).to_be_visible()
    expect(drawer.locator("[data-action=sign-in]")).to_be_visible()  # signed out: a link to sign in
    expect(drawer).to_have_attribute("data-state", "ready", timeout=WAIT_MS)
    rows = drawer.locator("#surroundings-table tbody tr")
    # m: the school lies 300 m, the hospital 800 m, the bus stop 2000 m from the listing's point
    expect(rows.locator("[data-radius]").first).to_be_visible()
    table = {
        row["category"]: row["counts"]
        for row in rows.evaluate_all(
            """(rows) => rows.map((row) => ({ category: row.dataset.category, counts: Array.from(
                row.querySelectorAll("td[data-radius]")).map((td) => [td.dataset.radius, td.textContent]) }))"""
        )
    }
    assert table == {
        "school": [["500", "1"], ["1000", "1"], ["3000", "1"]],
        "hospital": [["500", "0"], ["1000", "1"], ["3000", "1"]],
        "bus_stop": [["500", "0"], ["1000", "0"], ["3000", "1"]],
    }
    rings = page.evaluate(
        "async () => (await window.landMap.getSource('rings').getData()).features.map((f) => f.properties.radius_m)"
    )
    assert sorted(rings) == [500, 1000, 3000]
    assert page.evaluate("() => window.landMap.getLayoutProperty('amenities', 'visibility')") == "visible"
    _settled(page)
    _shot(page, "test_clicking_a_listing_opens_the_drawer")

    page.locator("#drawer-close").click()
    expect(drawer).to_be_hidden()


def test_clicking_a_parcel_without_a_listing_opens_its_facts_and_surroundings(page: Page, live_server, land):
    bare = land["bare"]
    _open(page, f"{live_server.url}/map/?view={BARE_CENTRE[0]},{BARE_CENTRE[1]},14")

    page.mouse.click(*_pixel(page, BARE_CENTRE[0] + 0.001, BARE_CENTRE[1] + 0.001))

    drawer = page.locator("#map-drawer")
    expect(drawer).to_have_attribute("data-kind", "parcel")
    expect(drawer.locator("[data-field=code]")).to_have_text(bare.code)
    expect(drawer.locator("a[data-action=parcel-page]")).to_have_attribute("href", f"/parcels/{bare.code}/")
    expect(drawer).to_have_attribute("data-state", "ready", timeout=WAIT_MS)
    school = drawer.locator("#surroundings-table tbody tr[data-category=school]")
    expect(school.locator("td[data-radius='3000']")).to_have_text("1")  # the school lies about 1.14 km away
    _shot(page, "test_clicking_a_parcel")


def test_the_address_reproduces_the_region_filters_and_view(browser: Browser, page: Page, live_server, land):
    listings = land["listings"]
    _open(page, f"{live_server.url}/map/?region=510104")
    page.locator("select[name=mode]").select_option("lease")
    expect(page.locator("#map-summary")).to_have_attribute("data-count", "2")
    _settled(page)
    view = page.evaluate(
        "() => [window.landMap.getCenter().lng, window.landMap.getCenter().lat, window.landMap.getZoom()]"
    )
    page.wait_for_function("() => window.location.search.includes('view=')")
    address = page.url

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    try:
        other = context.new_page()
        _open(other, address)
        expect(other.locator("select[data-level=county]")).to_have_value("510104")
        expect(other.locator("select[name=mode]")).to_have_value("lease")
        assert sorted(_list_ids(other)) == sorted([listings["lease_a"].pk, listings["lease_b"].pk])
        again = other.evaluate(
            "() => [window.landMap.getCenter().lng, window.landMap.getCenter().lat, window.landMap.getZoom()]"
        )
        assert again == pytest.approx(view, abs=1e-3)  # degrees and zoom levels, to the address's rounding
        assert [f["id"] for f in _rendered_supply(other, 2)] == sorted([listings["lease_a"].pk, listings["lease_b"].pk])
    finally:
        close_settled(context)


def test_a_phone_sized_screen_reaches_the_list_the_filters_and_the_drawer(browser: Browser, live_server, land):
    listing = land["listings"]["lease_a"]
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, has_touch=True)
    try:
        page = context.new_page()
        _open(page, f"{live_server.url}/map/?region=510104")
        expect(page.locator("#map")).to_be_visible()
        expect(page.locator("#map-results")).to_be_hidden()
        _shot(page, "test_a_phone_sized_screen_map")

        page.locator(".map-tab[data-sheet=list]").click()
        expect(page.locator(f"#map-results > li[data-id='{listing.pk}']")).to_be_visible()
        _shot(page, "test_a_phone_sized_screen_list")
        page.locator(f"#map-results > li[data-id='{listing.pk}'] .result-title a").click()

        drawer = page.locator("#map-drawer")
        expect(drawer).to_be_visible()
        expect(page.locator("#drawer-title")).to_have_text(listing.title)
        expect(page.locator("#map-results")).to_be_hidden()
        expect(drawer).to_have_attribute("data-state", "ready", timeout=WAIT_MS)
        box = drawer.bounding_box()
        assert box is not None
        assert box["width"] <= 375
        assert box["y"] + box["height"] <= 740
        _settled(page)
        _shot(page, "test_a_phone_sized_screen_drawer")

        page.locator(".map-tab[data-sheet=filters]").click()
        expect(page.locator("#map-form select[name=mode]")).to_be_visible()
        expect(drawer).to_be_hidden()
    finally:
        close_settled(context)


def test_search_this_area_limits_the_list_and_the_map_to_the_view(page: Page, live_server, land):
    listing = land["listings"]["on_parcel"]
    # zoom 14 around the listing: about 0.027° × 0.027°, so no other listing is in view
    _open(page, f"{live_server.url}/map/?view={PARCEL_CENTRE[0]},{PARCEL_CENTRE[1]},14")
    expect(page.locator("#map-summary")).to_have_attribute("data-count", "4")

    page.locator("#map-search-area").click()

    expect(page.locator("#map-summary")).to_have_attribute("data-count", "1")
    assert _list_ids(page) == [listing.pk]
    assert "bbox=" in page.url
    expect(page.locator("#map-area")).to_be_visible()
    assert [f["id"] for f in _rendered_supply(page, 1)] == [listing.pk]

    page.locator("#map-area-clear").click()
    expect(page.locator("#map-summary")).to_have_attribute("data-count", "4")


def _signed_in(browser: Browser, live_server: Any, user: User) -> Any:
    """A browser context with the user's session."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


def _open_from_list(page: Page, url: str, pk: int, title: str) -> Locator:
    """The map at `url`, and the drawer of the result `pk` of its list, opened from the list."""
    _open(page, url)
    page.locator(f"#map-results > li[data-id='{pk}'] .result-title a").click()
    expect(page.locator("#drawer-title")).to_have_text(title)
    return page.locator("#map-drawer")


def test_a_signed_in_seeker_favourites_and_compares_from_the_drawer(browser: Browser, live_server, land):
    listing = land["listings"]["lease_a"]
    seeker = user_create(real_name="赵六")
    context = _signed_in(browser, live_server, seeker)
    try:
        drawer = _open_from_list(context.new_page(), f"{live_server.url}/map/?region=510104", listing.pk, listing.title)

        drawer.locator("[data-action=favourite]").click()
        expect(drawer.locator("[data-action=favourite]")).to_have_attribute("aria-pressed", "true")
        assert Favourite.objects.filter(user=seeker, target="supply", target_id=listing.pk).exists()
        drawer.locator("[data-action=compare]").click()
        expect(drawer.locator("[data-action=compare]")).to_be_disabled()
        expect(drawer.locator(".notice a[href='/compare/']")).to_be_visible()
    finally:
        close_settled(context)


def test_a_demand_opens_with_its_facts_and_a_seeker_keeps_it_from_the_drawer(browser: Browser, live_server, land):
    owner = land["listings"]["lease_a"].owner
    demand = Demand.objects.create(
        owner=owner, created_by=owner, kind=Demand.Kind.LEASE, status=Demand.Status.REGISTERED,
        region=Region.objects.get(code="510104"), title="求租锦江区仓储用地", land_use="0602",
        area_min_m2=2000, area_max_m2=5000, location=Point(*PARCEL_CENTRE, srid=SRID),
    )  # fmt: skip
    seeker = user_create(real_name="钱七")
    context = _signed_in(browser, live_server, seeker)
    try:
        url = f"{live_server.url}/map/?kind=demand&region=510104"
        drawer = _open_from_list(context.new_page(), url, demand.pk, demand.title)
        expect(drawer.locator(".tag[data-field=kind]")).to_have_text("求租（承租）")
        expect(drawer.locator("[data-field=area]")).to_contain_text("2,000")
        drawer.locator("[data-action=favourite]").click()
        expect(drawer.locator("[data-action=favourite]")).to_have_attribute("aria-pressed", "true")
        assert Favourite.objects.filter(user=seeker, target="demand", target_id=demand.pk).exists()
        drawer.locator("[data-action=favourite]").click()  # and lets it go
        expect(drawer.locator("[data-action=favourite]")).to_have_attribute("aria-pressed", "false")
        assert not Favourite.objects.filter(user=seeker, target="demand", target_id=demand.pk).exists()
    finally:
        close_settled(context)
