"""Spatial reads: the region tree and point lookup, parcel search, surroundings (周边配套) and parcel exports."""

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pyogrio.raw
from django.conf import settings
from django.contrib.gis.db.models import MultiPolygonField
from django.contrib.gis.db.models.functions import AsGeoJSON, AsWKB, Envelope, GeomOutputGeoFunc
from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.db import connection
from django.db.models import Count, Exists, F, Func, JSONField, OuterRef, Q, QuerySet, TextField, Value, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, JSONObject, Left
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import DATA_READERS, scope_covers
from core.errors import InvalidInput, NotFound, PermissionDenied
from geo.models import SRID, Amenity, Parcel, Region
from geo.reference import LAND_USE_MAJOR, land_use_choices, region_level

# At or below this zoom a region's stored `boundary_simplified` is good enough, when there is one.
STORED_SIMPLIFICATION_MAX_ZOOM = 6
EXPORT_BATCH_SIZE = 2000

_REGION_GEOMETRIES = ("boundary", "boundary_simplified")


class SimplifyPreserveTopology(GeomOutputGeoFunc):
    """ST_SimplifyPreserveTopology(geometry, tolerance in the geometry's units: degrees here), kept multipart
    (GEOS returns a one-part MultiPolygon as a Polygon)."""

    function = "ST_SimplifyPreserveTopology"
    template = "ST_Multi(%(function)s(%(expressions)s))"


def zoom_tolerance_deg(zoom: int) -> float:
    """About one pixel of a 256-pixel web-map tile at `zoom`, in degrees of longitude."""
    return 360 / (256 * 2**zoom)


def region_code_prefix(code: str) -> str:
    """Codes inside a region start with this: 2 digits of a province's code, 4 of a city's, all 6 of a county's."""
    return code[: {"province": 2, "city": 4, "county": 6}[region_level(code)]]


def region_children(*, parent_code: str | None) -> list[Region]:
    """The regions one level below `parent_code` (the provinces when None), without geometry, by code."""
    children: list[Region] = list(
        Region.objects.filter(parent_id=parent_code)
        .only("code", "name", "level", "parent_id", "abbreviation")
        .annotate(has_children=Exists(Region.objects.filter(parent_id=OuterRef("pk"))))
        .order_by("code")
    )
    if not children and parent_code is not None and not Region.objects.filter(code=parent_code).exists():
        raise InvalidInput(fields={"parent": [{"code": "not_found", "message": str(_("No region has this code."))}]})
    return children


def region_get(*, code: str, zoom: int | None = None) -> Region:
    """One region with its ancestors (select_related) and annotations without loading the stored geometries:

    `display_boundary`, the boundary simplified for `zoom` (None: the full boundary); `envelope`, the full boundary's
    bounding box; `has_children`.
    """
    display_boundary: F | Func = F("boundary")
    if zoom is not None:
        simplified = SimplifyPreserveTopology("boundary", Value(zoom_tolerance_deg(zoom)))
        if zoom <= STORED_SIMPLIFICATION_MAX_ZOOM:
            display_boundary = Coalesce("boundary_simplified", simplified, output_field=MultiPolygonField(srid=SRID))
        else:
            display_boundary = simplified
    region = (
        Region.objects.select_related("parent__parent")
        .defer(
            *_REGION_GEOMETRIES,
            *(f"parent__{name}" for name in _REGION_GEOMETRIES),
            *(f"parent__parent__{name}" for name in _REGION_GEOMETRIES),
        )
        .annotate(
            display_boundary=display_boundary,
            envelope=Envelope("boundary"),
            has_children=Exists(Region.objects.filter(parent_id=OuterRef("pk"))),
        )
        .filter(code=code)
        .first()
    )
    if region is None:
        raise NotFound(_("No region has this code."))
    return region


def region_ancestors(*, region: Region) -> list[Region]:
    """The region's parent chain from the province down, from the objects `region_get` already loaded."""
    chain = []
    parent = region.parent
    while parent is not None:
        chain.append(parent)
        parent = parent.parent
    return chain[::-1]


def region_lookup(*, lon: float, lat: float) -> dict[str, Region | None]:
    """The province, city and county whose boundary covers the point (ST_Covers, on the GiST index); None if none.

    A point on a shared border is covered by both regions; the lower code wins.
    """
    found: dict[str, Region | None] = dict.fromkeys(Region.Level.values)
    covering = (
        Region.objects.filter(boundary__covers=Point(lon, lat, srid=SRID))
        .only("code", "name", "level", "parent_id", "abbreviation")
        .order_by("code")
    )
    for region in covering:
        if found.get(region.level) is None:
            found[region.level] = region
    return found


