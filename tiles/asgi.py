"""The lean path of `/tiles/{layer}/{z}/{x}/{y}.mvt` under uvicorn (config/asgi.py routes the path here): the same
tile, headers and cache as `tiles.api.TileApi`, without Django's handler, middleware chain and DRF.

A request is parsed as Django parses it (ASGIRequest, the layer's own filter parser, `tile_address`), then one Redis
round trip (a script) counts it for the tile throttle, reads the layer's data version and the tile cached under it;
on a miss the tile is rendered by one SQL statement on a pooled async psycopg connection (autocommit, JIT
and parallel query off on the connection, so no BEGIN/SET/COMMIT around it), gzip-compressed and stored. The
layers' SQL, cache keys, ETags, gzip negotiation and the response-phase middleware that set the security headers
are the Django path's own.

Whatever is not the common case goes to Django, which answers it as it always did: other methods, a host not in
ALLOWED_HOSTS, a plain-HTTP request when SECURE_SSL_REDIRECT is on, an unknown layer, bad z/x/y or filters (400 and
404 bodies in the caller's language), a refused request (429: the lean path takes its count back and Django counts
it, so it is counted once), a layer whose tiles change with the clock (lots), no Redis cache, and a database error.
"""

import asyncio
import gzip
import io
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisSerializer
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.locale import LocaleMiddleware
from django.middleware.security import SecurityMiddleware
from psycopg_pool import AsyncConnectionPool
from redis import asyncio as aioredis
from redis.exceptions import RedisError

from core.net import client_address
from core.throttling import CACHE_ERRORS
from tiles import cache
from tiles.api import MVT_CONTENT_TYPE, TileApi, _matches, _set_headers, accepts_gzip
from tiles.filters import TileFilters
from tiles.grid import TileAddress, tile_address
from tiles.layers import Layer, layer_get
from tiles.services import tile_gzip
from tiles.throttling import TileRateThrottle

logger = logging.getLogger("tiles")

TILE_PATH = re.compile(r"/tiles/[^/]+/[^/]+/[^/]+/[^/]+\.mvt")
_PARTS = re.compile(r"/tiles/(?P<layer>[^/]+)/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)\.mvt")
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]

# Every tile connection: JIT off (a low zoom's estimates pass its threshold and compiling costs more, ~100 ms, than it
# saves); parallel query off (each parallel worker initialises PROJ again for the 4490→3857 transform: a z10 tile took
# 12 ms serial and ~60 ms parallel). Measured in docs/maps.md, "The tile path".
CONNECTION_SETTINGS = "SET jit = off; SET max_parallel_workers_per_gather = 0"

_NO_RESPONSE = HttpResponse()  # middleware that only acts on the response is given this as its next step
_ALLOW = ", ".join(TileApi(head=TileApi.get).allowed_methods)  # DRF's Allow header (View.setup adds head to a GET view)
_serializer = RedisSerializer()


@dataclass
class _Resources:
    """What one event loop's requests share: a Redis client and a database pool (opened on first use)."""

    redis: aioredis.Redis
    pool: AsyncConnectionPool


_resources: dict[asyncio.AbstractEventLoop, _Resources] = {}


def _connection_kwargs() -> dict[str, Any]:
    """Django's connection parameters (its adapters for Decimal, dates…) without its pool and sync cursor."""
    params = dict(connection.get_connection_params())
    for name in ("pool", "cursor_factory", "prepare_threshold"):
        params.pop(name, None)
    params["autocommit"] = True
    params["cursor_factory"] = psycopg.AsyncClientCursor  # Django's SQL is written for client-side binding
    return params


async def _configure(conn: psycopg.AsyncConnection[Any]) -> None:
    await conn.execute(CONNECTION_SETTINGS)


async def _shared() -> _Resources:
    loop = asyncio.get_running_loop()
    found = _resources.get(loop)
    if found is None:
        location = settings.CACHES["default"]["LOCATION"]
        pool = AsyncConnectionPool(
            kwargs=_connection_kwargs(),
            min_size=1,
            max_size=max(1, settings.DATABASE_POOL_MAX_SIZE),
            timeout=settings.DATABASES["default"].get("OPTIONS", {}).get("pool", {}).get("timeout", 10.0),
            configure=_configure,
            open=False,
        )
        await pool.open()
        redis = aioredis.Redis.from_url(location, socket_timeout=2, socket_connect_timeout=2)
        found = _resources.setdefault(loop, _Resources(redis, pool))
        if found.pool is not pool:  # another request of this loop opened one meanwhile
            await pool.close()
    return found


async def tile_application(scope: dict[str, Any], receive: Receive, send: Send, fallback: ASGIApp) -> None:
    """Answer a tile request of TILE_PATH, or hand it to `fallback` (Django) when it is not the common case."""
    response = await _tile_response(scope)
    if response is None:
        await fallback(scope, receive, send)
        return
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in response.items()]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": response.content})


