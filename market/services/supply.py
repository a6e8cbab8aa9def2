"""Supply listings (地源): drafts, submission, review, delisting, deletion, expiry, reviewed changes and views."""

import datetime
import logging
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.checksums import resident_id_valid
from accounts.models import User
from accounts.selectors import reviewer_covers
from core.errors import Conflict, FieldErrors, InvalidInput, NotFound, PermissionDenied
from geo.models import Parcel, Region
from geo.reference import LAND_USE_MAJOR, is_valid_land_use, land_use_parent
from geo.services_listing import (
    county_at,
    county_get,
    outline_clean,
    outline_point,
    parcel_at,
    parcel_for_listing,
    point_clean,
    region_full_name,
)
from market.models import ChunkedUpload, ReviewEvent, SupplyAttachment, SupplyChange, SupplyListing
from market.services.audit import TransitionNotAllowed, check_transition, move, record_transition
from market.services.institutions import institution_error
from market.services.supply_identity import IDENTITY_FIELDS, owner_identity
from market.services.supply_outline import outline_area_m2
from market.transitions import SUPPLY, SUPPLY_DELETABLE, SUPPLY_EDITABLE

logger = logging.getLogger(__name__)

S = SupplyListing.Status
LABEL = "supply listing"
VIEW_WINDOW_SECONDS = 30 * 60

# The fields of the seed's form an owner fills in (API names); parcel_id, outline and location link the place.
CHAR_FIELDS = (
    "land_nature", "use_right_type", "land_type", "land_use", "address",
    "boundary_east", "boundary_west", "boundary_south", "boundary_north",
    "certificate_type", "certificate_number", "registration_authority", "building_structure", "notes", "institution",
    "owner_nature", "owner_name", "owner_id_type", "owner_id_number", "owner_address", "owner_phone",
    "agent_name", "agent_id_number", "agent_phone", "agent_address",
)  # fmt: skip
# Decimal fields and the range each must fall in: (lowest, lowest included, highest, highest included).
DECIMAL_RANGES: dict[str, tuple[Decimal, bool, Decimal | None, bool]] = {
    "area_m2": (Decimal(0), False, Decimal(10) ** 12, False),
    "price_wan": (Decimal(0), True, None, False),
    "building_area_m2": (Decimal(0), True, None, False),
    "height_limit_m": (Decimal(0), True, None, False),
    "green_ratio": (Decimal(0), True, Decimal(100), True),
    "building_density": (Decimal(0), True, Decimal(100), True),
    "floor_area_ratio": (Decimal(0), True, None, False),
}
BOOLEAN_FIELDS = ("with_buildings", "investment_over_25")
PLACE_FIELDS = ("parcel_id", "outline", "location")
EDITABLE_FIELDS = frozenset(
    {"mode", "region", "right_end_date", "lease_term_years", "unit_numbers"}
    | set(CHAR_FIELDS)
    | set(DECIMAL_RANGES)
    | set(BOOLEAN_FIELDS)
    | set(PLACE_FIELDS)
)
# The starred fields of the seed's form (发布地源: 土地基本信息, 申请人基本信息); the title is generated.
REQUIRED_FIELDS = (
    "land_nature", "region", "use_right_type", "land_type", "land_use", "area_m2", "right_end_date", "address",
    "certificate_type", "certificate_number", "registration_authority", "with_buildings", "institution",
    "owner_nature", "owner_name", "owner_id_number", "owner_address", "owner_phone", "agent_name", "agent_phone",
)  # fmt: skip
PHONE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$")  # a mobile or a landline with area code
UNIT_NUMBER = re.compile(r"^[0-9A-Z]{28}$")  # 不动产单元号: 28 characters
UNIT_NUMBERS_MAX = 50
LEASE_TERM_YEARS = (1, 70)
# What "下一步" checks before a step is saved (step 3, the attachments, is checked on submission).
STEP_REQUIRED: dict[int, tuple[str, ...]] = {
    1: tuple(name for name in REQUIRED_FIELDS if not name.startswith(("owner_", "agent_"))),
    2: tuple(name for name in REQUIRED_FIELDS if name.startswith(("owner_", "agent_"))),
}


