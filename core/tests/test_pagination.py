"""The API's pagination: page and page_size, capped at 100, structured 404 past the end."""

import pytest
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.pagination import PageNumberPagination

ITEMS = list(range(250))


def paginate(**params: str) -> tuple[list[int] | None, PageNumberPagination]:
    paginator = PageNumberPagination()
    request = Request(APIRequestFactory().get("/api/things/", params))
    return paginator.paginate_queryset(ITEMS, request), paginator


def test_the_default_page_holds_twenty_items():
    page, paginator = paginate()

    assert page == list(range(20))
    assert paginator.get_paginated_response(page).data["count"] == 250


def test_page_size_is_chosen_by_the_client_up_to_one_hundred():
    assert len(paginate(page_size="50")[0] or []) == 50
    assert len(paginate(page_size="5000")[0] or []) == 100


def test_a_page_past_the_end_is_not_found():
    with pytest.raises(NotFound):
        paginate(page="99")
