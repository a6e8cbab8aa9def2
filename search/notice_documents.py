"""The search document of a notice (交易公示): a published or superseded announcement with its lot's public fields,
or a published result (成交公示: a deal that is not revoked) with its winner's bidder number and published name and
its price unless both sides opted out.

Announcements and results share the notice index and the outbox kind `notice`. An announcement's document id is its
own id; a result's is the negative of its lot's id (one result per lot), so the two never collide and no other kind
or table is needed (`result_doc_id`).

Keyword fields hold the folded title, text (in overlapping chunks) and numbers, so a fragment is a wildcard query
`*fragment*` on them (the cluster has no ngram tokenizer); search/notice_query.py says how text is folded.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django_elasticsearch_dsl import Document, fields
from elasticsearch.dsl import MetaField

from auctions.models import Announcement, LotResult
from auctions.selectors_results import published_results, winner_name
from market.documents import index_settings, region_levels
from search.notice_query import NOTICE_STATUSES, text_chunks
from search.query import fold

# Document field → the public field of the lot it holds (core/tests/test_classification.py checks them).
LOT_FIELDS = {
    "lot": "id",
    "lot_number": "number",
    "region": "region",
    "centre": "centre",
    "lot_kind": "kind",
    "trading_mode": "trading_mode",
    "start_price_wan": "start_price_wan",
}
# Document field → the public field of the announcement it holds, folded or renamed.
ANNOUNCEMENT_FIELDS = {"id": "id", "type": "kind", "status": "status", "published_at": "published_at"}
ANNOUNCEMENT_FOLDED = {"title": "title", "body": "body", "numbers": "number"}  # `numbers` holds the lot's too
DERIVED = {"region_province", "region_city", "region_county"}
# A result's document: the title its lot's with this suffix, the text the winner's name and bidder number.
RESULT_TITLE_SUFFIX = " 成交公示"
# Document field → the public field it holds (results only); the winner's published identity (core/classification.py).
RESULT_FIELDS = {"land_use": ("auctions.Lot", "land_use"), "price_wan": ("auctions.LotResult", "price_wan")}
WINNER_FIELDS = {"winner_number", "winner_name"}


def result_doc_id(lot_id: int) -> int:
    """The notice id of a lot's result: the negative of the lot's id."""
    return -lot_id


def result_title(lot_title: str) -> str:
    return f"{lot_title}{RESULT_TITLE_SUFFIX}"


def result_text(result: LotResult) -> str:
    """The result's searchable text: the winner's published name and bidder number."""
    assert result.winner is not None  # noqa: S101 - published_results: deals with a winner
    return f"{winner_name(result.winner)} {result.winner.bidder_number}"


def notice_queryset() -> QuerySet[Announcement]:
    """Every announcement the notices show: published or superseded, never a draft."""
    return Announcement.objects.filter(status__in=NOTICE_STATUSES).select_related("lot")


class NoticeDocument(Document):
    """One announcement of a lot, as the notices search finds it."""

    class Meta:
        dynamic = MetaField("strict")

    id = fields.LongField()
    type = fields.KeywordField()  # the announcement's kind; `result` for results (成交公示) when there are some
    status = fields.KeywordField()
    published_at = fields.DateField()
    title = fields.KeywordField()  # folded
    body = fields.KeywordField(index_options="docs", doc_values=False)  # folded, in overlapping chunks
    numbers = fields.KeywordField(doc_values=False)  # the announcement's and the lot's numbers, folded
    lot = fields.LongField()
    lot_number = fields.KeywordField()
    region = fields.KeywordField()
    region_province = fields.KeywordField()
    region_city = fields.KeywordField()
    region_county = fields.KeywordField()
    centre = fields.KeywordField()
    lot_kind = fields.KeywordField()
    trading_mode = fields.KeywordField()
    start_price_wan = fields.DoubleField()
    # results only (type `result`); price_wan absent when the price is not published
    land_use = fields.KeywordField()
    winner_number = fields.KeywordField()
    winner_name = fields.KeywordField()
    price_wan = fields.DoubleField()

    class Index:
        name = f"{settings.SEARCH_INDEX_PREFIX}_notice"  # search/indexing.py resolves the alias at run time
        settings = index_settings()

    class Django:
        model = Announcement
        ignore_signals = True  # search/signals.py writes the outbox

    def get_queryset(self) -> QuerySet[Announcement]:
        return notice_queryset()

    def prepare(self, instance: Announcement) -> dict[str, Any]:
        lot = instance.lot
        return {
            "id": instance.pk,
            "type": instance.kind,
            "status": instance.status,
            "published_at": instance.published_at,
            "title": fold(instance.title),
            "body": text_chunks(instance.body),
            "numbers": [fold(number) for number in (instance.number, lot.number) if number],
            "lot": lot.pk,
            "lot_number": lot.number,
            **region_levels(lot.region_id),
            "centre": str(lot.centre_id),
            "lot_kind": lot.kind,
            "trading_mode": lot.trading_mode,
            "start_price_wan": float(lot.start_price_wan),
        }


def prepare_result(result: LotResult) -> dict[str, Any]:
    """A published result as a notice document (the same fields an announcement fills, and the result's own)."""
    lot = result.lot
    assert result.winner is not None  # noqa: S101 - published_results: deals with a winner
    source: dict[str, Any] = {
        "id": result_doc_id(lot.pk),
        "type": "result",
        "status": "published",
        "published_at": result.decided_at,
        "title": fold(result_title(lot.title)),
        "body": text_chunks(result_text(result)),
        "numbers": [fold(lot.number)] if lot.number else [],
        "lot": lot.pk,
        "lot_number": lot.number,
        **region_levels(lot.region_id),
        "centre": str(lot.centre_id),
        "lot_kind": lot.kind,
        "trading_mode": lot.trading_mode,
        "start_price_wan": float(lot.start_price_wan),
        "land_use": lot.land_use,
        "winner_number": result.winner.bidder_number,
        "winner_name": winner_name(result.winner),
    }
    if result.price_public and result.price_wan is not None:
        source["price_wan"] = float(result.price_wan)
    return source


def notice_sources(ids: Iterable[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(document id, source) of the notices among these ids that are public now; the others are to be removed."""
    wanted = list(ids)
    document = NoticeDocument()
    announcements = [pk for pk in wanted if pk > 0]
    lots = [-pk for pk in wanted if pk < 0]
    if announcements:
        for row in document.get_queryset().filter(pk__in=announcements):
            yield row.pk, document.prepare(row)
    if lots:
        for result in published_results().filter(lot_id__in=lots):
            yield result_doc_id(result.lot_id), prepare_result(result)


def all_notice_sources(*, chunk_size: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """Every public notice, streamed, for a full reindex."""
    document = NoticeDocument()
    for row in document.get_queryset().iterator(chunk_size=chunk_size):
        yield row.pk, document.prepare(row)
    for result in published_results().iterator(chunk_size=chunk_size):
        yield result_doc_id(result.lot_id), prepare_result(result)


def notice_count() -> int:
    return int(notice_queryset().count() + published_results().count())
