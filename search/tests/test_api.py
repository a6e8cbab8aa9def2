"""The search API: every bad query is a structured 400 naming the parameter (never a 500, never an engine's text);
good queries answer results, facets, highlights and the `next` cursor, in a number of queries that does not grow
with the results."""

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from geo.models import Region
from market.models import Demand, SupplyAttachment, SupplyListing
from market.tests.factories import supply_create
from search import indexing
from search.backends import elasticsearch_client
from search.query import MAX_KEYWORDS, MAX_RESULT_WINDOW, ListingQuery
from search.serializers import ListingQueryInput, cursor_dump, safe_fragment
from search.tests.conftest import CENTRE, Market

pytestmark = pytest.mark.django_db
S = SupplyListing.Status


def _fields(response: Any) -> dict[str, list[str]]:
    """The error body's fields as {parameter: [codes]}, after checking it is the one structured 400."""
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"]
    for problems in error["fields"].values():
        assert all(problem["message"] for problem in problems)
    return {name: [problem["code"] for problem in problems] for name, problems in error["fields"].items()}


RING = "104.0,30.5;104.2,30.5;104.2,30.7;104.0,30.7;104.0,30.5"
BAD_QUERIES = [
    # (kind, parameters, the parameter named, its code)
    ("supply", {"area_min": "5000", "area_max": "100"}, "area_max", "inverted_range"),
    ("demand", {"area_min": "5000", "area_max": "100"}, "area_max", "inverted_range"),
    ("supply", {"price_min": "1000", "price_max": "999.99"}, "price_max", "inverted_range"),
    ("supply", {"unit_price_min": "0.5", "unit_price_max": "0.1"}, "unit_price_max", "inverted_range"),
    ("supply", {"area_min": "-1"}, "area_min", "min_value"),
    ("supply", {"area_max": "lots"}, "area_max", "invalid"),
    ("supply", {"price_max": "1e400"}, "price_max", "max_value"),
    ("supply", {"price_max": "NaN"}, "price_max", "invalid"),
    ("supply", {"bbox": "104.0,30.5,104.2"}, "bbox", "invalid"),
    ("supply", {"bbox": "104.0,30.5,104.2,30.7,1"}, "bbox", "invalid"),
    ("supply", {"bbox": "west,south,east,north"}, "bbox", "invalid"),
    ("supply", {"bbox": "104.0,30.5,inf,30.7"}, "bbox", "invalid"),
    ("supply", {"bbox": "104.2,30.5,104.0,30.7"}, "bbox", "inverted_range"),
    ("supply", {"bbox": "104.0,30.7,104.2,30.5"}, "bbox", "inverted_range"),
    ("supply", {"bbox": "-181,30.5,104.2,30.7"}, "bbox", "out_of_range"),
    ("supply", {"bbox": "104.0,30.5,104.2,90.5"}, "bbox", "out_of_range"),
    ("supply", {"region": "5101"}, "region", "invalid"),
    ("supply", {"region": "510100x"}, "region", "invalid"),
    ("supply", {"region": "510199"}, "region", "unknown"),  # well formed, in no GB/T 2260 table
    ("demand", {"region": "990000"}, "region", "unknown"),
    ("supply", {"land_use": "9999"}, "land_use", "unknown"),
    ("supply", {"land_use": "05,0699"}, "land_use", "unknown"),
    ("demand", {"land_use": ["05", "13"]}, "land_use", "unknown"),
    ("supply", {"land_use": "commerce"}, "land_use", "invalid"),
    (
        "supply",
        {"land_use": [f"{code:02d}" for code in range(1, 13)] + [f"050{n}" for n in range(1, 8)] + ["0601", "0602"]},
        "land_use",
        "max_length",
    ),  # 21 valid codes
    ("supply", {"keywords": "高" * (MAX_KEYWORDS + 1)}, "keywords", "max_length"),
    ("supply", {"keywords": "高新\x00"}, "keywords", "null_characters_not_allowed"),
    ("supply", {"page": str(MAX_RESULT_WINDOW // 20 + 1), "page_size": "20"}, "page", "beyond_result_window"),
    ("supply", {"page": "0"}, "page", "min_value"),
    ("supply", {"page_size": "101"}, "page_size", "max_value"),
    ("supply", {"page_size": "0"}, "page_size", "min_value"),
    ("supply", {"after": "not-a-cursor"}, "after", "invalid"),
    ("supply", {"after": "W10:1tZ3:forged"}, "after", "invalid"),
    ("supply", {"distance_m": "1000"}, "distance_m", "requires_near"),
    ("supply", {"near": "104.06,30.6", "distance_m": "500001"}, "distance_m", "max_value"),
    ("supply", {"near": "104.06,30.6", "distance_m": "0"}, "distance_m", "min_value"),
    ("supply", {"near": "104.06"}, "near", "invalid"),
    ("supply", {"near": "104.06,95"}, "near", "out_of_range"),
    ("supply", {"sort": "distance"}, "sort", "requires_near"),
    ("supply", {"sort": "cheapest"}, "sort", "invalid_choice"),
    ("supply", {"polygon": "104.0,30.5;104.2,30.5;104.0,30.5"}, "polygon", "too_few_points"),
    (
        "supply",
        {"polygon": ";".join(f"{104 + i / 1000},{30.5 + (i % 2) / 1000}" for i in range(501))},
        "polygon",
        "too_many_points",
    ),
    ("supply", {"polygon": "104.0,30.5;104.2,30.5;104.2,30.7;104.0,30.7"}, "polygon", "not_closed"),
    ("supply", {"polygon": "104.0,30.5;104.2,30.7;104.2,30.5;104.0,30.7;104.0,30.5"}, "polygon", "self_intersecting"),
    ("supply", {"polygon": "104.0 30.5, 104.2 30.5, 104.2 30.7, 104.0 30.5"}, "polygon", "invalid"),
    ("supply", {"polygon": RING.replace("30.7", "91")}, "polygon", "out_of_range"),
    ("supply", {"published": "3d", "published_from": "2026-01-01"}, "published", "exclusive"),
    ("supply", {"published": "7d", "published_to": "2026-01-01"}, "published", "exclusive"),
    ("supply", {"published": "1d"}, "published", "invalid_choice"),
    ("supply", {"published_from": "2026-02-01", "published_to": "2026-01-31"}, "published_to", "inverted_range"),
    ("supply", {"published_from": "2026-13-01"}, "published_from", "invalid"),
    ("supply", {"mode": "purchase"}, "mode", "invalid_choice"),
    ("demand", {"mode": "transfer"}, "mode", "invalid_choice"),
    ("supply", {"certified": "perhaps"}, "certified", "invalid"),
    ("demand", {"certified": "true"}, "certified", "supply_only"),
    ("demand", {"unit_price_max": "0.2"}, "unit_price_max", "supply_only"),
    ("demand", {"sort": "unit_price_asc"}, "sort", "supply_only"),
]


@pytest.mark.parametrize(("kind", "params", "field", "code"), BAD_QUERIES)
def test_a_bad_query_is_a_structured_400_naming_the_parameter(client: Client, kind, params, field, code):
    fields = _fields(client.get(f"/api/search/{kind}", params))

    assert code in fields.get(field, []), fields


@override_settings(ELASTICSEARCH_URL="")
def test_a_10000_character_keyword_is_refused_before_any_engine_searches(
    client: Client, django_assert_num_queries: Any
):
    # The database engine reads the database; no query at all shows no engine was asked.
    with django_assert_num_queries(0):
        response = client.get("/api/search/supply", {"keywords": "成都高新区" * 2000})

    assert _fields(response) == {"keywords": ["max_length"]}
    assert "成都高新区" * 20 not in response.content.decode()


def test_every_bad_parameter_is_named_in_one_answer(client: Client):
    fields = _fields(
        client.get(
            "/api/search/supply",
            {
                "region": "510199",
                "land_use": "9999",
                "bbox": "1,2",
                "area_min": "10",
                "area_max": "1",
                "page_size": "500",
            },
        )
    )

    assert set(fields) == {"region", "land_use", "bbox", "page_size"}  # ranges are compared once fields are valid


def test_the_page_beyond_the_result_window_says_to_use_the_after_cursor(client: Client):
    response = client.get("/api/search/supply", {"page": "101", "page_size": "100"})

    assert _fields(response) == {"page": ["beyond_result_window"]}
    assert "`after`" in response.json()["error"]["fields"]["page"][0]["message"]


def test_a_cursor_of_another_sort_or_kind_is_refused(client: Client):
    newest = cursor_dump(kind="supply", sort="newest", after=("1767225600000", "7"), seen=20)

    assert _fields(client.get("/api/search/supply", {"after": newest, "sort": "price_asc"})) == {"after": ["invalid"]}
    assert _fields(client.get("/api/search/demand", {"after": newest, "sort": "newest"})) == {"after": ["invalid"]}


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({}, "q", "required"),
        ({"q": ""}, "q", "blank"),
        ({"q": "高" * 10_000}, "q", "max_length"),
        ({"q": "高新", "kind": "lots"}, "kind", "invalid_choice"),
    ],
)
def test_a_bad_autocomplete_query_is_a_structured_400(client: Client, params, field, code):
    assert code in _fields(client.get("/api/search/autocomplete", params)).get(field, [])


def test_highlight_fragments_keep_only_our_em_tags():
    fragment = '<script>alert("x")</script> 成都<em>高新</em>区 <b>&amp;</b>'

    assert safe_fragment(fragment) == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 成都<em>高新</em>区 &lt;b&gt;&amp;amp;&lt;/b&gt;"
    )


