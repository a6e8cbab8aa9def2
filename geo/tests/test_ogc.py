"""OGC API - Features at /ogc/: documents, GeoJSON items, bbox, paging, CRS, errors, and GDAL reading it."""

import os
import subprocess
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection
from django.test import Client
from pyproj import Geod, Transformer

from geo.models import SRID, Amenity, Parcel, Region
from geo.ogc.queries import COLLECTIONS, BBox, ItemsQuery, feature_page_sql
from geo.tests.factories import outline

pytestmark = pytest.mark.django_db

WGS84 = Geod(ellps="WGS84")
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/{}"
# Four parcels in a row 0.01° apart in real 锦江区, Chengdu (lower left corners at 30.59°N), and one in Haikou.
CHENGDU_CODES = [f"510104001001GB0000{n}" for n in range(1, 5)]
HAIKOU_CODE = "460106001001GB00001"
ALL_PARCEL_CODES = sorted([*CHENGDU_CODES, HAIKOU_CODE])


def _square(lon: float, lat: float, size: float = 0.002) -> MultiPolygon:
    # Polygon.from_bbox's ring starts at the lower left corner: (lon, lat) is the first coordinate.
    return MultiPolygon(Polygon.from_bbox((lon, lat, lon + size, lat + size)), srid=SRID)


def _parcel(code: str, geometry: MultiPolygon, **attributes: Any) -> Parcel:
    lons, lats = zip(*geometry[0][0].coords, strict=True)
    # area_m2: the geodesic area on the WGS 84 ellipsoid (pyproj's Karney algorithm; CGCS2000's ellipsoid differs
    # by 0.1 mm in the semi-minor axis), in m², rounded to 0.01 m²: about 42 500 m² for a 0.002° square here.
    area, _ = WGS84.polygon_area_perimeter(lons, lats)
    # centroid: GEOS's planar centroid in degrees, which is the exact centre for these small squares.
    return Parcel.objects.create(
        code=code,
        geometry=geometry,
        centroid=geometry.centroid,
        area_m2=Decimal(abs(area)).quantize(Decimal("0.01")),
        **attributes,
    )


@pytest.fixture
def regions() -> dict[str, Region]:
    sichuan = Region.objects.create(code="510000", name="四川省", level="province", abbreviation="川")
    chengdu = Region.objects.create(code="510100", name="成都市", level="city", parent=sichuan, abbreviation="川")
    jinjiang = Region.objects.create(
        code="510104",
        name="锦江区",
        level="county",
        parent=chengdu,
        abbreviation="川",
        boundary=outline("510104"),  # the real outline (geo.tests.factories)
    )
    hainan = Region.objects.create(code="460000", name="海南省", level="province", abbreviation="琼")
    return {region.code: region for region in (sichuan, chengdu, jinjiang, hainan)}


@pytest.fixture
def parcels(regions: dict[str, Region]) -> dict[str, Parcel]:
    jinjiang = regions["510104"]
    made = [
        _parcel(CHENGDU_CODES[0], _square(104.09, 30.59), region=jinjiang, land_use="0501", address="锦江区红星路"),
        _parcel(CHENGDU_CODES[1], _square(104.10, 30.59), region=jinjiang, land_use="0701", land_nature="state_owned"),
        _parcel(
            CHENGDU_CODES[2],
            _square(104.11, 30.59),
            region=jinjiang,
            land_use="0501",
            use_right_type="granted",
            floor_area_ratio=Decimal("2.50"),
        ),
        # A right triangle with its right angle at the lower left: its bounding box's upper right corner is empty.
        _parcel(
            CHENGDU_CODES[3],
            MultiPolygon(Polygon(((104.12, 30.59), (104.122, 30.59), (104.12, 30.592), (104.12, 30.59))), srid=SRID),
            region=jinjiang,
            land_use="1001",
            certificate_number="川(2026)成都市不动产权第0000001号",
        ),
        _parcel(HAIKOU_CODE, _square(110.33, 20.03), land_use="0501", unit_numbers=["460106001001GB00001F00010001"]),
    ]
    return {parcel.code: parcel for parcel in made}


