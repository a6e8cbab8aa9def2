"""The database engine of the notices: a `NoticeQuery` answered by PostgreSQL with the same ids, totals and facets as
Elasticsearch on the same announcements. Fragments are `LIKE '%…%'` on the folded title, text and numbers."""

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet

from auctions.models import Announcement
from market.documents import region_levels
from search.engines.database import _fold
from search.notice_documents import notice_queryset
from search.notice_query import NoticeQuery, fragments
from search.query import SearchPage, facet_region_level, region_prefix

SHANGHAI = ZoneInfo("Asia/Shanghai")
_TEXTS = {"f_title": "title", "f_body": "body", "f_number": "number", "f_lot_number": "lot__number"}


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def empty_facets() -> dict[str, list[tuple[str, int]]]:
    return {"type": [], "region": [], "centre": []}


class NoticeDatabaseEngine:
    """Answers a `NoticeQuery` from PostgreSQL: the facets and total from one grouped query, then the page."""

    name = "database"

    def search(self, query: NoticeQuery) -> SearchPage:
        notices = notice_filter(query)
        total, facets = _facets(query, notices)
        if not total or query.page < 1:
            return SearchPage(ids=[], total=total, facets=facets, backend=self.name)
        order = ("-published_at", "-id") if query.sort == "newest" else ("published_at", "id")
        start = (query.page - 1) * query.page_size
        ids = list(notices.order_by(*order).values_list("pk", flat=True)[start : start + query.page_size])
        return SearchPage(ids=ids, total=total, facets=facets, backend=self.name)


def notice_filter(query: NoticeQuery) -> QuerySet[Announcement]:
    """The announcements the notices show that pass every filter of the query, not ordered."""
    notices = notice_queryset()
    parts = fragments(query.keywords)
    if parts:
        notices = notices.annotate(**{name: _fold(F(source)) for name, source in _TEXTS.items()})
        for part in parts:
            notices = notices.filter(
                Q(f_title__contains=part)
                | Q(f_body__contains=part)
                | Q(f_number__contains=part)
                | Q(f_lot_number__contains=part)
            )
    conditions = Q()
    if query.region:
        conditions &= Q(lot__region__code__startswith=region_prefix(query.region))
    if query.types:
        conditions &= Q(kind__in=query.types)
    if query.published_from is not None:
        conditions &= Q(published_at__gte=day_start(query.published_from))
    if query.published_to is not None:
        conditions &= Q(published_at__lt=day_start(query.published_to + timedelta(days=1)))
    if query.centre is not None:
        conditions &= Q(lot__centre_id=query.centre)
    if query.lot_kind:
        conditions &= Q(lot__kind=query.lot_kind)
    if query.trading_mode:
        conditions &= Q(lot__trading_mode=query.trading_mode)
    return notices.filter(conditions)


def _facets(query: NoticeQuery, notices: QuerySet[Announcement]) -> tuple[int, dict[str, list[tuple[str, int]]]]:
    """The total and the facets by count then key, as Elasticsearch's terms aggregations order them."""
    level = f"region_{facet_region_level(query.region)}"
    counts: dict[str, Counter[str]] = {"type": Counter(), "region": Counter(), "centre": Counter()}
    total = 0
    groups = notices.order_by().values("kind", "lot__region_id", "lot__centre_id").annotate(n=Count("id"))
    for group in groups:
        total += group["n"]
        counts["type"][group["kind"]] += group["n"]
        counts["centre"][str(group["lot__centre_id"])] += group["n"]
        region = region_levels(group["lot__region_id"])[level]
        if region:
            counts["region"][region] += group["n"]
    facets = {name: sorted(counter.items(), key=lambda item: (-item[1], item[0])) for name, counter in counts.items()}
    return total, facets
