"""/health/details (asked from this machine) names every component, 200 when all are up, 503 otherwise."""

from collections.abc import Iterator

import pytest
from django.test import Client
from elasticsearch.dsl import connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def elasticsearch_gone(settings) -> Iterator[None]:
    """Elasticsearch stops answering: the configured address now refuses connections."""
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    connections.configure(default={"hosts": settings.ELASTICSEARCH_URL, "request_timeout": 1})
    yield
    connections.configure(**settings.ELASTICSEARCH_DSL)


def test_health_is_ok_when_every_component_is_up(client: Client, celery_worker):
    response = client.get("/health/details")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    components = body["components"]
    assert set(components) == {"database", "redis", "celery", "search"}
    assert all(c["status"] == "up" for c in components.values())
    assert components["database"]["postgis"].startswith("3.")
    assert components["search"]["backend"] == "elasticsearch"
    assert components["search"]["cluster_status"] in ("green", "yellow")
    assert components["celery"]["workers"]


def test_health_is_degraded_and_names_search_when_elasticsearch_stops(
    client: Client, celery_worker, elasticsearch_gone
):
    response = client.get("/health/details")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    search = body["components"]["search"]
    assert search["status"] == "down"
    assert search["backend"] == "database"
    assert "127.0.0.1:9" in search["detail"]
    assert body["components"]["database"]["status"] == "up"


def test_health_names_redis_and_celery_when_redis_is_unreachable(client: Client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"

    body = client.get("/health/details").json()

    assert body["status"] == "degraded"
    assert body["components"]["redis"]["status"] == "down"
    assert body["components"]["database"]["status"] == "up"


def test_health_is_not_cached(client: Client, celery_worker):
    response = client.get("/health/details")

    assert "no-cache" in response["Cache-Control"]
