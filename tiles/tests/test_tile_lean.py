"""The lean tile path (tiles/asgi.py, as uvicorn serves config/asgi.py) answers exactly what Django's TileApi answers
for the same request: status, body and headers (ETag, 304, gzip and identity, 204 empty, 400 bad z/x/y or filter,
404 layer, 429 throttle), on the same cache, and sees a write at once (the layer's data version)."""

import http.client
import time

import mapbox_vector_tile  # type: ignore[import-untyped]
import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache as django_cache
from django.http import QueryDict
from django.test import Client

from geo.models import SRID
from market.tests.factories import supply_create
from tests.asgi_server import asgi_host  # noqa: F401 - fixture
from tiles import cache
from tiles.grid import TileAddress, tile_of
from tiles.layers import LAYERS
from tiles.tests.conftest import decode

pytestmark = pytest.mark.django_db(transaction=True)  # the server's threads see only committed rows

# A z14 tile inside real 锦江区 (as in test_tile_api).
TILE = TileAddress(14, *tile_of(14, 104.12, 30.59))
TILE_URL = f"/tiles/supply/{TILE.z}/{TILE.x}/{TILE.y}.mvt"
NOT_COMPARED = {"date", "server"}  # uvicorn's own


@pytest.fixture
def listing(tree, owner):
    west, south, east, north = TILE.bounds()
    return supply_create(
        owner=owner, region=tree["jinjiang"], location=Point((west + east) / 2, (south + north) / 2, srid=SRID)
    )


