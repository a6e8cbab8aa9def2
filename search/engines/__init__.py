"""The two search engines behind one query: Elasticsearch when it is configured and answers, else the database.

`listing_search(query)` is what the API calls; an Elasticsearch failure mid-query falls back to the database (logged
as DEGRADED) so a search never fails because the cluster is away.
"""

import logging
from typing import Protocol

from django.conf import settings

from search.query import ListingQuery, SearchPage

logger = logging.getLogger("search")


class Engine(Protocol):
    name: str

    def search(self, query: ListingQuery) -> SearchPage: ...


class EngineUnavailable(Exception):
    """The engine cannot answer now (Elasticsearch down, timing out, or its index missing)."""


def listing_search(query: ListingQuery) -> SearchPage:
    from search.engines.database import DatabaseEngine

    if settings.ELASTICSEARCH_URL:
        from search.engines.elasticsearch import ElasticsearchEngine

        try:
            return ElasticsearchEngine().search(query)
        except EngineUnavailable as exc:
            logger.warning("DEGRADED: searching the database, Elasticsearch cannot answer: %s", exc)
    return DatabaseEngine().search(query)
