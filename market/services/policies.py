"""Writes on policy documents (政策法规): trading-centre staff and administrators create, edit, publish, unpublish
and delete them. The body is plain text, stored as given and never rendered as HTML."""

import uuid
from typing import IO, TypedDict, Unpack, cast

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import FieldErrors, InvalidInput, NotFound, PermissionDenied
from core.filetypes import sniff
from market.models import PolicyDocument
from market.services.audit import TransitionNotAllowed

ATTACHMENT_KINDS = ("pdf", "doc", "docx")
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
STAFF_ROLES = (User.Role.CENTRE_STAFF, User.Role.ADMIN)
_TEXT_LIMITS = {"title": 200, "issuer": 128, "document_number": 64}


class PolicyFields(TypedDict, total=False):
    title: str
    category: str
    issuer: str
    document_number: str
    body: str


def _require_staff(user: User) -> None:
    if not (user.is_authenticated and user.is_active and (user.is_superuser or user.role in STAFF_ROLES)):
        raise PermissionDenied(_("Only trading-centre staff may do this."))


def _error(code: str, message: str) -> list[dict[str, str]]:
    return [{"code": code, "message": message}]


def _check(fields: PolicyFields, *, creating: bool) -> None:
    errors: FieldErrors = {}
    for name in ("title", "category", "body"):
        if (creating or name in fields) and not str(fields.get(name) or "").strip():
            errors[name] = _error("required", _("This field is required."))
    for name, limit in _TEXT_LIMITS.items():
        if len(str(fields.get(name) or "")) > limit:
            errors[name] = _error("max_length", _("At most %(limit)d characters.") % {"limit": limit})
    if fields.get("category") and fields["category"] not in PolicyDocument.Category.values:
        errors["category"] = _error("invalid_choice", _("Not a policy category."))
    if errors:
        raise InvalidInput(fields=errors)


def _attachment_name(file: IO[bytes], size: int | None) -> str:
    """The stored name of an accepted attachment (random, with the extension of its real kind)."""
    if size is None:
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
    if size > ATTACHMENT_MAX_BYTES:
        message = _("An attachment may be at most 20 MB.")
        raise InvalidInput(fields={"attachment": _error("file_too_large", message)})
    kind = sniff(file)
    if kind not in ATTACHMENT_KINDS:
        message = _("Attach a PDF, DOC or DOCX document.")
        raise InvalidInput(fields={"attachment": _error("invalid_file_type", message)})
    return f"{uuid.uuid4().hex}.{kind}"


def _locked(policy_id: int) -> PolicyDocument:
    document = PolicyDocument.objects.select_for_update().filter(pk=policy_id).first()
    if document is None:
        raise NotFound(_("No such policy document."))
    return document


def _delete_file_on_commit(name: str) -> None:
    if name:
        storage = PolicyDocument._meta.get_field("attachment").storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def policy_create(
    *, acting_user: User, attachment: UploadedFile | None = None, **fields: Unpack[PolicyFields]
) -> PolicyDocument:
    """A new, unpublished policy document; `attachment` an uploaded PDF, DOC or DOCX (by content) of ≤ 20 MB."""
    _require_staff(acting_user)
    _check(fields, creating=True)
    name = _attachment_name(cast(IO[bytes], attachment), attachment.size) if attachment is not None else ""
    document = PolicyDocument(created_by=acting_user, **fields)
    if attachment is not None:
        document.attachment.save(name, attachment, save=False)
    document.save()
    return document


@transaction.atomic
def policy_update(
    *,
    policy_id: int,
    acting_user: User,
    attachment: UploadedFile | None = None,
    remove_attachment: bool = False,
    **fields: Unpack[PolicyFields],
) -> PolicyDocument:
    """Edit a document, published or not; a new attachment replaces the old one, `remove_attachment` drops it."""
    _require_staff(acting_user)
    document = _locked(policy_id)
    _check(fields, creating=False)
    name = _attachment_name(cast(IO[bytes], attachment), attachment.size) if attachment is not None else ""
    changed = [key for key, value in fields.items() if getattr(document, key) != value]
    for key in changed:
        setattr(document, key, fields[key])  # type: ignore[literal-required]
    old_file = document.attachment.name or ""
    if attachment is not None:
        document.attachment.save(name, attachment, save=False)
        changed.append("attachment")
        _delete_file_on_commit(old_file)
    elif remove_attachment and old_file:
        document.attachment = None
        changed.append("attachment")
        _delete_file_on_commit(old_file)
    if changed:
        document.save(update_fields=[*changed, "updated_at"])
    return document


@transaction.atomic
def policy_publish(*, policy_id: int, acting_user: User) -> PolicyDocument:
    """Make a document public (it becomes the newest on the list)."""
    _require_staff(acting_user)
    document = _locked(policy_id)
    if document.published_at is not None:
        raise TransitionNotAllowed(_("This policy document is already published."))
    document.published_at = timezone.now()
    document.save(update_fields=["published_at", "updated_at"])
    return document


@transaction.atomic
def policy_unpublish(*, policy_id: int, acting_user: User) -> PolicyDocument:
    """Withdraw a document from the public."""
    _require_staff(acting_user)
    document = _locked(policy_id)
    if document.published_at is None:
        raise TransitionNotAllowed(_("This policy document is not published."))
    document.published_at = None
    document.save(update_fields=["published_at", "updated_at"])
    return document


@transaction.atomic
def policy_delete(*, policy_id: int, acting_user: User) -> None:
    """Delete a document and, once that is committed, its attachment."""
    _require_staff(acting_user)
    document = _locked(policy_id)
    _delete_file_on_commit(document.attachment.name or "")
    document.delete()
