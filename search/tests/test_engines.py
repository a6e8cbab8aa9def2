"""Both search engines answer the same query object with the same listings: every filter, sort, page, cursor and
facet is tested against the database engine and against the real Elasticsearch on the same data (the `listings`
fixture of conftest.py), and a list of queries is run on both and compared (ids, totals, facets)."""

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import User
from geo.models import Region
from geo.tests.factories import GEOD
from market.models import SupplyListing
from market.tests.factories import supply_create
from search.engines import Engine
from search.engines.database import DatabaseEngine
from search.engines.elasticsearch import ElasticsearchEngine
from search.query import ListingQuery, SearchPage
from search.tests.conftest import CENTRE, EXACT_POINT, Market, shanghai

pytestmark = pytest.mark.django_db
SICHUAN = {"gaoxin", "xindu", "lot12", "wuhou_home", "mianyang", "cheap", "decimal", "negotiable2", "ascii"}
CHENGDU = {"gaoxin", "xindu", "lot12", "wuhou_home", "decimal", "negotiable2", "ascii"}
JINJIANG = {"gaoxin", "lot12", "decimal", "negotiable2"}
ALL_SUPPLY = SICHUAN | {"kunming"}
ALL_DEMAND = {"want_jinjiang", "want_chengdu", "want_sichuan", "want_kunming"}


def supply(engine: Engine, **fields: Any) -> SearchPage:
    fields.setdefault("sort", "newest")
    fields.setdefault("page_size", 100)
    return engine.search(ListingQuery(kind="supply", **fields))


def demand(engine: Engine, **fields: Any) -> SearchPage:
    fields.setdefault("sort", "newest")
    fields.setdefault("page_size", 100)
    return engine.search(ListingQuery(kind="demand", **fields))


def supply_found(engine: Engine, listings: Market, **fields: Any) -> set[str]:
    """The names of the supply listings found, after checking the total counts exactly them."""
    page = supply(engine, **fields)
    assert page.total == len(page.ids)
    return listings.supply_names(page.ids)


def demand_found(engine: Engine, listings: Market, **fields: Any) -> set[str]:
    page = demand(engine, **fields)
    assert page.total == len(page.ids)
    return listings.demand_names(page.ids)


# ------------------------------------------------------------------------------ what is public


def test_only_public_listings_are_found(engine: Engine, listings: Market):
    found = supply(engine)
    assert listings.supply_names(found.ids) == ALL_SUPPLY
    assert found.total == 10
    assert found.backend == engine.name
    assert listings.demand_names(demand(engine).ids) == ALL_DEMAND


# ------------------------------------------------------------------------------ keywords


@pytest.mark.parametrize(
    ("keywords", "names"),
    [
        ("高新", {"gaoxin", "mianyang"}),  # a fragment of 成都高新区 and of 高新技术产业开发区
        ("高新区", {"gaoxin"}),
        ("新都", {"xindu"}),  # not 成都高新区, where 新 and 都 are not neighbours
        ("川DZR[2026]0001", set()),  # certificate numbers are their owners' (core.classification): not searched
        ("DZR 2026 0012", set()),
        ("dzr", set()),
        ("2026", {"kunming"}),  # 2026平米; not the certificates' 2026
        ("５０００平米", {"gaoxin"}),  # full-width digits fold to 5000; 5000.5平方米 has neither the word nor 平米
        ("5000", {"gaoxin"}),  # a whole word: not the 5000 of 5000.5
        ("5000.5", {"decimal"}),
        ("500", set()),  # not a prefix of 5000
        ("ABC", {"ascii"}),
        ("abc a区", {"ascii"}),
        ("ab", set()),
        ("锦江", JINJIANG),  # the county's name, also where the title does not say it
        ("成都", CHENGDU),  # the city's name
        ("四川", SICHUAN),  # the province's name
        ("商服用地", {"gaoxin", "lot12", "cheap", "decimal", "kunming"}),  # the first-level land-use name (05)
        ("零售", {"gaoxin", "cheap"}),  # the second-level name of 0501
        ("不动产权第0012345号", set()),  # the certificate number: its owner's, not searched
        ("成都 工业", {"xindu", "negotiable2"}),
        ("不存在的地方", set()),
    ],
)
def test_every_keyword_term_matches_the_listing_text(engine: Engine, listings: Market, keywords: str, names: set[str]):
    assert supply_found(engine, listings, keywords=keywords) == names


