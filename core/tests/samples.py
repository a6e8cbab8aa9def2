"""Files made on the spot for the upload tests (no tests here): archive bombs, RARs written byte by byte, PDFs, PNGs."""

import functools
import io
import struct
import zipfile
import zlib

from PIL import Image

MIB = 1024 * 1024
GIB = 1024 * MIB


@functools.cache
def zip_bomb(name: str = "zeros.bin", size: int = GIB) -> bytes:
    """A ZIP of one member of `size` zero bytes, deflated in 8 MiB chunks: 1 GiB becomes 1,043,774 bytes."""
    buffer = io.BytesIO()
    chunk = bytes(8 * MIB)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w", force_zip64=True) as member,
    ):
        for _ in range(size // len(chunk)):
            member.write(chunk)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_of(document: bytes = b"<w:document/>") -> bytes:
    """A Word document as ZIP containers go: [Content_Types].xml and word/document.xml."""
    return zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": document})


def encrypted(archive: bytes) -> bytes:
    """The ZIP with the "encrypted" flag (bit 0) set in every local and central header, as a password tool leaves it."""
    data = bytearray(archive)
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + flags_at] |= 0x01
            at = data.find(signature, at + 4)
    return bytes(data)


def rar4(name: str, data: bytes, *, declared_size: int | None = None, method: int = 0x30) -> bytes:
    """A RAR 4.x archive of one file, as the format's technote lays it out: marker, main header, file header
    (pack size, unpacked size, host OS, CRC32, DOS time, version 2.9, method, name length, attributes, name), data,
    end block; each header's CRC is the low 16 bits of the CRC32 of the header after its CRC field.
    `declared_size` lets the header claim another unpacked size (method 0x33 = "normal" compression)."""

    def block(kind: int, flags: int, body: bytes) -> bytes:
        head = struct.pack("<BHH", kind, flags, 7 + len(body)) + body
        return struct.pack("<H", zlib.crc32(head) & 0xFFFF) + head

    encoded = name.encode()
    unpacked = len(data) if declared_size is None else declared_size
    file_body = struct.pack(
        "<LLBLLBBHL", len(data), unpacked, 2, zlib.crc32(data), 0x5A210000, 29, method, len(encoded), 0x20
    )
    return (
        b"Rar!\x1a\x07\x00"
        + block(0x73, 0, bytes(6))
        + block(0x74, 0x8000, file_body + encoded)
        + data
        + block(0x7B, 0x4000, b"")
    )


def pdf_bytes(pages: int = 1, padding: int = 0) -> bytes:
    """A whole PDF of `pages` empty A4 pages with its cross-reference table (offsets computed) and a comment line of
    `padding` bytes after the header; its length grows by exactly `padding` (offsets are written in 10 digits)."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", f"<</Type/Pages/Kids[{kids}]/Count {pages}>>".encode()]
    objects += [b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"] * pages
    out = bytearray(b"%PDF-1.4\n%" + b"0" * padding + b"\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref:010d}\n%%EOF\n".encode()
    return bytes(out)


def png_bytes(size: tuple[int, int] = (120, 76), colour: tuple[int, int, int] = (40, 90, 160)) -> bytes:
    """A whole PNG image of one colour (an ID card's proportions by default)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()
