"""The map page's basemaps in the real Chromium with WebGL: the offline basemap (our `basemap` tiles) drawn under our
layers where the sheet was blank, and with a 天地图 key its vector and imagery tiles (a fake WMTS server) chosen by a
keyboard-usable switcher; without a key no tile request reaches 天地图."""

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.test import override_settings
from playwright.sync_api import Page, expect

from accounts.tests.factories import user_create
from geo.models import SRID
from geo.tests.basemap import basemap_load
from geo.tests.factories import chengdu_tree, point_in
from market.tests.factories import supply_create
from tests.browser.conftest import ARTIFACTS
from tests.fakes.tile_server import COLOURS, FakeTileServer, tile_server_running

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 20_000
# Over Sichuan at zoom 6, centred on Chengdu: no parcel is drawn below zoom 12 and the test has no listings.
CHENGDU_VIEW = "104.06,30.66,6"
MAP_IDLE = "(name) => window[name] && window[name].loaded() && window[name].areTilesLoaded()"
# The canvas' colours as [r, g, b, pixels], most frequent first, read in the frame just drawn (the drawing buffer is
# still there in the `render` event).
CANVAS_COLOURS = """(name) => new Promise((resolve) => {
  const map = window[name];
  map.once("render", () => {
    const gl = map.painter.context.gl;
    const { width, height } = gl.canvas;
    const pixels = new Uint8Array(width * height * 4);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    const counts = new Map();
    for (let i = 0; i < pixels.length; i += 4) {
      const key = `${pixels[i]},${pixels[i + 1]},${pixels[i + 2]}`;
      counts.set(key, (counts.get(key) || 0) + 1);
    }
    resolve([...counts].map(([key, n]) => [...key.split(",").map(Number), n]).sort((a, b) => b[3] - a[3]));
  });
  map.triggerRepaint();
})"""


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def colours_of(page: Page, map_name: str = "landMap") -> dict[tuple[int, int, int], int]:
    """The colours of the map `window[map_name]` once its tiles are drawn."""
    page.wait_for_function(MAP_IDLE, arg=map_name, timeout=WAIT_MS)
    return {(r, g, b): n for r, g, b, n in page.evaluate(CANVAS_COLOURS, map_name)}


def bluish(colours: dict[tuple[int, int, int], int]) -> int:
    """Pixels clearly bluer than red (water: sea, lakes, the rivers' lines blended with the land)."""
    return sum(n for (r, _g, b), n in colours.items() if b - r >= 20)


@pytest.fixture
def offline_basemap() -> dict[str, int]:
    """Loaded for each test: a browser test's database is emptied after it."""
    return basemap_load()


@pytest.fixture
def no_tianditu() -> Iterator[None]:
    with override_settings(TIANDITU_KEY="", MAP_BASEMAP_TILES=""):
        yield


