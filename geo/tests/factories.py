"""Plain functions that create regions, parcels and amenities with the ORM, for tests of any app."""

from decimal import Decimal
from typing import Any

import pyproj
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point

from geo.models import SRID, Amenity, Parcel, Region
from geo.reference import region_level

# CGCS2000's ellipsoid has GRS80's axes (a = 6378137 m, 1/f = 298.257222101), so GRS80 geodesics are CGCS2000's.
GEOD = pyproj.Geod(ellps="GRS80")


def multipolygon(shape: shapely.Polygon | shapely.MultiPolygon) -> MultiPolygon:
    """A shapely polygon as a GEOS MultiPolygon in SRID 4490."""
    if isinstance(shape, shapely.Polygon):
        shape = shapely.MultiPolygon([shape])
    geometry = GEOSGeometry(memoryview(shapely.to_wkb(shape)), srid=SRID)
    assert isinstance(geometry, MultiPolygon)
    return geometry


def box(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> MultiPolygon:
    """A lon/lat rectangle as a MultiPolygon in SRID 4490."""
    return multipolygon(shapely.box(min_lon, min_lat, max_lon, max_lat))


def square(lon: float, lat: float, side_deg: float) -> MultiPolygon:
    """A square of `side_deg` degrees centred on (lon, lat)."""
    half = side_deg / 2
    return box(lon - half, lat - half, lon + half, lat + half)


def region_create(
    *,
    code: str,
    name: str,
    parent: Region | None = None,
    boundary: MultiPolygon | None = None,
    abbreviation: str = "川",
) -> Region:
    """A region whose level follows its code (xx0000 province, xxxx00 city, else county)."""
    return Region.objects.create(
        code=code, name=name, level=region_level(code), parent=parent, abbreviation=abbreviation, boundary=boundary
    )


def parcel_create(*, code: str, geometry: MultiPolygon, region: Region | None = None, **attributes: Any) -> Parcel:
    """A parcel with its centroid (planar, in degrees) and its geodesic area on the GRS80 ellipsoid, to 0.01 m²."""
    area_m2, _perimeter = GEOD.geometry_area_perimeter(shapely.from_wkb(bytes(geometry.wkb)))
    attributes.setdefault("area_m2", Decimal(f"{abs(area_m2):.2f}"))
    return Parcel.objects.create(code=code, geometry=geometry, centroid=geometry.centroid, region=region, **attributes)


def amenity_create(*, code: str, category: str, name: str, lon: float, lat: float) -> Amenity:
    return Amenity.objects.create(code=code, category=category, name=name, location=Point(lon, lat, srid=SRID))


def amenity_create_at(
    *, code: str, category: str, name: str, origin: tuple[float, float], azimuth_deg: float, distance_m: float
) -> Amenity:
    """An amenity `distance_m` metres from `origin` (lon, lat) along the geodesic of `azimuth_deg` (GRS80)."""
    lon, lat, _back = GEOD.fwd(origin[0], origin[1], azimuth_deg, distance_m)
    return amenity_create(code=code, category=category, name=name, lon=lon, lat=lat)


def chengdu_tree() -> dict[str, Region]:
    """四川省 → 成都市 → 锦江区, 青羊区 and 四川省 → 绵阳市 → 涪城区 with square boundaries, plus 北京市 without one.

    Boundaries (lon/lat degrees): 四川 103.9–104.3 × 30.4–30.8; 成都 104.0–104.2 × 30.5–30.7;
    锦江 104.0–104.1 × 30.5–30.6; 青羊 104.1–104.2 × 30.5–30.6 (成都's north half has no county);
    绵阳 and 涪城 104.2–104.3 × 30.7–30.8 (a stand-in square inside 四川's).
    """
    sichuan = region_create(code="510000", name="四川省", boundary=box(103.9, 30.4, 104.3, 30.8))
    chengdu = region_create(code="510100", name="成都市", parent=sichuan, boundary=box(104.0, 30.5, 104.2, 30.7))
    mianyang = region_create(code="510700", name="绵阳市", parent=sichuan, boundary=box(104.2, 30.7, 104.3, 30.8))
    return {
        "sichuan": sichuan,
        "chengdu": chengdu,
        "jinjiang": region_create(code="510104", name="锦江区", parent=chengdu, boundary=box(104.0, 30.5, 104.1, 30.6)),
        "qingyang": region_create(code="510105", name="青羊区", parent=chengdu, boundary=box(104.1, 30.5, 104.2, 30.6)),
        "mianyang": mianyang,
        "fucheng": region_create(code="510703", name="涪城区", parent=mianyang, boundary=box(104.2, 30.7, 104.3, 30.8)),
        "beijing": region_create(code="110000", name="北京市", abbreviation="京"),
    }


# The regions of the market, search and page tests: code → name, parent code, boundary (lon/lat degrees, CGCS2000).
SICHUAN: dict[str, tuple[str, str | None, tuple[float, float, float, float]]] = {
    "510000": ("四川省", None, (102.0, 29.0, 106.0, 32.0)),
    "510100": ("成都市", "510000", (103.5, 30.3, 104.5, 31.0)),
    "510104": ("锦江区", "510100", (104.05, 30.55, 104.15, 30.65)),
    "510107": ("武侯区", "510100", (103.95, 30.55, 104.05, 30.65)),
    "510700": ("绵阳市", "510000", (104.6, 31.3, 105.0, 31.7)),
    "510703": ("涪城区", "510700", (104.6, 31.3, 105.0, 31.7)),
}


def sichuan_tree(codes: tuple[str, ...] = tuple(SICHUAN), *, boundaries: bool = True) -> dict[str, Region]:
    """The regions of SICHUAN with these codes (四川省 510000 → 成都市 510100 → 锦江区 510104 and 武侯区 510107, and
    绵阳市 510700 → 涪城区 510703), by code; with their square boundaries unless `boundaries` is false. A region's
    parent must be among the codes."""
    made: dict[str, Region] = {}
    for code, (name, parent, extent) in SICHUAN.items():  # parents come first
        if code in codes:
            boundary = box(*extent) if boundaries else None
            made[code] = region_create(code=code, name=name, parent=made[parent] if parent else None, boundary=boundary)
    return made


# Parcel codes (宗地代码) used across the API tests, in the counties of chengdu_tree().
JINJIANG_1 = "510104001001GB00001"
JINJIANG_2 = "510104001001GB00002"
QINGYANG_1 = "510105001001GB00001"
FUCHENG_1 = "510703001001GB00001"
