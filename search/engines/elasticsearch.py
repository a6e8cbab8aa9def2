"""The Elasticsearch engine: a `ListingQuery` as one bool query (keywords scored in `must`, every filter in filter
context), facet aggregations, highlights, from/size paging inside the result window and `search_after` beyond it.
One `msearch` request carries two searches run side by side, the page and the count with the facets, both kept in
Elasticsearch's request cache until the index changes (`ElasticsearchEngine._searches`).

Keywords are the clauses of `search.keywords`: their terms (what the index's bigram analyser makes of them) each a
`term` query that must match the `text` field, OR'd with a clause's land-use classes or parcels.
A `match` query with `operator: and` would turn a CJK run into a phrase of unigrams OR the bigram, and the phrase
matches across the space between two parts of the text (省成 in "四川省 成都市"), which the shared semantics (and the
database engine) do not; term by term, both engines find the same listings.
Polygons are `geo_shape` queries on the geo_point (this build's core supports them; there is no geo_shape field).
"""

import json
import logging
import math
from datetime import date, datetime, time, timedelta
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import pyproj
import shapely
from django.conf import settings
from elasticsearch.exceptions import HTTP_EXCEPTIONS, ApiError, TransportError

from search import indexing
from search.backends import elasticsearch_client_timing_out
from search.engines import EngineUnavailable
from search.keywords import PARCEL_CENTROID_M, Clause, keyword_clauses
from search.query import (
    MAX_RESULT_WINDOW,
    NEGOTIABLE,
    PRICE_BANDS,
    ListingQuery,
    SearchPage,
    facet_region_level,
    region_prefix,
)
from search.selectors import row_from_document

logger = logging.getLogger("search")

SHANGHAI = ZoneInfo("Asia/Shanghai")
GEOD = pyproj.Geod(ellps="GRS80")  # CGCS2000's ellipsoid, as the database engine's geography distances
# What Elasticsearch puts in a sort value for a document without the field; the cursor says "" instead.
_MISSING = {"Infinity", "-Infinity", str(2**63 - 1), str(-(2**63))}
# What the engine reads of the two answers of its `msearch` (and their errors).
_FILTER_PATH = [
    "responses.hits.total",
    "responses.hits.hits._id",
    "responses.hits.hits.sort",
    "responses.hits.hits.highlight",
    "responses.hits.hits._source",
    "responses.aggregations",
    "responses.error",
    "responses.status",
]
_SORT_FIELDS = {
    "supply": {"price": "price_wan", "unit_price": "unit_price_wan", "area": "area_m2"},
    "demand": {"price": "price_min_wan", "area": "area_min_m2"},
}


class _Empty(Exception):
    """The query cannot match anything (a malformed geometry or cursor): an empty page, as the database answers."""


