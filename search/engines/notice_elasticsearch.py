"""The Elasticsearch engine of the notices: a `NoticeQuery` as one search request on the notice alias, fragments as
wildcard queries on the folded keyword fields (search/notice_documents.py)."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from elasticsearch.exceptions import ApiError, TransportError

from search import indexing
from search.backends import elasticsearch_client_timing_out
from search.engines.elasticsearch import _unavailable
from search.engines.notice_database import day_start, empty_facets
from search.notice_query import NoticeQuery, fragments
from search.query import MAX_RESULT_WINDOW, SearchPage, facet_region_level, region_prefix

KIND = "notice"


def _wildcard(part: str) -> str:
    escaped = part.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")
    return f"*{escaped}*"


class NoticeElasticsearchEngine:
    name = "elasticsearch"

    def __init__(self, *, alias: str | None = None) -> None:
        """`alias`: the prefix of the alias (`{alias}_notice`), SEARCH_INDEX_PREFIX unless given."""
        self.alias = alias

    def search(self, query: NoticeQuery) -> SearchPage:
        """One page; EngineUnavailable when Elasticsearch cannot answer. ValueError beyond the result window."""
        if query.page < 1:
            return SearchPage(ids=[], total=0, facets=empty_facets(), backend=self.name)
        if query.page * query.page_size > MAX_RESULT_WINDOW:
            raise ValueError(f"page × page_size beyond {MAX_RESULT_WINDOW}")
        order = "desc" if query.sort == "newest" else "asc"
        body: dict[str, Any] = {
            "query": {"bool": {"filter": _filters(query)}},
            "aggs": {
                "type": {"terms": {"field": "type", "size": 10}},
                "centre": {"terms": {"field": "centre", "size": 1000}},
                "region": {"terms": {"field": f"region_{facet_region_level(query.region)}", "size": 1000}},
            },
            "sort": [{"published_at": order}, {"id": order}],
            "size": query.page_size,
            "from_": (query.page - 1) * query.page_size,
            "track_total_hits": True,
            "source": False,
            "filter_path": ["hits.total", "hits.hits._id", "aggregations"],
        }
        try:
            response = elasticsearch_client_timing_out(settings.ELASTICSEARCH_TIMEOUT).search(
                index=indexing.index_alias(KIND, self.alias), **body
            )
        except (TransportError, ApiError) as exc:
            _unavailable(exc)
        data = response.body
        aggregations = data.get("aggregations", {})
        facets = {
            name: [(str(bucket["key"]), bucket["doc_count"]) for bucket in aggregations[name]["buckets"]]
            for name in ("type", "region", "centre")
        }
        return SearchPage(
            ids=[int(hit["_id"]) for hit in data.get("hits", {}).get("hits", [])],
            total=data["hits"]["total"]["value"],
            facets=facets,
            backend=self.name,
        )


def _filters(query: NoticeQuery) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    for part in fragments(query.keywords):
        pattern = _wildcard(part)
        filters.append(
            {
                "bool": {
                    "should": [{"wildcard": {field: {"value": pattern}}} for field in ("title", "body", "numbers")],
                    "minimum_should_match": 1,
                }
            }
        )
    if query.region:
        filters.append({"prefix": {"region": region_prefix(query.region)}})
    if query.types:
        filters.append({"terms": {"type": list(query.types)}})
    dates: dict[str, str] = {}
    if query.published_from is not None:
        dates["gte"] = day_start(query.published_from).isoformat()
    if query.published_to is not None:
        dates["lt"] = day_start(query.published_to + timedelta(days=1)).isoformat()
    if dates:
        filters.append({"range": {"published_at": dates}})
    if query.centre is not None:
        filters.append({"term": {"centre": str(query.centre)}})
    if query.lot_kind:
        filters.append({"term": {"lot_kind": query.lot_kind}})
    if query.trading_mode:
        filters.append({"term": {"trading_mode": query.trading_mode}})
    return filters