async def _tile_response(scope: dict[str, Any]) -> HttpResponse | None:
    """The response Django would give, or None for Django to answer."""
    if scope["method"] != "GET" or not isinstance(caches["default"], RedisCache):
        return None
    if settings.CACHES["default"].get("KEY_FUNCTION"):  # LOOKUP_SCRIPT builds the tile's key as the default one does
        return None
    request = ASGIRequest(scope, io.BytesIO())
    try:
        request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks it
    except DisallowedHost:
        return None
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return None
    match = _PARTS.fullmatch(scope["path"])
    layer = layer_get(match["layer"]) if match else None
    if match is None or layer is None or layer.next_change is not None:
        return None
    try:
        tile = tile_address(z=match["z"], x=match["x"], y=match["y"])
        filters = _filters(layer, request.GET)
    except Exception:  # a 400 (or anything unforeseen): Django's view answers it
        return None
    try:
        resources = await _shared()
        response = await _answer(request, resources, layer, tile, filters)
    except psycopg.Error as exc:
        logger.warning("lean tile path: %s; answered by Django", exc)
        return None
    if response is not None:
        _finish(request, response)
    return response


_UNFILTERED: dict[str, TileFilters] = {}


def _filters(layer: Layer, params: QueryDict) -> TileFilters:
    """The layer's filters; without a query string, parsed once per layer (a serializer costs ~0.3 ms a request)."""
    if params:
        return layer.filters(params)
    if layer.name not in _UNFILTERED:
        _UNFILTERED[layer.name] = layer.filters(params)
    return _UNFILTERED[layer.name]


