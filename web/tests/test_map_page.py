"""The map page (地图找地) renders the search filters, the map's scripts from our own static files (no CDN) and its
configuration: basemap, first view, amenity categories and the surroundings' radii."""

import json
import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from web.views_map import basemap_tiles

pytestmark = pytest.mark.django_db


def _json_script(html: str, element_id: str) -> Any:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, element_id
    return json.loads(match.group(1))


def test_the_map_page_offers_the_search_filters_beside_the_map_and_the_list(client: Client):
    response = client.get("/map/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="map-form"' in html
    assert '<input type="radio" name="kind" value="supply" checked>' in html
    for name in ("keywords", "area_min", "area_max", "price_min", "price_max", "unit_price_min", "unit_price_max"):
        assert f'name="{name}"' in html
    assert '<input type="hidden" name="region">' in html
    assert '<input type="hidden" name="land_use">' in html
    assert '<input type="hidden" name="bbox">' in html
    assert '<select name="certified">' in html
    assert 'name="published" value="7d"' in html
    assert '<select name="sort" form="map-form">' in html
    assert '<option value="distance">' not in html  # the map's list has no point to measure from
    for element in (
        'id="map"',
        'id="map-results"',
        'id="map-drawer"',
        'id="map-search-area"',
        'id="surroundings-table"',
    ):
        assert element in html
    assert "Search this area" in html
    assert "window.MAP_I18N" in html


def test_maplibre_is_served_from_our_static_files_not_a_cdn(client: Client):
    html = client.get("/map/").content.decode()

    assert '<script src="/static/vendor/maplibre-gl/maplibre-gl.js">' in html
    assert 'href="/static/vendor/maplibre-gl/maplibre-gl.css"' in html
    assert "unpkg" not in html
    assert "cdn" not in html.lower()
    assert finders.find("vendor/maplibre-gl/maplibre-gl.js"), "run scripts/setup: npm ci installs node_modules/"
    for script in ("web/map.js", "web/map_style.js", "web/map_drawer.js", "web/map.css"):
        assert finders.find(script), script


def test_the_kind_comes_from_the_address(client: Client):
    html = client.get("/map/?kind=demand&region=510104").content.decode()

    assert 'data-kind="demand"' in html
    assert '<input type="radio" name="kind" value="demand" checked>' in html
    assert 'data-kind="supply"' not in html.split('id="map-page"')[1].split(">")[0]


def test_an_unknown_kind_falls_back_to_supply(client: Client):
    html = client.get("/map/?kind=lots").content.decode()

    assert '<input type="radio" name="kind" value="supply" checked>' in html


def test_the_page_passes_categories_land_uses_modes_and_the_map_configuration(client: Client, settings):
    settings.TIANDITU_KEY = ""
    settings.MAP_BASEMAP_TILES = "https://t{0-2}.example.test/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=K"
    settings.MAP_BASEMAP_ATTRIBUTION = "天地图"
    settings.MAP_INITIAL_REGION = "510000"
    settings.MAP_INITIAL_CENTER = [104.1, 30.6]
    settings.MAP_INITIAL_ZOOM = 6.0
    settings.GEO_SURROUNDING_RADII_M = [500, 1000, 3000]

    response = client.get("/map/", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    config = _json_script(html, "map-config")
    assert config == {
        "basemap": {
            "tiles": [
                f"https://t{host}.example.test/vec_w/wmts?TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk=K"
                for host in range(3)
            ],
            "attribution": "天地图",
            "offline_attribution": "Natural Earth · 行政区划边界：天地图·国家地理信息公共服务平台",
            "tianditu": None,
        },
        "initial": {"region": "510000", "center": [104.1, 30.6], "zoom": 6.0},
        "radii": [500, 1000, 3000],
    }
    categories = _json_script(html, "amenity-categories")
    assert {"code": "school", "name": "school"} in categories
    assert len(categories) == 14
    land_uses = _json_script(html, "land-uses")
    assert {"code": "05", "name": "商服用地", "parent": None} in land_uses
    modes = _json_script(html, "search-modes")
    assert [code for code, _label in modes["supply"]] == ["transfer", "lease"]
    assert response.context["page_size"] == 20


def test_without_a_basemap_configured_the_map_has_none(client: Client, settings):
    settings.MAP_BASEMAP_TILES = ""

    config = _json_script(client.get("/map/").content.decode(), "map-config")

    assert config["basemap"]["tiles"] == []


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("", []),
        ("https://a.test/{z}/{x}/{y}.png", ["https://a.test/{z}/{x}/{y}.png"]),
        (
            "https://t{1-3}.test/{z}/{x}/{y}",
            ["https://t1.test/{z}/{x}/{y}", "https://t2.test/{z}/{x}/{y}", "https://t3.test/{z}/{x}/{y}"],
        ),
        ("https://t{3-1}.test/{z}/{x}/{y}", ["https://t{3-1}.test/{z}/{x}/{y}"]),
    ],
)
def test_a_basemap_host_range_becomes_one_url_per_host(template, expected):
    assert basemap_tiles(template) == expected


def test_the_navigation_and_the_home_page_link_to_the_map(client: Client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    nav = html.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    links = re.findall(r'<a href="([^"]+)">', nav)
    assert links[:2] == ["/", "/map/"]
    assert 'id="home-map-link" href="/map/"' in html
