"""Market API: what a seeker does on a listing (土地详情页面) — intention quotes, viewing appointments, favourites,
comparison — and the personal centre's lists of them (我的申购, 我的收藏)."""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsVerified, request_user
from core.pagination import PageNumberPagination
from geo.serializers import ErrorOutput
from market.models import Favourite, LandType, SupplyListing, ViewingAppointment
from market.selectors.appointments import (
    AppointmentStatus,
    appointment_status,
    listing_appointments,
    my_appointment_list,
)
from market.selectors.comparison import comparison_rows
from market.selectors.favourites import FavouriteFilters, favourite_rows, my_favourite_list
from market.selectors.interactions import supply_link
from market.selectors.quotes import my_quote_list, my_quotes_on, quote_record, quote_rows
from market.services.appointments import appointment_cancel, appointment_create, appointment_mark_viewed
from market.services.comparison import COMPARISON_MAX, comparison_add, comparison_clear, comparison_remove
from market.services.favourites import favourite_add, favourite_remove, target_model
from market.services.quotes import quote_create

TAGS = ["market: interactions"]
LISTING_PATH = OpenApiParameter("listing_id", int, OpenApiParameter.PATH, description="the supply listing's id")
APPOINTMENT_PATH = OpenApiParameter("appointment_id", int, OpenApiParameter.PATH, description="the appointment's id")
ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput}
ID_MAX = 2**63 - 1


def money_field(**kwargs: Any) -> serializers.DecimalField:
    """An amount in 万元, as a string with four places."""
    return serializers.DecimalField(max_digits=14, decimal_places=4, **kwargs)


def area_field(**kwargs: Any) -> serializers.DecimalField:
    """An area in m², as a string with two places."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def _page(
    request: Request,
    view: APIView,
    items: QuerySet,
    output: type[serializers.Serializer],
    rows: Callable[[Sequence[Any]], Sequence[Any]] | None = None,
) -> Response:
    """One page of `items` in the API's pagination envelope, `rows` turning the page into what `output` shows."""
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(items, request, view=view) or []
    return paginator.get_paginated_response(output(rows(page) if rows else page, many=True).data)


def _valid(serializer: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """The validated input, or the structured 400 naming each bad field."""
    checked = serializer(data=data)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


class ListingRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=SupplyListing.Status.choices)
    link = serializers.SerializerMethodField(help_text="the listing's page")

    def get_link(self, listing: SupplyListing) -> str:
        return supply_link(listing.pk)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time with its UTC offset (2026-05-01T09:30:00+08:00); a time without an offset is refused."""

    default_error_messages = {"naive": _("Give the time with its UTC offset, e.g. 2026-05-01T09:30:00+08:00.")}

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)


# Intention quotes (意向报价)


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
        return _page(
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
        data = _valid(self.Input, request.data)
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
        filters = _valid(self.Input, request.query_params)
        return _page(request, self, my_quote_list(user=request_user(request), **filters), self.Output)


# Viewing appointments (预约看地)


class OwnerAppointmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    visit_at = serializers.DateTimeField()
    viewed_at = serializers.DateTimeField(allow_null=True)
    status = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_status(self, appointment: ViewingAppointment) -> str:
        return appointment_status(appointment)


class MyAppointmentOutput(OwnerAppointmentOutput):
    listing = ListingRefOutput()
    contact_name = serializers.SerializerMethodField(help_text="the listing's contact (联系人)")
    contact_phone = serializers.SerializerMethodField()

    def get_contact_name(self, appointment: ViewingAppointment) -> str:
        return appointment.listing.agent_name or appointment.listing.owner_name

    def get_contact_phone(self, appointment: ViewingAppointment) -> str:
        return appointment.listing.agent_phone or appointment.listing.owner_phone


class SupplyAppointmentApi(APIView):
    """GET: the listing's viewing appointments, for its owner only (404 for anyone else). POST: a verified user
    who does not act for the owner books a viewing of a public listing: a name, a mainland mobile number, and a
    time in the next 90 days with its UTC offset."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    class Input(serializers.Serializer):
        # Only the types here: the service checks the values, and names every bad field at once.
        name = serializers.CharField(allow_blank=True, help_text="who will come, at most 64 characters; kept as given")
        phone = serializers.CharField(allow_blank=True, help_text="a mainland mobile number, 11 digits")
        visit_at = AwareDateTimeField(help_text="ISO 8601 with offset, in the future, at most 90 days ahead")

        class Meta:
            ref_name = "AppointmentCreateInput"

    def get_permissions(self) -> list[BasePermission]:
        return [IsAuthenticated()] if self.request.method in SAFE_METHODS else [IsVerified()]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_appointment_list",
        parameters=[LISTING_PATH],
        responses={200: OwnerAppointmentOutput(many=True), 401: ErrorOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, listing_id: int) -> Response:
        appointments = listing_appointments(listing_id=listing_id, user=request_user(request))
        return _page(request, self, appointments, OwnerAppointmentOutput)

    @extend_schema(
        tags=TAGS,
        operation_id="supply_appointment_create",
        parameters=[LISTING_PATH],
        request=Input,
        responses={201: MyAppointmentOutput, **ERRORS},
    )
    def post(self, request: Request, listing_id: int) -> Response:
        data = _valid(self.Input, request.data)
        appointment = appointment_create(listing_id=listing_id, user=request_user(request), **data)
        return Response(MyAppointmentOutput(appointment).data, status=status.HTTP_201_CREATED)


