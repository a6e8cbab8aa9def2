"""Files of supply listings: photos and documents in one request each, videos in ordered chunks; all checked by
their content (core.filetypes.examine: archives by their directories, never inflated), never by their name."""

import os
import re
import uuid
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Protocol

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.archives import ArchiveRefused
from core.errors import Conflict, InvalidInput, NotFound
from core.filetypes import CONTENT_TYPES, Kind, examine, sniff
from market.models import ChunkedUpload, SupplyAttachment, SupplyListing
from market.services.supply import NotEditable, is_owner
from market.transitions import SUPPLY_EDITABLE

K = SupplyAttachment.Kind
PHOTO_TYPES = frozenset({"jpg", "png", "gif"})
VIDEO_TYPES = frozenset({"mp4"})
DOCUMENT_TYPES = frozenset({"rar", "zip", "doc", "docx", "pdf", "jpg"})
EXTENSIONS: dict[str, frozenset[str]] = {
    "jpg": frozenset({"jpg", "jpeg"}),
    "png": frozenset({"png"}),
    "gif": frozenset({"gif"}),
    "pdf": frozenset({"pdf"}),
    "zip": frozenset({"zip"}),
    "docx": frozenset({"docx"}),
    "rar": frozenset({"rar"}),
    "doc": frozenset({"doc"}),
    "mp4": frozenset({"mp4"}),
}
CONTENT_RANGE = re.compile(r"^bytes (\d{1,15})-(\d{1,15})/(\d{1,15})$")
COPY_BLOCK = 64 * 1024
PARTIAL_DIR = "uploads/partial"


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class TooManyFiles(Conflict):
    default_code = "too_many_files"


@dataclass(frozen=True)
class Limits:
    types: frozenset[str]
    max_bytes: int
    max_count: int


def limits(kind: str) -> Limits:
    """What a kind of attachment may be: its file types, the largest size and how many a listing may have."""
    if kind == K.PHOTO:
        return Limits(PHOTO_TYPES, settings.MARKET_PHOTO_MAX_BYTES, settings.MARKET_PHOTO_MAX_COUNT)
    if kind == K.VIDEO:
        return Limits(VIDEO_TYPES, settings.MARKET_VIDEO_MAX_BYTES, settings.MARKET_VIDEO_MAX_COUNT)
    return Limits(DOCUMENT_TYPES, settings.MARKET_DOCUMENT_MAX_BYTES, settings.MARKET_DOCUMENT_MAX_COUNT)


def _file_error(code: str, message: str, field: str = "file") -> InvalidInput:
    return InvalidInput(fields={field: [{"code": code, "message": message}]})


def _type_error(kind: str, field: str = "file") -> InvalidInput:
    allowed = ", ".join(sorted(limits(kind).types))
    return _file_error(
        "file_type", _("The file is not a whole file of an accepted type ({types}).").format(types=allowed), field
    )


def _size_error(kind: str, field: str = "file") -> InvalidInput:
    megabytes = limits(kind).max_bytes // (1024 * 1024)
    return _file_error("file_too_large", _("The file is larger than {mb} MB.").format(mb=megabytes), field)


def _extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def _editable_listing(listing_id: int, user: User) -> SupplyListing:
    listing = SupplyListing.objects.select_for_update(of=("self",)).filter(pk=listing_id).first()
    if listing is None or not is_owner(listing, user):
        raise NotFound(_("No supply listing has this id."))
    if listing.status not in SUPPLY_EDITABLE:
        raise NotEditable(_("Files can be changed only while the listing is a draft or rejected."))
    return listing


def _check_count(listing: SupplyListing, kind: str) -> None:
    if SupplyAttachment.objects.filter(listing=listing, kind=kind).count() >= limits(kind).max_count:
        raise TooManyFiles(_("This listing already has {n} files of this kind.").format(n=limits(kind).max_count))


def _storage_name(file_type: str) -> str:
    return f"supply/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{file_type}"


def _examine(file: UploadedFile) -> Kind | None:
    """The file's kind by content; an archive over the limits is refused with the limit it breaks."""
    try:
        return examine(file)  # an UploadedFile reads and seeks like IO[bytes]
    except ArchiveRefused as refused:
        raise _file_error(refused.code, str(refused.message)) from None


