"""Keywords find what the search box promises, in both engines: a parcel code (宗地代码) finds the listings on that
parcel, the everyday and older names of land uses find the listings of their classes, and certificate and unit
numbers (their owners') still find nothing."""

from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.urls import reverse

from accounts.models import User
from geo.models import SRID, Region
from geo.reference import is_valid_land_use
from geo.tests.factories import outline, parcel_create
from market.tests.factories import supply_create
from search.engines import Engine
from search.engines.elasticsearch import ElasticsearchEngine
from search.keywords import parse_keywords
from search.land_use_words import land_use_phrases
from search.query import Kind, ListingQuery
from search.tests.conftest import Market, at

pytestmark = pytest.mark.django_db
COMMERCIAL = {"gaoxin", "lot12", "cheap", "decimal", "kunming"}  # 05xx
PARCEL_CODE = "510104001001GB00006"  # 宗地代码: county 510104, 街道 001, 街坊 001, GB (国有建设用地), 00006


def found(engine: Engine, listings: Market, keywords: str, kind: Kind = "supply") -> set[str]:
    page = engine.search(ListingQuery(kind=kind, keywords=keywords, sort="newest", page_size=100))
    assert page.total == len(page.ids)
    return listings.supply_names(page.ids) if kind == "supply" else listings.demand_names(page.ids)


# ------------------------------------------------------------------------------ the phrase table


def test_every_land_use_phrase_names_gbt_21010_2017_classes():
    phrases = land_use_phrases()

    assert {phrase: codes for phrase, codes in phrases.items() if not all(map(is_valid_land_use, codes))} == {}
    assert phrases["商业用地"] == ("05",)
    assert phrases["住宅用地"] == ("07",)
    assert phrases["工业用地"] == ("0601",)
    assert phrases["仓储用地"] == ("0604",)


def test_a_longer_phrase_wins_and_what_is_left_is_text():
    assert parse_keywords("成都商业用地").phrases == (("商业用地", ("05",)),)
    assert parse_keywords("成都商业用地").text.strip() == "成都"
    assert parse_keywords("零售商业用地").phrases == (("零售商业用地", ("0501",)),)
    assert parse_keywords(f"锦江 {PARCEL_CODE.lower()}").codes == (PARCEL_CODE.lower(),)
    assert parse_keywords("川DZR[2026]0001 5000.5 abc").codes == ()  # no token with letters and digits, 6+ long


# ------------------------------------------------------------------------------ land-use words, both engines


@pytest.mark.parametrize(
    ("keywords", "names"),
    [
        ("商业用地", COMMERCIAL),  # everyday name of 05 商服用地; no listing's text says 商业用地 whole
        ("商业", COMMERCIAL),
        ("成都商业用地", {"gaoxin", "lot12", "decimal"}),  # a place typed against the land use
        ("住宅用地", {"wuhou_home"}),  # 07
        ("居住用地", {"wuhou_home"}),  # GB 50137 R
        ("工业用地", {"xindu", "negotiable2"}),  # 0601
        ("厂房用地", {"xindu", "negotiable2"}),
        ("物流仓储用地", {"mianyang"}),  # GB 50137 W: 0604
        ("办公用地", {"lot12"}),  # 0505 商务金融用地 (and 0801 机关团体用地: none here)
        ("零售商业用地", {"gaoxin", "cheap"}),  # the 0501 name itself, not 商业用地 and 零售
        ("商业用地 住宅", set()),  # every part must match
    ],
)
def test_a_land_use_word_finds_the_listings_of_its_classes(
    engine: Engine, listings: Market, keywords: str, names: set[str]
):
    assert found(engine, listings, keywords) == names


def test_a_land_use_word_still_finds_it_in_the_text_of_other_classes(
    engine: Engine, listings: Market, owner: User, regions: dict[str, Region]
):
    converted = supply_create(owner=owner, region=regions["510104"], title="原商业用地改建科研楼", land_use="0804")
    if isinstance(engine, ElasticsearchEngine):
        engine.index_now("supply", [converted.pk])

    assert found(engine, listings, "商业用地") == COMMERCIAL | {f"#{converted.pk}"}


