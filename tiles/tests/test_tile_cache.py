"""The server-side tile cache: changes made through the market services, the ORM and the importers reach the next
tile once their transaction commits; `warm_tiles` fills the cache ahead of the map."""

from io import StringIO

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.test import Client

from accounts.tests.factories import reviewer_create
from geo.importers.loader import ImportOptions
from geo.importers.runner import import_path
from geo.models import SRID
from geo.tests.factories import amenity_create, box, parcel_create
from market.models import SupplyListing
from market.services.supply import supply_approve_initial, supply_delist, supply_view_record
from market.tests.factories import supply_create
from tiles.grid import TileAddress, tile_of
from tiles.tests.conftest import features

pytestmark = pytest.mark.django_db

# A z14 tile inside real 锦江区 (104.1065–104.1284 × 30.5812–30.6001, about 800 m from the county's edge).
TILE = TileAddress(14, *tile_of(14, 104.12, 30.59))


def url(layer: str, tile: TileAddress = TILE) -> str:
    return f"/tiles/{layer}/{tile.z}/{tile.x}/{tile.y}.mvt"


def centre(tile: TileAddress = TILE) -> tuple[float, float]:
    west, south, east, north = tile.bounds()
    return (west + east) / 2, (south + north) / 2


def ids(client: Client, layer: str, params: dict | None = None) -> tuple[set[int], str]:
    response = client.get(url(layer), params or {})
    found = set() if response.status_code == 204 else {feature["id"] for feature in features(response, layer)}
    return found, response["X-Tile-Cache"]


def test_a_delisted_listing_leaves_the_cached_supply_and_parcel_tiles(
    client: Client, tree, owner, django_capture_on_commit_callbacks
):
    lon, lat = centre()
    parcel = parcel_create(
        code="510104001001GB00001",
        geometry=box(lon - 0.002, lat - 0.002, lon + 0.002, lat + 0.002),
        region=tree["jinjiang"],
    )
    listing = supply_create(owner=owner, region=tree["jinjiang"], parcel=parcel)
    assert ids(client, "supply") == ({listing.pk}, "miss")
    assert ids(client, "supply") == ({listing.pk}, "hit")
    [before] = features(client.get(url("parcels")), "parcels")
    assert before["properties"]["listing_id"] == listing.pk
    etag = client.get(url("supply"))["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        supply_delist(listing_id=listing.pk, user=owner)

    assert ids(client, "supply") == (set(), "miss")
    assert client.get(url("supply"), HTTP_IF_NONE_MATCH=etag).status_code == 204  # not a stale 304
    [after] = features(client.get(url("parcels")), "parcels")
    assert "listing_id" not in after["properties"]


def test_an_approved_listing_appears_in_the_next_tile(client: Client, tree, owner, django_capture_on_commit_callbacks):
    listing = supply_create(
        owner=owner, region=tree["jinjiang"], status="in_review", location=Point(*centre(), srid=SRID)
    )
    assert ids(client, "supply") == (set(), "miss")
    assert ids(client, "supply") == (set(), "hit")

    with django_capture_on_commit_callbacks(execute=True):
        supply_approve_initial(listing_id=listing.pk, user=reviewer_create(regions=["510100"]))

    assert ids(client, "supply") == ({listing.pk}, "miss")


def test_nothing_changes_before_the_transaction_commits(
    client: Client, tree, owner, django_capture_on_commit_callbacks
):
    listing = supply_create(owner=owner, region=tree["jinjiang"], location=Point(*centre(), srid=SRID))
    ids(client, "supply")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        supply_delist(listing_id=listing.pk, user=owner)

    assert ids(client, "supply") == ({listing.pk}, "hit")  # still the committed state's tile
    assert callbacks


def test_view_counts_leave_cached_tiles_alone(client: Client, tree, owner, django_capture_on_commit_callbacks):
    listing = supply_create(owner=owner, region=tree["jinjiang"], location=Point(*centre(), srid=SRID))
    ids(client, "supply")

    with django_capture_on_commit_callbacks(execute=True):
        supply_view_record(listing=listing, viewer="198.51.100.7")
        SupplyListing.objects.get(pk=listing.pk).save(update_fields=["view_count"])

    assert ids(client, "supply") == ({listing.pk}, "hit")


def test_an_edited_amenity_and_an_imported_one_reach_the_amenity_tile(
    client: Client, tmp_path, django_capture_on_commit_callbacks
):
    lon, lat = centre(TileAddress(14, TILE.x, TILE.y))
    school = amenity_create(code="A1", category="school", name="石室中学", lon=lon, lat=lat)
    assert ids(client, "amenities") == ({school.pk}, "miss")

    with django_capture_on_commit_callbacks(execute=True):
        school.name = "石室中学北湖校区"
        school.save()
    [feature] = features(client.get(url("amenities")), "amenities")
    assert feature["properties"]["name"] == "石室中学北湖校区"

    (tmp_path / "banks.csv").write_text(f"name,lon,lat\n工商银行锦江支行,{lon + 0.001},{lat}\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        [report] = import_path(
            kind="amenities", path=tmp_path / "banks.csv", options=ImportOptions(category="银行", srs="EPSG:4490")
        )
    assert report.ok, report.error

    found, cache_state = ids(client, "amenities")
    assert cache_state == "miss"
    assert len(found) == 2


def test_warm_tiles_fills_the_cache_for_later_requests(client: Client, tree):
    lon, lat = centre()
    parcel_create(
        code="510104001001GB00001",
        geometry=box(lon - 0.002, lat - 0.002, lon + 0.002, lat + 0.002),
        region=tree["jinjiang"],
    )
    out = StringIO()

    call_command("warm_tiles", layer="parcels", zooms="11-14", region="510104", no_progress=True, stdout=out)

    summary = out.getvalue()
    assert "parcels starts at zoom 12" in summary
    assert "tiles at z12–14" in summary
    assert client.get(url("parcels"))["X-Tile-Cache"] == "hit"
    again = StringIO()
    inner = f"{lon - 0.005},{lat - 0.005},{lon + 0.005},{lat + 0.005}"  # degrees, within the tile, inside 锦江区
    call_command("warm_tiles", layer="parcels", zooms="14", bbox=inner, no_progress=True, stdout=again)
    assert " 0 rendered" in again.getvalue()


def test_warm_tiles_refuses_bad_zooms_and_places(tree):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--zooms"):
        call_command("warm_tiles", layer="parcels", zooms="12-40", no_progress=True)
    with pytest.raises(CommandError, match="--region"):
        call_command("warm_tiles", layer="parcels", zooms="12", region="110000", no_progress=True)
    with pytest.raises(CommandError, match="--bbox"):
        call_command("warm_tiles", layer="parcels", zooms="12", bbox="1,2", no_progress=True)


def test_warmed_supply_tiles_are_the_ones_a_map_without_filters_gets(client: Client, tree, owner):
    listing = supply_create(owner=owner, region=tree["jinjiang"], location=Point(*centre(), srid=SRID))
    west, south, east, north = TILE.bounds()

    call_command("warm_tiles", layer="supply", zooms="14", bbox=f"{west},{south},{east},{north}", no_progress=True)

    response = client.get(url("supply"))
    assert response["X-Tile-Cache"] == "hit"
    assert [feature["id"] for feature in features(response, "supply")] == [listing.pk]
