"""Rate limits counted in sliding windows, in the real Redis cache and in a local-memory one."""

import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from core import throttling


class Limited(APIView):
    authentication_classes: list[type] = []
    permission_classes: list[type] = []
    throttle_classes = [throttling.ScopedRateThrottle]
    throttle_scope = "test"

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


REDIS = {"default": {**settings.CACHES["default"]}}
LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle-tests"}}


@pytest.fixture(params=["redis", "local memory"])
def cache_kind(request: pytest.FixtureRequest) -> Iterator[str]:
    """A cache of either kind under a key prefix of this test only."""
    config = REDIS if request.param == "redis" else LOCAL
    config = {"default": {**config["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    rates = {"test": "4/min"}
    with (
        override_settings(CACHES=config),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(throttling.ScopedRateThrottle, "THROTTLE_RATES", rates)
        assert isinstance(caches["default"], RedisCache) == (request.param == "redis")
        yield request.param


def statuses(count: int, at: float, patch: pytest.MonkeyPatch) -> list[int]:
    patch.setattr(throttling.time, "time", lambda: at)
    view = Limited.as_view()
    return [view(APIRequestFactory().get("/limited/", REMOTE_ADDR="10.0.0.9")).status_code for _ in range(count)]


def test_a_window_allows_the_rate_then_refuses_with_a_retry_after(cache_kind, monkeypatch):
    start = 1_800_000_000 // 60 * 60.0  # the start of a minute

    assert statuses(5, start + 1, monkeypatch) == [200, 200, 200, 200, 429]
    monkeypatch.setattr(throttling.time, "time", lambda: start + 15)
    response = Limited.as_view()(APIRequestFactory().get("/limited/", REMOTE_ADDR="10.0.0.9"))
    assert response.status_code == 429
    assert response["Retry-After"] == "45"  # the end of the window


def test_the_previous_window_counts_for_the_part_of_it_still_within_the_last_period(cache_kind, monkeypatch):
    start = 1_800_000_000 // 60 * 60.0
    assert statuses(4, start + 50, monkeypatch) == [200] * 4

    # Half-way into the next minute half the previous one is within the last minute: 2 of its 4 requests.
    assert statuses(3, start + 90, monkeypatch) == [200, 200, 429]
    # Another caller has a limit of its own.
    monkeypatch.setattr(throttling.time, "time", lambda: start + 90)
    other = Limited.as_view()(APIRequestFactory().get("/limited/", REMOTE_ADDR="10.0.0.10"))
    assert other.status_code == 200
    # A window later the earlier requests no longer count.
    assert statuses(4, start + 185, monkeypatch) == [200] * 4
