"""Fixtures shared by the market tests: a small region tree with boundaries, an owner, a reviewer, a seeker."""

import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import override_settings

from accounts.models import User
from accounts.tests.factories import reviewer_create, user_create
from geo.models import Region
from geo.tests.factories import sichuan_tree


@pytest.fixture
def regions() -> dict[str, Region]:
    """四川省 510000 → 成都市 510100 → 锦江区 510104 and 武侯区 510107, plus 绵阳市 510700 → 涪城区 510703, by code
    (geo.tests.factories.SICHUAN, with their real outlines)."""
    return sichuan_tree()


@pytest.fixture
def owner() -> User:
    """A verified individual who publishes land."""
    return user_create(real_name="王五")


@pytest.fixture
def reviewer() -> User:
    """A reviewer (属地审核) of 成都市 and everything under it."""
    return reviewer_create(regions=["510100"])


@pytest.fixture
def seeker() -> User:
    """Another verified user, looking for land."""
    return user_create(real_name="赵六")


@pytest.fixture
def private_cache() -> Iterator[None]:
    """The real Redis cache under a key prefix of this test only (view counts and throttles start from nothing)
    without clearing the database other test runs share."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    with override_settings(CACHES=caches):
        yield