def region_get_ref(*, code: str) -> Region:
    """One region without its geometry; NotFound for an unknown code."""
    region = Region.objects.only("code", "name", "level", "parent_id", "abbreviation").filter(code=code).first()
    if region is None:
        raise NotFound(_("No region has this code."))
    return region


def region_get_for_export(*, code: str, user: User) -> Region:
    """A region whose parcels `user` may export: GIS staff and supervisors of a region covering it, administrators;
    PermissionDenied (out_of_region) for a region outside the caller's scope."""
    region = region_get_ref(code=code)
    if not scope_covers(user, region.code, *DATA_READERS):
        raise PermissionDenied(
            _("Your regions do not cover %(code)s: you may export only the parcels of your regions.")
            % {"code": region.code},
            code="out_of_region",
        )
    return region


def _parcels() -> QuerySet[Parcel]:
    return Parcel.objects.select_related("region").defer(*(f"region__{name}" for name in _REGION_GEOMETRIES))


def _in_region(parcels: QuerySet[Parcel], code: str) -> QuerySet[Parcel]:
    prefix = region_code_prefix(code)
    return parcels.filter(region_id=code) if len(prefix) == 6 else parcels.filter(region__code__startswith=prefix)


# PostGIS compares bounding boxes in float4, rounded outward: up to 1.5e-5° at 180°. A box inside the rectangle by
# this margin is inside it whatever the rounding.
BBOX_INSIDE_MARGIN_DEG = 1e-4


def _intersects_rectangle(bbox: tuple[float, float, float, float]) -> Q:
    """Geometries that intersect the rectangle `bbox`, with ST_Intersects only for those near its edges.

    A geometry whose bounding box lies inside the rectangle (shrunk by BBOX_INSIDE_MARGIN_DEG) intersects it: the
    `@` test reads the box stored with the geometry, where ST_Intersects builds the whole geometry in GEOS (about
    5 µs a parcel: most of the time of a count over tens of thousands). Same parcels as ST_Intersects alone.
    """
    rectangle = Polygon.from_bbox(bbox)
    rectangle.srid = SRID
    min_lon, min_lat, max_lon, max_lat = bbox
    margin = BBOX_INSIDE_MARGIN_DEG
    if max_lon - min_lon <= 2 * margin or max_lat - min_lat <= 2 * margin:
        return Q(geometry__intersects=rectangle)
    inside = Polygon.from_bbox((min_lon + margin, min_lat + margin, max_lon - margin, max_lat - margin))
    inside.srid = SRID
    # &&: the GiST index finds the candidates; the OR is tested on those rows only.
    return Q(geometry__bboverlaps=rectangle) & (Q(geometry__contained=inside) | Q(geometry__intersects=rectangle))


def parcel_search(
    *,
    bbox: tuple[float, float, float, float] | None = None,
    polygon: GEOSGeometry | None = None,
    region_code: str | None = None,
    land_use: str | None = None,
    land_nature: str | None = None,
    use_right_type: str | None = None,
    area_min: Decimal | None = None,
    area_max: Decimal | None = None,
) -> QuerySet[Parcel]:
    """Parcels by code matching every given filter, with their region (select_related, without its boundary).

    `bbox` (minLon, minLat, maxLon, maxLat) and `polygon` keep the parcels whose geometry intersects them
    (ST_Intersects, on the GiST index of geometry); `region_code` is a province, city or county code; a two-digit
    `land_use` is a first-level class (05 matches 0501…0507), a four-character one is exact.
    """
    parcels = _parcels()
    if bbox is not None:
        parcels = parcels.filter(_intersects_rectangle(bbox))
    if polygon is not None:
        parcels = parcels.filter(geometry__intersects=polygon)
    if region_code:
        parcels = _in_region(parcels, region_code)
    if land_use and (bbox is not None or polygon is not None):
        # Checked on the rows the GiST index finds: as an indexable condition the planner ANDs in a bitmap of the
        # land-use index, hundreds of thousands of entries for a first-level class, slower than the map window.
        parcels = parcels.alias(land_use_prefix=Left("land_use", len(land_use))).filter(land_use_prefix=land_use)
    elif land_use:
        parcels = (
            parcels.filter(land_use__startswith=land_use) if len(land_use) == 2 else parcels.filter(land_use=land_use)
        )
    if land_nature:
        parcels = parcels.filter(land_nature=land_nature)
    if use_right_type:
        parcels = parcels.filter(use_right_type=use_right_type)
    if area_min is not None:
        parcels = parcels.filter(area_m2__gte=area_min)
    if area_max is not None:
        parcels = parcels.filter(area_m2__lte=area_max)
    return parcels.order_by("code")


