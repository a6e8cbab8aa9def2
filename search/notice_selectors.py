"""Reads of the notices search: the announcements and results of a page of results in order, and the names of its
facets."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from auctions.models import Announcement, Lot, LotResult, TradingCentre
from auctions.selectors_results import published_results, winner_name
from search.notice_documents import result_doc_id, result_title


@dataclass(frozen=True)
class ResultNotice:
    """A published result (成交公示) as a row of the notices, with the attributes an announcement's row has; `id` is
    its lot's id (its notice id is the negative of that: search/notice_documents.py)."""

    id: int
    number: str
    title: str
    kind: str
    kind_name: str
    status: str
    published_at: datetime
    lot: Lot
    land_use: str
    winner_number: str
    winner_name: str
    price_public: bool
    price_wan: Decimal | None

    def get_kind_display(self) -> str:
        return self.kind_name


def result_notice(result: LotResult) -> ResultNotice:
    from search.notice_serializers import TYPE_NAMES  # the type's name, as the facet names it

    lot = result.lot
    assert result.winner is not None  # noqa: S101 - published_results: deals with a winner
    return ResultNotice(
        id=lot.pk,
        number=lot.number,
        title=result_title(lot.title),
        kind="result",
        kind_name=str(TYPE_NAMES["result"]),
        status="published",
        published_at=result.decided_at,
        lot=lot,
        land_use=lot.land_use,
        winner_number=result.winner.bidder_number,
        winner_name=winner_name(result.winner),
        price_public=result.price_public,
        price_wan=result.price_wan if result.price_public else None,
    )


def notice_rows(*, ids: list[int]) -> list[Announcement | ResultNotice]:
    """The published or superseded announcements (positive ids) and published results (negative ids: their lots')
    of a page, in the order of `ids`, with their lots, centres and regions (three levels) for the results."""
    rows = Announcement.objects.filter(pk__in=[pk for pk in ids if pk > 0], status__in=("published", "superseded"))
    by_id: dict[int, Announcement | ResultNotice] = {
        row.pk: row for row in rows.select_related("lot__centre", "lot__region__parent__parent")
    }
    lots = [-pk for pk in ids if pk < 0]
    if lots:
        for result in published_results().filter(lot_id__in=lots):
            by_id[result_doc_id(result.lot_id)] = result_notice(result)
    return [by_id[pk] for pk in ids if pk in by_id]


def centre_names(*, ids: Iterable[str]) -> dict[str, str]:
    """Id (as text) → name of these trading centres."""
    numbers = [int(pk) for pk in ids if str(pk).isdigit()]
    return {str(pk): name for pk, name in TradingCentre.objects.filter(pk__in=numbers).values_list("pk", "name")}
