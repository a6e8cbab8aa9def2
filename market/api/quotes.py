"""Market API: intention quotes (意向报价) on a supply listing, the owner's view of them, and the seeker's list
(我的申购)."""

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsVerified, request_user
from core.pagination import PageNumberPagination
from core.serializers import ErrorOutput
from market.api.interactions import ERRORS, LISTING_PATH, TAGS, ListingRefOutput, money_field, paged_response, validated
from market.models import LandType, SupplyListing
from market.selectors.interactions import supply_link
from market.selectors.quotes import my_quote_list, my_quotes_on, quote_record, quote_rows
from market.services.quotes import quote_create


class QuoteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    listing_id = serializers.IntegerField()
    amount_wan = money_field()
    created_at = serializers.DateTimeField()


class SupplyQuoteApi(APIView):
    """GET: a listing's quote record (出价记录), newest first — anyone on a public listing, with masked quoters;
    the owner on any of theirs, with the quoters' names. POST: a verified user who does not act for the owner
    quotes on a public listing (a new record each time; at most 10 a day per listing, then 429 quote_limit)."""

    permission_classes = [AllowAny]
    pagination_class = PageNumberPagination

    def get_permissions(self) -> list[BasePermission]:
        """Reads for anyone (the selector decides what each sees); quotes by verified users (401 / 403)."""
        return [AllowAny()] if self.request.method in SAFE_METHODS else [IsVerified()]

    class Input(serializers.Serializer):
        amount_wan = serializers.DecimalField(
            max_digits=None,
            decimal_places=None,
            help_text="万元, as a string: more than 0, at most 99999999.9999, at most four decimal places",
        )

        class Meta:
            ref_name = "QuoteCreateInput"

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        amount_wan = money_field()
        created_at = serializers.DateTimeField()
        quoter = serializers.CharField(help_text="the quoter's name for the owner; masked (张**) for anyone else")
        quoter_phone = serializers.CharField(help_text="masked: 139****0001")
        is_mine = serializers.BooleanField()

        class Meta:
            ref_name = "QuoteRecordLine"

    @extend_schema(
        tags=TAGS,
        operation_id="supply_quote_list",
        parameters=[LISTING_PATH],
        responses={200: Output(many=True), 404: ErrorOutput},
    )
    def get(self, request: Request, listing_id: int) -> Response:
        record = quote_record(listing_id=listing_id, user=request.user)
        return paged_response(
            request,
            self,
            record.quotes,
            self.Output,
            lambda page: quote_rows(quotes=page, owner_view=record.owner_view, viewer=request.user),
        )

    @extend_schema(
        tags=TAGS,
        operation_id="supply_quote_create",
        parameters=[LISTING_PATH],
        request=Input,
        responses={201: QuoteOutput, 429: ErrorOutput, **ERRORS},
    )
    def post(self, request: Request, listing_id: int) -> Response:
        data = validated(self.Input, request.data)
        quote = quote_create(listing_id=listing_id, user=request_user(request), **data)
        return Response(QuoteOutput(quote).data, status=status.HTTP_201_CREATED)


class MyQuotesOnListingApi(APIView):
    """My quotes on a listing, newest first, with the best of them, its rank among every quoter's best (1 is the
    highest; ties share a rank) and the number of quoters."""

    permission_classes = [IsAuthenticated]

    class Output(serializers.Serializer):
        class MineOutput(serializers.Serializer):
            id = serializers.IntegerField()
            amount_wan = money_field()
            created_at = serializers.DateTimeField()

            class Meta:
                ref_name = "MyQuote"

        listing = ListingRefOutput()
        quotes = MineOutput(many=True)
        quote_count = serializers.SerializerMethodField()
        best_amount_wan = money_field(source="best_wan", allow_null=True)
        rank = serializers.IntegerField(allow_null=True, help_text="null: no quote of mine")
        quoter_count = serializers.IntegerField()

        class Meta:
            ref_name = "MyQuotesOnListing"

        def get_quote_count(self, mine: Any) -> int:
            return len(mine.quotes)

    @extend_schema(
        tags=TAGS,
        operation_id="supply_quote_mine",
        parameters=[LISTING_PATH],
        responses={200: Output, 401: ErrorOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, listing_id: int) -> Response:
        return Response(self.Output(my_quotes_on(listing_id=listing_id, user=request_user(request))).data)


class MyQuoteListApi(APIView):
    """我的申购-意向报价: one row per listing I quoted on — my best quote, its rank, how many quotes I made, the
    listing's status and page; the most recently quoted first; by title and land type."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    class Input(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False, help_text="part of the listing's title")
        land_type = serializers.ChoiceField(choices=LandType.choices, required=False, help_text="地块类型")

        class Meta:
            ref_name = "MyQuoteListFilter"

    class Output(serializers.Serializer):
        listing_id = serializers.IntegerField(source="pk")
        title = serializers.CharField()
        land_type = serializers.CharField()
        listing_status = serializers.ChoiceField(choices=SupplyListing.Status.choices, source="status")
        link = serializers.SerializerMethodField()
        best_amount_wan = money_field(source="my_best_wan")
        rank = serializers.IntegerField(source="my_rank")
        quote_count = serializers.IntegerField(source="my_quote_count")
        quoter_count = serializers.IntegerField()
        last_quoted_at = serializers.DateTimeField(source="my_last_quoted_at")

        class Meta:
            ref_name = "MyQuoteListRow"

        def get_link(self, listing: SupplyListing) -> str:
            return supply_link(listing.pk)

    @extend_schema(
        tags=TAGS,
        operation_id="my_quote_list",
        parameters=[Input],
        responses={200: Output(many=True), 400: ErrorOutput, 401: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        filters = validated(self.Input, request.query_params)
        return paged_response(request, self, my_quote_list(user=request_user(request), **filters), self.Output)


urlpatterns = [
    path("supply/<int:listing_id>/quotes/", SupplyQuoteApi.as_view(), name="supply-quotes"),
    path("supply/<int:listing_id>/quotes/mine/", MyQuotesOnListingApi.as_view(), name="supply-quotes-mine"),
    path("my/quotes/", MyQuoteListApi.as_view(), name="my-quotes"),
]
