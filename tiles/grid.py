"""The Web Mercator tile grid (XYZ, as MapLibre asks for tiles): tile addresses from the URL, and their sizes."""

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import InvalidInput

EXTENT = 4096  # MVT coordinates per tile side
BUFFER = 64  # MVT coordinates drawn beyond each edge, so lines and labels do not end at a tile's edge
WORLD_M = 2 * 20037508.342789244  # the width of the Web Mercator world (EPSG:3857), metres
SCREEN_PIXELS = 512  # a vector tile is drawn 512 screen pixels wide
MAX_LATITUDE = 85.0511287798066
_INTEGER = re.compile(r"-?[0-9]{1,12}")


@dataclass(frozen=True)
class TileAddress:
    z: int
    x: int
    y: int

    def __str__(self) -> str:
        return f"{self.z}/{self.x}/{self.y}"

    @property
    def size_m(self) -> float:
        """The tile's width in Web Mercator metres."""
        return WORLD_M / 2**self.z

    def bounds(self) -> tuple[float, float, float, float]:
        """West, south, east, north in degrees (lon/lat)."""
        west, north = lon_lat(self.z, self.x, self.y)
        east, south = lon_lat(self.z, self.x + 1, self.y + 1)
        return west, south, east, north

    def ground_pixel_m(self) -> float:
        """The ground size of one screen pixel at the tile's centre, metres (the Mercator scale is 1 / cos φ)."""
        _west, south, _east, north = self.bounds()
        return self.size_m / SCREEN_PIXELS * math.cos(math.radians((south + north) / 2))


def lon_lat(z: int, x: float, y: float) -> tuple[float, float]:
    """The lon/lat of the tile corner (x, y) at zoom z (the north-west corner of tile x/y)."""
    n = 2**z
    lon = x / n * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))
    return lon, lat


def tile_of(z: int, lon: float, lat: float) -> tuple[int, int]:
    """The x, y of the tile at zoom z holding the point (clamped to the grid)."""
    n = 2**z
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tiles_covering(z: int, bbox: tuple[float, float, float, float]) -> Iterator[TileAddress]:
    """The tiles at zoom z that cover the lon/lat box (west, south, east, north), row by row."""
    west, south, east, north = bbox
    x0, y0 = tile_of(z, west, north)
    x1, y1 = tile_of(z, east, south)
    for y in range(y0, y1 + 1):
        for x in range(x0, x1 + 1):
            yield TileAddress(z, x, y)


def tile_count(z: int, bbox: tuple[float, float, float, float]) -> int:
    west, south, east, north = bbox
    x0, y0 = tile_of(z, west, north)
    x1, y1 = tile_of(z, east, south)
    return (x1 - x0 + 1) * (y1 - y0 + 1)


def _invalid(name: str, message: str, code: str) -> InvalidInput:
    return InvalidInput(message, fields={name: [{"code": code, "message": message}]})


def tile_address(*, z: str, x: str, y: str) -> TileAddress:
    """The tile of the URL's z/x/y; a 400 naming the first impossible part (not an integer, out of the grid)."""
    numbers: dict[str, int] = {}
    for name, text in (("z", z), ("x", x), ("y", y)):
        if not _INTEGER.fullmatch(text):
            raise _invalid(name, _("Tile coordinates are whole numbers."), "invalid")
        numbers[name] = int(text)
    zoom = numbers["z"]
    if not 0 <= zoom <= settings.TILES_MAX_ZOOM:
        message = _("The zoom must lie in 0…%(max)d.") % {"max": settings.TILES_MAX_ZOOM}
        raise _invalid("z", message, "out_of_range")
    last = 2**zoom - 1
    for name in ("x", "y"):
        if not 0 <= numbers[name] <= last:
            message = _("At zoom %(z)d, %(name)s must lie in 0…%(last)d.") % {"z": zoom, "name": name, "last": last}
            raise _invalid(name, message, "out_of_range")
    return TileAddress(zoom, numbers["x"], numbers["y"])
