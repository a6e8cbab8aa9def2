"""Market API: the seeker's comparison of up to four supply listings (比价, 地块属性对比)."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import request_user
from core.serializers import ErrorOutput
from market.api.interactions import ERRORS, ID_MAX, LISTING_PATH, TAGS, area_field, money_field, validated
from market.models import SupplyListing
from market.selectors.comparison import comparison_rows
from market.services.comparison import COMPARISON_MAX, comparison_add, comparison_clear, comparison_remove


class ComparisonApi(APIView):
    """GET: my comparison, the seed's table (地块属性对比), a row per listing in the order added. POST: add a public
    listing (201; 200 if it is already there; 409 comparison_full beyond four). DELETE: empty it."""

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        listing_id = serializers.IntegerField(min_value=1, max_value=ID_MAX)

        class Meta:
            ref_name = "ComparisonAddInput"

    class ItemOutput(serializers.Serializer):
        listing_id = serializers.IntegerField()
        created_at = serializers.DateTimeField()

        class Meta:
            ref_name = "ComparisonItem"

    class Output(serializers.Serializer):
        class RowOutput(serializers.Serializer):
            class HeatOutput(serializers.Serializer):
                views = serializers.IntegerField()
                favourites = serializers.IntegerField()
                quotes = serializers.IntegerField()
                appointments = serializers.IntegerField()
                total = serializers.IntegerField()

                class Meta:
                    ref_name = "ComparisonHeat"

            listing_id = serializers.IntegerField()
            added_at = serializers.DateTimeField()
            title = serializers.CharField()
            mode = serializers.ChoiceField(choices=SupplyListing.Mode.choices)
            status = serializers.ChoiceField(choices=SupplyListing.Status.choices)
            available = serializers.BooleanField(help_text="false once the listing left the public")
            price_wan = money_field(allow_null=True, help_text="null: negotiable (面议)")
            area_m2 = area_field(allow_null=True)
            land_use = serializers.CharField(help_text="GB/T 21010-2017 code (土地用途)")
            land_use_name = serializers.CharField(allow_null=True)
            floor_area_ratio = serializers.DecimalField(
                max_digits=6, decimal_places=2, allow_null=True, help_text="容积率; null: not given"
            )
            remaining_years = serializers.IntegerField(allow_null=True, help_text="a lease: its term")
            unit_price_wan_per_m2 = money_field(
                allow_null=True, help_text="price ÷ area, 万元/m², 4 places; null: negotiable"
            )
            quote_max_wan = money_field(allow_null=True, help_text="null: no quote (暂无报价)")
            quote_min_wan = money_field(allow_null=True, help_text="null: no quote (暂无报价)")
            heat = HeatOutput()
            certification = serializers.ChoiceField(choices=[("certified", "属地认证"), ("uncertified", "属地未认证")])
            region_path = serializers.ListField(child=serializers.CharField(), help_text="province, city, county")
            link = serializers.CharField()

            class Meta:
                ref_name = "ComparisonRow"

        max_items = serializers.IntegerField()
        items = RowOutput(many=True)

        class Meta:
            ref_name = "Comparison"

    @extend_schema(tags=TAGS, operation_id="comparison_retrieve", responses={200: Output, 401: ErrorOutput})
    def get(self, request: Request) -> Response:
        rows = comparison_rows(user=request_user(request))
        return Response(self.Output({"max_items": COMPARISON_MAX, "items": rows}).data)

    @extend_schema(
        tags=TAGS, operation_id="comparison_add", request=Input, responses={200: ItemOutput, 201: ItemOutput, **ERRORS}
    )
    def post(self, request: Request) -> Response:
        item, created = comparison_add(user=request_user(request), **validated(self.Input, request.data))
        return Response(self.ItemOutput(item).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(tags=TAGS, operation_id="comparison_clear", responses={204: None, 401: ErrorOutput})
    def delete(self, request: Request) -> Response:
        comparison_clear(user=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ComparisonItemApi(APIView):
    """Take a listing out of my comparison; 404 if it is not in it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="comparison_remove",
        parameters=[LISTING_PATH],
        responses={204: None, 401: ErrorOutput, 404: ErrorOutput},
    )
    def delete(self, request: Request, listing_id: int) -> Response:
        comparison_remove(user=request_user(request), listing_id=listing_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("comparison/", ComparisonApi.as_view(), name="comparison"),
    path("comparison/<int:listing_id>/", ComparisonItemApi.as_view(), name="comparison-item"),
]
