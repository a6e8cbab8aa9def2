"""The notices search on both engines: fragments of titles, texts and numbers, region, type, date, centre, lot kind
and trading mode filters, newest first, facets, paging; drafts never; both engines give the same answers."""

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from search.engines.notice_database import NoticeDatabaseEngine
from search.notice_query import NoticeQuery, text_chunks
from search.query import SearchPage
from search.tests.notices_world import PUBLIC, SHANGHAI, Notices, notice_elasticsearch, notices  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request: pytest.FixtureRequest, notices: Notices) -> Any:  # noqa: F811
    if request.param == "database":
        return NoticeDatabaseEngine()
    return request.getfixturevalue("notice_elasticsearch")


def found(engine: Any, notices: Notices, **fields: Any) -> set[str]:  # noqa: F811
    fields.setdefault("page_size", 100)
    page: SearchPage = engine.search(NoticeQuery(**fields))
    assert page.total == len(page.ids)
    return notices.names(page.ids)


def test_only_published_and_superseded_announcements_are_found_never_drafts(engine: Any, notices: Notices):  # noqa: F811
    assert found(engine, notices) == set(PUBLIC)


@pytest.mark.parametrize(
    ("keywords", "names"),
    [
        ("DZR[2026]", {"a1", "a2", "a3"}),  # the lot numbers 川DZR[2026]0012 and 川DZR[2026]0003; not the draft's
        ("0012", {"a1", "a2", "a4"}),  # a lot number's tail (a1, a2) and an announcement number's middle (a4)
        ("[2026]0003", {"a3"}),  # its lot's and its own number
        ("dzr[2026]0012", {"a1", "a2"}),  # letters in any case
        ("ＤＺＲ［２０２６］", {"a1", "a2", "a3"}),  # full-width folded
        ("云自然资源字", {"a5"}),
        ("锦江 转让", {"a1", "a2"}),  # every fragment must occur
        ("三圣乡", {"a1"}),  # in the text
        ("abc全角", {"a2"}),  # the text's full-width letters folded
        ("尾部片段xyz789", {"a5"}),  # past the first chunk of a long text
        ("长尾部", {"a5"}),  # across two chunks' overlap
        ("第*号", {"a5"}),  # wildcard characters are literal
        ("0?12", set()),
        ("不存在", set()),
    ],
)
def test_a_fragment_matches_anywhere_in_titles_texts_and_numbers(
    engine: Any,
    notices: Notices,  # noqa: F811
    keywords: str,
    names: set[str],
):
    assert found(engine, notices, keywords=keywords) == names


@pytest.mark.parametrize(
    ("region", "names"),
    [
        ("510000", {"a1", "a2", "a3", "a4", "a6"}),
        ("510100", {"a1", "a2", "a3"}),
        ("510104", {"a1", "a2"}),
        ("510703", {"a4", "a6"}),
        ("530000", {"a5"}),
        ("110000", set()),
    ],
)
def test_a_region_at_any_level_finds_the_lots_in_or_under_it(
    engine: Any,
    notices: Notices,  # noqa: F811
    region: str,
    names: set[str],
):
    assert found(engine, notices, region=region) == names


def test_types_centres_lot_kinds_and_trading_modes_filter(engine: Any, notices: Notices):  # noqa: F811
    assert found(engine, notices, types=("change",)) == {"a2"}
    assert found(engine, notices, types=("termination", "change")) == {"a2", "a6"}
    assert found(engine, notices, types=("normal",)) == {"a1", "a3", "a4", "a5"}
    assert found(engine, notices, types=("result",)) == set()  # no results (成交公示) yet
    assert found(engine, notices, centre=notices.centres["yunnan"].pk) == {"a5"}
    assert found(engine, notices, lot_kind="mining_right") == {"a5"}
    assert found(engine, notices, trading_mode="auction") == {"a3", "a5"}


