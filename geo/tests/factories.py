"""Plain functions that create regions, parcels and amenities with the ORM, for tests of any app."""

from decimal import Decimal
from typing import Any

import pyproj
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point

from geo import china
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


def outline(code: str) -> MultiPolygon:
    """The real outline of the region with this code (天地图 2024-12, var/geodata/, read by geo.china)."""
    return multipolygon(china.outlines(code[:2])[code][1])


# A point well inside each county the fixtures create, plus 温江区 510115 (a real 成都 district the fixtures leave
# out: a place in 成都市 but in none of the fixture's counties). Round coordinates picked near each real outline's
# pole of inaccessibility (shapely.maximum_inscribed_circle) and kept at least 500 m from every edge of the outline:
# the distance to the edge, in metres on GRS80, is in the comment and checked by geo/tests/test_fixture_places.py.
INSIDE: dict[str, tuple[float, float]] = {
    "510104": (104.10, 30.60),  # 锦江区, 1685 m from its edge (its widest point, 104.111 30.599, has 2625 m)
    "510105": (103.95, 30.69),  # 青羊区, 2740 m
    "510107": (104.02, 30.62),  # 武侯区, 3656 m
    "510115": (103.85, 30.70),  # 温江区, 4313 m (成都市 but no county of chengdu_tree() or sichuan_tree())
    "510703": (104.70, 31.40),  # 涪城区, 8199 m
}
# A point outside 四川省 (in 重庆市's 渝中区): no region of the fixtures covers it.
OUTSIDE_SICHUAN = (106.55, 29.56)
# Margin of the INSIDE points from their outline's edge, in metres: squares up to 0.005° across around them (< 400 m
# from the point to a corner) stay inside the county.
INSIDE_MARGIN_M = 500


def point_in(code: str, offset: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float]:
    """INSIDE[code] moved by `offset` (lon, lat degrees)."""
    lon, lat = INSIDE[code]
    return lon + offset[0], lat + offset[1]


def square_in(code: str, side_deg: float = 0.001, offset: tuple[float, float] = (0.0, 0.0)) -> MultiPolygon:
    """A square of `side_deg` degrees centred on INSIDE[code] moved by `offset`; it must lie inside the county's
    real outline (checked here, so a test cannot put a parcel in the wrong county by accident)."""
    shape = square(*point_in(code, offset), side_deg)
    assert outline(code).contains(shape), f"{shape.extent} is not inside {code}'s real outline"
    return shape


def chengdu_tree() -> dict[str, Region]:
    """四川省 → 成都市 → 锦江区, 青羊区 and 四川省 → 绵阳市 → 涪城区 with their real outlines, plus 北京市 without one.

    The outlines are 天地图's (geo.china.outlines, var/geodata/): real 锦江区 and 青羊区 share an edge (104.057 30.649
    to 104.087 30.673); 成都市 has real districts this tree does not create (INSIDE["510115"] is in 温江区, so in 成都
    and 四川 but in none of these counties); OUTSIDE_SICHUAN is in no region of the tree.
    """
    sichuan = region_create(code="510000", name="四川省", boundary=outline("510000"))
    chengdu = region_create(code="510100", name="成都市", parent=sichuan, boundary=outline("510100"))
    mianyang = region_create(code="510700", name="绵阳市", parent=sichuan, boundary=outline("510700"))
    return {
        "sichuan": sichuan,
        "chengdu": chengdu,
        "jinjiang": region_create(code="510104", name="锦江区", parent=chengdu, boundary=outline("510104")),
        "qingyang": region_create(code="510105", name="青羊区", parent=chengdu, boundary=outline("510105")),
        "mianyang": mianyang,
        "fucheng": region_create(code="510703", name="涪城区", parent=mianyang, boundary=outline("510703")),
        "beijing": region_create(code="110000", name="北京市", abbreviation="京"),
    }


# The regions of the market, search and page tests: code → name and parent code; boundaries are the real outlines.
SICHUAN: dict[str, tuple[str, str | None]] = {
    "510000": ("四川省", None),
    "510100": ("成都市", "510000"),
    "510104": ("锦江区", "510100"),
    "510107": ("武侯区", "510100"),
    "510700": ("绵阳市", "510000"),
    "510703": ("涪城区", "510700"),
}


def sichuan_tree(codes: tuple[str, ...] = tuple(SICHUAN), *, boundaries: bool = True) -> dict[str, Region]:
    """The regions of SICHUAN with these codes (四川省 510000 → 成都市 510100 → 锦江区 510104 and 武侯区 510107, and
    绵阳市 510700 → 涪城区 510703), by code; with their real outlines (天地图, see chengdu_tree) unless `boundaries`
    is false. Real 锦江区 and 武侯区 are neighbours; INSIDE has a point well inside each county. A region's parent
    must be among the codes."""
    made: dict[str, Region] = {}
    for code, (name, parent) in SICHUAN.items():  # parents come first
        if code in codes:
            boundary = outline(code) if boundaries else None
            made[code] = region_create(code=code, name=name, parent=made[parent] if parent else None, boundary=boundary)
    return made


# Parcel codes (宗地代码) used across the API tests, in the counties of chengdu_tree().
JINJIANG_1 = "510104001001GB00001"
JINJIANG_2 = "510104001001GB00002"
QINGYANG_1 = "510105001001GB00001"
FUCHENG_1 = "510703001001GB00001"
