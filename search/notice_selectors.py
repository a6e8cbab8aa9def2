"""Reads of the notices search: the announcements of a page of results in order, and the names of its facets."""

from collections.abc import Iterable

from auctions.models import Announcement, TradingCentre


def notice_rows(*, ids: list[int]) -> list[Announcement]:
    """The published or superseded announcements with these ids, in the order of `ids`, with their lots, centres
    and regions (three levels) for the results."""
    rows = Announcement.objects.filter(pk__in=ids, status__in=("published", "superseded")).select_related(
        "lot__centre", "lot__region__parent__parent"
    )
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def centre_names(*, ids: Iterable[str]) -> dict[str, str]:
    """Id (as text) → name of these trading centres."""
    numbers = [int(pk) for pk in ids if str(pk).isdigit()]
    return {str(pk): name for pk, name in TradingCentre.objects.filter(pk__in=numbers).values_list("pk", "name")}
