"""The SQL of each layer's tile: one query per tile, `ST_AsMVT` over a subquery of `ST_AsMVTGeom` rows.

Rows are found by `geometry && <the tile's envelope with its buffer, in SRID 4490>`, so the GiST index of the stored
geometry is used; only the rows of the tile are transformed to Web Mercator. The envelope is
`ST_Transform(ST_ClipByBox2D(ST_TileEnvelope(z, x, y, margin => …), <the world>), 4490)`: clipped to the world
first, as beyond ±180° ST_Transform would wrap longitudes round and turn the edge tiles' boxes inside out. Tile
coordinates are validated integers and go into the SQL text, so the planner folds the envelope into a constant.

Every builder takes the tile, the layer's filters and a feature limit, and returns the SQL and its parameters, or
None when the tile is empty without asking (no region level is drawn at that zoom, a query no listing can match).
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.gis.db.models import PointField
from django.contrib.gis.db.models.functions import Centroid
from django.db import connection, transaction
from django.db.models import BooleanField, F
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from auctions.models import Lot
from auctions.selectors_map import LotFilter, lot_boundaries_sql, lot_phase_sql, public_lot_condition
from geo.models import SRID, Amenity, BasemapFeature, Parcel, Region
from geo.selectors import region_code_prefix
from market.models import Demand, SupplyListing
from search.engines.database import DEMAND, SUPPLY, Impossible, listing_filter
from search.query import ListingQuery
from tiles.filters import ParcelFilter, TileFilters
from tiles.grid import BUFFER, EXTENT, WORLD_M, TileAddress

logger = logging.getLogger("tiles")
TileSql = tuple[str, list[Any]]
SqlBuilder = Callable[[TileAddress, TileFilters, int], TileSql | None]

CLUSTER_ID_BASE = 1 << 50  # cluster feature ids: above any row id, below 2^53 (exact in JavaScript)
LEVEL_ORDER = [Region.Level.PROVINCE.value, Region.Level.CITY.value, Region.Level.COUNTY.value]


def tile_envelope(tile: TileAddress) -> str:
    """The tile in Web Mercator (EPSG:3857), for ST_AsMVTGeom."""
    return f"ST_TileEnvelope({int(tile.z)}, {int(tile.x)}, {int(tile.y)})"


def query_envelope(tile: TileAddress, *, margin: float = BUFFER / EXTENT) -> str:
    """The tile and a margin (a share of its width) as a box in the storage SRID, for `geometry && box`."""
    grown = f"ST_TileEnvelope({int(tile.z)}, {int(tile.x)}, {int(tile.y)}, margin => {float(margin)!r})"
    return f"ST_Transform(ST_ClipByBox2D({grown}, ST_TileEnvelope(0, 0, 0)::box2d), {SRID})"


def web_mercator(geometry_4490: str) -> str:
    """A stored geometry (CGCS2000, SRID 4490) in Web Mercator, for every tile layer.

    Labelled WGS 84 (4326) first: CGCS2000 and WGS 84 differ by centimetres, and PROJ knows only the null (ballpark)
    transformation between them, so the coordinates come out the same (tiles/tests/test_tile_transform.py compares
    the tiles), while setting the transform up is cheaper: PostGIS builds PROJ's pipeline once per database
    connection (and per parallel worker), 67 ms from 4490 against 18 ms from 4326 (median of 10 new connections).
    Once built, both cost the same per row (tile SQL medians within a few per cent of each other)."""
    return f"ST_Transform(ST_SetSRID({geometry_4490}, 4326), 3857)"


def mvt_geometry(geometry_4490: str, tile: TileAddress) -> str:
    return f"ST_AsMVTGeom({web_mercator(geometry_4490)}, {tile_envelope(tile)}, {EXTENT}, {BUFFER}, true)"


def tile_mvt(*, sql: TileSql | None) -> bytes:
    """Run one tile's query: the MVT bytes, b"" for a tile without features. Without JIT: a low zoom's estimates
    pass its threshold, and compiling costs more (100 ms) than it saves on a tile."""
    if sql is None:
        return b""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(*sql)
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def tile_render(*, sql: SqlBuilder, tile: TileAddress, filters: TileFilters, cap: int) -> bytes:
    """The tile's MVT with at most `cap` features; rendered again with proportionally fewer while it is above
    TILES_MAX_BYTES, so that no tile is ever bigger (the features kept are the first in the layer's order)."""
    limit = cap
    while True:
        data = tile_mvt(sql=sql(tile, filters, limit))
        if len(data) <= settings.TILES_MAX_BYTES:
            return data
        if limit <= 1:
            logger.warning("tile %s left empty: one feature alone is %d bytes", tile, len(data))
            return b""
        limit = max(1, min(limit - 1, int(limit * settings.TILES_MAX_BYTES / len(data) * 0.9)))


# ------------------------------------------------------------------------------ regions


def regions_sql(tile: TileAddress, filters: TileFilters, limit: int) -> TileSql | None:
    """Outlines (source layer `regions`) and one label point each (`region_labels`, ST_PointOnSurface of the
    simplified boundary, so a label stays put across zooms) of the levels TILES_REGION_ZOOMS draws at this zoom.
    Up to TILES_REGIONS_SIMPLIFIED_MAX_ZOOM the stored simplified boundary is drawn; every outline is clipped to the
    tile and simplified to one MVT unit (1/4096 of the tile)."""
    levels = [level for level, (low, high) in settings.TILES_REGION_ZOOMS.items() if low <= tile.z <= high]
    if not levels:
        return None
    shape = "r.boundary"
    if tile.z <= settings.TILES_REGIONS_SIMPLIFIED_MAX_ZOOM:
        shape = "COALESCE(r.boundary_simplified, r.boundary)"
    tolerance_deg = 360 / (EXTENT * 2**tile.z)
    envelope = query_envelope(tile)
    outline = f"ST_Simplify(ST_ClipByBox2D(s.shape, ({envelope})::box2d), {tolerance_deg!r}, true)"
    attributes = "s.code::bigint AS fid, s.code, s.name, s.level"
    sql = f"""
        WITH shown AS (
            SELECT r.code, r.name, r.level, {shape} AS shape, COALESCE(r.boundary_simplified, r.boundary) AS label_shape
              FROM geo_region r
             WHERE r.level = ANY(%s) AND r.boundary && {envelope}
             ORDER BY array_position(%s, r.level::text), r.code
             LIMIT %s
        )
        SELECT COALESCE((
            SELECT ST_AsMVT(t, 'regions', {EXTENT}, 'geom', 'fid') FROM (
                SELECT {attributes}, {mvt_geometry(outline, tile)} AS geom FROM shown s
            ) t WHERE t.geom IS NOT NULL), ''::bytea)
        || COALESCE((
            SELECT ST_AsMVT(t, 'region_labels', {EXTENT}, 'geom', 'fid') FROM (
                SELECT {attributes}, {mvt_geometry("ST_PointOnSurface(s.label_shape)", tile)} AS geom FROM shown s
            ) t WHERE t.geom IS NOT NULL), ''::bytea)
    """  # noqa: S608 (no user text: the tile's validated integers and our own names)
    return sql, [levels, LEVEL_ORDER, limit]


# ------------------------------------------------------------------------------ parcels


def parcels_sql(tile: TileAddress, filters: TileFilters, limit: int) -> TileSql:
    """Parcels of at least TILES_PARCELS_MIN_PIXELS screen pixels at this zoom, largest first, with the newest
    public supply listing on each (`listing_id`)."""
    wanted: ParcelFilter = filters.value or ParcelFilter()
    min_area_m2 = settings.TILES_PARCELS_MIN_PIXELS * tile.ground_pixel_m() ** 2
    conditions = ["p.area_m2 >= %s"]
    params: list[Any] = [min_area_m2]
    if wanted.region:
        conditions.append("p.region_id LIKE %s")
        params.append(region_code_prefix(wanted.region) + "%")
    if wanted.land_use:
        conditions.append("(p.land_use = ANY(%s) OR left(p.land_use, 2) = ANY(%s))")
        params += [[c for c in wanted.land_use if len(c) == 4], [c for c in wanted.land_use if len(c) == 2]]
    if wanted.area_min is not None:
        conditions.append("p.area_m2 >= %s")
        params.append(wanted.area_min)
    if wanted.area_max is not None:
        conditions.append("p.area_m2 <= %s")
        params.append(wanted.area_max)
    sql = f"""
        SELECT ST_AsMVT(t, 'parcels', {EXTENT}, 'geom', 'fid') FROM (
            SELECT p.id AS fid, p.code, NULLIF(p.land_use, '') AS land_use,
                   NULLIF(left(p.land_use, 2), '') AS land_use_major, p.area_m2::float8 AS area_m2,
                   p.region_id AS region,
                   (SELECT max(l.id) FROM {SupplyListing._meta.db_table} l
                     WHERE l.parcel_id = p.id AND l.status = ANY(%s)) AS listing_id,
                   {mvt_geometry("p.geometry", tile)} AS geom
              FROM (SELECT p.id, p.code, p.land_use, p.area_m2, p.region_id, p.geometry
                      FROM {Parcel._meta.db_table} p
                     WHERE p.geometry && {query_envelope(tile)} AND {" AND ".join(conditions)}
                     ORDER BY p.area_m2 DESC, p.id
                     LIMIT %s) p
        ) t WHERE t.geom IS NOT NULL
    """  # noqa: S608 (no user text: values are parameters)
    return sql, [list(SupplyListing.PUBLIC_STATUSES), *params, limit]


# ------------------------------------------------------------------------------ supply and demand


SUPPLY_TABLE = SupplyListing._meta.db_table
DEMAND_TABLE = Demand._meta.db_table


def _supply_point() -> Coalesce:
    """A supply listing's point: its own, else its parcel's centroid, else its outline's (as TileJSON says)."""
    return Coalesce(F("location"), F("parcel__centroid"), Centroid("outline"), output_field=PointField(srid=SRID))


def _demand_point() -> F:
    return F("location")


SUPPLY_ATTRIBUTES = """l.id, l.title, l.mode, (l.status = %s) AS certified, NULLIF(l.land_use, '') AS land_use,
    NULLIF(left(l.land_use, 2), '') AS land_use_major, l.area_m2::float8 AS area_m2, l.price_wan::float8 AS price_wan,
    l.region_id AS region"""
DEMAND_ATTRIBUTES = "l.id, l.title, l.kind AS mode, NULLIF(l.land_use, '') AS land_use, l.region_id AS region"


def _supply_near(envelope: str) -> str:
    """Supply listings whose point may lie in the box, each branch on its own GiST index: by their location, by
    their parcel's centroid (no location), by their outline (neither); a bitmap OR of index scans."""
    return f"""("{SUPPLY_TABLE}"."location" && {envelope} OR "{SUPPLY_TABLE}"."id" = ANY(ARRAY(
        SELECT s.id FROM {SUPPLY_TABLE} s JOIN {Parcel._meta.db_table} p ON p.id = s.parcel_id
         WHERE s.location IS NULL AND p.centroid && {envelope}
        UNION ALL
        SELECT s.id FROM {SUPPLY_TABLE} s
         WHERE s.location IS NULL AND s.parcel_id IS NULL AND s.outline && {envelope})))"""  # noqa: S608


def _demand_near(envelope: str) -> str:
    return f'"{DEMAND_TABLE}"."location" && {envelope}'


def _listing_sql(
    tile: TileAddress,
    filters: TileFilters,
    limit: int,
    *,
    layer: str,
    table: str,
    point: Callable[[], Any],
    attributes: str,
    attribute_params: list[Any],
    near: Callable[[str], str],
) -> TileSql | None:
    """The public listings `listing_filter` gives for the tile's query, inside the tile: one point each, newest
    first; up to TILES_CLUSTER_MAX_ZOOM aggregated into grid clusters instead. The queryset yields each listing's id
    and point (`chosen`, computed first: joined to the rest, the planner would rather hash every parcel)."""
    kind = SUPPLY if layer == "supply" else DEMAND
    clustered = tile.z <= settings.TILES_CLUSTER_MAX_ZOOM
    # Clusters take the listings of the tile itself (cells never straddle two tiles) and a hair more, so that rounding
    # between the two projections loses no point on an edge: the cell range below gives each point one tile.
    envelope = query_envelope(tile, margin=1 / EXTENT if clustered else BUFFER / EXTENT)
    try:
        listings = listing_filter(filters.value or ListingQuery(kind=kind.name), kind=kind)  # type: ignore[arg-type]
    except Impossible:
        return None
    # Our own SQL text: the envelope of the validated tile and table names, no parameters.
    listings = (
        listings.filter(RawSQL(near(envelope), [], output_field=BooleanField()))  # noqa: S611
        .annotate(tile_point=point())
        .order_by()
    )
    if not clustered:
        newest = listings.order_by(F(kind.date_field).desc(nulls_last=True), "-id").values("id", "tile_point")
        chosen_sql, chosen_params = newest[:limit].query.sql_with_params()
        sql = f"""
            WITH chosen (id, point) AS MATERIALIZED ({chosen_sql})
            SELECT ST_AsMVT(t, '{layer}', {EXTENT}, 'geom', 'fid') FROM (
                SELECT l.id AS fid, {attributes}, {mvt_geometry("c.point", tile)} AS geom
                  FROM chosen c JOIN {table} l ON l.id = c.id
            ) t WHERE t.geom IS NOT NULL
        """  # noqa: S608 (the queryset's own SQL with its parameters; our names)
        return sql, [*chosen_params, *attribute_params]

    chosen_sql, chosen_params = listings.values("id", "tile_point").query.sql_with_params()
    return _cluster_sql(
        tile, chosen_sql, list(chosen_params), limit, layer=layer, table=table, attributes=attributes,
        attribute_params=attribute_params,
    )  # fmt: skip


def _cluster_sql(
    tile: TileAddress,
    chosen_sql: str,
    chosen_params: list[Any],
    limit: int,
    *,
    layer: str,
    table: str,
    attributes: str,
    attribute_params: list[Any],
) -> TileSql:
    """The rows `chosen_sql` gives (id, point) aggregated into a grid of TILES_CLUSTER_CELLS² cells per tile: a cell
    of one row is that row with its attributes (of `table` as `l`), a cell of several a cluster with its count."""
    cells = settings.TILES_CLUSTER_CELLS
    cell_m = tile.size_m / cells
    half = WORLD_M / 2
    sql = f"""
        WITH chosen (id, point) AS MATERIALIZED ({chosen_sql}),
        points AS (SELECT id, {web_mercator("point")} AS g FROM chosen),
        cells AS (
            SELECT floor((ST_X(g) + %s) / %s)::bigint AS cx, floor((%s - ST_Y(g)) / %s)::bigint AS cy,
                   count(*) AS n, avg(ST_X(g)) AS mx, avg(ST_Y(g)) AS my, min(id) AS only_id
              FROM points WHERE g IS NOT NULL GROUP BY 1, 2
        ),
        kept AS (
            SELECT * FROM cells WHERE cx BETWEEN %s AND %s AND cy BETWEEN %s AND %s
             ORDER BY n DESC, cy, cx LIMIT %s
        )
        SELECT ST_AsMVT(t, '{layer}', {EXTENT}, 'geom', 'fid') FROM (
            SELECT CASE WHEN k.n = 1 THEN k.only_id ELSE %s + (k.cy << 22) + k.cx END AS fid,
                   CASE WHEN k.n > 1 THEN true END AS cluster, CASE WHEN k.n > 1 THEN k.n END AS "count",
                   {attributes},
                   ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(k.mx, k.my), 3857), {tile_envelope(tile)}, {EXTENT},
                                {BUFFER}, true) AS geom
              FROM kept k LEFT JOIN {table} l ON k.n = 1 AND l.id = k.only_id
        ) t WHERE t.geom IS NOT NULL
    """  # noqa: S608 (the queryset's own SQL with its parameters; our names)
    first_x, first_y = tile.x * cells, tile.y * cells
    params = [
        *chosen_params,
        half,
        cell_m,
        half,
        cell_m,
        first_x,
        first_x + cells - 1,
        first_y,
        first_y + cells - 1,
        limit,
        CLUSTER_ID_BASE + (tile.z << 44),
        *attribute_params,
    ]
    return sql, params


def supply_sql(tile: TileAddress, filters: TileFilters, limit: int) -> TileSql | None:
    return _listing_sql(
        tile,
        filters,
        limit,
        layer="supply",
        table=SUPPLY_TABLE,
        point=_supply_point,
        attributes=SUPPLY_ATTRIBUTES,
        attribute_params=[SupplyListing.Status.CERTIFIED.value],
        near=_supply_near,
    )


def demand_sql(tile: TileAddress, filters: TileFilters, limit: int) -> TileSql | None:
    return _listing_sql(
        tile,
        filters,
        limit,
        layer="demand",
        table=DEMAND_TABLE,
        point=_demand_point,
        attributes=DEMAND_ATTRIBUTES,
        attribute_params=[],
        near=_demand_near,
    )


# ------------------------------------------------------------------------------ amenities


def amenities_sql(tile: TileAddress, filters: TileFilters, limit: int) -> TileSql:
    categories: tuple[str, ...] = filters.value or ()
    condition, params = ("AND a.category = ANY(%s)", [list(categories)]) if categories else ("", [])
    sql = f"""
        SELECT ST_AsMVT(t, 'amenities', {EXTENT}, 'geom', 'fid') FROM (
            SELECT a.id AS fid, a.id, a.category, a.name, {mvt_geometry("a.location", tile)} AS geom
              FROM (SELECT a.id, a.category, a.name, a.location FROM {Amenity._meta.db_table} a
                     WHERE a.location && {query_envelope(tile)} {condition}
                     ORDER BY a.id LIMIT %s) a
        ) t WHERE t.geom IS NOT NULL
    """  # noqa: S608 (no user text: values are parameters)
    return sql, [*params, limit]


# ------------------------------------------------------------------------------ basemap

# Drawn in this order: ocean, land, lakes, rivers, coastline, 境界线.
BASEMAP_LAYERS = tuple(BasemapFeature.Layer.values)


def basemap_sql(tile: TileAddress, filters: TileFilters, limit: int) -> TileSql:
    """The offline basemap: one source layer per `BasemapFeature.layer` (lakes with their names), of the features
    loaded for this zoom (Natural Earth 1:50m or 1:10m), clipped to the tile and simplified to one MVT unit."""
    envelope = query_envelope(tile)
    tolerance_deg = 360 / (EXTENT * 2**tile.z)
    shape = f"ST_Simplify(ST_ClipByBox2D(s.geometry, ({envelope})::box2d), {tolerance_deg!r}, true)"
    parts = [
        f"""COALESCE((SELECT ST_AsMVT(t, '{layer}', {EXTENT}, 'geom', 'fid') FROM (
                SELECT s.id AS fid, NULLIF(s.name, '') AS name, {mvt_geometry(shape, tile)} AS geom
                  FROM shown s WHERE s.layer = '{layer}'
            ) t WHERE t.geom IS NOT NULL), ''::bytea)"""  # noqa: S608 (our own layer names)
        for layer in BASEMAP_LAYERS
    ]
    sql = f"""
        WITH shown AS (
            SELECT b.id, b.layer, b.name, b.geometry FROM {BasemapFeature._meta.db_table} b
             WHERE b.geometry && {envelope} AND b.min_zoom <= %s AND b.max_zoom >= %s
             ORDER BY b.id LIMIT %s
        )
        SELECT {" || ".join(parts)}
    """  # noqa: S608 (no user text: the tile's validated integers and our own names)
    return sql, [tile.z, tile.z, limit]


# ------------------------------------------------------------------------------ lots

LOT_TABLE = Lot._meta.db_table
LOT_ATTRIBUTES = f"""l.id, l.number, l.title, l.trading_mode, l.kind, l.start_price_wan::float8 AS start_price_wan,
    l.region_id AS region, {lot_phase_sql("l")} AS phase"""


def lots_sql(tile: TileAddress, filters: TileFilters, limit: int) -> TileSql | None:
    """Public lots: one point each (its own, else its parcel's centroid, else its area's); clustered like supply up
    to TILES_CLUSTER_MAX_ZOOM; from TILES_LOTS_OUTLINE_MIN_ZOOM the parcel's outline (or a mining right's area)
    where it has one. Newest first; `phase` by the database clock."""
    wanted: LotFilter = filters.value or LotFilter()
    condition, params = public_lot_condition(wanted, "l")
    clustered = tile.z <= settings.TILES_CLUSTER_MAX_ZOOM
    envelope = query_envelope(tile, margin=1 / EXTENT if clustered else BUFFER / EXTENT)
    point = "COALESCE(l.location, p.centroid, ST_Centroid(l.area))"
    outlined = tile.z >= settings.TILES_LOTS_OUTLINE_MIN_ZOOM
    shape = f"COALESCE(p.geometry, l.area, {point})" if outlined else point
    chosen_sql = f"""
        SELECT l.id, {point} AS point, {shape} AS shape
          FROM {LOT_TABLE} l LEFT JOIN {Parcel._meta.db_table} p ON p.id = l.parcel_id
         WHERE {condition} AND {shape} && {envelope}
         ORDER BY l.announcement_starts_at DESC, l.id DESC
    """  # noqa: S608 (no user text: values are parameters)
    if clustered:
        points = f"SELECT id, point FROM ({chosen_sql}) c"  # noqa: S608 (our own SQL)
        return _cluster_sql(
            tile, points, params, limit, layer="lots", table=LOT_TABLE, attributes=LOT_ATTRIBUTES, attribute_params=[]
        )
    sql = f"""
        WITH chosen AS MATERIALIZED ({chosen_sql} LIMIT %s)
        SELECT ST_AsMVT(t, 'lots', {EXTENT}, 'geom', 'fid') FROM (
            SELECT l.id AS fid, {LOT_ATTRIBUTES}, {mvt_geometry("c.shape", tile)} AS geom
              FROM chosen c JOIN {LOT_TABLE} l ON l.id = c.id
        ) t WHERE t.geom IS NOT NULL
    """  # noqa: S608 (no user text: values are parameters)
    return sql, [*params, limit]


def lots_next_change() -> tuple[float, float] | None:
    """When a public lot's phase next changes, and the database's now, as epoch seconds; None when none will."""
    condition, params = public_lot_condition(LotFilter(), "l")
    sql = f"""
        SELECT extract(epoch FROM min(b))::float8, extract(epoch FROM now())::float8
          FROM {LOT_TABLE} l, unnest({lot_boundaries_sql("l")}) AS b
         WHERE b > now() AND l.status <> 'terminated' AND {condition}
    """  # noqa: S608 (no user text)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if not row or row[0] is None:
        return None
    return float(row[0]), float(row[1])


# ------------------------------------------------------------------------------ bounds


def layer_bounds(*, sql: str) -> tuple[float, float, float, float] | None:
    """The extent a bounds query gives (one box2d row), or None for no data."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM ({sql}) AS q(b)")  # noqa: S608
        row = cursor.fetchone()
    if not row or row[0] is None:
        return None
    west, south, east, north = (float(value) for value in row)
    return max(west, -180.0), max(south, -85.0511), min(east, 180.0), min(north, 85.0511)
