"""Step 1 (合同编制): party A starts a contract (from a published listing of theirs, from a lot's result they were the
seller of, or from scratch), edits its data while it is a draft, returned or rejected, and attaches the seed's
documents. Every given field is checked here; all bad fields are named in one 400 and nothing is saved."""

import datetime
import re
import secrets
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import User, phone_validator
from auctions.models import Lot, LotResult, LotTrading
from contracts.models import Contract, ContractAttachment
from contracts.services.common import as_party_a, event, require_verified
from contracts.transitions import EDITABLE
from core.clock import db_now
from core.errors import Conflict, FieldErrors, InvalidInput, NotFound
from core.uploads import uploads_atomic
from geo.reference import is_valid_land_use, land_use_parent
from geo.services_listing import county_get, point_clean
from market.models import SupplyListing

K = ContractAttachment.Kind
DOCUMENT_TYPES = frozenset({"rar", "zip", "doc", "docx", "pdf", "jpg"})  # the seed's list
DOCUMENT_MAX_BYTES = 16 * 1024 * 1024  # the seed's 16 MB
DOCUMENTS_PER_KIND = 10
POSTCODE = re.compile(r"^[0-9]{6}$")
UNIT_NUMBER = re.compile(r"^[0-9A-Z]{28}$")  # 不动产单元号
TERM_YEARS = (1, 70)

TEXT_FIELDS = (
    "a_name", "a_id_number", "a_address", "a_fax", "a_bank", "a_account",
    "b_name", "b_id_number", "b_address", "b_fax", "b_bank", "b_account",
    "address", "plane_boundary", "upper_boundary", "lower_boundary", "certificate_number", "payment_schedule",
    "institution",
)  # fmt: skip
CHOICE_FIELDS = ("use_right_type", "land_nature", "certificate_type")
PHONE_FIELDS = ("a_phone", "b_phone")
POSTCODE_FIELDS = ("a_postcode", "b_postcode")
# Positive decimals and their places: 万元 to four (one yuan), m² and m to two.
DECIMAL_FIELDS = {"price_wan": 4, "rent_wan_per_year": 4, "area_m2": 2, "height_difference_m": 2}
EDITABLE_FIELDS = frozenset(
    {*TEXT_FIELDS, *CHOICE_FIELDS, *PHONE_FIELDS, *POSTCODE_FIELDS, *DECIMAL_FIELDS}
    | {"region", "land_use", "unit_numbers", "location", "term_years", "delivery_date", "a_publish_price"}
)
# The starred fields of the seed's form (转让人/受让人基本信息, 地块基本情况, 选择机构); the terms by kind.
REQUIRED_FIELDS = (
    "a_name", "a_phone", "a_address", "a_postcode", "b_name", "b_phone", "b_address", "b_postcode",
    "address", "region", "plane_boundary", "upper_boundary", "lower_boundary", "height_difference_m",
    "use_right_type", "land_use", "land_nature", "certificate_type", "unit_numbers", "institution",
)  # fmt: skip
REQUIRED_TERMS = {Contract.Kind.TRANSFER: ("price_wan",), Contract.Kind.LEASE: ("rent_wan_per_year", "term_years")}


class NotEditable(Conflict):
    default_code = "not_editable"


def _error(errors: FieldErrors, name: str, code: str, message: str) -> None:
    errors.setdefault(name, []).append({"code": code, "message": message})


# ------------------------------------------------------------------------------------------------ checking fields


def _text(name: str, value: Any, errors: FieldErrors) -> str:
    field = Contract._meta.get_field(name)
    assert isinstance(field, models.Field)  # noqa: S101 - the names above are model fields
    limit = field.max_length or 2000  # payment_schedule is a TextField of 2000
    value = "" if value is None else value
    if not isinstance(value, str):
        _error(errors, name, "invalid", _("Text is required."))
    elif len(value) > limit:
        _error(errors, name, "max_length", _("At most %(n)d characters.") % {"n": limit})
    elif "\x00" in value:
        _error(errors, name, "null_characters_not_allowed", _("Null characters are not allowed."))
    elif value and field.choices and value not in {str(choice) for choice, _label in field.choices}:
        _error(errors, name, "invalid_choice", _("Not one of the choices."))
    else:
        return value.strip()
    return ""