class ElasticsearchEngine:
    name = "elasticsearch"

    def __init__(self, *, alias: str | None = None, pre_tag: str | None = None, post_tag: str | None = None) -> None:
        """`alias`: the prefix of the indices' aliases (`{alias}_supply`, `{alias}_demand`), SEARCH_INDEX_PREFIX
        unless given; highlight tags from SEARCH_HIGHLIGHT_PRE_TAG / _POST_TAG unless given."""
        self.alias = alias
        self.pre_tag = settings.SEARCH_HIGHLIGHT_PRE_TAG if pre_tag is None else pre_tag
        self.post_tag = settings.SEARCH_HIGHLIGHT_POST_TAG if post_tag is None else post_tag

    # -------------------------------------------------------------------------------------------- search

    def search(self, query: ListingQuery) -> SearchPage:
        """One page of the query's results; EngineUnavailable when Elasticsearch cannot answer (down, too slow, no
        index). ValueError for a query the API should have refused (a page beyond the result window without a
        cursor, a sort the kind has not)."""
        try:
            searches = self._searches(query)
        except _Empty:
            return SearchPage(ids=[], total=0, facets=_empty_facets(query), backend=self.name)
        try:
            response = elasticsearch_client_timing_out(settings.ELASTICSEARCH_TIMEOUT).msearch(
                searches=searches, filter_path=_FILTER_PATH
            )
        except (TransportError, ApiError) as exc:
            _unavailable(exc)
        found, counted = response.body["responses"]
        for part in (found, counted):
            if "error" in part:
                _failed(part)
        return self._page(query, found, counted)

    def _searches(self, query: ListingQuery) -> list[dict[str, Any]]:
        """The two searches of one `msearch` request (a header and a body each), which Elasticsearch runs side by
        side: the page of hits, and the total with the facets. The page does not count every match, so a sorted
        page skips the documents that cannot enter it; the count and facets, the same for every page and sort of a
        query, are kept in the shard request cache until the index next changes. Both are request-cached: a search
        repeated on an unchanged index is answered from the cache."""
        clauses = keyword_clauses(query.keywords, parcels=query.kind == "supply")
        header = {"index": indexing.index_alias(query.kind, self.alias), "request_cache": True}
        return [header, self._hits_body(query, clauses), header, _count_body(query, clauses)]

    def _hits_body(self, query: ListingQuery, clauses: list[Clause]) -> dict[str, Any]:
        sort = _sort(query, scored=bool(clauses))
        body: dict[str, Any] = {
            "query": _query(query, clauses),
            "sort": sort,
            "size": max(query.page_size, 0),
            "track_total_hits": False,  # the count comes with the facets
            "_source": ["row", "location"],  # what the results show: no database query for them
        }
        if query.after is not None:
            body["search_after"] = _search_after(query.after, sort)
        else:
            if query.page < 1:
                raise _Empty
            if query.page * query.page_size > MAX_RESULT_WINDOW:
                raise ValueError(f"page × page_size beyond {MAX_RESULT_WINDOW}: page on with the `after` cursor")
            body["from"] = (query.page - 1) * query.page_size
        if clauses:
            body["highlight"] = {
                "pre_tags": [self.pre_tag],
                "post_tags": [self.post_tag],
                "require_field_match": False,  # the text's terms mark the title too
                "fields": {
                    "title": {"number_of_fragments": 0},
                    "text": {"fragment_size": 100, "number_of_fragments": 3},
                },
            }
        return body

    def _page(self, query: ListingQuery, found: dict[str, Any], counted: dict[str, Any]) -> SearchPage:
        """The page from the two answers of `_searches`: the hits, and the total with the facets."""
        hits = found.get("hits", {}).get("hits", [])
        ids = [int(hit["_id"]) for hit in hits]
        last = hits[-1] if hits and len(hits) == query.page_size else None
        next_after = tuple("" if str(value) in _MISSING else str(value) for value in last["sort"]) if last else None
        highlights = {int(hit["_id"]): dict(hit["highlight"]) for hit in hits if hit.get("highlight")}
        rows = [row for row in (row_from_document(hit.get("_source", {})) for hit in hits) if row is not None]
        distances = {}
        if query.near is not None:
            for hit in hits:
                location = hit.get("_source", {}).get("location")
                if location:
                    _az, _back, metres = GEOD.inv(query.near[0], query.near[1], location["lon"], location["lat"])
                    distances[int(hit["_id"])] = metres
        total = counted["hits"]["total"]["value"]
        return SearchPage(
            ids=ids,
            total=total,
            facets=_facets(query, counted.get("aggregations", {}), total),
            highlights=highlights,
            next_after=next_after,
            distances_m=distances,
            backend=self.name,
            # An index built before documents kept their rows (until `search_reindex`): the database gives them.
            rows=rows if len(rows) == len(hits) else None,
        )

    # -------------------------------------------------------------------------------------------- indices

    def index_now(self, kind: str, ids: list[int]) -> None:
        """Index (or remove, when not public) these ids synchronously and refresh (tests, repairs)."""
        try:
            indexing.index_now(kind, ids, prefix=self.alias)
        except indexing.IndexingUnavailable as exc:
            raise EngineUnavailable("Elasticsearch did not take the documents") from exc

    def ensure_indices(self) -> dict[str, bool]:
        """Create each kind's alias and first index where there is none; {kind: created}."""
        try:
            return indexing.ensure_indices(indexing.LISTING_KINDS, prefix=self.alias)
        except (TransportError, ApiError) as exc:
            _unavailable(exc)

    def delete_indices(self) -> list[str]:
        """Delete both kinds' indices (and so their aliases): for tests."""
        try:
            return indexing.delete_indices(indexing.LISTING_KINDS, prefix=self.alias)
        except (TransportError, ApiError) as exc:
            _unavailable(exc)


