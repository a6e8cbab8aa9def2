"""Writing real GIS files for tests (Shapefile, GeoPackage, GeoJSON, CSV) with GDAL through pyogrio."""

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import shapely


def write_layer(
    path: Path,
    geometries: list[shapely.Geometry],
    attributes: dict[str, list[Any]],
    *,
    driver: str,
    crs: str | None,
    encoding: str | None = None,
    geometry_type: str = "Polygon",
) -> Path:
    names = list(attributes)
    columns = [np.array(attributes[name], dtype=object) for name in names]
    pyogrio.raw.write(
        path,
        geometry=shapely.to_wkb(np.array(geometries, dtype=object)),
        field_data=columns,
        fields=names,
        driver=driver,
        crs=crs,
        encoding=encoding,
        geometry_type=geometry_type,
    )
    return path


def write_geojson(path: Path, geometries: list[shapely.Geometry], attributes: dict[str, list[Any]]) -> Path:
    """A plain RFC 7946 file, written by hand so its coordinates are exactly the ones given."""
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(shapely.to_geojson(geometry)),
            "properties": {name: values[i] for name, values in attributes.items()},
        }
        for i, geometry in enumerate(geometries)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    return path


def square(x: float, y: float, size: float) -> shapely.Polygon:
    return shapely.box(x, y, x + size, y + size)
