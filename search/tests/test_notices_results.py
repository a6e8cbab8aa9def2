"""Result publicity (成交公示) in the notices search: each published deal (not revoked) is a notice of type `result`
on both engines with the same ids, totals and facets; its price is absent everywhere when both sides opted out; a
result reaches the index through the outbox from result_settled and leaves it once revoked."""

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from auctions.models import Lot, LotResult
from auctions.services.results import result_settled
from auctions.tests.factories import won_deal
from search import indexing
from search.backends import elasticsearch_client
from search.engines.notice_database import NoticeDatabaseEngine
from search.engines.notice_elasticsearch import NoticeElasticsearchEngine
from search.models import IndexChange
from search.notice_documents import result_doc_id
from search.notice_query import NoticeQuery
from search.tests.notices_world import Notices, notices, shanghai  # noqa: F401

pytestmark = pytest.mark.django_db


def deal(lot: Lot, name: str, number: str, price: str, at: datetime, **fields: Any) -> LotResult:
    return won_deal(lot, name=name, number=number, price=price, at=at, closed=False, **fields)


@pytest.fixture
def results(notices: Notices) -> dict[str, LotResult]:  # noqa: F811
    """wuhou: a deal (price public); wuhua: a deal whose price both sides hid; jinjiang: a revoked deal; fucheng: no
    deal (流拍). Only the first two are published."""
    Lot.objects.filter(pk=notices.lots["wuhua"].pk).update(publish_result=False)
    return {
        "wuhou": deal(notices.lots["wuhou"], "钱七", "731905", "1560.5", shanghai("2026-11-02T10:00")),
        "wuhua": deal(
            notices.lots["wuhua"],
            "孙八矿业有限公司",
            "264018",
            "888",
            shanghai("2025-12-21T09:00"),
            price_public=False,
            publish_price=False,
        ),
        "jinjiang": deal(
            notices.lots["jinjiang"],
            "周九",
            "555111",
            "2000",
            shanghai("2026-11-03T09:00"),
            revoked_at=timezone.now(),
            revoked_reason="竞得人违规",
        ),
        "fucheng": LotResult.objects.create(
            lot=notices.lots["fucheng"], outcome="failed", decided_at=shanghai("2026-11-04T09:00")
        ),
    }


@pytest.fixture
def result_elasticsearch(notices: Notices, results: dict[str, LotResult]) -> Iterator[NoticeElasticsearchEngine]:  # noqa: F811
    """Every announcement and result of the world indexed under a prefix of this test only."""
    prefix = f"{settings.SEARCH_INDEX_PREFIX}_{uuid.uuid4().hex[:10]}"
    try:
        indexing.ensure_indices(["notice"], prefix=prefix)
        ids = [item.pk for item in notices.announcements.values()]
        ids += [result_doc_id(lot.pk) for lot in notices.lots.values()]
        indexing.index_now("notice", ids, prefix=prefix)
        yield NoticeElasticsearchEngine(alias=prefix)
    finally:
        indexing.delete_indices(["notice"], prefix=prefix)


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request: pytest.FixtureRequest, results: dict[str, LotResult]) -> Any:
    if request.param == "database":
        return NoticeDatabaseEngine()
    return request.getfixturevalue("result_elasticsearch")


def ids_of(*results: LotResult) -> list[int]:
    return [result_doc_id(result.lot_id) for result in results]


def test_type_result_finds_the_published_deals_only_newest_first(engine: Any, results: dict[str, LotResult]):
    page = engine.search(NoticeQuery(types=("result",)))

    assert page.ids == ids_of(results["wuhou"], results["wuhua"])  # not the revoked deal, not the 流拍
    assert page.total == 2
    assert dict(page.facets["type"]) == {"result": 2}


@pytest.mark.parametrize(
    ("keywords", "names"),
    [
        ("钱七", {"wuhou"}),  # the winner's published name
        ("264018", {"wuhua"}),  # a bidder number
        ("武侯区B-02地块 成交公示", {"wuhou"}),  # the title
        ("DZR[2026]0003", {"wuhou"}),  # the lot number
        ("成交公示", {"wuhou", "wuhua"}),
        ("周九", set()),  # a revoked deal's winner is nobody's business
        ("1560", set()),  # prices are not searched
    ],
)
def test_keywords_find_results_by_title_winner_and_lot_number(
    engine: Any, results: dict[str, LotResult], keywords: str, names: set[str]
):
    page = engine.search(NoticeQuery(keywords=keywords, types=("result",)))

    assert set(page.ids) == {result_doc_id(results[name].lot_id) for name in names}


