"""Which search backend answers: Elasticsearch when configured and answering, the database otherwise."""

import functools
import logging
from typing import Any

from django.conf import settings
from elasticsearch import Elasticsearch
from elasticsearch.exceptions import ApiError, TransportError

logger = logging.getLogger("search")

ELASTICSEARCH = "elasticsearch"
DATABASE = "database"


def elasticsearch_client() -> Elasticsearch:
    """The client django-elasticsearch-dsl uses, so documents and raw calls share one connection pool."""
    from elasticsearch.dsl import connections

    return connections.get_connection()


def elasticsearch_client_timing_out(timeout: float) -> Elasticsearch:
    """elasticsearch_client() with a request timeout: made once per client and timeout (each options() call copies
    the client, a tenth of a millisecond on every search)."""
    return _with_timeout(elasticsearch_client(), timeout)


@functools.lru_cache(maxsize=8)
def _with_timeout(client: Elasticsearch, timeout: float) -> Elasticsearch:
    return client.options(request_timeout=timeout)


def elasticsearch_cluster_health(*, timeout: float) -> dict[str, Any] | None:
    """The cluster's health, or None when Elasticsearch is not configured or does not answer."""
    if not settings.ELASTICSEARCH_URL:
        return None
    try:
        return dict(elasticsearch_client_timing_out(timeout).cluster.health())
    except (TransportError, ApiError) as exc:
        logger.warning("DEGRADED: Elasticsearch at %s does not answer: %s", settings.ELASTICSEARCH_URL, exc)
        return None


def search_health() -> dict[str, Any]:
    health = elasticsearch_cluster_health(timeout=settings.HEALTH_CHECK_TIMEOUT)
    if health is None:
        reason = (
            "ELASTICSEARCH_URL is not set"
            if not settings.ELASTICSEARCH_URL
            else f"Elasticsearch at {settings.ELASTICSEARCH_URL} does not answer"
        )
        return {"status": "down", "backend": DATABASE, "detail": f"{reason}; searching the database instead"}
    return {
        "status": "up" if health["status"] in ("green", "yellow") else "down",
        "backend": ELASTICSEARCH,
        "cluster": health["cluster_name"],
        "cluster_status": health["status"],
    }
