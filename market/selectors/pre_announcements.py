"""Reads on pre-announcements (预公告): the public list and detail, the owner's list (我的预公告) with what each
item allows, and the masking of ID numbers on public pages."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import NotFound
from geo.selectors import region_code_prefix
from market.models import PreAnnouncement

P = PreAnnouncement.Status
# What the owner may do with a pre-announcement in each state, in the order the page shows the buttons.
ACTIONS: dict[str, tuple[str, ...]] = {
    P.DRAFT: ("view", "edit", "publish", "delete"),
    P.PUBLISHED: ("view", "delist"),
    P.DELISTED: ("view",),
    P.EXPIRED: ("view",),
}


def pre_announcement_actions(pre_announcement: PreAnnouncement) -> list[str]:
    return list(ACTIONS.get(pre_announcement.status, ()))


def id_number_mask(value: str) -> str:
    """An ID number or credit code as the public sees it: the first and last two characters, stars between."""
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def _pre_announcements() -> QuerySet[PreAnnouncement]:
    return PreAnnouncement.objects.select_related("region").defer("region__boundary", "region__boundary_simplified")


def pre_announcement_public_list(
    *, region: str | None = None, land_use: str | None = None, q: str | None = None
) -> QuerySet[PreAnnouncement]:
    """Published pre-announcements, newest first: in or under `region`, of a land-use class (05 or 0501), with `q`
    in the title, location or contract number."""
    items = _pre_announcements().filter(status=P.PUBLISHED)
    if region:
        items = items.filter(region__code__startswith=region_code_prefix(region))
    if land_use:
        items = items.filter(land_use__startswith=land_use)
    if q:
        items = items.filter(Q(title__icontains=q) | Q(address__icontains=q) | Q(contract_number__icontains=q))
    return items.order_by("-published_at", "-id")


def pre_announcement_public_get(*, pre_announcement_id: int) -> PreAnnouncement:
    item = _pre_announcements().filter(pk=pre_announcement_id, status=P.PUBLISHED).first()
    if item is None:
        raise NotFound(_("No such pre-announcement."))
    return item


def pre_announcement_own_list(
    *, user: User, status: str | None = None, title: str | None = None
) -> QuerySet[PreAnnouncement]:
    """The pre-announcements of the user's principal (a sub-account sees its enterprise's), newest first."""
    items = _pre_announcements().filter(owner=user.principal)
    if status:
        items = items.filter(status=status)
    if title:
        items = items.filter(title__icontains=title)
    return items.order_by("-created_at", "-id")


def pre_announcement_own_get(*, user: User, pre_announcement_id: int) -> PreAnnouncement:
    item = _pre_announcements().filter(pk=pre_announcement_id, owner=user.principal).first()
    if item is None:
        raise NotFound(_("No such pre-announcement."))
    return item
