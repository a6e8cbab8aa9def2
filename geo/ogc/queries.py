"""OGC API - Features reads: pages of features, single features and extents, written as GeoJSON by PostGIS."""

from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.classification import public_columns
from geo.models import SRID, Amenity, Parcel, Region

CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{}"


@dataclass(frozen=True)
class Crs:
    """A coordinate reference system clients may ask for, and how PostGIS writes coordinates in it."""

    uri: str
    srid: int
    # EPSG defines latitude before longitude for EPSG:4326 and EPSG:4490; CRS84 and EPSG:3857 put x (east) first.
    latitude_first: bool
    # 7 decimals of a degree ≈ 1 cm; 2 decimals of a metre = 1 cm.
    decimals: int
    geographic: bool


CRS84 = Crs(CRS84_URI, 4326, latitude_first=False, decimals=7, geographic=True)
STORAGE_CRS = Crs(EPSG_URI.format(SRID), SRID, latitude_first=True, decimals=7, geographic=True)
# CGCS2000 → WGS 84 is PROJ's ballpark transformation (no datum shift, the two differ by centimetres), so
# ST_Transform to 4326 leaves the numbers as stored; EPSG:3857 is metres on the WGS 84 sphere (web maps).
CRSS: dict[str, Crs] = {
    crs.uri: crs
    for crs in (
        CRS84,
        STORAGE_CRS,
        Crs(EPSG_URI.format(4326), 4326, latitude_first=True, decimals=7, geographic=True),
        Crs(EPSG_URI.format(3857), 3857, latitude_first=False, decimals=2, geographic=False),
    )
}


@dataclass(frozen=True)
class Collection:
    """A feature collection: one model, its geometry, the attributes it publishes and the ones it filters by."""

    id: str
    model: type[models.Model]
    description: str | Promise
    geometry: str
    # Published attributes by field attname: the model's public fields (core.classification), so a new field is
    # published only once it is classified public.
    properties: tuple[str, ...]
    # Query parameter → published attribute, for equality filters.
    filters: dict[str, str]

    @property
    def title(self) -> str:
        return capfirst(str(self.model._meta.verbose_name_plural))


COLLECTIONS: dict[str, Collection] = {
    collection.id: collection
    for collection in (
        Collection(
            id="regions",
            model=Region,
            description=_("Admin divisions (GB/T 2260): provinces, cities and counties with their boundaries."),
            geometry="boundary",
            properties=public_columns(Region),
            filters={"level": "level", "parent": "parent_id", "parent_id": "parent_id"},
        ),
        Collection(
            id="parcels",
            model=Parcel,
            description=_("Land parcels with their legal and planning attributes; land use by GB/T 21010-2017."),
            geometry="geometry",
            properties=public_columns(Parcel),
            filters={name: name for name in ("region_id", "land_use", "land_nature", "use_right_type")}
            | {"region": "region_id"},
        ),
        Collection(
            id="amenities",
            model=Amenity,
            description=_("Points of interest by category, for the surroundings of a parcel."),
            geometry="location",
            properties=public_columns(Amenity),
            filters={"category": "category"},
        ),
    )
}


_JSON_TYPES = {
    "DecimalField": {"type": "number"},
    "FloatField": {"type": "number"},
    "IntegerField": {"type": "integer"},
    "PositiveIntegerField": {"type": "integer"},
    "BigIntegerField": {"type": "integer"},
    "BooleanField": {"type": "boolean"},
    "DateTimeField": {"type": "string", "format": "date-time"},
    "DateField": {"type": "string", "format": "date"},
}


def property_schemas(collection: Collection) -> dict[str, dict[str, Any]]:
    """Each published attribute's JSON Schema (title, type) from its model field; any of them may be null."""
    schemas = {}
    for name in collection.properties:
        field = collection.model._meta.get_field(name)
        title = str(getattr(field, "verbose_name", name))
        while isinstance(field, models.ForeignKey):
            field = field.target_field
        if isinstance(field, ArrayField):
            items = _JSON_TYPES.get(field.base_field.get_internal_type(), {"type": "string"})
            schemas[name] = {"title": title, "type": "array", "items": items}
        else:
            schemas[name] = {"title": title, **_JSON_TYPES.get(field.get_internal_type(), {"type": "string"})}
    return schemas


