"""What an uploaded file is, by its content and never by its name, and whether it is whole.

`sniff` reads the first bytes (and for archives, images and PDFs the structure) and answers one of the kinds
below, or None for anything else, corrupt or truncated files and archives over the limits included. `examine` is
the same but says why an archive is refused (ArchiveRefused). Archives are judged by their directories without
being inflated (core.archives); a PDF must be one that pypdf opens, with at least one page.
"""

import zipfile
from typing import IO, Literal

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader

from core.archives import ArchiveDamaged, ArchiveRefused, rar_check, upload_limits, zip_check

Kind = Literal["jpg", "png", "gif", "pdf", "zip", "docx", "rar", "doc", "mp4"]
CONTENT_TYPES: dict[str, str] = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "rar": "application/vnd.rar",
    "doc": "application/msword",
    "mp4": "video/mp4",
}
MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"MSNV"}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(file: IO[bytes]) -> Kind | None:
    """The file's kind from its content, or None; the file is left at its start."""
    try:
        return examine(file)
    except ArchiveRefused:
        return None


def examine(file: IO[bytes]) -> Kind | None:
    """The file's kind from its content, or None; ArchiveRefused for an archive over the limits (UPLOAD_ARCHIVE_*)."""
    file.seek(0)
    head = file.read(64)
    file.seek(0)
    try:
        if head.startswith(b"\xff\xd8\xff"):
            return "jpg" if _image_whole(file, "JPEG") else None
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png" if _image_whole(file, "PNG") else None
        if head[:6] in (b"GIF87a", b"GIF89a"):
            return "gif" if _image_whole(file, "GIF") else None
        if head.startswith(b"%PDF-"):
            return "pdf" if _pdf_whole(file) else None
        if head.startswith(b"PK\x03\x04"):
            return _zip_kind(file)
        if head.startswith(b"Rar!\x1a\x07\x00") or head.startswith(b"Rar!\x1a\x07\x01\x00"):
            return "rar" if _rar_whole(file) else None
        if head.startswith(OLE2):
            return "doc"
        if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
            return "mp4" if _mp4_whole(file) else None
        return None
    finally:
        file.seek(0)


def _image_whole(file: IO[bytes], expected: str) -> bool:
    """Pillow parses the whole image (load decodes every pixel, so truncated data fails)."""
    try:
        with Image.open(file) as image:
            if image.format != expected:
                return False
            image.verify()
        file.seek(0)
        with Image.open(file) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def _pdf_whole(file: IO[bytes]) -> bool:
    """A PDF ends with %%EOF (a truncated upload does not), and pypdf reads its cross-reference table, trailer and
    page tree to at least one page (a header and a trailer around anything else are not a PDF). pypdf bounds the
    parse (pypdf.Configuration: page tree depth and size, stream lengths); one that needs a password is refused."""
    file.seek(0, 2)
    size = file.tell()
    file.seek(max(0, size - 1024))
    if b"%%EOF" not in file.read():
        return False
    file.seek(0)
    try:
        reader = PdfReader(file)
        if reader.is_encrypted and not reader.decrypt(""):
            return False
        return len(reader.pages) > 0
    except Exception:  # pypdf raises many kinds of errors on malformed input; each means "not a whole PDF"
        return False


def _zip_kind(file: IO[bytes]) -> Kind | None:
    """A ZIP archive within the limits, or a Word document (a ZIP with word/document.xml); None when damaged."""
    try:
        zip_check(file, upload_limits())
        file.seek(0)
        names = set(zipfile.ZipFile(file).namelist())
    except (ArchiveDamaged, zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    return "zip"


def _rar_whole(file: IO[bytes]) -> bool:
    """A RAR whose headers read and are within the limits."""
    try:
        rar_check(file, upload_limits())
    except ArchiveDamaged:
        return False
    return True


def _mp4_whole(file: IO[bytes]) -> bool:
    """The top-level boxes (size + type) tile the file exactly and include the movie header (moov)."""
    file.seek(0, 2)
    size = file.tell()
    position, seen_moov = 0, False
    while position < size:
        file.seek(position)
        header = file.read(16)
        if len(header) < 8:
            return False
        length = int.from_bytes(header[:4], "big")
        if length == 1:  # a 64-bit size follows the type
            if len(header) < 16:
                return False
            length = int.from_bytes(header[8:16], "big")
        elif length == 0:  # the box runs to the end of the file
            length = size - position
        if length < 8:
            return False
        seen_moov = seen_moov or header[4:8] == b"moov"
        position += length
    return position == size and seen_moov
