"""Real-name verification (实名认证) through the API: applying, the review queue, approval, rejection, the licence."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.models import Message, RealNameVerification, User
from accounts.tests.factories import user_create
from core.tests import samples

pytestmark = pytest.mark.django_db

URL = "/api/auth/verification/"
QUEUE = "/api/auth/verifications/"
# Check characters worked out by hand in test_checksums.py.
RESIDENT_ID = "510104199003071237"
RESIDENT_ID_X = "11010519491231002X"
CREDIT_CODE = "914403001922038216"
MB = 1024 * 1024


def image_bytes(fmt: str, size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def pdf_bytes(padding: int = 0) -> bytes:
    return samples.pdf_bytes(padding=padding)  # one page; `padding` more bytes


def upload(content: bytes, name: str = "licence.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def individual() -> User:
    return user_create(verified=False)


@pytest.fixture
def enterprise() -> User:
    return user_create(kind=User.Kind.ENTERPRISE, verified=False)


@pytest.fixture
def staff() -> User:
    return user_create(role=User.Role.CENTRE_STAFF)


def signed_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def id_card() -> dict[str, SimpleUploadedFile]:
    """Both sides of an ID card, as every individual's application carries them."""
    return {
        "id_front": upload(image_bytes("PNG"), "身份证正面.png"),
        "id_back": upload(image_bytes("JPEG"), "back.jpg", "image/jpeg"),
    }


def submit(user: User, **data: object):
    """An application; an individual's carries both sides of an ID card unless the test says otherwise."""
    if user.kind == User.Kind.INDIVIDUAL and data:
        data = id_card() | data
    return signed_in(user).post(URL, data)


def error(response) -> dict:
    return response.json()["error"]


def field_codes(response, field: str) -> list[str]:
    return [e["code"] for e in error(response)["fields"][field]]


# ------------------------------------------------------------------------------------------------- applying


def test_an_individual_applies_with_a_valid_resident_id_number_and_sees_it_masked(individual):
    response = submit(individual, name="张三", id_number=RESIDENT_ID)

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending"
    assert body["kind"] == "individual"
    assert body["name"] == "张三"
    assert body["id_number"] == "5101**********1237"
    assert body["licence"] is None
    stored = RealNameVerification.objects.get(user=individual)
    assert stored.id_number == RESIDENT_ID
    individual.refresh_from_db()
    assert individual.verified_at is None
    assert not individual.is_verified


def test_a_lower_case_x_and_surrounding_spaces_are_accepted_and_stored_in_capitals(individual):
    response = submit(individual, name="李四", id_number="  11010519491231002x ")

    assert response.status_code == 201
    assert RealNameVerification.objects.get(user=individual).id_number == RESIDENT_ID_X


@pytest.mark.parametrize(
    "id_number",
    [
        "510104199003071238",  # wrong check character
        "51010419900307123",  # 17 characters
        "５１０１０４１９９００３０７１２３７",  # full-width digits
        "990105194912310023",  # no such province (check character right)
        CREDIT_CODE,  # an individual does not use a credit code
    ],
)
def test_an_invalid_resident_id_number_is_refused_naming_the_field(individual, id_number):
    response = submit(individual, name="张三", id_number=id_number)

    assert response.status_code == 400
    assert field_codes(response, "id_number") == ["checksum"]
    assert not RealNameVerification.objects.exists()


def test_missing_fields_are_each_named(individual):
    response = submit(individual)

    assert response.status_code == 400
    assert field_codes(response, "name") == ["required"]
    assert field_codes(response, "id_number") == ["required"]
    assert not RealNameVerification.objects.exists()


def test_a_blank_name_is_refused(individual):
    response = submit(individual, name="   ", id_number=RESIDENT_ID)

    assert response.status_code == 400
    assert field_codes(response, "name") == ["blank"]
    assert not RealNameVerification.objects.exists()


def test_a_ten_thousand_character_name_is_refused(individual):
    response = submit(individual, name="张" * 10_000, id_number=RESIDENT_ID)

    assert response.status_code == 400
    assert field_codes(response, "name") == ["max_length"]
    assert not RealNameVerification.objects.exists()


def test_a_ten_thousand_character_id_number_is_refused(individual):
    response = submit(individual, name="张三", id_number="5" * 10_000)

    assert response.status_code == 400
    assert "id_number" in error(response)["fields"]
    assert not RealNameVerification.objects.exists()


