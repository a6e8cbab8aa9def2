"""Reads of trading centres, lots and announcements, and who may act on them."""

from accounts.models import User
from accounts.selectors import is_administrator
from auctions.models import TradingCentre
from geo.selectors import region_code_prefix


def centre_staff_covers(user: User, centre: TradingCentre) -> bool:
    """Whether `user` acts for the centre: an administrator, or an active member of its staff."""
    if is_administrator(user):
        return True
    return bool(user.is_active and user.role == User.Role.CENTRE_STAFF and centre.staff.filter(pk=user.pk).exists())


def serves(centre: TradingCentre, region_code: str) -> bool:
    """Whether the region lies in the region the centre serves."""
    return region_code.startswith(region_code_prefix(centre.region_id))
