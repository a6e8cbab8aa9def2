"""Market API: land statistics (土地统计数据) of public supply listings and registered demands."""

import re
from datetime import date
from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.serializers import ErrorOutput
from geo.api import RegionCodeField
from geo.serializers import RegionRefOutput
from market.models import SupplyListing
from market.selectors.statistics import land_statistics

TAGS = ["market: statistics"]
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


@extend_schema_field({"type": "string", "pattern": MONTH_PATTERN, "example": "2026-03"})
class MonthField(serializers.CharField):
    """A month as YYYY-MM, read as its first day and written from a date (the schema says a YYYY-MM string)."""

    default_error_messages = {"invalid": _("Give a month as YYYY-MM, e.g. 2026-03.")}

    def to_representation(self, value: date) -> str:  # type: ignore[override]
        return value.strftime("%Y-%m")

    def to_internal_value(self, data: Any) -> date:  # type: ignore[override]
        text = super().to_internal_value(data)
        match = _MONTH.fullmatch(text)
        if match is None or not 1900 <= int(match[1]) <= 2999:
            self.fail("invalid")
        return date(int(match[1]), int(match[2]), 1)


def _renamed_months(fields: dict[str, serializers.Field]) -> dict[str, serializers.Field]:
    """`month_from`/`month_to` (keywords cannot be attribute names) as `from`/`to` in the query and the answer."""
    for python_name, name in (("month_from", "from"), ("month_to", "to")):
        fields[name] = fields.pop(python_name)
        fields[name].source = python_name
    return dict(sorted(fields.items(), key=lambda item: ORDER.index(item[0]) if item[0] in ORDER else 0))


ORDER = ["group_by", "region", "from", "to", "mode", "groups", "total"]


class StatisticsGroupOutput(serializers.Serializer):
    class Meta:
        ref_name = "LandStatisticsGroup"

    key = serializers.CharField(help_text="region code, first-level land-use code, or YYYY-MM")
    name = serializers.CharField()
    listing_count = serializers.IntegerField(help_text="public supply listings")
    area_m2 = serializers.DecimalField(max_digits=None, decimal_places=2, help_text="their total area, m²")
    priced_count = serializers.IntegerField(help_text="listings with a price (not 面议)")
    price_wan = serializers.DecimalField(
        max_digits=None, decimal_places=4, help_text="total price of the priced listings, 万元"
    )
    unit_price_yuan_m2 = serializers.DecimalField(
        max_digits=None,
        decimal_places=2,
        allow_null=True,
        help_text="average unit price, 元/m²: total price of the priced listings ÷ their area; null without any",
    )
    demand_count = serializers.IntegerField(help_text="registered demands")


class StatisticsApi(APIView):
    """Public supply listings (published or certified) and registered demands, grouped by the child regions of
    `region` (the provinces without it), by first-level land use, or by month of publication (Asia/Shanghai).

    Decimals are strings. `from`/`to` bound the month of publication (of registration for demands); grouping by
    month without them covers the last twelve months.
    """

    permission_classes = [AllowAny]

    class Input(serializers.Serializer):
        group_by = serializers.ChoiceField(choices=["region", "land_use", "month"])
        region = RegionCodeField(required=False, help_text="the region whose children are the groups, and the scope")
        month_from = MonthField(required=False, help_text="first month, YYYY-MM")
        month_to = MonthField(required=False, help_text="last month, YYYY-MM")
        mode = serializers.ChoiceField(choices=SupplyListing.Mode.choices, required=False)

        def get_fields(self) -> dict[str, serializers.Field]:
            return _renamed_months(super().get_fields())

    class Output(serializers.Serializer):
        group_by = serializers.CharField()
        region = RegionRefOutput(allow_null=True)
        month_from = MonthField(allow_null=True, help_text="YYYY-MM")
        month_to = MonthField(allow_null=True, help_text="YYYY-MM")
        mode = serializers.CharField(allow_null=True)
        groups = StatisticsGroupOutput(many=True)
        total = StatisticsGroupOutput()

        class Meta:
            ref_name = "LandStatistics"

        def get_fields(self) -> dict[str, serializers.Field]:
            return _renamed_months(super().get_fields())

    @extend_schema(
        tags=TAGS,
        operation_id="market_statistics",
        parameters=[Input],
        responses={200: Output, 400: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        data = self.Input(data=request.query_params)
        data.is_valid(raise_exception=True)
        return Response(self.Output(land_statistics(**data.validated_data)).data)


urlpatterns = [
    path("statistics/", StatisticsApi.as_view(), name="statistics"),
]