def lean(host: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """The lean path's answer over HTTP: status, headers (lower-case names), body."""
    connection = http.client.HTTPConnection(host, timeout=30)
    connection.request("GET", path, headers={"Host": "testserver", **headers})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {name.lower(): value for name, value in response.getheaders()}, body


def django(client: Client, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """Django's answer (TileApi through the middleware) to the same request."""
    response = client.get(path, headers=headers)
    return response.status_code, {name.lower(): value for name, value in response.headers.items()}, response.content


def comparable(headers: dict[str, str]) -> dict[str, object]:
    """The headers to compare: CSP as its set of directives (its order is a set's), uvicorn's own left out."""
    kept: dict[str, object] = {name: value for name, value in headers.items() if name not in NOT_COMPARED}
    if "content-security-policy" in kept:
        kept["content-security-policy"] = {part.strip() for part in str(kept["content-security-policy"]).split(";")}
    return kept


def assert_same(answer: tuple[int, dict[str, str], bytes], expected: tuple[int, dict[str, str], bytes]) -> None:
    assert answer[0] == expected[0]
    assert answer[2] == expected[2]
    assert comparable(answer[1]) == comparable(expected[1])


def decode_body(body: bytes) -> dict:
    return mapbox_vector_tile.decode(body, default_options={"y_coord_down": True})


def forget_tile(filters: str = "") -> None:
    """Drop the supply tile TILE from the server-side cache (same data version, so the same ETag): the next request
    renders it again."""
    layer = LAYERS["supply"]
    version = cache.layer_version("supply")
    django_cache.delete(
        cache.tile_key(layer="supply", version=version, filters=layer.filters(QueryDict(filters)), tile=TILE)
    )


@pytest.mark.parametrize(
    "headers",
    [{"Accept-Encoding": "gzip, deflate, br"}, {"Accept-Encoding": "gzip;q=0, identity"}, {"Accept-Language": "en"}],
)
def test_a_tile_rendered_then_cached_is_the_djangos_view_answer(client: Client, asgi_host, listing, headers):  # noqa: F811
    missed = lean(asgi_host, TILE_URL, headers)
    forget_tile()
    assert_same(missed, django(client, TILE_URL, headers))  # both rendered it: X-Tile-Cache miss
    assert missed[1]["x-tile-cache"] == "miss"

    hit = lean(asgi_host, TILE_URL, headers)

    assert_same(hit, django(client, TILE_URL, headers))
    assert hit[1]["x-tile-cache"] == "hit"
    assert [feature["id"] for feature in decode(client.get(TILE_URL))["supply"]["features"]] == [listing.pk]


@pytest.mark.parametrize("query", ["mode=transfer&sort=price&page=2", "mode=lease", "price_max=1"])
def test_a_filtered_tile_is_the_djangos_view_answer(client: Client, asgi_host, listing, query):  # noqa: F811
    path = f"{TILE_URL}?{query}"
    missed = lean(asgi_host, path, {"Accept-Encoding": "gzip"})
    forget_tile(query)
    assert_same(missed, django(client, path, {"Accept-Encoding": "gzip"}))

    assert_same(lean(asgi_host, path, {"Accept-Encoding": "gzip"}), django(client, path, {"Accept-Encoding": "gzip"}))


def test_304_for_a_matching_etag_and_204_outside_the_data_as_django(client: Client, asgi_host, listing):  # noqa: F811
    etag = lean(asgi_host, TILE_URL, {"Accept-Encoding": "gzip"})[1]["etag"]
    asked = {"Accept-Encoding": "gzip", "If-None-Match": etag}
    not_modified = lean(asgi_host, TILE_URL, asked)
    empty = "/tiles/supply/14/8000/6000.mvt"

    assert not_modified[0] == 304
    assert_same(not_modified, django(client, TILE_URL, asked))
    assert lean(asgi_host, empty, {})[0] == 204
    assert_same(lean(asgi_host, empty, {}), django(client, empty, {}))


@pytest.mark.parametrize(
    "path",
    [
        "/tiles/supply/23/0/0.mvt",  # z above TILES_MAX_ZOOM
        "/tiles/supply/2/4/0.mvt",  # x outside the grid
        "/tiles/supply/a/0/0.mvt",
        "/tiles/supply/14/0/0.mvt?price_min=abc",
        "/tiles/parcels/14/0/0.mvt?area_min=5&area_max=1",
        "/tiles/nowhere/1/0/0.mvt",
    ],
)
def test_bad_tiles_filters_and_layers_are_djangos_400_and_404(client: Client, asgi_host, path):  # noqa: F811
    answer = lean(asgi_host, path, {"Accept-Language": "en"})

    assert answer[0] in (400, 404)
    assert_same(answer, django(client, path, {"Accept-Language": "en"}))


def test_a_write_is_seen_at_once(asgi_host, listing):  # noqa: F811
    before = lean(asgi_host, TILE_URL, {})
    listing.title = "改了标题"
    listing.save()  # bumps the supply layer's data version on commit (tiles.signals)
    after = lean(asgi_host, TILE_URL, {})

    assert after[1]["x-tile-cache"] == "miss"
    assert after[1]["etag"] != before[1]["etag"]
    assert decode_body(after[2])["supply"]["features"][0]["properties"]["title"] == "改了标题"


def test_the_throttle_counts_both_paths_and_django_answers_the_429(client: Client, asgi_host, settings):  # noqa: F811
    settings.TILES_THROTTLE_RATE = "3/min"

    statuses = [lean(asgi_host, "/tiles/supply/14/8000/6000.mvt", {})[0] for _ in range(4)]
    refused_by_django = django(client, "/tiles/supply/14/8000/6000.mvt", {})

    assert statuses == [204, 204, 204, 429]
    assert refused_by_django[0] == 429
    assert lean(asgi_host, "/tiles/supply/14/8000/6000.mvt", {})[2] == refused_by_django[2]


def test_a_refused_request_is_counted_once(asgi_host, settings):  # noqa: F811
    settings.TILES_THROTTLE_RATE = "3/min"

    statuses = [lean(asgi_host, "/tiles/supply/14/8000/6000.mvt", {})[0] for _ in range(4)]
    window = int(time.time() // 60)
    counted = [django_cache.get(f"tiles:throttle:127.0.0.1:{number}") for number in (window - 1, window)]

    assert statuses == [204, 204, 204, 429]
    assert sum(int(count or 0) for count in counted) == 4  # the 429 once, though both paths looked at it
