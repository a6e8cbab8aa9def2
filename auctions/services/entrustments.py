"""Entrustments (委托交易): an owner hands land to a trading centre in the seed's three steps (land and centre,
applicant, attachments), submits, may withdraw before the centre decides; the centre's staff accept (setting the
performance bond) or reject with a reason; a rejected entrustment may be corrected and submitted again.

The land fields are checked exactly as a supply listing's are (market.services.supply.land_fields_clean); an
entrustment of a published listing takes the listing's land as reviewed and cannot change it here.
"""

from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services.messages import message_send
from auctions.models import Entrustment, EntrustmentAttachment, TradingCentre
from auctions.selectors import centre_staff_covers, serves
from auctions.services.events import record
from core import money
from core.clock import db_now
from core.errors import Conflict, FieldErrors, InvalidInput, NotFound, PermissionDenied
from core.uploads import uploads_atomic
from market.models import SupplyListing
from market.services.supply import land_fields_clean
from market.services.supply_identity import owner_identity

E = Entrustment.Status
K = EntrustmentAttachment.Kind
EDITABLE = (E.DRAFT, E.REJECTED)
ACTIVE = (E.DRAFT, E.SUBMITTED, E.ACCEPTED)
DOCUMENT_TYPES = frozenset({"rar", "zip", "doc", "docx", "pdf", "jpg"})  # the seed's list
DOCUMENT_MAX_BYTES = 50 * 1024 * 1024
DOCUMENTS_PER_KIND = 10
# The land of the seed's step 1, as a supply listing has it (copied from a listing, or checked like one).
LAND_FIELDS = (
    "land_nature",
    "region",
    "use_right_type",
    "land_type",
    "land_use",
    "area_m2",
    "right_end_date",
    "address",
    "location",
    "parcel",
    "outline",
    "boundary_east",
    "boundary_west",
    "boundary_south",
    "boundary_north",
    "certificate_type",
    "certificate_number",
    "registration_authority",
    "unit_numbers",
    "with_buildings",
    "investment_over_25",
    "floor_area_ratio",
    "notes",
)
LAND_INPUTS = frozenset(LAND_FIELDS) - {"region", "parcel", "location", "outline"} | {
    "region",
    "parcel_id",
    "location",
    "outline",
}
APPLICANT_FIELDS = (
    "owner_nature",
    "owner_name",
    "owner_id_type",
    "owner_id_number",
    "owner_address",
    "owner_phone",
    "agent_name",
    "agent_id_number",
    "agent_phone",
    "agent_address",
)
REQUIRED = {
    1: (
        "centre",
        "title",
        "land_nature",
        "region",
        "use_right_type",
        "land_type",
        "land_use",
        "area_m2",
        "address",
        "term_years",
        "price_wan",
        "certificate_type",
        "certificate_number",
        "registration_authority",
        "with_buildings",
        "investment_over_25",
    ),
    2: ("owner_nature", "owner_name", "owner_id_number", "owner_address", "owner_phone", "agent_name", "agent_phone"),
}
TERM_YEARS = (1, 70)


class EntrustmentConflict(Conflict):
    default_code = "entrustment_conflict"


def _error(fields: FieldErrors, name: str, code: str, message: str) -> None:
    fields.setdefault(name, []).append({"code": code, "message": message})


def _require_verified(user: User) -> None:
    if not user.is_authenticated or not user.is_verified:
        raise PermissionDenied(
            _("Complete real-name verification (实名认证) in your personal centre before you do this."),
            code="verification_required",
        )


def _owned(user: User, entrustment_id: int) -> Entrustment:
    entrustment = Entrustment.objects.select_for_update(of=("self",)).filter(pk=entrustment_id).first()
    if entrustment is None or not user.is_authenticated or entrustment.owner_id != user.principal.pk:
        raise NotFound(_("No entrustment has this id."))
    return entrustment


def _public_listing(user: User, listing_id: int) -> SupplyListing:
    listing = SupplyListing.objects.filter(pk=listing_id, owner=user.principal).first()
    if listing is None:
        raise NotFound(_("No supply listing has this id."))
    if listing.status not in SupplyListing.PUBLIC_STATUSES:
        raise EntrustmentConflict(_("Only a published listing can be entrusted."))
    if Entrustment.objects.filter(listing=listing, status__in=ACTIVE).exists():
        raise EntrustmentConflict(_("This listing is already entrusted."), code="already_entrusted")
    return listing