@pytest.mark.parametrize(
    ("keywords", "names"),
    [
        ("临街", {"want_jinjiang"}),  # the description
        ("高新区", {"want_chengdu"}),
        ("成都", {"want_jinjiang", "want_chengdu"}),  # the county's parent, and the city itself
        ("四川", {"want_jinjiang", "want_chengdu", "want_sichuan"}),
        ("仓储", {"want_kunming", "want_chengdu"}),  # 仓储用地 (0604) and 工矿仓储用地, the first level of 0601
        ("住宅用地", {"want_sichuan"}),
    ],
)
def test_demand_keywords_match_title_description_regions_and_land_use(
    engine: Engine, listings: Market, keywords: str, names: set[str]
):
    assert demand_found(engine, listings, keywords=keywords) == names


def test_full_width_text_is_folded_and_a_listing_without_region_is_found_but_counted_in_no_region(
    engine: Engine, listings: Market, owner: User, regions: dict[str, Region]
):
    extra = supply_create(
        owner=owner,
        region=regions["510104"],
        title="ＡＢＣ物流园Ｂ区８０００平米仓储用地出租",  # full-width letters and digits, as some input methods type
        address="",
        certificate_number="",
        land_use="0604",
        published_at=shanghai("2026-11-19"),
    )
    SupplyListing.objects.filter(pk=extra.pk).update(region=None)
    if isinstance(engine, ElasticsearchEngine):
        engine.index_now("supply", [extra.pk])
    assert supply(engine, keywords="abc b区 8000").ids == [extra.pk]
    assert supply(engine, keywords="ＡＢＣ").ids == [extra.pk, listings.supply["ascii"].pk]  # newest first
    everything = supply(engine, page_size=1)
    assert everything.total == 11
    assert everything.facets["region"] == [("510000", 9), ("530000", 1)]
    assert supply(engine, region="510000", keywords="8000").ids == []


# ------------------------------------------------------------------------------ filters


@pytest.mark.parametrize(
    ("region", "names"),
    [
        ("510000", SICHUAN),
        ("510100", CHENGDU),
        ("510104", JINJIANG),
        ("510700", {"mianyang", "cheap"}),
        ("530000", {"kunming"}),
        ("110000", set()),
    ],
)
def test_region_at_any_level_finds_the_listings_in_or_under_it(
    engine: Engine, listings: Market, region: str, names: set[str]
):
    assert supply_found(engine, listings, region=region) == names


def test_a_demand_is_found_under_a_region_only_if_its_own_region_is_in_it(engine: Engine, listings: Market):
    assert demand_found(engine, listings, region="510000") == {"want_jinjiang", "want_chengdu", "want_sichuan"}
    assert demand_found(engine, listings, region="510100") == {"want_jinjiang", "want_chengdu"}  # not 四川 as a whole
    assert demand_found(engine, listings, region="510104") == {"want_jinjiang"}


@pytest.mark.parametrize(
    ("land_use", "names"),
    [
        (("05",), {"gaoxin", "lot12", "cheap", "decimal", "kunming"}),
        (("0501",), {"gaoxin", "cheap"}),
        (("06", "0701"), {"xindu", "mianyang", "negotiable2", "wuhou_home"}),
        (("09",), set()),
    ],
)
def test_land_use_first_level_means_every_class_under_it(
    engine: Engine, listings: Market, land_use: tuple[str, ...], names: set[str]
):
    assert supply_found(engine, listings, land_use=land_use) == names


