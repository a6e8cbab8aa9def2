"""The search document of a direct transaction (直接交易): a coded contract concluded directly between the parties (no
lot), with its public fields only (core/classification.py); a revoked one is removed. The price is not indexed: the
rows of a page come from the database (contracts.selectors_public), which applies the parties' publishing choice.

The address and the number are folded keyword fields, so a keyword fragment is a wildcard query `*fragment*` on them,
as for the notices (search/notice_documents.py)."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django_elasticsearch_dsl import Document, fields
from elasticsearch.dsl import MetaField

from contracts.models import Contract
from contracts.selectors_public import direct_deals
from market.documents import index_settings, region_levels
from search.query import fold

# Document field → the public field of the contract it holds (search/tests/test_direct_deals.py checks them).
CONTRACT_FIELDS = {"number": "number", "kind": "kind", "land_use": "land_use", "coded_at": "coded_at"}
FOLDED = {"address": "address", "numbers": "number"}
DERIVED = {"region", "region_province", "region_city", "region_county"}  # the region's code and its levels
KEY = "id"  # the contract's id: the document's key and the sort's tie-breaker, never shown


class DirectDealDocument(Document):
    """One direct transaction, as the 直接交易 search finds it."""

    class Meta:
        dynamic = MetaField("strict")

    id = fields.LongField()
    number = fields.KeywordField()
    kind = fields.KeywordField()  # transfer | lease (the mode)
    land_use = fields.KeywordField()  # GB/T 21010 second level; a first-level code filters by prefix
    coded_at = fields.DateField()
    address = fields.KeywordField()  # folded
    numbers = fields.KeywordField(doc_values=False)  # the number, folded
    region = fields.KeywordField()
    region_province = fields.KeywordField()
    region_city = fields.KeywordField()
    region_county = fields.KeywordField()

    class Index:
        name = f"{settings.SEARCH_INDEX_PREFIX}_direct"  # search/indexing.py resolves the alias at run time
        settings = index_settings()

    class Django:
        model = Contract
        ignore_signals = True  # search/signals.py writes the outbox

    def get_queryset(self) -> QuerySet[Contract]:
        return direct_deals()

    def prepare(self, instance: Contract) -> dict[str, Any]:
        return {
            "id": instance.pk,
            "number": instance.number,
            "kind": instance.kind,
            "land_use": instance.land_use,
            "coded_at": instance.coded_at,
            "address": fold(instance.address),
            "numbers": [fold(instance.number or "")],
            **region_levels(instance.region_id),
        }
