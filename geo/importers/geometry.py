"""Checking, repairing and transforming imported geometries to the storage CRS (CGCS2000 lon/lat)."""

import functools
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pyarrow as pa
import shapely
from django.utils.translation import gettext as _
from pyproj import Transformer

from geo import crs as crs_module
from geo.importers.source import ImportRefused, Source
from geo.models import SRID

POLYGONAL = {shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON}
MAX_LISTED = 10  # features named in one error message
MIN_AREA_DEG2 = 1e-12  # about 0.01 m²: below it a polygon is a sliver of rounding (e.g. collinear vertices)
BOUNDS_MARGIN_DEG = 0.01  # around a file's extent in storage coordinates: its edges, curved there, were sampled

Bounds = tuple[float, float, float, float]  # west, south, east, north


@dataclass
class PreparedGeometries:
    geometries: np.ndarray  # valid, 2D, in EPSG:4490
    source_crs: crs_module.SourceCRS
    repaired: list[dict[str, str]] = field(default_factory=list)
    wkb: pa.Array | None = None  # the file's WKB of the geometries when they are exactly as read (nothing to encode)

    @property
    def crs_label(self) -> str:
        return self.source_crs.label

    def geometries_xy(self) -> tuple[np.ndarray, np.ndarray]:
        """Longitudes and latitudes of point geometries."""
        return shapely.get_x(self.geometries), shapely.get_y(self.geometries)


def _refuse(source: Source, indices: np.ndarray, problem: str) -> ImportRefused:
    labels = [source.feature_label(int(i)) for i in indices[:MAX_LISTED]]
    more = _(" and {n} more").format(n=len(indices) - MAX_LISTED) if len(indices) > MAX_LISTED else ""
    return ImportRefused(
        _("{file}: feature {features}{more}: {problem}").format(
            file=source.name, features=", ".join(labels), more=more, problem=problem
        ),
        fields={"geometry": [{"code": "invalid", "message": problem}]},
    )


def _polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry | None:
    """The polygons of make_valid's output (it may add lines and points where rings touched)."""
    parts = [p for p in shapely.get_parts(geometry) if shapely.get_type_id(p) in POLYGONAL and not p.is_empty]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if merged.area > 0 else None


def prepare_geometries(
    source: Source,
    *,
    srs: str | None,
    kind: Literal["polygon", "point"],
    source_crs: crs_module.SourceCRS | None = None,
) -> PreparedGeometries:
    """Checked, repaired and in storage coordinates; `source_crs`: as resolved for a file's first chunk."""
    geoms = source.geometries
    if source.count == 0:
        raise ImportRefused(_("{file}: the layer has no features").format(file=source.name))
    empty = np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if len(empty):
        raise _refuse(source, empty, _("the geometry is empty"))

    type_ids = shapely.get_type_id(geoms)
    if kind == "point":
        single = (type_ids == shapely.GeometryType.MULTIPOINT) & (shapely.get_num_geometries(geoms) == 1)
        geoms = np.where(single, shapely.get_geometry(geoms, 0), geoms)
        wrong = np.flatnonzero(shapely.get_type_id(geoms) != shapely.GeometryType.POINT)
        expected = _("a point")
    else:
        wrong = np.flatnonzero(~np.isin(type_ids, list(POLYGONAL)))
        expected = _("a polygon or multipolygon")
    if len(wrong):
        found = shapely.get_type_id(geoms[wrong[0]])
        raise _refuse(
            source,
            wrong,
            _("the geometry is a {found}, expected {expected}").format(
                found=shapely.GeometryType(found).name.lower(), expected=expected
            ),
        )

    if source_crs is None:
        source_crs = _resolve_crs(source, srs=srs)

    # force_2d copies every geometry, so only when some have Z; a copy otherwise, as repairs replace elements.
    as_read = geoms is source.geometries and crs_module.is_storage_crs(source_crs)
    if shapely.has_z(geoms).any():
        geoms, as_read = shapely.force_2d(geoms), False
    else:
        geoms = geoms.copy()
    geoms = crs_module.transform_geometries(geoms, source=source_crs)
    outside = np.flatnonzero(crs_module.out_of_range(geoms) | ~np.all(np.isfinite(shapely.bounds(geoms)), axis=1))
    if len(outside):
        raise _refuse(
            source,
            outside,
            _("the coordinates fall outside China after reading them as {crs}; is the coordinate system right?").format(
                crs=source_crs.label
            ),
        )

    repaired: list[dict[str, str]] = []
    if kind == "polygon":
        invalid = np.flatnonzero(~shapely.is_valid(geoms))
        reasons = shapely.is_valid_reason(geoms[invalid]) if len(invalid) else []
        fixed = shapely.make_valid(geoms[invalid]) if len(invalid) else []
        for index, reason, geometry in zip(invalid, reasons, fixed, strict=True):
            polygon = _polygonal_part(geometry)
            if polygon is None:
                raise _refuse(
                    source,
                    np.array([index]),
                    _("invalid geometry that cannot be repaired: {reason}").format(reason=reason),
                )
            geoms[index] = polygon
            repaired.append({"feature": source.feature_label(int(index)), "reason": str(reason)})
        flat = np.flatnonzero(shapely.area(geoms) < MIN_AREA_DEG2)
        if len(flat):
            raise _refuse(source, flat, _("the polygon has no area"))
    return PreparedGeometries(
        geometries=geoms,
        source_crs=source_crs,
        repaired=repaired,
        wkb=source.wkb if as_read and not repaired else None,
    )