def test_mode_and_certification(engine: Engine, listings: Market):
    lease = {"xindu", "mianyang", "decimal", "ascii"}
    certified = {"gaoxin", "wuhou_home", "cheap", "kunming"}
    assert supply_found(engine, listings, mode="lease") == lease
    assert supply_found(engine, listings, mode="transfer") == ALL_SUPPLY - lease
    assert supply_found(engine, listings, certified=True) == certified
    assert supply_found(engine, listings, certified=False) == ALL_SUPPLY - certified
    assert supply_found(engine, listings, mode="lease", certified=False) == lease
    assert demand_found(engine, listings, mode="purchase") == {"want_jinjiang", "want_sichuan"}


def test_area_price_and_unit_price_ranges_are_inclusive_and_negotiable_fails_any_price_bound(
    engine: Engine, listings: Market
):
    assert supply_found(engine, listings, area_min=Decimal(3000), area_max=Decimal(6500)) == {
        "gaoxin",
        "lot12",
        "wuhou_home",
        "decimal",
    }
    assert supply_found(engine, listings, price_min=Decimal(100), price_max=Decimal(1000)) == {
        "cheap",
        "lot12",
        "decimal",
        "ascii",
    }
    assert supply_found(engine, listings, price_min=Decimal(0)) == ALL_SUPPLY - {"xindu", "negotiable2"}
    assert supply_found(engine, listings, price_max=Decimal("499.9998")) == {"mianyang", "cheap"}
    # Unit prices (万元/m²): gaoxin 1200/5000 = 0.24, lot12 800/3000 = 0.2667, ascii 1000/2000 = 0.5,
    # kunming 1200/2026 = 0.5923, decimal 499.9999/3000 = 0.1667, cheap 100/800 = 0.125.
    assert supply_found(engine, listings, unit_price_min=Decimal("0.24"), unit_price_max=Decimal("0.5")) == {
        "gaoxin",
        "lot12",
        "ascii",
    }
    assert supply_found(engine, listings, unit_price_max=Decimal("0.125")) == {"mianyang", "cheap"}


def test_an_inverted_range_finds_nothing(engine: Engine, listings: Market):
    page = supply(engine, area_min=Decimal(6000), area_max=Decimal(5000))
    assert (page.ids, page.total) == ([], 0)


def test_demand_ranges_overlap_the_query_and_a_missing_bound_never_excludes(engine: Engine, listings: Market):
    # Areas wanted: want_jinjiang 3000–6000, want_chengdu 10000–, want_sichuan –5000, want_kunming 1000–2000.
    assert demand_found(engine, listings, area_min=Decimal(5500)) == {"want_jinjiang", "want_chengdu"}
    assert demand_found(engine, listings, area_max=Decimal(2000)) == {"want_sichuan", "want_kunming"}
    assert demand_found(engine, listings, area_min=Decimal(6000), area_max=Decimal(9000)) == {"want_jinjiang"}
    assert demand_found(engine, listings, area_min=Decimal(2001), area_max=Decimal(2999)) == {"want_sichuan"}
    # Budgets: want_jinjiang 500–1500, want_chengdu none, want_sichuan 2000–, want_kunming 10–50.
    assert demand_found(engine, listings, price_min=Decimal(1600)) == {"want_chengdu", "want_sichuan"}
    assert demand_found(engine, listings, price_min=Decimal(50), price_max=Decimal(500)) == {
        "want_jinjiang",
        "want_chengdu",
        "want_kunming",
    }


