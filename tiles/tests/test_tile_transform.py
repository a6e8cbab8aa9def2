"""Tiles render stored CGCS2000 (SRID 4490) geometries through WGS 84 (`tiles.selectors.web_mercator`, the cheaper
PROJ pipeline): the tiles are byte for byte those of the direct 4490→3857 transform, for shapes across tile edges."""

import mapbox_vector_tile  # type: ignore[import-untyped]
import pytest
import shapely
from django.contrib.gis.geos import Point

from accounts.models import User
from geo.models import SRID, Region
from geo.tests.factories import multipolygon, parcel_create
from market.tests.factories import supply_create
from tiles import selectors
from tiles.filters import NO_FILTERS
from tiles.grid import TileAddress, tile_of

pytestmark = pytest.mark.django_db

LON, LAT = 104.0631, 30.6598  # 成都


def direct(geometry_4490: str) -> str:
    """The transform the tiles used before: straight from 4490."""
    return f"ST_Transform({geometry_4490}, 3857)"


def edge_shapes(tile: TileAddress) -> list[shapely.Polygon]:
    """Irregular polygons across the tile's west and north edges and its south-east corner, a fifth of its width."""
    west, south, east, north = tile.bounds()
    w = (east - west) / 5
    return [
        shapely.Polygon([(west - w * 0.37, south + w * 1.13), (west + w * 0.61, south + w * 1.29),
                         (west + w * 0.53, south + w * 2.07), (west - w * 0.29, south + w * 1.91)]),
        shapely.Polygon([(west + w * 2.21, north - w * 0.43), (west + w * 3.17, north - w * 0.51),
                         (west + w * 2.93, north + w * 0.47)]),
        shapely.Polygon([(east - w * 0.71, south - w * 0.23), (east + w * 0.19, south - w * 0.41),
                         (east + w * 0.33, south + w * 0.67), (east - w * 0.59, south + w * 0.81)]),
    ]  # fmt: skip


@pytest.mark.parametrize("z", [10, 16])
def test_tiles_through_wgs84_equal_the_direct_transform(monkeypatch, tree: dict[str, Region], owner: User, z: int):
    tile = TileAddress(z, *tile_of(z, LON, LAT))
    county = tree["qingyang"]
    shapes = edge_shapes(tile)
    for number, shape in enumerate(shapes):
        parcel_create(code=f"T{z}-{number}", geometry=multipolygon(shape), region=county)
        # A listing near each shape's first vertex: points at z16, grid clusters at z10.
        lon, lat = shape.exterior.coords[0]
        supply_create(owner=owner, region=county, location=Point(lon + 1e-7, lat + 1e-7, srid=SRID))
    rendered = {}
    for form in ("wgs84", "direct"):
        if form == "direct":
            monkeypatch.setattr(selectors, "web_mercator", direct)
        rendered[form] = {
            layer: selectors.tile_mvt(sql=build(tile, NO_FILTERS, 100))
            for layer, build in (("parcels", selectors.parcels_sql), ("supply", selectors.supply_sql))
        }

    assert rendered["wgs84"] == rendered["direct"]
    assert len(mapbox_vector_tile.decode(rendered["wgs84"]["parcels"])["parcels"]["features"]) == len(shapes)
    assert mapbox_vector_tile.decode(rendered["wgs84"]["supply"])["supply"]["features"]
