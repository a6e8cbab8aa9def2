"""Reads on demand (需求): the public list and detail, the owner's list (我的需求) with what each item allows."""

from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import NotFound
from geo.selectors import region_code_prefix
from market.models import Demand

S = Demand.Status
# The personal centre's two tabs (需求登记: 未登记信息 / 已登记信息).
GROUPS: dict[str, tuple[str, ...]] = {
    "unregistered": (S.DRAFT,),
    "registered": (S.REGISTERED, S.DELISTED, S.EXPIRED),
}
# What the owner may do with a demand in each state, in the order the page shows the buttons.
ACTIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: ("view", "edit", "delete"),
    S.REGISTERED: ("view", "change", "delist", "delete"),
    S.DELISTED: ("view", "delete"),
    S.EXPIRED: ("view", "delete"),
}


def demand_actions(demand: Demand) -> list[str]:
    return list(ACTIONS.get(demand.status, ()))


def _demands() -> QuerySet[Demand]:
    return Demand.objects.select_related("region").defer("region__boundary", "region__boundary_simplified")


def _area_overlaps(demands: QuerySet[Demand], area_min: Decimal | None, area_max: Decimal | None) -> QuerySet[Demand]:
    """Demands whose wanted area range [min, max] overlaps [area_min, area_max] (an open end where a bound is
    missing)."""
    if area_min is not None:
        demands = demands.exclude(area_max_m2__lt=area_min)
    if area_max is not None:
        demands = demands.exclude(area_min_m2__gt=area_max)
    return demands


def demand_public_list(
    *,
    region: str | None = None,
    kind: str | None = None,
    land_use: str | None = None,
    area_min: Decimal | None = None,
    area_max: Decimal | None = None,
) -> QuerySet[Demand]:
    """Registered demands, newest first: `region` any level (every demand in or under it), `land_use` a first-level
    class (05: 05 and every 05xx) or a second-level one, areas overlapping the range."""
    demands = _demands().filter(status__in=Demand.PUBLIC_STATUSES)
    if region:
        demands = demands.filter(region__code__startswith=region_code_prefix(region))
    if kind:
        demands = demands.filter(kind=kind)
    if land_use:
        demands = demands.filter(land_use__startswith=land_use)
    return _area_overlaps(demands, area_min, area_max).order_by("-registered_at", "-id")


def demand_public_get(*, demand_id: int) -> Demand:
    demand = _demands().filter(pk=demand_id, status__in=Demand.PUBLIC_STATUSES).first()
    if demand is None:
        raise NotFound(_("No such demand."))
    return demand


def demand_own_list(
    *,
    user: User,
    group: str | None = None,
    title: str | None = None,
    status: str | None = None,
    published_from: date | None = None,
    published_to: date | None = None,
    area_min: Decimal | None = None,
    area_max: Decimal | None = None,
) -> QuerySet[Demand]:
    """The demands of the user's principal (a sub-account sees its enterprise's), deleted ones never; newest first.

    `published_from`/`published_to` are dates of registration (Asia/Shanghai), both inclusive.
    """
    demands = _demands().filter(owner=user.principal).exclude(status=S.DELETED)
    if group:
        demands = demands.filter(status__in=GROUPS[group])
    if status:
        demands = demands.filter(status=status)
    if title:
        demands = demands.filter(title__icontains=title)
    if published_from:
        demands = demands.filter(registered_at__date__gte=published_from)
    if published_to:
        demands = demands.filter(registered_at__date__lte=published_to)
    return _area_overlaps(demands, area_min, area_max).order_by("-created_at", "-id")


def demand_own_get(*, user: User, demand_id: int) -> Demand:
    demand = _demands().filter(pk=demand_id, owner=user.principal).exclude(status=S.DELETED).first()
    if demand is None:
        raise NotFound(_("No such demand."))
    return demand