def test_published_dates_are_asia_shanghai_days(engine: Engine, listings: Market):
    # lot12 was published 2026-11-10 23:30 and wuhou_home 2026-11-11 00:10, Asia/Shanghai (15:30 and 16:10 UTC
    # of the same UTC day).
    assert supply_found(engine, listings, published_from=date(2026, 11, 10), published_to=date(2026, 11, 10)) == {
        "lot12"
    }
    assert supply_found(engine, listings, published_from=date(2026, 11, 11)) == {
        "wuhou_home",
        "negotiable2",
        "decimal",
        "ascii",
        "kunming",
    }
    assert supply_found(engine, listings, published_to=date(2026, 10, 31)) == {"mianyang", "cheap"}
    assert demand_found(engine, listings, published_from=date(2026, 11, 8), published_to=date(2026, 11, 15)) == {
        "want_chengdu",
        "want_sichuan",
    }


# ------------------------------------------------------------------------------ geo


def test_bbox_is_inclusive_and_uses_the_location_else_the_parcel_centroid(engine: Engine, listings: Market):
    assert supply_found(engine, listings, bbox=(104.05, 30.55, 104.15, 30.65)) == JINJIANG  # lot12: its parcel
    # decimal lies exactly on the east and south edges.
    assert supply_found(engine, listings, bbox=(104.05, EXACT_POINT[1], EXACT_POINT[0], 30.65)) == JINJIANG
    assert "decimal" not in supply_found(engine, listings, bbox=(104.05, 30.55, EXACT_POINT[0] - 1e-4, 30.65))
    # negotiable2's own location wins over its parcel's centroid at (104.7, 31.4) in 涪城; cheap has no point.
    assert supply_found(engine, listings, bbox=(104.6, 31.3, 105.0, 31.7)) == {"mianyang"}
    assert demand_found(engine, listings, bbox=(104.05, 30.55, 104.15, 30.65)) == {"want_jinjiang"}


def test_distance_is_measured_on_the_ellipsoid_from_the_point(engine: Engine, listings: Market):
    # From CENTRE: gaoxin 0 m, lot12's centroid 1500 m, negotiable2 2600 m (placed with GRS80 geodesics), decimal
    # 4.1 km, wuhou_home 5.7 km, ascii 8 km.
    assert supply_found(engine, listings, near=CENTRE, distance_m=2000) == {"gaoxin", "lot12"}
    assert supply_found(engine, listings, near=CENTRE, distance_m=3000) == {"gaoxin", "lot12", "negotiable2"}
    assert demand_found(engine, listings, near=CENTRE, distance_m=2000) == {"want_jinjiang"}  # 1.1 km north


def test_polygon_covers_the_point(engine: Engine, listings: Market):
    triangle = ((104.09, 30.595), (104.15, 30.595), (104.15, 30.65), (104.09, 30.595))
    assert supply_found(engine, listings, polygon=triangle) == {"gaoxin", "negotiable2"}
    chengdu = ((103.5, 30.3), (104.5, 30.3), (104.5, 31.0), (103.5, 31.0), (103.5, 30.3))
    assert supply_found(engine, listings, polygon=chengdu) == CHENGDU
    assert demand_found(engine, listings, polygon=chengdu) == {"want_jinjiang"}


# ------------------------------------------------------------------------------ sorts and paging


def _order(listings: Market, key: Callable[[Any], Any], *, descending: bool) -> list[int]:
    """Ids by `key` (None last in either direction), ties by id descending: the order every engine must give."""
    rows = list(listings.supply.values())
    present = [row for row in rows if key(row) is not None]
    missing = [row for row in rows if key(row) is None]
    present.sort(key=lambda row: -row.pk)
    present.sort(key=key, reverse=descending)
    missing.sort(key=lambda row: -row.pk)
    return [row.pk for row in present + missing]


def _unit_price(row: Any) -> Decimal | None:
    return None if row.price_wan is None else row.price_wan / row.area_m2


