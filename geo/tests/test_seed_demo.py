"""seed_demo: Sichuan's real counties, valid non-overlapping parcels 500 m inside them that name them, amenities,
deterministic."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from geo import china
from geo.models import Amenity, Parcel, Region
from geo.reference import region_name

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_province_of_counties_with_parcels_inside_them():
    call_command("seed_demo", "--parcels", "400", "--amenities", "50")

    assert Region.objects.filter(level="province").get().name == "四川省"
    assert Region.objects.filter(level="city").count() == 21
    assert Region.objects.filter(level="county", boundary__isnull=False).count() == 183
    assert Parcel.objects.count() == 400
    assert Amenity.objects.count() == 50
    assert not Parcel.objects.filter(region__isnull=True).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM geo_parcel a JOIN geo_parcel b ON a.code < b.code"
            " AND ST_Intersects(a.geometry, b.geometry)"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT count(*) FROM geo_parcel p JOIN geo_region r ON r.code = p.region_id"
            " WHERE NOT ST_Within(p.geometry, r.boundary) OR NOT ST_IsValid(p.geometry)"
        )
        assert cursor.fetchone() == (0,)
    areas = sorted(float(a) for a in Parcel.objects.values_list("area_m2", flat=True))
    # Cells of 0.004° with 20–85 % sides: about 1 000 to 120 000 m², the range of urban parcels.
    assert areas[0] > 1_000
    assert areas[-1] < 130_000


def test_seed_demo_is_deterministic_and_rerunning_changes_nothing():
    call_command("seed_demo", "--parcels", "200", "--amenities", "20")
    first = dict(Parcel.objects.values_list("code", "area_m2"))

    call_command("seed_demo", "--parcels", "200", "--amenities", "20")

    assert dict(Parcel.objects.values_list("code", "area_m2")) == first
    assert Amenity.objects.count() == 20


def test_seed_demo_keeps_parcels_and_amenities_500_m_inside_the_county_their_codes_and_addresses_name():
    call_command("seed_demo", "--parcels", "400", "--amenities", "400")

    # 锦江区's real outline (天地图 2024-12): its bounding box is 104.0573–104.1683 E, 30.5494–30.6727 N.
    jinjiang = Region.objects.get(code="510104").boundary
    assert jinjiang is not None
    west, south, east, north = jinjiang.extent
    assert (round(west, 3), round(south, 3), round(east, 3), round(north, 3)) == (104.057, 30.549, 104.168, 30.673)
    with connection.cursor() as cursor:
        # Geodesic metres to the county's outline: the outlines are generalised to about 500 m.
        cursor.execute(
            "SELECT count(*) FROM geo_parcel p JOIN geo_region r ON r.code = p.region_id"
            " WHERE ST_DWithin(ST_Boundary(r.boundary)::geography, p.geometry::geography, 500)"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT count(*) FROM geo_amenity a WHERE NOT EXISTS (SELECT 1 FROM geo_region r"
            " WHERE r.level = 'county' AND ST_Covers(r.boundary, a.location)"
            " AND NOT ST_DWithin(ST_Boundary(r.boundary)::geography, a.location::geography, 500))"
        )
        assert cursor.fetchone() == (0,)
    for code, region, address, authority in Parcel.objects.values_list(
        "code", "region_id", "address", "registration_authority"
    ):
        county = region_name(region)
        assert code[:6] == region
        assert address.startswith(f"{region_name(region[:4] + '00')}{county}")
        assert authority == f"{county}不动产登记中心"


def test_seed_demo_without_the_boundary_files_stops_and_asks_for_scripts_setup(settings, tmp_path):
    settings.BASE_DIR = tmp_path  # no var/geodata/ here
    china.outlines.cache_clear()

    with pytest.raises(CommandError, match="run scripts/setup"):
        call_command("seed_demo", "--parcels", "10")

    assert not Region.objects.exists()