class MyAppointmentListApi(APIView):
    """我的申购-预约看地: my bookings, latest time first, with the listing and its contact; by title, by status
    (upcoming: not marked viewed; viewed) and by the listing's status."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    class Input(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False)
        status = serializers.ChoiceField(choices=AppointmentStatus.CHOICES, required=False)
        listing_status = serializers.ChoiceField(choices=SupplyListing.Status.choices, required=False)

        class Meta:
            ref_name = "MyAppointmentListFilter"

    @extend_schema(
        tags=TAGS,
        operation_id="my_appointment_list",
        parameters=[Input],
        responses={200: MyAppointmentOutput(many=True), 400: ErrorOutput, 401: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        filters = _valid(self.Input, request.query_params)
        return _page(request, self, my_appointment_list(user=request_user(request), **filters), MyAppointmentOutput)


class AppointmentViewedApi(APIView):
    """Mark my booking viewed (已看地), once its time has passed (409 visit_not_passed before); someone else's is
    404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="appointment_viewed",
        parameters=[APPOINTMENT_PATH],
        request=None,
        responses={200: MyAppointmentOutput, **ERRORS},
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment = appointment_mark_viewed(appointment_id=appointment_id, user=request_user(request))
        return Response(MyAppointmentOutput(appointment).data)


