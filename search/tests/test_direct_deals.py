"""The 直接交易 search (direct transactions) on both engines and through GET /api/contracts/direct/: coded contracts
without a lot only (never one from a lot, one in review or a revoked one), found by a fragment of the location or the
number, filtered by region, land use, mode and coding date; a revocation takes a deal out of the index through the
outbox; the price is not in the body when a party opted out; bad parameters are a 400 naming them."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from auctions.tests.factories import centre_create
from contracts.models import Contract
from contracts.tests.factories import coded_contract, contract_create
from core.classification import public_fields
from geo.tests.factories import sichuan_tree
from search import direct_documents, indexing
from search.backends import elasticsearch_client
from search.direct_query import DirectDealQuery
from search.engines.direct_database import DirectDealDatabaseEngine
from search.engines.direct_elasticsearch import DirectDealElasticsearchEngine
from search.tests.notices_world import lot_create

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/api/contracts/direct/"


def shanghai(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@dataclass
class Deals:
    """Contracts by name; public: jinjiang, wuhou, fucheng (a direct deal each); hidden: from_lot, in_review,
    revoked.

    jinjiang 锦江 510104 transfer 0501 春熙路88号      1200 万元         coded 2026-11-01 10:00 (Asia/Shanghai)
    wuhou    武侯 510107 lease    0601 科华北路7号      36.5 万元/年       coded 2026-11-10 23:30
    fucheng  涪城 510703 transfer 0701 临园路东段3号    987.6543 万元, party B does not publish it; 2026-11-20 00:10
    from_lot 锦江, of a lot's result; in_review 锦江, not coded; revoked 锦江, coded then revoked: all 春熙路
    """

    contracts: dict[str, Contract]

    def names(self, ids: list[int]) -> set[str]:
        by_id = {contract.pk: name for name, contract in self.contracts.items()}
        return {by_id.get(pk, f"#{pk}") for pk in ids}


def _coded(region: Any, address: str, coded_at: str, **fields: Any) -> Contract:
    contract = coded_contract(region=region, address=address, **fields)
    Contract.objects.filter(pk=contract.pk).update(coded_at=shanghai(coded_at))
    contract.refresh_from_db()
    return contract


@pytest.fixture
def deals() -> Deals:
    regions = sichuan_tree(boundaries=False)
    jinjiang, wuhou, fucheng = regions["510104"], regions["510107"], regions["510703"]
    lot = lot_create(centre_create(region=regions["510100"]), "510104", "川DZR[2026]0012")
    revoked = _coded(jinjiang, "锦江区春熙路90号", "2026-11-02T10:00")
    revoked.status = Contract.Status.REVOKED
    revoked.revoked_at = timezone.now()
    revoked.save()
    made = {
        "jinjiang": _coded(jinjiang, "锦江区春熙路88号", "2026-11-01T10:00", land_use="0501"),
        "wuhou": _coded(wuhou, "武侯区科华北路7号", "2026-11-10T23:30", kind=Contract.Kind.LEASE, land_use="0601"),
        "fucheng": _coded(
            fucheng,
            "涪城区临园路东段3号",
            "2026-11-20T00:10",
            land_use="0701",
            price_wan=Decimal("987.6543"),
            b_publish_price=False,
        ),
        "from_lot": _coded(jinjiang, "锦江区春熙路89号", "2026-11-03T10:00", lot=lot),
        "in_review": contract_create(
            initiator=revoked.initiator, region=jinjiang, status=Contract.Status.IN_REVIEW, address="锦江区春熙路91号"
        ),
        "revoked": revoked,
    }
    return Deals(contracts=made)


PUBLIC = {"jinjiang", "wuhou", "fucheng"}


@pytest.fixture
def direct_elasticsearch(deals: Deals) -> Iterator[DirectDealElasticsearchEngine]:
    """The Elasticsearch engine on a direct index of this test only, given every contract of the world (indexing
    leaves the hidden ones out)."""
    prefix = f"{settings.SEARCH_INDEX_PREFIX}_{uuid.uuid4().hex[:10]}"
    try:
        indexing.ensure_indices(["direct"], prefix=prefix)
        indexing.index_now("direct", [contract.pk for contract in deals.contracts.values()], prefix=prefix)
        yield DirectDealElasticsearchEngine(alias=prefix)
    finally:
        indexing.delete_indices(["direct"], prefix=prefix)


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request: pytest.FixtureRequest, deals: Deals) -> Any:
    if request.param == "database":
        return DirectDealDatabaseEngine()
    return request.getfixturevalue("direct_elasticsearch")


def found(engine: Any, deals: Deals, **fields: Any) -> set[str]:
    page = engine.search(DirectDealQuery(page_size=100, **fields))
    assert page.total == len(page.ids)
    return deals.names(page.ids)


def test_only_coded_direct_deals_are_found_newest_coding_first(engine: Any, deals: Deals):
    page = engine.search(DirectDealQuery())

    assert [deals.names([pk]).pop() for pk in page.ids] == ["fucheng", "wuhou", "jinjiang"]


@pytest.mark.parametrize(
    ("keywords", "names"),
    [
        ("春熙路", {"jinjiang"}),  # from_lot, in_review and revoked are on 春熙路 too
        ("科华北路 7号", {"wuhou"}),  # every fragment must occur
        ("临园路东段３号", {"fucheng"}),  # full-width folded
        ("510107cz", {"wuhou"}),  # a fragment of the number, letters in any case
        ("ZR2026", {"jinjiang", "fucheng"}),
        ("路*号", set()),  # wildcard characters are literal
        ("不存在", set()),
    ],
)
def test_a_fragment_of_the_location_or_the_number_finds_the_deal(
    engine: Any, deals: Deals, keywords: str, names: set[str]
):
    assert found(engine, deals, keywords=keywords) == names


def test_region_land_use_mode_and_coding_date_filter(engine: Any, deals: Deals):
    assert found(engine, deals, region="510000") == PUBLIC
    assert found(engine, deals, region="510100") == {"jinjiang", "wuhou"}
    assert found(engine, deals, region="510703") == {"fucheng"}
    assert found(engine, deals, land_use="06") == {"wuhou"}  # a first-level code: every 06xx
    assert found(engine, deals, land_use="0501") == {"jinjiang"}
    assert found(engine, deals, kind="lease") == {"wuhou"}
    assert found(engine, deals, kind="transfer") == {"jinjiang", "fucheng"}
    # Asia/Shanghai days, inclusive: wuhou at 23:30 on the 10th, fucheng at 00:10 on the 20th
    assert found(engine, deals, coded_from=date(2026, 11, 10), coded_to=date(2026, 11, 10)) == {"wuhou"}
    assert found(engine, deals, coded_from=date(2026, 11, 11)) == {"fucheng"}
    assert found(engine, deals, coded_to=date(2026, 11, 19)) == {"jinjiang", "wuhou"}


def test_the_document_holds_public_fields_of_the_contract_only():
    mapping = direct_documents.DirectDealDocument._doc_type.mapping.properties.to_dict()["properties"]
    fields = set(mapping) - {direct_documents.KEY}

    assert fields == set(direct_documents.CONTRACT_FIELDS) | set(direct_documents.FOLDED) | direct_documents.DERIVED
    drawn = set(direct_documents.CONTRACT_FIELDS.values()) | set(direct_documents.FOLDED.values()) | {"region"}
    assert drawn <= public_fields("contracts.Contract")


def test_coding_indexes_a_direct_deal_and_its_revocation_removes_it_through_the_outbox(search_prefix: str):
    indexing.ensure_indices(["direct"])
    region = sichuan_tree(("510000", "510100", "510104"), boundaries=False)["510104"]
    contract = coded_contract(region=region, address="锦江区红星路二段12号")  # saved coded: queued
    indexing.index_pending_changes()
    elasticsearch_client().indices.refresh(index=indexing.index_alias("direct"))
    assert DirectDealElasticsearchEngine().search(DirectDealQuery(keywords="红星路")).ids == [contract.pk]

    contract.status = Contract.Status.REVOKED
    contract.revoked_at = timezone.now()
    contract.save()
    indexing.index_pending_changes()
    elasticsearch_client().indices.refresh(index=indexing.index_alias("direct"))

    assert DirectDealElasticsearchEngine().search(DirectDealQuery(keywords="红星路")).ids == []


@pytest.fixture(params=["database", "elasticsearch"])
def api_engine(request: pytest.FixtureRequest, deals: Deals) -> Iterator[str]:
    """The engine the API answers with: the database (ELASTICSEARCH_URL empty), or Elasticsearch on an index of
    this test's own holding the world."""
    if request.param == "database":
        with override_settings(ELASTICSEARCH_URL=""):
            yield "database"
        return
    with override_settings(SEARCH_INDEX_PREFIX=f"{settings.SEARCH_INDEX_PREFIX}_api_{uuid.uuid4().hex[:8]}"):
        indexing.ensure_indices(["direct"])
        try:
            indexing.index_now("direct", [contract.pk for contract in deals.contracts.values()])
            yield "elasticsearch"
        finally:
            indexing.delete_indices(["direct"])