# A parcel as the GeoJSON Feature that ParcelFeatureOutput describes, built by PostgreSQL as json text (json, not
# jsonb: nothing re-encoded). Plain SQL, not an expression tree: Django compares the expressions of an annotation
# when it compiles the query, about 30 ms for this one as Func objects. The region's name is a subquery, so PostgreSQL
# looks it up for the page's rows only, after the sort. ST_AsGeoJSON writes at most 15 significant digits (12
# decimals at 104°: within 5e-13°, 0.05 µm, of the stored double, where DRF wrote the shortest exact form).
_FEATURE_SQL = """json_build_object(
    'id', geo_parcel.id,
    'type', 'Feature',
    'geometry', ST_AsGeoJSON(geo_parcel.geometry, 15, 0)::json,
    'properties', json_build_object(
        'code', geo_parcel.code,
        'area_m2', geo_parcel.area_m2::text,
        'region_code', geo_parcel.region_id,
        'region_name', (SELECT region.name FROM geo_region region WHERE region.code = geo_parcel.region_id),
        'centroid', json_build_array(ST_X(geo_parcel.centroid), ST_Y(geo_parcel.centroid)),
        'address', geo_parcel.address,
        'land_use', geo_parcel.land_use,
        'land_use_name', %s::jsonb ->> geo_parcel.land_use,
        'land_nature', geo_parcel.land_nature,
        'use_right_type', geo_parcel.use_right_type,
        'boundary_east', geo_parcel.boundary_east,
        'boundary_west', geo_parcel.boundary_west,
        'boundary_south', geo_parcel.boundary_south,
        'boundary_north', geo_parcel.boundary_north,
        'floor_area_ratio', geo_parcel.floor_area_ratio::text,
        'building_density', geo_parcel.building_density::text,
        'green_ratio', geo_parcel.green_ratio::text,
        'height_limit_m', geo_parcel.height_limit_m::text
    )
)::text"""


def _parcel_feature() -> RawSQL:
    """The Feature of each parcel as JSON text; numbers as DRF writes a DecimalField ("10632.50"), land-use names
    from the GB/T 21010 table (null for an unknown or empty code, as land_use_name)."""
    names = {**LAND_USE_MAJOR, **dict(land_use_choices())}
    return RawSQL(_FEATURE_SQL, [json.dumps(names, ensure_ascii=False)], output_field=TextField())  # noqa: S611 (our own SQL)


# A page and the count in one query, one scan of the matches: their ids and codes with the total (a window count over
# all of them), the page's rows by code, then the features of those rows only. The inner rows stay narrow: the same
# window over whole rows kept 15,000 rows of every column in a tuplestore that spilled to disk (34 ms against 12).
_PAGE_SQL = """SELECT page.total, {feature}
FROM ({matches}) page JOIN geo_parcel ON geo_parcel.id = page.id
ORDER BY page.code"""


class ParcelFeatures:
    """`parcel_search(**filters)` as GeoJSON Feature texts (ParcelFeatureOutput's), in the same order, for a
    paginator, which asks for count() and then a slice.

    Told the slice the paginator will ask for (`page`), count() reads that page's features and the total in one
    query and the slice returns them. Otherwise, or when that page is empty and not the first (past the last page),
    count() counts the parcels without building features and a slice is one query that builds only its features.
    """

    def __init__(self, *, page: slice | None = None, **filters: Any) -> None:
        self.parcels = parcel_search(**filters)
        self.page = page
        self._total: int | None = None
        self._features: list[str] | None = None

    def count(self) -> int:
        if self._total is None and self.page is not None:
            self._read_page(self.page)
        if self._total is None:
            self._total = self.parcels.count()
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[str]:
        # The paginator asks for the page it was told, or less of it when the page is the last one.
        if self._features is not None and self.page is not None and page.start == self.page.start:
            return self._features[: page.stop - page.start]
        return list(self.parcels[page].annotate(feature=_parcel_feature()).values_list("feature", flat=True))

    def _read_page(self, page: slice) -> None:
        matches = self.parcels.annotate(total=Window(Count("*"))).values_list("id", "code", "total")[page]
        matches_sql, matches_params = matches.query.sql_with_params()
        feature = _parcel_feature()
        with connection.cursor() as cursor:
            cursor.execute(
                _PAGE_SQL.format(feature=feature.sql, matches=matches_sql), [*feature.params, *matches_params]
            )
            rows = cursor.fetchall()
        self._features = [text for _total, text in rows]
        if rows:
            self._total = rows[0][0]
        elif not page.start:
            self._total = 0  # nothing on the first page: nothing matches


