"""Storing one uploaded document after checking it by its content (core.filetypes.examine; archives by their
directories, never inflated), with its SHA-256; uploads_atomic deletes what a failed transaction stored."""

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.archives import ArchiveRefused
from core.errors import InvalidInput
from core.filetypes import CONTENT_TYPES, examine

NAME_EXTENSIONS = {"jpg": {"jpg", "jpeg"}}  # other types: the name's extension is the type


@dataclass(frozen=True)
class StoredFile:
    name: str  # in default_storage
    original_name: str
    content_type: str
    size: int
    sha256: str

    def document_fields(self) -> dict[str, Any]:
        """The fields of a document row (file, original_name, content_type, size, sha256) that hold this file."""
        return {
            "file": self.name,
            "original_name": self.original_name,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
        }


def _refused(code: str, message: str, field: str) -> InvalidInput:
    return InvalidInput(fields={field: [{"code": code, "message": message}]})


def store_checked(
    file: UploadedFile, *, types: frozenset[str], max_bytes: int, folder: str, field: str = "file"
) -> StoredFile:
    """Store the file under `folder`/YYYY/MM/ if its content is a whole file of one of `types` (and its name does not
    claim another type) and it is at most `max_bytes`; else a field error and nothing stored."""
    if file.size is None or file.size > max_bytes:
        message = _("The file is larger than {mb} MB.").format(mb=max_bytes // (1024 * 1024))
        raise _refused("file_too_large", message, field)
    try:
        file_type = examine(file)
    except ArchiveRefused as refused:
        raise _refused(refused.code, str(refused.message), field) from None
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    if file_type is None or file_type not in types or extension not in NAME_EXTENSIONS.get(file_type, {file_type}):
        message = _("The file is not a whole file of an accepted type ({types}).").format(
            types=", ".join(sorted(types))
        )
        raise _refused("file_type", message, field)
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    name = default_storage.save(f"{folder}/{timezone.now():%Y/%m}/{digest.hexdigest()[:32]}.{file_type}", file)
    return StoredFile(
        name=name,
        original_name=PurePath(file.name or name).name[:255],
        content_type=CONTENT_TYPES[file_type],
        size=file.size,
        sha256=digest.hexdigest(),
    )


UploadStore = Callable[..., StoredFile]


@contextmanager
def uploads_atomic() -> Iterator[UploadStore]:
    """A transaction whose uploads, stored through the function it gives (store_checked's arguments), are deleted from
    storage if it fails: the rows and their files come and go together.

        with uploads_atomic() as store:
            stored = store(file, types=..., max_bytes=..., folder="lots")
            return LotDocument.objects.create(lot=lot, title=title, **stored.document_fields())
    """
    names: list[str] = []

    def store(file: UploadedFile, **options: Any) -> StoredFile:
        stored = store_checked(file, **options)
        names.append(stored.name)
        return stored

    try:
        with transaction.atomic():
            yield store
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise
