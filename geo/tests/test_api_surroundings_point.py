"""A point's surroundings (周边配套, e.g. of a listing without a parcel): the same counts and nearest distances as a
parcel's, from the point given, and structured 400s for a bad lon, lat or radii."""

import pytest
from django.test import Client

from geo.models import Amenity
from geo.tests.factories import GEOD, amenity_create_at, chengdu_tree, parcel_create, point_in, square_in

pytestmark = pytest.mark.django_db

URL = "/api/geo/surroundings/"
# Where distances start (lon, lat degrees); no parcel needed.
ORIGIN = point_in("510104")  # (104.10, 30.60), well inside real 锦江区


@pytest.fixture
def amenities() -> dict[str, Amenity]:
    """Amenities placed along GRS80 geodesics from ORIGIN (pyproj Geod.fwd), at the distances named (m)."""

    def at(code: str, category: str, azimuth_deg: float, distance_m: float) -> Amenity:
        return amenity_create_at(
            code=code, category=category, name=code, origin=ORIGIN, azimuth_deg=azimuth_deg, distance_m=distance_m
        )

    return {
        "school_300_east": at("school_300_east", "school", 90, 300),
        "school_750_north": at("school_750_north", "school", 0, 750),
        "hospital_2000": at("hospital_2000", "hospital", 200, 2000),
        "metro_4000": at("metro_4000", "metro_station", 45, 4000),
    }


def by_category(ring: dict) -> dict[str, dict]:
    return {item["category"]: item for item in ring["categories"]}


def test_counts_and_nearest_per_default_radius_and_category_around_the_point(client: Client, amenities):
    response = client.get(URL, {"lon": str(ORIGIN[0]), "lat": str(ORIGIN[1])})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["origin"] == pytest.approx(list(ORIGIN), abs=1e-12)  # degrees, as given
    assert [ring["radius_m"] for ring in body["radii"]] == [500, 1000, 3000]
    r500, r1000, r3000 = (by_category(ring) for ring in body["radii"])
    assert list(r500) == Amenity.Category.values
    assert (r500["school"]["count"], r1000["school"]["count"], r3000["school"]["count"]) == (1, 2, 2)
    assert (r1000["hospital"]["count"], r3000["hospital"]["count"]) == (0, 1)
    assert r3000["metro_station"] == {
        "category": "metro_station",
        "category_name": "地铁站",  # zh-hans, the default language
        "count": 0,
        "nearest": None,
    }
    nearest = r3000["hospital"]["nearest"]
    assert nearest["code"] == "hospital_2000"
    # m: PostGIS geography (spheroid) against pyproj's GRS80 geodesic, the API rounding to 0.1 m
    _azimuth, _back, expected = GEOD.inv(*ORIGIN, *amenities["hospital_2000"].location.coords)
    assert nearest["distance_m"] == pytest.approx(expected, abs=0.1)


def test_radii_are_chosen_sorted_and_deduplicated(client: Client, amenities):
    response = client.get(URL, {"lon": str(ORIGIN[0]), "lat": str(ORIGIN[1]), "radii": "5000,400,5000"})

    body = response.json()
    assert [ring["radius_m"] for ring in body["radii"]] == [400, 5000]
    r400, r5000 = (by_category(ring) for ring in body["radii"])
    assert r400["school"]["count"] == 1
    assert r5000["metro_station"]["nearest"]["distance_m"] == pytest.approx(4000, abs=0.1)  # m, by construction


def test_a_point_and_the_parcel_centred_on_it_have_the_same_surroundings(client: Client, amenities):
    parcel = parcel_create(code="P1", geometry=square_in("510104", 0.001), region=chengdu_tree()["jinjiang"])

    by_point = client.get(URL, {"lon": str(ORIGIN[0]), "lat": str(ORIGIN[1])}).json()
    by_parcel = client.get(f"/api/geo/parcels/{parcel.code}/surroundings/").json()

    assert by_point["radii"] == by_parcel["radii"]


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"lat": "30.5"}, "lon", "required"),
        ({"lon": "104"}, "lat", "required"),
        ({"lon": "east", "lat": "30.5"}, "lon", "invalid"),
        ({"lon": "181", "lat": "30.5"}, "lon", "max_value"),
        ({"lon": "104", "lat": "-90.5"}, "lat", "min_value"),
        ({"lon": "nan", "lat": "30.5"}, "lon", "invalid"),
        ({"lon": "104", "lat": "30.5", "radii": "0"}, "radii", "out_of_range"),
        ({"lon": "104", "lat": "30.5", "radii": "1,2,3,4,5,6"}, "radii", "too_many"),
        ({"lon": "104", "lat": "30.5", "radii": "1km"}, "radii", "invalid"),
    ],
)
def test_a_bad_point_or_radii_is_a_400_naming_the_parameter(client: Client, params, field, code):
    response = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == [field]
    assert error["fields"][field][0]["code"] == code
