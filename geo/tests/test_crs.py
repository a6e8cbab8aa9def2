"""Source coordinate systems: resolving --srs and file CRSs, and transforming coordinates to CGCS2000 lon/lat."""

import math
import re

import numpy as np
import pytest
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Geod, Transformer
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import TransverseMercatorConversion

from geo.crs import (
    CRSError,
    SourceCRS,
    gcj02_from_wgs84,
    out_of_range,
    resolve_crs,
    to_storage_xy,
    transform_geometries,
    wgs84_from_gcj02,
    zone_crs_from_easting,
)

# The CGCS2000 ellipsoid (EPSG:1024): semi-major axis in metres and flattening, as published with CGCS2000.
CGCS2000_A = 6378137.0
CGCS2000_F = 1 / 298.257222101
GEOD = Geod(a=CGCS2000_A, f=CGCS2000_F)
MILLIMETRE = 0.001  # m


def meridian_arc_m(lat_deg: float, *, intervals: int = 2000) -> float:
    """Metres along the CGCS2000 meridian from the equator to lat_deg: Simpson's rule on ∫ M(φ) dφ, where
    M(φ) = a(1 − e²) / (1 − e² sin²φ)^(3/2) is the meridional radius of curvature."""
    e2 = CGCS2000_F * (2 - CGCS2000_F)

    def radius(phi: float) -> float:
        return CGCS2000_A * (1 - e2) / (1 - e2 * math.sin(phi) ** 2) ** 1.5

    end = math.radians(lat_deg)
    step = end / intervals
    inner = sum((4 if i % 2 else 2) * radius(i * step) for i in range(1, intervals))
    return (radius(0.0) + inner + radius(end)) * step / 3


def distance_m(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> NDArray[np.float64]:
    """Geodesic distance on the CGCS2000 ellipsoid (pyproj.Geod, Karney's algorithm; no map projection involved)."""
    lon1, lat1, lon2, lat2 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2)))
    *_, distance = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(distance)


def epsg(code: int) -> SourceCRS:
    return resolve_crs(srs=f"EPSG:{code}", file_crs=None)


# --- the independent helper itself -------------------------------------------------------------------------------


def test_meridian_arc_helper_gives_the_published_quarter_meridian():
    # 10 001 965.7293 m: the meridian quadrant of GRS 80 (Moritz, "Geodetic Reference System 1980", Bulletin
    # Géodésique 54:3, 1980); CGCS2000 has the same a and f.
    assert meridian_arc_m(90.0) == pytest.approx(10_001_965.7293, abs=MILLIMETRE)


# --- Gauss-Krüger ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lat", [18.0, 30.0, 39.9, 53.0])
def test_a_point_on_the_central_meridian_has_easting_zone_500_km_and_northing_the_meridian_arc(lat):
    source = epsg(4527)  # CGCS2000 3° zone 39, central meridian 117°E, easting prefixed with the zone number
    northing = meridian_arc_m(lat)  # m, Simpson's rule above; scale factor 1 on the central meridian

    lon, lat_back = to_storage_xy(np.array([39_500_000.0]), np.array([northing]), source=source)

    assert distance_m(lon, lat_back, 117.0, lat)[0] < MILLIMETRE
    assert source.crs is not None
    x, y = Transformer.from_crs(4490, source.crs, always_xy=True).transform(117.0, lat)
    # 39 500 000 m = zone 39 × 1 000 000 m (the zone prefix) + the 500 000 m false easting.
    assert x == pytest.approx(39_500_000.0, abs=1e-6)
    assert y == pytest.approx(northing, abs=MILLIMETRE)


def central_meridians() -> list[tuple[int, float, float]]:
    """(EPSG code, easting of the central meridian in m, its longitude in degrees) for every CGCS2000 GK zone.
    From the EPSG registry's naming: 4513–4533 are 3° zones 25–45 (CM 3n°E), 4534–4554 the same without prefix
    (CM 75°E…135°E), 4491–4501 are 6° zones 13–23 (CM (6n − 3)°E), 4502–4512 the same without prefix."""
    rows = []
    for i, zone in enumerate(range(25, 46)):
        rows += [(4513 + i, zone * 1_000_000 + 500_000.0, 3.0 * zone), (4534 + i, 500_000.0, 3.0 * zone)]
    for i, zone in enumerate(range(13, 24)):
        rows += [(4491 + i, zone * 1_000_000 + 500_000.0, 6.0 * zone - 3), (4502 + i, 500_000.0, 6.0 * zone - 3)]
    return rows


