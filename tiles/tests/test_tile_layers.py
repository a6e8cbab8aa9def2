"""What each layer's tiles hold: features, attributes, where their geometry lands, filters and clusters, decoded with
mapbox-vector-tile."""

from decimal import Decimal

import pyproj
import pytest
import shapely
from django.contrib.gis.geos import Point
from django.test import Client

from accounts.models import User
from geo.models import SRID, Region
from geo.tests.factories import INSIDE, amenity_create, box, parcel_create
from market.models import Demand, SupplyListing
from market.tests.factories import supply_create
from tiles.grid import WORLD_M, TileAddress, tile_of
from tiles.selectors import CLUSTER_ID_BASE
from tiles.tests.conftest import features

pytestmark = pytest.mark.django_db

# CGCS2000 lon/lat to Web Mercator by PROJ, independently of PostGIS.
TO_MERCATOR = pyproj.Transformer.from_crs("EPSG:4490", "EPSG:3857", always_xy=True)
EXTENT = 4096
# The decoded position of a vertex may differ from the exact one by the rounding of ST_AsMVTGeom to the tile's
# integer grid: at most half a unit per axis. The tolerance is one unit (1/4096 of the tile) per axis.
TOLERANCE = 1.0
# A z14 tile inside real 锦江区 (104.1065–104.1284 × 30.5812–30.6001, about 800 m from the county's edge): about
# 0.022° wide.
TILE = TileAddress(14, *tile_of(14, 104.12, 30.59))


def inside(tile: TileAddress, fx: float, fy: float) -> tuple[float, float]:
    """The lon/lat at a fraction of the tile's width from its west edge and of its height from its north edge."""
    west, south, east, north = tile.bounds()
    return west + fx * (east - west), north - fy * (north - south)


def expected_pixel(tile: TileAddress, lon: float, lat: float) -> tuple[float, float]:
    """Where the point lies in the tile's 0…4096 coordinates (y down), by PROJ and the tile grid's arithmetic."""
    x, y = TO_MERCATOR.transform(lon, lat)
    size = WORLD_M / 2**tile.z
    west = -WORLD_M / 2 + tile.x * size
    north = WORLD_M / 2 - tile.y * size
    return (x - west) / size * EXTENT, (north - y) / size * EXTENT


def url(layer: str, tile: TileAddress) -> str:
    return f"/tiles/{layer}/{tile.z}/{tile.x}/{tile.y}.mvt"


def listing_at(owner: User, region: Region, lon: float, lat: float, **fields) -> SupplyListing:
    return supply_create(owner=owner, region=region, location=Point(lon, lat, srid=SRID), **fields)


def by_id(found: list[dict]) -> dict[int, dict]:
    return {feature["id"]: feature for feature in found}


def test_a_supply_tile_holds_each_public_listing_once_with_its_attributes(client: Client, tree, owner):
    county = tree["jinjiang"]
    certified = listing_at(
        owner, county, *inside(TILE, 0.3, 0.3), status="certified", land_use="0601", price_wan=Decimal("850.5")
    )
    negotiable = listing_at(owner, county, *inside(TILE, 0.6, 0.7), mode="lease", price_wan=None)
    listing_at(owner, county, *inside(TILE, 0.5, 0.5), status="draft")
    listing_at(owner, county, *inside(TILE, 0.5, 0.4), status="delisted")

    found = by_id(features(client.get(url("supply", TILE)), "supply"))

    assert set(found) == {certified.pk, negotiable.pk}
    assert found[certified.pk]["properties"] == {
        "id": certified.pk,
        "title": certified.title,
        "mode": "transfer",
        "certified": True,
        "land_use": "0601",
        "land_use_major": "06",
        "area_m2": 5000.0,
        "price_wan": 850.5,
        "region": "510104",
    }
    lease = found[negotiable.pk]["properties"]
    assert (lease["mode"], lease["certified"]) == ("lease", False)
    assert "price_wan" not in lease  # 面议: no price
    assert "cluster" not in lease


def test_a_listing_lands_within_one_tile_unit_of_its_projected_position(client: Client, tree, owner):
    lon, lat = inside(TILE, 0.3141, 0.5926)
    listing = listing_at(owner, tree["jinjiang"], lon, lat)

    [feature] = features(client.get(url("supply", TILE)), "supply")

    assert feature["id"] == listing.pk
    x, y = feature["geometry"]["coordinates"]
    ex, ey = expected_pixel(TILE, lon, lat)
    assert abs(x - ex) <= TOLERANCE
    assert abs(y - ey) <= TOLERANCE


