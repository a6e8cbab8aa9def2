"""Elasticsearch going away mid-run: searches keep answering from the database and /health says degraded; when it
returns, search answers from it again (the outbox catch-up is in test_indexing.py)."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(listings, search_prefix):
    """The `listings` in Elasticsearch, on indices of this test only."""
    from search import indexing

    indexing.ensure_indices()
    indexing.index_now("supply", [row.pk for row in [*listings.supply.values(), *listings.hidden_supply]])
    return listings


def test_searches_answer_from_the_database_and_health_is_degraded_while_elasticsearch_is_away(
    client: Client, indexed, elasticsearch_at
):
    before = client.get("/api/search/supply", {"keywords": "锦江"}).json()
    assert before["backend"] == "elasticsearch"
    assert before["count"] > 0

    elasticsearch_at("http://127.0.0.1:9", 0.5)  # the cluster stops answering
    during = client.get("/api/search/supply", {"keywords": "锦江"})
    health = client.get("/health/details")

    assert during.status_code == 200
    assert during.json()["backend"] == "database"
    assert [r["id"] for r in during.json()["results"]] == [r["id"] for r in before["results"]]
    assert during.json()["count"] == before["count"]
    assert health.status_code == 503
    assert health.json()["status"] == "degraded"
    assert health.json()["components"]["search"]["backend"] == "database"
    assert "elasticsearch" not in during.content.decode().lower().replace('"backend": "database"', "")

    elasticsearch_at(settings.ELASTICSEARCH_URL, 5.0)  # it is back
    assert client.get("/api/search/supply", {"keywords": "锦江"}).json()["backend"] == "elasticsearch"
