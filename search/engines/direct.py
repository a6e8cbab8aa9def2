"""The 直接交易 search behind one query: Elasticsearch when it is configured and answers, else the database (logged
as DEGRADED), as `notice_search` does for the notices."""

import logging

from django.conf import settings

from search.direct_query import DirectDealQuery
from search.engines import EngineUnavailable
from search.query import SearchPage

logger = logging.getLogger("search")


def direct_deal_search(query: DirectDealQuery) -> SearchPage:
    from search.engines.direct_database import DirectDealDatabaseEngine

    if settings.ELASTICSEARCH_URL:
        from search.engines.direct_elasticsearch import DirectDealElasticsearchEngine

        try:
            return DirectDealElasticsearchEngine().search(query)
        except EngineUnavailable as exc:
            logger.warning(
                "DEGRADED: searching the direct transactions in the database, Elasticsearch cannot answer: %s", exc
            )
    return DirectDealDatabaseEngine().search(query)
