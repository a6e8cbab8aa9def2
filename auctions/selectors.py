"""Reads of trading centres, lots and announcements, and who may act on them."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import is_administrator, scope_covers, scope_filter
from auctions.models import Anomaly, BidApplication, Entrustment, Lot, TradingCentre, TradingEvent
from core.errors import NotFound
from geo.selectors import region_code_prefix


def centre_staff_covers(user: User, centre: TradingCentre) -> bool:
    """Whether `user` acts for the centre: an administrator, or an active member of its staff."""
    if is_administrator(user):
        return True
    return bool(user.is_active and user.role == User.Role.CENTRE_STAFF and centre.staff.filter(pk=user.pk).exists())


def serves(centre: TradingCentre, region_code: str) -> bool:
    """Whether the region lies in the region the centre serves."""
    return region_code.startswith(region_code_prefix(centre.region_id))


def centres_of(user: User) -> QuerySet[TradingCentre]:
    """The centres the user acts for: all for an administrator, a centre staff member's own."""
    if is_administrator(user):
        return TradingCentre.objects.all()
    if not (user.is_active and user.role == User.Role.CENTRE_STAFF):
        return TradingCentre.objects.none()
    return TradingCentre.objects.filter(staff=user)


def certificate_requirement(user: User) -> str:
    """Why the user must sign in with a certificate (docs/certificates.md), "" when no lot requires it. The lots are
    those whose rules require certificates, announced and not closed yet (no result): the user staffs such a lot's
    centre ("centre_staff"), is a grantor whose regions hold such a primary-market lot ("grantor"), or the user or
    the user's enterprise applies to or is qualified for one ("bidder")."""
    lots = Lot.objects.filter(status=Lot.Status.ANNOUNCED, rules__certificates_required=True, result__isnull=True)
    if user.role == User.Role.CENTRE_STAFF and lots.filter(centre__staff=user).exists():
        return "centre_staff"
    grantor_lots = lots.filter(scope_filter(user, User.Role.GRANTOR), door=Lot.Door.PRIMARY)
    if user.role == User.Role.GRANTOR and grantor_lots.exists():
        return "grantor"
    applications = BidApplication.objects.filter(lot__in=lots, applicant=user.principal)
    if applications.exclude(status=BidApplication.Status.REJECTED).exists():
        return "bidder"
    return ""


def centres_serving(region_code: str) -> QuerySet[TradingCentre]:
    """Active centres whose region contains the region (the county's, its city's and its province's)."""
    codes = {region_code, f"{region_code[:4]}00", f"{region_code[:2]}0000"}
    return TradingCentre.objects.filter(is_active=True, region_id__in=codes).prefetch_related("banks")


@dataclass(frozen=True)
class EntrustmentFilters:
    """我的委托交易's search (the seed's 3.6.5): title words, submission date range, mode, region, status."""

    q: str = ""
    mode: str = ""
    region: str = ""
    status: str = ""
    submitted_from: date | None = None
    submitted_to: date | None = None


def _filtered(entrustments: QuerySet[Entrustment], filters: EntrustmentFilters) -> QuerySet[Entrustment]:
    if filters.q:
        entrustments = entrustments.filter(title__icontains=filters.q)
    if filters.mode:
        entrustments = entrustments.filter(mode=filters.mode)
    if filters.region:
        entrustments = entrustments.filter(region_id__startswith=region_code_prefix(filters.region))
    if filters.status:
        entrustments = entrustments.filter(status=filters.status)
    if filters.submitted_from:
        entrustments = entrustments.filter(submitted_at__date__gte=filters.submitted_from)
    if filters.submitted_to:
        entrustments = entrustments.filter(submitted_at__date__lte=filters.submitted_to)
    return entrustments.select_related("centre", "region", "lot").order_by("-created_at", "-id")


def entrustment_own_list(*, user: User, filters: EntrustmentFilters) -> QuerySet[Entrustment]:
    return _filtered(Entrustment.objects.filter(owner=user.principal), filters)


def entrustment_centre_list(*, user: User, filters: EntrustmentFilters) -> QuerySet[Entrustment]:
    """Entrustments submitted to (or decided by) the user's centres; drafts stay their owners'."""
    return _filtered(
        Entrustment.objects.filter(centre__in=centres_of(user)).exclude(status=Entrustment.Status.DRAFT), filters
    )


