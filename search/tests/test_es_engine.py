"""The Elasticsearch engine on the real server: the documents and mapping, keywords term by term, filters in filter
context, facets, highlights, sorts, from/size and search_after paging, and EngineUnavailable whenever the cluster
cannot answer (refused connection, timeout, missing index), without its error text."""

import socket
import threading
from datetime import date
from typing import Any

import pytest

from market.tests.factories import supply_create
from search.analysis import ANALYSIS
from search.backends import elasticsearch_client
from search.engines import EngineUnavailable
from search.engines.elasticsearch import ElasticsearchEngine
from search.indexing import alias_indices, index_alias
from search.query import MAX_RESULT_WINDOW, ListingQuery, SearchPage
from search.tests.conftest import CENTRE, Market, shanghai

pytestmark = pytest.mark.django_db
SICHUAN = {"gaoxin", "xindu", "lot12", "wuhou_home", "mianyang", "cheap", "decimal", "negotiable2", "ascii"}
ALL_SUPPLY = SICHUAN | {"kunming"}


@pytest.fixture
def es(listings: Market, search_prefix: str) -> ElasticsearchEngine:
    """The engine on this test's indices, holding every listing of the `listings` fixture that is public."""
    engine = ElasticsearchEngine()
    assert engine.ensure_indices() == {"supply": True, "demand": True}
    engine.index_now("supply", [row.pk for row in [*listings.supply.values(), *listings.hidden_supply]])
    engine.index_now("demand", [row.pk for row in [*listings.demand.values(), *listings.hidden_demand]])
    return engine


def supply(es: ElasticsearchEngine, **fields: Any) -> SearchPage:
    fields.setdefault("page_size", 100)
    return es.search(ListingQuery(kind="supply", **fields))


def names(listings: Market, page: SearchPage) -> list[str]:
    by_id = {row.pk: name for name, row in listings.supply.items()}
    return [by_id[pk] for pk in page.ids]


def source(kind: str, pk: int) -> dict[str, Any]:
    return dict(elasticsearch_client().get(index=index_alias(kind), id=str(pk))["_source"])


# ------------------------------------------------------------------------------ documents and mapping


def test_each_kind_is_an_alias_over_one_dated_index_with_one_shard_and_the_measured_analyser(es: ElasticsearchEngine):
    client = elasticsearch_client()
    for kind in ("supply", "demand"):
        alias = index_alias(kind)
        (concrete,) = alias_indices(alias)
        assert concrete.startswith(f"{alias}_")
        assert len(concrete) == len(alias) + 21
        index_settings = client.indices.get_settings(index=concrete)[concrete]["settings"]["index"]
        assert (index_settings["number_of_shards"], index_settings["number_of_replicas"]) == ("1", "0")
        analyzers = index_settings["analysis"]["analyzer"]
        measured = {"type": "custom", **ANALYSIS["analyzer"]["bigram"]}
        assert analyzers["default"] == analyzers["bigram"] == measured
    mapping = client.indices.get_mapping(index=index_alias("supply")).body.popitem()[1]["mappings"]
    properties = mapping["properties"]
    assert mapping["dynamic"] == "strict"
    assert properties["location"] == {"type": "geo_point"}
    assert properties["title"]["fields"]["keyword"]["type"] == "keyword"
    assert {properties[name]["type"] for name in ("region", "region_province", "region_city", "region_county")} == {
        "keyword"
    }
    assert {properties[name]["type"] for name in ("area_m2", "price_wan", "unit_price_wan")} == {"double"}
    assert (properties["published_at"]["type"], properties["heat"]["type"]) == ("date", "integer")


def test_a_supply_document_holds_the_text_codes_at_every_level_numbers_and_point(es, listings: Market):
    gaoxin = source("supply", listings.supply["gaoxin"].pk)

    assert gaoxin["text"] == (
        "成都高新区5000平米商服用地转让 锦江区天府大道中段1号 四川省 成都市 锦江区 商服用地 零售商业用地"
    )  # no certificate number: it is not public
    assert (gaoxin["region"], gaoxin["region_province"], gaoxin["region_city"], gaoxin["region_county"]) == (
        "510104",
        "510000",
        "510100",
        "510104",
    )
    assert (gaoxin["land_use"], gaoxin["land_use_major"], gaoxin["mode"], gaoxin["status"]) == (
        "0501",
        "05",
        "transfer",
        "certified",
    )
    assert gaoxin["certified"] is True
    assert (gaoxin["area_m2"], gaoxin["price_wan"], gaoxin["unit_price_wan"]) == (5000.0, 1200.0, 0.24)
    assert gaoxin["location"] == {"lon": CENTRE[0], "lat": CENTRE[1]}
    assert gaoxin["published_at"].startswith("2026-11-01T02:00:00")  # 10:00 Asia/Shanghai, in UTC
    assert gaoxin["heat"] == 0
    lot12 = listings.supply["lot12"]
    assert lot12.parcel is not None
    centroid = lot12.parcel.centroid
    assert source("supply", lot12.pk)["location"] == {"lon": centroid.x, "lat": centroid.y}  # no own point
    xindu = source("supply", listings.supply["xindu"].pk)
    assert (xindu["price_wan"], xindu["unit_price_wan"], xindu["certified"]) == (None, None, False)  # 面议
    assert source("supply", listings.supply["cheap"].pk)["location"] is None


