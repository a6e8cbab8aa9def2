"""The region tree, region detail with zoom-simplified boundaries, and the point lookup under /api/geo/regions/."""

import pytest
import shapely
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from geo.models import Region
from geo.tests.factories import INSIDE, OUTSIDE_SICHUAN, box, multipolygon, outline, region_create

pytestmark = pytest.mark.django_db


def plan(sql: str) -> str:
    """PostgreSQL's plan for `sql` when only bitmap scans are allowed: those need an index that matches a condition of
    the query, so the plan names the index that the query can use, whatever the table's size and statistics."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def vertices(geojson: dict) -> int:
    return int(shapely.get_num_coordinates(shapely.geometry.shape(geojson)))


# ------------------------------------------------------------------------------------------------ the tree


def test_without_a_parent_the_provinces_are_listed_by_code_without_geometry(client: Client, tree):
    response = client.get("/api/geo/regions/")

    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "110000",
            "name": "北京市",
            "level": "province",
            "parent": None,
            "abbreviation": "京",
            "has_children": False,
        },
        {
            "code": "510000",
            "name": "四川省",
            "level": "province",
            "parent": None,
            "abbreviation": "川",
            "has_children": True,
        },
    ]


def test_the_children_of_a_province_and_of_a_city_are_listed_level_by_level(client: Client, tree):
    cities = client.get("/api/geo/regions/", {"parent": "510000"}).json()
    counties = client.get("/api/geo/regions/", {"parent": "510100"}).json()

    assert [(c["code"], c["name"], c["level"], c["parent"], c["has_children"]) for c in cities] == [
        ("510100", "成都市", "city", "510000", True),
        ("510700", "绵阳市", "city", "510000", True),
    ]
    assert [(c["code"], c["level"], c["has_children"]) for c in counties] == [
        ("510104", "county", False),
        ("510105", "county", False),
    ]


def test_a_county_has_no_children(client: Client, tree):
    response = client.get("/api/geo/regions/", {"parent": "510104"})

    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize(("parent", "code"), [("520000", "not_found"), ("51", "invalid"), ("5101x4", "invalid")])
def test_an_unknown_or_malformed_parent_is_a_400_naming_parent(client: Client, tree, parent, code):
    response = client.get("/api/geo/regions/", {"parent": parent})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["parent"]
    assert response.json()["error"]["fields"]["parent"][0]["code"] == code


def test_a_level_of_the_tree_is_one_query(client: Client, tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(client.get("/api/geo/regions/", {"parent": "510100"}).json()) == 2


# ------------------------------------------------------------------------------------------------ detail


def test_a_county_comes_with_its_full_boundary_bbox_and_ancestors(client: Client, tree):
    response = client.get("/api/geo/regions/510104/")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "510104"
    assert body["name"] == "锦江区"
    assert body["level"] == "county"
    assert body["parent"] == "510100"
    assert body["has_children"] is False
    assert body["ancestors"] == [
        {"code": "510000", "name": "四川省", "level": "province"},
        {"code": "510100", "name": "成都市", "level": "city"},
    ]
    # degrees, the real outline the fixture stored: 104.0573–104.1683 E × 30.5494–30.6727 N
    real = shapely.from_wkb(bytes(outline("510104").wkb))
    assert body["bbox"] == pytest.approx(list(real.bounds), abs=1e-12)
    assert body["bbox"] == pytest.approx([104.0573, 30.5494, 104.1683, 30.6727], abs=1e-4)
    assert body["boundary"]["type"] == "MultiPolygon"
    assert shapely.geometry.shape(body["boundary"]).equals(real)


def test_a_province_has_no_ancestors_and_a_region_without_boundary_has_none(client: Client, tree):
    body = client.get("/api/geo/regions/110000/").json()

    assert body["ancestors"] == []
    assert body["boundary"] is None
    assert body["bbox"] is None


@pytest.fixture
def round_county(tree) -> Region:
    """金牛区 with a circular boundary: radius 0.02° around (104.04, 30.71), 720 segments, 721 coordinates; the circle
    lies inside real 金牛区 (its widest inscribed circle has radius 0.027° around 104.042 30.707)."""
    circle = shapely.Point(104.04, 30.71).buffer(0.02, quad_segs=180)
    assert shapely.get_num_coordinates(circle) == 721
    return region_create(code="510106", name="金牛区", parent=tree["chengdu"], boundary=multipolygon(circle))


def test_zoom_simplifies_the_boundary_to_about_a_pixel_and_fewer_vertices_at_smaller_scales(
    client: Client, round_county
):
    full = client.get("/api/geo/regions/510106/").json()["boundary"]
    by_zoom = {zoom: client.get("/api/geo/regions/510106/", {"zoom": zoom}).json()["boundary"] for zoom in (8, 12, 22)}

    # the full circle keeps all 721 coordinates; at zoom 22 a pixel (3.4e-7°) is below every vertex's offset from
    # its neighbours' chord (0.02° · (1 − cos 0.5°) = 7.6e-7°), so nothing goes; fewer and fewer at smaller zooms
    assert {full["type"]} | {boundary["type"] for boundary in by_zoom.values()} == {"MultiPolygon"}
    assert vertices(full) == 721
    assert vertices(by_zoom[22]) == 721
    assert vertices(by_zoom[8]) < vertices(by_zoom[12]) < 721
    for zoom in (8, 12):
        # degrees: the simplified ring stays within the tolerance 360 / (256 · 2^zoom) of the full one (shapely)
        tolerance = 360 / (256 * 2**zoom)
        hausdorff = shapely.hausdorff_distance(shapely.geometry.shape(by_zoom[zoom]), shapely.geometry.shape(full))
        assert hausdorff <= tolerance


def test_up_to_zoom_6_the_stored_simplified_boundary_is_used_when_there_is_one(client: Client, round_county):
    round_county.boundary_simplified = box(104.02, 30.69, 104.06, 30.73)
    round_county.save()

    at_6 = client.get("/api/geo/regions/510106/", {"zoom": 6}).json()
    at_7 = client.get("/api/geo/regions/510106/", {"zoom": 7}).json()

    assert shapely.geometry.shape(at_6["boundary"]).equals(shapely.box(104.02, 30.69, 104.06, 30.73))
    assert not shapely.geometry.shape(at_7["boundary"]).equals(shapely.box(104.02, 30.69, 104.06, 30.73))
    # degrees: the bbox is always the full circle's, centre ± 0.02°
    assert at_6["bbox"] == pytest.approx([104.02, 30.69, 104.06, 30.73], abs=1e-9)


@pytest.mark.parametrize("zoom", ["-1", "23", "x", "6.5"])
def test_a_zoom_outside_0_to_22_is_a_400_naming_zoom(client: Client, tree, zoom):
    response = client.get("/api/geo/regions/510104/", {"zoom": zoom})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["zoom"]


def test_an_unknown_code_is_404(client: Client, tree):
    response = client.get("/api/geo/regions/520000/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("code", ["51010", "5101040", "abcdef", "000000", "510010"])
def test_a_malformed_code_is_a_400_naming_code(client: Client, tree, code):
    response = client.get(f"/api/geo/regions/{code}/")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["code"]


def test_a_region_detail_is_one_query_with_its_ancestors(client: Client, tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/api/geo/regions/510104/", {"zoom": 10}).status_code == 200


# ------------------------------------------------------------------------------------------------ lookup


def test_a_point_in_a_county_finds_its_province_city_and_county(client: Client, tree):
    lon, lat = INSIDE["510104"]
    response = client.get("/api/geo/regions/lookup/", {"lon": str(lon), "lat": str(lat)})

    assert response.status_code == 200
    assert response.json() == {
        "province": {"code": "510000", "name": "四川省", "level": "province"},
        "city": {"code": "510100", "name": "成都市", "level": "city"},
        "county": {"code": "510104", "name": "锦江区", "level": "county"},
    }


def test_a_point_outside_every_county_finds_only_the_regions_that_cover_it(client: Client, tree):
    # 温江区 is a real district of 成都 that the tree does not create; OUTSIDE_SICHUAN is in 重庆
    wenjiang, chongqing = INSIDE["510115"], OUTSIDE_SICHUAN
    in_city_only = client.get("/api/geo/regions/lookup/", {"lon": str(wenjiang[0]), "lat": str(wenjiang[1])}).json()
    outside = client.get("/api/geo/regions/lookup/", {"lon": str(chongqing[0]), "lat": str(chongqing[1])}).json()

    assert (in_city_only["province"]["code"], in_city_only["city"]["code"], in_city_only["county"]) == (
        "510000",
        "510100",
        None,
    )
    assert outside == {"province": None, "city": None, "county": None}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "30.5"}, "lon"),
        ({"lon": "104.0"}, "lat"),
        ({"lon": "east", "lat": "30.5"}, "lon"),
        ({"lon": "nan", "lat": "30.5"}, "lon"),
        ({"lon": "181", "lat": "30.5"}, "lon"),
        ({"lon": "104", "lat": "-90.5"}, "lat"),
    ],
)
def test_a_missing_non_numeric_or_out_of_range_coordinate_is_a_400_naming_it(client: Client, tree, params, field):
    response = client.get("/api/geo/regions/lookup/", params)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_a_lookup_is_one_query_answered_from_the_boundary_index(client: Client, tree, django_assert_num_queries):
    with CaptureQueriesContext(connection) as queries, django_assert_num_queries(1):
        lon, lat = INSIDE["510104"]
        assert client.get("/api/geo/regions/lookup/", {"lon": str(lon), "lat": str(lat)}).json()["county"]

    assert "ST_Covers" in queries[0]["sql"]
    query_plan = plan(queries[0]["sql"])
    assert "geo_region_boundary_" in query_plan, query_plan  # the GiST index of boundary: geo_region_boundary_2a…


# ------------------------------------------------------------------------------------------------ schema


def test_the_geo_endpoints_are_documented_in_the_openapi_schema(client: Client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]

    assert {
        "/api/geo/regions/",
        "/api/geo/regions/{code}/",
        "/api/geo/regions/lookup/",
        "/api/geo/regions/{code}/parcels.geojson",
        "/api/geo/regions/{code}/parcels.gpkg",
        "/api/geo/parcels/",
        "/api/geo/parcels/{code}/",
        "/api/geo/parcels/{code}/surroundings/",
    } <= set(paths)
    parcel_params = {p["name"] for p in paths["/api/geo/parcels/"]["get"]["parameters"]}
    assert {"bbox", "polygon", "region", "land_use", "area_min", "area_max", "page", "page_size"} <= parcel_params
