"""Lots from either door: registered by a centre from an accepted entrustment (secondary market), or submitted by a
grantor and then registered or returned by the centre (primary market). Registration gives the lot its number."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.gis.geos import MultiPolygon, Point
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import scope_covers
from auctions.models import Entrustment, Lot, LotDocument, TradingCentre
from auctions.selectors import centre_staff_covers, serves
from auctions.services.events import record
from auctions.services.numbering import lot_number
from auctions.services.rules import profile_copy
from core.clock import db_now
from core.errors import Conflict, FieldErrors, InvalidInput, NotFound
from core.uploads import uploads_atomic
from geo.models import Parcel, Region
from geo.services_listing import outline_clean, outline_point, parcel_for_listing, point_clean
from market.models import SupplyListing

L = Lot.Status


class LotConflict(Conflict):
    default_code = "lot_conflict"


@dataclass(frozen=True)
class Terms:
    """What the centre (or grantor) decides about a lot: how it is traded, its prices and its schedule."""

    trading_mode: str
    process: str
    start_price_wan: Decimal
    increment_wan: Decimal
    deposit_wan: Decimal
    announcement_starts_at: datetime
    applications_open_at: datetime
    applications_close_at: datetime
    deposit_deadline: datetime
    listing_starts_at: datetime | None = None
    listing_ends_at: datetime | None = None
    auction_starts_at: datetime | None = None


def _error(fields: FieldErrors, field: str, code: str, message: str) -> None:
    fields.setdefault(field, []).append({"code": code, "message": message})


def check_terms(terms: Terms) -> None:
    """Prices positive and the schedule in order (all or nothing: every broken rule named by its field)."""
    fields: FieldErrors = {}
    if terms.trading_mode not in Lot.TradingMode.values:
        _error(fields, "trading_mode", "invalid_choice", _("Not one of the choices."))
    if terms.process not in Lot.Process.values:
        _error(fields, "process", "invalid_choice", _("Not one of the choices."))
    for name in ("start_price_wan", "increment_wan", "deposit_wan"):
        value = getattr(terms, name)
        if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
            _error(fields, name, "not_positive", _("Must be a positive amount."))
        elif value.as_tuple().exponent < -4:  # type: ignore[operator]
            _error(fields, name, "too_precise", _("At most four decimals of 10,000 yuan (one yuan)."))
    # (field named, earlier, later, whether they may be equal, message)
    order: list[tuple[str, datetime, datetime, bool, str]] = [
        ("applications_open_at", terms.announcement_starts_at, terms.applications_open_at, True,
         _("Applications cannot open before the announcement starts.")),
        ("applications_close_at", terms.applications_open_at, terms.applications_close_at, False,
         _("Applications must close after they open.")),
        ("applications_close_at", terms.applications_close_at, terms.deposit_deadline, True,
         _("Applications cannot close after the deposit deadline.")),
    ]  # fmt: skip
    if terms.trading_mode == Lot.TradingMode.LISTING:
        if terms.listing_starts_at is None or terms.listing_ends_at is None:
            _error(fields, "listing_ends_at", "required", _("A listing needs its start and end."))
        else:
            order += [
                ("listing_starts_at", terms.announcement_starts_at, terms.listing_starts_at, True,
                 _("The listing cannot start before the announcement.")),
                ("listing_ends_at", terms.listing_starts_at, terms.listing_ends_at, False,
                 _("The listing must end after it starts.")),
                ("deposit_deadline", terms.deposit_deadline, terms.listing_ends_at, False,
                 _("The deposit deadline must come before the listing ends.")),
            ]  # fmt: skip
        if terms.auction_starts_at is not None:
            _error(fields, "auction_starts_at", "not_allowed", _("A listing has no auction start."))
    elif terms.trading_mode == Lot.TradingMode.AUCTION:
        if terms.auction_starts_at is None:
            _error(fields, "auction_starts_at", "required", _("An auction needs its start."))
        else:
            order.append(("auction_starts_at", terms.deposit_deadline, terms.auction_starts_at, False,
                          _("The auction must start after the deposit deadline.")))  # fmt: skip
        if terms.listing_starts_at is not None or terms.listing_ends_at is not None:
            _error(fields, "listing_starts_at", "not_allowed", _("An auction has no listing period."))
    for field, earlier, later, may_equal, message in order:
        if earlier.tzinfo is None or later.tzinfo is None:
            _error(fields, field, "naive_time", _("Give times with their time zone."))
        elif later < earlier or (later == earlier and not may_equal):
            _error(fields, field, "schedule_order", message)
    if fields:
        raise InvalidInput(fields=fields)


def _terms_fields(terms: Terms) -> dict[str, Any]:
    return {name: getattr(terms, name) for name in Terms.__dataclass_fields__}


def _register(lot: Lot, *, user: User) -> Lot:
    """Number the lot and give it its own copy of the centre's rules (inside the caller's transaction)."""
    now = db_now()
    lot.number = lot_number(centre=lot.centre, transfer=lot.transfer, year=timezone.localtime(now).year)
    lot.status = L.REGISTERED
    lot.registered_by = user
    lot.registered_at = now
    if lot.rules_id is None:
        lot.rules = profile_copy(lot.centre.rule_profile, name=f"{lot.centre.rule_profile.name} · {lot.title}")
    try:
        with transaction.atomic():
            lot.save()
    except IntegrityError:
        raise LotConflict(_("This listing already has a lot that is not terminated.")) from None
    record("lot.registered", actor=user, lot=lot, entrustment=lot.entrustment, note=lot.number)
    return lot


TRANSFER_OF_MODE = {SupplyListing.Mode.TRANSFER: Lot.Transfer.TRANSFER, SupplyListing.Mode.LEASE: Lot.Transfer.LEASE}


@transaction.atomic
def lot_register_from_entrustment(*, user: User, entrustment_id: int, terms: Terms) -> Lot:
    """The centre's staff register a lot of an entrustment they accepted."""
    entrustment = (
        Entrustment.objects.select_for_update(of=("self",)).select_related("centre").filter(pk=entrustment_id).first()
    )
    if entrustment is None or entrustment.centre is None or not centre_staff_covers(user, entrustment.centre):
        raise NotFound(_("No entrustment has this id."))
    if entrustment.status != Entrustment.Status.ACCEPTED:
        raise LotConflict(_("Only an accepted entrustment can become a lot."))
    if Lot.objects.filter(entrustment=entrustment).exists():
        raise LotConflict(_("This entrustment already has a lot."))
    check_terms(terms)
    lot = Lot(
        centre=entrustment.centre,
        door=Lot.Door.SECONDARY,
        transfer=TRANSFER_OF_MODE[SupplyListing.Mode(entrustment.mode)],
        title=entrustment.title,
        region=entrustment.region,
        address=entrustment.address,
        entrustment=entrustment,
        listing=entrustment.listing,
        parcel_id=entrustment.parcel_id,
        location=entrustment.location,
        area_m2=entrustment.area_m2,
        land_use=entrustment.land_use,
        term_years=entrustment.term_years,
        transferor=entrustment.owner_name,
        publish_result=not entrustment.hide_result,
        **_terms_fields(terms),
    )
    return _register(lot, user=user)


