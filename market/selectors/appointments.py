"""Reads on viewing appointments: a listing's, for its owner; mine (我的申购-预约看地)."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound
from market.models import SupplyListing, ViewingAppointment
from market.selectors.interactions import acts_for_owner


class AppointmentStatus:
    """Where a booking stands for the seeker: not yet viewed (upcoming), or marked viewed."""

    UPCOMING = "upcoming"
    VIEWED = "viewed"
    CHOICES = ((UPCOMING, "upcoming"), (VIEWED, "viewed"))


def appointment_status(appointment: ViewingAppointment) -> str:
    return AppointmentStatus.VIEWED if appointment.viewed_at else AppointmentStatus.UPCOMING


def listing_appointments(*, listing_id: int, user: User) -> QuerySet[ViewingAppointment]:
    """A listing's appointments for its owner (or a sub-account of the owning enterprise), latest time first;
    404 for anyone else."""
    listing = SupplyListing.objects.select_related("owner").filter(pk=listing_id).first()
    if listing is None or not acts_for_owner(user=user, listing=listing):
        raise NotFound(_("No such listing."))
    return listing.appointments.select_related("user").order_by("-visit_at", "-id")


def my_appointment_list(
    *, user: User, title: str = "", status: str = "", listing_status: str = ""
) -> QuerySet[ViewingAppointment]:
    """The user's appointments, latest time first, with their listings; by listing title, by status (upcoming /
    viewed) and by the listing's status (地块状态)."""
    appointments = ViewingAppointment.objects.filter(user=user).select_related("listing").order_by("-visit_at", "-id")
    if title:
        appointments = appointments.filter(listing__title__icontains=title)
    if status:
        appointments = appointments.filter(viewed_at__isnull=status == AppointmentStatus.UPCOMING)
    if listing_status:
        appointments = appointments.filter(listing__status=listing_status)
    return appointments
