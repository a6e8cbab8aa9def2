"""Writes on rule profiles: presets and centre profiles by administrators, a lot's own copy by its centre's staff
until the lot's announcement is published (the database refuses any change after that)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import is_administrator
from auctions.models import Announcement, Lot, RuleProfile
from auctions.selectors import centre_staff_covers
from auctions.services.events import record
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, invalid_input_from


class RulesFrozen(Conflict):
    default_code = "rules_frozen"


def _apply(profile: RuleProfile, parameters: dict[str, Any]) -> RuleProfile:
    unknown = sorted(set(parameters) - set(RuleProfile.PARAMETERS) - {"name", "source"})
    if unknown:
        raise InvalidInput(
            fields={name: [{"code": "unknown_field", "message": _("Not a rule parameter.")}] for name in unknown}
        )
    for name, value in parameters.items():
        setattr(profile, name, value)
    try:
        profile.full_clean(exclude=["is_preset"])
    except ValidationError as error:
        raise invalid_input_from(error) from None
    _check_consistent(profile)
    profile.save()
    return profile


def _check_consistent(profile: RuleProfile) -> None:
    """Rules that involve two parameters."""
    fields: dict[str, list[dict[str, str]]] = {}
    if profile.reserve_entry == RuleProfile.ReserveEntry.FINAL_WINDOW and profile.reserve_lead_seconds:
        fields["reserve_lead_seconds"] = [
            {"code": "inconsistent", "message": _("A reserve entered in the final window has no lead time.")}
        ]
    if profile.auction_conversion and profile.quoting_stop_seconds:
        fields["auction_conversion"] = [
            {
                "code": "inconsistent",
                "message": _("A listing cannot both stop quoting early and convert to an auction."),
            }
        ]
    if fields:
        raise InvalidInput(fields=fields)


@transaction.atomic
def profile_create(*, user: User, **parameters: Any) -> RuleProfile:
    """A new profile (administrators): the Hainan defaults overridden by `parameters`."""
    if not is_administrator(user):
        raise PermissionDenied()
    return _apply(RuleProfile(), parameters)


@transaction.atomic
def profile_update(*, user: User, profile_id: int, **parameters: Any) -> RuleProfile:
    """Change a centre profile or preset (administrators); lots keep the copy they were registered with."""
    if not is_administrator(user):
        raise PermissionDenied()
    profile = RuleProfile.objects.select_for_update().filter(pk=profile_id, lot__isnull=True).first()
    if profile is None:
        raise NotFound(_("No rule profile has this id."))
    return _apply(profile, parameters)


def profile_copy(source: RuleProfile, *, name: str) -> RuleProfile:
    """A lot's own copy of a profile (inside the registering transaction)."""
    copy = RuleProfile(name=name[:64], source=source.source)
    for parameter in RuleProfile.PARAMETERS:
        setattr(copy, parameter, getattr(source, parameter))
    copy.save()
    return copy


@transaction.atomic
def lot_rules_update(*, user: User, lot_id: int, **parameters: Any) -> RuleProfile:
    """Override a lot's rules (its centre's staff), refused once the lot's announcement is published."""
    lot = Lot.objects.select_for_update().select_related("rules", "centre").filter(pk=lot_id).first()
    if lot is None or not centre_staff_covers(user, lot.centre):
        raise NotFound(_("No lot has this id."))
    if Announcement.objects.filter(lot=lot).exclude(status=Announcement.Status.DRAFT).exists():
        raise RulesFrozen(_("The lot's announcement is published: its rules can no longer change."))
    parameters.pop("name", None)
    profile = _apply(lot.rules, parameters)
    record("lot.rules_changed", actor=user, lot=lot, note=", ".join(sorted(parameters)))
    return profile
