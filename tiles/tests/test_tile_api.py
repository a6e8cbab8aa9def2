"""The tile endpoints over HTTP: content type, gzip, ETag and 304, Cache-Control, 204 outside the data, the
structured 4xx of impossible tiles, unknown layers and malformed filters (answered before any SQL), and TileJSON."""

import gzip

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import Client

from geo.models import SRID
from geo.tests.factories import outline, parcel_create, square_in
from market.tests.factories import supply_create
from tiles.grid import TileAddress, tile_of
from tiles.tests.conftest import decode

pytestmark = pytest.mark.django_db

# A z14 tile inside real 锦江区 (104.1065–104.1284 × 30.5812–30.6001, about 800 m from the county's edge).
TILE = TileAddress(14, *tile_of(14, 104.12, 30.59))
CHINA = [73.4, 18.1, 135.1, 53.6]  # TILES_DEFAULT_BOUNDS: a layer without data
TILE_URL = f"/tiles/supply/{TILE.z}/{TILE.x}/{TILE.y}.mvt"


@pytest.fixture
def listing(tree, owner):
    west, south, east, north = TILE.bounds()
    return supply_create(
        owner=owner, region=tree["jinjiang"], location=Point((west + east) / 2, (south + north) / 2, srid=SRID)
    )


def test_a_tile_is_gzip_mvt_with_a_strong_etag_and_short_public_caching(client: Client, listing):
    response = client.get(TILE_URL, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert response["Content-Encoding"] == "gzip"
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Accept-Encoding" in response["Vary"]
    assert response["ETag"].startswith('"')  # strong: not W/"…"
    assert [f["id"] for f in decode(response)["supply"]["features"]] == [listing.pk]


def test_without_gzip_the_tile_is_sent_plain_under_its_own_etag(client: Client, listing):
    zipped = client.get(TILE_URL, HTTP_ACCEPT_ENCODING="gzip")
    plain = client.get(TILE_URL, HTTP_ACCEPT_ENCODING="gzip;q=0, identity")

    assert "Content-Encoding" not in plain
    assert plain.content == gzip.decompress(zipped.content)
    assert plain["ETag"] != zipped["ETag"]


def test_a_matching_if_none_match_is_answered_304_without_a_body(client: Client, listing):
    etag = client.get(TILE_URL, HTTP_ACCEPT_ENCODING="gzip")["ETag"]

    response = client.get(TILE_URL, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, max-age=60"
    assert client.get(TILE_URL, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_etag_changes_with_the_filters(client: Client, listing):
    assert client.get(TILE_URL)["ETag"] != client.get(TILE_URL, {"mode": "lease"})["ETag"]


def test_a_tile_outside_the_data_is_204_without_a_body(client: Client, listing):
    response = client.get("/tiles/supply/14/8000/6000.mvt", HTTP_ACCEPT_ENCODING="gzip")  # the Atlantic

    assert response.status_code == 204
    assert response.content == b""
    assert "Content-Encoding" not in response
    assert response["Cache-Control"] == "public, max-age=60"


def test_the_server_side_cache_answers_the_second_request(client: Client, listing):
    first = client.get(TILE_URL, HTTP_ACCEPT_ENCODING="gzip")
    second = client.get(TILE_URL, HTTP_ACCEPT_ENCODING="gzip")
    empty_first = client.get("/tiles/supply/14/8000/6000.mvt")
    empty_second = client.get("/tiles/supply/14/8000/6000.mvt")

    assert (first["X-Tile-Cache"], second["X-Tile-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert (empty_first["X-Tile-Cache"], empty_second["X-Tile-Cache"]) == ("miss", "hit")
    assert empty_second.status_code == 204


@pytest.mark.parametrize(
    ("path", "field", "code"),
    [
        ("/tiles/supply/40/1/1.mvt", "z", "out_of_range"),
        ("/tiles/supply/23/1/1.mvt", "z", "out_of_range"),
        ("/tiles/supply/3/-1/1.mvt", "x", "out_of_range"),
        ("/tiles/supply/3/8/1.mvt", "x", "out_of_range"),  # x ≥ 2^z
        ("/tiles/supply/3/1/8.mvt", "y", "out_of_range"),
        ("/tiles/supply/3/abc/1.mvt", "x", "invalid"),
        ("/tiles/supply/3/1.5/1.mvt", "x", "invalid"),
        ("/tiles/parcels/z/1/1.mvt", "z", "invalid"),
        ("/tiles/parcels/3/1/99999999999999999999.mvt", "y", "invalid"),
    ],
)
def test_impossible_tiles_are_400_naming_the_coordinate_before_any_query(
    client: Client, django_assert_num_queries, path, field, code
):
    with django_assert_num_queries(0):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert error["fields"][field][0]["code"] == code


def test_an_unknown_layer_is_404_naming_it(client: Client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/tiles/bids/3/1/1.mvt", HTTP_ACCEPT_LANGUAGE="en")
        tilejson = client.get("/tiles/bids.json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "supply" in response.json()["error"]["message"]
    assert list(response.json()["error"]["fields"]) == ["layer"]
    assert tilejson.status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"area_min": "abc"},
        {"region": "999999"},
        {"region": "51010"},
        {"bbox": "1,2"},
        {"mode": "rent"},
        {"land_use": "99"},
        {"area_min": "500", "area_max": "100"},
        {"near": "104.0,30.6", "distance_m": "0"},
        {"published": "2d"},
    ],
)
def test_malformed_supply_filters_are_the_search_apis_own_400s(client: Client, django_assert_num_queries, params):
    with django_assert_num_queries(0):
        tile = client.get(TILE_URL, params, HTTP_ACCEPT_LANGUAGE="en")
    search = client.get("/api/search/supply", params, HTTP_ACCEPT_LANGUAGE="en")

    assert tile.status_code == 400
    assert tile.json() == search.json()
    assert set(tile.json()["error"]["fields"]) <= set(params)


def test_sort_and_paging_parameters_are_ignored(client: Client, listing):
    response = client.get(TILE_URL, {"sort": "nonsense", "page": "abc", "page_size": "0"})

    assert response.status_code == 200
    assert response["ETag"] == client.get(TILE_URL)["ETag"]  # the same tile


@pytest.mark.parametrize(
    ("layer", "params", "field"),
    [
        ("parcels", {"area_max": "x"}, "area_max"),
        ("parcels", {"land_use": "0"}, "land_use"),
        ("parcels", {"region": "999999"}, "region"),
        ("amenities", {"category": "school,casino"}, "category"),
        ("demand", {"certified": "true"}, "certified"),
    ],
)
def test_malformed_filters_of_other_layers_are_400_naming_them(client: Client, layer, params, field):
    response = client.get(f"/tiles/{layer}/14/{TILE.x}/{TILE.y}.mvt", params, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_tilejson_describes_the_layer_with_the_requests_filters(client: Client, listing):
    response = client.get("/tiles/parcels.json", {"land_use": "05", "area_min": "1000"})

    assert response.status_code == 200
    body = response.json()
    assert body["tilejson"] == "3.0.0"
    assert body["name"] == "parcels"
    assert body["tiles"] == ["http://testserver/tiles/parcels/{z}/{x}/{y}.mvt?land_use=05&area_min=1000"]
    assert (body["minzoom"], body["maxzoom"]) == (12, 16)
    assert body["bounds"] == CHINA  # no parcels
    [layer] = body["vector_layers"]
    assert layer["id"] == "parcels"
    assert {"code", "land_use", "land_use_major", "area_m2", "region", "listing_id"} == set(layer["fields"])
    assert response["Cache-Control"] == "public, max-age=60"


def test_tilejson_bounds_are_the_datas_and_regions_have_two_source_layers(client: Client, listing):
    supply = client.get("/tiles/supply.json").json()
    regions = client.get("/tiles/regions.json").json()

    assert supply["tiles"] == ["http://testserver/tiles/supply/{z}/{x}/{y}.mvt"]
    assert supply["bounds"] == pytest.approx([listing.location.x, listing.location.y] * 2, abs=1e-6)
    assert [layer["id"] for layer in regions["vector_layers"]] == ["regions", "region_labels"]
    assert regions["bounds"] == pytest.approx(list(outline("510000").extent))  # 四川's real outline in the test tree
    assert regions["bounds"] == pytest.approx([97.3574, 26.0499, 108.5338, 34.3166], abs=1e-4)


def test_parcel_bounds_come_from_the_statistics_but_not_once_every_parcel_is_gone(
    client: Client, tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        parcel = parcel_create(code="P-BOUNDS", geometry=square_in("510104", 0.001), region=tree["jinjiang"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE geo_parcel")
    assert client.get("/tiles/parcels.json").json()["bounds"] != CHINA

    with django_capture_on_commit_callbacks(execute=True):
        parcel.delete()  # the planner's statistics still describe it

    assert client.get("/tiles/parcels.json").json()["bounds"] == CHINA


def test_tilejson_refuses_malformed_filters(client: Client):
    response = client.get("/tiles/supply.json", {"bbox": "1,2"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["bbox"]


def test_tile_requests_have_their_own_rate_limit(client: Client, settings):
    settings.TILES_THROTTLE_RATE = "3/min"

    statuses = [client.get("/tiles/supply/14/8000/6000.mvt").status_code for _ in range(4)]

    assert statuses == [204, 204, 204, 429]
