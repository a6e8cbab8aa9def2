"""Measuring Chinese analysers against a query set: each candidate is a sub-field of one temporary index, each
strategy a way to query it; the scores say which finds what people type (precision, recall, exact queries)."""

import uuid
from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch

# The analysers under comparison. land_* come from our plugin (search/analysis-plugin).
ANALYSIS: dict[str, Any] = {
    "analyzer": {
        "unigram": {"tokenizer": "standard", "filter": ["land_cjk_width", "lowercase"]},
        "bigram": {"tokenizer": "standard", "filter": ["land_cjk_width", "lowercase", "land_cjk_bigram"]},
        "smartcn": {"tokenizer": "land_smartcn", "filter": ["land_cjk_width", "lowercase"]},
    }
}
CANDIDATES = tuple(ANALYSIS["analyzer"])
STRATEGIES = ("match_and", "match_phrase")


@dataclass
class Score:
    analyzer: str
    strategy: str
    precision: float
    recall: float
    exact_queries: int
    queries: int
    misses: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _query(field: str, strategy: str, text: str) -> dict[str, Any]:
    if strategy == "match_phrase":
        return {"match_phrase": {field: text}}
    return {"match": {field: {"query": text, "operator": "and"}}}


def measure(
    client: Elasticsearch, *, documents: dict[str, str], queries: list[tuple[str, set[str]]], prefix: str
) -> list[Score]:
    """Index the documents once with every candidate as a sub-field, run every query both ways, and score."""
    index = f"{prefix}_analysis_{uuid.uuid4().hex[:8]}"
    fields = {name: {"type": "text", "analyzer": name} for name in CANDIDATES}
    client.indices.create(
        index=index,
        settings={"number_of_shards": 1, "number_of_replicas": 0, "analysis": ANALYSIS},
        mappings={"properties": {"text": {"type": "text", "analyzer": "unigram", "fields": fields}}},
    )
    try:
        for key, text in documents.items():
            client.index(index=index, id=key, document={"text": text})
        client.indices.refresh(index=index)
        scores = []
        for analyzer in CANDIDATES:
            for strategy in STRATEGIES:
                scores.append(_score(client, index, analyzer, strategy, queries))
        return scores
    finally:
        client.indices.delete(index=index)


def _score(
    client: Elasticsearch, index: str, analyzer: str, strategy: str, queries: list[tuple[str, set[str]]]
) -> Score:
    found_relevant = found = relevant = exact = 0
    misses = []
    for text, wanted in queries:
        response = client.search(index=index, query=_query(f"text.{analyzer}", strategy, text), size=100)
        hits = {hit["_id"] for hit in response["hits"]["hits"]}
        found_relevant += len(hits & wanted)
        found += len(hits)
        relevant += len(wanted)
        if hits == wanted:
            exact += 1
        else:
            misses.append({"query": text, "missing": sorted(wanted - hits), "unwanted": sorted(hits - wanted)})
    return Score(
        analyzer=analyzer,
        strategy=strategy,
        precision=round(found_relevant / found, 3) if found else 0.0,
        recall=round(found_relevant / relevant, 3) if relevant else 0.0,
        exact_queries=exact,
        queries=len(queries),
        misses=misses,
    )
