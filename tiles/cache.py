"""The server-side tile cache in Django's default cache (Redis): rendered tiles keyed by layer, the layer's data
version, a hash of the normalised filters and z/x/y; empty tiles are stored too (as b"").

A layer's data version is a counter (`tiles:version:<layer>`) bumped when a transaction that changed the rows it
draws commits (tiles.signals), so every tile of the old version is left behind at once (it expires after
TILES_CACHE_TIMEOUT). A counter that is missing (first use, or evicted) starts from the clock in microseconds, never
from a number an older version already used. If the cache does not answer, tiles are rendered uncached.
"""

import hashlib
import logging
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from core.throttling import CACHE_ERRORS
from tiles.filters import TileFilters
from tiles.grid import TileAddress

logger = logging.getLogger("tiles")


def version_key(layer: str) -> str:
    return f"tiles:version:{layer}"


def _fresh_version() -> int:
    return time.time_ns() // 1000


def layer_version(layer: str) -> int:
    """The layer's current data version (0 when the cache does not answer)."""
    key = version_key(layer)
    try:
        version = cache.get(key)
        if version is None:
            cache.add(key, _fresh_version(), timeout=None)
            version = cache.get(key)
    except CACHE_ERRORS as exc:
        logger.warning("DEGRADED: tile cache unavailable (%s); rendering uncached", exc)
        return 0
    return int(version or 0)


def layers_bump(layers: Iterable[str]) -> None:
    """A new data version for each layer: their cached tiles and ETags are stale from now on."""
    for layer in set(layers):
        key = version_key(layer)
        try:
            try:
                cache.incr(key)
            except ValueError:  # no counter yet: any fresh one is newer than every tile cached
                cache.add(key, _fresh_version(), timeout=None)
        except CACHE_ERRORS as exc:
            logger.warning("DEGRADED: tile cache unavailable (%s); %s not invalidated", exc, layer)


def tile_key(*, layer: str, version: int, filters: TileFilters, tile: TileAddress) -> str:
    head, tail = tile_key_parts(layer=layer, filters=filters, tile=tile)
    return f"{head}{version}{tail}"


def tile_key_parts(*, layer: str, filters: TileFilters, tile: TileAddress) -> tuple[str, str]:
    """The tile's key before and after the data version (tiles.asgi looks the version up and the tile in one step)."""
    return f"tiles:tile:{layer}:", f":{filters.digest}:{tile}"


def tile_etag(*, layer: str, version: int, filters: TileFilters, tile: TileAddress) -> str:
    """A strong validator of the tile's content: it changes with the data version, the filters and z/x/y."""
    return hashlib.sha256(tile_key(layer=layer, version=version, filters=filters, tile=tile).encode()).hexdigest()[:24]


def cached(key: str) -> Any:
    """The cached value, or None when missing or the cache does not answer."""
    if not key:
        return None
    try:
        return cache.get(key)
    except CACHE_ERRORS:
        return None


def cache_store(key: str, value: Any, *, timeout: int | None = None) -> None:
    try:
        cache.set(key, value, timeout=timeout if timeout is not None else settings.TILES_CACHE_TIMEOUT)
    except CACHE_ERRORS as exc:
        logger.warning("DEGRADED: tile cache unavailable (%s); tile not stored", exc)


def bounds_key(*, layer: str, version: int) -> str:
    return f"tiles:bounds:{layer}:{version}"