def refuse_oversized_request(*, content_length: str | None) -> None:
    """Refuse a one-file upload whose body is already larger than any accepted file, before it is read."""
    size = int(content_length) if content_length and content_length.isdigit() else 0
    largest = max(settings.MARKET_PHOTO_MAX_BYTES, settings.MARKET_DOCUMENT_MAX_BYTES)
    if size > largest + 64 * 1024:  # room for the multipart envelope
        raise _file_error("file_too_large", _("The file is larger than {mb} MB.").format(mb=largest // (1024 * 1024)))


def attachment_add(*, listing_id: int, user: User, kind: str, file: UploadedFile) -> SupplyAttachment:
    """Attach one photo or document to a draft or rejected listing (videos come in chunks: chunked_upload_start)."""
    if kind not in K.values:
        raise _file_error("invalid_choice", _("Not one of the choices."), "kind")
    if kind == K.VIDEO:
        raise _file_error("chunked_upload_required", _("Upload videos in chunks (POST …/uploads/)."), "kind")
    name = None
    try:
        with transaction.atomic():
            listing = _editable_listing(listing_id, user)
            _check_count(listing, kind)
            if file.size is None or file.size > limits(kind).max_bytes:
                raise _size_error(kind)
            file_type = _examine(file)
            if file_type is None or file_type not in limits(kind).types:
                raise _type_error(kind)
            if _extension(file.name or "") not in EXTENSIONS[file_type]:
                raise _type_error(kind)  # mislabelled: the name says another type than the content
            name = default_storage.save(_storage_name(file_type), file)
            return SupplyAttachment.objects.create(
                listing=listing,
                kind=kind,
                file=name,
                original_name=PurePath(file.name or name).name[:255],
                content_type=CONTENT_TYPES[file_type],
                size=file.size,
                uploaded_by=user,
            )
    except BaseException:
        if name:
            default_storage.delete(name)
        raise


@transaction.atomic
def attachment_delete(*, attachment_id: int, user: User) -> None:
    """Remove a file of a draft or rejected listing; the stored file goes once the deletion commits."""
    listing_id = SupplyAttachment.objects.filter(pk=attachment_id).values_list("listing_id", flat=True).first()
    if listing_id is None:
        raise NotFound(_("No attachment has this id."))
    _editable_listing(listing_id, user)
    attachment = SupplyAttachment.objects.get(pk=attachment_id)
    name = attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


# ------------------------------------------------------------------------------------------------ chunked uploads


@transaction.atomic
def chunked_upload_start(*, listing_id: int, user: User, kind: str, filename: str, size: int) -> ChunkedUpload:
    """Announce a video of `size` bytes; its chunks then arrive in order (chunked_upload_append)."""
    listing = _editable_listing(listing_id, user)
    if kind != K.VIDEO:
        raise _file_error("invalid_choice", _("Only videos are uploaded in chunks."), "kind")
    if _extension(filename) not in EXTENSIONS["mp4"]:
        raise _type_error(kind, "filename")
    if size <= 0:
        raise _file_error("invalid", _("The size must be positive."), "size")
    if size > limits(kind).max_bytes:
        raise _size_error(kind, "size")
    _check_count(listing, kind)
    path = f"{PARTIAL_DIR}/{uuid.uuid4().hex}.part"
    full = default_storage.path(path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    open(full, "wb").close()
    return ChunkedUpload.objects.create(
        user=user, listing=listing, kind=kind, filename=PurePath(filename).name[:255], size=size, path=path
    )


def parse_content_range(header: str | None) -> tuple[int, int, int]:
    """`bytes start-end/total` (end inclusive) as numbers; a 400 naming Content-Range when malformed."""
    match = CONTENT_RANGE.match(header or "")
    if match is None:
        raise _file_error("invalid", _("Send a Content-Range header: bytes start-end/total."), "Content-Range")
    start, end, total = (int(part) for part in match.groups())
    if not start <= end < total:
        raise _file_error("invalid", _("Send a Content-Range header: bytes start-end/total."), "Content-Range")
    return start, end, total


def _copy(source: Readable, target: IO[bytes], length: int) -> int:
    copied = 0
    while copied < length:
        block = source.read(min(COPY_BLOCK, length - copied))
        if not block:
            break
        target.write(block)
        copied += len(block)
    return copied


@dataclass(frozen=True)
class ChunkResult:
    upload: ChunkedUpload
    attachment: SupplyAttachment | None


def chunked_upload_append(
    *, upload_id: uuid.UUID, user: User, content_range: str | None, body: Readable, length: int | None
) -> ChunkResult:
    """Write the next chunk at its offset in the partial file (chunks in order, 409 otherwise); after the last byte
    the file is checked and becomes the listing's video, or is deleted with a 400."""
    start, end, total = parse_content_range(content_range)
    chunk = end - start + 1
    with transaction.atomic():
        upload = ChunkedUpload.objects.select_for_update().filter(pk=upload_id).first()
        if upload is None or upload.user_id != user.pk or upload.status != ChunkedUpload.Status.UPLOADING:
            raise NotFound(_("No upload has this id."))
        status = SupplyListing.objects.filter(pk=upload.listing_id).values_list("status", flat=True).first()
        if status not in SUPPLY_EDITABLE:
            raise NotEditable(_("Files can be changed only while the listing is a draft or rejected."))
        if total != upload.size:
            raise _file_error("size_mismatch", _("The total differs from the announced size."), "Content-Range")
        if start != upload.received:
            raise Conflict(
                _("Chunks must arrive in order: the next one starts at byte {n}.").format(n=upload.received),
                code="out_of_order",
            )
        if chunk > settings.MARKET_UPLOAD_CHUNK_MAX_BYTES:
            raise _file_error(
                "chunk_too_large",
                _("A chunk may have at most {mb} MB.").format(mb=settings.MARKET_UPLOAD_CHUNK_MAX_BYTES // 1024**2),
                "Content-Range",
            )
        if length is not None and length != chunk:
            raise _file_error("invalid", _("The body's length differs from the Content-Range."), "Content-Range")
        try:
            partial = open(default_storage.path(upload.path), "r+b")  # noqa: SIM115 - closed just below
        except FileNotFoundError:
            raise Conflict(_("The partial file is gone; start the upload again."), code="upload_lost") from None
        with partial:
            partial.seek(start)
            copied = _copy(body, partial, chunk)
            if copied != chunk or body.read(1):
                partial.truncate(start)
                raise _file_error("invalid", _("The body's length differs from the Content-Range."), "Content-Range")
            partial.truncate()
        upload.received = end + 1
        upload.save(update_fields=["received", "updated_at"])
    if upload.received < upload.size:
        return ChunkResult(upload=upload, attachment=None)
    return _complete(upload_id=upload.pk)


def _discard(upload: ChunkedUpload) -> None:
    path = upload.path
    upload.delete()
    transaction.on_commit(lambda: default_storage.delete(path))


def _complete(*, upload_id: uuid.UUID) -> ChunkResult:
    """The whole video arrived: check it and attach it, or delete it and answer 400 (409 when the limit is full)."""
    refusal: Exception | None = None
    final = None
    try:
        with transaction.atomic():
            upload = ChunkedUpload.objects.select_for_update().get(pk=upload_id)
            listing = SupplyListing.objects.select_for_update(of=("self",)).get(pk=upload.listing_id)
            with open(default_storage.path(upload.path), "rb") as partial:
                file_type = sniff(partial)
            if file_type not in VIDEO_TYPES:
                refusal = _type_error(K.VIDEO)
            elif SupplyAttachment.objects.filter(listing=listing, kind=K.VIDEO).count() >= limits(K.VIDEO).max_count:
                refusal = TooManyFiles(
                    _("This listing already has {n} files of this kind.").format(n=limits(K.VIDEO).max_count)
                )
            if refusal is not None:
                _discard(upload)
            else:
                final = _storage_name("mp4")
                full = default_storage.path(final)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                os.replace(default_storage.path(upload.path), full)
                attachment = SupplyAttachment.objects.create(
                    listing=listing,
                    kind=K.VIDEO,
                    file=final,
                    original_name=upload.filename,
                    content_type=CONTENT_TYPES["mp4"],
                    size=upload.size,
                    uploaded_by=upload.user,
                )
                upload.status, upload.path = ChunkedUpload.Status.COMPLETE, final
                upload.save(update_fields=["status", "path", "updated_at"])
    except BaseException:
        if final:
            default_storage.delete(final)
        raise
    if refusal is not None:
        raise refusal
    return ChunkResult(upload=upload, attachment=attachment)
