"""The parcel page (/parcels/<code>/): public attributes only, the region path, the area in 平方米 and 亩, the place
for the small map, and the public listings standing on the parcel; 404 for an unknown code."""

import json
import re

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create
from geo.models import SRID, Region
from geo.tests.factories import parcel_create, sichuan_tree, square
from market.models import SupplyListing
from market.tests.factories import supply_create

pytestmark = pytest.mark.django_db
SIDE = 0.002  # degrees: about 190 m × 220 m
CODE = "510104001001GB08001"
SECRETS = {
    "certificate_number": "QZXPAGECERT0101",
    "registration_authority": "QZXPAGEREGAUTH0102",
    "unit_number": "QZXPAGEUNIT0103",
}


def inside(region: Region) -> tuple[float, float]:
    point = region.boundary.point_on_surface  # type: ignore[union-attr]
    return point.x, point.y


@pytest.fixture
def jinjiang() -> Region:
    return sichuan_tree(("510000", "510100", "510104"))["510104"]


@pytest.fixture
def parcel(jinjiang: Region):
    lon, lat = inside(jinjiang)
    return parcel_create(
        code=CODE,
        geometry=square(lon, lat, SIDE),
        region=jinjiang,
        area_m2="12000.00",
        land_use="0501",
        address="锦江区东大街 8 号",
        boundary_east="东临 红星路",
        certificate_number=SECRETS["certificate_number"],
        registration_authority=SECRETS["registration_authority"],
        unit_numbers=[SECRETS["unit_number"]],
    )


def page_text(response) -> str:
    return response.content.decode()


def test_the_page_shows_the_parcels_public_attributes_region_path_and_area_in_square_metres_and_mu(parcel):
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/parcels/{CODE}/")

    assert response.status_code == 200
    text = page_text(response)
    assert CODE in text
    assert re.search(r"四川省</span> › <span[^>]*>成都市</span> › <span[^>]*>锦江区", text)
    assert "12,000 平方米（18 亩）" in text  # 12000 m² × 15 / 10000 = 18 亩
    assert "零售商业用地 (0501)" in text
    assert "锦江区东大街 8 号" in text
    assert "东临 红星路" in text
    script = re.search(r'<script id="parcel-place" type="application/json">(.*?)</script>', text)
    assert script is not None
    place = json.loads(script.group(1))
    assert place["outline"]["type"] == "MultiPolygon"
    assert place["location"] == [pytest.approx(parcel.centroid.x), pytest.approx(parcel.centroid.y)]


@pytest.mark.parametrize(
    "who",
    [
        lambda: None,
        lambda: user_create(),
        lambda: user_create(role=User.Role.GIS_STAFF, regions=["510000"]),  # who may read them through the API
        lambda: user_create(role=User.Role.ADMIN),
    ],
    ids=["anonymous", "a user", "GIS staff of the region", "an administrator"],
)
def test_the_page_never_shows_the_certificate_registration_or_unit_numbers_to_anyone(parcel, who):
    client = Client()
    user = who()
    if user is not None:
        client.force_login(user)

    text = page_text(client.get(f"/parcels/{CODE}/"))

    assert CODE in text
    assert [name for name, secret in SECRETS.items() if secret in text] == []


def test_an_unknown_code_is_a_404_page():
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/parcels/510104001001GB99999/")

    assert response.status_code == 404
    assert "宗地" in page_text(response)


def test_the_public_listings_standing_on_the_parcel_are_linked_and_no_others(parcel, jinjiang):
    lon, lat = inside(jinjiang)
    owner = user_create()
    on_it = supply_create(owner=owner, region=jinjiang, parcel=parcel, title="锦江东大街商服用地转让")
    drawn = supply_create(owner=owner, region=jinjiang, outline=square(lon + SIDE / 4, lat, SIDE / 2), title="勾绘地块")
    at_point = supply_create(owner=owner, region=jinjiang, location=Point(lon, lat, srid=SRID), title="点位地块")
    beside = supply_create(owner=owner, region=jinjiang, outline=square(lon + SIDE, lat, SIDE), title="相邻地块")
    hidden = supply_create(owner=owner, region=jinjiang, parcel=parcel, status=SupplyListing.Status.IN_REVIEW)

    text = page_text(Client().get(f"/parcels/{CODE}/"))

    shown = set(map(int, re.findall(r'<tr data-id="(\d+)">', text)))
    assert shown == {on_it.pk, drawn.pk, at_point.pk}
    assert f'href="/supply/{on_it.pk}/"' in text
    assert beside.pk not in shown  # shares only an edge
    assert hidden.pk not in shown  # not public


def test_a_parcel_without_listings_says_so(parcel):
    text = page_text(Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/parcels/{CODE}/"))

    assert 'id="parcel-no-listings"' in text


def test_a_listing_page_links_the_parcel_under_its_public_point_and_a_listing_off_parcels_links_none(parcel, jinjiang):
    lon, lat = inside(jinjiang)
    owner = user_create()
    on_it = supply_create(owner=owner, region=jinjiang, parcel=parcel, location=parcel.centroid)
    elsewhere = supply_create(owner=owner, region=jinjiang, location=Point(lon + 10 * SIDE, lat, srid=SRID))

    linked = page_text(Client().get(f"/supply/{on_it.pk}/"))
    unlinked = page_text(Client().get(f"/supply/{elsewhere.pk}/"))

    assert f'<a id="detail-parcel-link" href="/parcels/{CODE}/">{CODE}</a>' in linked
    assert 'id="detail-parcel-link"' not in unlinked
