"""The tile endpoints' rate limit: TILES_THROTTLE_RATE requests per client and period, counted in fixed windows with
one atomic increment (a map view asks for dozens of tiles at once, more than the API's default anonymous rate)."""

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from tiles.cache import CACHE_ERRORS


class TileRateThrottle(SimpleRateThrottle):
    scope = "tiles"

    def get_rate(self) -> str | None:
        return settings.TILES_THROTTLE_RATE or None

    def get_cache_key(self, request: Request, view: Any) -> str:
        return f"tiles:throttle:{self.get_ident(request)}"

    def allow_request(self, request: Request, view: Any) -> bool:
        self.now = self.window_end = time.time()
        if self.rate is None:
            return True
        allowed, seconds = self.parse_rate(self.rate)
        if allowed is None or seconds is None:
            return True
        window = int(self.now // seconds)
        key = f"{self.get_cache_key(request, view)}:{window}"
        try:
            cache.add(key, 0, timeout=seconds + 1)
            count = cache.incr(key)
        except (ValueError, *CACHE_ERRORS):  # the window just expired, or no cache: let it through
            return True
        self.window_end = float((window + 1) * seconds)
        return bool(count <= allowed)

    def wait(self) -> float | None:
        return max(0.0, self.window_end - self.now)
