"""Writes on pre-announcements (预公告) of idle land: the grant lookup, drafts, publication, delisting, expiry."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services.sms import SmsPurpose, sms_code_verify
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from geo.models import Region
from geo.selectors import region_code_prefix
from market.grants import GrantRecord, grant_registry
from market.models import PreAnnouncement, ReviewEvent
from market.services.audit import TransitionNotAllowed, check_transition, move, record_transition
from market.transitions import PRE_ANNOUNCEMENT

LIFETIME = timedelta(days=183)  # six months public, then expired
IDLE_INVESTMENT_BELOW = Decimal("25")  # % of the investment completed: below it the land is idle
LOOKUP_SALT = "market.pre_announcement.grant_lookup"
SUBJECT = ReviewEvent.Subject.PRE_ANNOUNCEMENT
LABEL = "pre-announcement"
P = PreAnnouncement.Status


class GrantNotFound(NotFound):
    default_code = "grant_not_found"

    def __init__(self) -> None:
        # One answer for an unknown number, a phone that is not the bound one and another region: nothing to probe.
        super().__init__(_("No grant with this contract number is bound to this phone in this region."))


class NotIdleLand(Conflict):
    default_code = "not_idle_land"

    def __init__(self) -> None:
        # xgettext:no-python-format
        super().__init__(_("Only idle land, with less than 25% of the investment completed, may be pre-announced."))


@dataclass(frozen=True)
class GrantLookup:
    """A grant found for its bound phone, and the signed token that lets the user create a pre-announcement of it."""

    grant: GrantRecord
    lookup_token: str


def _require_verified(user: User) -> None:
    if not user.is_verified:
        raise PermissionDenied(
            _("Complete real-name verification (实名认证) in your personal centre before you do this."),
            code="verification_required",
        )


def _idle_grant(contract_number: str) -> GrantRecord:
    grant = grant_registry().lookup(contract_number)
    if grant is None:
        raise GrantNotFound()
    if grant.investment_ratio >= IDLE_INVESTMENT_BELOW:
        raise NotIdleLand()
    return grant


def pre_announcement_lookup(
    *, acting_user: User, contract_number: str, phone: str, sms_code: str, region: str
) -> GrantLookup:
    """Step 1 (一级市场供地信息查询): the grant with this contract number, for the phone bound to it, proved by an SMS
    code of purpose grant_lookup, in (or under) `region`. Only idle land (investment under 25%) may go on.

    The answer carries a lookup token (signed, 30 minutes, for this user and contract number) for step 2.
    """
    if not Region.objects.filter(code=region).exists():
        message = _("No region has this code.")
        raise InvalidInput(fields={"region": [{"code": "not_found", "message": message}]})
    sms_code_verify(phone=phone, purpose=SmsPurpose.GRANT_LOOKUP, code=sms_code)
    grant = grant_registry().lookup(contract_number)
    if grant is None or grant.phone != phone or not grant.region_code.startswith(region_code_prefix(region)):
        raise GrantNotFound()
    if grant.investment_ratio >= IDLE_INVESTMENT_BELOW:
        raise NotIdleLand()
    token = signing.dumps({"user": acting_user.pk, "contract_number": grant.contract_number}, salt=LOOKUP_SALT)
    return GrantLookup(grant=grant, lookup_token=token)


def _token_contract_number(*, lookup_token: str, acting_user: User) -> str:
    def refuse(code: str, message: str) -> InvalidInput:
        return InvalidInput(message, code=code, fields={"lookup_token": [{"code": code, "message": message}]})

    try:
        data: Any = signing.loads(lookup_token, salt=LOOKUP_SALT, max_age=settings.GRANT_LOOKUP_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise refuse("lookup_expired", _("The grant lookup has expired; look the grant up again.")) from None
    except signing.BadSignature:
        raise refuse("invalid", _("This is not a grant lookup of yours; look the grant up again.")) from None
    if not isinstance(data, dict) or data.get("user") != acting_user.pk or not data.get("contract_number"):
        raise refuse("invalid", _("This is not a grant lookup of yours; look the grant up again."))
    return str(data["contract_number"])


def _link(pre_announcement: PreAnnouncement) -> str:
    return f"/pre-announcements/{pre_announcement.pk}/"


def _move(
    pre_announcement: PreAnnouncement,
    *,
    target: str,
    action: str,
    actor: User | None,
    title: str,
    reason: str = "",
    also: list[str] | None = None,
) -> PreAnnouncement:
    """The pre-announcement's state change through the state table, with its audit row and message."""
    return move(
        pre_announcement,
        table=PRE_ANNOUNCEMENT,
        subject=SUBJECT,
        label=LABEL,
        target=target,
        action=action,
        actor=actor,
        title=title,
        link=_link(pre_announcement),
        reason=reason,
        also=also or [],
    )


@transaction.atomic
def pre_announcement_create(*, acting_user: User, lookup_token: str, title: str, contact_phone: str) -> PreAnnouncement:
    """Step 2: a draft filled from the looked-up grant; only the title and the contact phone are the user's."""
    contract_number = _token_contract_number(lookup_token=lookup_token, acting_user=acting_user)
    grant = _idle_grant(contract_number)
    region = Region.objects.filter(code=grant.region_code).only("code").first()
    if region is None:
        raise GrantNotFound()
    return PreAnnouncement.objects.create(
        owner=acting_user.principal,
        status=P.DRAFT,
        title=title,
        contact_phone=contact_phone,
        contract_number=grant.contract_number,
        region=region,
        address=grant.address,
        area_m2=grant.area_m2,
        land_use=grant.land_use,
        use_years=grant.use_years,
        supply_method=grant.supply_method,
        industry=grant.industry,
        land_grade=grant.land_grade,
        transferor=grant.grantee,
        id_type=grant.grantee_id_type,
        id_number=grant.grantee_id_number,
    )


