"""The search document of a notice (交易公示): a published or superseded announcement with its lot's public fields.

Keyword fields hold the folded title, text (in overlapping chunks) and numbers, so a fragment is a wildcard query
`*fragment*` on them (the cluster has no ngram tokenizer); search/notice_query.py says how text is folded.
"""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django_elasticsearch_dsl import Document, fields
from elasticsearch.dsl import MetaField

from auctions.models import Announcement
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