def test_a_demand_document_has_its_own_levels_only_and_its_kind_as_mode(es, listings: Market):
    chengdu = source("demand", listings.demand["want_chengdu"].pk)

    assert (chengdu["region_province"], chengdu["region_city"], chengdu["region_county"]) == ("510000", "510100", None)
    assert chengdu["mode"] == "lease"
    assert chengdu["text"] == "求租成都工业厂房用地 四川省 成都市 工矿仓储用地 工业用地 高新区优先"
    assert (chengdu["area_min_m2"], chengdu["area_max_m2"], chengdu["price_min_wan"]) == (10000.0, None, None)
    assert chengdu["published_at"].startswith("2026-11-08T02:00:00")  # registered_at
    sichuan = source("demand", listings.demand["want_sichuan"].pk)
    assert (sichuan["region_province"], sichuan["region_city"]) == ("510000", None)


def test_hidden_states_are_never_indexed(es, listings: Market):
    client = elasticsearch_client()
    assert client.count(index=index_alias("supply"))["count"] == len(listings.supply)
    assert client.count(index=index_alias("demand"))["count"] == len(listings.demand)
    hidden = listings.hidden_supply[0].pk
    assert not client.exists(index=index_alias("supply"), id=str(hidden))


# ------------------------------------------------------------------------------ keywords and highlights


@pytest.mark.parametrize(
    ("keywords", "expected"),
    [
        ("高新", {"gaoxin", "mianyang"}),
        ("新都", {"xindu"}),
        ("省成", set()),  # 四川省 and 成都市 are two parts of the text: no bigram across the space
        ("川DZR[2026]0001", set()),  # a certificate number is its owner's (core.classification): not searched
        ("５０００平米", {"gaoxin"}),
        ("!!!", ALL_SUPPLY),  # no term at all: no keyword condition
    ],
)
def test_every_keyword_term_must_be_in_the_text(es, listings: Market, keywords: str, expected: set[str]):
    page = supply(es, keywords=keywords)

    assert set(names(listings, page)) == expected
    assert page.total == len(expected)


def test_highlights_mark_the_terms_in_title_and_text_with_configurable_tags(es, listings: Market):
    gaoxin, mianyang = listings.supply["gaoxin"].pk, listings.supply["mianyang"].pk

    page = supply(es, keywords="高新")

    assert page.highlights[gaoxin]["title"] == ["成都<em>高新</em>区5000平米商服用地转让"]
    assert page.highlights[mianyang]["text"][0].startswith("绵阳15000平方米仓储用地出租 <em>高新</em>技术")
    assert "title" not in page.highlights[mianyang]
    marked = ElasticsearchEngine(pre_tag="[[", post_tag="]]").search(ListingQuery(keywords="高新区", page_size=5))
    assert marked.highlights[gaoxin]["title"] == ["成都[[高新区]]5000平米商服用地转让"]  # overlapping terms merge
    assert supply(es).highlights == {}  # nothing to mark without keywords


def test_relevance_puts_the_text_with_the_term_most_often_first_and_is_newest_without_keywords(
    es, listings: Market, owner, regions
):
    heavy = supply_create(
        owner=owner,
        region=regions["510104"],
        title="高新 高新 高新 产业园",
        address="高新大道",
        published_at=shanghai("2020-01-01"),  # older than every other listing
    )
    es.index_now("supply", [heavy.pk])

    assert supply(es, keywords="高新", sort="relevance").ids[0] == heavy.pk
    assert supply(es, keywords="高新", sort="newest").ids[-1] == heavy.pk
    assert supply(es, sort="relevance").ids == supply(es, sort="newest").ids


# ------------------------------------------------------------------------------ filters Elasticsearch-specific