@pytest.mark.parametrize(
    ("fragment", "cut", "html"),
    [
        ("成都<em>高新</em>区 川(2020)成都市不动产权第0012345号", False, "成都<em>高新</em>区 …"),
        ("<em>高新</em>大道 四川省 商服用地 川(2020)成都", True, "<em>高新</em>大道 四川省 商服用地 …"),
        ("市不动产权第<em>0012345</em>号 以东", True, "… 以东"),
        ("川(2020)成都市不动产权第<em>0012345</em>号", True, None),
        ("四川", True, "四川"),  # one character of it says nothing
    ],
)
def test_a_private_text_in_a_fragment_becomes_an_ellipsis(fragment, cut, html):
    assert safe_fragment(fragment, private=["川(2020)成都市不动产权第0012345号"], cut=cut) == html


@override_settings(SEARCH_HIGHLIGHT_PRE_TAG="\ue000", SEARCH_HIGHLIGHT_POST_TAG="\ue001")
def test_highlight_marks_of_another_setting_become_em_tags_and_a_literal_em_stays_text():
    assert safe_fragment("<em>成都</em>\ue000高新\ue001区") == "&lt;em&gt;成都&lt;/em&gt;<em>高新</em>区"


def _query(kind: str = "supply", **params: Any) -> ListingQuery:
    data = ListingQueryInput(data=QueryDict(urlencode(params, doseq=True)), context={"kind": kind})
    assert data.is_valid(), data.errors
    return data.query()


