"""What an upload is by its content (core.filetypes): PDFs read beyond header and trailer, archives within limits."""

import io

import pytest
from pypdf import PdfWriter

from core.archives import ArchiveRefused
from core.filetypes import examine, sniff
from core.tests.samples import GIB, MIB, docx_of, pdf_bytes, rar4, zip_bomb, zip_of


def written_pdf(user_password: str | None = None, owner_password: str | None = None) -> bytes:
    """A one-page PDF written by pypdf, encrypted (AES-256) when passwords are given."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(pdf_bytes(), id="minimal-one-page"),
        pytest.param(pdf_bytes(pages=3, padding=4096), id="three-pages"),
        pytest.param(written_pdf(), id="written-by-pypdf"),
        pytest.param(written_pdf(user_password="", owner_password="owner"), id="restricted-opens-without-password"),
    ],
)
def test_a_whole_pdf_with_pages_is_a_pdf(content):
    assert sniff(io.BytesIO(content)) == "pdf"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"%PDF-1.7\n" + bytes(range(256)) * 400 + b"\n%%EOF\n", id="header-and-trailer-around-junk"),
        pytest.param(
            b"%PDF-1.4\n" + b"junk " * 2000 + b"\ntrailer<</Root 1 0 R>>\nstartxref\n9\n%%EOF\n",
            id="trailer-naming-a-missing-catalog",
        ),
        pytest.param(
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", id="no-xref-no-pages"
        ),
        pytest.param(pdf_bytes(pages=0), id="no-pages"),
        pytest.param(pdf_bytes()[:-7], id="truncated"),
        pytest.param(written_pdf(user_password="user", owner_password="owner"), id="needs-a-password"),
    ],
)
def test_a_pdf_that_pypdf_cannot_read_to_a_page_is_not_a_pdf(content):
    assert sniff(io.BytesIO(content)) is None


def test_a_word_document_is_a_docx_and_a_plain_zip_a_zip():
    assert sniff(io.BytesIO(docx_of())) == "docx"
    assert sniff(io.BytesIO(zip_of({"scan.txt": "扫描件".encode()}))) == "zip"


def test_a_rar_within_the_limits_is_a_rar():
    assert sniff(io.BytesIO(rar4("scan.txt", b"hello"))) == "rar"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        pytest.param(zip_bomb(), "archive_too_large", id="zip-1gib"),
        pytest.param(docx_of(b"<w:t>" + b" " * 8 * MIB + b"</w:t>"), "archive_ratio", id="docx-ratio"),
        pytest.param(rar4("zeros.bin", b"x" * 20_000, declared_size=GIB, method=0x33), "archive_too_large", id="rar"),
    ],
)
def test_an_archive_over_the_limits_is_explained_by_examine_and_none_to_sniff(content, code):
    with pytest.raises(ArchiveRefused) as refused:
        examine(io.BytesIO(content))

    assert refused.value.code == code
    assert sniff(io.BytesIO(content)) is None


def test_the_archive_limits_come_from_the_settings(settings):
    settings.UPLOAD_ARCHIVE_MAX_MEMBERS = 2
    three = zip_of({"a": b"a", "b": b"b", "c": b"c"})

    with pytest.raises(ArchiveRefused) as refused:
        examine(io.BytesIO(three))

    assert refused.value.code == "archive_too_many_files"
    assert "2" in str(refused.value.message)