def _clean_own(entrustment: Entrustment, fields: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    """The entrustment's own fields of step 1: centre, title, the result opt-out, term and proposed price."""
    values: dict[str, Any] = {}
    if "centre" in fields:
        centre = (
            TradingCentre.objects.filter(pk=fields["centre"], is_active=True).first()
            if isinstance(fields["centre"], int)
            else None
        )
        if fields["centre"] is not None and centre is None:
            _error(errors, "centre", "invalid", _("Choose an active trading centre."))
        values["centre"] = centre
    if "title" in fields:
        title = fields["title"] if isinstance(fields["title"], str) else None
        if title is None or len(title) > 200 or "\x00" in title:
            _error(errors, "title", "invalid", _("Text of at most 200 characters is required."))
        values["title"] = (title or "").strip()
    if "hide_result" in fields:
        if not isinstance(fields["hide_result"], bool):
            _error(errors, "hide_result", "invalid", _("Must be true or false."))
        values["hide_result"] = bool(fields["hide_result"])
    if "term_years" in fields:
        low, high = TERM_YEARS
        term = fields["term_years"]
        if term is not None and (not isinstance(term, int) or isinstance(term, bool) or not low <= term <= high):
            _error(
                errors,
                "term_years",
                "out_of_range",
                _("Between %(low)d and %(high)d years.") % {"low": low, "high": high},
            )
        values["term_years"] = term
    if "price_wan" in fields:
        values["price_wan"] = _price(fields["price_wan"], errors)
    return values


def _price(value: Any, errors: FieldErrors) -> Decimal | None:
    if value is None:
        return None
    price = money.exact_amount(value, places=None, below=money.WAN_BELOW)
    if price is None:
        _error(errors, "price_wan", "out_of_range", _("Must be a positive amount."))
        return None
    if money.wan(price) is None:
        _error(errors, "price_wan", "too_precise", _("At most four decimals of 10,000 yuan (one yuan)."))
        return None
    return price


def _clean(entrustment: Entrustment, user: User, fields: dict[str, Any]) -> dict[str, Any]:
    """Every given field checked (all errors in one 400); the applicant's identity always from verification."""
    errors: FieldErrors = {}
    own = {"centre", "title", "hide_result", "term_years", "price_wan"}
    unknown = set(fields) - own - LAND_INPUTS - set(APPLICANT_FIELDS)
    for name in sorted(unknown):
        _error(errors, name, "unknown_field", _("This field cannot be set."))
    land = {name: value for name, value in fields.items() if name in LAND_INPUTS}
    if land and entrustment.listing_id is not None:
        for name in sorted(land):
            _error(errors, name, "from_listing", _("The land comes from the published listing; change it there."))
        land = {}
    values = _clean_own(entrustment, fields, errors)
    applicant = {name: value for name, value in fields.items() if name in APPLICANT_FIELDS}
    identity = owner_identity(user=user)
    if identity is not None:
        applicant |= identity.fields
    try:
        values |= land_fields_clean(user=user, mode=entrustment.mode, fields=land | applicant)
    except InvalidInput as refused:
        for name, problems in refused.fields.items():
            errors.setdefault(name, []).extend(problems)
    values.pop("institution", None)  # a supply listing's; an entrustment goes to its centre
    if errors:
        raise InvalidInput(fields=errors)
    return values


def _missing(entrustment: Entrustment, steps: tuple[int, ...] = (1, 2)) -> FieldErrors:
    errors: FieldErrors = {}
    for step in steps:
        for name in REQUIRED[step]:
            attribute = f"{name}_id" if name in ("centre", "region") else name
            if getattr(entrustment, attribute) in (None, ""):
                _error(errors, name, "required", _("This field is required."))
    if 1 in steps and entrustment.location is None:
        _error(errors, "location", "required", _("Place the land on the map (a parcel, an outline or a point)."))
    centre = entrustment.centre if entrustment.centre_id else None
    if centre is not None and entrustment.region_id and not serves(centre, entrustment.region_id):
        _error(errors, "centre", "out_of_region", _("This centre does not serve the land's region."))
    return errors


def _save(entrustment: Entrustment, values: dict[str, Any], step: int | None) -> Entrustment:
    for name, value in values.items():
        setattr(entrustment, name, value)
    if step is not None:
        missing = _missing(entrustment, (step,))
        if missing:
            raise InvalidInput(_("Fill in every required field of this step."), fields=missing)
    entrustment.save()
    return entrustment


@transaction.atomic
def entrustment_create(
    *, user: User, mode: str | None = None, listing_id: int | None = None, step: int | None = None, **fields: Any
) -> Entrustment:
    """A draft in the name of the user's principal: of a published listing of theirs (its land copied), or from
    scratch with `mode` (转让 transfer / 出租 lease)."""
    _require_verified(user)
    entrustment = Entrustment(owner=user.principal, created_by=user)
    if listing_id is not None:
        listing = _public_listing(user, listing_id)
        entrustment.listing = listing
        entrustment.mode = listing.mode
        entrustment.price_wan = listing.price_wan
        entrustment.term_years = listing.lease_term_years
        entrustment.title = listing.title
        for name in (*LAND_FIELDS, *APPLICANT_FIELDS):
            setattr(entrustment, name, getattr(listing, name))
    elif mode not in SupplyListing.Mode.values:
        raise InvalidInput(fields={"mode": [{"code": "invalid_choice", "message": _("Not one of the choices.")}]})
    else:
        entrustment.mode = mode
    return _save(entrustment, _clean(entrustment, user, fields), step)


@transaction.atomic
def entrustment_update(*, user: User, entrustment_id: int, step: int | None = None, **fields: Any) -> Entrustment:
    """Save fields of a draft or rejected entrustment; with `step` ("下一步") only when that step is complete."""
    entrustment = _owned(user, entrustment_id)
    if entrustment.status not in EDITABLE:
        raise EntrustmentConflict(_("Only a draft or a rejected entrustment can be changed."), code="not_editable")
    return _save(entrustment, _clean(entrustment, user, fields), step)


def attachment_add(*, user: User, entrustment_id: int, kind: str, file: UploadedFile) -> EntrustmentAttachment:
    """One document of the seed's lists, checked by its content (rar/zip/doc/docx/pdf/jpg, at most 50 MB)."""
    if kind not in K.values:
        raise InvalidInput(fields={"kind": [{"code": "invalid_choice", "message": _("Not one of the choices.")}]})
    with uploads_atomic() as store:
        entrustment = _owned(user, entrustment_id)
        if entrustment.status not in EDITABLE:
            raise EntrustmentConflict(_("Only a draft or a rejected entrustment can be changed."), code="not_editable")
        if entrustment.attachments.filter(kind=kind).count() >= DOCUMENTS_PER_KIND:
            raise EntrustmentConflict(
                _("This entrustment already has {n} files of this kind.").format(n=DOCUMENTS_PER_KIND),
                code="too_many_files",
            )
        stored = store(file, types=DOCUMENT_TYPES, max_bytes=DOCUMENT_MAX_BYTES, folder="entrustments")
        return EntrustmentAttachment.objects.create(
            entrustment=entrustment,
            kind=kind,
            **stored.document_fields(),
            uploaded_by=user,
        )


@transaction.atomic
def attachment_delete(*, user: User, attachment_id: int) -> None:
    attachment = EntrustmentAttachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No attachment has this id."))
    entrustment = _owned(user, attachment.entrustment_id)
    if entrustment.status not in EDITABLE:
        raise EntrustmentConflict(_("Only a draft or a rejected entrustment can be changed."), code="not_editable")
    name = attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def entrustment_submit(*, user: User, entrustment_id: int) -> Entrustment:
    """Submit to the chosen centre: every required field of both steps and every required document present."""
    entrustment = _owned(user, entrustment_id)
    if entrustment.status not in EDITABLE:
        raise EntrustmentConflict(_("Only a draft or a rejected entrustment can be submitted."), code="not_editable")
    missing = _missing(entrustment)
    kinds = set(entrustment.attachments.values_list("kind", flat=True))
    for kind in EntrustmentAttachment.REQUIRED_KINDS:
        if kind not in kinds:
            _error(missing, f"attachments.{kind}", "required", _("Upload this document."))
    if missing:
        raise InvalidInput(_("The entrustment is not complete."), fields=missing)
    entrustment.status = E.SUBMITTED
    entrustment.submitted_at = db_now()
    entrustment.reason = ""
    entrustment.save(update_fields=["status", "submitted_at", "reason", "updated_at"])
    record("entrustment.submitted", actor=user, entrustment=entrustment)
    return entrustment


@transaction.atomic
def entrustment_withdraw(*, user: User, entrustment_id: int) -> Entrustment:
    """Withdraw before the centre accepts it (a draft, a submitted or a rejected entrustment)."""
    entrustment = _owned(user, entrustment_id)
    if entrustment.status not in (E.DRAFT, E.SUBMITTED, E.REJECTED):
        raise EntrustmentConflict(_("An accepted entrustment can no longer be withdrawn."), code="not_withdrawable")
    entrustment.status = E.WITHDRAWN
    entrustment.save(update_fields=["status", "updated_at"])
    record("entrustment.withdrawn", actor=user, entrustment=entrustment)
    return entrustment


def _submitted_for_staff(user: User, entrustment_id: int) -> Entrustment:
    entrustment = (
        Entrustment.objects.select_for_update(of=("self",)).select_related("centre").filter(pk=entrustment_id).first()
    )
    if entrustment is None or entrustment.centre is None or not centre_staff_covers(user, entrustment.centre):
        raise NotFound(_("No entrustment has this id."))
    if entrustment.status != E.SUBMITTED:
        raise EntrustmentConflict(_("Only a submitted entrustment can be accepted or rejected."), code="not_submitted")
    return entrustment


def _bond(value: Any) -> Decimal:
    bond = money.yuan(value, zero=True)
    if bond is None:
        raise InvalidInput(
            fields={"bond_yuan": [{"code": "invalid", "message": _("An amount in yuan, to the fen, not negative.")}]}
        )
    return bond


@transaction.atomic
def entrustment_accept(
    *, user: User, entrustment_id: int, bond_yuan: Any, bond_payment_details: str = ""
) -> Entrustment:
    """The centre accepts the entrustment and sets the performance bond (履约保证金) and how to pay it."""
    entrustment = _submitted_for_staff(user, entrustment_id)
    assert entrustment.centre is not None  # noqa: S101 - _submitted_for_staff checked it
    centre = entrustment.centre
    details = bond_payment_details.strip() or "；".join(
        part for part in (centre.bond_payee, centre.bond_bank, centre.bond_account) if part
    )
    entrustment.bond_yuan = _bond(bond_yuan)
    entrustment.bond_payment_details = details[:500]
    entrustment.status = E.ACCEPTED
    entrustment.decided_by = user
    entrustment.decided_at = db_now()
    entrustment.save()
    record("entrustment.accepted", actor=user, entrustment=entrustment, note=f"{entrustment.bond_yuan} 元")
    message_send(
        user=entrustment.owner,
        title=_("Your entrustment was accepted: %(title)s") % {"title": entrustment.title},
        body=_("Performance bond: %(bond)s yuan. %(details)s") % {"bond": entrustment.bond_yuan, "details": details},
        link=f"/me/?section=entrustments&id={entrustment.pk}",
    )
    return entrustment


@transaction.atomic
def entrustment_reject(*, user: User, entrustment_id: int, reason: str) -> Entrustment:
    """The centre rejects the entrustment with its reason; the owner may correct it and submit again."""
    entrustment = _submitted_for_staff(user, entrustment_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [{"code": "required", "message": _("Give the reason.")}]})
    entrustment.status = E.REJECTED
    entrustment.reason = reason[:500]
    entrustment.decided_by = user
    entrustment.decided_at = db_now()
    entrustment.save()
    record("entrustment.rejected", actor=user, entrustment=entrustment, note=entrustment.reason)
    message_send(
        user=entrustment.owner,
        title=_("Your entrustment was rejected: %(title)s") % {"title": entrustment.title},
        body=entrustment.reason,
        link=f"/me/?section=entrustments&id={entrustment.pk}",
    )
    return entrustment
