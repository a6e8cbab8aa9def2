"""Policy documents (政策法规) through the API: staff writes, publication, attachments checked by content, the public
list and detail; the body is text, stored and returned verbatim, never HTML."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone
from PIL import Image

from accounts.models import User
from accounts.tests.factories import user_create
from core.errors import PermissionDenied
from core.tests import samples
from market.models import PolicyDocument
from market.services.policies import ATTACHMENT_MAX_BYTES, policy_create

pytestmark = pytest.mark.django_db
PDF = samples.pdf_bytes()  # one page, with its cross-reference table
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff() -> User:
    return user_create(role=User.Role.CENTRE_STAFF, real_name="交易中心")


def document(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "关于完善建设用地使用权转让、出租、抵押二级市场的指导意见",
        "category": "national",
        "issuer": "国务院办公厅",
        "document_number": "国办发〔2019〕34号",
        "body": "为完善建设用地使用权转让、出租、抵押二级市场……\n一、总体要求",
    } | overrides


def create(client: Client, **overrides: Any) -> Any:
    data = document(**overrides)
    if "attachment" in data:
        return client.post("/api/market/policies/", data, HTTP_ACCEPT_LANGUAGE="en")  # multipart
    return client.post("/api/market/policies/", data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def published(staff: User, **overrides: Any) -> PolicyDocument:
    values = document(**overrides)
    values.setdefault("published_at", timezone.now())
    return PolicyDocument.objects.create(created_by=staff, **values)


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["results"]]


# ------------------------------------------------------------------------------ who may write


def test_centre_staff_create_an_unpublished_document(client: Client, staff: User):
    client.force_login(staff)

    response = create(client)

    assert response.status_code == 201
    body = response.json()
    assert (body["is_published"], body["published_at"], body["attachment_url"]) == (False, None, None)
    assert PolicyDocument.objects.get(pk=body["id"]).created_by == staff
    assert client.get("/api/market/policies/").json()["count"] == 0
    assert client.get(f"/api/market/policies/{body['id']}/").status_code == 404
    assert ids(client.get("/api/market/staff/policies/")) == [body["id"]]


def test_an_administrator_may_write_too(client: Client):
    client.force_login(user_create(role=User.Role.ADMIN))

    assert create(client).status_code == 201


@pytest.mark.parametrize("role", [User.Role.USER, User.Role.REVIEWER])
def test_other_roles_are_refused_with_403(client: Client, staff: User, role: str):
    existing = published(staff)
    client.force_login(user_create(role=role))

    responses = [
        create(client),
        client.patch(f"/api/market/policies/{existing.pk}/", {"title": "x"}, content_type="application/json"),
        client.delete(f"/api/market/policies/{existing.pk}/"),
        client.post(f"/api/market/policies/{existing.pk}/unpublish/"),
        client.get("/api/market/staff/policies/"),
    ]

    assert [r.status_code for r in responses] == [403] * 5
    assert {r.json()["error"]["code"] for r in responses} == {"permission_denied"}
    assert PolicyDocument.objects.get().title == existing.title
    assert PolicyDocument.objects.get().published_at is not None


def test_an_anonymous_caller_must_sign_in(client: Client):
    assert create(client).status_code == 401
    assert not PolicyDocument.objects.exists()


def test_the_service_checks_the_role_itself(seeker: User):
    with pytest.raises(PermissionDenied):
        policy_create(acting_user=seeker, title="x", category="law", body="y")
    assert not PolicyDocument.objects.exists()


# ------------------------------------------------------------------------------ input


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"title": "政" * 10_000}, "title", "max_length"),
        ({"title": "政" * 201}, "title", "max_length"),
        ({"title": ""}, "title", "blank"),
        ({"category": "rumour"}, "category", "invalid_choice"),
        ({"issuer": "x" * 10_000}, "issuer", "max_length"),
        ({"document_number": "x" * 65}, "document_number", "max_length"),
        ({"body": ""}, "body", "blank"),
    ],
)
def test_bad_input_is_400_naming_the_field(
    client: Client, staff: User, overrides: dict[str, Any], field: str, code: str
):
    client.force_login(staff)

    response = create(client, **overrides)

    assert response.status_code == 400
    assert [e["code"] for e in response.json()["error"]["fields"][field]] == [code]
    assert not PolicyDocument.objects.exists()


def test_a_title_of_200_characters_and_a_long_body_are_accepted(client: Client, staff: User):
    client.force_login(staff)

    response = create(client, title="政" * 200, body="条" * 50_000)

    assert response.status_code == 201
    assert len(PolicyDocument.objects.get().body) == 50_000


def test_the_body_is_stored_and_returned_verbatim_never_as_html(client: Client, staff: User):
    client.force_login(staff)
    body = '<script>alert("x")</script>\n<p onclick="y">第一条</p> &lt;已转义&gt;  '
    created = create(client, body=body).json()
    client.post(f"/api/market/policies/{created['id']}/publish/")
    client.logout()

    response = client.get(f"/api/market/policies/{created['id']}/")

    assert PolicyDocument.objects.get().body == body
    assert response["Content-Type"] == "application/json"
    assert response.json()["body"] == body


# ------------------------------------------------------------------------------ attachments


@pytest.mark.parametrize(("content", "kind", "content_type"), [
    (PDF, "pdf", "application/pdf"),
    (DOC, "doc", "application/msword"),
    (docx(), "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])  # fmt: skip
def test_pdf_doc_and_docx_attachments_are_kept_under_a_random_name_and_downloaded(
    client: Client, staff: User, content: bytes, kind: str, content_type: str
):
    client.force_login(staff)

    created = create(client, attachment=SimpleUploadedFile("通知.bin", content, "application/octet-stream"))

    assert created.status_code == 201, created.json()
    name = PolicyDocument.objects.get().attachment.name or ""
    assert name.startswith("policies/")
    assert name.endswith(f".{kind}")
    assert "通知" not in name
    client.post(f"/api/market/policies/{created.json()['id']}/publish/")
    client.logout()
    download = client.get(created.json()["attachment_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.getvalue() == content


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("notice.pdf", png(), "invalid_file_type"),  # a picture named like a PDF
        ("notice.pdf", PDF[:-7], "invalid_file_type"),  # truncated: no %%EOF
        ("notice.pdf", b"<html>not a pdf</html>", "invalid_file_type"),
        ("notice.zip", zipfile.ZipFile.__name__.encode(), "invalid_file_type"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * ATTACHMENT_MAX_BYTES + b"\n%%EOF\n", "file_too_large"),
    ],
)
def test_other_files_are_refused_and_nothing_is_saved(
    client: Client, staff: User, media: Path, name: str, content: bytes, code: str
):
    client.force_login(staff)

    response = create(client, attachment=SimpleUploadedFile(name, content))

    assert response.status_code == 400
    assert [e["code"] for e in response.json()["error"]["fields"]["attachment"]] == [code]
    assert not PolicyDocument.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_an_attachment_is_replaced_or_removed_and_the_old_file_deleted_on_commit(
    client: Client, staff: User, media: Path, django_capture_on_commit_callbacks: Any
):
    client.force_login(staff)
    created = create(client, attachment=SimpleUploadedFile("a.pdf", PDF)).json()
    first = media / (PolicyDocument.objects.get().attachment.name or "-")

    with django_capture_on_commit_callbacks(execute=True):
        replaced = client.patch(
            f"/api/market/policies/{created['id']}/",
            encode_multipart(BOUNDARY, {"attachment": SimpleUploadedFile("b.docx", docx())}),
            content_type=MULTIPART_CONTENT,
        )
    second = media / (PolicyDocument.objects.get().attachment.name or "-")

    assert replaced.status_code == 200, replaced.json()
    assert (first.exists(), second.exists(), second.suffix) == (False, True, ".docx")

    with django_capture_on_commit_callbacks(execute=True):
        removed = client.patch(
            f"/api/market/policies/{created['id']}/", {"remove_attachment": True}, content_type="application/json"
        )

    assert (removed.status_code, removed.json()["attachment_url"]) == (200, None)
    assert not second.exists()


# ------------------------------------------------------------------------------ publication and the public list


def test_publishing_and_unpublishing(client: Client, staff: User):
    client.force_login(staff)
    created = create(client).json()
    path = f"/api/market/policies/{created['id']}/"

    publish = client.post(path + "publish/")
    again = client.post(path + "publish/")
    visible = client.get(path).status_code
    unpublish = client.post(path + "unpublish/")
    hidden = client.get(path).status_code
    unpublish_again = client.post(path + "unpublish/")

    assert (publish.status_code, publish.json()["is_published"]) == (200, True)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "transition_not_allowed")
    assert (visible, hidden) == (200, 404)
    assert (unpublish.status_code, unpublish.json()["published_at"]) == (200, None)
    assert (unpublish_again.status_code, unpublish_again.json()["error"]["code"]) == (409, "transition_not_allowed")


def test_staff_edit_and_delete(client: Client, staff: User):
    existing = published(staff)
    client.force_login(staff)

    edited = client.patch(
        f"/api/market/policies/{existing.pk}/",
        {"title": "新标题", "category": "local"},
        content_type="application/json",
    )
    bad = client.patch(f"/api/market/policies/{existing.pk}/", {"title": "x" * 201}, content_type="application/json")
    deleted = client.delete(f"/api/market/policies/{existing.pk}/")

    assert (edited.status_code, edited.json()["title"], edited.json()["category"]) == (200, "新标题", "local")
    assert bad.status_code == 400
    assert deleted.status_code == 204
    assert not PolicyDocument.objects.exists()
    assert client.delete(f"/api/market/policies/{existing.pk}/").status_code == 404


def test_the_public_list_is_published_only_newest_first_by_category_and_keyword(client: Client, staff: User):
    now = timezone.now()
    old_law = published(
        staff,
        title="中华人民共和国土地管理法",
        category="law",
        document_number="主席令第32号",
        body="第一条 为了加强土地管理……",
        published_at=now - timedelta(days=30),
    )
    local = published(
        staff,
        title="四川省土地二级市场实施办法",
        category="local",
        issuer="四川省人民政府办公厅",
        document_number="川办发〔2020〕10号",
        published_at=now - timedelta(days=1),
    )
    national = published(staff, body="关于二级市场的指导意见正文", published_at=now - timedelta(days=5))
    PolicyDocument.objects.create(created_by=staff, **document(title="未发布的草稿"))

    assert ids(client.get("/api/market/policies/")) == [local.pk, national.pk, old_law.pk]
    assert ids(client.get("/api/market/policies/", {"category": "law"})) == [old_law.pk]
    assert ids(client.get("/api/market/policies/", {"q": "二级市场"})) == [local.pk, national.pk]
    assert ids(client.get("/api/market/policies/", {"q": "国办发"})) == [national.pk]
    page = client.get("/api/market/policies/", {"page_size": 2, "page": 2}).json()
    assert (page["count"], [item["id"] for item in page["results"]]) == (3, [old_law.pk])
    assert "body" not in client.get("/api/market/policies/").json()["results"][0]
    assert client.get("/api/market/policies/", {"category": "rumour"}).status_code == 400


def test_an_unpublished_attachment_is_for_staff_only(client: Client, staff: User):
    client.force_login(staff)
    created = create(client, attachment=SimpleUploadedFile("a.pdf", PDF)).json()

    assert client.get(created["attachment_url"]).status_code == 200
    client.logout()
    assert client.get(created["attachment_url"]).status_code == 404
    assert client.get("/api/market/policies/999999/attachment/").status_code == 404
