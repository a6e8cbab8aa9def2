"""Reads on accounts: who may do what; verifications, sub-accounts, users and messages as the API lists them."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from accounts.models import Message, RealNameVerification, User, VerificationDocumentView
from core.classification import Audience
from core.errors import NotFound


def region_prefix(code: str) -> str:
    """The prefix every code under a GB/T 2260 code shares: 51 for 510000, 5101 for 510100, 510104 for 510104."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


# The authorization model (docs/security.md): one role per user; every role but user and admin acts only in and
# under its regions; an administrator (or a superuser) acts everywhere. Permission classes (accounts/permissions.py)
# check the role; services and selectors check the scope with the functions below. Never `is_staff`.
R = User.Role
SCOPED_ROLES = frozenset({R.REVIEWER, R.GRANTOR, R.CENTRE_STAFF, R.SUPERVISOR, R.GIS_STAFF})
REVIEW_READERS = (R.REVIEWER, R.SUPERVISOR)  # who reads review queues and trails (supervisors read only)
DATA_READERS = (R.GIS_STAFF, R.SUPERVISOR)  # who exports parcel data of their regions


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_administrator(user: User) -> bool:
    return _active(user) and (user.role == R.ADMIN or user.is_superuser)


def has_role(user: User, *roles: str) -> bool:
    """Whether `user` holds one of `roles` (in some region), or is an administrator."""
    return is_administrator(user) or (_active(user) and user.role in roles)


def scope_covers(user: User, region_code: str | None, *roles: str) -> bool:
    """Whether `user` acts in the region in one of `roles`: an administrator everywhere, a holder of one of the
    roles in and under the regions of their scope; nobody for an unknown region."""
    if is_administrator(user):
        return True
    if not (_active(user) and user.role in roles and region_code):
        return False
    return any(region_code.startswith(region_prefix(scope)) for scope in user.regions)


def scope_filter(user: User, *roles: str, field: str = "region__code") -> Q:
    """The rows whose region (`field`, a GB/T 2260 code) `user` covers in one of `roles`: all for an
    administrator, none for anyone without the role."""
    if is_administrator(user):
        return Q()
    scope = Q(pk__in=[])
    if _active(user) and user.role in roles:
        for code in user.regions:
            scope |= Q(**{f"{field}__startswith": region_prefix(code)})
    return scope


def reviewer_covers(user: User, region_code: str | None) -> bool:
    """Whether `user` reviews listings in the region (属地审核)."""
    return scope_covers(user, region_code, R.REVIEWER)


def is_staff_member(user: User) -> bool:
    """Whether the user holds any staff role (anything but a plain user), or is a superuser: such accounts sign in
    with a second factor and meet stricter limits."""
    return _active(user) and (user.role != R.USER or user.is_superuser)


def is_reviewer(user: User) -> bool:
    return has_role(user, R.REVIEWER)


def user_can_act_for(user: User, owner: User) -> bool:
    """Whether `user` may act in `owner`'s name: the owner themself, or an active sub-account of that enterprise."""
    if not _active(user):
        return False
    return user.pk == owner.pk or (user.parent_id is not None and user.parent_id == owner.pk)


def can_review_verifications(user: User) -> bool:
    """Trading-centre staff and administrators decide real-name verifications (users have no region: any centre's
    staff may decide them)."""
    return has_role(user, R.CENTRE_STAFF)


def audience_of(
    user: User | AnonymousUser, *, owner_id: int | None, region_code: str | None, roles: tuple[str, ...]
) -> Audience:
    """What `user` is to a record: staff when `roles` in scope cover its region (administrators everywhere), its
    owner when they act for `owner_id` (the user, or a sub-account of that enterprise), else the public."""
    if not isinstance(user, User) or not user.is_active:
        return Audience.PUBLIC
    if scope_covers(user, region_code, *roles):
        return Audience.STAFF
    if owner_id is not None and user.principal.pk == owner_id:
        return Audience.OWNER
    return Audience.PUBLIC


def verification_latest(*, user: User) -> RealNameVerification:
    """The user's latest application for real-name verification; 404 when there is none."""
    verification = RealNameVerification.objects.filter(user=user).order_by("-created_at", "-id").first()
    if verification is None:
        raise NotFound()
    return verification


def verification_list(*, status: str | None = None) -> QuerySet[RealNameVerification]:
    """Applications for staff, oldest first (the review queue), optionally of one status."""
    applications = RealNameVerification.objects.select_related("user").order_by("created_at", "id")
    return applications.filter(status=status) if status else applications


def verification_get_for_viewer(*, viewer: User, verification_id: int) -> RealNameVerification:
    """An application its applicant or verification staff may see; 404 for anyone else."""
    verification = RealNameVerification.objects.filter(pk=verification_id).first()
    if verification is None or not (verification.user_id == viewer.pk or can_review_verifications(viewer)):
        raise NotFound()
    return verification


def verification_document_views(*, verification: int | None = None) -> QuerySet[VerificationDocumentView]:
    """The audit of views of verification documents, newest first; of one application when `verification` is given."""
    views = VerificationDocumentView.objects.order_by("-viewed_at", "-id")
    return views.filter(verification_id=verification) if verification else views


def sub_account_list(*, enterprise: User) -> QuerySet[User]:
    return User.objects.filter(parent=enterprise).order_by("date_joined", "id")


def user_list(*, role: str | None = None, phone: str | None = None) -> QuerySet[User]:
    """Users for administrators, newest first: of one role, and/or whose phone number contains `phone`."""
    users = User.objects.order_by("-date_joined", "-id")
    if role:
        users = users.filter(role=role)
    if phone:
        users = users.filter(phone__contains=phone)
    return users


def message_list(*, user: User, category: str | None = None, unread: bool | None = None) -> QuerySet[Message]:
    """The user's own messages, newest first; of one category; only unread (True) or only read (False)."""
    messages = Message.objects.filter(user=user).order_by("-created_at", "-id")
    if category:
        messages = messages.filter(category=category)
    if unread is not None:
        messages = messages.filter(read_at__isnull=unread)
    return messages


def message_unread_counts(*, user: User) -> dict[str, int]:
    """How many of the user's messages are unread: in all, and by category."""
    unread = Q(read_at__isnull=True)
    counts = Message.objects.filter(user=user).aggregate(
        total=Count("id", filter=unread),
        **{category: Count("id", filter=unread & Q(category=category)) for category in Message.Category.values},
    )
    return {name: count or 0 for name, count in counts.items()}