def parcel_get(*, code: str) -> Parcel:
    """One parcel with its region (without the region's boundary); NotFound for an unknown code."""
    parcel = _parcels().filter(code=code).first()
    if parcel is None:
        raise NotFound(_("No parcel has this code."))
    return parcel


@dataclass(frozen=True)
class NearestAmenity:
    code: str
    name: str
    distance_m: float


@dataclass(frozen=True)
class CategorySurroundings:
    category: str
    count: int
    nearest: NearestAmenity | None


@dataclass(frozen=True)
class RadiusSurroundings:
    radius_m: int
    categories: list[CategorySurroundings]


@dataclass(frozen=True)
class Surroundings:
    parcel: Parcel
    radii: list[RadiusSurroundings]


def surrounding_radii_default() -> list[int]:
    return list(settings.GEO_SURROUNDING_RADII_M)


# Every distance is geodesic on the CGCS2000 ellipsoid (geography, use_spheroid). The amenity side is written
# exactly `location::geography`, the expression of the index geo_amenity_geog_gist (migration 0002), so that
# ST_DWithin is answered from that index. One scan finds everything within the largest radius; counts per radius
# and the nearest per category (DISTINCT ON, ordered by the exact spheroid distance) come from that one set.
_SURROUNDINGS_SQL = """
WITH near AS (
    SELECT code, name, category,
           ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), %(srid)s)::geography) AS distance
    FROM geo_amenity
    WHERE ST_DWithin(
        location::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), %(srid)s)::geography, %(max_radius)s
    )
),
counts AS (
    SELECT near.category, radius.r AS radius, count(*) AS amenities
    FROM near JOIN unnest(%(radii)s::integer[]) AS radius (r) ON near.distance <= radius.r
    GROUP BY near.category, radius.r
),
nearest AS (
    SELECT DISTINCT ON (category) category, code, name, distance FROM near ORDER BY category, distance, code
)
SELECT counts.category, counts.radius, counts.amenities, nearest.code, nearest.name, nearest.distance
FROM counts JOIN nearest ON nearest.category = counts.category
"""


def surroundings_at(*, lon: float, lat: float, radii: Sequence[int]) -> list[RadiusSurroundings]:
    """Amenities around a point (lon, lat in degrees, CGCS2000): for each radius (m), sorted without repeats, and each
    category, how many lie within it (geodesic distance ≤ radius) and the nearest of them (distance in m, rounded to
    0.1 m). One query.
    """
    radii = sorted(set(radii))
    params: dict[str, Any] = {"lon": lon, "lat": lat, "srid": SRID, "max_radius": max(radii), "radii": radii}
    found: dict[tuple[str, int], tuple[int, NearestAmenity]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_SURROUNDINGS_SQL, params)
        for category, radius, count, code, name, distance in cursor.fetchall():
            found[(category, radius)] = (count, NearestAmenity(code=code, name=name, distance_m=round(distance, 1)))
    return [
        RadiusSurroundings(
            radius_m=radius,
            categories=[
                CategorySurroundings(category=category, count=found[key][0], nearest=found[key][1])
                if (key := (category, radius)) in found
                else CategorySurroundings(category=category, count=0, nearest=None)
                for category in Amenity.Category.values
            ],
        )
        for radius in radii
    ]


