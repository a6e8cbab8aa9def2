"""Spatial queries run on the real PostGIS and agree with pyproj's geodesics."""

import pytest
from django.db import connection
from pyproj import Geod

pytestmark = pytest.mark.django_db

WGS84 = Geod(ellps="WGS84")
TIANANMEN = (116.397477, 39.908692)  # lon, lat
TIANFU_SQUARE = (104.065837, 30.657349)  # Chengdu


def test_geography_distance_matches_the_ellipsoidal_geodesic():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography,"
            " ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography)",
            [*TIANANMEN, *TIANFU_SQUARE],
        )
        (metres,) = cursor.fetchone()
    _, _, expected = WGS84.inv(*TIANANMEN, *TIANFU_SQUARE)
    # Both are ellipsoidal geodesics (PostGIS: spheroid; pyproj: Karney); about 1 516 km, agreeing to a metre.
    assert metres == pytest.approx(expected, abs=1.0)
    assert 1_500_000 < metres < 1_530_000


def test_area_of_a_cgcs2000_polygon_is_computed_in_square_metres_not_degrees():
    # A 0.01° × 0.01° square near Chengdu, stored in CGCS2000 (EPSG:4490).
    ring = [(104.0, 30.6), (104.01, 30.6), (104.01, 30.61), (104.0, 30.61), (104.0, 30.6)]
    wkt = "POLYGON((" + ", ".join(f"{x} {y}" for x, y in ring) + "))"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Area(ST_Transform(ST_GeomFromText(%s, 4490), 4326)::geography),"
            " ST_Contains(ST_GeomFromText(%s, 4490), ST_SetSRID(ST_MakePoint(104.005, 30.605), 4490))",
            [wkt, wkt],
        )
        area, contains = cursor.fetchone()
    lons, lats = zip(*ring, strict=True)
    expected, _ = WGS84.polygon_area_perimeter(lons, lats)
    # ≈ 1.11 km × 0.96 km ≈ 1.06 km²; PostGIS and pyproj agree to 0.01 %.
    assert area == pytest.approx(abs(expected), rel=1e-4)
    assert contains is True