class AppointmentCancelApi(APIView):
    """Cancel my booking before its time (409 visit_passed afterwards); it is deleted. Someone else's is 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="appointment_cancel",
        parameters=[APPOINTMENT_PATH],
        request=None,
        responses={204: None, **ERRORS},
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment_cancel(appointment_id=appointment_id, user=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# Favourites (收藏)


class FavouriteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    target = serializers.ChoiceField(choices=Favourite.Target.choices)
    target_id = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class FavouriteCreateApi(APIView):
    """Keep a public supply listing or demand (201; 200 with the same favourite when it is already kept).
    Entrusted transactions are not supported yet (400 not_supported on `target`)."""

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        target = serializers.ChoiceField(choices=Favourite.Target.choices)
        target_id = serializers.IntegerField(min_value=1, max_value=ID_MAX)

        class Meta:
            ref_name = "FavouriteCreateInput"

    @extend_schema(
        tags=TAGS,
        operation_id="favourite_create",
        request=Input,
        responses={200: FavouriteOutput, 201: FavouriteOutput, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        favourite, created = favourite_add(user=request_user(request), **_valid(self.Input, request.data))
        return Response(
            FavouriteOutput(favourite).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class FavouriteDeleteApi(APIView):
    """Stop keeping a favourite (取消收藏); 404 when it is not kept."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="favourite_delete",
        parameters=[
            OpenApiParameter("target", str, OpenApiParameter.PATH, enum=Favourite.Target.values),
            OpenApiParameter("target_id", int, OpenApiParameter.PATH),
        ],
        responses={204: None, 400: ErrorOutput, 401: ErrorOutput, 404: ErrorOutput},
    )
    def delete(self, request: Request, target: str, target_id: int) -> Response:
        favourite_remove(user=request_user(request), target=target, target_id=target_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyFavouriteListApi(APIView):
    """我的收藏: my favourites of one kind (supply by default), newest first, each with its target's title, area,
    price, status and page; one that left the public shows with `available` false. Filters: title, publication
    date (from, to) and area (m²)."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    class Input(serializers.Serializer):
        target = serializers.ChoiceField(choices=Favourite.Target.choices, default=Favourite.Target.SUPPLY)
        title = serializers.CharField(max_length=200, required=False)
        published_from = serializers.DateField(required=False, help_text="YYYY-MM-DD")
        published_to = serializers.DateField(required=False, help_text="YYYY-MM-DD")
        area_min = area_field(min_value=0, required=False, help_text="m²")
        area_max = area_field(min_value=0, required=False, help_text="m²")

        class Meta:
            ref_name = "MyFavouriteListFilter"

    class Output(serializers.Serializer):
        id = serializers.IntegerField(source="favourite.pk")
        target = serializers.CharField(source="favourite.target")
        target_id = serializers.IntegerField(source="favourite.target_id")
        created_at = serializers.DateTimeField(source="favourite.created_at")
        available = serializers.BooleanField(help_text="false once the target left the public")
        title = serializers.CharField(allow_null=True)
        status = serializers.CharField(allow_null=True)
        published_at = serializers.DateTimeField(allow_null=True)
        area_m2 = area_field(allow_null=True, help_text="supply")
        price_wan = money_field(allow_null=True, help_text="supply; null: negotiable (面议)")
        area_min_m2 = area_field(allow_null=True, help_text="demand")
        area_max_m2 = area_field(allow_null=True, help_text="demand")
        price_min_wan = money_field(allow_null=True, help_text="demand")
        price_max_wan = money_field(allow_null=True, help_text="demand")
        link = serializers.CharField()

        class Meta:
            ref_name = "MyFavouriteListRow"

    @extend_schema(
        tags=TAGS,
        operation_id="my_favourite_list",
        parameters=[Input],
        responses={200: Output(many=True), 400: ErrorOutput, 401: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        data = _valid(self.Input, request.query_params)
        target_model(data["target"])  # 400 for a kind that cannot be kept yet
        filters = FavouriteFilters(
            title=data.get("title", ""),
            published_from=data.get("published_from"),
            published_to=data.get("published_to"),
            area_min_m2=data.get("area_min"),
            area_max_m2=data.get("area_max"),
        )
        favourites = my_favourite_list(user=request_user(request), target=data["target"], filters=filters)
        return _page(request, self, favourites, self.Output, lambda page: favourite_rows(favourites=page))


# Comparison (比价)


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
        item, created = comparison_add(user=request_user(request), **_valid(self.Input, request.data))
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
    path("supply/<int:listing_id>/quotes/", SupplyQuoteApi.as_view(), name="supply-quotes"),
    path("supply/<int:listing_id>/quotes/mine/", MyQuotesOnListingApi.as_view(), name="supply-quotes-mine"),
    path("supply/<int:listing_id>/appointments/", SupplyAppointmentApi.as_view(), name="supply-appointments"),
    path("appointments/<int:appointment_id>/viewed/", AppointmentViewedApi.as_view(), name="appointment-viewed"),
    path("appointments/<int:appointment_id>/cancel/", AppointmentCancelApi.as_view(), name="appointment-cancel"),
    path("favourites/", FavouriteCreateApi.as_view(), name="favourite-create"),
    path("favourites/<str:target>/<int:target_id>/", FavouriteDeleteApi.as_view(), name="favourite-delete"),
    path("comparison/", ComparisonApi.as_view(), name="comparison"),
    path("comparison/<int:listing_id>/", ComparisonItemApi.as_view(), name="comparison-item"),
    path("my/quotes/", MyQuoteListApi.as_view(), name="my-quotes"),
    path("my/appointments/", MyAppointmentListApi.as_view(), name="my-appointments"),
    path("my/favourites/", MyFavouriteListApi.as_view(), name="my-favourites"),
]
