"""Search API of the direct transactions (直接交易, GET /api/contracts/direct/): coded contracts concluded directly
between the parties, by the one `DirectDealQuery` on either engine, newest coding first. It lives in search (nothing
imports search) and config/urls.py mounts it beside the contracts' routes."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.api.public import DirectDealOutput
from contracts.models import Contract
from contracts.selectors_public import contract_public, direct_deal_rows
from core.errors import InvalidInput
from core.serializers import ErrorOutput
from core.throttling import ScopedRateThrottle
from geo.api import RegionCodeField
from geo.reference import is_valid_land_use, is_valid_region_code
from search.direct_query import DirectDealQuery
from search.engines.direct import direct_deal_search
from search.notice_query import MAX_FRAGMENTS
from search.query import MAX_KEYWORDS, MAX_PAGE_SIZE, MAX_RESULT_WINDOW
from search.serializers import QueryParameters


class DirectDealQueryInput(QueryParameters):
    """The query parameters of /api/contracts/direct/. Dates are Asia/Shanghai days, inclusive."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_KEYWORDS,
        default="",
        help_text=f"keywords separated by spaces (at most {MAX_FRAGMENTS}), each found anywhere in the parcel's "
        f"location or the coding number; at most {MAX_KEYWORDS} characters",
    )
    region = RegionCodeField(required=False, help_text="GB/T 2260 code of any level: the parcel is in or under it")
    land_use = serializers.CharField(
        required=False, max_length=4, help_text="GB/T 21010 code, first level (05: every 05xx) or second (0501)"
    )
    kind = serializers.ChoiceField(
        choices=Contract.Kind.choices, required=False, help_text="the mode: transfer (转让) or lease (出租)"
    )
    coded_from = serializers.DateField(required=False, help_text="coded on or after, YYYY-MM-DD, Asia/Shanghai")
    coded_to = serializers.DateField(required=False, help_text="coded on or before, YYYY-MM-DD, Asia/Shanghai")
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=20)

    class Meta:
        ref_name = "DirectDealSearchInput"

    def validate_region(self, value: str) -> str:
        if not is_valid_region_code(value):
            raise serializers.ValidationError(gettext_lazy("No region has this code."), code="unknown")
        return value

    def validate_land_use(self, value: str) -> str:
        if not is_valid_land_use(value):
            raise serializers.ValidationError(
                gettext_lazy("Not a GB/T 21010-2017 land-use class."), code="invalid_choice"
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[ErrorDetail]] = {}
        coded_from: date | None = attrs.get("coded_from")
        coded_to: date | None = attrs.get("coded_to")
        if coded_from and coded_to and coded_from > coded_to:
            message = _("The end date must not be before the start date.")
            errors["coded_to"] = [ErrorDetail(message, code="inverted_range")]
        if attrs["page"] * attrs["page_size"] > MAX_RESULT_WINDOW:
            window = _("Pages end at result %(window)d; narrow the search.") % {"window": MAX_RESULT_WINDOW}
            errors["page"] = [ErrorDetail(window, code="beyond_result_window")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def query(self) -> DirectDealQuery:
        """The validated parameters as the one query object (call after is_valid)."""
        data = self.validated_data
        return DirectDealQuery(
            keywords=data["q"],
            region=data.get("region"),
            land_use=data.get("land_use"),
            kind=data.get("kind"),
            coded_from=data.get("coded_from"),
            coded_to=data.get("coded_to"),
            page=data["page"],
            page_size=data["page_size"],
        )


class DirectDealSearchOutput(serializers.Serializer):
    count = serializers.IntegerField(help_text="every match, not only this page")
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    backend = serializers.ChoiceField(choices=["elasticsearch", "database"], help_text="which engine answered")
    results = DirectDealOutput(many=True)

    class Meta:
        ref_name = "DirectDealSearchPage"


class DirectDealSearchApi(APIView):
    """Search the direct transactions (直接交易): keywords of the location or number, region, land use, mode and
    coding date; newest coding first. Bad parameters are a 400 naming them."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "search"

    @extend_schema(
        tags=["contracts: public"],
        operation_id="contracts_direct_deals",
        parameters=[DirectDealQueryInput],
        responses={200: DirectDealSearchOutput, 400: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        data = DirectDealQueryInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        query = data.query()
        page = direct_deal_search(query)
        if not page.ids and query.page > 1 and (query.page - 1) * query.page_size >= page.total:
            last = max(1, -(-page.total // query.page_size))
            message = _("There are only %(pages)d pages of results.") % {"pages": last}
            raise InvalidInput(message, fields={"page": [{"code": "beyond_end", "message": message}]})
        rows = [contract_public(contract) for contract in direct_deal_rows(ids=page.ids)]
        body = {
            "count": page.total,
            "page": query.page,
            "page_size": query.page_size,
            "backend": page.backend,
            "results": DirectDealOutput(rows, many=True).data,
        }
        return Response(body)