def test_a_listing_without_coordinates_is_placed_at_its_parcels_centroid(client: Client, tree, owner):
    west, north = inside(TILE, 0.2, 0.2)
    east, south = inside(TILE, 0.4, 0.4)
    parcel = parcel_create(code="510104001001GB00001", geometry=box(west, south, east, north), region=tree["jinjiang"])
    listing = supply_create(owner=owner, region=tree["jinjiang"], parcel=parcel)

    [feature] = features(client.get(url("supply", TILE)), "supply")

    assert feature["id"] == listing.pk
    ex, ey = expected_pixel(TILE, parcel.centroid.x, parcel.centroid.y)
    assert abs(feature["geometry"]["coordinates"][0] - ex) <= TOLERANCE
    assert abs(feature["geometry"]["coordinates"][1] - ey) <= TOLERANCE


def test_a_lease_filter_keeps_exactly_the_listings_the_search_api_lists(client: Client, tree, owner, settings):
    settings.ELASTICSEARCH_URL = ""  # the search API answers from the database engine, as the tile does
    county = tree["jinjiang"]
    leases = {listing_at(owner, county, *inside(TILE, 0.1 * n, 0.5), mode="lease").pk for n in range(1, 6)}
    for n in range(1, 4):
        listing_at(owner, county, *inside(TILE, 0.5, 0.2 * n), mode="transfer")
    listing_at(owner, county, *inside(TILE, 0.8, 0.8), mode="lease", status="in_review")

    found = by_id(features(client.get(url("supply", TILE), {"mode": "lease"}), "supply"))
    search = client.get("/api/search/supply", {"mode": "lease", "page_size": "100"}).json()

    assert search["backend"] == "database"
    assert set(found) == leases
    assert {result["id"] for result in search["results"]} == leases
    assert all(feature["properties"]["mode"] == "lease" for feature in found.values())


def test_every_search_filter_applies_to_the_tile(client: Client, tree, owner):
    county = tree["jinjiang"]
    big = listing_at(owner, county, *inside(TILE, 0.2, 0.2), area_m2=Decimal("20000"), land_use="0601")
    listing_at(owner, county, *inside(TILE, 0.4, 0.4), area_m2=Decimal("800"), land_use="0601")
    listing_at(owner, county, *inside(TILE, 0.6, 0.6), area_m2=Decimal("20000"), land_use="0501")

    params = {"area_min": "10000", "land_use": "06", "region": "510100", "keywords": "锦江", "sort": "price_asc"}
    found = features(client.get(url("supply", TILE), params), "supply")

    assert [feature["id"] for feature in found] == [big.pk]


def tile_count(client: Client, tile: TileAddress) -> int:
    """Listings in a supply tile: a cluster counts its members, a plain listing one."""
    response = client.get(url("supply", tile))
    if response.status_code == 204:
        return 0
    return sum(feature["properties"].get("count", 1) for feature in features(response, "supply"))


def test_low_zooms_aggregate_listings_into_clusters_whose_counts_add_up(client: Client, tree, owner):
    tile = TileAddress(8, *tile_of(8, *INSIDE["510105"]))  # 102.66–104.06 × 29.54–30.75, 16 × 16 cells of 0.088°
    west, _south, east, _north = tile.bounds()
    cell_centre = west + 14.5 * (east - west) / 16  # clusters are cells of a fixed grid: these six share one
    lons = [cell_centre + n * 1e-4 for n in range(6)]  # 103.9307–103.9312 E at 30.69 N: in real 青羊区, 1.7 km in
    crowded = [listing_at(owner, tree["qingyang"], lon, 30.69) for lon in lons]
    # In real 成都市 (温江区, cell 13; cell 7) and 四川省 (cell 2), as regions 成都 and 四川: one listing per cell.
    apart = [
        listing_at(owner, tree["chengdu"], *INSIDE["510115"]),
        listing_at(owner, tree["chengdu"], 103.3, 30.3),
        listing_at(owner, tree["sichuan"], 102.9, 29.9),
    ]
    listing_at(owner, tree["qingyang"], *INSIDE["510105"], status="draft")

    found = features(client.get(url("supply", tile)), "supply")

    clusters = [feature for feature in found if feature["properties"].get("cluster")]
    assert tile_count(client, tile) == len(crowded) + len(apart)
    assert [feature["properties"]["count"] for feature in clusters] == [6]
    assert clusters[0]["id"] >= CLUSTER_ID_BASE
    assert set(clusters[0]["properties"]) == {"cluster", "count"}
    # A cluster sits at the mean position of its members (Mercator x is linear in longitude).
    ex, ey = expected_pixel(tile, sum(lons) / len(lons), 30.69)
    assert abs(clusters[0]["geometry"]["coordinates"][0] - ex) <= TOLERANCE
    assert abs(clusters[0]["geometry"]["coordinates"][1] - ey) <= TOLERANCE
    singles = {feature["id"] for feature in found if "cluster" not in feature["properties"]}
    assert singles == {listing.pk for listing in apart}


