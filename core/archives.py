"""Archives (ZIP, the ZIPs that Word documents are, RAR) judged by their directories, never inflated whole.

A ZIP is refused when its directory declares more members, more bytes in all or a higher compression ratio in one
member than the limits allow, when a member is encrypted, or when a member's local header disagrees with the central
directory. Only the first bytes of each member are inflated, to find archives inside it: a ZIP inside is inflated
(within its declared size and a small budget for all of them) and checked the same way, and may itself hold no
archive; an archive of another kind inside is refused, as it cannot be checked. `inflate` copies a member out with a
bound, for code that has to unpack one.
"""

import struct
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO

import rarfile  # type: ignore[import-untyped]  # no stubs
from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import InvalidInput

MIB = 1024 * 1024
# A member whose declared size is below this is not judged by its ratio: small runs of blanks compress very well,
# and the total limit bounds what many small members add up to.
RATIO_FLOOR_BYTES = 1 * MIB
# The central directory may take this much per member the limit allows (46 fixed bytes, the name, the extra fields):
# a directory of millions of tiny entries is refused before it is parsed.
DIRECTORY_BYTES_PER_MEMBER = 1024
PEEK_BYTES = 10
# First bytes of archive formats: ZIP (and DOCX, XLSX, JAR …), RAR, 7z, gzip, bzip2, xz, zstd, cabinet.
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OTHER_ARCHIVE_MAGIC = (
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b\x08",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",
    b"MSCF",
)
# Names of archives inside a RAR (office documents, ZIPs too, are files to their readers and stay allowed).
ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".cab", ".tar")
END_OF_DIRECTORY = struct.Struct("<4s4H2LH")  # the ZIP end-of-central-directory record (22 bytes)
ZIP64_LOCATOR = struct.Struct("<4sLQL")  # right before it when the archive is ZIP64
ZIP64_END_OF_DIRECTORY = struct.Struct("<4sQ2H2L4Q")
LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # the header before each member's data (30 bytes)


class ArchiveRefused(InvalidInput):
    """An archive over a limit; `code` says which, the message gives the limit."""

    default_code = "archive_refused"


class ArchiveDamaged(Exception):
    """Not a readable archive (truncated, corrupt, inconsistent or of an unsupported compression)."""


@dataclass(frozen=True)
class ArchiveLimits:
    total_bytes: int  # all members' declared sizes, those of archives inside included
    ratio: int  # a member's declared size over its compressed size
    members: int
    nested_bytes: int  # the declared sizes of the ZIPs inside, all inflated to be checked


def upload_limits() -> ArchiveLimits:
    """The limits of archives uploaded as documents (settings UPLOAD_ARCHIVE_*)."""
    return ArchiveLimits(
        total_bytes=settings.UPLOAD_ARCHIVE_MAX_TOTAL_BYTES,
        ratio=settings.UPLOAD_ARCHIVE_MAX_RATIO,
        members=settings.UPLOAD_ARCHIVE_MAX_MEMBERS,
        nested_bytes=settings.UPLOAD_ARCHIVE_MAX_NESTED_BYTES,
    )