def test_the_api_shows_the_price_only_when_both_parties_publish_it_and_never_the_parties(api_engine: str, deals: Deals):
    response = Client().get(URL, {"region": "510000"})

    assert response.status_code == 200
    body = response.json()
    assert body["backend"] == api_engine
    rows = {row["number"]: row for row in body["results"]}
    jinjiang, fucheng = deals.contracts["jinjiang"], deals.contracts["fucheng"]
    assert rows[jinjiang.number]["price_wan"] == "1200.0000"
    assert rows[jinjiang.number]["url"] == f"/direct-deals/{quote(str(jinjiang.number))}/"
    assert rows[fucheng.number]["price_public"] is False
    assert rows[fucheng.number]["price_wan"] is None
    text = response.content.decode()
    assert "987.6543" not in text
    for contract in deals.contracts.values():  # names, ID numbers and phones of either party
        for side in ("a", "b"):
            for name in ("name", "id_number", "phone"):
                assert getattr(contract, f"{side}_{name}") not in text
    assert Client().get(URL, {"q": "春熙路"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"region": "51010"}, "region", "invalid"),
        ({"region": "519999"}, "region", "unknown"),
        ({"land_use": "9999"}, "land_use", "invalid_choice"),
        ({"kind": "gift"}, "kind", "invalid_choice"),
        ({"coded_from": "2026-11-20", "coded_to": "2026-11-01"}, "coded_to", "inverted_range"),
        ({"coded_from": "yesterday"}, "coded_from", "invalid"),
        ({"page": "0"}, "page", "min_value"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(params: dict[str, str], field: str, code: str):
    response = Client().get(URL, params)

    assert response.status_code == 400
    assert [error["code"] for error in response.json()["error"]["fields"][field]] == [code]


def test_a_reindex_loads_the_public_direct_deals_only(search_prefix: str, deals: Deals):
    result = indexing.reindex("direct")

    ids = {hit["_id"] for hit in elasticsearch_client().search(index=result.index, size=100)["hits"]["hits"]}
    assert ids == {str(deals.contracts[name].pk) for name in PUBLIC}