def test_a_polygon_filters_the_point_through_a_geo_shape_query_on_the_geo_point(es, listings: Market):
    # An L over 锦江: its bounding box holds all four 锦江 listings, the L only lot12 (104.0946, 30.5873: 1500 m
    # towards 200° from CENTRE) and decimal (104.1394, 30.5859); gaoxin and negotiable2 are in the notch.
    ell = ((104.05, 30.55), (104.15, 30.55), (104.15, 30.59), (104.09, 30.59), (104.09, 30.65), (104.05, 30.65))
    clockwise = tuple(reversed(ell))

    assert set(names(listings, supply(es, bbox=(104.05, 30.55, 104.15, 30.65)))) == {
        "gaoxin",
        "lot12",
        "decimal",
        "negotiable2",
    }
    assert set(names(listings, supply(es, polygon=ell))) == {"lot12", "decimal"}  # open ring: closed for it
    assert set(names(listings, supply(es, polygon=clockwise))) == {"lot12", "decimal"}
    bow_tie = ((104.0, 30.5), (104.2, 30.7), (104.2, 30.5), (104.0, 30.7), (104.0, 30.5))
    assert supply(es, polygon=bow_tie).ids == []  # invalid: nothing, never an error


def test_published_dates_are_asia_shanghai_days(es, listings: Market):
    # lot12 was published at 23:30 on 10 November in Shanghai (15:30 UTC), wuhou_home at 00:10 on the 11th.
    day = date(2026, 11, 10)
    assert names(listings, supply(es, published_from=day, published_to=day)) == ["lot12"]
    assert names(listings, supply(es, published_from=date(2026, 11, 11), published_to=date(2026, 11, 11))) == [
        "wuhou_home"
    ]


# ------------------------------------------------------------------------------ facets


def test_facets_count_the_whole_filtered_set_not_the_page(es, listings: Market):
    page = supply(es, page_size=2)

    assert page.total == 10
    assert len(page.ids) == 2
    assert page.facets["region"] == [("510000", 9), ("530000", 1)]
    assert page.facets["land_use"] == [("05", 5), ("06", 3), ("07", 1), ("08", 1)]
    assert page.facets["mode"] == [("transfer", 6), ("lease", 4)]
    assert page.facets["price_band"] == [
        ("lt_100", 1),  # mianyang 50
        ("100_500", 2),  # cheap 100 (a band includes its low bound), decimal 499.9999
        ("500_1000", 1),  # lot12 800
        ("1000_5000", 3),  # gaoxin 1200, kunming 1200, ascii 1000
        ("ge_5000", 1),  # wuhou_home 5000
        ("negotiable", 2),  # xindu, negotiable2
    ]


def test_a_repeated_search_comes_from_the_request_cache_until_the_index_changes(es, listings: Market, owner, regions):
    def cache_hits() -> int:
        stats = elasticsearch_client().indices.stats(index=index_alias("supply"), metric="request_cache")
        return int(stats["_all"]["total"]["request_cache"]["hit_count"])

    first = supply(es, keywords="高新", page_size=2)
    hits = cache_hits()
    again = supply(es, keywords="高新", page_size=2)

    assert cache_hits() == hits + 2  # the page and the count with the facets
    assert (again.ids, again.total, again.facets, again.highlights) == (
        first.ids,
        first.total,
        first.facets,
        first.highlights,
    )
    newest = supply_create(
        owner=owner, region=regions["510104"], title="高新 新挂牌", published_at=shanghai("2026-12-01")
    )
    es.index_now("supply", [newest.pk])

    changed = supply(es, keywords="高新", page_size=2, sort="newest")
    assert changed.ids[0] == newest.pk
    assert supply(es, keywords="高新", page_size=2).total == first.total + 1


def test_the_region_facet_counts_one_level_below_the_query_region(es, listings: Market):
    assert supply(es, region="510000").facets["region"] == [("510100", 7), ("510700", 2)]
    assert supply(es, region="510100").facets["region"] == [("510104", 4), ("510107", 3)]
    demand = es.search(ListingQuery(kind="demand", region="510000"))
    assert demand.facets["region"] == [("510100", 2)]  # want_sichuan has no city
    assert "price_band" not in demand.facets


# ------------------------------------------------------------------------------ sorts and paging


def test_sorts_put_missing_values_last_and_break_ties_by_id_descending(es, listings: Market):
    gaoxin, kunming = listings.supply["gaoxin"].pk, listings.supply["kunming"].pk
    by_price = names(listings, supply(es, sort="price_asc"))
    assert by_price[:2] == ["mianyang", "cheap"]
    assert by_price[-2:] == sorted(["xindu", "negotiable2"], key=lambda n: -listings.supply[n].pk)  # 面议 last
    tie = [name for name in by_price if name in ("gaoxin", "kunming")]
    assert tie == (["kunming", "gaoxin"] if kunming > gaoxin else ["gaoxin", "kunming"])  # both 1200
    assert names(listings, supply(es, sort="price_desc"))[-2:] == by_price[-2:]  # 面议 last either way
    assert names(listings, supply(es, sort="newest"))[:3] == ["kunming", "ascii", "decimal"]
    assert names(listings, supply(es, sort="area_desc"))[0] == "mianyang"
    assert names(listings, supply(es, sort="unit_price_asc"))[0] == "mianyang"  # 50 / 15000