def test_a_name_with_a_null_character_is_refused(individual):
    response = submit(individual, name="张\x00三", id_number=RESIDENT_ID)

    assert response.status_code == 400
    assert field_codes(response, "name") == ["null_characters_not_allowed"]
    assert not RealNameVerification.objects.exists()


def test_html_in_the_name_is_stored_and_returned_as_plain_text(individual):
    name = '<script>alert("x")</script><b>王五</b>'

    response = submit(individual, name=name, id_number=RESIDENT_ID)

    assert response.status_code == 201
    assert response.json()["name"] == name
    assert RealNameVerification.objects.get(user=individual).name == name


def test_an_individual_may_not_upload_a_licence(individual, media_root):
    response = submit(individual, name="张三", id_number=RESIDENT_ID, licence=upload(image_bytes("PNG")))

    assert response.status_code == 400
    assert field_codes(response, "licence") == ["unexpected"]
    assert not RealNameVerification.objects.exists()
    assert stored_files(media_root) == []


def test_anonymous_callers_are_asked_to_sign_in():
    response = Client().post(URL, {"name": "张三", "id_number": RESIDENT_ID})

    assert response.status_code == 401
    assert not RealNameVerification.objects.exists()


# ------------------------------------------------------------------------------------------------- enterprises


@pytest.mark.parametrize(
    ("content", "name", "content_type", "extension"),
    [
        (image_bytes("PNG"), "licence.png", "image/png", "png"),
        (image_bytes("JPEG"), "营业执照.jpg", "image/jpeg", "jpg"),
        (pdf_bytes(), "licence.pdf", "application/pdf", "pdf"),
        # Named and labelled a PDF but a PNG by content: the content decides, and it is kept as a PNG.
        (image_bytes("PNG"), "licence.pdf", "application/pdf", "png"),
    ],
)
def test_an_enterprise_applies_with_its_credit_code_and_a_licence(
    enterprise, media_root, content, name, content_type, extension
):
    response = submit(
        enterprise, name="华为技术有限公司", id_number=CREDIT_CODE, licence=upload(content, name, content_type)
    )

    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "enterprise"
    assert body["id_number"] == "9144**********8216"
    stored = RealNameVerification.objects.get(user=enterprise)
    assert body["licence"] == f"/api/auth/verifications/{stored.pk}/licence/"
    assert stored.id_number == CREDIT_CODE
    stored_name = str(stored.licence.name)
    assert stored_name.endswith("." + extension)
    assert name not in stored_name  # the client's file name is never used on disk
    assert Path(stored.licence.path).read_bytes() == content


def test_a_licence_of_exactly_ten_megabytes_is_accepted(enterprise):
    content = pdf_bytes(padding=10 * MB - len(pdf_bytes()))
    assert len(content) == 10 * MB

    response = submit(enterprise, name="华为技术有限公司", id_number=CREDIT_CODE, licence=upload(content, "l.pdf"))

    assert response.status_code == 201


def test_a_licence_over_ten_megabytes_is_refused(enterprise, media_root):
    content = pdf_bytes(padding=10 * MB - len(pdf_bytes()) + 1)

    response = submit(enterprise, name="华为技术有限公司", id_number=CREDIT_CODE, licence=upload(content, "l.pdf"))

    assert response.status_code == 400
    assert field_codes(response, "licence") == ["file_too_large"]
    assert not RealNameVerification.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (b"just some text, not a licence", "licence.pdf", "application/pdf"),  # mislabelled text
        (b"<html><body>licence</body></html>", "licence.png", "image/png"),
        (image_bytes("GIF"), "licence.gif", "image/gif"),  # a whole image, but not a kind we take
        (image_bytes("PNG", (400, 400))[:300], "licence.png", "image/png"),  # truncated PNG
        (image_bytes("JPEG", (400, 400))[:400], "licence.jpg", "image/jpeg"),  # truncated JPEG
        (pdf_bytes(padding=2000)[:1500], "licence.pdf", "application/pdf"),  # PDF cut before %%EOF
        (b"", "licence.pdf", "application/pdf"),  # empty
        (b"PK\x03\x04" + b"\x00" * 100, "licence.pdf", "application/pdf"),  # a broken ZIP
    ],
)
def test_a_mislabelled_or_corrupt_licence_is_refused(enterprise, media_root, content, name, content_type):
    response = submit(
        enterprise, name="华为技术有限公司", id_number=CREDIT_CODE, licence=upload(content, name, content_type)
    )

    assert response.status_code == 400
    assert field_codes(response, "licence") == ["file_type"]
    assert not RealNameVerification.objects.exists()
    assert stored_files(media_root) == []