SORT_KEYS: dict[str, tuple[Callable[[Any], Any], bool]] = {
    "newest": (lambda row: row.published_at, True),
    "price_asc": (lambda row: row.price_wan, False),
    "price_desc": (lambda row: row.price_wan, True),
    "unit_price_asc": (_unit_price, False),
    "unit_price_desc": (_unit_price, True),
    "area_asc": (lambda row: row.area_m2, False),
    "area_desc": (lambda row: row.area_m2, True),
}


@pytest.mark.parametrize("sort", list(SORT_KEYS))
def test_each_sort_orders_with_nulls_last_and_ties_by_id_and_pages_follow_each_other(
    engine: Engine, listings: Market, sort: str
):
    key, descending = SORT_KEYS[sort]
    expected = _order(listings, key, descending=descending)
    assert supply(engine, sort=sort).ids == expected
    pages = [supply(engine, sort=sort, page=page, page_size=3) for page in (1, 2, 3, 4)]
    assert [page.ids for page in pages] == [expected[0:3], expected[3:6], expected[6:9], expected[9:]]
    assert {page.total for page in pages} == {10}
    assert supply(engine, sort=sort, page=5, page_size=3).ids == []  # beyond the end: nothing, not an error


@pytest.mark.parametrize("sort", [*SORT_KEYS, "distance"])
def test_after_cursor_pages_give_the_same_sequence_as_offsets(engine: Engine, listings: Market, sort: str):
    near = CENTRE if sort == "distance" else None
    by_offset = supply(engine, sort=sort, near=near).ids
    seen: list[int] = []
    after = None
    for _ in range(10):
        page = supply(engine, sort=sort, near=near, page_size=4, after=after)
        assert page.total == 10
        seen += page.ids
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == by_offset


def test_ties_are_broken_by_id_descending(engine: Engine, listings: Market):
    # gaoxin and kunming both ask 1200 万元; lot12 and decimal both have 3000 m².
    price = supply(engine, sort="price_asc").ids
    tied = sorted(listings.supply_ids("gaoxin", "kunming"), reverse=True)
    assert price[price.index(tied[0]) : price.index(tied[0]) + 2] == tied
    area = supply(engine, sort="area_asc").ids  # cheap 800, ascii 2000, kunming 2026, then the two of 3000
    assert area[3:5] == sorted(listings.supply_ids("lot12", "decimal"), reverse=True)


def test_distance_sort_is_nearest_first_with_distances(engine: Engine, listings: Market):
    page = supply(engine, sort="distance", near=CENTRE)
    names = [listings.supply_names([pk]).pop() for pk in page.ids]
    assert names[:4] == ["gaoxin", "lot12", "negotiable2", "decimal"]
    assert names[-1] == "cheap"  # no point: last
    assert listings.supply["cheap"].pk not in page.distances_m
    # Expected metres from GRS80 geodesics (pyproj); the engines may measure on a sphere or the ellipsoid: 0.5 %.
    for name, lon_lat in (("gaoxin", CENTRE), ("decimal", EXACT_POINT), ("kunming", (102.70, 25.04))):
        _az, _back, metres = GEOD.inv(*CENTRE, *lon_lat)
        assert page.distances_m[listings.supply[name].pk] == pytest.approx(metres, rel=0.005, abs=0.5)
    assert page.distances_m[listings.supply["lot12"].pk] == pytest.approx(1500, rel=0.005)


def test_demands_sort_by_their_minimum_price_and_area(engine: Engine, listings: Market):
    # Budgets from: want_kunming 10, want_jinjiang 500, want_sichuan 2000, want_chengdu none (last).
    price = demand(engine, sort="price_asc").ids
    assert price == [
        listings.demand[name].pk for name in ("want_kunming", "want_jinjiang", "want_sichuan", "want_chengdu")
    ]
    # Areas from: want_chengdu 10000, want_jinjiang 3000, want_kunming 1000, want_sichuan none (last).
    area = demand(engine, sort="area_desc").ids
    assert area == [
        listings.demand[name].pk for name in ("want_chengdu", "want_jinjiang", "want_kunming", "want_sichuan")
    ]