def _locked_own(*, pre_announcement_id: int, acting_user: User) -> PreAnnouncement:
    pre_announcement = (
        PreAnnouncement.objects.select_for_update().filter(pk=pre_announcement_id, owner=acting_user.principal).first()
    )
    if pre_announcement is None:
        raise NotFound(_("No such pre-announcement."))
    return pre_announcement


@transaction.atomic
def pre_announcement_update(
    *, pre_announcement_id: int, acting_user: User, title: str | None = None, contact_phone: str | None = None
) -> PreAnnouncement:
    """Edit a draft's own fields (the title, the contact phone); what came from the registry stays as it came."""
    pre_announcement = _locked_own(pre_announcement_id=pre_announcement_id, acting_user=acting_user)
    if pre_announcement.status != P.DRAFT:
        raise TransitionNotAllowed(_("Only a draft pre-announcement can be edited."))
    changed = []
    for name, value in (("title", title), ("contact_phone", contact_phone)):
        if value is not None and getattr(pre_announcement, name) != value:
            setattr(pre_announcement, name, value)
            changed.append(name)
    if changed:
        pre_announcement.save(update_fields=[*changed, "updated_at"])
    return pre_announcement


@transaction.atomic
def pre_announcement_publish(*, pre_announcement_id: int, acting_user: User) -> PreAnnouncement:
    """Publish a draft for six months (verified users): the land must still be idle, and a contract number has at
    most one published pre-announcement."""
    _require_verified(acting_user)
    pre_announcement = _locked_own(pre_announcement_id=pre_announcement_id, acting_user=acting_user)
    check_transition(PRE_ANNOUNCEMENT, current=pre_announcement.status, target=P.PUBLISHED, label=LABEL)
    if not pre_announcement.title.strip():
        message = _("This field is required.")
        raise InvalidInput(
            _("Fill in every required field before you publish."),
            code="incomplete",
            fields={"title": [{"code": "required", "message": message}]},
        )
    with connection.cursor() as cursor:  # one publisher per contract number at a time, until this commits
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"pre_announcement:{pre_announcement.contract_number}"]
        )
    if PreAnnouncement.objects.filter(contract_number=pre_announcement.contract_number, status=P.PUBLISHED).exists():
        raise Conflict(_("A pre-announcement of this grant contract is already published."), code="already_published")
    _idle_grant(pre_announcement.contract_number)
    now = timezone.now()
    pre_announcement.published_at = now
    pre_announcement.expires_at = now + LIFETIME
    return _move(
        pre_announcement,
        target=P.PUBLISHED,
        action="publish",
        actor=acting_user,
        title=_("Your pre-announcement “{title}” is published.").format(title=pre_announcement.title),
        also=["published_at", "expires_at"],
    )


@transaction.atomic
def pre_announcement_delist(*, pre_announcement_id: int, acting_user: User, reason: str) -> PreAnnouncement:
    """Take a published pre-announcement down (下架), with the reason."""
    pre_announcement = _locked_own(pre_announcement_id=pre_announcement_id, acting_user=acting_user)
    check_transition(PRE_ANNOUNCEMENT, current=pre_announcement.status, target=P.DELISTED, label=LABEL)
    pre_announcement.reason = reason[:500]
    return _move(
        pre_announcement,
        target=P.DELISTED,
        action="delist",
        actor=acting_user,
        title=_("Your pre-announcement “{title}” was delisted.").format(title=pre_announcement.title),
        reason=reason,
        also=["reason"],
    )


@transaction.atomic
def pre_announcement_delete(*, pre_announcement_id: int, acting_user: User) -> None:
    """Delete a draft (never published, so nothing public goes); the trail keeps a row saying so."""
    pre_announcement = _locked_own(pre_announcement_id=pre_announcement_id, acting_user=acting_user)
    if pre_announcement.status != P.DRAFT:
        raise TransitionNotAllowed(_("Only a draft pre-announcement can be deleted."))
    record_transition(
        subject=SUBJECT,
        subject_id=pre_announcement.pk,
        action="delete",
        from_status=pre_announcement.status,
        to_status="deleted",
        actor=acting_user,
        owner=pre_announcement.owner,
        title=_("Your pre-announcement draft “{title}” was deleted.").format(title=pre_announcement.title),
    )
    pre_announcement.delete()


def pre_announcement_expire_due() -> int:
    """Expire what was published six months ago or more; the number expired."""
    now = timezone.now()
    due = PreAnnouncement.objects.filter(status=P.PUBLISHED, expires_at__lte=now).values_list("pk", flat=True)
    return sum(_pre_announcement_expire(pre_announcement_id=pk, now=now) for pk in list(due))


@transaction.atomic
def _pre_announcement_expire(*, pre_announcement_id: int, now: datetime) -> int:
    pre_announcement = (
        PreAnnouncement.objects.select_for_update()
        .filter(pk=pre_announcement_id, status=P.PUBLISHED, expires_at__lte=now)
        .first()
    )
    if pre_announcement is None:  # changed since it was found
        return 0
    _move(
        pre_announcement,
        target=P.EXPIRED,
        action="expire",
        actor=None,
        title=_("Your pre-announcement “{title}” expired after six months.").format(title=pre_announcement.title),
    )
    return 1