@pytest.mark.parametrize(("code", "easting", "central_lon"), central_meridians())
def test_every_cgcs2000_zone_puts_its_central_meridian_at_easting_500_km(code, easting, central_lon):
    northing = meridian_arc_m(35.0)  # m, Simpson's rule

    lon, lat = to_storage_xy(np.array([easting]), np.array([northing]), source=epsg(code))

    assert distance_m(lon, lat, central_lon, 35.0)[0] < MILLIMETRE


def test_prefixed_and_unprefixed_zone_at_117e_give_the_same_lon_lat():
    # EPSG:4527 = 3° zone 39 with prefix, EPSG:4548 = 3° CM 117°E without (not 4539, which is CM 90°E).
    northing = np.array([2_500_000.0, 3_300_000.0, 4_400_000.0])  # m
    easting = np.array([400_000.0, 500_000.0, 640_000.0])  # m, within 1.5° of the central meridian

    prefixed = to_storage_xy(easting + 39_000_000, northing, source=epsg(4527))
    unprefixed = to_storage_xy(easting, northing, source=epsg(4548))

    assert np.all(distance_m(*prefixed, *unprefixed) < MILLIMETRE)


def test_gauss_kruger_round_trip_returns_to_the_same_point():
    lon, lat = np.meshgrid(np.linspace(115.5, 118.5, 7), np.linspace(18.0, 53.0, 8))  # degrees, all of zone 39
    # The forward direction by PROJ from the two EPSG codes, independent of geo.crs.
    x, y = Transformer.from_crs(4490, 4527, always_xy=True).transform(lon.ravel(), lat.ravel())

    lon_back, lat_back = to_storage_xy(x, y, source=epsg(4527))

    assert np.all(distance_m(lon_back, lat_back, lon.ravel(), lat.ravel()) < MILLIMETRE)


@pytest.mark.parametrize(
    ("easting", "width", "expected"),
    [
        # EPSG codes from the registry's names: 4527 "3-degree Gauss-Kruger zone 39", 4513 "… zone 25",
        # 4533 "… zone 45", 4498 "Gauss-Kruger zone 20" (6°), 4491 "… zone 13", 4501 "… zone 23".
        (39_512_345.6, 3, 4527),
        (25_300_000.0, 3, 4513),
        (45_700_000.0, 3, 4533),
        (20_512_345.6, 6, 4498),
        (13_200_000.0, 6, 4491),
        (23_800_000.0, 6, 4501),
    ],
)
def test_zone_crs_from_easting_reads_the_zone_from_the_prefix(easting, width, expected):
    source = zone_crs_from_easting(easting, width=width)

    assert (source.epsg, source.label, source.needs_zone) == (expected, f"EPSG:{expected}", False)


def test_zone_crs_from_easting_refuses_an_easting_without_zone_prefix():
    with pytest.raises(CRSError, match=r"no zone number in front.*--srs"):
        zone_crs_from_easting(512_345.6, width=3)


@pytest.mark.parametrize(
    ("easting", "width", "message"),
    [
        (20_500_000.0, 3, "3° zones over China are 25–45; is it a 6° zone"),
        (39_500_000.0, 6, "6° zones over China are 13–23; is it a 3° zone"),
        (50_500_000.0, 3, "names zone 50"),
    ],
)
def test_zone_crs_from_easting_refuses_a_zone_not_over_china(easting, width, message):
    with pytest.raises(CRSError, match=message):
        zone_crs_from_easting(easting, width=width)


# --- GCJ-02 ---------------------------------------------------------------------------------------------------------

# (WGS 84 lon, lat, GCJ-02 lon, lat) in degrees, published with the widely copied reference implementations:
# googollee/eviltransform python/test.py (commit 3416646) and javascript/test.js, checked there to 1e-6°;
# hujiulong/gcoord test/unit/crs/WGS84.spec.ts (commit 42ea29d), checked there to 5e-6°.
GCJ02_VECTORS = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),  # Shanghai, eviltransform
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),  # Shenzhen, eviltransform
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),  # Beijing, eviltransform
    (123.0, 45.0, 123.00607541, 45.00197815),  # gcoord
]


