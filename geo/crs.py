"""Source coordinate systems of imported files, and their vectorised transformation to storage lon/lat (EPSG:4490)."""

import functools
import math
import re
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as ProjCRSError

from geo.models import SRID

FloatArray = NDArray[np.float64]

# Where stored coordinates may lie (lon/lat): China with its seas, with a margin.
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)
_IDENTICAL_TO_STORAGE = {4490, 4326}

_WGS84 = 4326
# Datums whose ballpark ("null") transformation to CGCS2000 is off by centimetres only (see SRID in geo/models.py):
# the WGS 84 ensemble and China 2000.
_CENTIMETRE_DATUMS = {("EPSG", 6326), ("EPSG", 1043)}
_ALIASES = {"wgs84": 4326, "cgcs2000": 4490, "webmercator": 3857}
_GCJ02_SPELLINGS = {"gcj02", "gcj-02"}
_ZONE_FROM_DATA = {"cgcs2000-gk3": 3, "cgcs2000-gk6": 6}
# CGCS2000 Gauss-Krüger zones with the zone number prefixed to the easting, by zone width:
# (first zone, its EPSG code, last zone). 3° zone n has its central meridian at 3n°E, 6° zone n at (6n − 3)°E.
_PREFIXED_ZONES = {3: (25, 4513, 45), 6: (13, 4491, 23)}
_ACCEPTED = "EPSG:nnnn, gcj02, wgs84, cgcs2000, webmercator, cgcs2000-gk3 or cgcs2000-gk6"

# The GCJ-02 obfuscation as published in the widely copied reference implementations (eviltransform, gcoord):
# the Krasovsky ellipsoid, and the rectangle outside which points are left unchanged (lon, lat).
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_E2 = 0.00669342162296594323
_GCJ02_AREA = (72.004, 0.8293, 137.8347, 55.8271)
_METRES_PER_DEGREE = 111_320.0  # about, for the convergence test of the inverse


class CRSError(ValueError):
    """A coordinate system that is missing, unknown or cannot be transformed to storage coordinates."""


@dataclass(frozen=True)
class SourceCRS:
    """The coordinate system of a file's coordinates, resolved from --srs or the file."""

    label: str
    epsg: int | None
    gcj02: bool = False
    # Gauss-Krüger with the zone prefixed to the easting, zone not yet known: see zone_crs_from_easting().
    needs_zone: bool = False
    zone_width: int = 0  # 3 or 6 when needs_zone
    crs: CRS | None = field(default=None, repr=False)


def resolve_crs(*, srs: str | None, file_crs: str | None) -> SourceCRS:
    """The --srs option if given, else the file's CRS (WKT, "EPSG:nnnn"); refuses what cannot be stored."""
    if srs is not None:
        return _from_option(srs)
    if file_crs and file_crs.strip():
        try:
            crs = CRS.from_user_input(file_crs.strip())
        except ProjCRSError as exc:
            raise CRSError(
                f"the file's coordinate system {_shorten(file_crs)!r} is not understood ({exc}); give --srs"
            ) from exc
        return _checked(crs, named=f"the file's coordinate system {crs.name!r}")
    raise CRSError(f"no coordinate system: the file declares none (no .prj?); give --srs, one of {_ACCEPTED}")