def test_clusters_of_neighbouring_tiles_share_no_listing(client: Client, tree, owner):
    tile = TileAddress(9, *tile_of(9, 104.05, 30.67))  # 103.36–104.0625 × 30.15–30.75
    _west, south, east, north = tile.bounds()
    assert south < 30.67 < north
    for n in range(5):  # on the tile's east edge and a hair either side of it, in real 青羊区 (1 km from its edge)
        listing_at(owner, tree["qingyang"], east + (n - 2) * 1e-9, 30.67)

    neighbour = TileAddress(9, tile.x + 1, tile.y)

    assert tile_count(client, tile) + tile_count(client, neighbour) == 5


def test_a_demand_tile_holds_located_public_demand(client: Client, tree, owner):
    located = Demand.objects.create(
        owner=owner,
        created_by=owner,
        kind="lease",
        status="registered",
        title="求租仓储用地",
        region=tree["chengdu"],
        land_use="1101",
        location=Point(*inside(TILE, 0.5, 0.5), srid=SRID),
    )
    Demand.objects.create(owner=owner, created_by=owner, kind="purchase", status="registered", region=tree["chengdu"])
    Demand.objects.create(
        owner=owner, created_by=owner, kind="lease", status="draft", location=Point(*inside(TILE, 0.2, 0.2), srid=SRID)
    )

    [feature] = features(client.get(url("demand", TILE), {"mode": "lease"}), "demand")

    assert feature["id"] == located.pk
    assert feature["properties"] == {
        "id": located.pk,
        "title": "求租仓储用地",
        "mode": "lease",
        "land_use": "1101",
        "region": "510100",
    }
    assert client.get(url("demand", TILE), {"mode": "purchase"}).status_code == 204


def test_a_parcel_tile_holds_polygons_with_their_attributes_and_listing(client: Client, tree, owner):
    county = tree["jinjiang"]
    west, north = inside(TILE, 0.25, 0.25)
    east, south = inside(TILE, 0.5, 0.5)
    parcel = parcel_create(
        code="510104001001GB00001", geometry=box(west, south, east, north), region=county, land_use="0702"
    )
    plain = parcel_create(
        code="510104001001GB00002", geometry=box(*inside(TILE, 0.6, 0.9), *inside(TILE, 0.9, 0.6)), region=county
    )
    offered = supply_create(owner=owner, region=county, parcel=parcel)
    supply_create(owner=owner, region=county, parcel=plain, status="draft")

    found = by_id(features(client.get(url("parcels", TILE)), "parcels"))

    assert set(found) == {parcel.pk, plain.pk}
    assert found[parcel.pk]["properties"] == {
        "code": "510104001001GB00001",
        "land_use": "0702",
        "land_use_major": "07",
        "area_m2": float(parcel.area_m2),
        "region": "510104",
        "listing_id": offered.pk,
    }
    assert "listing_id" not in found[plain.pk]["properties"]
    # Its north-west corner lands within a tile unit of where PROJ puts it.
    assert found[parcel.pk]["geometry"]["type"] == "Polygon"
    corners = found[parcel.pk]["geometry"]["coordinates"][0]
    ex, ey = expected_pixel(TILE, west, north)
    assert min(abs(x - ex) + abs(y - ey) for x, y in corners) <= 2 * TOLERANCE


def test_parcel_filters_and_the_minimum_zoom(client: Client, tree):
    county = tree["jinjiang"]
    industrial = parcel_create(
        code="510104001001GB00001",
        geometry=box(*inside(TILE, 0.1, 0.4), *inside(TILE, 0.4, 0.1)),
        region=county,
        land_use="0601",
    )
    parcel_create(
        code="510104001001GB00002",
        geometry=box(*inside(TILE, 0.5, 0.9), *inside(TILE, 0.9, 0.5)),
        region=county,
        land_use="0501",
    )

    found = features(client.get(url("parcels", TILE), {"land_use": "06,0702", "region": "510104"}), "parcels")
    assert [feature["id"] for feature in found] == [industrial.pk]
    assert client.get(url("parcels", TILE), {"region": "510105"}).status_code == 204
    below = TileAddress(11, *tile_of(11, 104.12, 30.59))
    assert client.get(url("parcels", below)).status_code == 204  # TILES_PARCELS_MIN_ZOOM is 12