@pytest.fixture
def amenities() -> list[Amenity]:
    return [
        Amenity.objects.create(
            code="AM-S-1", category="school", name="红星路小学", location=Point(104.091, 30.591, srid=SRID)
        ),
        Amenity.objects.create(
            code="AM-M-1", category="metro_station", name="春熙路站", location=Point(104.105, 30.595, srid=SRID)
        ),
        Amenity.objects.create(
            code="AM-H-1", category="hospital", name="海口市人民医院", location=Point(110.34, 20.04, srid=SRID)
        ),
    ]


def _ids(body: dict[str, Any]) -> list[str]:
    return [feature["id"] for feature in body["features"]]


def _rels(body: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {link["rel"]: link for link in body["links"]}


# ------------------------------------------------------------------------------ landing page, conformance, collections


def test_landing_page_links_itself_the_api_definition_conformance_and_collections(client: Client):
    response = client.get("/ogc/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["title"]
    assert body["description"]
    links = _rels(body)
    assert links["self"]["href"] == "http://testserver/ogc/"
    assert links["service-desc"]["href"] == "http://testserver/ogc/api"
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert links["service-doc"]["href"] == "http://testserver/api/schema/swagger-ui/"
    assert links["conformance"]["href"] == "http://testserver/ogc/conformance"
    assert links["data"]["href"] == "http://testserver/ogc/collections"


def test_the_api_definition_describes_the_ogc_paths_with_the_media_type_gdal_expects(client: Client):
    # GDAL's OAPIF driver sends this Accept header and refuses a Content-Type without version=3.0.
    accept = "application/vnd.oai.openapi+json;version=3.0, application/openapi+json;version=3.0, application/json"

    response = client.get("/ogc/api", HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    items = response.json()["paths"]["/ogc/collections/{collection_id}/items"]["get"]
    parameters = {parameter["name"] for parameter in items["parameters"]}
    assert {"bbox", "bbox-crs", "crs", "limit", "offset", "land_use", "category"} <= parameters


def test_conformance_declares_core_geojson_and_the_crs_extension(client: Client):
    response = client.get("/ogc/conformance", {"f": "json"})

    assert response.status_code == 200
    assert set(response.json()["conformsTo"]) == {
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    }


def test_collections_have_extents_from_the_data_crs_lists_and_items_links(client: Client, parcels, amenities):
    response = client.get("/ogc/collections")

    assert response.status_code == 200
    body = response.json()
    assert _rels(body)["self"]["href"] == "http://testserver/ogc/collections"
    collections = {collection["id"]: collection for collection in body["collections"]}
    assert list(collections) == ["regions", "parcels", "amenities"]
    parcels_doc = collections["parcels"]
    # Lower left: the Chengdu row's west edge (104.09°E) and Haikou's south edge (20.03°N); upper right: Haikou's
    # east edge (110.332°E) and the Chengdu squares' north edge (30.592°N).
    assert parcels_doc["extent"]["spatial"]["bbox"][0] == pytest.approx([104.09, 20.03, 110.332, 30.592], abs=1e-9)
    assert parcels_doc["extent"]["spatial"]["crs"] == CRS84
    assert parcels_doc["itemType"] == "feature"
    assert parcels_doc["storageCrs"] == EPSG.format(4490)
    assert parcels_doc["crs"] == [CRS84, EPSG.format(4490), EPSG.format(4326), EPSG.format(3857)]
    items = _rels(parcels_doc)["items"]
    assert items["href"] == "http://testserver/ogc/collections/parcels/items"
    assert items["type"] == "application/geo+json"
    # Only Jinjiang has a boundary: its real outline's extent, about 104.057–104.168 × 30.549–30.673.
    assert collections["regions"]["extent"]["spatial"]["bbox"][0] == pytest.approx(list(outline("510104").extent))


def test_a_collection_without_features_has_no_extent(client: Client):
    response = client.get("/ogc/collections/amenities")

    assert response.status_code == 200
    assert response.json()["id"] == "amenities"
    assert "extent" not in response.json()


@pytest.mark.parametrize(
    "path", ["/ogc/collections/listings", "/ogc/collections/listings/items", "/ogc/collections/listings/items/1"]
)
def test_an_unknown_collection_is_a_structured_404(client: Client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response.json()["error"]["fields"] == {}


def test_the_feature_schema_types_every_published_attribute(client: Client):
    response = client.get("/ogc/collections/parcels/schema")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    properties = response.json()["properties"]["properties"]["properties"]
    assert list(properties) == list(COLLECTIONS["parcels"].properties)
    assert properties["area_m2"]["type"] == "number"
    assert properties["floor_area_ratio"]["type"] == "number"
    assert properties["region_id"]["type"] == "string"
    # staff-only attributes (core.classification) are not published
    assert not {"certificate_number", "registration_authority", "unit_numbers"} & set(properties)
    assert properties["updated_at"]["format"] == "date-time"
    describedby = _rels(client.get("/ogc/collections/parcels").json())["describedBy"]
    assert describedby["href"] == "http://testserver/ogc/collections/parcels/schema"


# ------------------------------------------------------------------------------ items


def test_items_are_a_geojson_feature_collection_with_codes_as_ids_and_typed_properties(client: Client, parcels):
    response = client.get("/ogc/collections/parcels/items")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == f"<{CRS84}>"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == body["numberReturned"] == 5
    assert body["timeStamp"].endswith("Z")
    assert _ids(body) == ALL_PARCEL_CODES
    chengdu = body["features"][1]
    assert chengdu["type"] == "Feature"
    assert chengdu["geometry"]["type"] == "MultiPolygon"
    # CRS84 is longitude first: the ring starts at the lower left corner as stored.
    assert chengdu["geometry"]["coordinates"][0][0][0] == [104.09, 30.59]
    properties = chengdu["properties"]
    assert properties["code"] == CHENGDU_CODES[0]
    assert properties["area_m2"] == float(parcels[CHENGDU_CODES[0]].area_m2)
    assert 38_000 < properties["area_m2"] < 44_000  # 0.002° ≈ 192 m east-west × 222 m north-south here
    assert properties["region_id"] == "510104"
    assert properties["land_use"] == "0501"
    assert properties["address"] == "锦江区红星路"
    assert "centroid" not in properties
    assert "geometry" not in properties
    haikou = body["features"][0]["properties"]
    assert "unit_numbers" not in haikou  # staff only
    assert haikou["region_id"] is None


def test_regions_and_amenities_publish_their_attributes(client: Client, regions, amenities):
    regions_body = client.get("/ogc/collections/regions/items").json()
    amenities_body = client.get("/ogc/collections/amenities/items").json()

    jinjiang = next(feature for feature in regions_body["features"] if feature["id"] == "510104")
    assert set(jinjiang["properties"]) == {"code", "name", "level", "parent_id", "abbreviation", "source", "updated_at"}
    assert jinjiang["properties"]["name"] == "锦江区"
    assert jinjiang["properties"]["level"] == "county"
    assert jinjiang["properties"]["parent_id"] == "510100"
    assert jinjiang["properties"]["abbreviation"] == "川"
    assert jinjiang["geometry"]["coordinates"][0][0][0] == list(outline("510104")[0][0][0])  # as stored
    hainan = next(feature for feature in regions_body["features"] if feature["id"] == "460000")
    assert hainan["geometry"] is None
    school = next(feature for feature in amenities_body["features"] if feature["id"] == "AM-S-1")
    assert school["geometry"] == {"type": "Point", "coordinates": [104.091, 30.591]}
    assert school["properties"]["category"] == "school"
    assert school["properties"]["name"] == "红星路小学"


def test_bbox_returns_exactly_the_features_whose_shapes_it_intersects(client: Client, parcels):
    # From between the first and second square to between the third square and the triangle.
    inside = client.get("/ogc/collections/parcels/items", {"bbox": "104.095,30.585,104.115,30.6"}).json()
    # Inside the triangle's bounding box but beyond its hypotenuse (x + y > 104.122 + 30.59 there).
    corner = client.get("/ogc/collections/parcels/items", {"bbox": "104.1215,30.5915,104.125,30.595"}).json()

    assert _ids(inside) == CHENGDU_CODES[1:3]
    assert inside["numberMatched"] == 2
    assert _ids(corner) == []


@pytest.mark.parametrize(
    ("bbox_crs", "transform"),
    [
        (CRS84, lambda lon, lat: (lon, lat)),
        (EPSG.format(4490), lambda lon, lat: (lat, lon)),  # EPSG's axis order: latitude first
        (EPSG.format(4326), lambda lon, lat: (lat, lon)),
        (EPSG.format(3857), Transformer.from_crs(4490, 3857, always_xy=True).transform),
        ("EPSG:3857", Transformer.from_crs(4490, 3857, always_xy=True).transform),
    ],
)
def test_bbox_in_another_crs_selects_the_same_features(client: Client, parcels, bbox_crs, transform):
    lower, upper = transform(104.095, 30.585), transform(104.115, 30.6)

    response = client.get(
        "/ogc/collections/parcels/items", {"bbox": ",".join(map(str, (*lower, *upper))), "bbox-crs": bbox_crs}
    )

    assert response.status_code == 200
    assert _ids(response.json()) == CHENGDU_CODES[1:3]


def test_bbox_uses_the_spatial_index(parcels):
    query = ItemsQuery(collection=COLLECTIONS["parcels"], bbox=BBox(104.095, 30.585, 104.115, 30.6))
    sql, params = feature_page_sql(query)

    with connection.cursor() as cursor:
        # Five rows would be scanned sequentially; forbid that to see which index the filter can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Scan using geo_parcel_geometry_" in plan or "Bitmap Index Scan on geo_parcel_geometry_" in plan
    assert "Seq Scan" not in plan


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ("104,30,105", "four comma-separated numbers"),
        ("104,30,105,31,x", "four comma-separated numbers"),
        ("a,b,c,d", "four comma-separated numbers"),
        ("104,30,nan,31", "four comma-separated numbers"),
        ("104,30,0,105,31,100", "six numbers"),
        ("105,30,104,31", "lower bound exceeds"),
    ],
)
def test_a_malformed_bbox_is_a_400_in_the_error_body(client: Client, bbox, message):
    response = client.get("/ogc/collections/parcels/items", {"bbox": bbox}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["bbox"]
    assert message in error["fields"]["bbox"][0]["message"]


def test_property_filters_select_by_equality(client: Client, parcels, amenities):
    def ids(collection: str, **params: str) -> list[str]:
        return _ids(client.get(f"/ogc/collections/{collection}/items", params).json())

    assert ids("parcels", land_use="0501") == [HAIKOU_CODE, CHENGDU_CODES[0], CHENGDU_CODES[2]]
    assert ids("parcels", land_use="0501", region="510104") == [CHENGDU_CODES[0], CHENGDU_CODES[2]]
    assert ids("parcels", region_id="510104", bbox="104.095,30.585,104.23,30.6") == CHENGDU_CODES[1:]
    assert ids("amenities", category="school") == ["AM-S-1"]
    assert ids("regions", level="province") == ["460000", "510000"]
    assert ids("regions", parent="510100") == ["510104"]


# ------------------------------------------------------------------------------ paging


def test_next_links_lead_through_every_feature_once(client: Client, parcels):
    url: str | None = "/ogc/collections/parcels/items?limit=2"
    pages = []
    while url:
        body = client.get(url).json()
        pages.append(body)
        url = _rels(body).get("next", {}).get("href")

    assert [page["numberReturned"] for page in pages] == [2, 2, 1]
    assert {page["numberMatched"] for page in pages} == {5}
    assert [code for page in pages for code in _ids(page)] == ALL_PARCEL_CODES
    assert "prev" not in _rels(pages[0])
    assert _rels(pages[1])["prev"]["href"] == "http://testserver/ogc/collections/parcels/items?limit=2&offset=0"
    assert _rels(pages[1])["next"]["type"] == "application/geo+json"


def test_next_links_keep_the_filters_and_the_crs(client: Client, parcels):
    first = client.get("/ogc/collections/parcels/items", {"limit": "1", "land_use": "0501", "crs": EPSG.format(3857)})

    next_href = _rels(first.json())["next"]["href"]
    second = client.get(next_href)

    assert f"crs={EPSG.format(3857)}" in next_href
    assert second["Content-Crs"] == f"<{EPSG.format(3857)}>"
    assert _ids(second.json()) == [CHENGDU_CODES[0]]


def test_limit_defaults_to_100_and_is_lowered_to_1000(client: Client):
    Amenity.objects.bulk_create(
        Amenity(
            code=f"AM-B-{n:04d}", category="bus_stop", name=f"站 {n}", location=Point(104 + n * 1e-4, 30.6, srid=SRID)
        )
        for n in range(1001)
    )

    default = client.get("/ogc/collections/amenities/items").json()
    too_many = client.get("/ogc/collections/amenities/items", {"limit": 5000}).json()

    assert default["numberReturned"] == 100
    assert too_many["numberReturned"] == 1000
    assert too_many["numberMatched"] == 1001
    # The next page continues from the lowered limit.
    assert _rels(too_many)["next"]["href"].endswith("limit=1000&offset=1000")


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": "ten"}, {"offset": -1}, {"offset": 10**12}])
def test_a_limit_below_one_or_a_bad_offset_is_a_400(client: Client, params):
    response = client.get("/ogc/collections/parcels/items", params)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == list(params)


def test_an_offset_beyond_the_end_is_an_empty_page_with_the_count(client: Client, parcels):
    body = client.get("/ogc/collections/parcels/items", {"offset": 10}).json()

    assert body["features"] == []
    assert body["numberMatched"] == 5
    assert "next" not in _rels(body)


# ------------------------------------------------------------------------------ CRS


def test_crs_3857_gives_metres_transformed_by_postgis(client: Client, parcels):
    response = client.get("/ogc/collections/parcels/items", {"crs": EPSG.format(3857)})

    assert response["Content-Crs"] == f"<{EPSG.format(3857)}>"
    chengdu = response.json()["features"][1]
    x, y = chengdu["geometry"]["coordinates"][0][0][0]
    expected = Transformer.from_crs(4490, 3857, always_xy=True).transform(104.09, 30.59)
    # ≈ (11 583 906.21 m, 3 588 671.95 m); written with 2 decimals, so within 0.005 m of pyproj (same PROJ formulas).
    assert (x, y) == pytest.approx(expected, abs=0.01)
    assert x > 11_000_000


@pytest.mark.parametrize(
    ("crs", "uri"),
    [
        (EPSG.format(4326), EPSG.format(4326)),
        (EPSG.format(4490), EPSG.format(4490)),
        ("EPSG:4326", EPSG.format(4326)),
        ("[EPSG:4490]", EPSG.format(4490)),
    ],
)
def test_epsg_geographic_crss_put_latitude_first(client: Client, parcels, crs, uri):
    response = client.get(f"/ogc/collections/parcels/items/{CHENGDU_CODES[0]}", {"crs": crs})

    assert response.status_code == 200
    assert response.json()["geometry"]["coordinates"][0][0][0] == [30.59, 104.09]
    assert response["Content-Crs"] == f"<{uri}>"


@pytest.mark.parametrize("param", ["crs", "bbox-crs"])
def test_an_unsupported_crs_is_a_400(client: Client, param):
    response = client.get("/ogc/collections/parcels/items", {param: EPSG.format(4547), "bbox": "1,2,3,4"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [param]


# ------------------------------------------------------------------------------ single features


def test_a_single_feature_by_its_code_with_links(client: Client, parcels):
    response = client.get(f"/ogc/collections/parcels/items/{CHENGDU_CODES[3]}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == f"<{CRS84}>"
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["id"] == CHENGDU_CODES[3]
    assert feature["geometry"]["coordinates"] == [
        [[[104.12, 30.59], [104.122, 30.59], [104.12, 30.592], [104.12, 30.59]]]
    ]
    assert "certificate_number" not in feature["properties"]  # staff only
    links = _rels(feature)
    assert links["self"]["href"] == f"http://testserver/ogc/collections/parcels/items/{CHENGDU_CODES[3]}"
    assert links["collection"]["href"] == "http://testserver/ogc/collections/parcels"


def test_regions_and_amenities_are_found_by_code(client: Client, regions, amenities):
    region = client.get("/ogc/collections/regions/items/510100").json()
    amenity = client.get("/ogc/collections/amenities/items/AM-M-1").json()

    assert region["properties"]["name"] == "成都市"
    assert region["geometry"] is None
    assert amenity["geometry"]["coordinates"] == [104.105, 30.595]


def test_an_unknown_feature_is_a_structured_404(client: Client, parcels):
    response = client.get("/ogc/collections/parcels/items/510104001001GB09999")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# ------------------------------------------------------------------------------ formats, methods, query counts


@pytest.mark.parametrize("path", ["/ogc/", "/ogc/collections", "/ogc/collections/parcels/items"])
def test_only_the_json_format_is_offered(client: Client, path):
    assert client.get(path, {"f": "json"}).status_code == 200
    response = client.get(path, {"f": "html"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["f"]


def test_the_api_is_read_only(client: Client):
    response = client.post("/ogc/collections/parcels/items", {}, content_type="application/json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_each_request_is_one_query(client: Client, parcels, django_assert_num_queries):
    params = {"bbox": "104,30,105,31", "land_use": "0501", "crs": EPSG.format(3857), "limit": "1"}
    with django_assert_num_queries(1):
        page = client.get("/ogc/collections/parcels/items", params)
    with django_assert_num_queries(1):
        client.get("/ogc/collections")
    with django_assert_num_queries(1):
        client.get(f"/ogc/collections/parcels/items/{HAIKOU_CODE}")
    with django_assert_num_queries(0):
        client.get("/ogc/")

    assert page.json()["numberReturned"] == 1


# ------------------------------------------------------------------------------ GDAL's OAPIF driver


def _ogrinfo(*args: str) -> str:
    env = {
        **os.environ,
        "GDAL_HTTP_TIMEOUT": "30",
        "GDAL_HTTP_MAX_RETRY": "0",
        "NO_PROXY": "*",  # the live server is local; never send it through a proxy from the environment
        "no_proxy": "*",
    }
    result = subprocess.run(  # noqa: S603
        ["/usr/bin/ogrinfo", "-ro", *args], capture_output=True, encoding="utf-8", env=env, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr, result.stderr
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_gdal_lists_the_collections_and_reads_every_parcel_through_the_next_links(live_server, parcels, amenities):
    url = f"OAPIF:{live_server.url}/ogc/"

    listing = _ogrinfo("-so", url)
    # PAGE_SIZE=2 makes GDAL follow two next links to read the five parcels; the floor area ratio is null on the
    # first page, so GDAL takes its type from the collection's JSON Schema (describedBy), not from that page.
    features = _ogrinfo("-al", "-oo", "PAGE_SIZE=2", url, "parcels")
    school = _ogrinfo("-al", url, "amenities", "-where", "category = 'school'")

    assert "1: regions" in listing
    assert "2: parcels" in listing
    assert "3: amenities" in listing
    assert "Feature Count: 5" in features
    for code in ALL_PARCEL_CODES:
        assert f"code (String) = {code}" in features
    assert f"area_m2 (Real) = {float(parcels[CHENGDU_CODES[0]].area_m2):.15g}" in features
    assert "land_use (String) = 0501" in features
    assert "floor_area_ratio (Real) = 2.5" in features
    assert "region_id (String) = 510104" in features
    assert "MULTIPOLYGON (((104.09 30.59,104.09 30.592,104.092 30.592,104.092 30.59,104.09 30.59)))" in features
    assert "name (String) = 红星路小学" in school
    assert "春熙路站" not in school
