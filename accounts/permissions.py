"""DRF permission classes by verification and role; anonymous callers get 401, signed-in ones without it 403."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.models import User


def _signed_in(request: Request) -> bool:
    return bool(request.user and request.user.is_authenticated and request.user.is_active)


def _has_role(request: Request, *roles: str) -> bool:
    if not _signed_in(request):
        return False
    user: User = request.user  # type: ignore[assignment]
    return user.is_superuser or user.role in roles


class IsVerified(BasePermission):
    """Signed in and real-name verified (a sub-account through its enterprise); else 403 verification_required."""

    message = _("Complete real-name verification in your personal centre before you do this.")
    code = "verification_required"

    def has_permission(self, request: Request, view: Any) -> bool:
        return _signed_in(request) and request.user.is_verified  # type: ignore[union-attr]


class IsReviewer(BasePermission):
    """A reviewer (属地审核) or an administrator."""

    message = _("Only reviewers may do this.")
    code = "permission_denied"

    def has_permission(self, request: Request, view: Any) -> bool:
        return _has_role(request, User.Role.REVIEWER, User.Role.ADMIN)


class IsCentreStaff(BasePermission):
    """Trading-centre staff or an administrator."""

    message = _("Only trading-centre staff may do this.")
    code = "permission_denied"

    def has_permission(self, request: Request, view: Any) -> bool:
        return _has_role(request, User.Role.CENTRE_STAFF, User.Role.ADMIN)


class IsAdministrator(BasePermission):
    """An administrator (role admin) or a superuser."""

    message = _("Only administrators may do this.")
    code = "permission_denied"

    def has_permission(self, request: Request, view: Any) -> bool:
        return _has_role(request, User.Role.ADMIN)


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