def test_parameters_become_the_one_query_object():
    after = cursor_dump(kind="supply", sort="price_asc", after=("1200.0", "7"), seen=20)

    query = _query(
        keywords=" 成都 高新 ", region="510104", land_use=["05,0601", "0701", "05"], mode="lease", certified="false",
        area_min="100", area_max="100", price_min="0", price_max="1e3", unit_price_max="0.5",
        published_from="2026-11-01", published_to="2026-11-01", bbox="104.0,30.5,104.2,30.7", near="104.06,30.6",
        distance_m="5000", polygon=RING, sort="price_asc", page="3", page_size="50", after=after,
    )  # fmt: skip

    assert query == ListingQuery(
        kind="supply", keywords="成都 高新", region="510104", land_use=("05", "0601", "0701"), mode="lease",
        certified=False, area_min=Decimal(100), area_max=Decimal(100), price_min=Decimal(0), price_max=Decimal(1000),
        unit_price_max=Decimal("0.5"), published_from=date(2026, 11, 1), published_to=date(2026, 11, 1),
        bbox=(104.0, 30.5, 104.2, 30.7), near=(104.06, 30.6), distance_m=5000,
        polygon=((104.0, 30.5), (104.2, 30.5), (104.2, 30.7), (104.0, 30.7), (104.0, 30.5)),
        sort="price_asc", page=1, page_size=50, after=("1200.0", "7"),
    )  # fmt: skip


