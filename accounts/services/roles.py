"""Roles: an administrator makes a user a reviewer (with review regions), trading-centre staff, an admin or a user."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import is_administrator
from core.errors import FieldErrors, InvalidInput, NotFound, PermissionDenied
from geo.reference import is_valid_region_code

STAFF_ROLES = frozenset({User.Role.REVIEWER, User.Role.CENTRE_STAFF, User.Role.ADMIN})


def _check_role(*, user: User, role: str, review_regions: list[str]) -> list[str]:
    """The review regions, deduplicated and sorted, once the role and regions fit together; else a 400."""
    fields: FieldErrors = {}
    if role not in User.Role.values:
        fields["role"] = [{"code": "invalid_choice", "message": _("Not a role: %(role)s.") % {"role": role}}]
    elif user.parent_id is not None and role != User.Role.USER:
        fields["role"] = [{"code": "sub_account", "message": _("A sub-account cannot hold a staff role.")}]
    unknown = [code for code in review_regions if not (isinstance(code, str) and is_valid_region_code(code))]
    if unknown:
        fields["review_regions"] = [
            {
                "code": "invalid_region",
                "message": _("Not GB/T 2260 region codes: %(codes)s.") % {"codes": ", ".join(map(str, unknown))},
            }
        ]
    elif role == User.Role.REVIEWER and not review_regions:
        fields["review_regions"] = [{"code": "required", "message": _("Give the regions the reviewer covers.")}]
    elif role != User.Role.REVIEWER and review_regions:
        fields["review_regions"] = [{"code": "not_reviewer", "message": _("Only reviewers have review regions.")}]
    if fields:
        raise InvalidInput(fields=fields)
    return sorted(set(review_regions))


@transaction.atomic
def user_role_set(*, admin: User, user_id: int, role: str, review_regions: list[str]) -> User:
    """Set a user's role and review regions; staff roles get `is_staff`. Administrators only, never on
    themselves, and only a superuser changes a superuser."""
    if not is_administrator(admin):
        raise PermissionDenied(_("Only administrators set roles."))
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    if user.pk == admin.pk:
        raise PermissionDenied(_("You cannot change your own role."), code="own_role")
    if user.is_superuser and not admin.is_superuser:
        raise PermissionDenied(_("Only a superuser changes a superuser's role."))
    review_regions = _check_role(user=user, role=role, review_regions=review_regions)
    user.role = role
    user.review_regions = review_regions
    user.is_staff = role in STAFF_ROLES or user.is_superuser
    user.save(update_fields=["role", "review_regions", "is_staff"])
    return user
