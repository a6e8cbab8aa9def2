"""The tile endpoints' rate limit: TILES_THROTTLE_RATE requests per client and period (a map view asks for dozens
of tiles at once, more than the API's default anonymous rate)."""

from typing import Any

from django.conf import settings
from rest_framework.request import Request

from core.throttling import WindowRateThrottle


class TileRateThrottle(WindowRateThrottle):
    scope = "tiles"

    def get_rate(self) -> str | None:
        return settings.TILES_THROTTLE_RATE or None

    def get_cache_key(self, request: Request, view: Any) -> str:
        return f"tiles:throttle:{self.get_ident(request)}"
