"""A parcel's surroundings (周边配套): amenity counts and nearest distances per radius and category."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from geo.models import Amenity, Parcel
from geo.tests.factories import GEOD, amenity_create_at, chengdu_tree, parcel_create, point_in, square_in

pytestmark = pytest.mark.django_db

PARCEL = "510104001001GB00001"
# The parcel is a 0.001° square centred here, so this is its centroid, where distances start (lon, lat degrees).
ORIGIN = point_in("510104")  # (104.10, 30.60), well inside real 锦江区


@pytest.fixture
def parcel() -> Parcel:
    tree = chengdu_tree()
    return parcel_create(code=PARCEL, geometry=square_in("510104", 0.001), region=tree["jinjiang"], land_use="0501")


@pytest.fixture
def amenities(parcel) -> dict[str, Amenity]:
    """Amenities placed along GRS80 geodesics from the centroid (pyproj Geod.fwd), at the distances named (m)."""

    def at(code: str, category: str, azimuth_deg: float, distance_m: float) -> Amenity:
        return amenity_create_at(
            code=code, category=category, name=code, origin=ORIGIN, azimuth_deg=azimuth_deg, distance_m=distance_m
        )

    return {
        "school_300_east": at("school_300_east", "school", 90, 300),
        "school_750_north": at("school_750_north", "school", 0, 750),
        "hospital_2000": at("hospital_2000", "hospital", 200, 2000),
        # 2995 m due north on the ellipsoid is 3004 m on a sphere of the mean radius (6 371 009 m) because the
        # meridian's radius of curvature here is 6 351 960 m: only an ellipsoidal distance keeps it within 3000 m.
        "bus_2995_north": at("bus_2995_north", "bus_stop", 0, 2995),
        # 3005 m due east on the ellipsoid is 2999 m on that sphere (prime-vertical radius 6 383 676 m).
        "bus_3005_east": at("bus_3005_east", "bus_stop", 90, 3005),
        "metro_4000": at("metro_4000", "metro_station", 45, 4000),
    }


def geodesic_m(amenity: Amenity) -> float:
    """The GRS80 geodesic distance from the centroid to the amenity by pyproj (Karney's algorithm), m."""
    _azimuth, _back, distance = GEOD.inv(ORIGIN[0], ORIGIN[1], amenity.location.x, amenity.location.y)
    return distance


def by_category(ring: dict) -> dict[str, dict]:
    return {item["category"]: item for item in ring["categories"]}


def surroundings(client: Client, **params: str) -> dict:
    response = client.get(f"/api/geo/parcels/{PARCEL}/surroundings/", params)
    assert response.status_code == 200, response.json()
    return response.json()


def test_counts_and_nearest_per_default_radius_and_category(client: Client, amenities):
    body = surroundings(client)

    assert body["parcel_code"] == PARCEL
    assert body["origin"] == pytest.approx(list(ORIGIN), abs=1e-12)  # degrees
    assert [ring["radius_m"] for ring in body["radii"]] == [500, 1000, 3000]
    for ring in body["radii"]:
        assert [item["category"] for item in ring["categories"]] == Amenity.Category.values
    r500, r1000, r3000 = (by_category(ring) for ring in body["radii"])
    counts = {
        radius: {category: item["count"] for category, item in ring.items() if item["count"]}
        for radius, ring in ((500, r500), (1000, r1000), (3000, r3000))
    }
    assert counts == {
        500: {"school": 1},
        1000: {"school": 2},
        3000: {"school": 2, "hospital": 1, "bus_stop": 1},
    }
    assert r500["school"]["nearest"]["code"] == "school_300_east"
    assert r500["school"]["category_name"] == "学校"  # zh-hans, the default language
    assert r500["hospital"] == {"category": "hospital", "category_name": "医院", "count": 0, "nearest": None}
    assert r3000["metro_station"]["nearest"] is None
    assert r3000["bus_stop"]["nearest"]["code"] == "bus_2995_north"


def test_nearest_distances_agree_with_pyproj_geodesics_to_a_tenth_of_a_metre(client: Client, amenities):
    r3000 = by_category(surroundings(client, radii="3000")["radii"][0])

    # m: PostGIS geography (spheroid) against pyproj's GRS80 geodesic; the API rounds to 0.1 m, so within 0.1 m
    for category, code in [
        ("school", "school_300_east"),
        ("hospital", "hospital_2000"),
        ("bus_stop", "bus_2995_north"),
    ]:
        nearest = r3000[category]["nearest"]
        assert nearest["code"] == code
        assert nearest["name"] == code
        assert nearest["distance_m"] == pytest.approx(geodesic_m(amenities[code]), abs=0.1)
    # and the placement itself: 300 m by construction (Geod.fwd then Geod.inv round trip, to 1e-6 m)
    assert geodesic_m(amenities["school_300_east"]) == pytest.approx(300, abs=1e-6)
    assert r3000["school"]["nearest"]["distance_m"] == 300.0


def test_radii_are_chosen_sorted_and_deduplicated(client: Client, amenities):
    body = surroundings(client, radii="5000,250,5000")

    assert [ring["radius_m"] for ring in body["radii"]] == [250, 5000]
    r250, r5000 = (by_category(ring) for ring in body["radii"])
    assert sum(item["count"] for item in r250.values()) == 0
    # m: within 5000 m both bus stops (2995, 3005) and the metro station (4000) count
    assert (r5000["bus_stop"]["count"], r5000["metro_station"]["count"], r5000["school"]["count"]) == (2, 1, 2)
    assert r5000["metro_station"]["nearest"]["distance_m"] == pytest.approx(4000, abs=0.1)


def test_the_default_radii_come_from_settings(client: Client, amenities, settings):
    settings.GEO_SURROUNDING_RADII_M = [400]

    body = surroundings(client)

    assert [ring["radius_m"] for ring in body["radii"]] == [400]
    assert by_category(body["radii"][0])["school"]["count"] == 1


@pytest.mark.parametrize(
    ("radii", "code"),
    [
        ("0", "out_of_range"),
        ("20001", "out_of_range"),
        ("-5", "out_of_range"),
        ("100,200,300,400,500,600", "too_many"),
        ("500,", "invalid"),
        ("1.5km", "invalid"),
    ],
)
def test_bad_radii_are_a_400_naming_radii(client: Client, amenities, radii, code):
    response = client.get(f"/api/geo/parcels/{PARCEL}/surroundings/", {"radii": radii})

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["radii"][0]["code"] == code
    assert list(response.json()["error"]["fields"]) == ["radii"]


def test_an_unknown_parcel_is_404(client: Client, amenities):
    response = client.get("/api/geo/parcels/NO-SUCH-PARCEL/surroundings/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_surroundings_are_two_queries_and_use_the_amenity_geography_index(
    client: Client, amenities, django_assert_num_queries
):
    with CaptureQueriesContext(connection) as queries, django_assert_num_queries(2):  # the parcel, the surroundings
        surroundings(client, radii="500,1000,3000,5000,20000")

    amenity_sql = queries[1]["sql"]
    assert "location::geography" in amenity_sql
    with connection.cursor() as cursor:
        # only bitmap scans allowed: they need an index matching a condition of the query, so the plan can only
        # name geo_amenity_geog_gist if ST_DWithin's `location::geography` is exactly the indexed expression
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + amenity_sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on geo_amenity_geog_gist" in plan, plan
