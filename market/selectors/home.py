"""What the home page shows a visitor: the newest public listings and demands, and a few figures of the market."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from market.models import Demand, SupplyListing
from market.selectors.demand import demand_public_list
from market.selectors.supply import supply_public_list

NEWEST = 6  # cards per list


@dataclass(frozen=True)
class MarketFigures:
    listings: int  # published and certified supply listings
    certified: int  # of which certified by the local authority (属地认证)
    area_m2: Decimal  # their total area
    demands: int  # registered demands


def home_newest() -> tuple[list[SupplyListing], list[Demand]]:
    """The newest public supply listings and demands, NEWEST of each."""
    listings = list(supply_public_list()[:NEWEST])
    demands = list(demand_public_list()[:NEWEST])
    return listings, demands


def home_figures() -> MarketFigures:
    """Counts over the public listings and demands (two queries)."""
    supply = SupplyListing.objects.filter(status__in=SupplyListing.PUBLIC_STATUSES).aggregate(
        listings=Count("id"),
        certified=Count("id", filter=Q(status=SupplyListing.Status.CERTIFIED)),
        area=Sum("area_m2"),
    )
    demands = Demand.objects.filter(status__in=Demand.PUBLIC_STATUSES).count()
    area = supply["area"] or Decimal(0)
    return MarketFigures(listings=supply["listings"], certified=supply["certified"], area_m2=area, demands=demands)
