"""What the market APIs of a seeker's interactions with a listing share (quotes.py, appointments.py, favourites.py,
comparison.py): money and area fields, paging, validation, the listing reference and aware times."""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PageNumberPagination
from core.serializers import ErrorOutput
from market.models import SupplyListing
from market.selectors.interactions import supply_link

TAGS = ["market: interactions"]
LISTING_PATH = OpenApiParameter("listing_id", int, OpenApiParameter.PATH, description="the supply listing's id")
ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput}
ID_MAX = 2**63 - 1


def money_field(**kwargs: Any) -> serializers.DecimalField:
    """An amount in 万元, as a string with four places."""
    return serializers.DecimalField(max_digits=14, decimal_places=4, **kwargs)


def area_field(**kwargs: Any) -> serializers.DecimalField:
    """An area in m², as a string with two places."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def paged_response(
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


def validated(serializer: type[serializers.Serializer], data: Any) -> dict[str, Any]:
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
