"""Files of supply listings through the API: photos and documents checked by content with their limits, videos in
ordered chunks, deleting files, and who may fetch them."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client, override_settings

from accounts.tests.factories import reviewer_create, user_create
from core.tests import samples
from market.models import ChunkedUpload, SupplyAttachment, SupplyListing
from market.tests import factories
from market.tests.test_supply_helpers import (
    API,
    create_draft,
    image_bytes,
    logged_in,
    mp4_bytes,
    noise_png,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db
S = SupplyListing.Status
K = SupplyAttachment.Kind
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield tmp_path


@pytest.fixture
def draft(regions, owner) -> int:
    return create_draft(logged_in(owner), region="510104")["id"]


def post_file(client: Client, listing_id: int, kind: str, name: str, content: bytes):
    return client.post(f"{API}/supply/{listing_id}/attachments/", {"kind": kind, "file": upload(name, content)})


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


# ------------------------------------------------------------------------------------------------ photos


@pytest.mark.parametrize(
    ("name", "fmt", "content_type"),
    [
        ("a.png", "PNG", "image/png"),
        ("b.jpg", "JPEG", "image/jpeg"),
        ("c.jpeg", "JPEG", "image/jpeg"),
        ("d.gif", "GIF", "image/gif"),
    ],
)
def test_a_photo_is_accepted_by_its_content(owner, draft, media, name, fmt, content_type):
    content = image_bytes(fmt)

    response = post_file(logged_in(owner), draft, K.PHOTO, name, content)

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["original_name"], body["content_type"], body["size"]) == (
        "photo",
        name,
        content_type,
        len(content),
    )
    attachment = SupplyAttachment.objects.get(pk=body["id"])
    assert Path(attachment.file.path).read_bytes() == content
    assert Path(str(attachment.file.name)).name != name  # stored under a random name


def test_a_sixth_photo_is_refused(owner, draft):
    client = logged_in(owner)
    for index in range(5):
        assert post_file(client, draft, K.PHOTO, f"{index}.png", image_bytes()).status_code == 201

    response = post_file(client, draft, K.PHOTO, "6.png", image_bytes())

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "too_many_files"
    assert SupplyAttachment.objects.filter(listing_id=draft, kind=K.PHOTO).count() == 5


def test_a_photo_over_8_mb_is_refused(owner, draft, media):
    big = noise_png(9 * MB)
    assert len(big) > 9 * MB

    response = post_file(logged_in(owner), draft, K.PHOTO, "big.png", big)

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"][0]["code"] == "file_too_large"
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("kind", "name", "content"),
    [
        pytest.param(K.PHOTO, "cut.jpg", image_bytes("JPEG", (400, 300))[:600], id="truncated-jpeg"),
        pytest.param(K.PHOTO, "photo.pdf", image_bytes("PNG"), id="png-named-pdf"),
        pytest.param(K.CONTRACT, "contract.pdf", image_bytes("PNG"), id="document-pdf-that-is-a-png"),
        pytest.param(K.PHOTO, "doc.png", pdf_bytes(), id="pdf-as-photo"),
        pytest.param(K.CONTRACT, "contract.pdf", pdf_bytes()[:-7], id="truncated-pdf"),
        pytest.param(K.OTHER, "notes.txt", b"just some text\n", id="plain-text"),
        pytest.param(K.OTHER, "page.html", b"<html><script>alert(1)</script></html>", id="html"),
        pytest.param(K.CONTRACT, "contract.zip", b"PK\x03\x04" + b"\x00" * 60, id="corrupt-zip"),
    ],
)
def test_a_wrong_mislabelled_or_corrupt_file_is_refused(owner, draft, media, kind, name, content):
    response = post_file(logged_in(owner), draft, kind, name, content)

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"][0]["code"] == "file_type"
    assert not SupplyAttachment.objects.exists()
    assert stored_files(media) == []


# ------------------------------------------------------------------------------------------------ documents


def test_documents_of_every_accepted_type_are_kept(owner, draft):
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("scan.txt", "扫描件")
    client = logged_in(owner)

    responses = [
        post_file(client, draft, K.IDENTITY_PROOF, "id.pdf", pdf_bytes()),
        post_file(client, draft, K.CONTRACT, "contract.zip", archive.getvalue()),
        post_file(client, draft, K.TITLE_CERTIFICATE, "cert.jpg", image_bytes("JPEG")),
        post_file(client, draft, K.OTHER, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
    ]

    assert [r.status_code for r in responses] == [201] * 4
    assert [r.json()["content_type"] for r in responses] == [
        "application/pdf",
        "application/zip",
        "image/jpeg",
        "application/msword",
    ]


def test_a_png_is_not_an_accepted_document(owner, draft):
    response = post_file(logged_in(owner), draft, K.CONTRACT, "scan.png", image_bytes("PNG"))

    assert response.json()["error"]["fields"]["file"][0]["code"] == "file_type"


@override_settings(MARKET_DOCUMENT_MAX_BYTES=1024)
def test_a_document_over_the_limit_is_refused(owner, draft):
    response = post_file(logged_in(owner), draft, K.CONTRACT, "contract.pdf", pdf_bytes() + b" " * 1024)

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"][0]["code"] == "file_too_large"


def test_a_video_cannot_be_sent_in_one_request(owner, draft):
    response = post_file(logged_in(owner), draft, K.VIDEO, "v.mp4", mp4_bytes(1000))

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["kind"][0]["code"] == "chunked_upload_required"


def test_files_cannot_be_added_to_a_listing_in_review(regions, owner):
    listing = factories.supply_create(owner=owner, region=regions["510104"], status=S.IN_REVIEW)

    response = post_file(logged_in(owner), listing.pk, K.PHOTO, "a.png", image_bytes())

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_editable"
    assert not SupplyAttachment.objects.exists()


def test_files_cannot_be_added_to_another_users_listing(draft, seeker):
    response = post_file(logged_in(seeker), draft, K.PHOTO, "a.png", image_bytes())

    assert response.status_code == 404


def test_an_unverified_user_cannot_upload(draft):
    response = post_file(logged_in(user_create(verified=False)), draft, K.PHOTO, "a.png", image_bytes())

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_required"


def test_the_owner_deletes_a_file_of_a_draft_and_the_stored_file_goes(
    owner, draft, media, django_capture_on_commit_callbacks
):
    client = logged_in(owner)
    attachment_id = post_file(client, draft, K.PHOTO, "a.png", image_bytes()).json()["id"]
    path = Path(SupplyAttachment.objects.get(pk=attachment_id).file.path)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"{API}/supply/attachments/{attachment_id}/")

    assert response.status_code == 204
    assert not SupplyAttachment.objects.exists()
    assert not path.exists()


def test_files_of_a_published_listing_cannot_be_deleted(regions, owner, media):
    listing = factories.supply_create(owner=owner, region=regions["510104"], status=S.PUBLISHED)
    attachment = SupplyAttachment.objects.create(
        listing=listing, kind=K.PHOTO, file="supply/x.png", original_name="x.png", content_type="image/png", size=1,
        uploaded_by=owner,
    )  # fmt: skip

    response = logged_in(owner).delete(f"{API}/supply/attachments/{attachment.pk}/")

    assert response.status_code == 409
    assert SupplyAttachment.objects.filter(pk=attachment.pk).exists()


# ------------------------------------------------------------------------------------------------ who fetches files


@pytest.fixture
def published_with_files(regions, owner):
    """A published listing in 锦江区 with a photo and a title certificate, uploaded while it was a draft."""
    client = logged_in(owner)
    listing_id = create_draft(client, region="510104")["id"]
    photo = post_file(client, listing_id, K.PHOTO, "site.png", image_bytes()).json()["id"]
    document = post_file(client, listing_id, K.TITLE_CERTIFICATE, "cert.pdf", pdf_bytes()).json()["id"]
    SupplyListing.objects.filter(pk=listing_id).update(status=S.PUBLISHED)
    return listing_id, photo, document


def test_anyone_fetches_the_photos_of_a_public_listing_but_not_its_documents(published_with_files):
    listing_id, photo, document = published_with_files
    visitor = Client()

    photo_response = visitor.get(f"{API}/supply/attachments/{photo}/")
    document_response = visitor.get(f"{API}/supply/attachments/{document}/")

    assert photo_response.status_code == 200
    assert photo_response["Content-Type"] == "image/png"
    assert photo_response.getvalue() == image_bytes()
    assert document_response.status_code == 404
    listed = [a["id"] for a in visitor.get(f"{API}/supply/{listing_id}/").json()["attachments"]]
    assert listed == [photo]


def test_the_owner_and_a_reviewer_in_scope_fetch_documents_as_downloads(published_with_files, owner, reviewer):
    _listing_id, _photo, document = published_with_files

    for user in (owner, reviewer):
        response = logged_in(user).get(f"{API}/supply/attachments/{document}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")


def test_a_reviewer_out_of_scope_and_other_users_do_not_get_documents(published_with_files, seeker):
    _listing_id, _photo, document = published_with_files
    outsider = reviewer_create(regions=["510700"])

    assert logged_in(outsider).get(f"{API}/supply/attachments/{document}/").status_code == 404
    assert logged_in(seeker).get(f"{API}/supply/attachments/{document}/").status_code == 404


def test_the_photos_of_a_draft_are_private(owner, draft, seeker):
    photo = post_file(logged_in(owner), draft, K.PHOTO, "a.png", image_bytes()).json()["id"]

    assert Client().get(f"{API}/supply/attachments/{photo}/").status_code == 404
    assert logged_in(seeker).get(f"{API}/supply/attachments/{photo}/").status_code == 404
    assert logged_in(owner).get(f"{API}/supply/attachments/{photo}/").status_code == 200


# ------------------------------------------------------------------------------------------------ videos in chunks


def start_video(client: Client, listing_id: int, size: int, filename: str = "site.mp4"):
    return client.post(
        f"{API}/supply/{listing_id}/uploads/",
        {"kind": "video", "filename": filename, "size": size},
        content_type="application/json",
    )


def put_chunk(client: Client, upload_id: str, content: bytes, start: int, total: int):
    end = start + len(content) - 1
    return client.put(
        f"{API}/uploads/{upload_id}/",
        content,
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE=f"bytes {start}-{end}/{total}",
    )


def send_in_chunks(client: Client, upload_id: str, content: bytes, chunk: int) -> list:
    return [
        put_chunk(client, upload_id, content[start : start + chunk], start, len(content))
        for start in range(0, len(content), chunk)
    ]


def test_a_real_mp4_sent_in_chunks_becomes_the_listings_video(owner, draft, media):
    client = logged_in(owner)
    video = mp4_bytes(300_000)
    started = start_video(client, draft, len(video))
    assert started.status_code == 201
    upload_id = started.json()["id"]

    responses = send_in_chunks(client, upload_id, video, 100_000)

    assert [r.status_code for r in responses] == [200] * 4
    assert [r.json()["received"] for r in responses] == [100_000, 200_000, 300_000, len(video)]
    assert [r.json()["attachment"] is None for r in responses] == [True, True, True, False]
    attachment = SupplyAttachment.objects.get(pk=responses[-1].json()["attachment"]["id"])
    assert (attachment.kind, attachment.content_type, attachment.size) == ("video", "video/mp4", len(video))
    assert Path(attachment.file.path).read_bytes() == video
    assert ChunkedUpload.objects.get(pk=upload_id).status == ChunkedUpload.Status.COMPLETE
    assert not list((media / "uploads" / "partial").iterdir())  # the partial file became the video


def test_a_chunk_out_of_order_is_refused_and_nothing_is_written(owner, draft, media):
    client = logged_in(owner)
    video = mp4_bytes(50_000)
    upload_id = start_video(client, draft, len(video)).json()["id"]
    put_chunk(client, upload_id, video[:10_000], 0, len(video))

    skipped = put_chunk(client, upload_id, video[20_000:30_000], 20_000, len(video))
    repeated = put_chunk(client, upload_id, video[:10_000], 0, len(video))

    assert (skipped.status_code, repeated.status_code) == (409, 409)
    assert skipped.json()["error"]["code"] == "out_of_order"
    upload_row = ChunkedUpload.objects.get(pk=upload_id)
    assert upload_row.received == 10_000
    assert os.path.getsize(media / upload_row.path) == 10_000


def test_a_completed_upload_that_is_not_an_mp4_is_deleted_with_a_400(
    owner, draft, media, django_capture_on_commit_callbacks
):
    client = logged_in(owner)
    fake = image_bytes("PNG", (64, 64))
    upload_id = start_video(client, draft, len(fake)).json()["id"]
    partial = media / ChunkedUpload.objects.get(pk=upload_id).path

    with django_capture_on_commit_callbacks(execute=True):
        response = put_chunk(client, upload_id, fake, 0, len(fake))

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"][0]["code"] == "file_type"
    assert not ChunkedUpload.objects.filter(pk=upload_id).exists()
    assert not partial.exists()
    assert not SupplyAttachment.objects.exists()


def test_a_truncated_mp4_is_refused_when_its_last_byte_arrives(owner, draft):
    client = logged_in(owner)
    video = mp4_bytes(1000)
    cut = video[:-1]
    upload_id = start_video(client, draft, len(cut)).json()["id"]

    response = put_chunk(client, upload_id, cut, 0, len(cut))

    assert response.json()["error"]["fields"]["file"][0]["code"] == "file_type"


def test_a_video_over_300_mb_or_not_named_mp4_is_refused_at_the_start(owner, draft):
    client = logged_in(owner)

    big = start_video(client, draft, 300 * MB + 1)
    avi = start_video(client, draft, 1000, filename="site.avi")

    assert big.json()["error"]["fields"]["size"][0]["code"] == "file_too_large"
    assert avi.json()["error"]["fields"]["filename"][0]["code"] == "file_type"
    assert not ChunkedUpload.objects.exists()


def test_a_fourth_video_is_refused(owner, draft):
    client = logged_in(owner)
    video = mp4_bytes(1000)
    for _ in range(3):
        upload_id = start_video(client, draft, len(video)).json()["id"]
        assert put_chunk(client, upload_id, video, 0, len(video)).status_code == 200

    response = start_video(client, draft, len(video))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "too_many_files"
    assert SupplyAttachment.objects.filter(kind=K.VIDEO).count() == 3


def test_a_chunk_over_8_mb_is_refused(owner, draft):
    client = logged_in(owner)
    upload_id = start_video(client, draft, 20 * MB).json()["id"]

    response = put_chunk(client, upload_id, bytes(8 * MB + 1), 0, 20 * MB)

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["Content-Range"][0]["code"] == "chunk_too_large"
    assert ChunkedUpload.objects.get(pk=upload_id).received == 0


@pytest.mark.parametrize(
    ("header", "code"),
    [(None, "invalid"), ("bytes 0-9", "invalid"), ("bytes 9-0/100", "invalid"), ("bytes 0-9/99", "size_mismatch")],
)
def test_a_bad_content_range_is_refused(owner, draft, header, code):
    client = logged_in(owner)
    upload_id = start_video(client, draft, 100).json()["id"]
    extra = {"HTTP_CONTENT_RANGE": header} if header else {}

    response = client.put(f"{API}/uploads/{upload_id}/", bytes(10), content_type="application/octet-stream", **extra)

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["Content-Range"][0]["code"] == code


def test_a_body_shorter_than_its_range_is_refused(owner, draft, media):
    client = logged_in(owner)
    upload_id = start_video(client, draft, 100).json()["id"]

    response = client.put(
        f"{API}/uploads/{upload_id}/",
        bytes(5),
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE="bytes 0-9/100",
    )

    assert response.status_code == 400
    assert ChunkedUpload.objects.get(pk=upload_id).received == 0


def test_another_users_upload_is_not_found(owner, draft, seeker):
    upload_id = start_video(logged_in(owner), draft, 100).json()["id"]

    response = put_chunk(logged_in(seeker), upload_id, bytes(10), 0, 100)

    assert response.status_code == 404
    assert ChunkedUpload.objects.get(pk=upload_id).received == 0


def test_only_videos_are_uploaded_in_chunks(owner, draft):
    response = logged_in(owner).post(
        f"{API}/supply/{draft}/uploads/",
        {"kind": "photo", "filename": "a.png", "size": 10},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["kind"][0]["code"] == "invalid_choice"


@override_settings(MARKET_DOCUMENT_MAX_BYTES=1024, MARKET_PHOTO_MAX_BYTES=1024)
def test_a_body_larger_than_any_accepted_file_is_refused_before_it_is_read(owner, draft, media):
    response = post_file(logged_in(owner), draft, K.CONTRACT, "big.pdf", pdf_bytes() + bytes(200 * 1024))

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"][0]["code"] == "file_too_large"
    assert stored_files(media) == []


def test_a_file_lost_from_storage_is_404_not_an_error(owner, draft):
    client = logged_in(owner)
    photo = post_file(client, draft, K.PHOTO, "a.png", image_bytes()).json()["id"]
    Path(SupplyAttachment.objects.get(pk=photo).file.path).unlink()

    response = client.get(f"{API}/supply/attachments/{photo}/")

    assert response.status_code == 404


# ------------------------------------------------------------------------------------------------ bombs


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        pytest.param("contract.zip", samples.zip_bomb(), "archive_too_large", id="zip-of-1-gib"),
        pytest.param("contract.zip", samples.zip_of({"zeros.bin": bytes(4 * MB)}), "archive_ratio", id="zip-ratio"),
        pytest.param(
            "contract.zip", samples.zip_of({f"{i}.txt": b"x" for i in range(1001)}), "archive_too_many_files", id="1001"
        ),
        pytest.param(
            "contract.docx", samples.docx_of(b"<w:t>" + b" " * 8 * MB + b"</w:t>"), "archive_ratio", id="docx-bomb"
        ),
        pytest.param(
            "contract.zip",
            samples.zip_of({"a.zip": samples.zip_of({"b.zip": samples.zip_of({"c.txt": b"c"})})}),
            "archive_nested",
            id="nested-twice",
        ),
        pytest.param(
            "contract.zip", samples.encrypted(samples.zip_of({"a.txt": b"secret"})), "archive_encrypted", id="encrypted"
        ),
        pytest.param(
            "contract.rar",
            samples.rar4("zeros.bin", b"x" * 20_000, declared_size=samples.GIB, method=0x33),
            "archive_too_large",
            id="rar-declaring-1-gib",
        ),
    ],
)
def test_an_archive_bomb_is_refused_by_its_directory_and_nothing_is_stored(owner, draft, media, name, content, code):
    response = post_file(logged_in(owner), draft, K.CONTRACT, name, content)

    assert response.status_code == 400
    [error] = response.json()["error"]["fields"]["file"]
    assert error["code"] == code
    assert not SupplyAttachment.objects.exists()
    assert stored_files(media) == []


def test_an_archive_refusal_is_in_chinese_by_default(owner, draft):
    client = logged_in(owner)
    client.defaults.pop("HTTP_ACCEPT_LANGUAGE")

    response = post_file(client, draft, K.CONTRACT, "contract.zip", samples.zip_bomb())

    assert response.json()["error"]["fields"]["file"][0]["message"] == "压缩包解压后超过 512 MB。"


def test_a_pdf_header_and_trailer_around_junk_is_refused(owner, draft, media):
    fake = b"%PDF-1.7\n" + bytes(range(256)) * 400 + b"\ntrailer<</Root 1 0 R>>\nstartxref\n9\n%%EOF\n"

    response = post_file(logged_in(owner), draft, K.CONTRACT, "contract.pdf", fake)

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"][0]["code"] == "file_type"
    assert stored_files(media) == []


def test_archives_and_pdfs_within_the_limits_are_kept(owner, draft):
    client = logged_in(owner)
    contracts = samples.zip_of({"合同.docx": samples.docx_of(), "scans.zip": samples.zip_of({"p1.txt": b"1"})})

    responses = [
        post_file(client, draft, K.CONTRACT, "contracts.zip", contracts),
        post_file(client, draft, K.CONTRACT, "contract.docx", samples.docx_of()),
        post_file(client, draft, K.CONTRACT, "scans.rar", samples.rar4("p1.txt", b"page one")),
        post_file(client, draft, K.CONTRACT, "contract.pdf", samples.pdf_bytes(pages=3)),
    ]

    assert [r.status_code for r in responses] == [201] * 4
    assert [r.json()["content_type"] for r in responses] == [
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.rar",
        "application/pdf",
    ]
