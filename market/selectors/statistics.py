"""Land statistics (土地统计数据): public supply listings and registered demands counted by region, by first-level
land use or by month of publication (Asia/Shanghai), with areas, prices and average unit prices."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from geo.models import Region
from geo.reference import LAND_USE_MAJOR
from geo.selectors import region_code_prefix
from market.models import Demand, SupplyListing

GroupBy = Literal["region", "land_use", "month"]
SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_MONTHS = 120
CENT = Decimal("0.01")
YUAN_PER_WAN = Decimal(10_000)
# A supply listing's mode and the demand kind that asks for it.
DEMAND_KIND_FOR_MODE = {SupplyListing.Mode.TRANSFER: Demand.Kind.PURCHASE, SupplyListing.Mode.LEASE: Demand.Kind.LEASE}


@dataclass
class StatisticsGroup:
    """One group's figures: listings, their area (m²), the total price of those with a price (万元), the average
    unit price (元/m²: that total ÷ the area of the priced listings, to the cent; None without priced ones), and
    the registered demands in the same group."""

    key: str
    name: str
    listing_count: int = 0
    area_m2: Decimal = Decimal("0.00")
    priced_count: int = 0
    price_wan: Decimal = Decimal("0.0000")
    # The unit price's parts: price and area of the listings that have both.
    unit_price_base_wan: Decimal = Decimal("0.0000")
    priced_area_m2: Decimal = Decimal("0.00")
    demand_count: int = 0

    @property
    def unit_price_yuan_m2(self) -> Decimal | None:
        if not self.priced_area_m2:
            return None
        return (self.unit_price_base_wan * YUAN_PER_WAN / self.priced_area_m2).quantize(CENT, rounding=ROUND_HALF_UP)

    def add(self, other: "StatisticsGroup") -> None:
        self.listing_count += other.listing_count
        self.area_m2 += other.area_m2
        self.priced_count += other.priced_count
        self.price_wan += other.price_wan
        self.unit_price_base_wan += other.unit_price_base_wan
        self.priced_area_m2 += other.priced_area_m2
        self.demand_count += other.demand_count


@dataclass
class Statistics:
    group_by: GroupBy
    region: Region | None
    month_from: date | None
    month_to: date | None
    mode: str | None
    groups: list[StatisticsGroup] = field(default_factory=list)

    @property
    def total(self) -> StatisticsGroup:
        total = StatisticsGroup(key="total", name=_("total"))
        for group in self.groups:
            total.add(group)
        return total


def _invalid(name: str, code: str, message: str) -> InvalidInput:
    return InvalidInput(fields={name: [{"code": code, "message": message}]})


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _months(first: date, last: date) -> list[date]:
    months = [first]
    while months[-1] < last:
        months.append(_next_month(months[-1]))
    return months


def _month_range(group_by: GroupBy, month_from: date | None, month_to: date | None) -> tuple[date | None, date | None]:
    """The months asked for; grouping by month without both ends takes the twelve months up to the current one
    (or up to `month_to`, or from `month_from` to the current one)."""
    if group_by == "month":
        today = timezone.localdate(timezone=SHANGHAI)
        if month_to is None:
            month_to = max(date(today.year, today.month, 1), month_from or date.min)
        if month_from is None:
            month_from = date(month_to.year - 1, month_to.month, 1)
            month_from = _next_month(month_from)
    if month_from and month_to:
        if month_from > month_to:
            raise _invalid("to", "invalid", _("The last month must not be before the first."))
        if (month_to.year - month_from.year) * 12 + month_to.month - month_from.month >= MAX_MONTHS:
            raise _invalid("from", "too_long", _("At most %(count)d months.") % {"count": MAX_MONTHS})
    return month_from, month_to


def _in_months(rows: QuerySet[Any], field_name: str, month_from: date | None, month_to: date | None) -> QuerySet[Any]:
    if month_from:
        rows = rows.filter(**{f"{field_name}__gte": datetime.combine(month_from, datetime.min.time(), SHANGHAI)})
    if month_to:
        end = datetime.combine(_next_month(month_to), datetime.min.time(), SHANGHAI)
        rows = rows.filter(**{f"{field_name}__lt": end})
    return rows


def _key_expression(group_by: GroupBy, time_field: str) -> Any:
    if group_by == "region":
        return Substr("region_id", 1, 6)
    if group_by == "land_use":
        return Substr("land_use", 1, 2)
    return TruncMonth(time_field, tzinfo=SHANGHAI)


def _key_text(group_by: GroupBy, key: Any) -> str:
    if key is None:
        return ""
    if group_by == "month":
        return f"{timezone.localtime(key, SHANGHAI):%Y-%m}" if isinstance(key, datetime) else f"{key:%Y-%m}"
    return str(key)


def _groups(group_by: GroupBy, region: Region | None, months: list[date]) -> list[StatisticsGroup]:
    if group_by == "land_use":
        return [StatisticsGroup(key=code, name=name) for code, name in sorted(LAND_USE_MAJOR.items())]
    if group_by == "month":
        return [StatisticsGroup(key=f"{month:%Y-%m}", name=f"{month:%Y-%m}") for month in months]
    children = Region.objects.filter(parent_id=region.code if region else None).only("code", "name").order_by("code")
    regions: Iterable[Region] = list(children) or ([region] if region else [])
    return [StatisticsGroup(key=child.code, name=child.name) for child in regions]


def _group_finder(group_by: GroupBy, groups: list[StatisticsGroup]) -> Any:
    """key of a row → its group (None when it falls in none): regions by code prefix, the others exactly."""
    if group_by != "region":
        by_key = {group.key: group for group in groups}
        return by_key.get
    prefixes = sorted(((region_code_prefix(group.key), group) for group in groups), key=lambda p: -len(p[0]))

    def find(code: str) -> StatisticsGroup | None:
        return next((group for prefix, group in prefixes if code.startswith(prefix)), None)

    return find


def land_statistics(
    *,
    group_by: GroupBy,
    region: str | None = None,
    month_from: date | None = None,
    month_to: date | None = None,
    mode: str | None = None,
) -> Statistics:
    """Public supply listings (published or certified) in `region` (everywhere when None) and, when given, of
    `mode` and published in the months `month_from`…`month_to` (first days of months, Asia/Shanghai), grouped:

    - region: by the child regions of `region` (the provinces without it; the region itself when it has none), a
      listing counting in the child whose code it falls under;
    - land_use: by the twelve first-level classes of GB/T 21010-2017;
    - month: by month of publication, every month of the range.

    Registered demands are counted in the same groups (by region, by their land use's first level, by month of
    registration; a demand for a region above the groups' level counts in none; `mode` transfer counts purchase
    demands and lease counts lease ones).
    """
    place = None
    if region is not None:
        place = Region.objects.filter(code=region).only("code", "name", "level").first()
        if place is None:
            raise _invalid("region", "not_found", _("No region has this code."))
    month_from, month_to = _month_range(group_by, month_from, month_to)
    months = _months(month_from, month_to) if group_by == "month" and month_from and month_to else []
    groups = _groups(group_by, place, months)
    statistics = Statistics(
        group_by=group_by, region=place, month_from=month_from, month_to=month_to, mode=mode, groups=groups
    )
    find = _group_finder(group_by, statistics.groups)

    listings = SupplyListing.objects.filter(status__in=SupplyListing.PUBLIC_STATUSES)
    demands = Demand.objects.filter(status__in=Demand.PUBLIC_STATUSES)
    if place is not None:
        prefix = region_code_prefix(place.code)
        listings = listings.filter(region__code__startswith=prefix)
        demands = demands.filter(region__code__startswith=prefix)
    if mode:
        listings = listings.filter(mode=mode)
        demands = demands.filter(kind=DEMAND_KIND_FOR_MODE[SupplyListing.Mode(mode)])
    listings = _in_months(listings, "published_at", month_from, month_to)
    demands = _in_months(demands, "registered_at", month_from, month_to)

    priced = Q(price_wan__isnull=False)
    priced_with_area = Q(price_wan__isnull=False, area_m2__isnull=False)
    supply_rows = (
        listings.annotate(key=_key_expression(group_by, "published_at"))
        .values("key")
        .annotate(
            listings=Count("id"),
            total_area=Sum("area_m2"),
            priced=Count("id", filter=priced),
            total_price=Sum("price_wan", filter=priced),
            unit_base=Sum("price_wan", filter=priced_with_area),
            unit_area=Sum("area_m2", filter=priced_with_area),
        )
        .order_by()
    )
    for row in supply_rows:
        group = find(_key_text(group_by, row["key"]))
        if group is None:
            continue
        group.add(
            StatisticsGroup(
                key=group.key,
                name=group.name,
                listing_count=row["listings"],
                area_m2=row["total_area"] or Decimal("0.00"),
                priced_count=row["priced"],
                price_wan=row["total_price"] or Decimal("0.0000"),
                unit_price_base_wan=row["unit_base"] or Decimal("0.0000"),
                priced_area_m2=row["unit_area"] or Decimal("0.00"),
            )
        )
    demand_rows = (
        demands.annotate(key=_key_expression(group_by, "registered_at"))
        .values("key")
        .annotate(demands=Count("id"))
        .order_by()
    )
    for demand_row in demand_rows:
        group = find(_key_text(group_by, demand_row["key"]))
        if group is not None:
            group.demand_count += demand_row["demands"]
    return statistics
