"""Writes on demand (需求登记): drafts, submission (登记), changes (信息变更), delisting, deletion, expiry, views."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import FieldErrors, InvalidInput, NotFound, PermissionDenied
from geo.models import Region
from geo.reference import is_valid_land_use
from market.models import Demand, LandNature, ReviewEvent
from market.services.audit import TransitionNotAllowed, check_transition, move, record_transition
from market.transitions import DEMAND

LIFETIME = timedelta(days=183)  # six months on the public list, then expired
VIEW_WINDOW_SECONDS = 30 * 60  # a viewer counts once in this window
SUBJECT = ReviewEvent.Subject.DEMAND
LABEL = "demand"
# Filled in before a demand can be registered (the seed's form marks them required).
REQUIRED_FIELDS = (
    "title",
    "region",
    "land_use",
    "land_nature",
    "area_min_m2",
    "area_max_m2",
    "contact_name",
    "contact_phone",
)
_TEXT_LIMITS = {"title": 200, "industry": 64, "description": 1000, "contact_name": 64, "contact_phone": 20}


class DemandFields(TypedDict, total=False):
    """What the owner fills in besides the kind; `region` is a GB/T 2260 code of any level."""

    title: str
    region: str | None
    land_use: str
    land_nature: str
    area_min_m2: Decimal | None
    area_max_m2: Decimal | None
    price_min_wan: Decimal | None
    price_max_wan: Decimal | None
    years: int | None
    industry: str
    description: str
    contact_name: str
    contact_phone: str


def _error(code: str, message: str) -> list[dict[str, str]]:
    return [{"code": code, "message": message}]


def _require_verified(user: User) -> None:
    if not user.is_verified:
        raise PermissionDenied(
            _("Complete real-name verification (实名认证) in your personal centre before you do this."),
            code="verification_required",
        )


def _locked_own(*, demand_id: int, acting_user: User) -> Demand:
    """The acting user's (or their enterprise's) demand, locked; others' and deleted ones are not found."""
    demand = (
        Demand.objects.select_for_update()
        .filter(pk=demand_id, owner=acting_user.principal)
        .exclude(status=Demand.Status.DELETED)
        .first()
    )
    if demand is None:
        raise NotFound(_("No such demand."))
    return demand


def _apply(demand: Demand, fields: dict[str, Any]) -> list[str]:
    """Set the given fields on the demand after checking them all; the names of the fields that changed.

    Raises InvalidInput naming every bad field at once; the demand is then left as it was.
    """
    errors: FieldErrors = {}
    values: dict[str, Any] = dict(fields)
    if "region" in values:
        code = values.pop("region")
        if code:
            region = Region.objects.filter(code=code).only("code").first()
            if region is None:
                errors["region"] = _error("not_found", _("No region has this code."))
            values["region_id"] = code
        else:
            values["region_id"] = None
    if values.get("land_use") and not is_valid_land_use(values["land_use"]):
        errors["land_use"] = _error("invalid", _("Not a GB/T 21010-2017 land-use class."))
    if "kind" in values and values["kind"] not in Demand.Kind.values:
        errors["kind"] = _error("invalid_choice", _("Not a demand type."))
    if values.get("land_nature") and values["land_nature"] not in LandNature.values:
        errors["land_nature"] = _error("invalid_choice", _("Not a land nature."))
    for name, limit in _TEXT_LIMITS.items():
        if len(values.get(name) or "") > limit:
            errors[name] = _error("max_length", _("At most %(limit)d characters.") % {"limit": limit})

    def merged(name: str) -> Any:
        return values[name] if name in values else getattr(demand, name)

    area_min, area_max = merged("area_min_m2"), merged("area_max_m2")
    for name, value in (("area_min_m2", area_min), ("area_max_m2", area_max)):
        if value is not None and value <= 0:
            errors[name] = _error("min_value", _("An area must be greater than 0 m²."))
    if area_min is not None and area_max is not None and 0 < area_max < area_min:
        errors["area_max_m2"] = _error("range", _("The largest area must not be below the smallest."))
    price_min, price_max = merged("price_min_wan"), merged("price_max_wan")
    for name, value in (("price_min_wan", price_min), ("price_max_wan", price_max)):
        if value is not None and value < 0:
            errors[name] = _error("min_value", _("A budget must not be negative."))
    if price_min is not None and price_max is not None and 0 <= price_max < price_min:
        errors["price_max_wan"] = _error("range", _("The largest budget must not be below the smallest."))
    years = merged("years")
    if years is not None and not 1 <= years <= 70:
        errors["years"] = _error("range", _("Give 1 to 70 years."))
    if errors:
        raise InvalidInput(fields=errors)

    changed = []
    for name, value in values.items():
        if getattr(demand, name) != value:
            setattr(demand, name, value)
            changed.append(name.removesuffix("_id"))
    return changed


