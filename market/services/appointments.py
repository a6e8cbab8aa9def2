"""Viewing appointments (预约看地): a verified seeker books a time to see the land, marks it viewed afterwards, or
cancels it before."""

import re
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services.messages import message_send
from core.errors import Conflict, FieldErrors, InvalidInput, NotFound
from market.models import SupplyListing, ViewingAppointment
from market.selectors.interactions import supply_link
from market.services.interactions import supply_lock_for_seeker

MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)  # a mainland mobile number, ASCII digits only
VISIT_HORIZON = timedelta(days=90)  # how far ahead a viewing can be booked
NAME_MAX_LENGTH = ViewingAppointment._meta.get_field("name").max_length or 64


def _details_check(*, name: str, phone: str, visit_at: datetime, now: datetime) -> None:
    """The contact details and time of a booking; every problem at once, by field."""
    errors: FieldErrors = {}
    if not name.strip():
        errors["name"] = [{"code": "blank", "message": _("Enter the name of the person who will come.")}]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [{"code": "max_length", "message": _("At most {n} characters.").format(n=NAME_MAX_LENGTH)}]
    if not MOBILE.fullmatch(phone):
        errors["phone"] = [{"code": "invalid_phone", "message": _("Enter a mainland mobile number of 11 digits.")}]
    if timezone.is_naive(visit_at):
        errors["visit_at"] = [{"code": "naive", "message": _("Give the time with its UTC offset.")}]
    elif visit_at <= now:
        errors["visit_at"] = [{"code": "not_future", "message": _("The viewing time must be in the future.")}]
    elif visit_at > now + VISIT_HORIZON:
        errors["visit_at"] = [
            {
                "code": "too_far",
                "message": _("A viewing can be booked at most {days} days ahead.").format(days=VISIT_HORIZON.days),
            }
        ]
    if errors:
        raise InvalidInput(fields=errors)


@transaction.atomic
def appointment_create(*, listing_id: int, user: User, name: str, phone: str, visit_at: datetime) -> ViewingAppointment:
    """Book a viewing of a public listing; count it in the listing's heat and tell the owner. The name is kept
    as given (pages escape it when they show it)."""
    now = timezone.now()
    _details_check(name=name, phone=phone, visit_at=visit_at, now=now)
    listing = supply_lock_for_seeker(listing_id=listing_id, user=user)
    appointment = ViewingAppointment.objects.create(
        listing=listing, user=user, name=name, phone=phone, visit_at=visit_at
    )
    SupplyListing.objects.filter(pk=listing.pk).update(appointment_count=F("appointment_count") + 1)
    message_send(
        user=listing.owner,
        title=_("New viewing appointment: {title}").format(title=listing.title),
        body=_("{name} ({phone}) would like to view the land at {time}.").format(
            name=name, phone=phone, time=timezone.localtime(visit_at).strftime("%Y-%m-%d %H:%M")
        ),
        link=supply_link(listing.pk),
    )
    return appointment


def _lock_own(*, appointment_id: int, user: User) -> ViewingAppointment:
    """The user's own appointment, locked; anyone else's is 404."""
    appointment = (
        ViewingAppointment.objects.select_for_update(of=("self",))
        .select_related("listing__owner")
        .filter(pk=appointment_id, user=user)
        .first()
    )
    if appointment is None:
        raise NotFound(_("No such viewing appointment."))
    return appointment


@transaction.atomic
def appointment_mark_viewed(*, appointment_id: int, user: User) -> ViewingAppointment:
    """The seeker says the viewing took place (已看地): only once its time has passed (409 visit_not_passed).
    Marking it again keeps the first time."""
    appointment = _lock_own(appointment_id=appointment_id, user=user)
    if appointment.viewed_at is not None:
        return appointment
    now = timezone.now()
    if appointment.visit_at > now:
        raise Conflict(_("The viewing time has not come yet; mark it viewed afterwards."), code="visit_not_passed")
    appointment.viewed_at = now
    appointment.save(update_fields=["viewed_at"])
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment_id: int, user: User) -> None:
    """The seeker withdraws a booking before its time (409 visit_passed afterwards): it is deleted, the listing's
    count goes down, and the owner is told."""
    appointment = _lock_own(appointment_id=appointment_id, user=user)
    if appointment.visit_at <= timezone.now():
        raise Conflict(_("The viewing time has passed; the booking can no longer be cancelled."), code="visit_passed")
    listing = appointment.listing
    appointment.delete()
    SupplyListing.objects.filter(pk=listing.pk, appointment_count__gt=0).update(
        appointment_count=F("appointment_count") - 1
    )
    message_send(
        user=listing.owner,
        title=_("Viewing appointment cancelled: {title}").format(title=listing.title),
        body=_("The viewing booked for {time} was cancelled.").format(
            time=timezone.localtime(appointment.visit_at).strftime("%Y-%m-%d %H:%M")
        ),
        link=supply_link(listing.pk),
    )