def _decimal(name: str, value: Any, errors: FieldErrors) -> Decimal | None:
    """A positive decimal of at most the field's places (a price in 万元 to one yuan, an area to 0.01 m²)."""
    if value is None or value == "":
        return None
    places = DECIMAL_FIELDS[name]
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
            raise InvalidOperation
        number = Decimal(str(value).strip())
    except InvalidOperation:
        _error(errors, name, "invalid", _("A number is required."))
        return None
    if not number.is_finite() or number <= 0:
        _error(errors, name, "not_positive", _("Must be a positive number."))
        return None
    if number != number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        _error(errors, name, "max_decimal_places", _("At most %(n)d decimal places.") % {"n": places})
        return None
    field = Contract._meta.get_field(name)
    assert isinstance(field, models.DecimalField)  # noqa: S101 - the names above are decimal fields
    if number >= Decimal(10) ** ((field.max_digits or 0) - places):
        _error(errors, name, "out_of_range", _("The value is out of range."))
        return None
    return number


def _phone(name: str, value: Any, errors: FieldErrors) -> str:
    if value in (None, ""):
        return ""
    try:
        phone_validator(value if isinstance(value, str) else "")
    except ValidationError:
        _error(errors, name, "invalid_phone", _("Enter a mainland mobile number of 11 digits."))
        return ""
    return str(value)


def _postcode(name: str, value: Any, errors: FieldErrors) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not POSTCODE.match(value):
        _error(errors, name, "invalid_postcode", _("A postcode has 6 digits."))
        return ""
    return value


def _unit_numbers(value: Any, errors: FieldErrors) -> str:
    """Real-estate unit numbers (不动产单元号, 28 digits or capital letters each), separated by commas or spaces."""
    if value in (None, ""):
        return ""
    numbers = re.split(r"[\s,，]+", value.strip()) if isinstance(value, str) else None
    if not numbers or not all(UNIT_NUMBER.match(number) for number in numbers) or len(",".join(numbers)) > 500:
        _error(
            errors,
            "unit_numbers",
            "invalid_unit_number",
            _("A real-estate unit number has 28 digits or capital letters."),
        )
        return ""
    return ",".join(numbers)