def test_relevance_finds_the_same_listings_as_newest(engine: Engine, listings: Market):
    relevance = supply(engine, sort="relevance", keywords="成都")
    newest = supply(engine, sort="newest", keywords="成都")
    assert set(relevance.ids) == set(newest.ids) == listings.supply_ids(*CHENGDU)
    assert relevance.total == newest.total == 7


# ------------------------------------------------------------------------------ facets


def test_facets_count_the_whole_filtered_set_not_the_page(engine: Engine, listings: Market):
    page = supply(engine, page_size=1)
    assert page.facets["region"] == [("510000", 9), ("530000", 1)]
    assert page.facets["land_use"] == [("05", 5), ("06", 3), ("07", 1), ("08", 1)]
    assert page.facets["mode"] == [("transfer", 6), ("lease", 4)]
    assert page.facets["price_band"] == [  # in the bands' order, 面议 last
        ("lt_100", 1),  # mianyang 50
        ("100_500", 2),  # cheap 100, decimal 499.9999
        ("500_1000", 1),  # lot12 800
        ("1000_5000", 3),  # ascii 1000, gaoxin and kunming 1200
        ("ge_5000", 1),  # wuhou_home 5000
        ("negotiable", 2),  # xindu, negotiable2
    ]
    filtered = supply(engine, keywords="商服用地", page_size=1)
    assert filtered.facets["land_use"] == [("05", 5)]
    assert filtered.facets["price_band"] == [
        ("lt_100", 0),
        ("100_500", 2),
        ("500_1000", 1),
        ("1000_5000", 2),
        ("ge_5000", 0),
        ("negotiable", 0),
    ]


def test_region_facet_counts_one_level_below_the_query_region(engine: Engine, listings: Market):
    assert supply(engine, region="510000").facets["region"] == [("510100", 7), ("510700", 2)]
    assert supply(engine, region="510100").facets["region"] == [("510104", 4), ("510107", 3)]
    assert supply(engine, region="510104").facets["region"] == [("510104", 4)]
    assert supply(engine, region="510100", mode="lease").facets["mode"] == [("lease", 3)]


def test_demand_facets(engine: Engine, listings: Market):
    page = demand(engine)
    assert page.facets["region"] == [("510000", 3), ("530000", 1)]
    assert page.facets["land_use"] == [("06", 2), ("05", 1), ("07", 1)]
    assert page.facets["mode"] == [("lease", 2), ("purchase", 2)]
    assert "price_band" not in page.facets
    # want_sichuan wants land anywhere in 四川: it has no city to be counted under.
    assert demand(engine, region="510000").facets["region"] == [("510100", 2)]


# ------------------------------------------------------------------------------ both engines agree


