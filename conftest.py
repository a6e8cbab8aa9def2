"""Fixtures shared by every test: the real servers are required, never skipped."""

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
import redis
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _stack_problems() -> list[str]:
    problems = []
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set")
    else:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            problems.append(f"Redis at {settings.REDIS_URL} does not answer: {exc}")
    if not settings.ELASTICSEARCH_URL:
        problems.append("ELASTICSEARCH_URL is not set")
    else:
        from search.backends import elasticsearch_cluster_health

        if elasticsearch_cluster_health(timeout=5) is None:
            problems.append(f"Elasticsearch at {settings.ELASTICSEARCH_URL} does not answer")
    return problems


def pytest_sessionstart(session: pytest.Session) -> None:
    """The suite runs against the real stack; a missing server fails the run loudly instead of skipping."""
    problems = _stack_problems()
    if problems:
        pytest.exit("the test stack is not running (start it with `scripts/stack up`): " + "; ".join(problems), 3)


@pytest.fixture(scope="session")
def celery_worker() -> Iterator[object]:
    """A real Celery worker consuming from the test Redis, in a thread of the test process."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.loader.import_module("celery.contrib.testing.tasks")  # registers celery.ping for the start-up check
    app.control.purge()  # tasks other tests queued (e.g. search indexing after their writes) are not this test's
    with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture
def clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


if TYPE_CHECKING:
    from accounts.models import TrustedCa
    from tests.fakes.ca import FakeCa
    from tests.fakes.sms_provider import FakeSmsProvider


@pytest.fixture
def sms_inbox(settings) -> Iterator["FakeSmsProvider"]:
    """A fake SMS provider over real HTTP that the "http" backend sends to; SMS rate counters and codes cleared.

    Yields the provider: `.messages` (the JSON bodies received), `.last_code(phone)`, `.fail`/`.hang` switches.
    """
    from django.core.cache import cache

    from tests.fakes.sms_provider import FakeSmsProvider

    def forget_sms_state() -> None:
        client = getattr(cache, "_cache", None)
        if client is None or not hasattr(client, "get_client"):
            cache.clear()
            return
        redis_client = client.get_client(write=True)
        for key in redis_client.scan_iter(match=cache.make_key("sms:*"), count=1000):
            redis_client.delete(key)

    provider = FakeSmsProvider().start()
    settings.SMS_BACKEND = "http"
    settings.SMS_PROVIDER_URL = provider.url
    settings.SMS_PROVIDER_KEY = provider.key
    forget_sms_state()
    yield provider
    provider.stop()
    forget_sms_state()


@pytest.fixture(scope="session", autouse=True)
def reserve_keys(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A reserve key pair for the whole run (deployments give the private key to the closing worker only)."""
    from auctions.services.reserve import new_key_pair

    public, private = new_key_pair(tmp_path_factory.mktemp("reserve-keys"))
    settings.RESERVE_PUBLIC_KEY_FILE = str(public)
    settings.RESERVE_PRIVATE_KEY_FILE = str(private)


@pytest.fixture(scope="session", autouse=True)
def roots_keys(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A roots signing key pair for the whole run (deployments give the private key to the worker only)."""
    from auctions.services.roots import new_key_pair

    public, private = new_key_pair(tmp_path_factory.mktemp("roots-keys"))
    settings.ROOTS_PUBLIC_KEY_FILE = str(public)
    settings.ROOTS_SIGNING_KEY_FILE = str(private)


@pytest.fixture
def local_ca(settings, monkeypatch: pytest.MonkeyPatch) -> Iterator["FakeCa"]:
    """The local CA (tests/fakes/ca.py) over real HTTP on 127.0.0.1; DEV_CA_URL points at it (the demo certificate's
    route forwards CSRs there) and its operator key is in TEST_CA_OPERATOR_KEY. Not trusted yet: see `trusted_ca`."""
    from tests.fakes.ca import FakeCa

    ca = FakeCa().start()
    monkeypatch.setenv("TEST_CA_OPERATOR_KEY", ca.operator_key)
    settings.DEV_CA_URL = ca.url
    yield ca
    ca.stop()


@pytest.fixture
def trusted_ca(db: None, local_ca: "FakeCa") -> "TrustedCa":
    """The platform trusts the local CA, with its CRL and OCSP endpoints (as `manage.py ca_trust` does)."""
    from accounts.certificates import trusted_ca_save

    return trusted_ca_save(
        name=local_ca.name, pem=local_ca.certificate_pem, crl_url=local_ca.crl_url, ocsp_url=local_ca.ocsp_url
    )
