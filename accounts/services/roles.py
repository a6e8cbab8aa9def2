"""Roles: an administrator gives a user a role and, for every role but user and admin, the regions it acts in."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import SCOPED_ROLES, is_administrator
from core.errors import FieldErrors, InvalidInput, NotFound, PermissionDenied
from geo.reference import is_valid_region_code


def _check_role(*, user: User, role: str, regions: list[str]) -> list[str]:
    """The role's regions, deduplicated and sorted, once the role and regions fit together; else a 400."""
    fields: FieldErrors = {}
    if role not in User.Role.values:
        fields["role"] = [{"code": "invalid_choice", "message": _("Not a role: %(role)s.") % {"role": role}}]
    elif user.parent_id is not None and role != User.Role.USER:
        fields["role"] = [{"code": "sub_account", "message": _("A sub-account cannot hold a staff role.")}]
    unknown = [code for code in regions if not (isinstance(code, str) and is_valid_region_code(code))]
    if unknown:
        fields["regions"] = [
            {
                "code": "invalid_region",
                "message": _("Not GB/T 2260 region codes: %(codes)s.") % {"codes": ", ".join(map(str, unknown))},
            }
        ]
    elif role in SCOPED_ROLES and not regions:
        fields["regions"] = [{"code": "required", "message": _("Give the regions this role acts in.")}]
    elif role not in SCOPED_ROLES and regions:
        fields["regions"] = [
            {"code": "not_scoped", "message": _("Users and administrators have no regions: leave them empty.")}
        ]
    if fields:
        raise InvalidInput(fields=fields)
    return sorted(set(regions))


@transaction.atomic
def user_role_set(*, admin: User, user_id: int, role: str, regions: list[str]) -> User:
    """Set a user's role and regions. Administrators only, never on themselves, and only a superuser changes a
    superuser. `is_staff` (Django's admin-site flag) follows the administrator role."""
    if not is_administrator(admin):
        raise PermissionDenied(_("Only administrators set roles."))
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    if user.pk == admin.pk:
        raise PermissionDenied(_("You cannot change your own role."), code="own_role")
    if user.is_superuser and not admin.is_superuser:
        raise PermissionDenied(_("Only a superuser changes a superuser's role."))
    regions = _check_role(user=user, role=role, regions=regions)
    user.role = role
    user.regions = regions
    user.is_staff = role == User.Role.ADMIN or user.is_superuser
    user.save(update_fields=["role", "regions", "is_staff"])
    return user
