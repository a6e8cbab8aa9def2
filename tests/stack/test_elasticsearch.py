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
