"""Rate limits with a sliding-window counter: two counters per caller, one Redis round trip per request.

DRF's SimpleRateThrottle keeps a list of every request's time per caller and reads and writes all of it on each
request (600 floats for a 600/min limit, 6000 for the tiles' rate); here a request increments the current window's
counter and reads the previous one's, and the previous window counts in proportion to how much of it still lies
within the last period (the estimate Cloudflare and others use). Requests refused count too, so a client that keeps
hammering stays refused until it slows down.
"""

import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.request import Request

from core.net import client_address

CACHE_ERRORS = (RedisError, OSError)  # what Django's cache raises when Redis does not answer


def window_counts(key: str, *, window: int, period: int) -> tuple[int, int]:
    """Count a request in `window` (a number of periods since the epoch); its count and the previous window's."""
    current, previous = f"{key}:{window}", f"{key}:{window - 1}"
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # One round trip. The cache's own client and key prefix (its KEY_PREFIX, VERSION), not a second pool.
        name = cache.make_and_validate_key(current)
        pipeline = _redis_client(cache).pipeline(transaction=False)
        pipeline.incr(name)
        pipeline.expire(name, 2 * period)
        pipeline.get(cache.make_and_validate_key(previous))
        count, _expired, before = pipeline.execute()
        return int(count), int(before or 0)
    cache.add(current, 0, timeout=2 * period)
    return cache.incr(current), int(cache.get(previous) or 0)


def cache_increment(key: str, *, ttl: int) -> int:
    """Add one to a counter the cache keeps for `ttl` seconds from its first count; its new value."""
    cache = caches["default"]
    cache.add(key, 0, ttl)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, ttl)
        return 1


_CLIENTS: dict[tuple[Any, ...], Any] = {}


def _redis_client(cache: RedisCache) -> Any:
    """The Redis cache's client for writes, one per servers and options in the process: Django builds a client object
    on each call (50 µs)."""
    client = cache._cache
    key = (repr(getattr(client, "_servers", None)), repr(getattr(client, "_pool_options", None)))
    if key not in _CLIENTS:
        _CLIENTS[key] = client.get_client(write=True)
    return _CLIENTS[key]


class WindowRateThrottle(throttling.SimpleRateThrottle):
    """SimpleRateThrottle's rates, scopes and caller keys, counted in windows (see the module's note)."""

    num_requests: int | None  # set from the rate by SimpleRateThrottle
    duration: int | None
    retry_after = 0.0

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None or self.num_requests is None or self.duration is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = time.time()
        window, into = divmod(self.now, self.duration)
        try:
            count, before = window_counts(key, window=int(window), period=self.duration)
        except CACHE_ERRORS:  # no cache: no limit rather than no service
            return True
        earlier = before * (1 - into / self.duration)  # the part of the previous window within the last period
        self.retry_after = self.duration - into
        if count < self.num_requests and before:  # the previous window's share is what is over: it will shrink
            self.retry_after = min(self.retry_after, (earlier + count - self.num_requests) * self.duration / before)
        return earlier + count <= self.num_requests

    def wait(self) -> float | None:
        return max(0.0, self.retry_after)

    def get_ident(self, request: Request) -> str:
        """The caller's address as core.net sees it (never DRF's NUM_PROXIES reading of X-Forwarded-For)."""
        return client_address(request)


# DRF's classes first: their allow_request (ScopedRateThrottle's finds the view's scope) hands over to ours.
class AnonRateThrottle(throttling.AnonRateThrottle, WindowRateThrottle):
    pass


class UserRateThrottle(throttling.UserRateThrottle, WindowRateThrottle):
    pass


class ScopedRateThrottle(throttling.ScopedRateThrottle, WindowRateThrottle):
    pass


class ScopedKeyRateThrottle(ScopedRateThrottle):
    """The view's throttle_scope with a suffix (its own rate, e.g. `email_address`), counted per `caller(request)`: by
    default the caller's address, signed in or not."""

    suffix = "_address"

    def caller(self, request: Request) -> str | None:
        return self.get_ident(request)

    def allow_request(self, request: Request, view: Any) -> bool:
        scope = getattr(view, self.scope_attr, None)
        if not scope:
            return True
        self.scope = scope + self.suffix
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return WindowRateThrottle.allow_request(self, request, view)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        caller = self.caller(request)
        return None if caller is None else self.cache_format % {"scope": self.scope, "ident": caller}
