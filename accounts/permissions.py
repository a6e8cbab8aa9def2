"""DRF permission classes by verification and role (never `is_staff`); anonymous callers get 401, signed-in ones
without the role 403. Regions are checked where the object is known: in services and selectors."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.models import User
from accounts.selectors import DATA_READERS, REVIEW_READERS, has_role


def _signed_in(request: Request) -> bool:
    return bool(request.user and request.user.is_authenticated and request.user.is_active)


class HasRole(BasePermission):
    """Holds one of `roles` (or is an administrator); the region is checked by the service or selector."""

    roles: tuple[str, ...] = ()
    message = _("Your role does not allow this.")
    code = "permission_denied"

    def has_permission(self, request: Request, view: Any) -> bool:
        return has_role(request.user, *self.roles)  # type: ignore[arg-type]


class IsVerified(BasePermission):
    """Signed in and real-name verified (a sub-account through its enterprise); else 403 verification_required."""

    message = _("Complete real-name verification in your personal centre before you do this.")
    code = "verification_required"

    def has_permission(self, request: Request, view: Any) -> bool:
        return _signed_in(request) and request.user.is_verified  # type: ignore[union-attr]


class IsReviewer(HasRole):
    """A reviewer (属地审核) or an administrator."""

    roles = (User.Role.REVIEWER,)
    message = _("Only reviewers may do this.")


class ReadsReviews(HasRole):
    """A reviewer or a supervisor (who reads and never decides), or an administrator."""

    roles = REVIEW_READERS
    message = _("Only reviewers and supervisors may see this.")


class IsCentreStaff(HasRole):
    """Trading-centre staff or an administrator."""

    roles = (User.Role.CENTRE_STAFF,)
    message = _("Only trading-centre staff may do this.")


class WatchesTrading(HasRole):
    """Trading-centre staff or a supervisor (who reads and never decides), or an administrator."""

    roles = (User.Role.CENTRE_STAFF, User.Role.SUPERVISOR)
    message = _("Only trading-centre staff and supervisors may do this.")


class IsGisStaff(HasRole):
    """GIS staff (who load boundary and parcel data) or an administrator."""

    roles = (User.Role.GIS_STAFF,)
    message = _("Only GIS staff may do this.")


class ReadsParcelData(HasRole):
    """GIS staff or a supervisor (exports of their regions), or an administrator."""

    roles = DATA_READERS
    message = _("Only GIS staff and supervisors may do this.")


class IsAdministrator(HasRole):
    """An administrator (role admin) or a superuser."""

    message = _("Only administrators may do this.")


class IsEnterprise(BasePermission):
    """An enterprise account itself (not one of its sub-accounts)."""

    message = _("Only an enterprise account may do this.")
    code = "enterprise_only"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return _signed_in(request) and user.kind == User.Kind.ENTERPRISE and user.parent_id is None  # type: ignore[union-attr]


def request_user(request: Request) -> User:
    """The signed-in user of a view whose permission classes have already refused anonymous callers."""
    if not isinstance(request.user, User):
        raise NotAuthenticated()
    return request.user


class IsGrantor(HasRole):
    """Grantor staff (出让人: a natural-resources bureau or land reserve) or an administrator."""

    roles = (User.Role.GRANTOR,)
    message = _("Only grantor staff may do this.")


class IsSupervisor(HasRole):
    """A supervisor (监管: reads everything of its regions, changes nothing) or an administrator."""

    roles = (User.Role.SUPERVISOR,)
    message = _("Only supervisors may see this.")