def parcel_surroundings(*, parcel_code: str, radii: Sequence[int]) -> Surroundings:
    """The surroundings (`surroundings_at`) of the parcel's centroid. Two queries; NotFound for an unknown code."""
    parcel = Parcel.objects.only("id", "code", "centroid").filter(code=parcel_code).first()
    if parcel is None:
        raise NotFound(_("No parcel has this code."))
    return Surroundings(parcel=parcel, radii=surroundings_at(lon=parcel.centroid.x, lat=parcel.centroid.y, radii=radii))


# The columns of an exported parcel and where each comes from; the numeric ones are numbers in both formats.
_EXPORT_COLUMNS = {
    "code": "code",
    "area_m2": "area_m2",
    "region_code": "region_id",
    "region_name": "region__name",
    "address": "address",
    "land_use": "land_use",
    "land_nature": "land_nature",
    "use_right_type": "use_right_type",
    "certificate_type": "certificate_type",
    "certificate_number": "certificate_number",
    "registration_authority": "registration_authority",
    "unit_numbers": "unit_numbers",
    "boundary_east": "boundary_east",
    "boundary_west": "boundary_west",
    "boundary_south": "boundary_south",
    "boundary_north": "boundary_north",
    "floor_area_ratio": "floor_area_ratio",
    "building_density": "building_density",
    "green_ratio": "green_ratio",
    "height_limit_m": "height_limit_m",
    "buildings": "buildings",
}
_EXPORT_NUMBERS = {"area_m2", "floor_area_ratio", "building_density", "green_ratio", "height_limit_m"}


def _region_parcels(region_code: str) -> QuerySet[Parcel]:
    return _in_region(Parcel.objects.all(), region_code).order_by("code")


def region_parcels_geojson(*, region_code: str) -> Iterator[bytes]:
    """The region's parcels as one GeoJSON FeatureCollection, in pieces; each Feature is built by PostgreSQL
    (ST_AsGeoJSON, jsonb_build_object) and read through a server-side cursor, so memory stays flat.
    """
    feature = JSONObject(
        type=Value("Feature"),
        id=F("code"),
        geometry=Cast(AsGeoJSON("geometry", precision=9), JSONField()),
        properties=JSONObject(**{name: F(source) for name, source in _EXPORT_COLUMNS.items()}),
    )
    features = (
        _region_parcels(region_code)
        .annotate(feature=Cast(feature, TextField()))
        .values_list("feature", flat=True)
        .iterator(chunk_size=EXPORT_BATCH_SIZE)
    )
    yield b'{"type": "FeatureCollection", "features": [\n'
    batch: list[str] = []
    first = True
    for text in features:
        batch.append(text)
        if len(batch) == EXPORT_BATCH_SIZE:
            yield (("" if first else ",\n") + ",\n".join(batch)).encode()
            batch, first = [], False
    if batch:
        yield (("" if first else ",\n") + ",\n".join(batch)).encode()
    yield b"\n]}\n"


def region_parcels_write_gpkg(*, region_code: str, path: str) -> int:
    """Write the region's parcels to a new GeoPackage at `path` (layer "parcels", EPSG:4490), in batches, so memory
    stays flat; returns how many parcels were written.
    """
    rows = (
        _region_parcels(region_code)
        .annotate(wkb=AsWKB("geometry"))
        .values_list("wkb", *_EXPORT_COLUMNS.values())
        .iterator(chunk_size=EXPORT_BATCH_SIZE)
    )
    written = 0
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) == EXPORT_BATCH_SIZE:
            _write_gpkg_batch(path, batch, append=written > 0)
            written += len(batch)
            batch = []
    if batch or not written:
        _write_gpkg_batch(path, batch, append=written > 0)
        written += len(batch)
    return written


def _write_gpkg_batch(path: str, rows: list[tuple], *, append: bool) -> None:
    field_data = []
    for index, name in enumerate(_EXPORT_COLUMNS, start=1):
        values = [row[index] for row in rows]
        if name in _EXPORT_NUMBERS:
            field_data.append(np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64))
        elif name == "unit_numbers":
            field_data.append(np.array([";".join(numbers) for numbers in values], dtype=object))
        else:
            field_data.append(np.array(values, dtype=object))
    pyogrio.raw.write(
        path,
        geometry=np.array([bytes(row[0]) for row in rows], dtype=object),
        field_data=field_data,
        fields=list(_EXPORT_COLUMNS),
        driver="GPKG",
        layer="parcels",
        crs=f"EPSG:{SRID}",
        geometry_type="MultiPolygon",
        encoding="UTF-8",
        append=append,
    )
