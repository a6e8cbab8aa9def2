"""Reading one GIS file through GDAL (pyogrio) into arrays: geometries, attributes, feature ids, the CRS."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import shapely
from django.utils.translation import gettext as _

from core.errors import InvalidInput

SUPPORTED_SUFFIXES = {".shp", ".gpkg", ".geojson", ".json", ".kml", ".csv"}
# CSV: a WKT column, or longitude/latitude columns, found by these names (GDAL's CSV driver open options).
CSV_OPEN_OPTIONS = {
    "GEOM_POSSIBLE_NAMES": "wkt,WKT,geometry,geom,Geometry",
    "X_POSSIBLE_NAMES": "lon,lng,longitude,x,X,经度",
    "Y_POSSIBLE_NAMES": "lat,latitude,y,Y,纬度",
    "KEEP_GEOM_COLUMNS": "NO",
    "AUTODETECT_TYPE": "NO",
}


class ImportRefused(InvalidInput):
    """A file (or one of its features) cannot be imported; the message names the file, feature and field."""

    default_code = "import_refused"


@dataclass
class Source:
    path: Path
    layer: str
    crs: str | None
    encoding: str | None
    geometries: np.ndarray  # shapely geometries as read, in the file's CRS
    fids: np.ndarray
    fields: dict[str, np.ndarray] = field(default_factory=dict)
    other_layers: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.geometries)

    @property
    def name(self) -> str:
        return self.path.name

    def feature_label(self, index: int) -> str:
        return str(self.fids[index]) if len(self.fids) else str(index + 1)


def list_files(path: Path) -> list[Path]:
    """One file, or every supported file in a directory (sorted); a .json next to a .shp is still its own file."""
    if not path.exists():
        raise ImportRefused(_("{path}: no such file or directory").format(path=path), fields={"path": []})
    if path.is_file():
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise ImportRefused(
                _("{file}: unsupported format; use Shapefile, GeoPackage, GeoJSON, KML or CSV").format(file=path.name)
            )
        return [path]
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
    if not files:
        raise ImportRefused(
            _("{path}: the directory holds no Shapefile, GeoPackage, GeoJSON, KML or CSV file").format(path=path)
        )
    return files


def read_source(path: Path, *, layer: str | None = None, encoding: str | None = None) -> Source:
    """Read a whole layer; GDAL applies a Shapefile's .cpg or LDID, `encoding` overrides (e.g. GBK without .cpg)."""
    options: dict[str, Any] = CSV_OPEN_OPTIONS if path.suffix.lower() == ".csv" else {}
    try:
        layers = [str(name) for name, _type in pyogrio.list_layers(path)]
        chosen = layer or layers[0]
        if chosen not in layers:
            raise ImportRefused(
                _("{file}: no layer named {layer}; layers: {layers}").format(
                    file=path.name, layer=chosen, layers=", ".join(layers)
                ),
                fields={"layer": []},
            )
        meta, fids, wkb, values = pyogrio.raw.read(
            path, layer=chosen, encoding=encoding, return_fids=True, datetime_as_string=True, **options
        )
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError) as exc:
        raise ImportRefused(_("{file}: GDAL cannot read it: {reason}").format(file=path.name, reason=exc)) from exc
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            _("{file}: the attributes are not in {encoding}; give the right --encoding (e.g. GBK)").format(
                file=path.name, encoding=encoding or "UTF-8"
            ),
            fields={"encoding": []},
        ) from exc
    if wkb is None:
        raise ImportRefused(_("{file}: the layer has no geometry column").format(file=path.name))
    return Source(
        path=path,
        layer=chosen,
        crs=meta.get("crs"),
        encoding=meta.get("encoding"),
        geometries=shapely.from_wkb(wkb, on_invalid="ignore"),
        fids=np.asarray(fids) if fids is not None else np.array([]),
        fields={name: np.asarray(column) for name, column in zip(meta["fields"], values, strict=True)},
        other_layers=[name for name in layers if name != chosen],
    )