def transform_bounds(bounds: Bounds, source_crs: crs_module.SourceCRS) -> Bounds | None:
    """A file's extent (in its CRS) in storage lon/lat, with a margin; None if it does not transform."""
    box = shapely.segmentize(
        shapely.box(*bounds), max_segment_length=max(bounds[2] - bounds[0], bounds[3] - bounds[1]) / 16 or 1
    )
    west, south, east, north = shapely.bounds(crs_module.transform_geometries(np.array([box]), source=source_crs)[0])
    if not np.all(np.isfinite([west, south, east, north])):
        return None
    margin = BOUNDS_MARGIN_DEG
    return (west - margin, south - margin, east + margin, north + margin)


def _resolve_crs(source: Source, *, srs: str | None) -> crs_module.SourceCRS:
    """--srs, else the file's CRS; a Gauss-Krüger zone given by the prefix of the first feature's easting."""
    try:
        source_crs = crs_module.resolve_crs(srs=srs, file_crs=source.crs)
        if source_crs.needs_zone:
            easting = float(shapely.bounds(source.geometries[0])[0])
            return crs_module.zone_crs_from_easting(easting, width=source_crs.zone_width)
    except crs_module.CRSError as exc:
        raise ImportRefused(
            _("{file}: coordinate system: {reason}").format(file=source.name, reason=exc), fields={"srs": []}
        ) from exc
    return source_crs


def areas_m2(geometries: np.ndarray, centroids: np.ndarray) -> list[str]:
    """Areas on the ellipsoid in m², to 0.01 as numeric(14,2) text, of polygons in storage lon/lat.

    Planar areas in an Albers conic on CGCS2000's ellipsoid (GRS80), which is equal-area exactly, with its standard
    parallels in the 1° band of latitude of the polygon's centroid. The edges, straight there, are not quite
    geodesics: areas stay within 0.001 m² of the geodesic polygon's for parcels 100 m across, 0.02 m² for 300 m and
    0.5 m² for 1 km, anywhere in China; one conic for all of China (standard parallels 25° and 47°) is 30 times further.
    """
    bands = np.floor(shapely.get_y(centroids))
    areas = np.empty(len(geometries))
    for band in np.unique(bands).tolist():
        members = bands == band
        projected = shapely.transform(geometries[members], _equal_area(band).transform, interleaved=False)
        areas[members] = shapely.area(projected)
    return [f"{area:.2f}" for area in areas.tolist()]


@functools.lru_cache(maxsize=64)
def _equal_area(south: float) -> Transformer:
    """Albers for the band of latitude from `south` to 1° north of it (standard parallels at 1/6 and 5/6 of it)."""
    albers = f"+proj=aea +lat_1={south + 1 / 6} +lat_2={south + 5 / 6} +lon_0=105 +ellps=GRS80 +units=m +no_defs"
    return Transformer.from_crs(f"EPSG:{SRID}", albers, always_xy=True)
