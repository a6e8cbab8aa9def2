"""Getting tiles through the cache: a cached tile, else rendered (one SQL query), gzip-compressed and stored; the
TileJSON bounds of a layer; pre-rendering (`warm_tiles`).

A layer whose tiles change with the clock (lots: their phase) is cached under its data version and the moment its
tiles next change (`tile_state`): once that moment passes, its tiles have a new key, and nobody keeps one longer
(the HTTP max-age and the server-side timeout end there too)."""

import gzip
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.http import QueryDict

from tiles import cache, selectors
from tiles.filters import TileFilters
from tiles.grid import TileAddress, tile_count, tiles_covering
from tiles.layers import Layer


@dataclass(frozen=True)
class TileAnswer:
    gzipped: bytes  # the MVT, gzip-compressed; b"" for a tile without features
    etag: str
    hit: bool


@dataclass(frozen=True)
class TileState:
    version: int  # what the layer's tiles are cached and tagged under (0: the cache is away, nothing cached)
    max_age: int  # seconds a browser may keep a tile
    timeout: int | None = None  # seconds the server keeps one (None: TILES_CACHE_TIMEOUT)


def tile_state(*, layer: Layer) -> TileState:
    """The layer's data version; for a layer that changes with the clock, combined with the moment it next changes
    (cached until that moment under the data version), and max-age and timeout ending at that moment."""
    version = cache.layer_version(layer.name)
    if layer.next_change is None:
        return TileState(version=version, max_age=settings.TILES_MAX_AGE)
    key = f"tiles:next:{layer.name}:{version}" if version else ""
    stored = cache.cached(key)
    if isinstance(stored, float) and (stored == 0 or stored > time.time()):
        change, left = stored, stored - time.time()
    else:
        found = layer.next_change()
        change, left = (found[0], found[0] - found[1]) if found else (0.0, 0.0)
        if key:
            cache.cache_store(key, change, timeout=max(1, math.ceil(left)) if change else None)
    if not change:  # nothing will change by the clock alone
        return TileState(version=version, max_age=settings.TILES_MAX_AGE)
    seconds = max(0, math.floor(left))
    return TileState(
        version=version * 10**10 + int(change) if version else 0,
        max_age=min(settings.TILES_MAX_AGE, seconds),
        timeout=max(1, min(settings.TILES_CACHE_TIMEOUT, math.ceil(left))),
    )


def tile_get(
    *, layer: Layer, tile: TileAddress, filters: TileFilters, version: int | None = None, timeout: int | None = None
) -> TileAnswer:
    """The tile from the cache, else rendered and stored (empty ones too) for `timeout` seconds. Below the layer's
    minimum zoom a tile is empty without a query."""
    if version is None:
        state = tile_state(layer=layer)
        version, timeout = state.version, state.timeout
    key = cache.tile_key(layer=layer.name, version=version, filters=filters, tile=tile)
    etag = cache.tile_etag(layer=layer.name, version=version, filters=filters, tile=tile)
    stored = cache.cached(key) if version else None
    if isinstance(stored, bytes):
        return TileAnswer(gzipped=stored, etag=etag, hit=True)
    gzipped = tile_compressed(layer=layer, tile=tile, filters=filters)
    if version:
        cache.cache_store(key, gzipped, timeout=timeout)
    return TileAnswer(gzipped=gzipped, etag=etag, hit=False)


# gzip level 1, not 6: a z10 parcels tile (~170 kB of MVT) compresses in ~1.4 ms instead of ~6.4 ms and comes out
# ~12 % bigger (67 kB against 60 kB); measured in docs/maps.md, "The tile path".
GZIP_LEVEL = 1


def tile_gzip(mvt: bytes) -> bytes:
    """The MVT gzip-compressed as every tile is stored and sent (b"" stays b"": a tile without features)."""
    return gzip.compress(mvt, compresslevel=GZIP_LEVEL, mtime=0) if mvt else b""


def tile_compressed(*, layer: Layer, tile: TileAddress, filters: TileFilters) -> bytes:
    """The rendered tile, gzip-compressed (b"" when it has no features)."""
    if tile.z < layer.min_zoom:
        return b""
    return tile_gzip(selectors.tile_render(sql=layer.sql, tile=tile, filters=filters, cap=layer.feature_cap))


def layer_bounds(*, layer: Layer) -> tuple[float, float, float, float]:
    """West, south, east, north of the layer's data (cached per data version), else TILES_DEFAULT_BOUNDS."""
    version = cache.layer_version(layer.name)
    key = cache.bounds_key(layer=layer.name, version=version) if version else ""
    stored = cache.cached(key)
    if stored is None:
        found = selectors.layer_bounds(sql=layer.bounds_sql)
        stored = list(found) if found else []
        if key:
            cache.cache_store(key, stored)
    bounds = tuple(stored) if stored else tuple(settings.TILES_DEFAULT_BOUNDS)
    west, south, east, north = (round(float(value), 6) for value in bounds)
    return west, south, east, north


@dataclass
class WarmSummary:
    tiles: int = 0  # tiles covered
    rendered: int = 0
    empty: int = 0  # rendered without features
    cached: int = 0  # already in the cache at the current version: left as they were
    bytes: int = 0  # compressed bytes stored
    seconds: float = 0.0


def tiles_warm_count(*, zooms: Iterable[int], bbox: tuple[float, float, float, float]) -> int:
    return sum(tile_count(z, bbox) for z in zooms)


def tiles_warm(
    *,
    layer: Layer,
    zooms: Iterable[int],
    bbox: tuple[float, float, float, float],
    filters: TileFilters | None = None,
    progress: Callable[[int], object] | None = None,
) -> WarmSummary:
    """Render and cache every tile of the zooms over the lon/lat box that the cache does not hold yet."""
    started = time.monotonic()
    filters = filters or layer.filters(QueryDict())  # the tiles a map without filters asks for
    summary = WarmSummary()
    state = tile_state(layer=layer)
    for z in zooms:
        for tile in tiles_covering(z, bbox):
            summary.tiles += 1
            answer = tile_get(layer=layer, tile=tile, filters=filters, version=state.version, timeout=state.timeout)
            if answer.hit:
                summary.cached += 1
            else:
                summary.rendered += 1
                summary.empty += not answer.gzipped
                summary.bytes += len(answer.gzipped)
            if progress is not None:
                progress(1)
    summary.seconds = round(time.monotonic() - started, 3)
    return summary
