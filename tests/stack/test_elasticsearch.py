"""Documents are indexed into and found in the real Elasticsearch, through django-elasticsearch-dsl's connection."""

import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from elasticsearch.dsl import Document, GeoPoint, Keyword, Text

from search.backends import elasticsearch_client


@pytest.fixture
def notice_index() -> Iterator[type[Document]]:
    name = f"{settings.SEARCH_INDEX_PREFIX}_smoke_{uuid.uuid4().hex[:8]}"

    class Notice(Document):
        title = Text()
        lot_number = Keyword()
        location = GeoPoint()

        class Index:
            pass

    Notice._index._name = name
    Notice.init()
    yield Notice
    elasticsearch_client().indices.delete(index=name)


def test_a_document_indexed_in_elasticsearch_is_found_by_words_and_by_distance(notice_index):
    notice_index(
        meta={"id": "1"},
        title="成都高新区工业用地挂牌出让公告",
        lot_number="川DZR[2026]0001",
        location={"lat": 30.58, "lon": 104.06},
    ).save(refresh=True)
    notice_index(
        meta={"id": "2"},
        title="海口市商服用地拍卖公告",
        lot_number="琼HK[2026]0007",
        location={"lat": 20.04, "lon": 110.32},
    ).save(refresh=True)

    by_words = notice_index.search().query("match_phrase", title="高新").execute()
    by_number = notice_index.search().filter("term", lot_number="川DZR[2026]0001").execute()
    near_chengdu = notice_index.search().filter("geo_distance", distance="50km", location={"lat": 30.66, "lon": 104.07})

    assert [hit.meta.id for hit in by_words] == ["1"]
    assert [hit.meta.id for hit in by_number] == ["1"]
    assert [hit.meta.id for hit in near_chengdu.execute()] == ["1"]
    assert notice_index.search().count() == 2


def test_our_chinese_analysis_plugin_is_installed_in_the_server():
    """search/analysis-plugin, built with Maven and installed by scripts/stack: width folding, bigrams, smartcn."""
    client = elasticsearch_client()
    text = "成都高新区５０００平米"

    def tokens(**analysis: object) -> list[str]:
        return [token["token"] for token in client.indices.analyze(text=text, **analysis)["tokens"]]  # type: ignore[arg-type]

    assert tokens(tokenizer="standard", filter=["land_cjk_width", "land_cjk_bigram"]) == [
        "成", "成都", "都", "都高", "高", "高新", "新", "新区", "区", "5000", "平", "平米", "米",
    ]  # fmt: skip
    assert tokens(tokenizer="land_smartcn", filter=["land_cjk_width"])[:2] == ["成都", "高"]