def test_gcj02_forward_matches_published_vectors():
    wgs_lon, wgs_lat, gcj_lon, gcj_lat = np.array(GCJ02_VECTORS).T

    lon, lat = gcj02_from_wgs84(wgs_lon, wgs_lat)

    np.testing.assert_allclose(lon, gcj_lon, rtol=0, atol=1e-6)  # degrees, the references' own tolerance
    np.testing.assert_allclose(lat, gcj_lat, rtol=0, atol=1e-6)


def test_gcj02_inverse_matches_published_vectors():
    wgs_lon, wgs_lat, gcj_lon, gcj_lat = np.array(GCJ02_VECTORS).T

    lon, lat = wgs84_from_gcj02(gcj_lon, gcj_lat)

    # 0.5 m: what eviltransform's own test asserts for its exact inverse (gcj2wgs_exact).
    assert np.all(distance_m(lon, lat, wgs_lon, wgs_lat) < 0.5)
    # gcoord test/unit/crs/GCJ02.spec.ts: GCJ-02 (123, 45) → WGS 84 (122.99395597, 44.99804071), to 5e-6°.
    back_lon, back_lat = wgs84_from_gcj02(123.0, 45.0)
    assert (float(back_lon), float(back_lat)) == pytest.approx((122.99395597, 44.99804071), abs=5e-6)


def test_gcj02_inverse_round_trip_is_within_half_a_metre_across_china():
    # Every 0.5° over China's extent, degrees; the forward offsets there are 40–700 m.
    wgs_lon, wgs_lat = np.meshgrid(np.arange(73.5, 135.01, 0.5), np.arange(18.0, 53.51, 0.5))
    gcj_lon, gcj_lat = gcj02_from_wgs84(wgs_lon, wgs_lat)

    lon, lat = wgs84_from_gcj02(gcj_lon, gcj_lat)

    assert lon.shape == wgs_lon.shape
    assert distance_m(lon, lat, wgs_lon, wgs_lat).max() < 0.5
    assert distance_m(*gcj02_from_wgs84(lon, lat), gcj_lon, gcj_lat).max() < 0.5


def test_gcj02_leaves_points_outside_china_unchanged():
    # Paris, Sydney, Tokyo (139.7°E, east of the reference implementations' limit of 137.8347°E), degrees.
    lon, lat = np.array([2.35, 151.21, 139.69]), np.array([48.86, -33.87, 35.69])

    assert all(np.array_equal(a, b) for a, b in zip(gcj02_from_wgs84(lon, lat), (lon, lat), strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(wgs84_from_gcj02(lon, lat), (lon, lat), strict=True))


def test_gcj02_passes_non_finite_coordinates_through_without_warnings():
    # Coordinates a failed transformation left as inf, or NaN, are for out_of_range() to refuse, not for GCJ-02.
    lon, lat = np.array([np.nan, np.inf, 116.4]), np.array([39.9, 39.9, np.nan])

    for transform in (gcj02_from_wgs84, wgs84_from_gcj02):
        result_lon, result_lat = transform(lon, lat)
        np.testing.assert_array_equal(result_lon, lon)
        np.testing.assert_array_equal(result_lat, lat)


# --- other sources --------------------------------------------------------------------------------------------------


def test_web_mercator_is_transformed_to_lon_lat():
    # gcoord test/unit/crs/WGS84.spec.ts: WGS 84 (123, 45) → EPSG:3857 (13692297.367572648, 5621521.486192066) m.
    lon, lat = to_storage_xy(np.array([13_692_297.367572648]), np.array([5_621_521.486192066]), source=epsg(3857))

    assert distance_m(lon, lat, 123.0, 45.0)[0] < MILLIMETRE


def test_wgs84_and_cgcs2000_lon_lat_pass_unchanged():
    # WGS 84 and CGCS2000 differ by centimetres; PROJ treats them as equal (a null "ballpark" transformation).
    lon, lat = np.array([116.3975, 87.6168]), np.array([39.9087, 43.8256])  # degrees

    for spelling in ("wgs84", "cgcs2000"):
        result = to_storage_xy(lon, lat, source=resolve_crs(srs=spelling, file_crs=None))
        np.testing.assert_allclose(result, (lon, lat), rtol=0, atol=1e-12)


def test_gcj02_source_is_inverted_to_storage_coordinates():
    wgs_lon, wgs_lat, gcj_lon, gcj_lat = np.array(GCJ02_VECTORS).T  # published vectors above

    lon, lat = to_storage_xy(gcj_lon, gcj_lat, source=resolve_crs(srs="gcj02", file_crs=None))

    assert np.all(distance_m(lon, lat, wgs_lon, wgs_lat) < 0.5)


def test_to_storage_xy_refuses_a_zone_not_yet_read_from_the_eastings():
    with pytest.raises(CRSError, match="zone_crs_from_easting"):
        to_storage_xy(np.array([39_500_000.0]), np.array([0.0]), source=resolve_crs(srs="cgcs2000-gk3", file_crs=None))


# --- resolve_crs ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("srs", "expected"),
    [
        ("EPSG:4527", ("EPSG:4527", 4527, False, False, 0)),
        ("epsg:4527", ("EPSG:4527", 4527, False, False, 0)),
        (" 4527 ", ("EPSG:4527", 4527, False, False, 0)),
        ("gcj02", ("GCJ-02", None, True, False, 0)),
        ("GCJ-02", ("GCJ-02", None, True, False, 0)),
        ("wgs84", ("EPSG:4326", 4326, False, False, 0)),
        ("cgcs2000", ("EPSG:4490", 4490, False, False, 0)),
        ("webmercator", ("EPSG:3857", 3857, False, False, 0)),
        ("cgcs2000-gk3", ("cgcs2000-gk3", None, False, True, 3)),
        ("CGCS2000-GK6", ("cgcs2000-gk6", None, False, True, 6)),
    ],
)
def test_resolve_crs_accepts_each_srs_spelling(srs, expected):
    source = resolve_crs(srs=srs, file_crs=None)

    assert (source.label, source.epsg, source.gcj02, source.needs_zone, source.zone_width) == expected


