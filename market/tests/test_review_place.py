"""The review console's place of a listing (GET /api/market/review/supply/<id>/place/): its outline, its parcel's
stored attributes against the declared ones, and the overlaps with other listings in m² on the ellipsoid."""

from decimal import Decimal

import pytest
import shapely
from django.contrib.gis.geos import Point
from django.test import Client

from accounts.models import User
from accounts.tests.factories import reviewer_create, user_create
from geo.models import SRID, Region
from geo.tests.factories import GEOD, parcel_create, square
from market.models import SupplyListing
from market.tests.factories import supply_create

pytestmark = pytest.mark.django_db
S = SupplyListing.Status
SIDE = 0.002  # degrees: about 190 m east–west and 220 m north–south at 30.6° N


def place_url(listing: SupplyListing) -> str:
    return f"/api/market/review/supply/{listing.pk}/place/"


def as_user(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def inside(region: Region) -> tuple[float, float]:
    """A point well inside the region's stored boundary, whatever outline the fixtures give it."""
    point = region.boundary.point_on_surface  # type: ignore[union-attr]
    return point.x, point.y


def geodesic_area_m2(shape: shapely.Geometry) -> float:
    """The area of a lon/lat shape on the GRS80 (= CGCS2000) ellipsoid, by pyproj's geodesics, in m²."""
    area, _perimeter = GEOD.geometry_area_perimeter(shape)
    return abs(area)


def test_a_reviewer_of_the_region_gets_the_overlap_with_another_listing_in_m2_on_the_ellipsoid(
    regions, owner, reviewer
):
    jinjiang = regions["510104"]
    lon, lat = inside(jinjiang)
    mine = supply_create(owner=owner, region=jinjiang, status=S.IN_REVIEW, outline=square(lon, lat, SIDE))
    # Shifted east by half a side: the two share a rectangle of SIDE/2 × SIDE degrees.
    other = supply_create(
        owner=user_create(), region=jinjiang, status=S.PUBLISHED, outline=square(lon + SIDE / 2, lat, SIDE)
    )
    shared = shapely.box(lon, lat - SIDE / 2, lon + SIDE / 2, lat + SIDE / 2)
    expected_m2 = geodesic_area_m2(shared)  # pyproj on GRS80: about 96 m × 222 m ≈ 21,300 m²

    response = as_user(reviewer).get(place_url(mine))

    assert response.status_code == 200
    body = response.json()
    assert body["outline"]["type"] == "MultiPolygon"
    assert body["parcel"] is None
    [overlap] = body["overlaps"]
    assert (overlap["id"], overlap["status"], overlap["title"]) == (other.pk, "published", other.title)
    assert overlap["overlap_m2"] == pytest.approx(expected_m2, rel=1e-6)
    assert 20_000 < overlap["overlap_m2"] < 23_000


def test_touching_outlines_drafts_and_delisted_listings_are_no_overlaps(regions, owner, reviewer):
    jinjiang = regions["510104"]
    lon, lat = inside(jinjiang)
    mine = supply_create(owner=owner, region=jinjiang, status=S.IN_REVIEW, outline=square(lon, lat, SIDE))
    supply_create(owner=owner, region=jinjiang, status=S.PUBLISHED, outline=square(lon + SIDE, lat, SIDE))  # an edge
    for status in (S.DRAFT, S.DELISTED, S.REJECTED):
        supply_create(owner=owner, region=jinjiang, status=status, outline=square(lon, lat, SIDE))
    in_review = supply_create(owner=owner, region=jinjiang, status=S.IN_REVIEW, outline=square(lon, lat, SIDE))

    body = as_user(reviewer).get(place_url(mine)).json()

    assert [item["id"] for item in body["overlaps"]] == [in_review.pk]


def test_a_listing_on_a_parcel_overlaps_listings_on_that_parcel_and_is_compared_with_it(regions, owner, reviewer):
    jinjiang = regions["510104"]
    lon, lat = inside(jinjiang)
    parcel = parcel_create(
        code="510104001001GB07001",
        geometry=square(lon, lat, SIDE),
        region=jinjiang,
        land_use="0501",
        address="锦江区 东大街 1 号",
        certificate_type="不动产权证书",
        certificate_number="川(2020)成都市不动产权第0099999号",
        registration_authority="锦江区不动产登记中心",
        unit_numbers=["510104001001GB07001F00010001"],
        boundary_east="东临 道路",
    )
    mine = supply_create(
        owner=owner,
        region=jinjiang,
        status=S.IN_REVIEW,
        parcel=parcel,
        location=parcel.centroid,
        area_m2=parcel.area_m2 + Decimal("0.5"),  # within the tolerance of 1 m²
        land_use="0502",  # differs
        address="锦江区  东大街 1 号",  # the same but for spaces
        certificate_type="real_estate",  # 不动产 is in 不动产权证书
        certificate_number="川(2020)成都市不动产权第0012345号",  # differs
        registration_authority="锦江区不动产登记中心",
        unit_numbers=["510104001001GB07001F00010002"],  # differs
        boundary_east="",  # not declared: no disagreement
    )
    twin = supply_create(owner=user_create(), region=jinjiang, status=S.CERTIFIED, parcel=parcel)

    body = as_user(reviewer).get(place_url(mine)).json()

    assert body["parcel"]["code"] == parcel.code
    assert body["parcel"]["page"] == f"/parcels/{parcel.code}/"
    assert body["parcel"]["certificate_number"] == "川(2020)成都市不动产权第0099999号"  # reviewers in scope see it
    assert body["parcel"]["unit_numbers"] == ["510104001001GB07001F00010001"]
    assert body["declared"]["certificate_number"] == "川(2020)成都市不动产权第0012345号"
    assert body["differences"] == ["certificate_number", "unit_numbers", "land_use"]
    assert body["outline"]["type"] == "MultiPolygon"  # the parcel's, as the listing drew none
    [overlap] = body["overlaps"]
    assert overlap["id"] == twin.pk
    assert overlap["overlap_m2"] == pytest.approx(float(parcel.area_m2), rel=1e-6)  # the whole parcel


def test_a_listing_at_a_point_lists_the_outlines_around_it_without_an_area(regions, owner, reviewer):
    jinjiang = regions["510104"]
    lon, lat = inside(jinjiang)
    mine = supply_create(owner=owner, region=jinjiang, status=S.IN_REVIEW, location=Point(lon, lat, srid=SRID))
    around = supply_create(owner=owner, region=jinjiang, status=S.PUBLISHED, outline=square(lon, lat, SIDE))

    body = as_user(reviewer).get(place_url(mine)).json()

    assert body["outline"] is None
    assert body["location"] == [pytest.approx(lon), pytest.approx(lat)]
    assert [(item["id"], item["overlap_m2"]) for item in body["overlaps"]] == [(around.pk, None)]


def test_only_reviewers_and_supervisors_of_the_region_get_the_place(regions, owner):
    listing = supply_create(owner=owner, region=regions["510104"], status=S.IN_REVIEW)
    url = place_url(listing)

    assert Client().get(url).status_code == 401
    assert as_user(owner).get(url).status_code == 403  # the owner is no reviewer
    assert as_user(reviewer_create(regions=["510700"])).get(url).status_code == 404  # 绵阳市's reviewer
    assert as_user(user_create(role=User.Role.SUPERVISOR, regions=["510700"])).get(url).status_code == 404
    assert as_user(reviewer_create(regions=["510104"])).get(url).status_code == 200
    assert as_user(user_create(role=User.Role.SUPERVISOR, regions=["510000"])).get(url).status_code == 200
    missing = f"/api/market/review/supply/{listing.pk + 999}/place/"
    assert as_user(reviewer_create(regions=["510100"])).get(missing).status_code == 404