def test_distance_sort_and_distances_on_the_ellipsoid_from_the_point(es, listings: Market):
    page = supply(es, sort="distance", near=CENTRE, distance_m=3000)

    assert names(listings, page) == ["gaoxin", "lot12", "negotiable2"]
    distances = [page.distances_m[pk] for pk in page.ids]
    assert distances[0] == pytest.approx(0, abs=0.01)
    assert distances[1:] == [pytest.approx(1500, abs=0.5), pytest.approx(2600, abs=0.5)]  # GRS80 geodesics (fixture)
    assert supply(es, near=CENTRE).distances_m.keys() == set(supply(es, near=CENTRE).ids) - {
        listings.supply["cheap"].pk  # no point
    }
    with pytest.raises(ValueError, match="near"):
        supply(es, sort="distance")


def test_pages_by_offset_and_by_cursor_give_the_same_order(es, listings: Market):
    everything = supply(es, sort="price_asc").ids
    assert supply(es, sort="price_asc", page=2, page_size=3).ids == everything[3:6]
    assert supply(es, sort="price_asc", page=5, page_size=3).ids == []  # beyond the end: empty, not an error

    walked: list[int] = []
    after = None
    while True:
        page = supply(es, sort="price_asc", page_size=3, after=after)
        walked += page.ids
        if page.next_after is None:
            break
        after = page.next_after
    assert walked == everything  # through the 面议 listings, whose cursor value is ""
    assert supply(es, sort="price_asc", page_size=9).next_after == ("", str(everything[8]))


def test_a_relevance_cursor_carries_the_score(es, listings: Market):
    first = supply(es, keywords="锦江", sort="relevance", page_size=2)
    rest = supply(es, keywords="锦江", sort="relevance", page_size=10, after=first.next_after)

    assert first.next_after is not None
    assert len(first.next_after) == 3
    assert first.ids + rest.ids == supply(es, keywords="锦江", sort="relevance").ids


def test_deep_pages_need_the_cursor_and_a_malformed_cursor_finds_nothing(es, listings: Market):
    with pytest.raises(ValueError, match="after"):
        supply(es, page=MAX_RESULT_WINDOW // 20 + 1, page_size=20)
    assert supply(es, sort="newest", after=("yesterday", "1")).ids == []
    assert supply(es, sort="newest", after=("1",)).ids == []


# ------------------------------------------------------------------------------ unavailability


def test_a_refused_connection_is_engine_unavailable_without_elasticsearch_text(es, elasticsearch_at):
    elasticsearch_at("http://127.0.0.1:9", 1.0)

    with pytest.raises(EngineUnavailable) as caught:
        es.search(ListingQuery(keywords="高新"))

    assert str(caught.value) == "Elasticsearch cannot answer (ConnectionError)"
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_an_answer_later_than_the_timeout_is_engine_unavailable(es, elasticsearch_at):
    silent = socket.create_server(("127.0.0.1", 0))  # accepts connections and never answers
    accepted: list[socket.socket] = []
    worker = threading.Thread(target=lambda: accepted.append(silent.accept()[0]), daemon=True)
    worker.start()
    elasticsearch_at(f"http://127.0.0.1:{silent.getsockname()[1]}", 0.3)
    try:
        with pytest.raises(EngineUnavailable, match="ConnectionTimeout"):
            es.search(ListingQuery())
    finally:
        for conn in accepted:
            conn.close()
        silent.close()


def test_a_missing_index_is_engine_unavailable(listings: Market, search_prefix: str):
    with pytest.raises(EngineUnavailable, match="NotFoundError"):
        ElasticsearchEngine().search(ListingQuery())
    with pytest.raises(EngineUnavailable):
        ElasticsearchEngine().index_now("supply", [listings.supply["gaoxin"].pk])


def test_the_engine_is_found_with_the_alias_prefix_given_to_it(listings: Market, search_prefix: str):
    engine = ElasticsearchEngine(alias=f"{search_prefix}_other")
    engine.ensure_indices()
    try:
        engine.index_now("supply", [listings.supply["gaoxin"].pk, listings.hidden_supply[0].pk])
        assert engine.search(ListingQuery()).ids == [listings.supply["gaoxin"].pk]
        assert engine.ensure_indices() == {"supply": False, "demand": False}
    finally:
        assert len(engine.delete_indices()) == 2
    with pytest.raises(EngineUnavailable):
        engine.search(ListingQuery())
