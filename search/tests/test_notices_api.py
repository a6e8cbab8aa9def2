"""/api/search/notices: results with public fields only, facets with names (every type, result at 0), structured
400s for bad parameters, and the database answering when Elasticsearch cannot."""

from typing import Any

import pytest
from django.test import Client

from search.tests.notices_world import Notices, index_notices, notices  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(notices: Notices, search_prefix: str) -> Notices:  # noqa: F811
    index_notices(notices, search_prefix)
    return notices


def test_a_fragment_of_a_lot_number_finds_its_announcements_with_their_public_fields(
    client: Client, indexed: Notices, private_cache: Any
):
    body = client.get("/api/search/notices", {"keywords": "DZR[2026]0012"}).json()

    assert body["backend"] == "elasticsearch"
    assert [item["number"] for item in body["results"]] == ["川自然资源字[2026]0002号", "川自然资源字[2026]0001号"]
    first = body["results"][0]
    assert first["type"] == "change"
    assert first["lot"]["region"]["full_name"] == "四川省成都市锦江区"
    assert first["lot"]["centre"]["name"] == "成都市公共资源交易中心"
    assert first["url"] == f"/notices/{indexed.announcements['a2'].pk}/"
    assert "published_by" not in first
    assert "body" not in first
    types = {facet["code"]: facet["count"] for facet in body["facets"]["type"]}
    assert types == {"normal": 1, "change": 1, "termination": 0, "result": 0}


def test_filters_by_region_type_and_preset_dates(client: Client, indexed: Notices, private_cache: Any):
    answer = client.get("/api/search/notices", {"region": "510000", "type": "normal,termination", "published": "30d"})
    assert {item["id"] for item in answer.json()["results"]} == indexed.ids("a3", "a4", "a6")
    results_tab = client.get("/api/search/notices", {"type": "result"}).json()
    assert results_tab["count"] == 0


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"type": "draft"}, "type", "invalid_choice"),
        ({"region": "12"}, "region", "invalid"),
        ({"region": "990000"}, "region", "unknown"),
        ({"published": "3d", "published_from": "2026-11-01"}, "published", "exclusive"),
        ({"published_from": "2026-11-02", "published_to": "2026-11-01"}, "published_to", "inverted_range"),
        ({"sort": "price_asc"}, "sort", "invalid_choice"),
        ({"page": "101", "page_size": "100"}, "page", "beyond_result_window"),
        ({"page": "3"}, "page", "beyond_end"),
        ({"lot_kind": "house"}, "lot_kind", "invalid_choice"),
    ],
)
def test_a_bad_parameter_is_a_structured_400_naming_it(
    client: Client, indexed: Notices, private_cache: Any, params: dict[str, str], field: str, code: str
):
    response = client.get("/api/search/notices", params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert [item["code"] for item in error["fields"][field]] == [code]


def test_without_elasticsearch_the_database_answers_the_same(
    client: Client, indexed: Notices, private_cache: Any, elasticsearch_at: Any
):
    params = {"keywords": "0012", "region": "510000"}
    with_index = client.get("/api/search/notices", params).json()
    elasticsearch_at("http://127.0.0.1:9", 1.0)  # nothing listens: the search falls back
    fallback = client.get("/api/search/notices", params).json()

    assert with_index["backend"] == "elasticsearch"
    assert fallback["backend"] == "database"
    assert [item["id"] for item in fallback["results"]] == [item["id"] for item in with_index["results"]]
    assert fallback["facets"] == with_index["facets"]