def test_the_sort_is_relevance_with_keywords_and_newest_without():
    assert _query(keywords="高新").sort == "relevance"
    assert _query().sort == "newest"
    assert _query(kind="demand", keywords="求购", sort="area_asc").sort == "area_asc"


@pytest.mark.parametrize(("preset", "days"), [("3d", 3), ("7d", 7), ("30d", 30)])
def test_a_published_preset_is_the_last_days_today_included(preset, days):
    today = timezone.localdate(timezone=ZoneInfo("Asia/Shanghai"))

    query = _query(published=preset)

    assert (query.published_from, query.published_to) == (today - timedelta(days=days - 1), None)


@override_settings(ELASTICSEARCH_URL="")
def test_published_in_the_last_3_days_finds_yesterday_but_not_5_days_ago(client: Client, regions, owner: User):
    now = timezone.now()
    recent = supply_create(owner=owner, region=regions["510104"], published_at=now - timedelta(days=1))
    supply_create(owner=owner, region=regions["510104"], published_at=now - timedelta(days=5))

    assert [r["id"] for r in _get(client, "supply", published="3d")["results"]] == [recent.pk]
    assert len(_get(client, "supply", published="7d")["results"]) == 2


# ------------------------------------------------------------------------------------------------ answers


def _get(client: Client, kind: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/api/search/{kind}", params)
    assert response.status_code == 200, response.content
    return response.json()


def _by_code(entries: list[dict[str, Any]]) -> dict[str, tuple[str, int, dict[str, str] | None]]:
    return {entry["code"]: (entry["name"], entry["count"], entry["params"]) for entry in entries}


def test_a_supply_result_carries_the_listing_summary(client: Client, api_engine: str, listings: Market, owner: User):
    gaoxin = listings.supply["gaoxin"]
    SupplyAttachment.objects.create(
        listing=gaoxin, kind="photo", file="supply/2026/11/site.jpg", original_name="site.jpg",
        content_type="image/jpeg", size=1, uploaded_by=owner,
    )  # fmt: skip
    SupplyListing.objects.filter(pk=gaoxin.pk).update(view_count=3, favourite_count=2, quote_count=1)
    if api_engine == "elasticsearch":  # results show the document: what the photo's signal and the heat sweep queue
        indexing.index_now("supply", [gaoxin.pk])

    body = _get(client, "supply", region="510104", land_use="05", mode="transfer", certified="true")

    assert body["backend"] == api_engine
    assert body["count"] == 1
    assert body["page"] == 1
    assert body["next"] is None
    (result,) = body["results"]
    assert result["id"] == gaoxin.pk
    assert result["title"] == "成都高新区5000平米商服用地转让"
    assert result["url"] == f"/supply/{gaoxin.pk}/"
    assert (result["mode"], result["certification"]) == ("transfer", "certified")
    assert [(r["code"], r["name"]) for r in result["regions"]] == [
        ("510000", "四川省"), ("510100", "成都市"), ("510104", "锦江区"),
    ]  # fmt: skip
    assert result["region_name"] == "四川省成都市锦江区"
    assert (result["land_use"], result["land_use_major"], result["land_use_major_name"]) == ("0501", "05", "商服用地")
    assert result["land_use_name"]
    # Money and areas as decimal strings; the unit price 1200 万元 / 5000 m² = 0.24 万元/m²
    assert (result["area_m2"], result["price_wan"], result["unit_price_wan"]) == ("5000.00", "1200.0000", "0.2400")
    assert result["published_at"].startswith("2026-11-01T10:00:00")
    assert result["heat"] == 6
    assert result["location"] == [pytest.approx(CENTRE[0]), pytest.approx(CENTRE[1])]
    assert result["photo"] == f"/api/market/supply/attachments/{gaoxin.attachments.get().pk}/"
    assert result["address"] == "锦江区天府大道中段1号"


def test_a_listing_without_a_point_is_located_at_its_parcels_centroid(
    client: Client, api_engine: str, listings: Market
):
    body = _get(client, "supply", keywords="东大街")

    (result,) = body["results"]
    assert result["id"] == listings.supply["lot12"].pk
    parcel = listings.supply["lot12"].parcel
    assert parcel is not None
    centroid = parcel.centroid
    assert result["location"] == [pytest.approx(centroid.x), pytest.approx(centroid.y)]
    assert result["price_wan"] == "800.0000"


def test_negotiable_listings_have_no_price_and_no_unit_price(client: Client, api_engine: str, listings: Market):
    body = _get(client, "supply", land_use="0601", sort="newest")

    assert [r["id"] for r in body["results"]] == [listings.supply["negotiable2"].pk, listings.supply["xindu"].pk]
    assert all(r["price_wan"] is None and r["unit_price_wan"] is None for r in body["results"])


def test_facets_count_every_match_with_names_and_the_parameters_that_apply_them(
    client: Client, api_engine: str, listings: Market
):
    body = _get(client, "supply", page_size=2)

    assert body["count"] == 10
    assert len(body["results"]) == 2
    facets = body["facets"]
    assert _by_code(facets["region"]) == {
        "510000": ("四川省", 9, {"region": "510000"}),
        "530000": ("云南省", 1, {"region": "530000"}),
    }
    assert _by_code(facets["mode"]) == {
        "transfer": ("转让", 6, {"mode": "transfer"}),
        "lease": ("出租", 4, {"mode": "lease"}),
    }
    land_use = _by_code(facets["land_use"])
    assert {code: count for code, (_name, count, _params) in land_use.items()} == {"05": 5, "06": 3, "07": 1, "08": 1}
    assert land_use["05"][0] == "商服用地"
    assert land_use["05"][2] == {"land_use": "05"}
    bands = _by_code(facets["price_band"])
    # 50 and 100 | 499.9999 | 800 | 1000, 1200, 1200, 1200, 5000 | 面议 ×2 (prices in 万元, bands [low, high))
    assert {code: count for code, (_name, count, _params) in bands.items() if count} == {
        "lt_100": 1, "100_500": 2, "500_1000": 1, "1000_5000": 3, "ge_5000": 1, "negotiable": 2,
    }  # fmt: skip
    assert bands["100_500"][2] == {"price_min": "100", "price_max": "499.9999"}
    assert bands["negotiable"][2] is None  # 面议 cannot be asked for by a price


def test_a_price_band_facets_parameters_find_exactly_its_count(client: Client, api_engine: str, listings: Market):
    facets = _by_code(_get(client, "supply")["facets"]["price_band"])
    _name, count, params = facets["100_500"]
    assert params is not None

    body = _get(client, "supply", **params)

    assert body["count"] == count == 2
    assert {r["id"] for r in body["results"]} == listings.supply_ids("cheap", "decimal")


def test_the_region_facet_goes_one_level_down_from_the_region_asked_for(
    client: Client, api_engine: str, listings: Market
):
    cities = _by_code(_get(client, "supply", region="510000")["facets"]["region"])
    counties = _by_code(_get(client, "supply", region="510100")["facets"]["region"])

    assert {code: count for code, (_n, count, _p) in cities.items()} == {"510100": 7, "510700": 2}
    assert cities["510100"][0] == "成都市"
    assert {code: count for code, (_n, count, _p) in counties.items()} == {"510104": 4, "510107": 3}


def test_a_demand_result_carries_its_ranges(client: Client, api_engine: str, listings: Market):
    body = _get(client, "demand", area_min="4000", area_max="4500", price_min="600", price_max="1500")

    assert body["backend"] == api_engine
    assert {r["id"] for r in body["results"]} == listings.demand_ids("want_jinjiang")
    (result,) = body["results"]
    assert result["url"] == f"/demand/{result['id']}/"
    assert (result["mode"], result["land_use_major_name"]) == ("purchase", "商服用地")
    assert (result["area_min_m2"], result["area_max_m2"]) == ("3000.00", "6000.00")
    assert (result["price_min_wan"], result["price_max_wan"]) == ("500.0000", "1500.0000")
    assert result["summary"] == "临街 5000平米左右"
    assert result["published_at"].startswith("2026-11-02T")
    assert "price_band" not in body["facets"]
    assert _by_code(body["facets"]["mode"])["purchase"][1] == 1


def test_keywords_find_and_highlights_are_escaped_html_with_em_marks(client: Client, api_engine: str, listings: Market):
    body = _get(client, "supply", keywords="高新")

    assert {r["id"] for r in body["results"]} == listings.supply_ids("gaoxin", "mianyang")
    for result in body["results"]:
        if api_engine == "database":
            assert result["highlights"] == {}
            continue
        fragments = [fragment for found in result["highlights"].values() for fragment in found]
        assert fragments
        assert all("<em>" in fragment for fragment in fragments)
        assert all("<" not in fragment.replace("<em>", "").replace("</em>", "") for fragment in fragments)


def test_a_certificate_number_finds_nothing_and_no_highlight_shows_it(
    client: Client, api_engine: str, listings: Market
):
    # The certificate number is its owner's (core.classification): not searched, so no search confirms one.
    by_number = _get(client, "supply", keywords="0012345")
    by_place = _get(client, "supply", keywords="高新")

    assert by_number["results"] == []
    text = str([r["highlights"] for r in by_place["results"]])
    assert "0012345" not in text
    assert "不动产权" not in text
    if api_engine == "elasticsearch":
        gaoxin = next(r for r in by_place["results"] if r["id"] == listings.supply["gaoxin"].pk)
        assert gaoxin["highlights"]["title"] == ["成都<em>高新</em>区5000平米商服用地转让"]


def test_a_title_with_markup_is_escaped_in_its_highlight(client: Client, api_engine: str, listings: Market):
    listing = listings.supply["ascii"]
    SupplyListing.objects.filter(pk=listing.pk).update(title='ABC<script>alert("x")</script>科研用地')
    if api_engine == "elasticsearch":
        indexing.index_now("supply", [listing.pk])

    body = _get(client, "supply", keywords="script alert")

    (result,) = body["results"]
    assert result["title"] == 'ABC<script>alert("x")</script>科研用地'  # JSON text; pages put it in as text
    if api_engine == "elasticsearch":
        assert "&lt;" in result["highlights"]["title"][0]
        assert "<script>" not in str(result["highlights"])


def test_pages_follow_the_next_cursor_to_the_end_in_order(client: Client, api_engine: str, listings: Market):
    everything = [r["id"] for r in _get(client, "supply", sort="newest", page_size=100)["results"]]
    seen: list[int] = []
    body = _get(client, "supply", sort="newest", page_size=4)
    pages = 1
    while body["next"]:
        seen += [r["id"] for r in body["results"]]
        url = urlsplit(body["next"])
        assert url.path == "/api/search/supply"
        params = {name: values[0] for name, values in parse_qs(url.query).items()}
        assert "page" not in params
        assert params["sort"] == "newest"
        assert params["page_size"] == "4"
        body = _get(client, "supply", **params)
        assert body["page"] is None
        pages += 1
    seen += [r["id"] for r in body["results"]]

    assert len(everything) == 10
    assert seen == everything
    assert pages == 3


def test_page_numbers_page_in_the_same_order(client: Client, api_engine: str, listings: Market):
    everything = [r["id"] for r in _get(client, "supply", sort="price_desc", page_size=100)["results"]]
    second = _get(client, "supply", sort="price_desc", page_size=3, page=2)

    assert second["page"] == 2
    assert [r["id"] for r in second["results"]] == everything[3:6]
    assert everything[-2:] == sorted(listings.supply_ids("xindu", "negotiable2"), reverse=True)  # 面议 last


def test_a_page_past_the_last_one_is_a_400_naming_the_last_page(client: Client, api_engine: str, listings: Market):
    response = client.get("/api/search/supply", {"page": "3", "page_size": "5"})

    assert _fields(response) == {"page": ["beyond_end"]}
    assert "2" in response.json()["error"]["message"]
    assert _get(client, "supply", page="2", page_size="5")["results"]
    assert _get(client, "supply", keywords="找不到的词")["results"] == []  # no results on page 1 is an answer


@pytest.mark.parametrize("kind", ["supply", "demand"])
def test_the_number_of_queries_does_not_grow_with_the_results(
    client: Client, api_engine: str, listings: Market, owner: User, django_assert_num_queries: Any, kind: str
):
    def search() -> Any:
        return client.get(f"/api/search/{kind}", {"region": "530000", "page_size": "100"})

    search()  # loads the region table of this process (each later region save clears it)
    with CaptureQueriesContext(connection) as one:
        assert len(search().json()["results"]) == 1
    wuhua = Region.objects.get(code="530102")
    more: list[int] = []
    for n in range(12):
        listing: SupplyListing | Demand
        if kind == "supply":
            listing = supply_create(owner=owner, region=wuhua, title=f"五华区{n}号地", location=None)
            SupplyAttachment.objects.create(
                listing=listing, kind="photo", file=f"supply/2026/11/{n}.jpg", original_name=f"{n}.jpg",
                content_type="image/jpeg", size=1, uploaded_by=owner,
            )  # fmt: skip
        else:
            listing = Demand.objects.create(
                owner=owner, created_by=owner, region=wuhua, kind="purchase", status="registered",
                title=f"求购五华区{n}号地", registered_at=listings.demand["want_kunming"].registered_at,
            )  # fmt: skip
        more.append(listing.pk)
    if api_engine == "elasticsearch":
        indexing.index_now(kind, more)

    with django_assert_num_queries(len(one.captured_queries)):
        assert len(search().json()["results"]) == 13


@pytest.mark.parametrize("kind", ["supply", "demand"])
def test_elasticsearch_results_are_built_from_the_hits_without_a_database_query(
    client: Client, listings: Market, search_prefix: str, kind: str
):
    indexing.ensure_indices()
    indexing.index_now("supply", [row.pk for row in listings.supply.values()])
    indexing.index_now("demand", [row.pk for row in listings.demand.values()])
    _get(client, kind, keywords="用地")  # loads the region table of this process

    with CaptureQueriesContext(connection) as queries:
        body = _get(client, kind, keywords="用地", page_size="100")

    assert body["backend"] == "elasticsearch"
    assert len(body["results"]) > 1
    assert queries.captured_queries == []


def test_an_index_built_before_documents_kept_their_rows_answers_with_the_database_rows(
    client: Client, listings: Market, search_prefix: str
):
    indexing.ensure_indices()
    indexing.index_now("supply", [row.pk for row in listings.supply.values()])
    with override_settings(ELASTICSEARCH_URL=""):
        expected = _get(client, "supply", page_size="100")["results"]
    # The documents as an older release wrote them, without `row`: searches still answer, from the database's rows.
    es, alias = elasticsearch_client(), indexing.index_alias("supply")
    for pk, source in indexing._documents("supply", [row.pk for row in listings.supply.values()]):
        es.index(index=alias, id=str(pk), document={name: value for name, value in source.items() if name != "row"})
    es.indices.refresh(index=alias)

    body = _get(client, "supply", page_size="100")

    assert body["backend"] == "elasticsearch"
    assert body["results"] == expected


def test_an_elasticsearch_without_our_index_answers_from_the_database_without_its_error_text(
    client: Client, listings: Market
):
    # The real cluster, asked for an index that does not exist: the engine cannot answer, the database does.
    with override_settings(SEARCH_INDEX_PREFIX=f"{settings.SEARCH_INDEX_PREFIX}_missing_{uuid.uuid4().hex[:8]}"):
        response = client.get("/api/search/supply", {"keywords": "高新", "sort": "relevance"})

    assert response.status_code == 200
    body = response.json()
    assert body["backend"] == "database"
    assert {r["id"] for r in body["results"]} == listings.supply_ids("gaoxin", "mianyang")
    text = response.content.decode().lower()
    assert "index_not_found" not in text
    assert "elasticsearch" not in text.replace('"backend": "database"', "")


def test_a_search_answers_from_the_database_when_elasticsearch_is_not_configured(client: Client, listings: Market):
    with override_settings(ELASTICSEARCH_URL=""):
        body = _get(client, "demand", region="510100")

    assert body["backend"] == "database"
    assert {r["id"] for r in body["results"]} == listings.demand_ids("want_jinjiang", "want_chengdu")
