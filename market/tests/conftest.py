"""Fixtures shared by the market tests: a small region tree with boundaries, an owner, a reviewer, a seeker."""

import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import override_settings

from accounts.models import User
from accounts.tests.factories import reviewer_create, user_create
from geo.models import Region
from geo.tests.factories import box, region_create


@pytest.fixture
def regions() -> dict[str, Region]:
    """四川省 510000 → 成都市 510100 → 锦江区 510104 and 武侯区 510107, plus 绵阳市 510700 → 涪城区 510703, by code.

    Boundaries (lon/lat degrees, CGCS2000): 四川 102.0–106.0 × 29.0–32.0; 成都 103.5–104.5 × 30.3–31.0;
    锦江 104.05–104.15 × 30.55–30.65; 武侯 103.95–104.05 × 30.55–30.65; 绵阳 and 涪城 104.6–105.0 × 31.3–31.7.
    """
    sichuan = region_create(code="510000", name="四川省", boundary=box(102.0, 29.0, 106.0, 32.0))
    chengdu = region_create(code="510100", name="成都市", parent=sichuan, boundary=box(103.5, 30.3, 104.5, 31.0))
    mianyang = region_create(code="510700", name="绵阳市", parent=sichuan, boundary=box(104.6, 31.3, 105.0, 31.7))
    jinjiang = region_create(code="510104", name="锦江区", parent=chengdu, boundary=box(104.05, 30.55, 104.15, 30.65))
    wuhou = region_create(code="510107", name="武侯区", parent=chengdu, boundary=box(103.95, 30.55, 104.05, 30.65))
    fucheng = region_create(code="510703", name="涪城区", parent=mianyang, boundary=box(104.6, 31.3, 105.0, 31.7))
    return {region.code: region for region in (sichuan, chengdu, jinjiang, wuhou, mianyang, fucheng)}


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