JINJIANG_BOX = (104.05, 30.55, 104.15, 30.65)
TRIANGLE = ((104.0, 30.5), (104.2, 30.5), (104.2, 30.72), (104.0, 30.5))  # no supply on its edges
COMPARED_QUERIES = [
    ListingQuery(),
    ListingQuery(sort="newest", page_size=3, page=2),
    ListingQuery(sort="newest", page=9),  # beyond the end
    ListingQuery(keywords="成都 商服"),  # relevance: compared as sets
    ListingQuery(keywords="成都 商服", sort="newest"),
    ListingQuery(keywords="高新", sort="price_asc"),
    ListingQuery(keywords="!!!", sort="newest"),  # no terms: no keyword filter
    ListingQuery(keywords="东大街", sort="newest"),  # an address (certificate numbers are not searched)
    ListingQuery(keywords="５０００平米 商服用地", sort="area_desc"),
    ListingQuery(keywords="成都商业用地 转让", sort="price_desc"),  # a land-use word: its classes or its text
    ListingQuery(keywords="510104-lot12", sort="newest"),  # a parcel code: the listings on the parcel
    ListingQuery(region="510100", land_use=("05", "0601"), sort="price_desc", page_size=3, page=2),
    ListingQuery(region="510000", land_use=("0501", "0604"), sort="area_asc"),
    ListingQuery(mode="transfer", certified=True, sort="area_asc"),
    ListingQuery(mode="lease", certified=False, region="510100", sort="newest"),
    ListingQuery(price_min=Decimal(0), sort="unit_price_desc", page_size=4),
    ListingQuery(price_min=Decimal(100), price_max=Decimal(1200), sort="price_asc"),
    ListingQuery(area_min=Decimal(3000), area_max=Decimal(10000), sort="area_desc"),
    ListingQuery(area_min=Decimal(6000), area_max=Decimal(5000)),  # inverted: nothing
    ListingQuery(unit_price_min=Decimal("0.24"), unit_price_max=Decimal("0.6"), sort="unit_price_asc"),
    ListingQuery(published_from=date(2026, 11, 10), published_to=date(2026, 11, 18), sort="newest"),
    ListingQuery(published_from=date(2026, 11, 11), sort="price_desc"),
    ListingQuery(bbox=(103.9, 30.5, 104.2, 30.7), sort="distance", near=CENTRE),
    ListingQuery(bbox=(JINJIANG_BOX[0], EXACT_POINT[1], EXACT_POINT[0], JINJIANG_BOX[3]), sort="newest"),
    ListingQuery(near=CENTRE, distance_m=10_000, sort="distance", page_size=2, page=2),
    ListingQuery(near=CENTRE, distance_m=3000, sort="newest"),
    ListingQuery(polygon=TRIANGLE, sort="area_desc"),
    ListingQuery(region="110000"),
    ListingQuery(kind="demand"),
    ListingQuery(kind="demand", keywords="求购", sort="newest"),
    ListingQuery(kind="demand", keywords="成都"),
    ListingQuery(kind="demand", region="510000", area_min=Decimal(2500), sort="newest"),
    ListingQuery(kind="demand", region="510000", sort="price_asc"),
    ListingQuery(kind="demand", area_max=Decimal(2000), sort="area_desc"),
    ListingQuery(kind="demand", price_max=Decimal(100), mode="lease", sort="newest"),
    ListingQuery(kind="demand", near=CENTRE, sort="distance"),
    ListingQuery(kind="demand", bbox=JINJIANG_BOX, land_use=("05",), sort="newest"),
    ListingQuery(kind="demand", polygon=((104.0, 30.5), (104.2, 30.5), (104.2, 30.7), (104.0, 30.7)), sort="newest"),
]


def test_both_engines_give_the_same_ids_totals_and_facets(elasticsearch_engine: Engine, listings: Market):
    """Every query of the list on both engines: the same total and facets, the same ids in the same order (as sets
    for relevance, the one order they may differ in), distances alike (the database on the ellipsoid, Elasticsearch
    from its stored point: 0.5 %), and the same sequence when paging on with each engine's own cursor."""
    database_engine = DatabaseEngine()
    differences = []
    for query in COMPARED_QUERIES:
        database, elasticsearch = database_engine.search(query), elasticsearch_engine.search(query)
        ids_differ = (
            set(database.ids) != set(elasticsearch.ids)
            if query.sort == "relevance"
            else database.ids != elasticsearch.ids
        )
        if ids_differ or database.total != elasticsearch.total or database.facets != elasticsearch.facets:
            differences.append((query, database, elasticsearch))
        assert database.total > 0 or query.region == "110000" or query.area_min == 6000, query  # the list finds things
        assert database.distances_m.keys() == elasticsearch.distances_m.keys()
        for pk, metres in database.distances_m.items():
            assert elasticsearch.distances_m[pk] == pytest.approx(metres, rel=0.005, abs=0.5)
        if query.sort != "relevance":
            assert _by_cursor(database_engine, query) == _by_cursor(elasticsearch_engine, query)
    assert differences == []