class NotEditable(Conflict):
    default_code = "not_editable"


def _error(code: str, message: str) -> list[dict[str, str]]:
    return [{"code": code, "message": message}]


def _link(listing: SupplyListing) -> str:
    return f"/supply/{listing.pk}/"


def _require_verified(user: User) -> None:
    if not user.is_authenticated or not user.is_verified:
        raise PermissionDenied(
            _("Complete real-name verification (实名认证) in your personal centre before you do this."),
            code="verification_required",
        )


def _lock(listing_id: int) -> SupplyListing:
    listing = SupplyListing.objects.select_for_update(of=("self",)).filter(pk=listing_id).first()
    if listing is None:
        raise NotFound(_("No supply listing has this id."))
    return listing


def is_owner(listing: SupplyListing, user: User) -> bool:
    return bool(user.is_authenticated and listing.owner_id == user.principal.pk)


def _owned(listing_id: int, user: User) -> SupplyListing:
    """The listing, locked, when `user` acts for its owner; others get 404 (never reveal a private listing)."""
    listing = _lock(listing_id)
    if not is_owner(listing, user):
        raise NotFound(_("No supply listing has this id."))
    return listing


def _reviewed(listing_id: int, user: User) -> SupplyListing:
    """The listing, locked, when `user` reviews its region; others get 404."""
    listing = _lock(listing_id)
    if not reviewer_covers(user, listing.region_id):
        raise NotFound(_("No supply listing has this id."))
    return listing


def _reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise InvalidInput(fields={"reason": _error("required", _("Give a reason."))})
    if len(reason) > 500:
        raise InvalidInput(fields={"reason": _error("max_length", _("At most 500 characters."))})
    return reason


# ------------------------------------------------------------------------------------------------ title and fields


def remaining_years(end: datetime.date | None, *, today: datetime.date | None = None) -> int | None:
    """Whole years from today to the right's end date (the seed: 2000-01-01 → 2020-04-15 is 20); 0 once past."""
    if end is None:
        return None
    today = today or timezone.localdate()
    years = end.year - today.year - ((end.month, end.day) < (today.month, today.day))
    return max(years, 0)


def supply_title(listing: SupplyListing) -> str:
    """Region + whole m² + 平方米 + first-level use + 转让/出租, e.g. 四川省成都市锦江区5000平方米商服用地转让."""
    area = ""
    if listing.area_m2 is not None:
        area = f"{listing.area_m2.quantize(Decimal(1), rounding=ROUND_HALF_UP)}平方米"
    use = LAND_USE_MAJOR.get(listing.land_use[:2], "") if listing.land_use else ""
    mode = "转让" if listing.mode == SupplyListing.Mode.TRANSFER else "出租"
    return f"{region_full_name(listing.region)}{area}{use or '土地'}{mode}"[:200]


def _clean_decimal(name: str, value: Any, errors: FieldErrors) -> Decimal | None:
    if value is None:
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[name] = _error("invalid", _("A number is required."))
        return None
    if not number.is_finite():
        errors[name] = _error("invalid", _("A number is required."))
        return None
    low, low_included, high, high_included = DECIMAL_RANGES[name]
    if (
        number < low
        or (number == low and not low_included)
        or (high is not None and (number > high or (number == high and not high_included)))
    ):
        errors[name] = _error("out_of_range", _("The value is out of range."))
        return None
    field = SupplyListing._meta.get_field(name)
    assert isinstance(field, models.DecimalField)  # noqa: S101 - the names above are decimal fields
    places, digits = field.decimal_places or 0, field.max_digits or 0
    if number != number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        errors[name] = _error("max_decimal_places", _("At most %(n)d decimal places.") % {"n": places})
        return None
    if number >= Decimal(10) ** (digits - places):
        errors[name] = _error("out_of_range", _("The value is out of range."))
        return None
    return number