def _unavailable(exc: Exception) -> NoReturn:
    """Log what Elasticsearch said; callers only learn that it cannot answer."""
    status = getattr(exc, "status_code", None) if isinstance(exc, ApiError) else None
    _cannot_answer(type(exc).__name__, status, exc)


def _failed(part: dict[str, Any]) -> NoReturn:
    """A search of an `msearch` that failed (its answer carries the error and status): as if it had been sent
    alone, named by the exception the client raises for that status (NotFoundError for a missing index)."""
    status = part.get("status")
    name = HTTP_EXCEPTIONS.get(status, ApiError).__name__ if isinstance(status, int) else ApiError.__name__
    _cannot_answer(name, status, part["error"])


def _cannot_answer(name: str, status: int | None, detail: object) -> NoReturn:
    if status is not None and status not in (404, 408, 429) and status < 500:
        logger.error("Elasticsearch refused a search request (%s): %s", status, detail)
    else:
        logger.warning("Elasticsearch cannot answer: %s %s", name, detail)
    raise EngineUnavailable(f"Elasticsearch cannot answer ({name})") from None


def _query(query: ListingQuery, clauses: list[Clause]) -> dict[str, Any]:
    """Keywords scored in `must`, every filter in filter context."""
    return {"bool": {"must": _keyword_queries(clauses), "filter": _filters(query)}}


def _count_body(query: ListingQuery, clauses: list[Clause]) -> dict[str, Any]:
    """The total and the facets of every match: no hits, so no scores, sort or highlights."""
    return {"query": _query(query, clauses), "aggs": _aggregations(query), "size": 0, "track_total_hits": True}


# ------------------------------------------------------------------------------------------------ keywords


def _keyword_queries(clauses: list[Clause]) -> list[dict[str, Any]]:
    """Each clause: its terms, every one a `term` query on `text`, or one of its alternatives (a land-use class, the
    point covered by a parcel or at its centroid)."""
    queries: list[dict[str, Any]] = []
    for clause in clauses:
        terms = [{"term": {"text": term}} for term in clause.terms]
        alternatives = [_land_use_query(clause.land_use)] if clause.land_use else []
        for place in clause.parcels:
            shape = json.loads(place.geometry.geojson)
            centroid = {"lon": place.centroid.x, "lat": place.centroid.y}
            alternatives += [
                {"geo_shape": {"location": {"shape": shape, "relation": "intersects"}}},
                {"geo_distance": {"distance": f"{PARCEL_CENTROID_M}m", "distance_type": "arc", "location": centroid}},
            ]
        if alternatives:
            queries.append({"bool": {"should": [{"bool": {"must": terms}}, *alternatives], "minimum_should_match": 1}})
        else:
            queries += terms
    return queries


def _land_use_query(codes: tuple[str, ...]) -> dict[str, Any]:
    """Of one of the GB/T 21010 classes: a two-digit code is every class under it."""
    majors = sorted(code for code in codes if len(code) == 2)
    minors = sorted(code for code in codes if len(code) != 2)
    should = [{"terms": {"land_use_major": majors}}] if majors else []
    should += [{"terms": {"land_use": minors}}] if minors else []
    return {"bool": {"should": should, "minimum_should_match": 1}}


