"""Announcements (公告): drafted and published by the lot's centre; once published never edited (the database
refuses it). A change announcement (变更公告) supersedes the current one; a termination announcement (终止公告)
supersedes it and ends the lot. The superseded one stays readable, linked both ways."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from auctions.models import Announcement, AnnouncementDocument, Lot
from auctions.selectors import centre_staff_covers
from auctions.services import closing
from auctions.services.events import record
from auctions.services.lots import LotConflict
from auctions.services.numbering import announcement_number
from core.clock import db_now
from core.errors import Conflict, InvalidInput, NotFound
from core.uploads import uploads_atomic

A = Announcement.Status
K = Announcement.Kind
DOCUMENT_TYPES = frozenset({"pdf", "doc", "docx", "jpg", "png", "zip", "rar"})
DOCUMENT_MAX_BYTES = 50 * 1024 * 1024


class AnnouncementPublished(Conflict):
    default_code = "announcement_published"


def _lot_for_staff(user: User, lot_id: int) -> Lot:
    lot = Lot.objects.select_for_update(of=("self",)).select_related("centre").filter(pk=lot_id).first()
    if lot is None or not centre_staff_covers(user, lot.centre):
        raise NotFound(_("No lot has this id."))
    return lot


def _required_text(fields: dict[str, str]) -> None:
    missing = {
        name: [{"code": "required", "message": _("This field is required.")}]
        for name, v in fields.items()
        if not v.strip()
    }
    if missing:
        raise InvalidInput(fields=missing)


@transaction.atomic
def announcement_draft(*, user: User, lot_id: int, title: str, body: str, kind: str = K.NORMAL) -> Announcement:
    """A draft announcement of a registered or announced lot: the first (normal), a change or a termination."""
    lot = _lot_for_staff(user, lot_id)
    if kind not in K.values:
        raise InvalidInput(fields={"kind": [{"code": "invalid_choice", "message": _("Not one of the choices.")}]})
    _required_text({"title": title, "body": body})
    current = Announcement.objects.filter(lot=lot, status=A.PUBLISHED).first()
    if lot.status == Lot.Status.TERMINATED:
        raise LotConflict(_("The lot is terminated."))
    if kind == K.NORMAL and (current is not None or lot.status != Lot.Status.REGISTERED):
        raise LotConflict(_("The lot already has its announcement: publish a change announcement instead."))
    if kind != K.NORMAL and current is None:
        raise LotConflict(_("Only a published announcement can be changed or terminated."))
    if Announcement.objects.filter(lot=lot, status=A.DRAFT).exists():
        raise LotConflict(_("The lot already has a draft announcement."), code="draft_exists")
    return Announcement.objects.create(
        lot=lot, kind=kind, title=title.strip()[:200], body=body.strip(), supersedes=current
    )


def _draft_for_staff(user: User, announcement_id: int) -> Announcement:
    announcement = (
        Announcement.objects.select_for_update(of=("self",))
        .select_related("lot__centre")
        .filter(pk=announcement_id)
        .first()
    )
    if announcement is None or not centre_staff_covers(user, announcement.lot.centre):
        raise NotFound(_("No announcement has this id."))
    if announcement.status != A.DRAFT:
        raise AnnouncementPublished(_("A published announcement cannot be changed: publish a change announcement."))
    return announcement


@transaction.atomic
def announcement_update(*, user: User, announcement_id: int, title: str, body: str) -> Announcement:
    announcement = _draft_for_staff(user, announcement_id)
    _required_text({"title": title, "body": body})
    announcement.title = title.strip()[:200]
    announcement.body = body.strip()
    announcement.save(update_fields=["title", "body"])
    return announcement


def document_add(*, user: User, announcement_id: int, title: str, file: UploadedFile) -> AnnouncementDocument:
    """Attach a document to a draft announcement, checked by its content and kept with its SHA-256."""
    with uploads_atomic() as store:
        announcement = _draft_for_staff(user, announcement_id)
        _required_text({"title": title})
        stored = store(file, types=DOCUMENT_TYPES, max_bytes=DOCUMENT_MAX_BYTES, folder="announcements")
        return AnnouncementDocument.objects.create(
            announcement=announcement,
            title=title.strip()[:128],
            **stored.document_fields(),
        )


@transaction.atomic
def announcement_publish(*, user: User, announcement_id: int) -> Announcement:
    """Publish a draft: it gets its number and the database's time; the one it changes is superseded; a
    termination ends the lot. From here the database refuses any change to it."""
    announcement = _draft_for_staff(user, announcement_id)
    terminating = None  # a termination also closes the trade: its row locked first, in the order bids lock
    if announcement.kind == K.TERMINATION and announcement.lot.status != Lot.Status.TERMINATED:
        terminating = closing.termination_lock(lot_id=announcement.lot_id)
    lot = Lot.objects.select_for_update().select_related("centre").get(pk=announcement.lot_id)
    if lot.status == Lot.Status.TERMINATED:
        raise LotConflict(_("The lot is terminated."))
    current = Announcement.objects.select_for_update().filter(lot=lot, status=A.PUBLISHED).first()
    if announcement.kind == K.NORMAL and current is not None:
        raise LotConflict(_("The lot already has its announcement: publish a change announcement instead."))
    if announcement.kind != K.NORMAL and (current is None or current.pk != announcement.supersedes_id):
        raise LotConflict(_("The announcement this one changes is no longer the current one."), code="stale_draft")
    now = db_now()
    if current is not None:
        current.status = A.SUPERSEDED
        current.save(update_fields=["status"])
    announcement.number = announcement_number(centre=lot.centre, year=timezone.localtime(now).year)
    announcement.status = A.PUBLISHED
    announcement.published_at = now
    announcement.published_by = user
    announcement.save(update_fields=["number", "status", "published_at", "published_by"])
    lot.status = Lot.Status.TERMINATED if announcement.kind == K.TERMINATION else Lot.Status.ANNOUNCED
    lot.save(update_fields=["status", "updated_at"])
    record(
        f"announcement.{announcement.kind}", actor=user, lot=lot, announcement=announcement, note=announcement.number
    )
    if terminating is not None:
        closing.trading_terminate(user=user, lot=lot, trading=terminating, announcement=announcement)
    return announcement