def test_resolve_crs_identifies_an_esri_prj_file(tmp_path):
    prj = tmp_path / "parcels.prj"
    prj.write_text(CRS.from_epsg(4527).to_wkt("WKT1_ESRI"), encoding="utf-8")  # as ArcGIS writes it

    source = resolve_crs(srs=None, file_crs=prj.read_text(encoding="utf-8"))

    assert (source.label, source.epsg) == ("EPSG:4527", 4527)


def test_resolve_crs_accepts_an_epsg_string_from_the_file():
    assert resolve_crs(srs=None, file_crs="EPSG:4490").epsg == 4490


def test_srs_overrides_the_file_crs():
    source = resolve_crs(srs="gcj02", file_crs=CRS.from_epsg(4527).to_wkt("WKT1_ESRI"))

    assert source.label == "GCJ-02"


@pytest.mark.parametrize("file_crs", [None, "", "  \n"])
def test_resolve_crs_refuses_a_missing_crs_and_asks_for_srs(file_crs):
    with pytest.raises(CRSError, match=r"no coordinate system.*give --srs"):
        resolve_crs(srs=None, file_crs=file_crs)


@pytest.mark.parametrize("srs", ["utm50", "EPSG:99999", "4527x", "", "gauss"])
def test_resolve_crs_refuses_an_unknown_srs_naming_it(srs):
    with pytest.raises(CRSError, match=rf"--srs '?{re.escape(srs)}"):
        resolve_crs(srs=srs, file_crs=None)


def test_resolve_crs_refuses_an_unparseable_file_crs_naming_it():
    with pytest.raises(CRSError, match=r"'GEOGCS\[broken' is not understood"):
        resolve_crs(srs=None, file_crs="GEOGCS[broken")


def test_resolve_crs_refuses_a_local_engineering_crs():
    local_cs = 'LOCAL_CS["Site grid",LOCAL_DATUM["Site",0],UNIT["metre",1],AXIS["Easting",EAST],AXIS["Northing",NORTH]]'

    with pytest.raises(CRSError, match="'Site grid' is a local"):
        resolve_crs(srs=None, file_crs=local_cs)