# ------------------------------------------------------------------------------------------------ filters


def _filters(query: ListingQuery) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    if query.region:
        filters.append({"prefix": {"region": region_prefix(query.region)}})
    if query.land_use:
        filters.append(_land_use_query(query.land_use))
    if query.mode:
        filters.append({"term": {"mode": query.mode}})
    if query.kind == "supply":
        if query.certified is not None:
            filters.append({"term": {"certified": query.certified}})
        for field, low, high in (
            ("area_m2", query.area_min, query.area_max),
            ("price_wan", query.price_min, query.price_max),
            ("unit_price_wan", query.unit_price_min, query.unit_price_max),
        ):
            bounds = {name: float(value) for name, value in (("gte", low), ("lte", high)) if value is not None}
            if bounds:
                filters.append({"range": {field: bounds}})
    else:  # a demand's wanted range overlaps the query's; a bound missing on either side never excludes
        for low_field, high_field, low, high in (
            ("area_min_m2", "area_max_m2", query.area_min, query.area_max),
            ("price_min_wan", "price_max_wan", query.price_min, query.price_max),
        ):
            if high is not None:
                filters.append(_or_missing(low_field, {"lte": float(high)}))
            if low is not None:
                filters.append(_or_missing(high_field, {"gte": float(low)}))
    dates = {}
    if query.published_from is not None:
        dates["gte"] = _day_start(query.published_from)
    if query.published_to is not None:
        dates["lt"] = _day_start(query.published_to + timedelta(days=1))
    if dates:
        filters.append({"range": {"published_at": dates}})
    return filters + _geo_filters(query)


def _or_missing(field: str, bounds: dict[str, float]) -> dict[str, Any]:
    return {
        "bool": {
            "should": [{"range": {field: bounds}}, {"bool": {"must_not": {"exists": {"field": field}}}}],
            "minimum_should_match": 1,
        }
    }


def _day_start(day: date) -> str:
    """Midnight of an Asia/Shanghai day, as an instant."""
    return datetime.combine(day, time.min, tzinfo=SHANGHAI).isoformat()


def _lon_lat(lon: float, lat: float) -> dict[str, float]:
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise _Empty
    return {"lon": float(lon), "lat": float(lat)}


def _geo_filters(query: ListingQuery) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    if query.bbox is not None:
        west, south, east, north = query.bbox
        if west > east or south > north:  # not a box across the antimeridian: nothing, as in the database
            raise _Empty
        filters.append(
            {
                "geo_bounding_box": {
                    "location": {"top_left": _lon_lat(west, north), "bottom_right": _lon_lat(east, south)}
                }
            }
        )
    if query.near is not None:
        near = _lon_lat(*query.near)
        if query.distance_m is not None:
            filters.append(
                {"geo_distance": {"distance": f"{float(query.distance_m)}m", "distance_type": "arc", "location": near}}
            )
    if query.polygon is not None:
        filters.append({"geo_shape": {"location": {"shape": _polygon(query.polygon), "relation": "intersects"}}})
    return filters


def _polygon(ring: tuple[tuple[float, float], ...]) -> dict[str, Any]:
    """The ring as GeoJSON, closed; _Empty for one no listing can be inside (as the database engine refuses it)."""
    try:
        points = [(float(lon), float(lat)) for lon, lat in ring]
    except (TypeError, ValueError):
        raise _Empty from None
    if not all(math.isfinite(value) for point in points for value in point):
        raise _Empty
    if points and points[0] != points[-1]:
        points.append(points[0])
    if len(set(points)) < 3 or not shapely.Polygon(points).is_valid:
        raise _Empty
    for lon, lat in points:
        _lon_lat(lon, lat)
    return {"type": "polygon", "coordinates": [[list(point) for point in points]]}


# ------------------------------------------------------------------------------------------------ sort and paging


