"""The map's basemaps: the offline one always; 天地图's vector and imagery tiles only with TIANDITU_KEY (its browser
key in each tile URL), replacing MAP_BASEMAP_TILES; the Content-Security-Policy allows the chosen basemap's hosts."""

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

pytestmark = pytest.mark.django_db
OFFICIAL = (
    "https://t{host}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)


def map_config(client: Client, language: str = "zh-hans") -> tuple[dict[str, Any], str]:
    html = client.get("/map/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    match = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1)), html


def test_without_a_key_the_page_has_the_offline_basemap_and_no_tianditu_url(client: Client, settings):
    settings.TIANDITU_KEY = ""
    settings.MAP_BASEMAP_TILES = ""

    config, html = map_config(client)

    assert config["basemap"]["tianditu"] is None
    assert config["basemap"]["tiles"] == []
    assert "Natural Earth" in config["basemap"]["offline_attribution"]
    assert "行政区划边界：天地图·国家地理信息公共服务平台" in config["basemap"]["offline_attribution"]
    assert "tianditu.gov.cn" not in html


def test_with_a_key_the_page_has_tianditus_vector_and_imagery_tiles_with_the_key(client: Client, settings):
    settings.TIANDITU_KEY = "0123abcd"

    config, _html = map_config(client)

    tianditu = config["basemap"]["tianditu"]
    expected = {
        name: {
            part: [OFFICIAL.format(host=host, layer=layer, key="0123abcd") for host in range(8)]
            for part, layer in parts.items()
        }
        for name, parts in {
            "vector": {"base": "vec", "labels": "cva"},
            "imagery": {"base": "img", "labels": "cia"},
        }.items()
    }
    assert tianditu["styles"] == expected
    assert "天地图" in tianditu["attribution"]


def test_with_a_key_tianditu_replaces_the_generic_raster_basemap(client: Client, settings):
    settings.TIANDITU_KEY = "k"
    settings.MAP_BASEMAP_TILES = "https://tiles.example.test/{z}/{x}/{y}.png"

    config, _html = map_config(client)

    assert config["basemap"]["tiles"] == []
    assert config["basemap"]["tianditu"] is not None


def test_the_key_is_quoted_into_the_url_and_the_template_is_a_setting(client: Client, settings):
    settings.TIANDITU_KEY = "a&b c"
    settings.TIANDITU_URL = "http://127.0.0.1:9/{layer}/{z}/{x}/{y}.png?tk={key}"

    config, _html = map_config(client)

    assert config["basemap"]["tianditu"]["styles"]["imagery"]["labels"] == [
        "http://127.0.0.1:9/cia/{z}/{x}/{y}.png?tk=a%26b%20c"
    ]


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("zh-hans", ["底图", "离线底图", "天地图矢量", "天地图影像"]),
        ("en", ["Basemap", "Offline basemap", "Tianditu vector"]),
    ],
)
def test_the_switchers_labels_are_translated(client: Client, settings, language, labels):
    settings.TIANDITU_KEY = "k"

    _config, html = map_config(client, language)

    for label in labels:
        assert f'"{label}"' in html


def origins_with(**env: str) -> list[str]:
    """MAP_BASEMAP_ORIGINS (the CSP's basemap hosts) as the settings compute them at start-up with this environment."""
    clean = {name: value for name, value in os.environ.items() if name not in {"TIANDITU_KEY", "TIANDITU_URL"}}
    clean |= {"MAP_BASEMAP_TILES": "", **env, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(' '.join(settings.MAP_BASEMAP_ORIGINS))"],
        capture_output=True,
        text=True,
        check=True,
        env=clean,
        cwd=django_settings.BASE_DIR,
    )
    return result.stdout.split()


def test_the_csp_allows_no_basemap_host_without_a_key():
    assert origins_with() == []


def test_the_csp_allows_tianditus_eight_hosts_with_a_key_and_not_the_replaced_raster_basemap():
    origins = origins_with(TIANDITU_KEY="k", MAP_BASEMAP_TILES="https://tiles.example.test/{z}/{x}/{y}.png")

    assert origins == [f"https://t{host}.tianditu.gov.cn" for host in range(8)]


def test_the_csp_follows_the_tile_url_setting_and_still_the_generic_raster_basemap_without_a_key():
    assert origins_with(TIANDITU_KEY="k", TIANDITU_URL="http://127.0.0.1:8123/{layer}?tk={key}") == [
        "http://127.0.0.1:8123"
    ]
    assert origins_with(MAP_BASEMAP_TILES="https://a{1-2}.example.test/{z}/{x}/{y}.png") == [
        "https://a1.example.test",
        "https://a2.example.test",
    ]
