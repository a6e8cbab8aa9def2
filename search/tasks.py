"""Celery tasks of search: thin wrappers over search/indexing.py."""

import logging

from celery import shared_task
from django.conf import settings

from search.indexing import IndexingUnavailable, heat_sweep, index_pending_changes

logger = logging.getLogger("search")


@shared_task(autoretry_for=(IndexingUnavailable,), retry_backoff=True, retry_backoff_max=120, max_retries=5)
def index_changes() -> dict[str, int]:
    """Index what the outbox holds (after every committed write, and every minute from Celery beat, so everything
    written while Elasticsearch was away is indexed once it answers again)."""
    if not settings.ELASTICSEARCH_URL:
        logger.warning("DEGRADED: ELASTICSEARCH_URL is empty; nothing to index into")
        return {}
    return index_pending_changes()


@shared_task(name="search.tasks.heat_sweep", autoretry_for=(IndexingUnavailable,), retry_backoff=True, max_retries=3)
def heat_sweep_task() -> dict[str, int]:
    """Queue listings whose heat in the index is stale (view counts change without a signal); hourly, Celery beat."""
    if not settings.ELASTICSEARCH_URL:
        return {}
    return heat_sweep()
