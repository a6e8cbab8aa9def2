"""seed_demo: a deterministic Sichuan with counties, valid non-overlapping parcels inside them, and amenities."""

import pytest
from django.core.management import call_command
from django.db import connection

from geo.models import Amenity, Parcel, Region

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
