"""The request's crossings between uvicorn's event loop and Django's synchronous code (core/middleware.py): with the
sync-only marker last in MIDDLEWARE, a request through the ASGI handler runs the middlewares' request and response
methods in one thread, without a hop to it for each, and every middleware still runs."""

from typing import Any

import pytest
from asgiref.sync import SyncToAsync, async_to_sync
from django.conf import settings
from django.test import AsyncClient

pytestmark = pytest.mark.django_db


def test_under_asgi_the_middlewares_run_in_the_requests_thread_without_a_hop_each(monkeypatch):
    assert settings.MIDDLEWARE[-1] == "core.middleware.SyncBoundaryMiddleware"
    hops: list[str] = []
    original = SyncToAsync.__call__

    async def counted(self: SyncToAsync, *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)

    async def bid() -> Any:  # a sync DRF view behind every middleware
        return await AsyncClient().post("/api/auctions/lots/1/bids/", data={}, content_type="application/json")

    response = async_to_sync(bid)()
    assert response.status_code == 401  # the view ran: signed out
    assert response["X-Frame-Options"] == "DENY"  # the middlewares above the marker ran
    assert response["Content-Language"]
    # without the marker: SessionMiddleware.process_request, LocaleMiddleware.process_request, … each a hop of its own
    assert [hop for hop in hops if hop.endswith(("process_request", "process_response"))] == [], hops
