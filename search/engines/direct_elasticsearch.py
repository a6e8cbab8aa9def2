"""The Elasticsearch engine of the 直接交易 search: a `DirectDealQuery` as one search request on the direct alias,
fragments as wildcard queries on the folded address and number (search/direct_documents.py)."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from elasticsearch.exceptions import ApiError, TransportError

from search import indexing
from search.backends import elasticsearch_client_timing_out
from search.direct_query import DirectDealQuery
from search.engines.elasticsearch import _unavailable
from search.engines.notice_database import day_start
from search.engines.notice_elasticsearch import _wildcard
from search.notice_query import fragments
from search.query import MAX_RESULT_WINDOW, SearchPage, region_prefix

KIND = "direct"


class DirectDealElasticsearchEngine:
    name = "elasticsearch"

    def __init__(self, *, alias: str | None = None) -> None:
        """`alias`: the prefix of the alias (`{alias}_direct`), SEARCH_INDEX_PREFIX unless given."""
        self.alias = alias

    def search(self, query: DirectDealQuery) -> SearchPage:
        """One page; EngineUnavailable when Elasticsearch cannot answer. ValueError beyond the result window."""
        if query.page < 1:
            return SearchPage(ids=[], total=0, backend=self.name)
        if query.page * query.page_size > MAX_RESULT_WINDOW:
            raise ValueError(f"page × page_size beyond {MAX_RESULT_WINDOW}")
        body: dict[str, Any] = {
            "query": {"bool": {"filter": _filters(query)}},
            "sort": [{"coded_at": "desc"}, {"id": "desc"}],
            "size": query.page_size,
            "from_": (query.page - 1) * query.page_size,
            "track_total_hits": True,
            "source": False,
            "filter_path": ["hits.total", "hits.hits._id"],
        }
        try:
            response = elasticsearch_client_timing_out(settings.ELASTICSEARCH_TIMEOUT).search(
                index=indexing.index_alias(KIND, self.alias), **body
            )
        except (TransportError, ApiError) as exc:
            _unavailable(exc)
        data = response.body
        return SearchPage(
            ids=[int(hit["_id"]) for hit in data.get("hits", {}).get("hits", [])],
            total=data["hits"]["total"]["value"],
            backend=self.name,
        )


def _filters(query: DirectDealQuery) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    for part in fragments(query.keywords):
        pattern = _wildcard(part)
        should = [{"wildcard": {field: {"value": pattern}}} for field in ("address", "numbers")]
        filters.append({"bool": {"should": should, "minimum_should_match": 1}})
    if query.region:
        filters.append({"prefix": {"region": region_prefix(query.region)}})
    if query.land_use:
        filters.append({"prefix": {"land_use": query.land_use}})
    if query.kind:
        filters.append({"term": {"kind": query.kind}})
    dates: dict[str, str] = {}
    if query.coded_from is not None:
        dates["gte"] = day_start(query.coded_from).isoformat()
    if query.coded_to is not None:
        dates["lt"] = day_start(query.coded_to + timedelta(days=1)).isoformat()
    if dates:
        filters.append({"range": {"coded_at": dates}})
    return filters