@dataclass(frozen=True)
class Grant:
    """What a grantor says about a primary-market lot."""

    centre_id: int
    region_code: str
    title: str
    transfer: str
    kind: str = Lot.Kind.LAND_USE_RIGHT
    address: str = ""
    parcel_id: int | None = None
    area_m2: Decimal | None = None
    land_use: str = ""
    term_years: int | None = None
    transferor: str = ""
    conditions: str = ""
    location: tuple[float, float] | None = None  # [lon, lat]; a parcel's lot lies at the parcel's centroid
    area: dict[str, Any] | None = None  # a mining right's area: a GeoJSON Polygon or MultiPolygon (lon/lat)


PRIMARY_TRANSFERS: dict[str, set[str]] = {
    Lot.Kind.LAND_USE_RIGHT: {Lot.Transfer.GRANT, Lot.Transfer.LEASE, Lot.Transfer.LEASE_THEN_TRANSFER},
    Lot.Kind.MINING_RIGHT: {Lot.Transfer.EXPLORATION, Lot.Transfer.EXTRACTION},
}


@dataclass(frozen=True)
class Place:
    parcel: Parcel | None
    point: Point | None
    area: MultiPolygon | None
    area_m2: Decimal | None


def _place(grant: Grant, region: Region | None, fields: FieldErrors) -> Place:
    """The lot's parcel (which must lie in its county), a mining right's area (a polygon), and its point: the
    parcel's centroid, else the given point, else a point inside the area."""
    try:
        parcel = parcel_for_listing(parcel_id=grant.parcel_id) if grant.parcel_id is not None else None
        point = point_clean(value=grant.location) if grant.location is not None else None
        area, area_m2 = outline_clean(value=grant.area, field="area") if grant.area is not None else (None, None)
    except InvalidInput as refused:
        fields.update({"parcel" if name == "parcel_id" else name: errors for name, errors in refused.fields.items()})
        return Place(None, None, None, None)
    if parcel is not None and region is not None and parcel.region_id != region.code:
        _error(fields, "parcel", "out_of_region", _("The parcel does not lie in the lot's county."))
    if area is not None and grant.kind != Lot.Kind.MINING_RIGHT:
        _error(fields, "area", "not_mining", _("Only a mining right is given by an area; a land lot by its parcel."))
    if parcel is not None:
        point = parcel.centroid
    elif point is None and area is not None:
        point = outline_point(area)
    return Place(parcel, point, area, area_m2)


