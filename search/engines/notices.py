"""The notices search behind one query: Elasticsearch when it is configured and answers, else the database (logged
as DEGRADED), as `listing_search` does for listings."""

import logging

from django.conf import settings

from search.engines import EngineUnavailable
from search.notice_query import NoticeQuery
from search.query import SearchPage

logger = logging.getLogger("search")


def notice_search(query: NoticeQuery) -> SearchPage:
    from search.engines.notice_database import NoticeDatabaseEngine

    if settings.ELASTICSEARCH_URL:
        from search.engines.notice_elasticsearch import NoticeElasticsearchEngine

        try:
            return NoticeElasticsearchEngine().search(query)
        except EngineUnavailable as exc:
            logger.warning("DEGRADED: searching the notices in the database, Elasticsearch cannot answer: %s", exc)
    return NoticeDatabaseEngine().search(query)
