"""Reads on the comparison (比价): the seed's table, one row per listing (地块属性对比)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import User
from geo.reference import land_use_name
from market.models import ComparisonItem, IntentionQuote, SupplyListing
from market.selectors.interactions import region_path, remaining_years, supply_link, unit_price_wan_per_m2


@dataclass(frozen=True)
class Heat:
    """地源热度: views, favourites, quotes and viewing appointments, and their sum."""

    views: int
    favourites: int
    quotes: int
    appointments: int

    @property
    def total(self) -> int:
        return self.views + self.favourites + self.quotes + self.appointments


@dataclass(frozen=True)
class ComparisonRow:
    listing_id: int
    added_at: datetime
    title: str
    mode: str
    status: str
    available: bool  # false once the listing left the public after it was added
    price_wan: Decimal | None  # None: negotiable (面议)
    area_m2: Decimal | None
    land_use: str  # GB/T 21010 code (土地用途)
    land_use_name: str | None
    floor_area_ratio: Decimal | None  # 容积率; None: not given
    remaining_years: int | None  # a lease: its term
    unit_price_wan_per_m2: Decimal | None  # None: negotiable
    quote_max_wan: Decimal | None  # None: no quote yet (暂无报价)
    quote_min_wan: Decimal | None
    heat: Heat
    certification: str  # certified (属地认证) / uncertified (属地未认证)
    region_path: list[str]  # 省/市/区 names, the province first
    link: str


def comparison_rows(*, user: User, today: date | None = None) -> list[ComparisonRow]:
    """The user's comparison in the order the listings were added; one query however many rows."""
    today = today or timezone.localdate()
    quotes = IntentionQuote.objects.filter(listing=OuterRef("listing_id"))
    items = (
        ComparisonItem.objects.filter(user=user)
        .select_related("listing__region__parent__parent")
        .annotate(
            quote_max_wan=Subquery(quotes.order_by("-amount_wan").values("amount_wan")[:1]),
            quote_min_wan=Subquery(quotes.order_by("amount_wan").values("amount_wan")[:1]),
        )
        .order_by("created_at", "id")
    )
    rows = []
    for item in items:
        listing = item.listing
        rows.append(
            ComparisonRow(
                listing_id=listing.pk,
                added_at=item.created_at,
                title=listing.title,
                mode=listing.mode,
                status=listing.status,
                available=listing.status in SupplyListing.PUBLIC_STATUSES,
                price_wan=listing.price_wan,
                area_m2=listing.area_m2,
                land_use=listing.land_use,
                land_use_name=land_use_name(listing.land_use),
                floor_area_ratio=listing.floor_area_ratio,
                remaining_years=remaining_years(listing=listing, today=today),
                unit_price_wan_per_m2=unit_price_wan_per_m2(price_wan=listing.price_wan, area_m2=listing.area_m2),
                quote_max_wan=item.quote_max_wan,
                quote_min_wan=item.quote_min_wan,
                heat=Heat(
                    views=listing.view_count,
                    favourites=listing.favourite_count,
                    quotes=listing.quote_count,
                    appointments=listing.appointment_count,
                ),
                certification="certified" if listing.status == SupplyListing.Status.CERTIFIED else "uncertified",
                region_path=region_path(listing.region),
                link=supply_link(listing.pk),
            )
        )
    return rows