def _by_cursor(engine: Engine, query: ListingQuery) -> list[int]:
    """Every id of the query, three at a time with the `after` cursor of each page."""
    seen: list[int] = []
    page = engine.search(replace(query, page=1, page_size=3))
    for _ in range(20):
        seen += page.ids
        if page.next_after is None:
            return seen
        page = engine.search(replace(query, page=1, page_size=3, after=page.next_after))
    raise AssertionError(f"more pages than listings: {query}")


# ------------------------------------------------------------------------------ the database engine alone


def test_the_database_engine_answers_in_two_queries(listings: Market, django_assert_num_queries: Any):
    # the total with every facet (one scan, GROUPING SETS), then the page
    with django_assert_num_queries(2):
        page = DatabaseEngine().search(ListingQuery(keywords="成都", near=CENTRE, sort="distance", page_size=2))
    assert page.total == 7
    with django_assert_num_queries(2):
        DatabaseEngine().search(ListingQuery(kind="demand", keywords="成都"))
    with django_assert_num_queries(1):  # nothing found: no page to fetch
        DatabaseEngine().search(ListingQuery(keywords="不存在的地方"))


@pytest.mark.parametrize(
    "query",
    [
        ListingQuery(after=("not a number", "1"), sort="price_asc"),
        ListingQuery(after=("1", "2", "3")),
        ListingQuery(sort="newest", after=("9" * 30, "1")),
        ListingQuery(sort="newest", after=("1", "9" * 30)),
        ListingQuery(sort="price_asc", after=("1e999999", "1")),
        ListingQuery(sort="price_asc", after=("sNaN", "1")),
        ListingQuery(sort="unit_price_asc", after=("inf", "1")),
        ListingQuery(sort="distance"),  # without a point
        ListingQuery(polygon=((104.0, 30.5), (104.2, 30.7), (104.2, 30.5), (104.0, 30.7), (104.0, 30.5))),
        ListingQuery(near=(200.0, 95.0), distance_m=100),
        ListingQuery(bbox=(float("nan"), 30.0, 104.0, 31.0)),
        ListingQuery(page=0),
        ListingQuery(keywords="成都" * 5000),
    ],
    ids=[
        "malformed cursor",
        "cursor of another sort",
        "date beyond bigint",
        "id beyond bigint",
        "price beyond numeric",
        "signalling NaN",
        "infinite unit price",
        "distance without near",
        "bowtie",
        "off the globe",
        "nan",
        "page 0",
        "10,000 characters",
    ],
)
def test_the_database_engine_answers_an_impossible_query_with_nothing(listings: Market, query: ListingQuery):
    page = DatabaseEngine().search(query)
    assert page.ids == []
    assert page.backend == "database"


def test_a_database_cursor_carries_the_sort_value_and_the_id(listings: Market):
    page = DatabaseEngine().search(ListingQuery(sort="price_asc", page_size=1))
    assert page.next_after == ("50.0000", str(listings.supply["mianyang"].pk))
    following = DatabaseEngine().search(replace(ListingQuery(sort="price_asc", page_size=1), after=page.next_after))
    assert following.ids == [listings.supply["cheap"].pk]


def test_the_database_engine_goes_on_from_an_elasticsearch_relevance_cursor_by_date_and_id(listings: Market):
    # Elasticsearch's relevance cursor is (score, published_at in epoch milliseconds, id); the database orders
    # relevance as newest, so it goes on after the listing of that date and id.
    lot12 = listings.supply["lot12"]
    assert lot12.published_at is not None
    millis = str(int(lot12.published_at.timestamp() * 1000))
    query = ListingQuery(keywords="成都", sort="relevance", after=("3.75", millis, str(lot12.pk)))
    assert DatabaseEngine().search(query).ids == [listings.supply["xindu"].pk, listings.supply["gaoxin"].pk]
