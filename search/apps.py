"""The product's one search engine: Elasticsearch, with the database behind the same query when it is absent."""

import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("search")


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from core import health
        from search import backends, signals

        health.register("search")(backends.search_health)
        signals.connect()
        if not settings.ELASTICSEARCH_URL:
            logger.warning("DEGRADED: ELASTICSEARCH_URL is empty; search answers from the database backend.")
