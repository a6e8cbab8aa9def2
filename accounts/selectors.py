"""Reads on accounts: who may do what."""

from accounts.models import User


def region_prefix(code: str) -> str:
    """The prefix every code under a GB/T 2260 code shares: 51 for 510000, 5101 for 510100, 510104 for 510104."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def reviewer_covers(user: User, region_code: str | None) -> bool:
    """Whether `user` reviews listings in the region (属地审核): an administrator everywhere, a reviewer in and
    under the regions of their scope."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == User.Role.ADMIN or user.is_superuser:
        return True
    if user.role != User.Role.REVIEWER or not region_code:
        return False
    return any(region_code.startswith(region_prefix(scope)) for scope in user.review_regions)


def is_reviewer(user: User) -> bool:
    return user.is_authenticated and (user.role in (User.Role.REVIEWER, User.Role.ADMIN) or user.is_superuser)