@pytest.mark.parametrize(
    "file_crs",
    [
        CRS.from_epsg(2436).to_wkt("WKT1_ESRI"),  # Beijing 1954 / 3° GK CM 117E: no shift to CGCS2000 in EPSG
        "+proj=tmerc +lon_0=117 +x_0=500000 +ellps=GRS80 +units=m",  # an ellipsoid without a datum
    ],
)
def test_resolve_crs_refuses_a_datum_proj_cannot_shift_to_cgcs2000(file_crs):
    with pytest.raises(CRSError, match="cannot shift to CGCS2000"):
        resolve_crs(srs=None, file_crs=file_crs)


def test_resolve_crs_accepts_a_custom_transverse_mercator_on_cgcs2000():
    # A city grid (城市坐标系) without an EPSG code: CM 116°21′E, false easting 50 km, false northing −4000 km.
    conversion = TransverseMercatorConversion(
        longitude_natural_origin=116.35, false_easting=50_000.0, false_northing=-4_000_000.0
    )
    city_grid = ProjectedCRS(conversion, name="Beijing city grid", geodetic_crs=CRS.from_epsg(4490))

    source = resolve_crs(srs=None, file_crs=city_grid.to_wkt())
    lon, lat = to_storage_xy(np.array([50_000.0]), np.array([meridian_arc_m(39.9) - 4_000_000.0]), source=source)

    assert (source.label, source.epsg) == ("Beijing city grid", None)
    assert distance_m(lon, lat, 116.35, 39.9)[0] < MILLIMETRE  # on the central meridian, m by Simpson's rule


def test_resolve_crs_shifts_a_crs_with_its_own_towgs84():
    # The datum-less ellipsoid refused above, made usable by the file's own (here zero) shift to WGS 84.
    with_shift = "+proj=tmerc +lon_0=117 +x_0=500000 +ellps=GRS80 +towgs84=0,0,0 +units=m"
    source = resolve_crs(srs=None, file_crs=with_shift)

    lon, lat = to_storage_xy(np.array([500_000.0]), np.array([meridian_arc_m(30.0)]), source=source)

    assert distance_m(lon, lat, 117.0, 30.0)[0] < MILLIMETRE  # on the central meridian, m by Simpson's rule


# --- geometry arrays ------------------------------------------------------------------------------------------------


def test_transform_geometries_transforms_every_vertex_and_keeps_missing_and_empty():
    northing = meridian_arc_m(30.0)  # m, Simpson's rule: the corner (39 500 000, northing) is at 117°E 30°N
    west, east = 39_500_000.0, 39_500_100.0  # m, zone 39 prefixed
    square = shapely.Polygon([(west, northing), (east, northing), (east, northing + 100), (west, northing + 100)])
    geoms = np.array([square, shapely.MultiPolygon([square]), None, shapely.Polygon()], dtype=object)

    result = transform_geometries(geoms, source=epsg(4527))

    assert shapely.get_type_id(result).tolist() == shapely.get_type_id(geoms).tolist()
    assert result[2] is None
    assert shapely.is_empty(result[3])
    corner = shapely.get_coordinates(result[0])[0]
    assert distance_m(corner[0], corner[1], 117.0, 30.0) < MILLIMETRE
    # 100 m × 100 m stays 10 000 m² (geodesic area on the ellipsoid); the GK scale factor 100 m from the central
    # meridian is 1 + x²/2R² ≈ 1 + 1e-10, so the only error left is rounding.
    assert abs(GEOD.geometry_area_perimeter(result[0])[0]) == pytest.approx(10_000.0, rel=1e-6)


def test_out_of_range_flags_a_polygon_given_in_metres():
    in_beijing = shapely.box(116.30, 39.90, 116.31, 39.91)  # degrees
    metres = shapely.box(39_500_000.0, 3_300_000.0, 39_500_100.0, 3_300_100.0)  # GK metres declared as degrees
    in_tokyo = shapely.box(139.70, 35.68, 139.71, 35.69)  # degrees, east of 136°E
    # Prefixed eastings read as the unprefixed zone cannot be transformed: inf.
    unprefixed = transform_geometries(np.array([metres]), source=epsg(4548))[0]
    geoms = np.array([in_beijing, metres, in_tokyo, unprefixed, None, shapely.Polygon()], dtype=object)

    assert out_of_range(geoms).tolist() == [False, True, True, True, False, False]
