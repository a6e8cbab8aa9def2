"""Public lots on the map (the `lots` tile layer and its list): which lots, their filters, and each lot's phase by the
database clock, as SQL over a lot table alias so that tiles and the list read one definition."""

from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, CharField, QuerySet
from django.db.models.expressions import RawSQL

from auctions.models import Announcement, Lot
from auctions.selectors_public import PUBLIC_STATUSES
from geo.selectors import region_code_prefix

# A public lot's phase (docs/maps.md): 公告期, 报名期, 挂牌期, the auction's day, ended.
LOT_PHASES = ("announced", "applying", "listing", "auction_day", "ended")
TRADING_TIME_ZONE = "Asia/Shanghai"  # an auction's day is a day of Beijing time


@dataclass(frozen=True)
class LotFilter:
    region: str | None = None  # a GB/T 2260 code of any level: the lot's county is in it
    centre: int | None = None
    lot_kind: str | None = None
    trading_mode: str | None = None
    phase: tuple[str, ...] = ()


def _auction_day(alias: str) -> tuple[str, str]:
    """The Beijing-time day of the lot's auction start: its 00:00 and the next 00:00."""
    zone = TRADING_TIME_ZONE
    start = f"(date_trunc('day', {alias}.auction_starts_at AT TIME ZONE '{zone}') AT TIME ZONE '{zone}')"
    return start, f"({start} + interval '1 day')"


def lot_phase_sql(alias: str) -> str:
    """The phase at the database's now(): the latest stage that has begun (terminated lots have ended)."""
    day_start, day_end = _auction_day(alias)
    a = alias
    return f"""(CASE
        WHEN {a}.status = 'terminated' THEN 'ended'
        WHEN {a}.trading_mode = 'listing' AND {a}.listing_ends_at <= now() THEN 'ended'
        WHEN {a}.trading_mode = 'auction' AND {day_end} <= now() THEN 'ended'
        WHEN {a}.trading_mode = 'auction' AND {day_start} <= now() THEN 'auction_day'
        WHEN {a}.trading_mode = 'listing' AND {a}.listing_starts_at <= now() THEN 'listing'
        WHEN {a}.applications_open_at <= now() THEN 'applying'
        ELSE 'announced' END)"""


def lot_boundaries_sql(alias: str) -> str:
    """Every moment the lot's phase may change at, as an array (NULLs for the other trading mode's)."""
    day_start, day_end = _auction_day(alias)
    a = alias
    return f"ARRAY[{a}.applications_open_at, {a}.listing_starts_at, {a}.listing_ends_at, {day_start}, {day_end}]"


def public_lot_condition(wanted: LotFilter, alias: str) -> tuple[str, list[Any]]:
    """SQL on the lot `alias`: public (a published or superseded announcement) and chosen by the filters."""
    conditions = [
        f"EXISTS (SELECT FROM {Announcement._meta.db_table} a WHERE a.lot_id = {alias}.id AND a.status = ANY(%s))"
    ]
    params: list[Any] = [[str(status) for status in PUBLIC_STATUSES]]
    for name, column in (("centre", "centre_id"), ("lot_kind", "kind"), ("trading_mode", "trading_mode")):
        if getattr(wanted, name):
            conditions.append(f"{alias}.{column} = %s")
            params.append(getattr(wanted, name))
    if wanted.region:
        conditions.append(f"{alias}.region_id LIKE %s")
        params.append(region_code_prefix(wanted.region) + "%")
    if wanted.phase:
        conditions.append(f"{lot_phase_sql(alias)} = ANY(%s)")
        params.append(list(wanted.phase))
    return " AND ".join(conditions), params


def lots_on_map(*, wanted: LotFilter) -> QuerySet[Lot]:
    """The public lots the filters choose, each with its `phase`, newest announcement start first."""
    alias = f'"{Lot._meta.db_table}"'
    condition, params = public_lot_condition(wanted, alias)
    return (
        Lot.objects.filter(RawSQL(condition, params, output_field=BooleanField()))  # noqa: S611 (our own SQL)
        .annotate(phase=RawSQL(lot_phase_sql(alias), [], output_field=CharField()))  # noqa: S611
        .select_related("region", "centre", "parcel")
        .order_by("-announcement_starts_at", "-id")
    )