def test_demand_land_use_words(engine: Engine, listings: Market):
    assert found(engine, listings, "商业用地", kind="demand") == {"want_jinjiang"}
    assert found(engine, listings, "居住用地", kind="demand") == {"want_sichuan"}
    assert found(engine, listings, "物流用地", kind="demand") == {"want_kunming"}


# ------------------------------------------------------------------------------ parcel codes, both engines


@pytest.fixture
def on_parcel(listings: Market, owner: User, regions: dict[str, Region], request: pytest.FixtureRequest) -> Any:
    """An L-shaped parcel 510104001001GB00006 in real 锦江 (0.9 km from its edges; its centroid outside it) with two
    listings on it: `placed` at its centroid (linked, no point of its own) and `inside` with a point in its long arm
    (not linked); `linked` is linked to it but has its own point elsewhere in 锦江, where the public sees it."""
    ell = Polygon(
        ((104.11, 30.60), (104.14, 30.60), (104.14, 30.602), (104.112, 30.602), (104.112, 30.63), (104.11, 30.63),
         (104.11, 30.60)),
        srid=SRID,
    )  # fmt: skip
    parcel = parcel_create(code=PARCEL_CODE, geometry=MultiPolygon(ell, srid=SRID), region=regions["510104"])
    assert not parcel.geometry.covers(parcel.centroid)
    assert outline("510104").contains(parcel.geometry)
    made = {
        "placed": supply_create(owner=owner, region=regions["510104"], title="锦江宗地转让", parcel=parcel),
        "inside": supply_create(owner=owner, region=regions["510104"], title="锦江地块", location=at(104.111, 30.62)),
        "linked": supply_create(
            owner=owner, region=regions["510104"], title="锦江转让", parcel=parcel, location=at(104.15, 30.58)
        ),
    }
    engine = request.getfixturevalue("engine")
    if isinstance(engine, ElasticsearchEngine):
        engine.index_now("supply", [listing.pk for listing in made.values()])
    listings.supply.update(made)
    return made


def test_a_parcel_code_finds_the_listings_on_that_parcel_and_nothing_else(
    engine: Engine, listings: Market, on_parcel: Any
):
    assert found(engine, listings, PARCEL_CODE) == {"placed", "inside"}
    assert found(engine, listings, PARCEL_CODE.lower()) == {"placed", "inside"}
    assert found(engine, listings, f"锦江 {PARCEL_CODE}") == {"placed", "inside"}
    assert found(engine, listings, f"转让 {PARCEL_CODE}") == {"placed"}
    assert found(engine, listings, "510104-LOT12") == {"lot12"}  # the fixture's parcel, at lot12's point
    # negotiable2 is linked to 510703-FAR but shows its own point far from it: the link is its owner's, not searched.
    assert found(engine, listings, "510703-FAR") == set()


@pytest.mark.parametrize(
    "keywords",
    [
        "川(2020)成都市不动产权第0012345号",  # gaoxin's certificate number
        "0012345",
        "川DZR[2026]0012",  # lot12's
        f"{PARCEL_CODE}F00010001",  # a unit number (不动产单元号) of the parcel: its code and a building's part
    ],
)
def test_certificate_and_unit_numbers_still_find_nothing(
    engine: Engine, listings: Market, on_parcel: Any, keywords: str
):
    assert found(engine, listings, keywords) == set()


# ------------------------------------------------------------------------------ what the boxes promise


@pytest.mark.parametrize("page", ["web:home", "web:search", "web:map"])
def test_the_search_boxes_promise_place_land_use_or_parcel_code(client: Any, page: str):
    body = client.get(reverse(page), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert 'placeholder="地名、土地用途或宗地代码…"' in body
    assert "土地证号" not in body
