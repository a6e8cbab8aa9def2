"""What a supply listing needs from geo: its county, a parcel by id or under a point, a drawn outline checked and
measured on the ellipsoid."""

from decimal import Decimal
from typing import Any

import numpy as np
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from geo.importers.geometry import areas_m2
from geo.models import SRID, Parcel, Region

# A lon/lat box around China's territory, the South China Sea islands included (degrees, CGCS2000).
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)
OUTLINE_MAX_VERTICES = 10_000
# Region names that only fill a level of the code table and are not part of a place's name.
_FILLER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_GEOMETRIES = ("boundary", "boundary_simplified")


def _refuse(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput(fields={field: [{"code": code, "message": message}]})


def county_get(*, code: str) -> Region | None:
    """The county-level region of this code with its parent chain loaded (without geometries); None if none."""
    return (
        Region.objects.select_related("parent__parent")
        .defer(*_GEOMETRIES, *(f"parent__{g}" for g in _GEOMETRIES), *(f"parent__parent__{g}" for g in _GEOMETRIES))
        .filter(code=code, level=Region.Level.COUNTY)
        .first()
    )


def county_at(*, point: Point) -> Region | None:
    """The county-level region whose boundary covers the point (the lowest code on a shared border), with its parent
    chain loaded; None when no loaded county covers it."""
    return (
        Region.objects.select_related("parent__parent")
        .defer(*_GEOMETRIES, *(f"parent__{g}" for g in _GEOMETRIES), *(f"parent__parent__{g}" for g in _GEOMETRIES))
        .filter(level=Region.Level.COUNTY, boundary__covers=point)
        .order_by("code")
        .first()
    )


def region_full_name(region: Region | None) -> str:
    """Province + city + county as a title writes them (四川省成都市锦江区); a repeated name once (北京市, not
    北京市北京市), and filler levels such as 市辖区 left out."""
    names: list[str] = []
    while region is not None:
        names.insert(0, region.name)
        region = region.parent
    return joined_region_names(names)


def joined_region_names(names: list[str]) -> str:
    """The names of a region chain, province first, joined as `region_full_name` joins them."""
    out: list[str] = []
    for name in names:
        if name not in _FILLER_NAMES and (not out or out[-1] != name):
            out.append(name)
    return "".join(out)


def _in_china(lon: float, lat: float) -> bool:
    min_lon, min_lat, max_lon, max_lat = CHINA_BOUNDS
    return min_lon <= lon <= max_lon and min_lat <= lat <= max_lat


def parcel_for_listing(*, parcel_id: int) -> Parcel:
    """The parcel picked on the map; a 400 naming `parcel_id` when there is none."""
    parcel = Parcel.objects.only("id", "centroid", "region_id", "area_m2").filter(pk=parcel_id).first()
    if parcel is None:
        raise _refuse("parcel_id", "not_found", _("No parcel has this id."))
    return parcel


def parcel_at(*, point: Point) -> Parcel | None:
    """The parcel whose geometry covers the point (the lowest code when several do), or None."""
    return (
        Parcel.objects.only("id", "centroid", "region_id", "area_m2")
        .filter(geometry__covers=point)
        .order_by("code")
        .first()
    )


def point_clean(*, value: Any, field: str = "location") -> Point:
    """[lon, lat] in degrees inside China as a Point in SRID 4490; a 400 naming `field` otherwise."""
    try:
        lon, lat = (float(part) for part in value)
    except (TypeError, ValueError):
        raise _refuse(field, "invalid", _("Give the location as [longitude, latitude] in degrees.")) from None
    if not (np.isfinite(lon) and np.isfinite(lat)) or not _in_china(lon, lat):
        raise _refuse(field, "out_of_range", _("The location must lie in China (longitude, latitude in degrees)."))
    return Point(lon, lat, srid=SRID)


def outline_clean(*, value: Any, field: str = "outline") -> tuple[MultiPolygon, Decimal]:
    """A drawn GeoJSON Polygon or MultiPolygon checked (valid, in China) as a MultiPolygon in SRID 4490, and its
    area on the ellipsoid in m² (equal-area Albers on GRS80, as parcels are measured on import)."""
    if not isinstance(value, dict):
        raise _refuse(field, "invalid", _("Give the outline as a GeoJSON Polygon or MultiPolygon."))
    try:
        shape = shapely.geometry.shape(value)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, shapely.errors.ShapelyError):
        raise _refuse(field, "invalid", _("Give the outline as a GeoJSON Polygon or MultiPolygon.")) from None
    if shape.geom_type not in ("Polygon", "MultiPolygon") or shape.is_empty:
        raise _refuse(field, "invalid_type", _("Only a Polygon or a MultiPolygon is accepted."))
    if shapely.get_num_coordinates(shape) > OUTLINE_MAX_VERTICES:
        raise _refuse(
            field,
            "too_many_vertices",
            _("An outline may have at most %(count)d vertices.") % {"count": OUTLINE_MAX_VERTICES},
        )
    shape = shapely.force_2d(shape)
    coordinates = shapely.get_coordinates(shape)
    if not np.isfinite(coordinates).all():
        raise _refuse(field, "invalid", _("Give the outline as a GeoJSON Polygon or MultiPolygon."))
    min_lon, min_lat, max_lon, max_lat = shape.bounds
    if not (_in_china(min_lon, min_lat) and _in_china(max_lon, max_lat)):
        raise _refuse(field, "out_of_range", _("The outline must lie in China (longitude, latitude in degrees)."))
    if not shape.is_valid:
        raise _refuse(
            field,
            "invalid_geometry",
            _("The outline is not valid: %(reason)s") % {"reason": shapely.is_valid_reason(shape)},
        )
    if shape.geom_type == "Polygon":
        shape = shapely.MultiPolygon([shape])
    area = Decimal(areas_m2(np.array([shape]), np.array([shape.centroid]))[0])
    if area <= 0:
        raise _refuse(field, "invalid_geometry", _("The outline has no area."))
    geometry = GEOSGeometry(memoryview(shapely.to_wkb(shape)), srid=SRID)
    assert isinstance(geometry, MultiPolygon)  # noqa: S101 - a MultiPolygon was written just above
    return geometry, area


def outline_point(outline: MultiPolygon) -> Point:
    """A point surely inside the outline, for the listing's map marker."""
    point = outline.point_on_surface
    point.srid = SRID
    return point