def _check_grant(grant: Grant, user: User) -> tuple[TradingCentre, Region, Place]:
    fields: FieldErrors = {}
    centre = TradingCentre.objects.filter(pk=grant.centre_id, is_active=True).select_related("rule_profile").first()
    region = Region.objects.filter(pk=grant.region_code).first()
    if centre is None:
        _error(fields, "centre", "not_found", _("No active trading centre has this id."))
    if region is None or region.level != "county":
        _error(fields, "region", "invalid", _("Choose a county."))
    elif not scope_covers(user, region.code, User.Role.GRANTOR):
        _error(fields, "region", "out_of_scope", _("You do not act for this region."))
    elif centre is not None and not serves(centre, region.code):
        _error(fields, "centre", "out_of_region", _("This centre does not serve the lot's region."))
    if grant.transfer not in PRIMARY_TRANSFERS.get(grant.kind, set()):
        _error(fields, "transfer", "invalid_choice", _("Not a way this kind of right is granted."))
    if not grant.title.strip():
        _error(fields, "title", "required", _("This field is required."))
    place = _place(grant, region, fields)
    if fields or centre is None or region is None:
        raise InvalidInput(fields=fields)
    return centre, region, place


@transaction.atomic
def lot_submit_by_grantor(*, user: User, grant: Grant, terms: Terms, lot_id: int | None = None) -> Lot:
    """A grantor submits a primary-market lot to a centre (or resubmits one the centre returned)."""
    if lot_id is None:
        lot = Lot(door=Lot.Door.PRIMARY, grantor=user)
    else:
        found = Lot.objects.select_for_update().filter(pk=lot_id, door=Lot.Door.PRIMARY).first()
        if found is None or not scope_covers(user, found.region_id, User.Role.GRANTOR):
            raise NotFound(_("No lot has this id."))
        if found.status != L.RETURNED:
            raise LotConflict(_("Only a lot the centre returned can be changed and submitted again."))
        lot = found
    centre, region, place = _check_grant(grant, user)
    check_terms(terms)
    for name in (
        "title",
        "transfer",
        "kind",
        "address",
        "parcel_id",
        "area_m2",
        "land_use",
        "term_years",
        "conditions",
    ):
        setattr(lot, name, getattr(grant, name))
    lot.centre = centre
    lot.region = region
    lot.location = place.point
    lot.area = place.area
    if lot.area_m2 is None:
        lot.area_m2 = place.parcel.area_m2 if place.parcel is not None else place.area_m2
    lot.transferor = grant.transferor or user.principal.real_name or str(user)
    lot.status = L.SUBMITTED
    lot.reason = ""
    for name, value in _terms_fields(terms).items():
        setattr(lot, name, value)
    if lot.rules_id is None:
        lot.rules = profile_copy(centre.rule_profile, name=f"{centre.rule_profile.name} · {grant.title}")
    lot.save()
    record("lot.submitted", actor=user, lot=lot)
    return lot


