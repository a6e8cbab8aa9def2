"""What the interaction reads share: who acts for a listing's owner, which listings a user may see, links, masked
identities, and the derived facts of a listing (remaining years, unit price, region path)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import user_can_act_for
from core.errors import NotFound
from geo.models import Region
from market.models import SupplyListing

UNIT_PRICE_STEP = Decimal("0.0001")  # 万元/m², as the seed's comparison shows it (¥ 0.0151万/平方米)


def supply_link(listing_id: int) -> str:
    """The page of a supply listing (土地详情页面)."""
    return f"/supply/{listing_id}/"


def demand_link(demand_id: int) -> str:
    return f"/demand/{demand_id}/"


def acts_for_owner(*, user: User | AnonymousUser, listing: SupplyListing) -> bool:
    """Whether `user` is the listing's owner or a sub-account of the owning enterprise."""
    return isinstance(user, User) and user_can_act_for(user, listing.owner)


def supply_get_visible(*, listing_id: int, user: User | AnonymousUser) -> SupplyListing:
    """A listing the public sees, or one the user acts for; 404 for anything else (never revealed)."""
    listing = SupplyListing.objects.select_related("owner").filter(pk=listing_id).first()
    if listing is None:
        raise NotFound(_("No such listing."))
    if listing.status not in SupplyListing.PUBLIC_STATUSES and not acts_for_owner(user=user, listing=listing):
        raise NotFound(_("No such listing."))
    return listing


def mask_phone(phone: str) -> str:
    """138****8000: the first three and last four digits of a mobile number."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def mask_name(name: str) -> str:
    """张**: the first character and a fixed mask, so the mask tells nothing about the length."""
    return f"{name[:1]}**" if name else "**"


def remaining_years(*, listing: SupplyListing, today: date) -> int | None:
    """剩余使用期限/出租期限: the lease term of a lease; else whole years from today to the right's end date."""
    if listing.mode == SupplyListing.Mode.LEASE:
        return listing.lease_term_years
    end = listing.right_end_date
    if end is None:
        return None
    years = end.year - today.year - ((end.month, end.day) < (today.month, today.day))
    return max(years, 0)


def unit_price_wan_per_m2(*, price_wan: Decimal | None, area_m2: Decimal | None) -> Decimal | None:
    """平米单价 in 万元/m² to four places; None when the price is negotiable (面议) or there is no area."""
    if price_wan is None or not area_m2:
        return None
    return (price_wan / area_m2).quantize(UNIT_PRICE_STEP, rounding=ROUND_HALF_UP)


def region_path(region: Region | None) -> list[str]:
    """The names from the province down (四川省, 成都市, 锦江区); the ancestors must be loaded with the region."""
    names: list[str] = []
    while region is not None:
        names.append(region.name)
        region = region.parent
    return names[::-1]