def _with_kind(fields: DemandFields, kind: str | None) -> dict[str, Any]:
    return {**fields, "kind": kind} if kind is not None else dict(fields)


def _missing(demand: Demand) -> FieldErrors:
    missing: FieldErrors = {}
    for name in REQUIRED_FIELDS:
        value = demand.region_id if name == "region" else getattr(demand, name)
        if value in (None, ""):
            missing[name] = _error("required", _("This field is required."))
    return missing


def _link(demand: Demand) -> str:
    return f"/demand/{demand.pk}/"


@transaction.atomic
def demand_create(*, acting_user: User, kind: str, **fields: Unpack[DemandFields]) -> Demand:
    """A draft demand (草稿) in the name of the acting user's principal (the enterprise of a sub-account)."""
    _require_verified(acting_user)
    demand = Demand(owner=acting_user.principal, created_by=acting_user, kind=kind, status=Demand.Status.DRAFT)
    _apply(demand, {**fields, "kind": kind})
    demand.save()
    return demand


@transaction.atomic
def demand_update(
    *, demand_id: int, acting_user: User, kind: str | None = None, **fields: Unpack[DemandFields]
) -> Demand:
    """Edit a draft; any other state refuses (409) and a registered demand changes through `demand_change`."""
    _require_verified(acting_user)
    demand = _locked_own(demand_id=demand_id, acting_user=acting_user)
    if demand.status != Demand.Status.DRAFT:
        raise TransitionNotAllowed(_("Only a draft can be edited; change a registered demand instead."))
    changed = _apply(demand, _with_kind(fields, kind))
    if changed:
        demand.save(update_fields=[*_attnames(changed), "updated_at"])
    return demand


def _attnames(names: list[str]) -> list[str]:
    return ["region_id" if name == "region" else name for name in names]


def _move(
    demand: Demand,
    *,
    target: str,
    action: str,
    actor: User | None,
    title: str,
    link: str | None = None,
    reason: str = "",
    also: list[str] | None = None,
) -> Demand:
    """The demand's state change through the state table, with its audit row and message (link: its page)."""
    return move(
        demand,
        table=DEMAND,
        subject=SUBJECT,
        label=LABEL,
        target=target,
        action=action,
        actor=actor,
        title=title,
        link=_link(demand) if link is None else link,
        reason=reason,
        also=also or [],
    )


@transaction.atomic
def demand_submit(*, demand_id: int, acting_user: User) -> Demand:
    """Register a draft (登记成功): every required field is checked at once; public for six months."""
    _require_verified(acting_user)
    demand = _locked_own(demand_id=demand_id, acting_user=acting_user)
    check_transition(DEMAND, current=demand.status, target=Demand.Status.REGISTERED, label=LABEL)
    missing = _missing(demand)
    if missing:
        raise InvalidInput(_("Fill in every required field before you submit."), code="incomplete", fields=missing)
    now = timezone.now()
    demand.registered_at = now
    demand.expires_at = now + LIFETIME
    return _move(
        demand,
        target=Demand.Status.REGISTERED,
        action="submit",
        actor=acting_user,
        title=_("Your demand “{title}” is registered.").format(title=demand.title),
        also=["registered_at", "expires_at"],
    )