def _submitted_lot(user: User, lot_id: int) -> Lot:
    lot = Lot.objects.select_for_update(of=("self",)).select_related("centre").filter(pk=lot_id).first()
    if lot is None or not centre_staff_covers(user, lot.centre):
        raise NotFound(_("No lot has this id."))
    if lot.status != L.SUBMITTED:
        raise LotConflict(_("Only a submitted lot can be registered or returned."))
    return lot


@transaction.atomic
def lot_register_submitted(*, user: User, lot_id: int) -> Lot:
    """The centre found the grantor's submission complete: the lot is registered and numbered."""
    lot = _submitted_lot(user, lot_id)
    if not lot.documents.exists():
        raise LotConflict(_("The grantor has not attached the lot's documents."), code="documents_missing")
    return _register(lot, user=user)


@transaction.atomic
def lot_return(*, user: User, lot_id: int, reason: str) -> Lot:
    """The centre returns an incomplete submission to the grantor with its reasons."""
    lot = _submitted_lot(user, lot_id)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(fields={"reason": [{"code": "required", "message": _("Say what is missing.")}]})
    lot.status = L.RETURNED
    lot.reason = reason[:500]
    lot.save(update_fields=["status", "reason", "updated_at"])
    record("lot.returned", actor=user, lot=lot, note=lot.reason)
    return lot


DOCUMENT_TYPES = frozenset({"pdf", "doc", "docx", "jpg", "png", "zip", "rar"})
DOCUMENT_MAX_BYTES = 50 * 1024 * 1024


def lot_document_add(*, user: User, lot_id: int, title: str, file: UploadedFile) -> LotDocument:
    """A document of the lot (出让公告, 出让须知, 宗地图 …), checked by content and kept with its SHA-256: by its
    grantor while the lot is submitted or returned, by its centre's staff until it is announced."""
    with uploads_atomic() as store:
        lot = Lot.objects.select_for_update(of=("self",)).select_related("centre").filter(pk=lot_id).first()
        staff = lot is not None and centre_staff_covers(user, lot.centre)
        grantor = (
            lot is not None and lot.door == Lot.Door.PRIMARY and scope_covers(user, lot.region_id, User.Role.GRANTOR)
        )
        if lot is None or not (staff or grantor):
            raise NotFound(_("No lot has this id."))
        open_to = (L.SUBMITTED, L.RETURNED, L.REGISTERED) if staff else (L.SUBMITTED, L.RETURNED)
        if lot.status not in open_to:
            raise LotConflict(_("The lot's documents can no longer change."), code="documents_fixed")
        if not title.strip():
            raise InvalidInput(fields={"title": [{"code": "required", "message": _("This field is required.")}]})
        stored = store(file, types=DOCUMENT_TYPES, max_bytes=DOCUMENT_MAX_BYTES, folder="lots")
        return LotDocument.objects.create(
            lot=lot,
            title=title.strip()[:128],
            **stored.document_fields(),
        )