@dataclass(frozen=True)
class BBox:
    """A bounding box as min x, min y, max x, max y in `crs`'s SRID, longitude (easting) first."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float
    crs: Crs = CRS84


@dataclass(frozen=True)
class ItemsQuery:
    collection: Collection
    crs: Crs = CRS84
    bbox: BBox | None = None
    # Published attribute → value.
    filters: dict[str, str] = field(default_factory=dict)
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True)
class FeaturePage:
    number_matched: int
    number_returned: int
    features: str  # a JSON array of GeoJSON features, as PostgreSQL wrote it


# SQL below is assembled only from identifiers and numbers defined in this module (tables, columns, SRIDs, digits),
# hence the S608 exemptions; every value from a request is a bound parameter.


def _column(collection: Collection, attname: str) -> str:
    field = cast("models.Field[Any, Any]", collection.model._meta.get_field(attname))
    return "t." + connection.ops.quote_name(str(field.column))


def _table(collection: Collection) -> str:
    return connection.ops.quote_name(collection.model._meta.db_table)


def _geometry_sql(collection: Collection, crs: Crs) -> str:
    geometry = _column(collection, collection.geometry)
    if crs.srid != SRID:
        geometry = f"ST_Transform({geometry}, {crs.srid})"
    if crs.latitude_first:
        geometry = f"ST_FlipCoordinates({geometry})"
    # Option 0: no "crs" member inside the geometry (the response's Content-Crs header names the CRS).
    return f"ST_AsGeoJSON({geometry}, {crs.decimals}, 0)::json"


def _properties_sql(collection: Collection) -> str:
    pairs = ", ".join(f"'{name}', {_column(collection, name)}" for name in collection.properties)
    return f"json_build_object({pairs})"


def _where_sql(query: ItemsQuery) -> tuple[str, dict[str, Any]]:
    conditions: list[str] = ["TRUE"]
    params: dict[str, Any] = {}
    if query.bbox is not None:
        bbox = query.bbox
        envelope = f"ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, {bbox.crs.srid})"
        if bbox.crs.srid != SRID:
            envelope = f"ST_Transform({envelope}, {SRID})"
        geometry = _column(query.collection, query.collection.geometry)
        # && is the GiST index's operator; ST_Intersects then drops features whose box touches but shape does not.
        conditions.append(f"{geometry} && {envelope} AND ST_Intersects({geometry}, {envelope})")
        params.update(xmin=bbox.xmin, ymin=bbox.ymin, xmax=bbox.xmax, ymax=bbox.ymax)
    for index, (attname, value) in enumerate(sorted(query.filters.items())):
        conditions.append(f"{_column(query.collection, attname)} = %(filter_{index})s")
        params[f"filter_{index}"] = value
    return " AND ".join(conditions), params


def feature_page_sql(query: ItemsQuery) -> tuple[str, dict[str, Any]]:
    """One statement: the number matched, the number returned and the page's features as a JSON array."""
    collection, table, code = query.collection, _table(query.collection), _column(query.collection, "code")
    where, params = _where_sql(query)
    feature = (
        f"json_build_object('type', 'Feature', 'id', {code}, 'geometry', {_geometry_sql(collection, query.crs)},"
        f" 'properties', {_properties_sql(collection)})"
    )
    sql = f"""
        WITH page AS (
            SELECT {code} AS id, {feature} AS feature FROM {table} t
            WHERE {where} ORDER BY {code} LIMIT %(limit)s OFFSET %(offset)s
        )
        SELECT (SELECT count(*) FROM {table} t WHERE {where}),
               (SELECT count(*) FROM page),
               (SELECT coalesce(json_agg(feature ORDER BY id), '[]'::json)::text FROM page)
    """  # noqa: S608
    return sql, {**params, "limit": query.limit, "offset": query.offset}


def feature_page(query: ItemsQuery) -> FeaturePage:
    """A page of the collection's features in `code` order (stable for offset paging), in one query."""
    sql, params = feature_page_sql(query)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        matched, returned, features = cursor.fetchone()
    return FeaturePage(number_matched=matched, number_returned=returned, features=features)


def feature_parts(collection: Collection, code: str, crs: Crs) -> tuple[str, str] | None:
    """The feature's geometry and properties as JSON text (geometry "null" when it has none), or None."""
    geometry, properties = _geometry_sql(collection, crs), _properties_sql(collection)
    sql = (
        f"SELECT coalesce({geometry}, 'null'::json)::text, {properties}::text FROM {_table(collection)} t"  # noqa: S608
        f" WHERE {_column(collection, 'code')} = %(code)s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"code": code})
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


Extent = tuple[float, float, float, float]


def collection_extents(collections: list[Collection]) -> dict[str, Extent | None]:
    """Each collection's bounding box from its data (ST_Extent, lon/lat), None when empty; one query for all."""
    selects = [
        f"SELECT '{c.id}', ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)"  # noqa: S608
        f" FROM (SELECT ST_Extent({_column(c, c.geometry)}) AS e FROM {_table(c)} t) extent"
        for c in collections
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects))
        rows = cursor.fetchall()
    return {row[0]: None if row[1] is None else (row[1], row[2], row[3], row[4]) for row in rows}