def test_the_offline_basemap_draws_land_and_water_where_the_map_was_one_flat_colour(
    page: Page, live_server: Any, offline_basemap: dict[str, int], no_tianditu: None
):
    page.goto(f"{live_server.url}/map/?view={CHENGDU_VIEW}")
    style = page.evaluate("() => window.LandMapStyle.BASEMAP_COLOURS")
    with_basemap = colours_of(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#map").screenshot(path=str(ARTIFACTS / "map_offline_basemap.png"))

    page.evaluate("() => window.LandMapStyle.setBasemap(window.landMap, 'none')")
    without = colours_of(page)

    assert list(without) == [hex_rgb(style["background"])]  # a blank sheet without it
    assert hex_rgb(style["land"]) in with_basemap
    assert with_basemap[hex_rgb(style["land"])] > sum(with_basemap.values()) / 2  # mostly land round Chengdu
    assert bluish(with_basemap) > 0  # the rivers (the Min, the Yangtze)
    assert len(with_basemap) >= 5


def test_a_wider_view_shows_the_sea_in_the_water_colour(
    page: Page, live_server: Any, offline_basemap: dict[str, int], no_tianditu: None
):
    page.goto(f"{live_server.url}/map/?view=114.0,28.0,4.5")  # from Sichuan to the East China Sea
    style = page.evaluate("() => window.LandMapStyle.BASEMAP_COLOURS")

    colours = colours_of(page)

    assert hex_rgb(style["water"]) in colours
    assert hex_rgb(style["land"]) in colours


def test_a_listings_small_map_has_the_same_offline_basemap(
    page: Page, live_server: Any, offline_basemap: dict[str, int], no_tianditu: None
):
    tree = chengdu_tree()
    listing = supply_create(
        owner=user_create(), region=tree["jinjiang"], location=Point(*point_in("510104"), srid=SRID), title="锦江用地"
    )
    page.goto(f"{live_server.url}/supply/{listing.pk}/")
    page.wait_for_function("() => document.getElementById('place-map').dataset.state === 'ready'", timeout=WAIT_MS)
    land = hex_rgb(page.evaluate("() => window.LandMapStyle.BASEMAP_COLOURS.land"))

    colours = colours_of(page, "landDetailMap")
    page.locator("#place-map").screenshot(path=str(ARTIFACTS / "listing_place_offline_basemap.png"))

    assert max(colours, key=colours.__getitem__) == land


@pytest.fixture
def tianditu() -> Iterator[FakeTileServer]:
    """A fake 天地图 and the settings pointing at it, its origin allowed by the Content-Security-Policy."""
    with tile_server_running() as server:
        policy: dict[str, Any] = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["img-src"].append(server.url)
        policy["DIRECTIVES"]["connect-src"].append(server.url)
        with override_settings(TIANDITU_URL=server.template, CONTENT_SECURITY_POLICY=policy):
            yield server


def test_with_a_key_the_map_draws_tianditus_vector_tiles_and_switches_to_imagery(
    page: Page, live_server: Any, tianditu: FakeTileServer
):
    vector, imagery = COLOURS["vec"][:3], COLOURS["img"][:3]
    with override_settings(TIANDITU_KEY="browser-key-1"):
        page.goto(f"{live_server.url}/map/?view={CHENGDU_VIEW}")
        first = colours_of(page)
        asked_first = tianditu.layers()
        keys = {request.key for request in tianditu.requests}
        page.locator("#map").screenshot(path=str(ARTIFACTS / "map_tianditu_vector.png"))

        switcher = page.get_by_role("group", name="底图")
        expect(switcher.get_by_label("天地图矢量")).to_be_checked()
        switcher.get_by_label("天地图矢量").focus()
        page.keyboard.press("ArrowDown")  # a radio group: the arrow keys choose
        expect(switcher.get_by_label("天地图影像")).to_be_checked()
        page.wait_for_function("() => window.landMap.getLayoutProperty('tianditu-imagery', 'visibility') === 'visible'")
        second = colours_of(page)
        page.locator("#map").screenshot(path=str(ARTIFACTS / "map_tianditu_imagery.png"))
        attribution = page.locator(".maplibregl-ctrl-attrib-inner").inner_html()

    assert asked_first == {"vec", "cva"}
    assert keys == {"browser-key-1"}
    assert max(first, key=first.__getitem__) == vector
    assert {"img", "cia"} <= tianditu.layers()
    assert max(second, key=second.__getitem__) == imagery
    assert vector not in second
    assert "天地图" in attribution


def test_without_a_key_no_request_reaches_tianditu_and_there_is_no_switcher(
    page: Page, live_server: Any, tianditu: FakeTileServer, offline_basemap: dict[str, int]
):
    with override_settings(TIANDITU_KEY=""):
        page.goto(f"{live_server.url}/map/?view={CHENGDU_VIEW}")
        colours = colours_of(page)
        attribution = page.locator(".maplibregl-ctrl-attrib-inner").inner_html()

    assert tianditu.requests == []
    assert page.locator("#map-basemaps").count() == 0
    assert len(colours) >= 5  # the offline basemap instead
    assert "Natural Earth" in attribution
    assert "行政区划边界：天地图·国家地理信息公共服务平台" in attribution