def _clean_char(name: str, value: Any, errors: FieldErrors) -> str:
    value = "" if value is None else value
    field = SupplyListing._meta.get_field(name)
    assert isinstance(field, models.Field)  # noqa: S101 - the names above are model fields
    if not isinstance(value, str):
        errors[name] = _error("invalid", _("Text is required."))
    elif field.max_length and len(value) > field.max_length:
        errors[name] = _error("max_length", _("At most %(n)d characters.") % {"n": field.max_length})
    elif "\x00" in value:
        errors[name] = _error("null_characters_not_allowed", _("Null characters are not allowed."))
    elif value and field.choices and value not in {str(choice) for choice, _label in field.choices}:
        errors[name] = _error("invalid_choice", _("Not one of the choices."))
    elif value and name == "land_use" and not (is_valid_land_use(value) and land_use_parent(value)):
        errors[name] = _error("invalid", _("Not a second-level GB/T 21010-2017 land-use class (e.g. 0501)."))
    elif value and name in ("owner_phone", "agent_phone") and not PHONE.match(value):
        errors[name] = _error("invalid_phone", _("Enter a mobile number or a landline with its area code."))
    elif value and name == "agent_id_number" and not resident_id_valid(value):
        errors[name] = _error("invalid_id_number", _("Not a valid resident ID number (GB 11643)."))
    return value


def _clean_place(listing: SupplyListing, fields: dict[str, Any], values: dict[str, Any], errors: FieldErrors) -> None:
    """parcel_id (picked on the map), outline (drawn) or location (a point: the parcel under it is linked)."""
    try:
        if fields.get("parcel_id") is not None and fields.get("outline") is not None:
            errors["outline"] = _error("conflict", _("Pick a parcel or draw an outline, not both."))
            return
        point = point_clean(value=fields["location"]) if fields.get("location") is not None else None
        if "location" in fields:
            values["location"] = point
        if fields.get("parcel_id") is not None:
            parcel = parcel_for_listing(parcel_id=fields["parcel_id"])
            values |= {"parcel": parcel, "outline": None, "location": point or parcel.centroid}
        elif fields.get("outline") is not None:
            outline, _albers = outline_clean(value=fields["outline"])
            area = outline_area_m2(outline)  # on the GRS80 ellipsoid; the stored area, whatever was typed
            values |= {"outline": outline, "parcel": None, "location": outline_point(outline), "area_m2": area}
        else:
            if "parcel_id" in fields:
                values["parcel"] = None
            if "outline" in fields:
                values["outline"] = None
            has_outline = values.get("outline", listing.outline) is not None
            if point is not None and "parcel_id" not in fields and not has_outline:
                values["parcel"] = parcel_at(point=point)
    except InvalidInput as exc:
        errors.update(exc.fields)


def place_county(*, parcel: Parcel | None, location: Point | None) -> Region | None:
    """The county a listing's place lies in: its parcel's county, else the county under its point."""
    if parcel is not None and parcel.region_id:
        return county_get(code=parcel.region_id)
    return county_at(point=location) if location is not None else None


def _region_from_place(
    listing: SupplyListing, fields: dict[str, Any], values: dict[str, Any], errors: FieldErrors
) -> None:
    """The county (and so the reviewer, 属地审核) follows from where the land is, never from what the owner types:
    a typed region must be the place's. Without a place (or one outside every county on record), a draft keeps the
    typed region until submission, which derives it again."""
    location = values.get("location", listing.location)
    if location is None:
        return
    if "parcel" in values:
        parcel = values["parcel"]
    else:
        parcel = parcel_for_listing(parcel_id=listing.parcel_id) if listing.parcel_id else None
    county = place_county(parcel=parcel, location=location)
    if county is None:  # submission refuses a place outside every county; a draft may wait for the boundaries
        return
    typed = values.get("region") if "region" in fields else None
    if typed is not None and typed.pk != county.pk:
        errors["region"] = _error(
            "region_mismatch",
            _("The land lies in %(name)s (%(code)s), not in the region given; choose %(code)s or correct the place.")
            % {"name": county.name, "code": county.code},
        )
        return
    values["region"] = county