def test_an_enterprise_must_upload_its_licence(enterprise):
    response = submit(enterprise, name="华为技术有限公司", id_number=CREDIT_CODE)

    assert response.status_code == 400
    assert field_codes(response, "licence") == ["required"]
    assert not RealNameVerification.objects.exists()


def test_a_licence_sent_as_text_instead_of_a_file_is_refused(enterprise):
    response = signed_in(enterprise).post(
        URL,
        {"name": "华为技术有限公司", "id_number": CREDIT_CODE, "licence": "not a file"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "licence" in error(response)["fields"]
    assert not RealNameVerification.objects.exists()


@pytest.mark.parametrize(
    "id_number",
    [
        "914403001922038217",  # wrong check character
        "914403001922038229",  # wrong organization-code check, last character recomputed to fit
        "9144030019220382１６",  # full-width digits at the end
        "91440300192203821",  # 17 characters
        RESIDENT_ID,  # an enterprise does not use a resident ID number
    ],
)
def test_an_invalid_credit_code_is_refused_naming_the_field(enterprise, id_number):
    response = submit(enterprise, name="华为技术有限公司", id_number=id_number, licence=upload(image_bytes("PNG")))

    assert response.status_code == 400
    assert field_codes(response, "id_number") == ["checksum"]
    assert not RealNameVerification.objects.exists()


def test_a_lower_case_credit_code_is_read_in_capitals(enterprise):
    response = submit(
        enterprise, name="阿里巴巴（中国）有限公司", id_number="91330100799655058b", licence=upload(image_bytes("PNG"))
    )

    assert response.status_code == 201
    assert RealNameVerification.objects.get(user=enterprise).id_number == "91330100799655058B"


# ------------------------------------------------------------------------------------------------- who may apply


def test_a_sub_account_cannot_apply(enterprise):
    sub_account = user_create(parent=user_create(kind=User.Kind.ENTERPRISE), kind=User.Kind.ENTERPRISE)

    response = submit(sub_account, name="华为技术有限公司", id_number=CREDIT_CODE, licence=upload(image_bytes("PNG")))

    assert response.status_code == 403
    assert error(response)["code"] == "sub_account"
    assert not RealNameVerification.objects.exists()


def test_one_pending_application_at_a_time(individual):
    assert submit(individual, name="张三", id_number=RESIDENT_ID).status_code == 201

    response = submit(individual, name="张三丰", id_number=RESIDENT_ID_X)

    assert response.status_code == 409
    assert error(response)["code"] == "verification_pending"
    assert list(RealNameVerification.objects.values_list("name", flat=True)) == ["张三"]


def test_a_verified_user_cannot_apply_again():
    verified = user_create(verified=True, real_name="张三")

    response = submit(verified, name="李四", id_number=RESIDENT_ID)

    assert response.status_code == 409
    assert error(response)["code"] == "already_verified"
    verified.refresh_from_db()
    assert verified.real_name == "张三"
    assert not RealNameVerification.objects.exists()


# ------------------------------------------------------------------------------------------------- my latest


def test_my_latest_application_is_404_before_i_apply(individual):
    response = signed_in(individual).get(URL)

    assert response.status_code == 404
    assert error(response)["code"] == "not_found"


def test_my_latest_application_after_a_rejection_is_the_new_one(individual, staff):
    first = submit(individual, name="张三", id_number=RESIDENT_ID).json()
    signed_in(staff).post(f"{QUEUE}{first['id']}/reject/", {"reason": "姓名与证件不符"})
    second = submit(individual, name="张三", id_number=RESIDENT_ID_X).json()

    response = signed_in(individual).get(URL)

    assert response.status_code == 200
    assert response.json()["id"] == second["id"]
    assert response.json()["status"] == "pending"
    assert response.json()["id_number"] == "1101**********002X"


def test_i_do_not_see_someone_elses_application(individual):
    submit(user_create(verified=False), name="张三", id_number=RESIDENT_ID)

    assert signed_in(individual).get(URL).status_code == 404


# ------------------------------------------------------------------------------------------------- the review queue


def test_staff_list_pending_applications_oldest_first_paged_with_masked_numbers(individual, enterprise, staff):
    done = submit(user_create(verified=False), name="赵六", id_number=RESIDENT_ID).json()
    signed_in(staff).post(f"{QUEUE}{done['id']}/approve/")
    first = submit(individual, name="张三", id_number=RESIDENT_ID).json()
    second = submit(
        enterprise, name="华为技术有限公司", id_number=CREDIT_CODE, licence=upload(image_bytes("PNG"))
    ).json()

    response = signed_in(staff).get(QUEUE, {"status": "pending", "page_size": "1"})

    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 2
    assert [row["id"] for row in page["results"]] == [first["id"]]
    assert page["results"][0]["phone"] == individual.phone
    assert page["next"] is not None
    everything = signed_in(staff).get(QUEUE).content.decode()
    assert RESIDENT_ID not in everything
    assert CREDIT_CODE not in everything
    assert [r["id"] for r in signed_in(staff).get(QUEUE, {"status": "pending"}).json()["results"]] == [
        first["id"],
        second["id"],
    ]


@pytest.mark.parametrize("role", [User.Role.CENTRE_STAFF, User.Role.ADMIN], ids=["centre_staff", "admin"])
def test_centre_staff_and_administrators_see_the_queue(role):
    assert signed_in(user_create(role=role)).get(QUEUE).status_code == 200


def test_a_superuser_sees_the_queue():
    superuser = User.objects.create_superuser(phone="13700000001", password="x", role=User.Role.USER)

    assert signed_in(superuser).get(QUEUE).status_code == 200


@pytest.mark.parametrize("role", [User.Role.USER, User.Role.REVIEWER], ids=["user", "reviewer"])
def test_users_and_listing_reviewers_do_not_see_the_queue(role):
    response = signed_in(user_create(role=role, regions=["510000"] if role == "reviewer" else None)).get(QUEUE)

    assert response.status_code == 403
    assert error(response)["code"] == "permission_denied"


def test_an_unknown_status_filter_is_refused(staff):
    response = signed_in(staff).get(QUEUE, {"status": "done"})

    assert response.status_code == 400
    assert field_codes(response, "status") == ["invalid_choice"]


# ------------------------------------------------------------------------------------------------- decisions


def test_approval_verifies_the_user_under_the_name_given_and_tells_them(individual, staff):
    application = submit(individual, name="张三", id_number=RESIDENT_ID).json()

    response = signed_in(staff).post(f"{QUEUE}{application['id']}/approve/")

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    individual.refresh_from_db()
    assert individual.real_name == "张三"
    assert individual.verified_at is not None
    stored = RealNameVerification.objects.get(pk=application["id"])
    assert stored.reviewed_by == staff
    assert stored.reviewed_at is not None
    message = Message.objects.get(user=individual)
    assert message.category == Message.Category.SYSTEM
    assert message.title == "Your real-name verification was approved"
    me = signed_in(individual).get("/api/auth/me/").json()
    assert me["is_verified"] is True
    assert me["real_name"] == "张三"


def test_an_approved_enterprises_sub_accounts_are_verified_through_it(enterprise, staff):
    sub_account = user_create(parent=enterprise, kind=User.Kind.ENTERPRISE, verified=False)
    application = submit(
        enterprise, name="华为技术有限公司", id_number=CREDIT_CODE, licence=upload(image_bytes("PNG"))
    ).json()
    assert signed_in(sub_account).get("/api/auth/me/").json()["is_verified"] is False

    signed_in(staff).post(f"{QUEUE}{application['id']}/approve/")

    assert signed_in(sub_account).get("/api/auth/me/").json()["is_verified"] is True


def test_rejection_keeps_the_user_unverified_and_tells_them_why(individual, staff):
    application = submit(individual, name="张三", id_number=RESIDENT_ID).json()

    response = signed_in(staff).post(f"{QUEUE}{application['id']}/reject/", {"reason": "身份证号与姓名不符"})

    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["reason"] == "身份证号与姓名不符"
    individual.refresh_from_db()
    assert individual.verified_at is None
    assert individual.real_name == ""
    message = Message.objects.get(user=individual)
    assert message.category == Message.Category.SYSTEM
    assert message.body == "身份证号与姓名不符"


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}])
def test_a_rejection_needs_a_reason_of_at_most_500_characters(individual, staff, body):
    application = submit(individual, name="张三", id_number=RESIDENT_ID).json()

    response = signed_in(staff).post(f"{QUEUE}{application['id']}/reject/", body)

    assert response.status_code == 400
    assert "reason" in error(response)["fields"]
    assert RealNameVerification.objects.get(pk=application["id"]).status == "pending"
    assert not Message.objects.exists()


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_a_decided_application_cannot_be_decided_again(individual, staff, action):
    application = submit(individual, name="张三", id_number=RESIDENT_ID).json()
    signed_in(staff).post(f"{QUEUE}{application['id']}/approve/")
    individual.refresh_from_db()
    verified_at = individual.verified_at

    response = signed_in(staff).post(f"{QUEUE}{application['id']}/{action}/", {"reason": "再审"})

    assert response.status_code == 409
    assert error(response)["code"] == "transition_not_allowed"
    assert RealNameVerification.objects.get(pk=application["id"]).status == "approved"
    individual.refresh_from_db()
    assert individual.verified_at == verified_at
    assert Message.objects.count() == 1


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_other_users_cannot_decide_applications(individual, action):
    application = submit(individual, name="张三", id_number=RESIDENT_ID).json()
    reviewer = user_create(role=User.Role.REVIEWER, regions=["510000"])

    for user in (individual, user_create(), reviewer):
        response = signed_in(user).post(f"{QUEUE}{application['id']}/{action}/", {"reason": "无"})
        assert response.status_code == 403
    assert RealNameVerification.objects.get(pk=application["id"]).status == "pending"
    individual.refresh_from_db()
    assert individual.verified_at is None
    assert not Message.objects.exists()