@transaction.atomic
def demand_change(
    *, demand_id: int, acting_user: User, kind: str | None = None, **fields: Unpack[DemandFields]
) -> Demand:
    """Change a registered demand (信息变更): it stays registered, and the change is written to its trail."""
    _require_verified(acting_user)
    demand = _locked_own(demand_id=demand_id, acting_user=acting_user)
    if demand.status != Demand.Status.REGISTERED:
        raise TransitionNotAllowed(_("Only a registered demand can be changed."))
    changed = _apply(demand, _with_kind(fields, kind))
    missing = {name: errors for name, errors in _missing(demand).items() if name in changed}
    if missing:
        raise InvalidInput(fields=missing)
    if not changed:
        return demand
    demand.save(update_fields=[*_attnames(changed), "updated_at"])
    record_transition(
        subject=SUBJECT,
        subject_id=demand.pk,
        action="change",
        from_status=demand.status,
        to_status=demand.status,
        actor=acting_user,
        owner=demand.owner,
        title=_("Your demand “{title}” was changed.").format(title=demand.title),
        link=_link(demand),
        reason=_("Changed: {fields}").format(fields=", ".join(sorted(changed))),
    )
    return demand


@transaction.atomic
def demand_delist(*, demand_id: int, acting_user: User, reason: str = "") -> Demand:
    """Take a registered demand off the public list (下架)."""
    demand = _locked_own(demand_id=demand_id, acting_user=acting_user)
    check_transition(DEMAND, current=demand.status, target=Demand.Status.DELISTED, label=LABEL)
    demand.reason = reason[:500]
    return _move(
        demand,
        target=Demand.Status.DELISTED,
        action="delist",
        actor=acting_user,
        title=_("Your demand “{title}” was delisted.").format(title=demand.title),
        reason=reason,
        also=["reason"],
    )


@transaction.atomic
def demand_delete(*, demand_id: int, acting_user: User) -> None:
    """Delete a demand (删除): hidden everywhere afterwards; the row and its trail stay for the record."""
    demand = _locked_own(demand_id=demand_id, acting_user=acting_user)
    _move(
        demand,
        target=Demand.Status.DELETED,
        action="delete",
        actor=acting_user,
        title=_("Your demand “{title}” was deleted.").format(title=demand.title),
        link="",  # a deleted demand has no page
    )


def demand_expire_due() -> int:
    """Expire what was published six months ago or more; the number expired."""
    now = timezone.now()
    due = Demand.objects.filter(status=Demand.Status.REGISTERED, expires_at__lte=now).values_list("pk", flat=True)
    return sum(_demand_expire(demand_id=demand_id, now=now) for demand_id in list(due))


@transaction.atomic
def _demand_expire(*, demand_id: int, now: datetime) -> int:
    demand = (
        Demand.objects.select_for_update()
        .filter(pk=demand_id, status=Demand.Status.REGISTERED, expires_at__lte=now)
        .first()
    )
    if demand is None:  # changed since it was found
        return 0
    _move(
        demand,
        target=Demand.Status.EXPIRED,
        action="expire",
        actor=None,
        title=_("Your demand “{title}” expired after six months.").format(title=demand.title),
    )
    return 1


def demand_view_record(*, demand_id: int, viewer: str) -> bool:
    """Count a view of a public demand, once per viewer (a user id or a client address) per 30 minutes."""
    if not cache.add(f"market:demand-view:{demand_id}:{viewer}", 1, timeout=VIEW_WINDOW_SECONDS):
        return False
    return bool(
        Demand.objects.filter(pk=demand_id, status__in=Demand.PUBLIC_STATUSES).update(view_count=F("view_count") + 1)
    )
