"""The database engine of the 直接交易 search: a `DirectDealQuery` answered by PostgreSQL with the same ids and total
as Elasticsearch on the same contracts; fragments are `LIKE '%…%'` on the folded address and number."""

from datetime import timedelta

from django.db.models import F, Q, QuerySet

from contracts.models import Contract
from contracts.selectors_public import direct_deals
from search.direct_query import DirectDealQuery
from search.engines.database import _fold
from search.engines.notice_database import day_start
from search.notice_query import fragments
from search.query import SearchPage, region_prefix


class DirectDealDatabaseEngine:
    name = "database"

    def search(self, query: DirectDealQuery) -> SearchPage:
        deals = direct_deal_filter(query)
        total = deals.count()
        if not total or query.page < 1:
            return SearchPage(ids=[], total=total, backend=self.name)
        start = (query.page - 1) * query.page_size
        ids = deals.order_by("-coded_at", "-id").values_list("id", flat=True)[start : start + query.page_size]
        return SearchPage(ids=list(ids), total=total, backend=self.name)


def direct_deal_filter(query: DirectDealQuery) -> QuerySet[Contract]:
    """The direct transactions that pass every filter of the query, not ordered."""
    deals = direct_deals()
    parts = fragments(query.keywords)
    if parts:
        deals = deals.annotate(f_address=_fold(F("address")), f_number=_fold(F("number")))
        for part in parts:
            deals = deals.filter(Q(f_address__contains=part) | Q(f_number__contains=part))
    if query.region:
        deals = deals.filter(region__code__startswith=region_prefix(query.region))
    if query.land_use:
        deals = deals.filter(land_use__startswith=query.land_use)
    if query.kind:
        deals = deals.filter(kind=query.kind)
    if query.coded_from is not None:
        deals = deals.filter(coded_at__gte=day_start(query.coded_from))
    if query.coded_to is not None:
        deals = deals.filter(coded_at__lt=day_start(query.coded_to + timedelta(days=1)))
    return deals
