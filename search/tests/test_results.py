"""The search API builds its results with plain functions (search/results.py) for speed; they must give exactly
what the documented serializers (SupplyResultOutput, DemandResultOutput) give, for every listing of the fixture."""

import json
from typing import Any

import pytest
from django.db.models import Prefetch

from market.models import Demand, SupplyAttachment, SupplyListing
from search.engines.elasticsearch import ElasticsearchEngine
from search.indexing import ensure_indices, index_now
from search.query import ListingQuery, SearchPage
from search.results import listing_results
from search.selectors import listing_rows
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


def supply_instances(ids: list[int]) -> list[SupplyListing]:
    """The listings as model instances, as the documented serializer takes them, in the order of `ids`."""
    photos = SupplyAttachment.objects.filter(kind=SupplyAttachment.Kind.PHOTO).order_by("created_at", "id")
    rows = SupplyListing.objects.select_related("region__parent__parent", "parcel").prefetch_related(
        Prefetch("attachments", queryset=photos, to_attr="photos")
    )
    by_id = rows.in_bulk(ids)
    return [by_id[pk] for pk in ids]


def test_supply_results_equal_the_documented_serializer(listings, owner):
    ids = [listing.pk for listing in listings.supply.values() if listing.status in ("published", "certified")]
    photo_id, _second = (  # the result shows the first photo
        SupplyAttachment.objects.create(
            listing_id=ids[1], kind="photo", file=f"supply/2026/11/{name}", original_name=name,
            content_type="image/jpeg", size=1, uploaded_by=owner,
        ).pk
        for name in ("first.jpg", "second.jpg")
    )  # fmt: skip
    page = page_for(ids)
    rows = listing_rows(kind="supply", ids=ids)
    assert len(rows) == len(ids) > 3

    fast = listing_results("supply", rows, page)

    documented = SupplyResultOutput(supply_instances(ids), many=True, context={"page": page}).data
    assert plain(fast) == plain(documented)
    assert any(result["highlights"] for result in fast)
    assert fast[1]["photo"] == f"/api/market/supply/attachments/{photo_id}/"


def test_demand_results_equal_the_documented_serializer(listings):
    ids = [demand.pk for demand in listings.demand.values() if demand.status == "registered"]
    page = page_for(ids)
    rows = listing_rows(kind="demand", ids=ids)
    assert rows

    instances = Demand.objects.select_related("region__parent__parent").in_bulk(ids)
    documented = DemandResultOutput([instances[pk] for pk in ids], many=True, context={"page": page}).data
    assert plain(listing_results("demand", rows, page)) == plain(documented)


def test_the_rows_the_index_keeps_equal_the_database_rows(listings, owner, search_prefix):
    supply_ids = [listing.pk for listing in listings.supply.values()]
    SupplyAttachment.objects.create(
        listing_id=supply_ids[0], kind="photo", file="supply/2026/11/site.jpg", original_name="site.jpg",
        content_type="image/jpeg", size=1, uploaded_by=owner,
    )  # fmt: skip
    ensure_indices()
    index_now("supply", supply_ids)
    index_now("demand", [demand.pk for demand in listings.demand.values()])

    for kind in ("supply", "demand"):
        page = ElasticsearchEngine().search(ListingQuery(kind=kind, page_size=100))
        assert page.rows is not None
        assert len(page.rows) == page.total > 3
        assert page.rows == listing_rows(kind=kind, ids=page.ids)
    assert any(row["photo"] for row in ElasticsearchEngine().search(ListingQuery(page_size=100)).rows or [])