def test_results_and_announcements_page_together_by_date_on_both_engines_alike(
    notices: Notices,  # noqa: F811
    results: dict[str, LotResult],
    result_elasticsearch: NoticeElasticsearchEngine,
):
    queries = [
        NoticeQuery(page_size=100),
        NoticeQuery(sort="oldest", page_size=3, page=2),
        NoticeQuery(region="510100"),
        NoticeQuery(
            published_from=shanghai("2026-11-02T00:00").date(), published_to=shanghai("2026-11-02T00:00").date()
        ),
        NoticeQuery(trading_mode="auction", types=("result", "normal")),
        NoticeQuery(lot_kind="mining_right"),
    ]
    for query in queries:
        database, elasticsearch = NoticeDatabaseEngine().search(query), result_elasticsearch.search(query)
        assert (database.ids, database.total, database.facets) == (
            elasticsearch.ids,
            elasticsearch.total,
            elasticsearch.facets,
        ), query
    everything = NoticeDatabaseEngine().search(NoticeQuery(page_size=100))
    assert everything.ids.index(result_doc_id(results["wuhou"].lot_id)) < everything.ids.index(
        notices.announcements["a2"].pk  # decided 2026-11-02, after a2's publication on 2026-11-01
    )
    one_day = NoticeDatabaseEngine().search(queries[3])
    assert one_day.ids == ids_of(results["wuhou"])  # the decided day, in Asia/Shanghai


def test_a_hidden_price_is_absent_from_the_index_and_the_answer(
    results: dict[str, LotResult],
    result_elasticsearch: NoticeElasticsearchEngine,
    search_prefix: str,
    clear_cache: None,
):
    alias = indexing.index_alias("notice", result_elasticsearch.alias)
    client = elasticsearch_client()
    hidden = client.get(index=alias, id=str(result_doc_id(results["wuhua"].lot_id)))["_source"]
    shown = client.get(index=alias, id=str(result_doc_id(results["wuhou"].lot_id)))["_source"]
    assert "price_wan" not in hidden
    assert "888" not in str(hidden)
    assert (shown["price_wan"], shown["winner_number"], shown["winner_name"]) == (1560.5, "731905", "钱七")
    assert (hidden["type"], hidden["title"], hidden["land_use"]) == ("result", "五华区采矿权 成交公示", "")

    body = Client().get("/api/search/notices", {"type": "result"}).json()  # the database answers (no index under
    # the test's prefix), as the other engine would
    by_lot = {item["lot"]["id"]: item for item in body["results"]}
    wuhua, wuhou = by_lot[results["wuhua"].lot_id], by_lot[results["wuhou"].lot_id]
    assert wuhua["result"] == {
        "winner_number": "264018",
        "winner_name": "孙八矿业有限公司",
        "price_public": False,
        "price_wan": None,
        "land_use": "",
    }
    assert "888" not in str(wuhua)
    assert wuhou["result"]["price_wan"] == "1560.5000"
    assert (wuhou["type"], wuhou["id"], wuhou["number"]) == ("result", results["wuhou"].lot_id, "川DZR[2026]0003")
    assert wuhou["url"] == f"/results/{results['wuhou'].lot_id}/"
    assert {item["code"]: item["count"] for item in body["facets"]["type"]}["result"] == 2


def test_a_result_reaches_the_index_through_the_outbox_and_leaves_it_once_revoked(
    notices: Notices,  # noqa: F811
    search_prefix: str,
):
    indexing.ensure_indices(["notice"])
    lot = notices.lots["wuhou"]
    result = deal(lot, "钱七", "731905", "1560.5", shanghai("2026-11-02T10:00"))

    result_settled(lot.pk)  # as result_write calls it in the deciding transaction
    assert IndexChange.objects.filter(kind="notice", object_id=-lot.pk).count() == 1
    indexing.index_pending_changes()
    elasticsearch_client().indices.refresh(index=indexing.index_alias("notice"))
    assert NoticeElasticsearchEngine().search(NoticeQuery(types=("result",))).ids == [-lot.pk]

    LotResult.objects.filter(pk=result.pk).update(revoked_at=timezone.now(), revoked_reason="撤销")
    result_settled(lot.pk)  # as the revocation calls it
    indexing.index_pending_changes()
    elasticsearch_client().indices.refresh(index=indexing.index_alias("notice"))
    assert NoticeElasticsearchEngine().search(NoticeQuery(types=("result",))).ids == []


def test_search_reindex_loads_results_with_the_announcements(
    notices: Notices,  # noqa: F811
    results: dict[str, LotResult],
    search_prefix: str,
):
    result = indexing.reindex("notice")

    assert result.documents == 6 + 2  # the six public announcements and the two published results
    assert NoticeElasticsearchEngine().search(NoticeQuery(types=("result",))).ids == ids_of(
        results["wuhou"], results["wuhua"]
    )