def _clean(listing: SupplyListing, fields: dict[str, Any]) -> dict[str, Any]:
    """The given fields checked and turned into model values ({attribute: value}); every bad field in one 400."""
    errors: FieldErrors = {}
    values: dict[str, Any] = {}
    for name in fields.keys() - EDITABLE_FIELDS:
        errors[name] = _error("unknown_field", _("This field cannot be set."))
    for name, value in fields.items():
        if name in CHAR_FIELDS:
            values[name] = _clean_char(name, value, errors)
        elif name in DECIMAL_RANGES:
            values[name] = _clean_decimal(name, value, errors)
        elif name in BOOLEAN_FIELDS:
            if value is not None and not isinstance(value, bool):
                errors[name] = _error("invalid", _("Must be true or false."))
            values[name] = value
        elif name == "mode":
            if value not in SupplyListing.Mode.values:
                errors[name] = _error("invalid_choice", _("Not one of the choices."))
            values[name] = value
        elif name == "region":
            values["region"] = None
            if value not in (None, ""):
                region = county_get(code=value) if isinstance(value, str) else None
                if region is None:
                    errors[name] = _error("invalid", _("Choose a county-level region that exists."))
                values["region"] = region
        elif name == "right_end_date":
            if value is not None and (not isinstance(value, datetime.date) or value <= timezone.localdate()):
                errors[name] = _error("not_in_future", _("The use right must end after today."))
            values[name] = value
        elif name == "lease_term_years":
            low, high = LEASE_TERM_YEARS
            if value is not None and (not isinstance(value, int) or not low <= value <= high):
                errors[name] = _error(
                    "out_of_range", _("Between %(low)d and %(high)d years.") % {"low": low, "high": high}
                )
            values[name] = value
        elif name == "unit_numbers":
            numbers = list(value or [])
            if len(numbers) > UNIT_NUMBERS_MAX:
                errors[name] = _error("too_many", _("At most %(n)d unit numbers.") % {"n": UNIT_NUMBERS_MAX})
            elif not all(isinstance(n, str) and UNIT_NUMBER.match(n) for n in numbers):
                errors[name] = _error(
                    "invalid_unit_number", _("A real-estate unit number has 28 digits or capital letters.")
                )
            values[name] = numbers
    if fields.keys() & set(PLACE_FIELDS):
        _clean_place(listing, fields, values, errors)
    if fields.keys() & {"region", *PLACE_FIELDS} and not errors.keys() & {"region", *PLACE_FIELDS}:
        _region_from_place(listing, fields, values, errors)
    if not errors.keys() & {"region", "institution", *PLACE_FIELDS}:
        _check_institution(listing, fields, values, errors)
    if errors:
        raise InvalidInput(fields=errors)
    return values


def _check_institution(
    listing: SupplyListing, fields: dict[str, Any], values: dict[str, Any], errors: FieldErrors
) -> None:
    """A named institution must be one of the place's authorities; one left behind by a move of the place is cleared."""
    county = values.get("region", listing.region if listing.region_id else None)
    if "institution" in fields:
        error = institution_error(institution=values["institution"], county=county)
        if error:
            errors["institution"] = error
    elif "region" in values and institution_error(institution=listing.institution, county=county):
        values["institution"] = ""