def _sort(query: ListingQuery, *, scored: bool) -> list[dict[str, Any]]:
    """The query's order, ending with id descending so paging is stable. Relevance without keywords is newest."""
    by_id = {"id": {"order": "desc"}}
    newest = {"published_at": {"order": "desc", "missing": "_last"}}
    if query.sort == "relevance":
        return [{"_score": {"order": "desc"}}, newest, by_id] if scored else [newest, by_id]
    if query.sort == "newest":
        return [newest, by_id]
    if query.sort == "distance":
        if query.near is None:
            raise ValueError("sorting by distance needs `near`")
        location = _lon_lat(*query.near)
        return [{"_geo_distance": {"location": location, "order": "asc", "unit": "m", "distance_type": "arc"}}, by_id]
    name, _, direction = query.sort.rpartition("_")
    field = _SORT_FIELDS[query.kind].get(name)
    if field is None or direction not in ("asc", "desc"):
        raise ValueError(f"no sort {query.sort!r} for {query.kind}")
    return [{field: {"order": direction, "missing": "_last"}}, by_id]


def _search_after(cursor: tuple[str, ...], sort: list[dict[str, Any]]) -> list[Any]:
    """The cursor's strings as Elasticsearch's sort values ("" is a document without the sort field)."""
    if len(cursor) != len(sort):
        raise _Empty
    values: list[Any] = []
    for raw, key in zip(cursor, sort, strict=True):
        ((field, options),) = key.items()
        if raw == "":
            if field in ("published_at", "id"):
                values.append(-(2**63) if options["order"] == "desc" else 2**63 - 1)
            else:
                values.append("-Infinity" if options["order"] == "desc" else "Infinity")
            continue
        try:
            value: float | int = int(raw) if field in ("published_at", "id") else float(raw)
        except ValueError:
            raise _Empty from None
        if not math.isfinite(value):
            raise _Empty
        values.append(value)
    return values


# ------------------------------------------------------------------------------------------------ facets


def _aggregations(query: ListingQuery) -> dict[str, Any]:
    aggs: dict[str, Any] = {
        "region": {"terms": {"field": f"region_{facet_region_level(query.region)}", "size": 1000}},
        "land_use": {"terms": {"field": "land_use_major", "size": 100}},
        "mode": {"terms": {"field": "mode", "size": 10}},
    }
    if query.kind == "supply":
        ranges = []
        for key, low, high in PRICE_BANDS:
            band: dict[str, Any] = {"key": key}
            if low is not None:
                band["from"] = float(low)
            if high is not None:
                band["to"] = float(high)
            ranges.append(band)
        # 面议 (no price) is not asked for: the bands cover every price, so it is the total less the bands.
        aggs["price_band"] = {"range": {"field": "price_wan", "ranges": ranges}}
    return aggs


def _facets(query: ListingQuery, aggregations: dict[str, Any], total: int) -> dict[str, list[tuple[str, int]]]:
    """Terms by count then key (Elasticsearch's order), price bands in their order with 面议 last: the matches
    without a price, `total` (every match) less those in a band (each price is in exactly one)."""
    if not aggregations:
        return _empty_facets(query)
    facets = {
        name: [(str(bucket["key"]), bucket["doc_count"]) for bucket in aggregations[name]["buckets"]]
        for name in ("region", "land_use", "mode")
    }
    if query.kind == "supply":
        bands = [(bucket["key"], bucket["doc_count"]) for bucket in aggregations["price_band"]["buckets"]]
        facets["price_band"] = [*bands, (NEGOTIABLE, total - sum(count for _key, count in bands))]
    return facets


def _empty_facets(query: ListingQuery) -> dict[str, list[tuple[str, int]]]:
    facets: dict[str, list[tuple[str, int]]] = {"region": [], "land_use": [], "mode": []}
    if query.kind == "supply":
        facets["price_band"] = [(key, 0) for key, _low, _high in PRICE_BANDS] + [(NEGOTIABLE, 0)]
    return facets