def test_parcels_below_a_pixel_are_left_out_and_the_largest_kept_first(client: Client, tree, settings):
    settings.TILES_FEATURE_CAPS = {**settings.TILES_FEATURE_CAPS, "parcels": 3}
    lon, lat = inside(TILE, 0.5, 0.5)
    sizes = [0.0001 * n for n in range(1, 6)]  # 0.0001° is about 10 m: a pixel at z14 here is 4 m
    for n, side in enumerate(sizes):
        parcel_create(
            code=f"P{n}", geometry=box(lon - side, lat - side, lon + side, lat + side), region=tree["jinjiang"]
        )
    parcel_create(code="TINY", geometry=box(lon, lat, lon + 1e-6, lat + 1e-6), region=tree["jinjiang"])

    found = features(client.get(url("parcels", TILE)), "parcels")

    assert [feature["properties"]["code"] for feature in found] == ["P4", "P3", "P2"]


def test_no_tile_is_ever_above_the_size_cap(client: Client, tree, settings):
    settings.TILES_MAX_BYTES = 2000
    for n in range(60):
        lon, lat = inside(TILE, 0.05 + (n % 10) * 0.09, 0.05 + (n // 10) * 0.15)
        parcel_create(
            code=f"510104001001GB{n:05d}", geometry=box(lon, lat - 0.001, lon + 0.001, lat), region=tree["jinjiang"]
        )

    response = client.get(url("parcels", TILE), HTTP_ACCEPT_ENCODING="identity")

    assert response.status_code == 200
    assert len(response.content) <= 2000
    assert 0 < len(features(response, "parcels")) < 60


def test_region_tiles_draw_outlines_and_labels_by_level_and_zoom(client: Client, tree):
    tile = TileAddress(8, *tile_of(8, *INSIDE["510105"]))  # 102.66–104.0625 × 29.54–30.75

    response = client.get(url("regions", tile))
    outlines = by_id(features(response, "regions"))
    labels = by_id(features(response, "region_labels"))

    # At z8: provinces (z0–8), cities (z5–8) and counties (z7+) of the real outlines that reach into the tile:
    # 四川, 成都, 青羊 and the west tip of 锦江 (from 104.0573°E); 绵阳 and 涪城 are 0.7° and 0.8° north; 北京 has
    # no boundary.
    assert set(outlines) == {510000, 510100, 510104, 510105}
    assert outlines[510105]["properties"] == {"code": "510105", "name": "青羊区", "level": "county"}
    assert outlines[510105]["geometry"]["type"] == "Polygon"
    assert labels[510105]["properties"] == {"code": "510105", "name": "青羊区", "level": "county"}
    # 青羊's point on the surface (GEOS, as PostGIS's ST_PointOnSurface), from its real outline: 103.951 30.689
    label = shapely.point_on_surface(shapely.from_wkb(bytes(tree["qingyang"].boundary.wkb)))
    ex, ey = expected_pixel(tile, label.x, label.y)
    assert abs(labels[510105]["geometry"]["coordinates"][0] - ex) <= TOLERANCE
    assert abs(labels[510105]["geometry"]["coordinates"][1] - ey) <= TOLERANCE

    counties = by_id(features(client.get(url("regions", TILE)), "regions"))
    assert set(counties) == {510104}


def test_amenity_tiles_filter_by_category(client: Client):
    school = amenity_create(
        code="A1", category="school", name="石室中学", lon=inside(TILE, 0.3, 0.3)[0], lat=inside(TILE, 0.3, 0.3)[1]
    )
    amenity_create(
        code="A2", category="park", name="望江楼公园", lon=inside(TILE, 0.6, 0.6)[0], lat=inside(TILE, 0.6, 0.6)[1]
    )

    [feature] = features(client.get(url("amenities", TILE), {"category": "school,hospital"}), "amenities")

    assert feature["id"] == school.pk
    assert feature["properties"] == {"id": school.pk, "category": "school", "name": "石室中学"}
    assert len(features(client.get(url("amenities", TILE)), "amenities")) == 2
