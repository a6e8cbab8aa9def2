"""Fixtures of the tile tests: the tile cache under a key prefix of each test (the shared test Redis is never
cleared), the small region tree of geo's factories, an owner, and tile decoding helpers."""

import gzip
import uuid
from collections.abc import Iterator
from typing import Any

import mapbox_vector_tile  # type: ignore[import-untyped]
import pytest
from django.conf import settings
from django.test import override_settings

from accounts.models import User
from accounts.tests.factories import user_create
from geo.models import Region
from geo.tests.factories import chengdu_tree


@pytest.fixture(autouse=True)
def tile_cache() -> Iterator[None]:
    """The real Redis cache under a key prefix of this test only: tile versions, tiles and throttle counters start
    from nothing without clearing what other test runs keep there."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-tiles-{uuid.uuid4().hex}"
    with override_settings(CACHES=caches):
        yield


@pytest.fixture
def tree() -> dict[str, Region]:
    """四川 → 成都 → 锦江 and 青羊; 绵阳 → 涪城, with their real outlines (geo.tests.factories.chengdu_tree): 锦江
    104.0573–104.1683 × 30.5494–30.6727, 青羊 103.8943–104.0871 × 30.6493–30.7266 (lon/lat degrees)."""
    return chengdu_tree()


@pytest.fixture
def owner() -> User:
    return user_create(real_name="王五")


def decode(response: Any) -> dict[str, Any]:
    """A tile response's layers, in the tile's own coordinates (0…4096, y down from the tile's north edge)."""
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return mapbox_vector_tile.decode(body, default_options={"y_coord_down": True})


def features(response: Any, layer: str) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content[:300]
    return decode(response).get(layer, {}).get("features", [])