def test_staff_cannot_decide_their_own_application():
    staff = user_create(role=User.Role.CENTRE_STAFF, verified=False)
    application = submit(staff, name="钱七", id_number=RESIDENT_ID).json()

    response = signed_in(staff).post(f"{QUEUE}{application['id']}/approve/")

    assert response.status_code == 403
    assert error(response)["code"] == "own_application"
    assert RealNameVerification.objects.get(pk=application["id"]).status == "pending"


@pytest.mark.parametrize("pk", [999999, 2**63])
def test_deciding_an_unknown_application_is_404(staff, pk):
    assert signed_in(staff).post(f"{QUEUE}{pk}/approve/").status_code == 404
    assert signed_in(staff).post(f"{QUEUE}{pk}/reject/", {"reason": "无"}).status_code == 404


# ------------------------------------------------------------------------------------------------- the licence


@pytest.fixture
def application_with_licence(enterprise) -> RealNameVerification:
    submit(enterprise, name="华为技术有限公司", id_number=CREDIT_CODE, licence=upload(pdf_bytes(), "执照.pdf"))
    return RealNameVerification.objects.get(user=enterprise)


def test_the_applicant_downloads_their_licence(application_with_licence, enterprise):
    response = signed_in(enterprise).get(f"{QUEUE}{application_with_licence.pk}/licence/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.getvalue() == pdf_bytes()


def test_staff_download_the_licence(application_with_licence, staff):
    response = signed_in(staff).get(f"{QUEUE}{application_with_licence.pk}/licence/")

    assert response.status_code == 200
    assert response.getvalue() == pdf_bytes()


@pytest.mark.parametrize("role", [User.Role.USER, User.Role.REVIEWER], ids=["user", "reviewer"])
def test_other_users_get_404_for_the_licence(application_with_licence, role):
    response = signed_in(user_create(role=role)).get(f"{QUEUE}{application_with_licence.pk}/licence/")

    assert response.status_code == 404
    assert error(response)["code"] == "not_found"


def test_a_sub_account_of_the_applicant_gets_404_for_the_licence(application_with_licence, enterprise):
    sub_account = user_create(parent=enterprise, kind=User.Kind.ENTERPRISE)

    assert signed_in(sub_account).get(f"{QUEUE}{application_with_licence.pk}/licence/").status_code == 404


def test_anonymous_callers_get_401_for_the_licence(application_with_licence):
    assert Client().get(f"{QUEUE}{application_with_licence.pk}/licence/").status_code == 401


def test_an_application_without_a_licence_has_none_to_download(individual):
    application = submit(individual, name="张三", id_number=RESIDENT_ID).json()

    assert signed_in(individual).get(f"{QUEUE}{application['id']}/licence/").status_code == 404