def zone_crs_from_easting(x: float, *, width: int) -> SourceCRS:
    """The CGCS2000 Gauss-Krüger zone named by the prefix of an easting, e.g. 39 512 345.6 m, width 3 → EPSG:4527."""
    if width not in _PREFIXED_ZONES:
        raise CRSError(f"a Gauss-Krüger zone is 3° or 6° wide, not {width}°")
    first_zone, first_epsg, last_zone = _PREFIXED_ZONES[width]
    if not math.isfinite(x) or x < 1_000_000:
        raise CRSError(
            f"the easting {x} m has no zone number in front (like 39 500 000 m in zone 39); "
            f"give the zone's EPSG code with --srs instead of cgcs2000-gk{width} "
            "(e.g. EPSG:4548 for the 3° zone at 117°E)"
        )
    zone = int(x // 1_000_000)
    if not first_zone <= zone <= last_zone:
        other = 6 if width == 3 else 3
        other_first, _, other_last = _PREFIXED_ZONES[other]
        hint = f"; is it a {other}° zone (cgcs2000-gk{other})?" if other_first <= zone <= other_last else ""
        raise CRSError(
            f"the easting {x} m names zone {zone}, but the CGCS2000 {width}° zones over China are "
            f"{first_zone}–{last_zone}{hint}"
        )
    return _from_epsg(first_epsg + zone - first_zone, named=f"zone {zone}")


def to_storage_xy(x: ArrayLike, y: ArrayLike, *, source: SourceCRS) -> tuple[FloatArray, FloatArray]:
    """Coordinates in the source CRS → CGCS2000 lon/lat; points that cannot be transformed come back as inf."""
    xs, ys = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if source.gcj02:
        # GCJ-02 is an offset of WGS 84, which is CGCS2000 to a few centimetres.
        return wgs84_from_gcj02(xs, ys)
    if source.crs is None:
        raise CRSError(f"{source.label}: the Gauss-Krüger zone is not known yet; call zone_crs_from_easting() first")
    lon, lat = _transformer(source.crs).transform(xs, ys)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def is_storage_crs(source: SourceCRS) -> bool:
    """Coordinates in this CRS are stored as they are."""
    return source.epsg in _IDENTICAL_TO_STORAGE


def transform_geometries(geoms: NDArray[np.object_], *, source: SourceCRS) -> NDArray[np.object_]:
    """A shapely geometry array → the same geometries in CGCS2000 lon/lat (2D), all coordinates in one batch."""
    if is_storage_crs(source):
        # lon/lat already (WGS 84 and CGCS2000 differ by centimetres); force_2d copies every geometry, so only if needed
        return np.asarray(shapely.force_2d(geoms) if shapely.has_z(geoms).any() else geoms)

    def transform(xy: FloatArray) -> FloatArray:
        return np.column_stack(to_storage_xy(xy[:, 0], xy[:, 1], source=source))

    return np.asarray(shapely.transform(geoms, transform))


def out_of_range(geoms: NDArray[np.object_]) -> NDArray[np.bool_]:
    """Geometries (lon/lat) not within CHINA_BOUNDS, e.g. metres declared as degrees; missing/empty ones are not."""
    minx, miny, maxx, maxy = np.asarray(shapely.bounds(geoms)).T
    west, south, east, north = CHINA_BOUNDS
    inside = (minx >= west) & (miny >= south) & (maxx <= east) & (maxy <= north)  # NaN, inf: not inside
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return np.asarray(present & ~inside)


def gcj02_from_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """WGS 84 → GCJ-02 ("火星坐标"); points outside the GCJ-02 rectangle are returned unchanged."""
    lons, lats = np.broadcast_arrays(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    west, south, east, north = _GCJ02_AREA
    inside = (lons >= west) & (lons <= east) & (lats >= south) & (lats <= north)
    # The offset is computed everywhere, at a harmless point (the formula's origin) where it does not apply.
    dlon, dlat = _gcj02_offset(np.where(inside, lons, 105.0), np.where(inside, lats, 35.0))
    return lons + np.where(inside, dlon, 0.0), lats + np.where(inside, dlat, 0.0)


def wgs84_from_gcj02(
    lon: ArrayLike, lat: ArrayLike, *, tolerance_m: float = 0.01, max_iterations: int = 10
) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 → WGS 84 by fixed-point iteration: each result, run forward, lands within tolerance_m of the input."""
    gcj_lon, gcj_lat = np.broadcast_arrays(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    shape, gcj_lon, gcj_lat = gcj_lon.shape, gcj_lon.ravel(), gcj_lat.ravel()
    wgs_lon, wgs_lat = gcj_lon.copy(), gcj_lat.copy()  # the first guess
    todo = np.flatnonzero(np.isfinite(gcj_lon) & np.isfinite(gcj_lat))
    for _ in range(max_iterations):
        forward_lon, forward_lat = gcj02_from_wgs84(wgs_lon[todo], wgs_lat[todo])
        error_lon, error_lat = forward_lon - gcj_lon[todo], forward_lat - gcj_lat[todo]
        error_m = _METRES_PER_DEGREE * np.hypot(error_lon * np.cos(np.radians(forward_lat)), error_lat)
        left = error_m > tolerance_m
        todo = todo[left]
        if todo.size == 0:
            return wgs_lon.reshape(shape), wgs_lat.reshape(shape)
        wgs_lon[todo] -= error_lon[left]
        wgs_lat[todo] -= error_lat[left]
    first = (float(gcj_lon[todo[0]]), float(gcj_lat[todo[0]]))
    raise CRSError(
        f"GCJ-02 → WGS 84 did not converge within {tolerance_m} m for {todo.size} points, e.g. {first}; "
        "they lie at the edge of the GCJ-02 area, outside China"
    )


def _from_option(srs: str) -> SourceCRS:
    key = srs.strip().lower()
    if key in _GCJ02_SPELLINGS:
        return SourceCRS(label="GCJ-02", epsg=None, gcj02=True)
    if key in _ZONE_FROM_DATA:
        width = _ZONE_FROM_DATA[key]
        return SourceCRS(label=key, epsg=None, needs_zone=True, zone_width=width)
    if key in _ALIASES:
        return _from_epsg(_ALIASES[key], named=f"--srs {srs}")
    if match := re.fullmatch(r"(?:epsg:)?(\d{4,6})", key):
        return _from_epsg(int(match[1]), named=f"--srs {srs}")
    raise CRSError(f"--srs {srs!r} is not a coordinate system; give one of {_ACCEPTED}")


def _from_epsg(code: int, *, named: str) -> SourceCRS:
    try:
        crs = CRS.from_epsg(code)
    except ProjCRSError as exc:
        raise CRSError(f"{named}: EPSG:{code} is not a known coordinate system") from exc
    return _checked(crs, named=named)


def _checked(crs: CRS, *, named: str) -> SourceCRS:
    """Refuses what cannot be placed on CGCS2000: local grids, non-horizontal CRSs, datums PROJ cannot shift."""
    if crs.is_compound:
        crs = crs.sub_crs_list[0]  # the horizontal part; heights are not stored
    if crs.is_engineering:
        raise CRSError(
            f"{named} is a local (engineering) coordinate system, not tied to the earth; "
            "reproject the file to CGCS2000 (EPSG:4490 or a Gauss-Krüger zone) or give --srs"
        )
    if not (crs.is_geographic or crs.is_projected):
        raise CRSError(f"{named} is a {crs.type_name}; only geographic or projected coordinates can be imported")
    epsg = None if crs.is_bound else crs.to_epsg()
    if epsg is not None:
        crs = CRS.from_epsg(epsg)  # the registry's definition, e.g. for an ESRI .prj that names an EPSG system
    if _is_ballpark(_transformer(crs)) and _datum_id(crs) not in _CENTIMETRE_DATUMS:
        datum = crs.datum.name if crs.datum else "unknown"
        raise CRSError(
            f"{named} is on the datum {datum!r}, which PROJ cannot shift to CGCS2000 (it would be off by up to "
            "a hundred metres); convert the file to CGCS2000 with your surveying bureau's parameters, "
            "or give --srs if the coordinates are CGCS2000"
        )
    if epsg is not None:
        return SourceCRS(label=f"EPSG:{epsg}", epsg=epsg, crs=crs)
    return SourceCRS(label=crs.name if crs.name != "unknown" else f"custom {crs.type_name}", epsg=None, crs=crs)


@functools.lru_cache(maxsize=64)
def _transformer(crs: CRS) -> Transformer:
    transformer = Transformer.from_crs(crs, SRID, always_xy=True)
    if _is_ballpark(transformer) and crs.is_bound:
        # The file gives its own shift to WGS 84 (TOWGS84); WGS 84 is CGCS2000 to a few centimetres.
        transformer = Transformer.from_crs(crs, _WGS84, always_xy=True)
    return transformer


def _is_ballpark(transformer: Transformer) -> bool:
    # PROJ's name for "no known datum transformation, the datum shift is ignored".
    return "Ballpark" in transformer.description


def _datum_id(crs: CRS) -> tuple[str, int] | None:
    datum_id = crs.datum.to_json_dict().get("id") if crs.datum else None
    return (datum_id["authority"], datum_id["code"]) if datum_id else None


def _gcj02_offset(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    x, y = lon - 105.0, lat - 35.0
    shared = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + shared
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + shared
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad_lat = np.radians(lat)
    magic = 1.0 - _KRASOVSKY_E2 * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_KRASOVSKY_A * (1.0 - _KRASOVSKY_E2)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_KRASOVSKY_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlon, dlat


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