def _too_large(limits: ArchiveLimits) -> ArchiveRefused:
    message = _("The archive unpacks to more than {mb} MB.").format(mb=limits.total_bytes // MIB)
    return ArchiveRefused(message, code="archive_too_large")


def _too_compressed(limits: ArchiveLimits) -> ArchiveRefused:
    message = _("A file in the archive is compressed more than {ratio} times.").format(ratio=limits.ratio)
    return ArchiveRefused(message, code="archive_ratio")


def _too_many(limits: ArchiveLimits) -> ArchiveRefused:
    message = _("The archive holds more than {n} files.").format(n=limits.members)
    return ArchiveRefused(message, code="archive_too_many_files")


def _encrypted() -> ArchiveRefused:
    return ArchiveRefused(_("The archive is encrypted; upload it without a password."), code="archive_encrypted")


def _nested(message: str) -> ArchiveRefused:
    return ArchiveRefused(message, code="archive_nested")


def _directory_entries(file: IO[bytes]) -> tuple[int, int]:
    """The member count and central-directory size that the end-of-directory record declares (ZIP64 too)."""
    file.seek(0, 2)
    size = file.tell()
    start = max(0, size - END_OF_DIRECTORY.size - 0xFFFF)  # the record is followed by a comment of at most 64 KiB
    file.seek(start)
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < END_OF_DIRECTORY.size:
        raise ArchiveDamaged("no end of central directory")
    *_ignored, entries, directory_size, _offset, _comment = END_OF_DIRECTORY.unpack_from(tail, at)
    if entries != 0xFFFF and directory_size != 0xFFFFFFFF:
        return entries, directory_size
    if at < ZIP64_LOCATOR.size:
        raise ArchiveDamaged("no ZIP64 locator")
    signature, _disk, record_at, _disks = ZIP64_LOCATOR.unpack_from(tail, at - ZIP64_LOCATOR.size)
    file.seek(record_at)
    record = file.read(ZIP64_END_OF_DIRECTORY.size)
    if signature != b"PK\x06\x07" or len(record) < ZIP64_END_OF_DIRECTORY.size or record[:4] != b"PK\x06\x06":
        raise ArchiveDamaged("bad ZIP64 end of central directory")
    *_fields, entries64, directory_size64, _offset64 = ZIP64_END_OF_DIRECTORY.unpack(record)
    return entries64, directory_size64


def _local_header_agrees(file: IO[bytes], info: zipfile.ZipInfo) -> bool:
    """The member's local header names the same file, compression and (without a data descriptor) sizes and CRC."""
    file.seek(info.header_offset)
    header = file.read(LOCAL_HEADER.size)
    if len(header) < LOCAL_HEADER.size:
        return False
    signature, _v, _s, flags, method, _t, _d, crc, compressed, size, name_length, _extra = LOCAL_HEADER.unpack(header)
    name = file.read(name_length).decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
    if signature != b"PK\x03\x04" or method != info.compress_type or name != info.orig_filename:
        return False
    if flags & 0x08 or 0xFFFFFFFF in (compressed, size):  # sizes in a data descriptor or a ZIP64 extra field
        return True
    return (crc, compressed, size) == (info.CRC, info.compress_size, info.file_size)


def zip_check(file: IO[bytes], limits: ArchiveLimits, *, depth: int = 0) -> int:
    """Check a ZIP against the limits without inflating it; its declared size (archives inside included).

    Raises ArchiveRefused over a limit and ArchiveDamaged when it cannot be read."""
    entries, directory_size = _directory_entries(file)
    if entries > limits.members or directory_size > limits.members * DIRECTORY_BYTES_PER_MEMBER:
        raise _too_many(limits)
    try:
        with zipfile.ZipFile(file) as archive:
            return _members_check(file, archive, limits, depth)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ArchiveDamaged(str(exc)) from exc


def _members_check(file: IO[bytes], archive: zipfile.ZipFile, limits: ArchiveLimits, depth: int) -> int:
    members = archive.infolist()
    if len(members) > limits.members:
        raise _too_many(limits)
    total = sum(member.file_size for member in members)
    if total > limits.total_bytes:
        raise _too_large(limits)
    for member in members:
        if member.flag_bits & 0x1:
            raise _encrypted()
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > limits.ratio * member.compress_size:
            raise _too_compressed(limits)
        if not _local_header_agrees(file, member):
            raise ArchiveDamaged(f"{member.filename}: the local header differs from the central directory")
    nested_budget = limits.nested_bytes
    for member in members:
        if member.is_dir() or member.file_size == 0:
            continue
        with archive.open(member) as content:
            head = content.read(PEEK_BYTES)  # inflates at most one block
        if head.startswith(OTHER_ARCHIVE_MAGIC) or (head.startswith(b"BZh") and head[4:10] == b"1AY&SY"):
            raise _nested(_("The archive holds another kind of archive, which cannot be checked."))
        if not head.startswith(ZIP_MAGIC):
            continue
        if depth > 0:
            raise _nested(_("The archive holds an archive that holds another archive."))
        nested_budget -= member.file_size
        if nested_budget < 0:
            message = _("The archives inside the archive are larger than {mb} MB in all.")
            raise _nested(message.format(mb=limits.nested_bytes // MIB))
        with tempfile.SpooledTemporaryFile(max_size=MIB) as inner, archive.open(member) as content:
            inflate(content, inner, member.file_size)
            total += zip_check(inner, limits, depth=depth + 1)
        if total > limits.total_bytes:
            raise _too_large(limits)
    return total


def inflate(source: IO[bytes], target: IO[bytes], declared: int) -> int:
    """Copy a member out, refusing it as soon as more bytes come out than its declared size; the bytes copied."""
    copied = 0
    while block := source.read(64 * 1024):
        copied += len(block)
        if copied > declared:
            raise ArchiveRefused(_("A file in the archive unpacks to more than it declares."), code="archive_too_large")
        target.write(block)
    return copied


def rar_check(file: IO[bytes], limits: ArchiveLimits) -> int:
    """Check a RAR against the limits from its headers alone (rarfile reads them without unrar); its declared size.

    Archives inside are found by their names only, as reading their content would need unrar."""
    try:
        archive = rarfile.RarFile(file)
        members = archive.infolist()
    except rarfile.PasswordRequired as exc:
        raise _encrypted() from exc
    except (rarfile.Error, OSError, EOFError, ValueError, struct.error) as exc:
        raise ArchiveDamaged(str(exc)) from exc
    if len(members) > limits.members:
        raise _too_many(limits)
    total = 0
    for member in members:
        size, compressed = member.file_size or 0, member.compress_size or 0
        if member.needs_password():
            raise _encrypted()
        if size < 0 or compressed < 0:
            raise ArchiveDamaged(f"{member.filename}: no declared size")
        total += size
        if total > limits.total_bytes:
            raise _too_large(limits)
        if size > RATIO_FLOOR_BYTES and size > limits.ratio * compressed:
            raise _too_compressed(limits)
        if (member.filename or "").lower().endswith(ARCHIVE_SUFFIXES):
            raise _nested(_("The archive holds another archive, which cannot be checked."))
    return total