def test_dates_are_asia_shanghai_days(engine: Any, notices: Notices):  # noqa: F811
    # a1 at 2026-10-31 23:30 and a2 at 2026-11-01 00:10 in Asia/Shanghai: UTC puts both on 10-31.
    assert found(engine, notices, published_from=date(2026, 11, 1), published_to=date(2026, 11, 1)) == {"a2"}
    assert found(engine, notices, published_to=date(2026, 10, 31), published_from=date(2026, 10, 1)) == {"a1"}
    today = timezone.localdate(timezone=SHANGHAI)
    last = {days: found(engine, notices, published_from=today - timedelta(days=days - 1)) for days in (3, 7, 30)}
    assert last == {3: {"a3"}, 7: {"a3", "a6"}, 30: {"a3", "a6", "a4"}}


def test_newest_first_by_default_and_pages_follow_each_other(engine: Any, notices: Notices):  # noqa: F811
    order = ["a3", "a6", "a4", "a2", "a1", "a5"]
    newest = engine.search(NoticeQuery(page_size=100))
    assert [notices.names([pk]).pop() for pk in newest.ids] == order
    oldest = engine.search(NoticeQuery(sort="oldest", page_size=100))
    assert oldest.ids == list(reversed(newest.ids))
    pages = [engine.search(NoticeQuery(page=number, page_size=4)) for number in (1, 2, 3)]
    assert [pk for page in pages for pk in page.ids] == newest.ids
    assert [page.total for page in pages] == [6, 6, 6]
    assert pages[2].ids == []


def test_facets_count_every_match_by_type_region_and_centre(engine: Any, notices: Notices):  # noqa: F811
    chengdu, yunnan = str(notices.centres["chengdu"].pk), str(notices.centres["yunnan"].pk)
    page = engine.search(NoticeQuery(page_size=1))
    assert page.facets == {
        "type": [("normal", 4), ("change", 1), ("termination", 1)],
        "region": [("510000", 5), ("530000", 1)],
        "centre": [(chengdu, 5), (yunnan, 1)],
    }
    below = engine.search(NoticeQuery(region="510000", page_size=1)).facets["region"]
    assert below == [("510100", 3), ("510700", 2)]


COMPARED = [
    NoticeQuery(),
    NoticeQuery(keywords="DZR[2026]"),
    NoticeQuery(keywords="0012"),
    NoticeQuery(keywords="[2026]0003"),
    NoticeQuery(keywords="锦江 0012"),
    NoticeQuery(keywords="采矿权"),
    NoticeQuery(region="510100"),
    NoticeQuery(region="510104", types=("change",)),
    NoticeQuery(types=("normal", "termination"), sort="oldest"),
    NoticeQuery(published_from=date(2026, 11, 1)),
    NoticeQuery(published_to=date(2026, 11, 1)),
    NoticeQuery(trading_mode="auction", lot_kind="mining_right"),
    NoticeQuery(region="530000", keywords="云"),
    NoticeQuery(page=2, page_size=2),
]


def test_both_engines_give_the_same_ids_totals_and_facets(notice_elasticsearch: Any, notices: Notices):  # noqa: F811
    database = NoticeDatabaseEngine()
    differences = []
    for query in COMPARED:
        ours, theirs = database.search(query), notice_elasticsearch.search(query)
        if (ours.ids, ours.total, ours.facets) != (theirs.ids, theirs.total, theirs.facets):
            differences.append((query, ours, theirs))
        assert ours.total > 0, query  # the list finds things
        assert replace(query, page=1).page == 1
    assert differences == []


def test_a_long_text_is_cut_into_chunks_that_overlap_by_the_longest_fragment():
    text = "".join(chr(0x4E00 + n % 500) for n in range(20_000))
    chunks = text_chunks(text, size=8000, overlap=100)
    assert all(len(chunk) <= 8000 for chunk in chunks)
    for start in range(0, len(text) - 100, 997):
        fragment = text[start : start + 100]
        assert any(fragment in chunk for chunk in chunks), start
    assert text_chunks("") == []