def entrustment_get(*, user: User, entrustment_id: int) -> Entrustment:
    """One entrustment for its owner (any state) or its centre's staff (once submitted); else 404."""
    entrustment = (
        Entrustment.objects.select_related("centre", "region", "lot")
        .prefetch_related("attachments")
        .filter(pk=entrustment_id)
        .first()
    )
    if entrustment is None or not user.is_authenticated:
        raise NotFound(_("No entrustment has this id."))
    if entrustment.owner_id == user.principal.pk:
        return entrustment
    staff = entrustment.centre is not None and centre_staff_covers(user, entrustment.centre)
    if staff and entrustment.status != Entrustment.Status.DRAFT:
        return entrustment
    raise NotFound(_("No entrustment has this id."))


def lot_staff_list(*, user: User, status: str = "") -> QuerySet[Lot]:
    """Every lot of the user's centres (any state), newest first."""
    lots = Lot.objects.filter(centre__in=centres_of(user)).select_related("centre", "region", "rules")
    return (lots.filter(status=status) if status else lots).order_by("-created_at", "-id")


def lot_grantor_list(*, user: User) -> QuerySet[Lot]:
    """The primary-market lots of the grantor's regions."""
    return (
        Lot.objects.filter(scope_filter(user, User.Role.GRANTOR), door=Lot.Door.PRIMARY)
        .select_related("centre", "region", "rules")
        .order_by("-created_at", "-id")
    )


def lot_for_writer(*, user: User, lot_id: int) -> Lot:
    """A lot its centre's staff, or (before registration) its grantor, may read in full; else 404."""
    lot = Lot.objects.select_related("centre", "region", "rules").filter(pk=lot_id).first()
    if lot is None:
        raise NotFound(_("No lot has this id."))
    if centre_staff_covers(user, lot.centre):
        return lot
    if lot.door == Lot.Door.PRIMARY and scope_covers(user, lot.region_id, User.Role.GRANTOR):
        return lot
    raise NotFound(_("No lot has this id."))


def supervised_lots(*, user: User, status: str = "", q: str = "") -> QuerySet[Lot]:
    """Every lot of the supervisor's regions, any state (administrators: all), optionally of a status and with a
    keyword in its number, title or address; each with `anomaly_count`, its supervision warnings."""
    lots = Lot.objects.filter(scope_filter(user, User.Role.SUPERVISOR)).select_related("centre", "region", "rules")
    if status:
        lots = lots.filter(status=status)
    if q:
        lots = lots.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(address__icontains=q))
    return lots.annotate(anomaly_count=Count("anomalies")).order_by("-created_at", "-id")


def supervised_anomalies(*, user: User, lot_id: int | None = None, kind: str = "") -> QuerySet[Anomaly]:
    """The warnings of the supervisor's regions, newest first, optionally of one lot (NotFound for a lot outside
    them, as for one that does not exist) or one kind."""
    anomalies = Anomaly.objects.filter(scope_filter(user, User.Role.SUPERVISOR, field="lot__region__code"))
    if lot_id is not None:
        if not Lot.objects.filter(scope_filter(user, User.Role.SUPERVISOR), pk=lot_id).exists():
            raise NotFound(_("No lot has this id."))
        anomalies = anomalies.filter(lot_id=lot_id)
    if kind:
        anomalies = anomalies.filter(kind=kind)
    return anomalies.select_related("lot").order_by("-created_at", "-id")


def watches(user: User, lot: Lot) -> bool:
    """Whether the user reads the lot's trading in full: its centre's staff or a supervisor of its region."""
    return centre_staff_covers(user, lot.centre) or scope_covers(user, lot.region_id, User.Role.SUPERVISOR)


def watched_lot(*, user: User, lot_id: int) -> Lot:
    """A lot its centre's staff or a supervisor of its region reads (staff console, supervision); 404 to anyone else,
    the same answer as for a lot that does not exist."""
    lot = Lot.objects.select_related("centre").filter(pk=lot_id).first()
    if lot is None or not watches(user, lot):
        raise NotFound(_("No lot has this id."))
    return lot


def supervised_entrustments(*, user: User, filters: EntrustmentFilters) -> QuerySet[Entrustment]:
    """The submitted entrustments of the supervisor's regions (drafts stay their owners')."""
    found = Entrustment.objects.filter(scope_filter(user, User.Role.SUPERVISOR)).exclude(
        status=Entrustment.Status.DRAFT
    )
    return _filtered(found, filters)


def supervised_events(*, user: User, lot_id: int | None = None, entrustment_id: int | None = None) -> QuerySet[Any]:
    """The trading trail of the supervisor's regions, newest first, optionally of one lot or entrustment."""
    events = TradingEvent.objects.filter(scope_filter(user, User.Role.SUPERVISOR)).select_related("actor")
    if lot_id is not None:
        events = events.filter(lot_id=lot_id)
    if entrustment_id is not None:
        events = events.filter(entrustment_id=entrustment_id)
    return events.order_by("-created_at", "-id")
