"""The database engine of the notices: a `NoticeQuery` answered by PostgreSQL with the same ids, totals and facets as
Elasticsearch on the same announcements and results. Fragments are `LIKE '%…%'` on the folded title, text and
numbers. Results (成交公示) come from LotResult with the ids, titles and texts search/notice_documents.py gives them
in the index, merged with the announcements in one UNION for the page."""

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat

from auctions.models import Announcement, LotResult
from auctions.selectors_results import published_results
from market.documents import region_levels
from search.engines.database import _fold
from search.notice_documents import RESULT_TITLE_SUFFIX, notice_queryset
from search.notice_query import RESULT_TYPE, NoticeQuery, fragments
from search.query import SearchPage, facet_region_level, region_prefix

SHANGHAI = ZoneInfo("Asia/Shanghai")
_TEXTS = {"f_title": "title", "f_body": "body", "f_number": "number", "f_lot_number": "lot__number"}


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def _negative(field: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(field) * -1, output_field=BigIntegerField())


def empty_facets() -> dict[str, list[tuple[str, int]]]:
    return {"type": [], "region": [], "centre": []}


class NoticeDatabaseEngine:
    """Answers a `NoticeQuery` from PostgreSQL: the facets and total from one grouped query, then the page."""

    name = "database"

    def search(self, query: NoticeQuery) -> SearchPage:
        notices = notice_filter(query)
        results = result_filter(query)
        total, facets = _facets(query, notices, results)
        if not total or query.page < 1:
            return SearchPage(ids=[], total=total, facets=facets, backend=self.name)
        order = ("-at", "-doc") if query.sort == "newest" else ("at", "doc")
        start = (query.page - 1) * query.page_size
        rows = notices.annotate(at=F("published_at"), doc=F("pk")).values_list("at", "doc")
        if results is not None:  # a result's id is the negative of its lot's (search/notice_documents.py)
            rows = rows.union(results.annotate(at=F("decided_at"), doc=_negative("lot_id")).values_list("at", "doc"))
        page = rows.order_by(*order)[start : start + query.page_size]
        return SearchPage(ids=[doc for _at, doc in page], total=total, facets=facets, backend=self.name)


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
    conditions = _lot_and_date(query, "published_at")
    if query.types:
        conditions &= Q(kind__in=query.types)
    return notices.filter(conditions)


def _lot_and_date(query: NoticeQuery, date_field: str) -> Q:
    """The filters an announcement and a result share: its lot's region, centre, kind and mode, and its date."""
    conditions = Q()
    if query.region:
        conditions &= Q(lot__region__code__startswith=region_prefix(query.region))
    if query.published_from is not None:
        conditions &= Q(**{f"{date_field}__gte": day_start(query.published_from)})
    if query.published_to is not None:
        conditions &= Q(**{f"{date_field}__lt": day_start(query.published_to + timedelta(days=1))})
    if query.centre is not None:
        conditions &= Q(lot__centre_id=query.centre)
    if query.lot_kind:
        conditions &= Q(lot__kind=query.lot_kind)
    if query.trading_mode:
        conditions &= Q(lot__trading_mode=query.trading_mode)
    return conditions


def result_filter(query: NoticeQuery) -> QuerySet[LotResult] | None:
    """The published results (deals not revoked) that pass every filter of the query, not ordered; None when the
    query's types leave results out. The title, text and numbers are those of the result's notice document."""
    if query.types and RESULT_TYPE not in query.types:
        return None
    results = published_results().select_related(None)
    parts = fragments(query.keywords)
    if parts:
        texts: dict[str, Combinable] = {
            "f_title": Concat(F("lot__title"), Value(RESULT_TITLE_SUFFIX)),
            "f_body": Concat(F("winner__application__applicant__real_name"), Value(" "), F("winner__bidder_number")),
            "f_lot_number": F("lot__number"),
        }
        results = results.annotate(**{name: _fold(text) for name, text in texts.items()})
        for part in parts:
            results = results.filter(
                Q(f_title__contains=part) | Q(f_body__contains=part) | Q(f_lot_number__contains=part)
            )
    return results.filter(_lot_and_date(query, "decided_at"))


def _facets(
    query: NoticeQuery, notices: QuerySet[Announcement], results: QuerySet[LotResult] | None
) -> tuple[int, dict[str, list[tuple[str, int]]]]:
    """The total and the facets by count then key, as Elasticsearch's terms aggregations order them."""
    level = f"region_{facet_region_level(query.region)}"
    counts: dict[str, Counter[str]] = {"type": Counter(), "region": Counter(), "centre": Counter()}
    total = 0
    groups = list(notices.order_by().values("kind", "lot__region_id", "lot__centre_id").annotate(n=Count("id")))
    if results is not None:
        groups += [
            {**group, "kind": RESULT_TYPE}
            for group in results.order_by().values("lot__region_id", "lot__centre_id").annotate(n=Count("lot_id"))
        ]
    for group in groups:
        total += group["n"]
        counts["type"][group["kind"]] += group["n"]
        counts["centre"][str(group["lot__centre_id"])] += group["n"]
        region = region_levels(group["lot__region_id"])[level]
        if region:
            counts["region"][region] += group["n"]
    facets = {name: sorted(counter.items(), key=lambda item: (-item[1], item[0])) for name, counter in counts.items()}
    return total, facets
