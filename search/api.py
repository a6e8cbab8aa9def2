"""Search API: supply and demand listings by the one query object (facets, highlights, deep paging by cursor), and
autocomplete of place names and titles."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import InvalidInput
from core.serializers import ErrorOutput
from core.throttling import ScopedRateThrottle
from geo.services_listing import region_full_name
from search.engines import listing_search
from search.query import Kind, ListingQuery, SearchPage, keyword_terms
from search.results import listing_results
from search.selectors import listing_rows, listing_titles, region_names, region_suggestions
from search.serializers import (
    AutocompleteInput,
    AutocompleteOutput,
    DemandSearchOutput,
    ListingQueryInput,
    SupplySearchOutput,
    cursor_dump,
    facets_output,
)

TAGS = ["search"]
SUGGESTED_REGIONS = 5
SUGGESTED_TITLES = 5


def _next_link(request: Request, query: ListingQuery, page: SearchPage, seen: int) -> str | None:
    """The URL of the following page by the `after` cursor, or None on the last page."""
    if page.next_after is None or not page.ids or seen >= page.total:
        return None
    params = request.query_params.copy()
    params.pop("page", None)
    params["after"] = cursor_dump(kind=query.kind, sort=query.sort, after=page.next_after, seen=seen)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


class ListingSearchApi(APIView):
    """Search public listings of one kind: every filter of the query object as a parameter; the results of one page,
    the total, facet counts over every match, highlights, and the `next` link. Bad parameters are a 400 naming them.
    """

    permission_classes = [AllowAny]
    # One limit per caller (a user, else an address): one cache read and write per request instead of two each.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "search"
    kind: Kind = "supply"

    def get(self, request: Request) -> Response:
        data = ListingQueryInput(data=request.query_params, context={"kind": self.kind})
        data.is_valid(raise_exception=True)
        query = data.query()
        page = listing_search(query)
        before = data.validated_data["after_seen"] if query.after else (query.page - 1) * query.page_size
        if not page.ids and query.after is None and query.page > 1 and before >= page.total:
            last = max(1, -(-page.total // query.page_size))
            message = _("There are only %(pages)d pages of results.") % {"pages": last}
            raise InvalidInput(message, fields={"page": [{"code": "beyond_end", "message": message}]})
        rows = listing_rows(kind=self.kind, ids=page.ids) if page.rows is None else page.rows
        names = region_names(codes=[code for code, _count in page.facets.get("region", [])])
        body: dict[str, Any] = {
            "count": page.total,
            "page": None if query.after else query.page,
            "page_size": query.page_size,
            "next": _next_link(request, query, page, before + len(page.ids)),
            "backend": page.backend,
            "results": listing_results(self.kind, rows, page),
            "facets": facets_output(page, kind=self.kind, region_names=names),
        }
        return Response(body)


class SupplySearchApi(ListingSearchApi):
    kind = "supply"

    @extend_schema(
        tags=TAGS,
        operation_id="search_supply",
        parameters=[ListingQueryInput],
        responses={200: SupplySearchOutput, 400: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class DemandSearchApi(ListingSearchApi):
    kind = "demand"

    @extend_schema(
        tags=TAGS,
        operation_id="search_demand",
        parameters=[ListingQueryInput],
        responses={200: DemandSearchOutput, 400: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class SearchAutocompleteApi(APIView):
    """Suggestions for what is being typed: up to 5 regions whose name contains it (with their code), then up to 5
    titles of public listings of `kind` that match it as keywords (with their id)."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "search"

    @extend_schema(
        tags=TAGS,
        operation_id="search_autocomplete",
        parameters=[AutocompleteInput],
        responses={200: AutocompleteOutput, 400: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        data = AutocompleteInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        text: str = data.validated_data["q"]
        kind: Kind = data.validated_data["kind"]
        results: list[dict[str, Any]] = [
            {"type": "region", "label": region_full_name(region), "code": region.code}
            for region in region_suggestions(text=text, limit=SUGGESTED_REGIONS)
        ]
        if any(keyword_terms(text)):
            page = listing_search(ListingQuery(kind=kind, keywords=text, sort="relevance", page_size=SUGGESTED_TITLES))
            titles = listing_titles(kind=kind, ids=page.ids) if page.rows is None else page.rows
            results += [{"type": kind, "label": row["title"], "id": row["id"]} for row in titles]
        return Response({"results": results})
