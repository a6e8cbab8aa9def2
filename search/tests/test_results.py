"""The search API builds its results with plain functions (search/results.py) for speed; they must give exactly
what the documented serializers (SupplyResultOutput, DemandResultOutput) give, for every listing of the fixture."""

import json
from typing import Any

import pytest

from search.query import SearchPage
from search.results import demand_result, supply_result
from search.selectors import demand_rows, supply_rows
from search.serializers import DemandResultOutput, SupplyResultOutput

pytestmark = pytest.mark.django_db


def plain(data: Any) -> Any:
    return json.loads(json.dumps(data))


def page_for(ids: list[int]) -> SearchPage:
    """A page with highlights (one with a piece of a certificate number, which must be hidden) and distances."""
    highlights = {
        pk: {"title": ["<em>高新</em>区 <b>&"], "text": [f"成都市 <em>锦江</em>区 川(2020)成都市不动产权第00{pk}"]}
        for pk in ids[:3]
    }
    return SearchPage(ids=ids, total=len(ids), highlights=highlights, distances_m={ids[0]: 1234.5} if ids else {})


def test_supply_results_equal_the_documented_serializer(listings):
    ids = [listing.pk for listing in listings.supply.values() if listing.status in ("published", "certified")]
    page = page_for(ids)
    rows = supply_rows(ids=ids)
    assert len(rows) == len(ids) > 3

    fast = [supply_result(row, page) for row in rows]

    assert plain(fast) == plain(SupplyResultOutput(rows, many=True, context={"page": page}).data)
    assert any(result["highlights"] for result in fast)


def test_demand_results_equal_the_documented_serializer(listings):
    ids = [demand.pk for demand in listings.demand.values() if demand.status == "registered"]
    page = page_for(ids)
    rows = demand_rows(ids=ids)
    assert rows

    assert plain([demand_result(row, page) for row in rows]) == plain(
        DemandResultOutput(rows, many=True, context={"page": page}).data
    )
