"""/health answers anyone cheaply and names nothing; /health/details is for staff and for callers on this machine."""

import uuid

import pytest
from django.conf import settings
from django.test import Client, override_settings

from accounts.models import User
from accounts.tests.factories import user_create
from core.throttling import ScopedRateThrottle

pytestmark = pytest.mark.django_db

REMOTE = "203.0.113.7"  # a caller on another machine (TEST-NET-3)


@pytest.fixture(autouse=True)
def own_rate_counters():
    """The throttle's counters under a key prefix of this test only (all these callers share an address)."""
    caches = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    with override_settings(CACHES=caches):
        yield


def test_public_health_says_ok_and_names_no_component_version_or_host(client: Client):
    response = client.get("/health", REMOTE_ADDR=REMOTE)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_public_health_asks_neither_elasticsearch_nor_redis_nor_celery(client: Client, settings):
    """With the search cluster and Redis unreachable, the liveness answer is still ok: it never asked them."""
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False

    response = client.get("/health", REMOTE_ADDR=REMOTE)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_public_health_is_rate_limited_per_client_address(client: Client, monkeypatch):
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "health": "3/min"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)

    answers = [client.get("/health", REMOTE_ADDR=REMOTE).status_code for _ in range(4)]
    elsewhere = client.get("/health", REMOTE_ADDR="198.51.100.9").status_code

    assert answers == [200, 200, 200, 429]
    assert elsewhere == 200


def test_health_details_are_refused_to_an_anonymous_caller_from_another_machine(client: Client):
    response = client.get("/health/details", REMOTE_ADDR=REMOTE)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "components" not in response.json()


def test_health_details_are_refused_to_a_plain_user_even_when_x_forwarded_for_claims_localhost(client: Client):
    client.force_login(user_create())

    response = client.get("/health/details", REMOTE_ADDR=REMOTE, HTTP_X_FORWARDED_FOR="127.0.0.1")

    assert response.status_code == 403


def test_health_details_name_every_component_for_staff_from_another_machine(client: Client, celery_worker):
    client.force_login(user_create(role=User.Role.REVIEWER))

    response = client.get("/health/details", REMOTE_ADDR=REMOTE)

    assert response.status_code == 200
    components = response.json()["components"]
    assert set(components) == {"database", "redis", "celery", "search"}
    assert components["database"]["postgis"].startswith("3.")


def test_health_details_answer_a_caller_on_this_machine_without_signing_in(client: Client, celery_worker):
    response = client.get("/health/details", REMOTE_ADDR="127.0.0.1")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["components"]["celery"]["workers"]