def _step_missing(listing: SupplyListing, step: int) -> FieldErrors:
    """What the step (1 land, 2 applicant) still lacks on the listing as it would be saved."""
    errors: FieldErrors = {}
    for name in STEP_REQUIRED[step]:
        attribute = "region_id" if name == "region" else name
        if getattr(listing, attribute) in (None, ""):
            errors[name] = _error("required", _("This field is required."))
    if step == 1 and listing.location is None:
        errors["location"] = _error(
            "required", _("Place the land on the map (a parcel, an outline or a point): its county reviews it.")
        )
    return errors


def _with_identity(user: User, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields with the applicant's identity taken from the principal's real-name verification, whatever was sent
    (a crafted request cannot claim another identity); unchanged for a principal without one."""
    identity = owner_identity(user=user)
    return fields if identity is None else {**fields, **identity.fields}


def _apply(listing: SupplyListing, values: dict[str, Any]) -> list[str]:
    for name, value in values.items():
        setattr(listing, name, value)
    listing.title = supply_title(listing)
    return [*values, "title", "updated_at"]


# ------------------------------------------------------------------------------------------------ drafts


def _check_step(listing: SupplyListing, step: int | None) -> None:
    if step is None:
        return
    missing = _step_missing(listing, step)
    if missing:
        raise InvalidInput(_("Fill in every required field of this step."), fields=missing)


@transaction.atomic
def supply_create(*, user: User, mode: str, step: int | None = None, **fields: Any) -> SupplyListing:
    """A draft in the name of the user's principal (the enterprise for a sub-account); partial fields allowed, but
    with `step` (the form's "下一步") nothing is saved unless that step's required fields are all valid."""
    _require_verified(user)
    listing = SupplyListing(owner=user.principal, created_by=user, mode=mode)
    _apply(listing, _clean(listing, _with_identity(user, {"mode": mode, **fields})))
    _check_step(listing, step)
    listing.save()
    return listing


@transaction.atomic
def supply_update(*, listing_id: int, user: User, step: int | None = None, **fields: Any) -> SupplyListing:
    """Save some fields of a draft or rejected listing (409 in any other state); with `step`, only when that step's
    required fields are all valid."""
    listing = _owned(listing_id, user)
    if listing.status not in SUPPLY_EDITABLE:
        raise NotEditable(_("Only a draft or a rejected listing can be edited; request a change instead."))
    if listing.region_id:
        listing.region = county_get(code=listing.region_id)
    update_fields = _apply(listing, _clean(listing, _with_identity(user, fields)))
    _check_step(listing, step)
    listing.save(update_fields=update_fields)
    return listing


def supply_missing(listing: SupplyListing) -> FieldErrors:
    """What the listing lacks before it can be submitted: every starred field and required attachment kind."""
    errors: FieldErrors = {}
    for name in REQUIRED_FIELDS:
        attribute = "region_id" if name == "region" else name
        if getattr(listing, attribute) in (None, ""):
            errors[name] = _error("required", _("This field is required."))
    if listing.location is None:
        errors["location"] = _error(
            "required", _("Place the land on the map (a parcel, an outline or a point): its county reviews it.")
        )
    if listing.right_end_date is not None and listing.right_end_date <= timezone.localdate():
        errors["right_end_date"] = _error("not_in_future", _("The use right must end after today."))
    if listing.institution and listing.region_id and "institution" not in errors:
        county = county_get(code=listing.region_id)
        error = institution_error(institution=listing.institution, county=county)
        if error:
            errors["institution"] = error
    present = set(listing.attachments.values_list("kind", flat=True))
    for kind in SupplyAttachment.REQUIRED_KINDS:
        if kind not in present:
            errors[f"attachments.{kind}"] = _error("required", _("Upload this document."))
    return errors


def _move(
    listing: SupplyListing,
    *,
    target: str,
    action: str,
    actor: User | None,
    title: str,
    reason: str = "",
    also: Iterable[str] = (),
) -> SupplyListing:
    """Check the move against the state table, save it, write the audit row and tell the owner."""
    return move(
        listing,
        table=SUPPLY,
        subject=ReviewEvent.Subject.SUPPLY,
        label=LABEL,
        target=target,
        action=action,
        actor=actor,
        title=title,
        link=_link(listing),
        reason=reason,
        also=also,
    )


@transaction.atomic
def supply_submit(*, listing_id: int, user: User) -> SupplyListing:
    """Submit for review (draft or rejected → in review): every starred field and required document present."""
    _require_verified(user)
    listing = _owned(listing_id, user)
    check_transition(SUPPLY, current=listing.status, target=S.IN_REVIEW, label=LABEL)
    identity = owner_identity(user=user)
    if identity is not None:  # as verified now, whatever the draft held
        for name, value in identity.fields.items():
            setattr(listing, name, value)
    missing = supply_missing(listing)
    if missing:
        raise InvalidInput(_("Fill in every required field and upload every required document."), fields=missing)
    # The reviewing county is the place's as the boundaries stand now, whatever the draft held.
    county = place_county(parcel=listing.parcel if listing.parcel_id else None, location=listing.location)
    if county is None:
        raise InvalidInput(
            fields={
                "location": _error(
                    "outside_regions", _("The place lies outside every county on record; check the coordinates.")
                )
            }
        )
    error = institution_error(institution=listing.institution, county=county)
    if error:
        raise InvalidInput(fields={"institution": error})
    listing.region = county
    listing.title = supply_title(listing)
    listing.submitted_at = timezone.now()
    listing.reason = ""
    return _move(
        listing,
        target=S.IN_REVIEW,
        action="submit",
        actor=user,
        title=_("Supply listing submitted for review: {title}").format(title=listing.title),
        also=("region", "title", "submitted_at", "reason", *(identity.fields if identity else ())),
    )


# ------------------------------------------------------------------------------------------------ review


@transaction.atomic
def supply_approve_initial(*, listing_id: int, user: User) -> SupplyListing:
    """Initial review passed (初审): published with the tag 属地未认证, for MARKET_LISTING_LIFETIME_DAYS."""
    listing = _reviewed(listing_id, user)
    now = timezone.now()
    check_transition(SUPPLY, current=listing.status, target=S.PUBLISHED, label=LABEL)
    listing.published_at = now
    listing.expires_at = now + datetime.timedelta(days=settings.MARKET_LISTING_LIFETIME_DAYS)
    listing.reason = ""
    return _move(
        listing,
        target=S.PUBLISHED,
        action="approve",
        actor=user,
        title=_("Supply listing published: {title}").format(title=listing.title),
        also=("published_at", "expires_at", "reason"),
    )


@transaction.atomic
def supply_reject(*, listing_id: int, user: User, reason: str) -> SupplyListing:
    """Initial review failed: rejected with the reason; the owner edits it and submits again."""
    reason = _reason(reason, required=True)
    listing = _reviewed(listing_id, user)
    listing.reason = reason
    return _move(
        listing,
        target=S.REJECTED,
        action="reject",
        actor=user,
        title=_("Supply listing rejected: {title}").format(title=listing.title),
        reason=reason,
        also=("reason",),
    )


@transaction.atomic
def supply_certify(*, listing_id: int, user: User) -> SupplyListing:
    """Final review passed (终审): certified, the tag 属地认证."""
    listing = _reviewed(listing_id, user)
    listing.certified_at = timezone.now()
    return _move(
        listing,
        target=S.CERTIFIED,
        action="certify",
        actor=user,
        title=_("Supply listing certified: {title}").format(title=listing.title),
        also=("certified_at",),
    )


@transaction.atomic
def supply_delist(*, listing_id: int, user: User, reason: str = "") -> SupplyListing:
    """Delist (下架) a published or certified listing: by its owner, or by a reviewer of its region with a reason."""
    listing = _lock(listing_id)
    owner = is_owner(listing, user)
    if not owner and not reviewer_covers(user, listing.region_id):
        raise NotFound(_("No supply listing has this id."))
    reason = _reason(reason, required=not owner)
    listing.reason = reason
    return _move(
        listing,
        target=S.DELISTED,
        action="delist",
        actor=user,
        title=_("Supply listing delisted: {title}").format(title=listing.title),
        reason=reason,
        also=("reason",),
    )


def _remove_files(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not remove %s", name, exc_info=True)


@transaction.atomic
def supply_delete(*, listing_id: int, user: User) -> None:
    """Delete a draft, rejected, delisted or expired listing for good; its files go once the deletion commits."""
    listing = _owned(listing_id, user)
    if listing.status not in SUPPLY_DELETABLE:
        raise TransitionNotAllowed(
            _("A {subject} in state {current} cannot be deleted.").format(subject=LABEL, current=listing.status)
        )
    files = [name for name in listing.attachments.values_list("file", flat=True) if name]
    files += list(ChunkedUpload.objects.filter(listing=listing).values_list("path", flat=True))
    record_transition(
        subject=ReviewEvent.Subject.SUPPLY,
        subject_id=listing.pk,
        action="delete",
        from_status=listing.status,
        to_status="deleted",
        actor=user,
        owner=listing.owner,
        title=_("Supply listing deleted: {title}").format(title=listing.title),
    )
    try:
        with transaction.atomic():
            listing.delete()
    except ProtectedError:
        raise Conflict(_("The listing is referenced by a transaction and cannot be deleted."), code="in_use") from None
    transaction.on_commit(lambda: _remove_files(files))


def supply_expire_due() -> int:
    """Expire what was published six months ago or more; the number expired."""
    now = timezone.now()
    due = SupplyListing.objects.filter(status__in=SupplyListing.PUBLIC_STATUSES, expires_at__lte=now)
    return sum(_expire_one(listing_id=pk, now=now) for pk in due.values_list("pk", flat=True))


@transaction.atomic
def _expire_one(*, listing_id: int, now: datetime.datetime) -> bool:
    listing = SupplyListing.objects.select_for_update(of=("self",)).filter(pk=listing_id).first()
    if (
        listing is None
        or listing.status not in SupplyListing.PUBLIC_STATUSES
        or listing.expires_at is None
        or listing.expires_at > now
    ):
        return False
    _move(
        listing,
        target=S.EXPIRED,
        action="expire",
        actor=None,
        title=_("Supply listing expired: {title}").format(title=listing.title),
        reason=_("Published for six months: publish it again if the land is still offered."),
    )
    return True


# ------------------------------------------------------------------------------------------------ changes (信息变更)


def _to_json(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


def _from_json(changes: dict[str, Any]) -> dict[str, Any]:
    fields = dict(changes)
    for name, value in changes.items():
        if value is None:
            continue
        if name in DECIMAL_RANGES:
            fields[name] = Decimal(value)
        elif name == "right_end_date":
            fields[name] = datetime.date.fromisoformat(value)
    return fields


def _change_event(listing: SupplyListing, *, action: str, actor: User, title: str, reason: str = "") -> None:
    record_transition(
        subject=ReviewEvent.Subject.SUPPLY,
        subject_id=listing.pk,
        action=action,
        from_status=listing.status,
        to_status=listing.status,
        actor=actor,
        owner=listing.owner,
        title=title,
        link=_link(listing),
        reason=reason,
    )


@transaction.atomic
def supply_change_request(*, listing_id: int, user: User, **fields: Any) -> SupplyChange:
    """Ask to change a published listing (信息变更); the public sees the old values until a reviewer approves."""
    listing = _owned(listing_id, user)
    if listing.status not in SupplyListing.PUBLIC_STATUSES:
        raise Conflict(
            _("Only a published listing takes change requests; edit a draft directly."), code="not_changeable"
        )
    if not fields:
        raise InvalidInput(_("Give at least one field to change."), code="no_changes")
    if SupplyChange.objects.filter(listing=listing, status=SupplyChange.Status.PENDING).exists():
        raise Conflict(_("A change of this listing is already waiting for review."), code="change_pending")
    fields = _with_identity(user, fields) if fields.keys() & IDENTITY_FIELDS else fields
    _clean(listing, fields)
    change = SupplyChange.objects.create(listing=listing, changes=_to_json(fields), requested_by=user)
    _change_event(
        listing,
        action="change_request",
        actor=user,
        title=_("Change of a supply listing submitted for review: {title}").format(title=listing.title),
    )
    return change


def _pending_change(change_id: int, user: User) -> tuple[SupplyChange, SupplyListing]:
    listing_id = SupplyChange.objects.filter(pk=change_id).values_list("listing_id", flat=True).first()
    if listing_id is None:
        raise NotFound(_("No change has this id."))
    listing = _lock(listing_id)
    if not reviewer_covers(user, listing.region_id):
        raise NotFound(_("No change has this id."))
    change = SupplyChange.objects.select_for_update().get(pk=change_id)
    if change.status != SupplyChange.Status.PENDING:
        raise TransitionNotAllowed(_("This change has already been reviewed."))
    return change, listing


@transaction.atomic
def supply_change_approve(*, change_id: int, user: User) -> SupplyChange:
    """Apply a pending change to its listing (the title regenerated); the listing keeps its state."""
    change, listing = _pending_change(change_id, user)
    if listing.status not in SupplyListing.PUBLIC_STATUSES:
        raise TransitionNotAllowed(_("The listing is no longer published; reject the change."))
    if listing.region_id:
        listing.region = county_get(code=listing.region_id)
    listing.save(update_fields=_apply(listing, _clean(listing, _from_json(change.changes))))
    change.status, change.reviewed_by, change.reviewed_at = SupplyChange.Status.APPROVED, user, timezone.now()
    change.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    _change_event(
        listing,
        action="change_approve",
        actor=user,
        title=_("Change of a supply listing approved: {title}").format(title=listing.title),
    )
    return change


@transaction.atomic
def supply_change_reject(*, change_id: int, user: User, reason: str) -> SupplyChange:
    """Refuse a pending change with the reason; the listing stays as it is."""
    reason = _reason(reason, required=True)
    change, listing = _pending_change(change_id, user)
    change.status, change.reason = SupplyChange.Status.REJECTED, reason
    change.reviewed_by, change.reviewed_at = user, timezone.now()
    change.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])
    _change_event(
        listing,
        action="change_reject",
        actor=user,
        title=_("Change of a supply listing rejected: {title}").format(title=listing.title),
        reason=reason,
    )
    return change


# ------------------------------------------------------------------------------------------------ views (浏览次数)


def supply_view_record(*, listing: SupplyListing, viewer: str) -> bool:
    """Count a view of a public listing at most once per viewer (user id or IP) per 30 minutes (Redis)."""
    key = f"market:supply:view:{listing.pk}:{viewer}"
    try:
        first = cache.add(key, 1, timeout=VIEW_WINDOW_SECONDS)
    except Exception:  # the cache server is down: do not count, say so, never fail the page
        logger.warning("view of supply listing %s not counted: the cache is unavailable", listing.pk, exc_info=True)
        return False
    if first:
        SupplyListing.objects.filter(pk=listing.pk).update(view_count=F("view_count") + 1)
        listing.view_count += 1
    return bool(first)


def land_fields_clean(*, user: User, mode: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The land and applicant fields of the seed's form checked exactly as a supply listing's are (the place, its
    county, land use, certificate, applicant), for other forms that carry them (an entrustment, 委托交易); {attribute:
    value} or one 400 naming every bad field."""
    return _clean(SupplyListing(owner=user.principal, created_by=user, mode=mode), fields)
