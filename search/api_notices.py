"""Search API of the notices (交易公示): published and superseded announcements of lots by the one `NoticeQuery`,
with the type, region and centre facets."""

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
from search.engines.notices import notice_search
from search.notice_selectors import centre_names, notice_rows
from search.notice_serializers import NoticeQueryInput, NoticeResultOutput, NoticeSearchOutput, notice_facets_output
from search.selectors import region_names


class NoticeSearchApi(APIView):
    """Search the notices: fragments of titles, texts and numbers; region, type, date, centre, lot kind and trading
    mode; newest first; facets over every match. Bad parameters are a 400 naming them."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "search"

    @extend_schema(
        tags=["search"],
        operation_id="search_notices",
        parameters=[NoticeQueryInput],
        responses={200: NoticeSearchOutput, 400: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        data = NoticeQueryInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        query = data.query()
        page = notice_search(query)
        if not page.ids and query.page > 1 and (query.page - 1) * query.page_size >= page.total:
            last = max(1, -(-page.total // query.page_size))
            message = _("There are only %(pages)d pages of results.") % {"pages": last}
            raise InvalidInput(message, fields={"page": [{"code": "beyond_end", "message": message}]})
        body: dict[str, Any] = {
            "count": page.total,
            "page": query.page,
            "page_size": query.page_size,
            "backend": page.backend,
            "results": NoticeResultOutput(notice_rows(ids=page.ids), many=True).data,
            "facets": notice_facets_output(
                page,
                region_names=region_names(codes=[code for code, _count in page.facets.get("region", [])]),
                centre_names=centre_names(ids=[code for code, _count in page.facets.get("centre", [])]),
            ),
        }
        return Response(body)
