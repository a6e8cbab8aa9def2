"""The demo on real geography: every demo listing and demand lies in the county it names, as the public region
lookup finds it, and a demo parcel of 锦江区 lies in real 锦江区."""

from io import StringIO

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from rest_framework.test import APIClient

from geo.models import SRID, Parcel, Region
from market.models import Demand, SupplyListing

pytestmark = pytest.mark.django_db

# Bounding boxes (lon west, lat south, lon east, lat north) of the real outlines, 天地图 2024-12
# (geo.china.outlines("51")[code][1].bounds, rounded outwards to 0.001°).
JINJIANG_BBOX = (104.057, 30.549, 104.169, 30.673)  # 510104 锦江区
WENJIANG_BBOX = (103.684, 30.616, 103.942, 30.886)  # 510115 温江区


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", parcels=400, amenities=50, stdout=StringIO())
    call_command("seed_market_demo", password="demo password 2026", stdout=StringIO())


def _within(bbox: tuple[float, float, float, float], extent: tuple[float, float, float, float]) -> bool:
    return bbox[0] <= extent[0] and bbox[1] <= extent[1] and extent[2] <= bbox[2] and extent[3] <= bbox[3]


def test_every_demo_listing_and_demand_lies_in_its_own_county_by_the_region_lookup(demo: None) -> None:
    placed: list[SupplyListing | Demand] = [
        *SupplyListing.objects.filter(location__isnull=False),
        *Demand.objects.filter(location__isnull=False),
    ]
    assert len(placed) == SupplyListing.objects.count() + Demand.objects.count()  # each of them has a location
    assert Demand.objects.filter(location__isnull=False).exists()
    county_names = set(Region.objects.filter(level=Region.Level.COUNTY).values_list("name", flat=True))
    client = APIClient()
    for item in placed:
        assert item.location is not None
        answer = client.get("/api/geo/regions/lookup/", {"lon": item.location.x, "lat": item.location.y})

        assert answer.status_code == 200
        county = answer.json()["county"]
        assert county is not None, item.title
        assert county["code"] == item.region_id, item.title
        address = getattr(item, "address", "")
        if any(name in address for name in county_names):
            assert county["name"] in address, (address, county)


def test_a_demo_parcel_of_jinjiang_lies_in_real_jinjiang_not_in_wenjiang(demo: None) -> None:
    parcels = list(Parcel.objects.filter(region_id="510104"))

    assert parcels
    for parcel in parcels:
        extent = parcel.geometry.extent
        assert _within(JINJIANG_BBOX, extent), (parcel.code, extent)
        assert not _within(WENJIANG_BBOX, extent), (parcel.code, extent)
        assert parcel.address.startswith("成都市锦江区")
        assert parcel.registration_authority == "锦江区不动产登记中心"
    listed = SupplyListing.objects.filter(region_id="510104")
    assert listed.exists()  # the demo's first listings are on 锦江区's parcels
    assert all(listing.location and _within(JINJIANG_BBOX, listing.location.extent) for listing in listed)


def test_a_second_seed_market_demo_puts_a_demo_listing_outside_its_county_back_on_its_parcel(demo: None) -> None:
    listing = SupplyListing.objects.filter(region_id="510104").select_related("parcel").first()
    assert listing is not None
    assert listing.parcel is not None
    # Where the made-up demo geography had put 锦江区's parcels: in real 温江区.
    SupplyListing.objects.filter(pk=listing.pk).update(location=Point(103.862, 30.710, srid=SRID))
    counts = (SupplyListing.objects.count(), Demand.objects.count())
    out = StringIO()

    call_command("seed_market_demo", password="other", stdout=out)

    listing.refresh_from_db()
    assert listing.location == listing.parcel.centroid
    assert "already loaded; 1 listings moved onto their parcels" in out.getvalue()
    assert (SupplyListing.objects.count(), Demand.objects.count()) == counts