async def _answer(
    request: ASGIRequest, resources: _Resources, layer: Layer, tile: TileAddress, filters: TileFilters
) -> HttpResponse | None:
    """TileApi.get on the shared resources; None when the throttle refuses."""
    found = await _lookup(request, resources.redis, layer, tile, filters)
    if not found.admitted:
        return None
    version = found.version
    gzip_ok = accepts_gzip(request.headers.get("Accept-Encoding", ""))
    headers = {"Cache-Control": f"public, max-age={settings.TILES_MAX_AGE}", "Vary": "Accept-Encoding"}
    if version:
        etag = cache.tile_etag(layer=layer.name, version=version, filters=filters, tile=tile)
        headers["ETag"] = f'"{etag}-gz"' if gzip_ok else f'"{etag}"'
        if _matches(request.headers.get("If-None-Match", ""), headers["ETag"]):
            response: HttpResponse = HttpResponseNotModified()
            _set_headers(response, headers)
            return response
    gzipped, hit = await _tile_gzipped(resources, layer, tile, filters, found)
    headers["X-Tile-Cache"] = "hit" if hit else "miss"
    if not gzipped:
        response = HttpResponse(status=204)
        del response["Content-Type"]
    elif gzip_ok:
        response = HttpResponse(gzipped, content_type=MVT_CONTENT_TYPE)
        headers["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(gzipped), content_type=MVT_CONTENT_TYPE)
    _set_headers(response, headers)
    return response


def _tile_rate() -> tuple[int, int] | None:
    """The tile throttle's requests and period in seconds (TILES_THROTTLE_RATE), None without a limit."""
    throttle = TileRateThrottle()
    if throttle.rate is None or throttle.num_requests is None or throttle.duration is None:
        return None
    return throttle.num_requests, throttle.duration


# One round trip for a request: the throttle's count in the current window (KEYS[1], kept ARGV[1] seconds; ARGV[1] 0:
# no limit) and the previous window's (KEYS[2]), the layer's data version (KEYS[3]) and the tile cached under it (its
# key is ARGV[2] .. version .. ARGV[3]). Redis runs a script atomically, between other clients' commands.
LOOKUP_SCRIPT = """
local count, before, tile = 0, false, false
if ARGV[1] ~= '0' then
    count = redis.call('INCR', KEYS[1])
    redis.call('EXPIRE', KEYS[1], ARGV[1])
    before = redis.call('GET', KEYS[2])
end
local version = redis.call('GET', KEYS[3])
if version then
    tile = redis.call('GET', ARGV[2] .. version .. ARGV[3])
end
return {count, before, version, tile}
"""


@dataclass(frozen=True)
class _Lookup:
    admitted: bool
    version: int  # 0: the cache is away (nothing cached, no ETag)
    stored: bytes | None = None  # the cached tile, gzip-compressed (b"" for an empty one)


async def _lookup(
    request: ASGIRequest, redis: aioredis.Redis, layer: Layer, tile: TileAddress, filters: TileFilters
) -> _Lookup:
    """The tile throttle's verdict (core.throttling.WindowRateThrottle's keys and arithmetic), the layer's data version
    (tiles.cache.layer_version) and the cached tile (tiles.services.tile_get), in one round trip (LOOKUP_SCRIPT)."""
    django_cache = caches["default"]
    rate = _tile_rate()
    limit, period = rate or (0, 0)
    window, into = divmod(time.time(), period or 1)
    throttle_key = f"tiles:throttle:{client_address(request)}"
    head, tail = cache.tile_key_parts(layer=layer.name, filters=filters, tile=tile)
    version_key = django_cache.make_and_validate_key(cache.version_key(layer.name))
    keys = [
        django_cache.make_and_validate_key(f"{throttle_key}:{int(window)}"),
        django_cache.make_and_validate_key(f"{throttle_key}:{int(window) - 1}"),
        version_key,
    ]
    try:
        count, before, version, stored = await redis.eval(
            LOOKUP_SCRIPT, 3, *keys, 2 * period, django_cache.make_and_validate_key(head), tail
        )
        if rate and int(before or 0) * (1 - into / period) + int(count) > limit:
            await redis.decr(keys[0])  # Django answers the 429 and counts the request itself: count it once
            return _Lookup(admitted=False, version=0)
        if version is None:  # first use, or evicted: tiles.cache starts it from the clock (nothing is cached yet)
            await redis.set(version_key, _serializer.dumps(cache._fresh_version()), nx=True)
            version, stored = await redis.get(version_key), None
    except (*CACHE_ERRORS, RedisError) as exc:
        logger.warning("DEGRADED: tile cache unavailable (%s); rendering uncached", exc)
        return _Lookup(admitted=True, version=0)
    value = _serializer.loads(stored) if stored is not None else None
    cached = value if isinstance(value, bytes) else None
    return _Lookup(admitted=True, version=int(_serializer.loads(version) or 0), stored=cached)


async def _tile_gzipped(
    resources: _Resources, layer: Layer, tile: TileAddress, filters: TileFilters, found: _Lookup
) -> tuple[bytes, bool]:
    """tiles.services.tile_get: the cached tile, else rendered and stored (empty ones too); (gzipped, hit)."""
    if found.version and found.stored is not None:
        return found.stored, True
    gzipped = await _compressed(resources.pool, layer, tile, filters)
    if found.version:
        django_cache = caches["default"]
        key = django_cache.make_and_validate_key(
            cache.tile_key(layer=layer.name, version=found.version, filters=filters, tile=tile)
        )
        timeout = django_cache.get_backend_timeout(settings.TILES_CACHE_TIMEOUT)  # None: no expiry
        try:
            await resources.redis.set(key, _serializer.dumps(gzipped), ex=None if timeout is None else int(timeout))
        except (*CACHE_ERRORS, RedisError) as exc:
            logger.warning("DEGRADED: tile cache unavailable (%s); tile not stored", exc)
    return gzipped, False


async def _compressed(pool: AsyncConnectionPool, layer: Layer, tile: TileAddress, filters: TileFilters) -> bytes:
    """tiles.services.tile_compressed with selectors.tile_render's size cap: at most the layer's cap of features,
    rendered again with proportionally fewer while above TILES_MAX_BYTES."""
    if tile.z < layer.min_zoom:
        return b""
    limit = layer.feature_cap
    async with pool.connection() as conn:
        while True:
            sql = layer.sql(tile, filters, limit)
            data = b""
            if sql is not None:
                row = await (await conn.execute(sql[0], sql[1])).fetchone()
                data = bytes(row[0]) if row and row[0] is not None else b""
            if len(data) <= settings.TILES_MAX_BYTES:
                break
            if limit <= 1:
                logger.warning("tile %s left empty: one feature alone is %d bytes", tile, len(data))
                data = b""
                break
            limit = max(1, min(limit - 1, int(limit * settings.TILES_MAX_BYTES / len(data) * 0.9)))
    return tile_gzip(data)


# The response-phase middleware whose headers a tile carries (config.settings MIDDLEWARE, in its order): security
# headers, Content-Security-Policy, the language, X-Frame-Options. The others add nothing to a tile's response.
_SECURITY = SecurityMiddleware(lambda request: _NO_RESPONSE)
_LOCALE = LocaleMiddleware(lambda request: _NO_RESPONSE)
_FRAME = XFrameOptionsMiddleware(lambda request: _NO_RESPONSE)
_CSP = CSPMiddleware(lambda request: _NO_RESPONSE)


def _finish(request: ASGIRequest, response: HttpResponse) -> None:
    """The headers DRF and the middleware add on the Django path: Allow, then, innermost first, X-Frame-Options, the
    language (Content-Language, Vary), CSP, the security headers; and Content-Length as CommonMiddleware sets it."""
    response["Allow"] = _ALLOW
    _LOCALE.process_request(request)  # activates the caller's language for Content-Language
    for step in (_FRAME.process_response, _LOCALE.process_response):
        step(request, response)
    _CSP.process_response(request, response)
    _SECURITY.process_response(request, response)
    if not response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
