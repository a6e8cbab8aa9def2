"""Autocomplete: region names containing what is typed (those starting with it first) with their codes, then titles
of public listings matching it as keywords, with their ids; at most ten, on either engine."""

from typing import Any

import pytest
from django.test import Client

from geo.models import Region
from geo.tests.factories import region_create
from search.tests.conftest import Market

pytestmark = pytest.mark.django_db


def _suggest(client: Client, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/search/autocomplete", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_regions_come_first_with_their_code_then_matching_supply_titles(
    client: Client, api_engine: str, listings: Market
):
    results = _suggest(client, q="锦江")

    regions = [r for r in results if r["type"] == "region"]
    titles = [r for r in results if r["type"] == "supply"]
    assert regions == [{"type": "region", "label": "四川省成都市锦江区", "code": "510104"}]
    assert results[0] == regions[0]
    # Every public supply listing whose text holds 锦江 (the county's name is part of its text), at most five
    assert len(titles) == 4
    assert {r["id"] for r in titles} == listings.supply_ids("gaoxin", "lot12", "decimal", "negotiable2")
    assert all(r["label"] == listings.supply[name].title for r in titles for name in listings.supply_names([r["id"]]))
    assert all(r["id"] not in {hidden.pk for hidden in listings.hidden_supply} for r in titles)


def test_region_names_starting_with_the_text_come_before_those_containing_it(client: Client, regions):
    region_create(code="510113", name="青白江区", parent=regions["510100"])
    region_create(code="510115", name="温江区", parent=regions["510100"])

    results = _suggest(client, q="江")

    assert [r["code"] for r in results if r["type"] == "region"][:1] == ["510104"]  # 锦江区: shortest contains
    assert {r["code"] for r in results if r["type"] == "region"} == {"510104", "510113", "510115"}

    starting = _suggest(client, q="成都")
    assert starting[0] == {"type": "region", "label": "四川省成都市", "code": "510100"}


def test_demand_titles_are_suggested_for_the_demand_kind(client: Client, api_engine: str, listings: Market):
    results = _suggest(client, q="求购", kind="demand")

    assert {r["id"] for r in results if r["type"] == "demand"} == listings.demand_ids("want_jinjiang")
    assert all(r["type"] == "demand" for r in results)


def test_full_width_letters_are_folded_as_the_index_folds_them(client: Client, api_engine: str, listings: Market):
    results = _suggest(client, q="ＡＢＣ")

    assert results == [
        {"type": "supply", "label": "ABC科技园A区2000平米科研用地出租", "id": listings.supply["ascii"].pk}
    ]


def test_at_most_ten_suggestions_five_regions_and_five_titles(client: Client, api_engine: str, listings: Market):
    chengdu = Region.objects.get(code="510100")
    for n in range(7):
        region_create(code=f"5101{21 + n}", name=f"成都测试{n}区", parent=chengdu)

    results = _suggest(client, q="成都")

    assert [r["type"] for r in results] == ["region"] * 5 + ["supply"] * 5


def test_text_without_any_term_suggests_regions_only(client: Client, api_engine: str, listings: Market):
    assert _suggest(client, q="!!!") == []
