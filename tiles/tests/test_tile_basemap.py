"""The offline basemap's tile layer `basemap`: sea, land, lakes, rivers, coastline and 境界线 from geo.BasemapFeature,
one scale per zoom, public and cached like the other layers."""

import pytest
from django.test import Client

from geo.tests.basemap import basemap  # noqa: F401 (a fixture)
from tiles.grid import TileAddress, tile_of
from tiles.tests.conftest import decode, features

pytestmark = pytest.mark.django_db
# The East China Sea east of Zhejiang: a z7 tile of open sea (123.75–126.6°E × 27.1–29.5°N).
SEA = TileAddress(7, *tile_of(7, 124.5, 28.5))
# Sichuan round Chengdu and Yibin, where the Min joins the Yangtze: a z6 tile of land (101.25–106.9°E × 27.1–32°N).
CHENGDU = TileAddress(6, *tile_of(6, 104.06, 30.66))


def url(tile: TileAddress) -> str:
    return f"/tiles/basemap/{tile.z}/{tile.x}/{tile.y}.mvt"


def test_a_tile_over_the_sea_holds_ocean_and_no_land(client: Client, basemap):  # noqa: F811
    response = client.get(url(SEA))

    assert features(response, "ocean")
    assert features(response, "land") == []


def test_a_tile_over_chengdu_holds_land_and_rivers_and_no_sea(client: Client, basemap):  # noqa: F811
    response = client.get(url(CHENGDU))

    assert features(response, "land")
    assert features(response, "rivers")
    assert features(response, "ocean") == []


def test_lakes_carry_their_chinese_names(client: Client, basemap):  # noqa: F811
    # 太湖 (about 120.2°E, 31.2°N) in a z7 tile.
    response = client.get(url(TileAddress(7, *tile_of(7, 120.2, 31.2))))

    names = {feature["properties"].get("name") for feature in features(response, "lakes")}
    assert "太湖" in names


def test_the_boundary_lines_are_drawn_over_the_south_china_sea(client: Client, basemap):  # noqa: F811
    response = client.get(url(TileAddress(5, *tile_of(5, 118.0, 21.0))))

    assert features(response, "boundary_lines")


def test_a_tile_is_cached_and_answered_again_with_its_etag(client: Client, basemap):  # noqa: F811
    first = client.get(url(CHENGDU))
    again = client.get(url(CHENGDU), HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert again.status_code == 304
    assert set(decode(first)) <= {"ocean", "land", "lakes", "rivers", "coastline", "boundary_lines"}


def test_the_tilejson_lists_the_basemaps_source_layers(client: Client, basemap):  # noqa: F811
    tilejson = client.get("/tiles/basemap.json").json()

    assert [layer["id"] for layer in tilejson["vector_layers"]] == [
        "ocean",
        "land",
        "lakes",
        "rivers",
        "coastline",
        "boundary_lines",
    ]
    assert tilejson["vector_layers"][2]["fields"] == {"name": "name (Chinese where Natural Earth has one)"}
