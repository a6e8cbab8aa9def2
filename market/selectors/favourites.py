"""Reads on favourites: my favourites (我的收藏) by kind, with what each points at, searchable by the seed's
filters (title, publication date, area)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q, QuerySet

from accounts.models import User
from market.models import Demand, Favourite, SupplyListing
from market.selectors.interactions import demand_link, supply_link


@dataclass(frozen=True)
class FavouriteFilters:
    title: str = ""
    published_from: date | None = None
    published_to: date | None = None
    area_min_m2: Decimal | None = None
    area_max_m2: Decimal | None = None


@dataclass(frozen=True)
class FavouriteRow:
    """A favourite and what it points at. A target that left the public still shows, `available` false; one that
    was deleted shows without its details."""

    favourite: Favourite
    available: bool
    title: str | None = None
    status: str | None = None
    published_at: datetime | None = None
    area_m2: Decimal | None = None  # supply
    price_wan: Decimal | None = None  # supply; None: negotiable (面议)
    area_min_m2: Decimal | None = None  # demand
    area_max_m2: Decimal | None = None
    price_min_wan: Decimal | None = None
    price_max_wan: Decimal | None = None
    link: str = ""


def _supply_matching(filters: FavouriteFilters) -> QuerySet[SupplyListing]:
    listings = SupplyListing.objects.all()
    if filters.title:
        listings = listings.filter(title__icontains=filters.title)
    if filters.published_from:
        listings = listings.filter(published_at__date__gte=filters.published_from)
    if filters.published_to:
        listings = listings.filter(published_at__date__lte=filters.published_to)
    if filters.area_min_m2 is not None:
        listings = listings.filter(area_m2__gte=filters.area_min_m2)
    if filters.area_max_m2 is not None:
        listings = listings.filter(area_m2__lte=filters.area_max_m2)
    return listings


def _demand_matching(filters: FavouriteFilters) -> QuerySet[Demand]:
    """Demands by title and registration date; by area, those whose wanted range meets the asked one (a missing
    bound is open)."""
    demands = Demand.objects.all()
    if filters.title:
        demands = demands.filter(title__icontains=filters.title)
    if filters.published_from:
        demands = demands.filter(registered_at__date__gte=filters.published_from)
    if filters.published_to:
        demands = demands.filter(registered_at__date__lte=filters.published_to)
    if filters.area_min_m2 is not None:
        demands = demands.filter(Q(area_max_m2__gte=filters.area_min_m2) | Q(area_max_m2__isnull=True))
    if filters.area_max_m2 is not None:
        demands = demands.filter(Q(area_min_m2__lte=filters.area_max_m2) | Q(area_min_m2__isnull=True))
    return demands


def my_favourite_list(*, user: User, target: str, filters: FavouriteFilters) -> QuerySet[Favourite]:
    """The user's favourites of one kind, newest first, those whose target matches the filters."""
    favourites = Favourite.objects.filter(user=user, target=target).order_by("-created_at", "-id")
    if filters == FavouriteFilters():
        return favourites
    if target == Favourite.Target.SUPPLY:
        return favourites.filter(target_id__in=_supply_matching(filters).values("pk"))
    if target == Favourite.Target.DEMAND:
        return favourites.filter(target_id__in=_demand_matching(filters).values("pk"))
    return favourites.none()


def favourite_rows(*, favourites: Sequence[Favourite]) -> list[FavouriteRow]:
    """The favourites with their targets, one query per kind present, whatever the number of rows."""
    ids = {kind: [f.target_id for f in favourites if f.target == kind] for kind in Favourite.Target.values}
    supply = SupplyListing.objects.in_bulk(ids[Favourite.Target.SUPPLY]) if ids[Favourite.Target.SUPPLY] else {}
    demand = Demand.objects.in_bulk(ids[Favourite.Target.DEMAND]) if ids[Favourite.Target.DEMAND] else {}
    rows = []
    for favourite in favourites:
        listing = supply.get(favourite.target_id) if favourite.target == Favourite.Target.SUPPLY else None
        wanted = demand.get(favourite.target_id) if favourite.target == Favourite.Target.DEMAND else None
        if listing is not None:
            rows.append(
                FavouriteRow(
                    favourite=favourite,
                    available=listing.status in SupplyListing.PUBLIC_STATUSES,
                    title=listing.title,
                    status=listing.status,
                    published_at=listing.published_at,
                    area_m2=listing.area_m2,
                    price_wan=listing.price_wan,
                    link=supply_link(listing.pk),
                )
            )
        elif wanted is not None:
            rows.append(
                FavouriteRow(
                    favourite=favourite,
                    available=wanted.status in Demand.PUBLIC_STATUSES,
                    title=wanted.title,
                    status=wanted.status,
                    published_at=wanted.registered_at,
                    area_min_m2=wanted.area_min_m2,
                    area_max_m2=wanted.area_max_m2,
                    price_min_wan=wanted.price_min_wan,
                    price_max_wan=wanted.price_max_wan,
                    link=demand_link(wanted.pk),
                )
            )
        else:
            rows.append(FavouriteRow(favourite=favourite, available=False))
    return rows
