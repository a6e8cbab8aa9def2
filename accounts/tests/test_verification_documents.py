"""Real-name verification documents: individuals' ID card images (checked by content), served only to the applicant
and verification staff with no-store and nosniff, and every view recorded (who, when, which, from where)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import RealNameVerification, User, VerificationDocumentView
from accounts.tests.factories import reviewer_create, user_create
from accounts.tests.test_verification_api import CREDIT_CODE, RESIDENT_ID, image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

URL = "/api/auth/verification/"
CLIENT_ADDRESS = "198.51.100.23"  # a documentation address (RFC 5737)
FRONT = image_bytes("PNG", (64, 40))
BACK = image_bytes("JPEG", (64, 40))


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def signed_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=CLIENT_ADDRESS)
    client.force_login(user)
    return client


@pytest.fixture
def applicant() -> User:
    return user_create(verified=False)


@pytest.fixture
def application(applicant: User) -> RealNameVerification:
    response = signed_in(applicant).post(
        URL,
        {
            "name": "张三",
            "id_number": RESIDENT_ID,
            "id_front": upload(FRONT, "front.png"),
            "id_back": upload(BACK, "back.jpg", "image/jpeg"),
        },
    )
    assert response.status_code == 201, response.content
    return RealNameVerification.objects.get(pk=response.json()["id"])


def front_url(application: RealNameVerification) -> str:
    return f"/api/auth/verifications/{application.pk}/id-card/front/"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


# ------------------------------------------------------------------------------------------------- applying


def test_an_individual_applies_with_both_sides_of_the_id_card_stored_by_their_detected_kind(applicant, application):
    body = signed_in(applicant).get(URL).json()

    assert body["id_front"] == f"/api/auth/verifications/{application.pk}/id-card/front/"
    assert body["id_back"] == f"/api/auth/verifications/{application.pk}/id-card/back/"
    assert str(application.id_front.name).endswith(".png")
    assert str(application.id_back.name).endswith(".jpg")
    assert "front" not in str(application.id_front.name).rsplit("/", 1)[-1]  # never the client's file name
    assert Path(application.id_front.path).read_bytes() == FRONT


@pytest.mark.parametrize("missing", ["id_front", "id_back"])
def test_an_individual_without_either_side_of_the_id_card_is_refused(applicant, missing):
    data = {"name": "张三", "id_number": RESIDENT_ID, "id_front": upload(FRONT), "id_back": upload(FRONT)}
    del data[missing]

    response = signed_in(applicant).post(URL, data)

    assert response.status_code == 400
    assert [e["code"] for e in response.json()["error"]["fields"][missing]] == ["required"]
    assert not RealNameVerification.objects.exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [(pdf_bytes(), "front.png"), (FRONT[: len(FRONT) // 2], "front.png"), (b"GIF89a not really", "front.jpg")],
    ids=["a PDF named .png", "a truncated PNG", "junk"],
)
def test_an_id_card_side_that_is_no_whole_jpg_or_png_is_refused(applicant, media_root, content, name):
    response = signed_in(applicant).post(
        URL, {"name": "张三", "id_number": RESIDENT_ID, "id_front": upload(content, name), "id_back": upload(BACK)}
    )

    assert response.status_code == 400
    assert [e["code"] for e in response.json()["error"]["fields"]["id_front"]] == ["file_type"]
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_an_id_card_image_over_ten_megabytes_is_refused(applicant, settings):
    big = SimpleUploadedFile("front.png", FRONT + b"\0" * (10 * 1024 * 1024), content_type="image/png")

    response = signed_in(applicant).post(
        URL, {"name": "张三", "id_number": RESIDENT_ID, "id_front": big, "id_back": upload(BACK)}
    )

    assert response.status_code == 400
    assert [e["code"] for e in response.json()["error"]["fields"]["id_front"]] == ["file_too_large"]


def test_an_enterprise_sends_its_licence_not_an_id_card():
    enterprise = user_create(kind=User.Kind.ENTERPRISE, verified=False)

    response = signed_in(enterprise).post(
        URL,
        {"name": "华为技术有限公司", "id_number": CREDIT_CODE, "licence": upload(FRONT), "id_front": upload(FRONT)},
    )

    assert response.status_code == 400
    assert [e["code"] for e in response.json()["error"]["fields"]["id_front"]] == ["unexpected"]


# ------------------------------------------------------------------------------------------------- viewing


def test_staff_see_the_image_inline_never_cached_nor_sniffed_and_the_view_is_recorded(application):
    staff = user_create(role=User.Role.CENTRE_STAFF, regions=["510000"])

    response = signed_in(staff).get(front_url(application))

    assert response.status_code == 200
    assert body_of(response) == FRONT
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    [view] = VerificationDocumentView.objects.all()
    assert (view.viewer_id, view.verification_id, view.document, view.client_address) == (
        staff.pk,
        application.pk,
        "id_front",
        CLIENT_ADDRESS,
    )
    assert view.viewed_at is not None


def test_every_view_is_recorded_the_applicants_own_too(applicant, application):
    admin = user_create(role=User.Role.ADMIN)
    back = f"/api/auth/verifications/{application.pk}/id-card/back/"

    assert signed_in(admin).get(front_url(application)).status_code == 200
    assert signed_in(admin).get(front_url(application)).status_code == 200
    own = signed_in(applicant).get(back)

    assert own.status_code == 200
    assert own["Content-Type"] == "image/jpeg"
    assert body_of(own) == BACK
    rows = VerificationDocumentView.objects.order_by("id").values_list("viewer_id", "document")
    assert list(rows) == [(admin.pk, "id_front"), (admin.pk, "id_front"), (applicant.pk, "id_back")]


@pytest.mark.parametrize(
    "who",
    [
        lambda: user_create(),
        lambda: reviewer_create(regions=["510000"]),
        lambda: user_create(role=User.Role.SUPERVISOR, regions=["510000"]),
        lambda: user_create(role=User.Role.GIS_STAFF, regions=["510000"]),
    ],
    ids=["another user", "a listing reviewer", "a supervisor", "GIS staff"],
)
def test_nobody_else_sees_the_images_and_their_attempt_leaves_no_view(application, who):
    response = signed_in(who()).get(front_url(application))

    assert response.status_code == 404
    assert not VerificationDocumentView.objects.exists()


def test_anonymous_callers_are_asked_to_sign_in(application):
    assert Client().get(front_url(application)).status_code == 401
    assert not VerificationDocumentView.objects.exists()


def test_the_licence_download_is_recorded_and_sent_with_the_same_headers():
    enterprise = user_create(kind=User.Kind.ENTERPRISE, verified=False)
    applied = signed_in(enterprise).post(
        URL, {"name": "华为技术有限公司", "id_number": CREDIT_CODE, "licence": upload(pdf_bytes(), "l.pdf")}
    )
    staff = user_create(role=User.Role.CENTRE_STAFF, regions=["510000"])

    response = signed_in(staff).get(applied.json()["licence"])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Content-Type-Options"] == "nosniff"
    [view] = VerificationDocumentView.objects.all()
    assert (view.viewer_id, view.document, view.client_address) == (staff.pk, "licence", CLIENT_ADDRESS)


def test_an_individual_has_no_licence_and_an_enterprise_no_id_card(application):
    staff = user_create(role=User.Role.CENTRE_STAFF, regions=["510000"])

    assert signed_in(staff).get(f"/api/auth/verifications/{application.pk}/licence/").status_code == 404
    assert not VerificationDocumentView.objects.exists()


# ------------------------------------------------------------------------------------------------- the audit


def test_supervisors_and_administrators_read_the_audit_and_nobody_else(application):
    staff = user_create(role=User.Role.CENTRE_STAFF, regions=["510000"])
    signed_in(staff).get(front_url(application))
    audit = "/api/auth/verifications/document-views/"

    for reader in (user_create(role=User.Role.SUPERVISOR, regions=["510000"]), user_create(role=User.Role.ADMIN)):
        body = signed_in(reader).get(audit, {"verification": application.pk}).json()
        assert [(row["viewer"], row["verification"], row["document"], row["client_address"]) for row in
                body["results"]] == [(staff.pk, application.pk, "id_front", CLIENT_ADDRESS)]  # fmt: skip
    assert signed_in(staff).get(audit).status_code == 403
    assert signed_in(user_create()).get(audit).status_code == 403


def test_the_admin_site_shows_the_audit_read_only(application):
    signed_in(user_create(role=User.Role.CENTRE_STAFF, regions=["510000"])).get(front_url(application))
    view = VerificationDocumentView.objects.get()
    admin = signed_in(user_create(role=User.Role.ADMIN))

    assert admin.get("/admin/accounts/verificationdocumentview/").status_code == 200
    assert admin.get("/admin/accounts/verificationdocumentview/add/").status_code == 403
    page = admin.get(f"/admin/accounts/verificationdocumentview/{view.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # viewed, never saved
    assert admin.post(f"/admin/accounts/verificationdocumentview/{view.pk}/delete/").status_code == 403
    assert VerificationDocumentView.objects.filter(pk=view.pk).exists()


def test_the_admin_site_links_the_documents_through_the_audited_api_never_a_media_url(application):
    admin = signed_in(user_create(role=User.Role.ADMIN))

    page = admin.get(f"/admin/accounts/realnameverification/{application.pk}/change/")

    assert page.status_code == 200
    text = page.content.decode()
    assert f'href="/api/auth/verifications/{application.pk}/id-card/front/"' in text
    assert f'href="/api/auth/verifications/{application.pk}/id-card/back/"' in text
    assert "/media/" not in text
    assert str(application.id_front.name) not in text
    assert not VerificationDocumentView.objects.exists()  # listing the links is no view
