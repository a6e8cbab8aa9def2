"""Real-name verification (实名认证): a user applies, trading-centre staff approve or reject."""

import uuid
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.checksums import credit_code_valid, resident_id_valid
from accounts.models import Message, RealNameVerification, User, VerificationDocumentView
from accounts.selectors import can_review_verifications, verification_get_for_viewer
from accounts.services.messages import message_send
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.filetypes import CONTENT_TYPES, sniff

LICENCE_KINDS = ("jpg", "png", "pdf")
LICENCE_MAX_BYTES = 10 * 1024 * 1024
ID_CARD_KINDS = ("jpg", "png")
ID_CARD_MAX_BYTES = 10 * 1024 * 1024
NAME_MAX_LENGTH = RealNameVerification._meta.get_field("name").max_length or 128
REASON_MAX_LENGTH = RealNameVerification._meta.get_field("reason").max_length or 500


class TransitionNotAllowed(Conflict):
    default_code = "transition_not_allowed"


def _field_error(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput(fields={field: [{"code": code, "message": message}]})


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise _field_error("name", "required", _("Enter the name on the ID card or the business licence."))
    if len(name) > NAME_MAX_LENGTH:
        raise _field_error("name", "max_length", _("Use at most %(count)d characters.") % {"count": NAME_MAX_LENGTH})
    return name


def _clean_id_number(kind: str, id_number: str) -> str:
    """The number with surrounding spaces removed and in capitals (a lower-case x is read as X), if valid."""
    id_number = (id_number or "").strip().upper()
    if kind == User.Kind.ENTERPRISE:
        if not credit_code_valid(id_number):
            raise _field_error(
                "id_number",
                "checksum",
                _("Not a valid unified social credit code (GB 32100): check the 18 characters."),
            )
    elif not resident_id_valid(id_number):
        raise _field_error(
            "id_number", "checksum", _("Not a valid resident ID number (GB 11643): check the 18 characters.")
        )
    return id_number


def _check_licence(licence: UploadedFile | None) -> str:
    """The licence's kind by content (jpg, png or pdf); refuses a missing, oversized, mislabelled or corrupt file."""
    if licence is None:
        raise _field_error("licence", "required", _("Upload the business licence (JPG, PNG or PDF)."))
    if licence.size is not None and licence.size > LICENCE_MAX_BYTES:
        raise _field_error("licence", "file_too_large", _("The business licence may be at most 10 MB."))
    kind = sniff(licence)  # an UploadedFile reads and seeks like IO[bytes]
    if kind not in LICENCE_KINDS:
        raise _field_error("licence", "file_type", _("The business licence must be a whole JPG, PNG or PDF file."))
    return kind


def _check_id_card(field: str, image: UploadedFile | None) -> str:
    """An ID card side's kind by content (jpg or png); refuses a missing, oversized, mislabelled or corrupt image."""
    if image is None:
        raise _field_error(field, "required", _("Upload both sides of the ID card (JPG or PNG)."))
    if image.size is not None and image.size > ID_CARD_MAX_BYTES:
        raise _field_error(field, "file_too_large", _("An ID card image may be at most 10 MB."))
    kind = sniff(image)  # an UploadedFile reads and seeks like IO[bytes]
    if kind not in ID_CARD_KINDS:
        raise _field_error(field, "file_type", _("An ID card image must be a whole JPG or PNG file."))
    return kind


@transaction.atomic
def verification_submit(
    *,
    user: User,
    name: str,
    id_number: str,
    licence: UploadedFile | None = None,
    id_front: UploadedFile | None = None,
    id_back: UploadedFile | None = None,
) -> RealNameVerification:
    """Apply for real-name verification: an individual with a resident ID number and both sides of the ID card, an
    enterprise with its unified social credit code and business licence. One pending application at a time;
    sub-accounts never apply."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.parent_id is not None:
        raise PermissionDenied(
            _("A sub-account acts for its enterprise and is verified through it."), code="sub_account"
        )
    if user.verified_at is not None:
        raise Conflict(_("You are already verified."), code="already_verified")
    if RealNameVerification.objects.filter(user=user, status=RealNameVerification.Status.PENDING).exists():
        raise Conflict(_("Your previous application is still being reviewed."), code="verification_pending")

    name = _clean_name(name)
    id_number = _clean_id_number(user.kind, id_number)
    verification = RealNameVerification(user=user, kind=user.kind, name=name, id_number=id_number)
    if user.kind == User.Kind.ENTERPRISE:
        kind = _check_licence(licence)
        for field, image in (("id_front", id_front), ("id_back", id_back)):
            if image is not None:
                raise _field_error(field, "unexpected", _("Enterprises upload their business licence instead."))
        verification.licence.save(f"{uuid.uuid4().hex}.{kind}", licence, save=False)  # type: ignore[arg-type]
    else:
        if licence is not None:
            raise _field_error("licence", "unexpected", _("Only enterprises upload a business licence."))
        kinds = {"id_front": _check_id_card("id_front", id_front), "id_back": _check_id_card("id_back", id_back)}
        verification.id_front.save(f"{uuid.uuid4().hex}.{kinds['id_front']}", id_front, save=False)  # type: ignore[arg-type]
        verification.id_back.save(f"{uuid.uuid4().hex}.{kinds['id_back']}", id_back, save=False)  # type: ignore[arg-type]
    verification.save()
    return verification


def _pending_for_review(*, verification_id: int, reviewer: User) -> RealNameVerification:
    """The application, locked, once the reviewer may decide it and it still waits for a decision."""
    if not can_review_verifications(reviewer):
        raise PermissionDenied(_("Only trading-centre staff review real-name verifications."))
    verification = RealNameVerification.objects.select_for_update().filter(pk=verification_id).first()
    if verification is None:
        raise NotFound()
    if verification.user_id == reviewer.pk:
        raise PermissionDenied(_("You cannot review your own application."), code="own_application")
    if verification.status != RealNameVerification.Status.PENDING:
        raise TransitionNotAllowed(_("This application has already been decided."))
    return verification


@transaction.atomic
def verification_approve(*, verification_id: int, reviewer: User) -> RealNameVerification:
    """Approve a pending application: the user is verified under the name given, and told so."""
    verification = _pending_for_review(verification_id=verification_id, reviewer=reviewer)
    user = User.objects.select_for_update().get(pk=verification.user_id)
    now = timezone.now()
    verification.status = RealNameVerification.Status.APPROVED
    verification.reviewed_by = reviewer
    verification.reviewed_at = now
    verification.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    user.real_name = verification.name
    user.verified_at = now
    user.save(update_fields=["real_name", "verified_at"])
    message_send(
        user=user,
        title=_("Your real-name verification was approved"),
        body=_("You are verified as %(name)s.") % {"name": verification.name},
        category=Message.Category.SYSTEM,
    )
    return verification


@transaction.atomic
def verification_reject(*, verification_id: int, reviewer: User, reason: str) -> RealNameVerification:
    """Reject a pending application with a reason the user is told; they may apply again."""
    reason = (reason or "").strip()
    if not reason:
        raise _field_error("reason", "required", _("Give the reason for the rejection."))
    if len(reason) > REASON_MAX_LENGTH:
        raise _field_error(
            "reason", "max_length", _("Use at most %(count)d characters.") % {"count": REASON_MAX_LENGTH}
        )
    verification = _pending_for_review(verification_id=verification_id, reviewer=reviewer)
    verification.status = RealNameVerification.Status.REJECTED
    verification.reason = reason
    verification.reviewed_by = reviewer
    verification.reviewed_at = timezone.now()
    verification.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])
    message_send(
        user=verification.user,
        title=_("Your real-name verification was rejected"),
        body=reason,
        category=Message.Category.SYSTEM,
    )
    return verification


@dataclass(frozen=True)
class DocumentFile:
    """An opened verification document: its bytes, the content type of the kind detected at upload, a file name."""

    file: IO[bytes]
    content_type: str
    filename: str


@transaction.atomic
def verification_document_open(
    *, viewer: User, verification_id: int, document: str, client_address: str
) -> DocumentFile:
    """Open a verification's document (licence, id_front or id_back) for its applicant or verification staff, and
    record the view (VerificationDocumentView); 404 for anyone else, for a document not uploaded or a lost file."""
    if document not in VerificationDocumentView.Document.values:
        raise NotFound()
    verification = verification_get_for_viewer(viewer=viewer, verification_id=verification_id)
    stored = getattr(verification, document)
    if not stored:
        raise NotFound()
    # Stored under the kind its content was detected as (verification_submit), so the extension is that kind.
    extension = PurePath(stored.name or "").suffix.lstrip(".")
    try:
        file = stored.open("rb")
    except FileNotFoundError:
        raise NotFound() from None
    VerificationDocumentView.objects.create(
        verification=verification, document=document, viewer=viewer, client_address=client_address[:64]
    )
    return DocumentFile(
        file=file,
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
        filename=f"{document.replace('_', '-')}-{verification.pk}.{extension}",
    )