def _other(contract: Contract, name: str, value: Any, values: dict[str, Any], errors: FieldErrors) -> None:
    """The fields that are neither text nor decimals: region, land use, place, term, delivery date, opt-out."""
    if name == "region":
        region = county_get(code=value) if isinstance(value, str) and value else None
        if value not in (None, "") and region is None:
            _error(errors, name, "invalid", _("Choose a county-level region that exists."))
        values[name] = region
    elif name == "land_use":
        if value not in (None, "") and not (
            isinstance(value, str) and is_valid_land_use(value) and land_use_parent(value)
        ):
            _error(errors, name, "invalid", _("Not a second-level GB/T 21010-2017 land-use class (e.g. 0501)."))
        values[name] = value or ""
    elif name == "location":
        try:
            values[name] = point_clean(value=value) if value is not None else None
        except InvalidInput as refused:
            errors.update(refused.fields)
    elif name == "term_years":
        low, high = TERM_YEARS
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high):
            _error(errors, name, "out_of_range", _("Between %(low)d and %(high)d years.") % {"low": low, "high": high})
        values[name] = value
    elif name == "delivery_date":
        try:
            values[name] = datetime.date.fromisoformat(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            _error(errors, name, "invalid", _("A date as YYYY-MM-DD is required."))
    elif name == "a_publish_price":
        if not isinstance(value, bool):
            _error(errors, name, "invalid", _("Must be true or false."))
        values[name] = value


def fields_clean(contract: Contract, fields: dict[str, Any]) -> dict[str, Any]:
    """The given fields checked and turned into model values ({attribute: value}); every bad field in one 400."""
    errors: FieldErrors = {}
    values: dict[str, Any] = {}
    for name in sorted(fields.keys() - EDITABLE_FIELDS):
        _error(errors, name, "unknown_field", _("This field cannot be set."))
    for name, value in fields.items():
        if name in TEXT_FIELDS or name in CHOICE_FIELDS:
            values[name] = _text(name, value, errors)
        elif name in DECIMAL_FIELDS:
            values[name] = _decimal(name, value, errors)
        elif name in PHONE_FIELDS:
            values[name] = _phone(name, value, errors)
        elif name in POSTCODE_FIELDS:
            values[name] = _postcode(name, value, errors)
        elif name == "unit_numbers":
            values[name] = _unit_numbers(value, errors)
        elif name in EDITABLE_FIELDS:
            _other(contract, name, value, values, errors)
    if errors:
        raise InvalidInput(fields=errors)
    return values


def contract_missing(contract: Contract) -> FieldErrors:
    """What sending or submitting needs and the contract lacks: required fields and the four required documents."""
    missing: FieldErrors = {}
    for name in (*REQUIRED_FIELDS, *REQUIRED_TERMS[Contract.Kind(contract.kind)]):
        attribute = "region_id" if name == "region" else name
        if getattr(contract, attribute) in (None, ""):
            _error(missing, name, "required", _("This field is required."))
    kinds = set(contract.attachments.values_list("kind", flat=True))
    for kind in ContractAttachment.REQUIRED_KINDS:
        if kind not in kinds:
            _error(missing, f"attachments.{kind}", "required", _("Upload this document."))
    return missing


# ------------------------------------------------------------------------------------------------ starting points


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _from_listing(contract: Contract, user: User, listing_id: Any) -> None:
    """Party A and the parcel from a published listing of the user's (its kind from the listing's mode)."""
    listing = SupplyListing.objects.filter(pk=listing_id, owner=user.principal).first() if _is_id(listing_id) else None
    if listing is None:
        raise NotFound(_("No supply listing has this id."))
    if listing.status not in SupplyListing.PUBLIC_STATUSES:
        raise Conflict(_("Only a published listing can start a contract."), code="not_published")
    contract.listing = listing
    contract.kind = listing.mode
    contract.a_name = listing.owner_name
    contract.a_id_number = listing.owner_id_number
    contract.a_phone = listing.owner_phone if len(listing.owner_phone) <= 20 else ""
    contract.a_address = listing.owner_address
    for name in ("address", "region", "use_right_type", "land_use", "land_nature", "certificate_type"):
        setattr(contract, name, getattr(listing, name))
    contract.certificate_number = listing.certificate_number
    contract.unit_numbers = ",".join(listing.unit_numbers or [])[:500]
    contract.area_m2 = listing.area_m2
    contract.location = listing.location
    contract.outline = listing.parcel.geometry if listing.parcel is not None else listing.outline
    contract.institution = listing.institution
    if listing.mode == SupplyListing.Mode.TRANSFER:
        contract.price_wan = listing.price_wan
    else:
        contract.term_years = listing.lease_term_years


def _from_lot(contract: Contract, user: User, lot_id: Any) -> None:
    """The trade's parties, parcel and price from a lot's result: a deal, not revoked, of a transfer or a lease,
    started by the entrustment's owner (the seller). Party B is the winner: the applicant's verified name and phone."""
    lots = Lot.objects.select_for_update(of=("self",)).select_related("entrustment", "parcel")  # one contract a lot
    lot = lots.filter(pk=lot_id).first() if _is_id(lot_id) else None
    entrustment = lot.entrustment if lot is not None else None
    if lot is None or entrustment is None or entrustment.owner_id != user.principal.pk:
        raise NotFound(_("No lot has this id."))
    result = LotResult.objects.select_related("winner__application__applicant").filter(lot=lot).first()
    if result is None or result.outcome != LotTrading.Outcome.DEAL or result.revoked_at is not None:
        raise Conflict(_("Only a lot sold in a deal that stands can start a contract."), code="no_deal")
    if lot.transfer not in Contract.Kind.values:
        raise Conflict(_("Only a transfer or a lease is contracted here."), code="not_transfer_or_lease")
    taken = Contract.objects.filter(lot=lot).exclude(status=Contract.Status.CANCELLED).exists()
    if taken:
        raise Conflict(_("This lot already has a contract."), code="already_contracted")
    assert result.winner is not None  # noqa: S101 - a deal has its winner
    application = result.winner.application
    contract.lot = lot
    contract.kind = lot.transfer
    contract.a_name = entrustment.owner_name
    contract.a_id_number = entrustment.owner_id_number
    contract.a_phone = entrustment.owner_phone
    contract.a_address = entrustment.owner_address
    contract.b_name = application.applicant.real_name
    contract.b_phone = application.applicant.phone
    contract.b_address = application.address
    contract.address = lot.address or entrustment.address
    contract.region = county_get(code=lot.region_id)
    contract.land_use = lot.land_use or entrustment.land_use
    contract.area_m2 = lot.area_m2 or entrustment.area_m2
    contract.location = lot.location or entrustment.location
    contract.outline = lot.parcel.geometry if lot.parcel is not None else entrustment.outline
    for name in ("use_right_type", "land_nature", "certificate_type", "certificate_number"):
        setattr(contract, name, getattr(entrustment, name))
    contract.unit_numbers = ",".join(entrustment.unit_numbers or [])[:500]
    if lot.transfer == Lot.Transfer.TRANSFER:
        contract.price_wan = result.price_wan
    else:
        contract.rent_wan_per_year = result.price_wan
        contract.term_years = lot.term_years


@transaction.atomic
def contract_create(
    *, user: User, kind: Any = None, origin: Any = Contract.Origin.ONLINE, listing: Any = None, lot: Any = None
) -> Contract:
    """A draft of the user's (party A): from a published listing of theirs, from a lot's result they sold, or from
    scratch with `kind` (transfer 转让 / lease 出租); `origin` online (合同网签) or offline (合同赋码申请)."""
    require_verified(user)
    errors: FieldErrors = {}
    if origin not in Contract.Origin.values:
        _error(errors, "origin", "invalid_choice", _("Not one of the choices."))
    if listing is not None and lot is not None:
        _error(errors, "lot", "conflict", _("Start from a listing or from a lot, not both."))
    if listing is None and lot is None and kind not in Contract.Kind.values:
        _error(errors, "kind", "invalid_choice", _("Not one of the choices."))
    if errors:
        raise InvalidInput(fields=errors)
    now = db_now()
    contract = Contract(
        origin=origin, initiator=user, verify_token=secrets.token_urlsafe(32), created_at=now, updated_at=now
    )
    if listing is not None:
        _from_listing(contract, user, listing)
    elif lot is not None:
        _from_lot(contract, user, lot)
    else:
        contract.kind = kind
        contract.a_name = user.principal.real_name
        contract.a_phone = user.phone
    contract.save()
    event(contract, actor=user, action="created")
    return contract


@transaction.atomic
def contract_update(*, user: User, contract_id: int, fields: dict[str, Any]) -> Contract:
    """Save fields of a draft, returned or rejected contract (party A); every bad field in one 400."""
    contract = as_party_a(user, contract_id)
    if contract.status not in EDITABLE:
        raise NotEditable(_("Only a draft, a returned or a rejected contract can be changed."))
    values = fields_clean(contract, fields)
    for name, value in values.items():
        setattr(contract, name, value)
    contract.updated_at = db_now()
    contract.save()
    return contract


def attachment_add(*, user: User, contract_id: int, kind: str, file: UploadedFile | None) -> ContractAttachment:
    """One document of the seed's list (rar/zip/doc/docx/pdf/jpg, at most 16 MB, checked by content)."""
    with uploads_atomic() as store:
        contract = as_party_a(user, contract_id)
        if contract.status not in EDITABLE:
            raise NotEditable(_("Only a draft, a returned or a rejected contract can be changed."))
        errors: FieldErrors = {}
        if kind not in K.values:
            _error(errors, "kind", "invalid_choice", _("Not one of the choices."))
        if file is None:
            _error(errors, "file", "required", _("Attach the file."))
        if errors:
            raise InvalidInput(fields=errors)
        assert file is not None  # noqa: S101 - checked above
        if contract.attachments.filter(kind=kind).count() >= DOCUMENTS_PER_KIND:
            raise Conflict(
                _("This contract already has {n} files of this kind.").format(n=DOCUMENTS_PER_KIND),
                code="too_many_files",
            )
        stored = store(file, types=DOCUMENT_TYPES, max_bytes=DOCUMENT_MAX_BYTES, folder="contracts")
        return ContractAttachment.objects.create(
            contract=contract, kind=kind, **stored.document_fields(), uploaded_by=user
        )


@transaction.atomic
def attachment_delete(*, user: User, attachment_id: int) -> None:
    """Remove a document of a draft, returned or rejected contract; the file goes once the deletion commits."""
    contract_id = ContractAttachment.objects.filter(pk=attachment_id).values_list("contract_id", flat=True).first()
    if contract_id is None:
        raise NotFound(_("No attachment has this id."))
    contract = as_party_a(user, contract_id)
    if contract.status not in EDITABLE:
        raise NotEditable(_("Only a draft, a returned or a rejected contract can be changed."))
    attachment = ContractAttachment.objects.get(pk=attachment_id)
    name = attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))
