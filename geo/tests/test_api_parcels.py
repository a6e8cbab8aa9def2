"""Parcel search as a paged GeoJSON FeatureCollection and one parcel as a Feature, under /api/geo/parcels/."""

import json
from decimal import Decimal

import pytest
import shapely
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.renderers import JSONRenderer
from geo.api import ParcelListApi
from geo.models import Parcel
from geo.selectors import parcel_search
from geo.serializers import ParcelFeatureOutput
from geo.tests.factories import (
    FUCHENG_1,
    GEOD,
    JINJIANG_1,
    JINJIANG_2,
    QINGYANG_1,
    box,
    parcel_create,
    square,
    square_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcels(tree) -> dict[str, Parcel]:
    """Four square parcels inside their real counties (side in degrees; area ≈ side² · 111.3 km · cos lat · 110.9 km,
    GRS80 geodesic)."""
    return {
        # 0.001° square at INSIDE["510104"] (104.10, 30.60): ≈ 10 632 m²
        JINJIANG_1: parcel_create(
            code=JINJIANG_1,
            geometry=square_in("510104", 0.001),
            region=tree["jinjiang"],
            land_use="0501",
            land_nature=Parcel.LandNature.STATE_OWNED,
            use_right_type=Parcel.UseRightType.GRANTED,
            certificate_number="川(2025)成都市不动产权第0000001号",
            address="锦江区红星路一段1号",
            boundary_east="红星路",
            floor_area_ratio=Decimal("2.50"),
        ),
        # 0.003° square at (104.12, 30.58), south-east of JINJIANG_1 in 锦江区: ≈ 95 705 m²
        JINJIANG_2: parcel_create(
            code=JINJIANG_2,
            geometry=square_in("510104", 0.003, offset=(0.02, -0.02)),
            region=tree["jinjiang"],
            land_use="0701",
            land_nature=Parcel.LandNature.COLLECTIVE,
            use_right_type=Parcel.UseRightType.LEASED,
        ),
        # 0.002° square at INSIDE["510105"] (103.95, 30.69): ≈ 42 488 m²
        QINGYANG_1: parcel_create(
            code=QINGYANG_1,
            geometry=square_in("510105", 0.002),
            region=tree["qingyang"],
            land_use="0502",
            land_nature=Parcel.LandNature.STATE_OWNED,
            use_right_type=Parcel.UseRightType.ALLOCATED,
        ),
        # 0.001° square at INSIDE["510703"] (104.70, 31.40): ≈ 10 545 m²
        FUCHENG_1: parcel_create(
            code=FUCHENG_1,
            geometry=square_in("510703", 0.001),
            region=tree["fucheng"],
            land_use="0601",
            land_nature=Parcel.LandNature.STATE_OWNED,
            use_right_type=Parcel.UseRightType.GRANTED,
        ),
    }


def codes(client: Client, **params: str) -> list[str]:
    response = client.get("/api/geo/parcels/", params)
    assert response.status_code == 200, response.json()
    return [feature["properties"]["code"] for feature in response.json()["features"]]


def plan(sql: str) -> str:
    """PostgreSQL's plan for `sql` when only bitmap scans are allowed: those need an index that matches a condition of
    the query, so the plan names the index that the query can use, whatever the table's size and statistics."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


# ------------------------------------------------------------------------------------------------ the collection


def test_the_list_is_a_paged_feature_collection_by_code(client: Client, parcels):
    body = client.get("/api/geo/parcels/").json()

    assert (body["type"], body["count"], body["next"], body["previous"]) == ("FeatureCollection", 4, None, None)
    assert [f["properties"]["code"] for f in body["features"]] == [JINJIANG_1, JINJIANG_2, QINGYANG_1, FUCHENG_1]


def test_a_feature_carries_the_geometry_centroid_and_the_parcel_attributes(client: Client, parcels):
    feature = client.get(f"/api/geo/parcels/{JINJIANG_1}/").json()

    assert feature["type"] == "Feature"
    assert feature["id"] == parcels[JINJIANG_1].pk
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert shapely.geometry.shape(feature["geometry"]).equals(shapely.box(104.0995, 30.5995, 104.1005, 30.6005))
    properties = feature["properties"]
    # degrees: the square's centre, where it was built
    assert properties.pop("centroid") == pytest.approx([104.10, 30.60], abs=1e-12)
    # m², a decimal string: the square's GRS80 geodesic area by pyproj, rounded to 0.01 m² as stored
    expected_area, _perimeter = GEOD.geometry_area_perimeter(shapely.box(104.0995, 30.5995, 104.1005, 30.6005))
    assert properties.pop("area_m2") == f"{abs(expected_area):.2f}"
    assert properties == {
        "code": JINJIANG_1,
        "region_code": "510104",
        "region_name": "锦江区",
        "address": "锦江区红星路一段1号",
        "land_use": "0501",
        "land_use_name": "零售商业用地",
        "land_nature": "state_owned",
        "use_right_type": "granted",
        "boundary_east": "红星路",
        "boundary_west": "",
        "boundary_south": "",
        "boundary_north": "",
        "floor_area_ratio": "2.50",
        "building_density": None,
        "green_ratio": None,
        "height_limit_m": None,
    }


def test_an_unknown_parcel_is_404(client: Client, parcels):
    response = client.get("/api/geo/parcels/NO-SUCH-PARCEL/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_pages_follow_page_and_page_size(client: Client, parcels):
    first = client.get("/api/geo/parcels/", {"page_size": "3"}).json()
    second = client.get("/api/geo/parcels/", {"page_size": "3", "page": "2"}).json()

    assert (first["count"], len(first["features"]), first["previous"]) == (4, 3, None)
    assert "page=2" in first["next"]
    assert [f["properties"]["code"] for f in second["features"]] == [FUCHENG_1]
    assert second["next"] is None
    assert second["previous"] is not None
    assert client.get("/api/geo/parcels/", {"page": "3", "page_size": "3"}).status_code == 404


def test_a_page_is_one_query_whatever_it_holds(client: Client, parcels, django_assert_num_queries):
    with django_assert_num_queries(1):  # the page's features with the count, regions' names in
        assert len(client.get("/api/geo/parcels/").json()["features"]) == 4
    with django_assert_num_queries(1):
        body = client.get("/api/geo/parcels/", {"page_size": "3", "page": "2"}).json()
    assert (body["count"], [f["properties"]["code"] for f in body["features"]]) == (4, [FUCHENG_1])
    with django_assert_num_queries(1):
        body = client.get("/api/geo/parcels/", {"bbox": "100,20,101,21"}).json()
    assert (body["count"], body["features"]) == (0, [])
    with django_assert_num_queries(1):
        client.get(f"/api/geo/parcels/{JINJIANG_1}/")


def test_the_last_page_and_pages_past_it_are_answered_with_the_exact_count(client: Client, parcels):
    last = client.get("/api/geo/parcels/", {"page_size": "3", "page": "last"}).json()
    assert (last["count"], [f["properties"]["code"] for f in last["features"]]) == (4, [FUCHENG_1])
    # Past the last page, whatever the number (OFFSET is a bigint in PostgreSQL): 404, never 500.
    for page in ("3", "10000", str(2**63), "9" * 40):
        response = client.get("/api/geo/parcels/", {"page_size": "3", "page": page})
        assert response.status_code == 404, (page, response.content)
        assert response.json()["error"]["code"] == "not_found"


# ------------------------------------------------------------------------------------------------ spatial filters


def test_bbox_keeps_the_parcels_that_intersect_it(client: Client, parcels):
    assert codes(client, bbox="104.09,30.59,104.11,30.61") == [JINJIANG_1]
    assert codes(client, bbox="103.9,30.5,104.2,30.7") == [JINJIANG_1, JINJIANG_2, QINGYANG_1]  # 成都's centre
    # 104.12–104.13 covers only the east half of JINJIANG_2 (104.1185–104.1215)
    assert codes(client, bbox="104.12,30.57,104.13,30.59") == [JINJIANG_2]
    assert codes(client, bbox="100,20,101,21") == []


def test_the_bbox_filter_is_answered_from_the_geometry_index(client: Client, parcels):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/geo/parcels/", {"bbox": "103.9,30.5,104.2,30.7"}).json()["count"] == 3

    for query in queries:  # the count and the page; the GiST index of geometry: geo_parcel_geometry_6f…
        query_plan = plan(query["sql"])
        assert "geo_parcel_geometry_" in query_plan, query_plan


# A rectangle over JINJIANG_1 (104.10, 30.60) and QINGYANG_1 (103.95, 30.69) that ends north of JINJIANG_2 (30.58).
STRIP_WKT = "POLYGON((103.94 30.59, 104.11 30.59, 104.11 30.70, 103.94 30.70, 103.94 30.59))"


def test_a_wkt_or_geojson_polygon_keeps_the_parcels_that_intersect_it(client: Client, parcels):
    geojson = json.dumps(shapely.geometry.mapping(shapely.from_wkt(STRIP_WKT)))

    assert codes(client, polygon=STRIP_WKT) == [JINJIANG_1, QINGYANG_1]
    assert codes(client, polygon=geojson) == [JINJIANG_1, QINGYANG_1]
    assert codes(client, polygon=STRIP_WKT, region="510105") == [QINGYANG_1]


@pytest.mark.parametrize(
    ("polygon", "code"),
    [
        ("not a polygon", "invalid"),
        ('{"type": "Polygon"}', "invalid"),
        ("LINESTRING(104 30, 105 31)", "invalid_type"),
        ("POLYGON EMPTY", "invalid_type"),
        ("POLYGON((104 30, 105 31, 105 30, 104 31, 104 30))", "invalid_geometry"),  # a bow tie
        ("POLYGON((200 30, 201 30, 201 31, 200 30))", "out_of_range"),
    ],
)
def test_a_bad_polygon_is_a_400_naming_polygon(client: Client, parcels, polygon, code):
    response = client.get("/api/geo/parcels/", {"polygon": polygon})

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["polygon"]
    assert fields["polygon"][0]["code"] == code


def test_a_polygon_of_more_than_10000_vertices_is_refused(client: Client, parcels):
    circle = shapely.Point(104.10, 30.60).buffer(0.01, quad_segs=2500)  # 10 001 coordinates
    assert shapely.get_num_coordinates(circle) == 10_001

    response = client.get("/api/geo/parcels/", {"polygon": circle.wkt})

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["polygon"][0]["code"] == "too_many_vertices"


@pytest.mark.parametrize(
    "bbox", ["104,30.5,104.2", "a,b,c,d", "104.2,30.5,104.0,30.7", "104,30.5,104.2,91", "nan,30.5,104.2,30.7"]
)
def test_a_bad_bbox_is_a_400_naming_bbox(client: Client, parcels, bbox):
    response = client.get("/api/geo/parcels/", {"bbox": bbox})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["bbox"]


# ------------------------------------------------------------------------------------------------ attribute filters


def test_region_matches_a_county_a_city_or_a_province(client: Client, parcels):
    assert codes(client, region="510104") == [JINJIANG_1, JINJIANG_2]
    assert codes(client, region="510100") == [JINJIANG_1, JINJIANG_2, QINGYANG_1]
    assert codes(client, region="510700") == [FUCHENG_1]
    assert codes(client, region="510000") == [JINJIANG_1, JINJIANG_2, QINGYANG_1, FUCHENG_1]
    assert codes(client, region="110000") == []


def test_land_use_matches_a_first_level_class_or_a_second_level_code(client: Client, parcels):
    assert codes(client, land_use="05") == [JINJIANG_1, QINGYANG_1]
    assert codes(client, land_use="0501") == [JINJIANG_1]
    assert codes(client, land_use="07") == [JINJIANG_2]


def test_land_nature_use_right_type_and_area_filter_exactly(client: Client, parcels):
    assert codes(client, land_nature="collective") == [JINJIANG_2]
    assert codes(client, use_right_type="granted") == [JINJIANG_1, FUCHENG_1]
    # m²: the 0.002° square (≈ 42 488 m²) is the only one between 20 000 and 50 000
    assert codes(client, area_min="20000", area_max="50000") == [QINGYANG_1]
    assert codes(client, area_min="50000") == [JINJIANG_2]
    assert codes(client, area_max="20000") == [JINJIANG_1, FUCHENG_1]


def test_filters_combine(client: Client, parcels):
    assert codes(client, region="510100", land_use="05", use_right_type="allocated") == [QINGYANG_1]
    assert codes(client, bbox="104.0,30.5,104.8,31.5", land_nature="state_owned", area_max="20000") == [
        JINJIANG_1,
        FUCHENG_1,
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "5101"}, "region"),
        ({"land_use": "99"}, "land_use"),
        ({"land_use": "0599"}, "land_use"),
        ({"land_nature": "private"}, "land_nature"),
        ({"use_right_type": "sold"}, "use_right_type"),
        ({"area_min": "many"}, "area_min"),
        ({"area_max": "-1"}, "area_max"),
        ({"area_min": "500", "area_max": "100"}, "area_max"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(client: Client, parcels, params, field):
    response = client.get("/api/geo/parcels/", params)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert Parcel.objects.count() == 4


# ------------------------------------------------------------------------------------------------ built by PostgreSQL


@pytest.fixture
def odd_parcels(parcels, tree) -> list[Parcel]:
    """Parcels with what the JSON built by PostgreSQL must carry as DRF did: coordinates of 17 significant digits,
    every number set (and none), no region, no land use, quotes, a backslash and U+2028 in the texts."""
    return [
        parcel_create(
            code="510104-odd-1",
            geometry=box(104.10123456789012, 30.60987654321098, 104.10234567890123, 30.61098765432109),
            region=tree["jinjiang"],
            land_use="05",
            land_nature=Parcel.LandNature.COLLECTIVE,
            use_right_type=Parcel.UseRightType.OTHER,
            address='锦江区"引号"路\\2\u2028号',
            boundary_west="河",
            floor_area_ratio=Decimal("0.5"),
            building_density=Decimal("35.00"),
            green_ratio=Decimal("30.1"),
            height_limit_m=Decimal("100"),
        ),
        parcel_create(code="510104-odd-2", geometry=square(104.1051, 30.6049, 0.0007), land_use=""),
    ]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"bbox": "104.09,30.59,104.13,30.62"},
        {"bbox": "103.9,30.5,104.8,31.5", "land_nature": "state_owned", "area_max": "20000"},
        {"region": "510100", "land_use": "05", "page_size": "2", "page": "2"},
        {"polygon": STRIP_WKT, "use_right_type": "other"},
    ],
)
def test_the_features_built_by_postgresql_are_those_drf_serialized(client: Client, odd_parcels, params):
    # The reference: what the list answered before, ParcelFeatureOutput over parcel_search, rendered by our renderer.
    data = ParcelListApi.Input(data={k: v for k, v in params.items() if not k.startswith("page")})
    assert data.is_valid(), data.errors
    size, page = int(params.get("page_size", 100)), int(params.get("page", 1))
    expected = parcel_search(**data.validated_data)[(page - 1) * size : page * size]
    expected_features = json.loads(JSONRenderer().render(ParcelFeatureOutput(expected, many=True).data))

    response = client.get("/api/geo/parcels/", params)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert b"\xe2\x80\xa8" not in response.content  # escaped, as DRF does
    body = response.json()
    features = body["features"]
    assert len(features) == len(expected_features) > 0
    # ST_AsGeoJSON writes at most 15 significant digits (12 decimals at 104°), DRF the shortest exact double (up to
    # 17): the same vertices in the same order, each within 5e-13° (≈ 0.05 µm), and everything else exactly.
    for feature, expected_feature in zip(features, expected_features, strict=True):
        geometry, expected_geometry = feature.pop("geometry"), expected_feature.pop("geometry")
        assert geometry["type"] == expected_geometry["type"] == "MultiPolygon"
        assert shapely.equals_exact(
            shapely.geometry.shape(geometry), shapely.geometry.shape(expected_geometry), tolerance=5e-13
        )
    assert features == expected_features
    assert body["count"] == parcel_search(**data.validated_data).count()
