"""The verification services called directly, as other code and admin commands call them: the same rules hold."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import RealNameVerification, User
from accounts.services.verification import verification_approve, verification_reject, verification_submit
from accounts.tests.factories import user_create
from core.errors import Conflict, InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db

RESIDENT_ID = "510104199003071237"  # check character worked out in test_checksums.py
CREDIT_CODE = "914403001922038216"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png(name: str = "licence.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def id_card() -> dict[str, SimpleUploadedFile]:
    """Both sides of an individual's ID card, as every individual's application carries them."""
    return {"id_front": png("front.png"), "id_back": png("back.png")}


@pytest.mark.parametrize(("name", "code"), [("", "required"), ("  ", "required"), ("张" * 129, "max_length")])
def test_the_name_is_checked_by_the_service_too(name, code):
    user = user_create(verified=False)

    with pytest.raises(InvalidInput) as refused:
        verification_submit(user=user, name=name, id_number=RESIDENT_ID)

    assert [e["code"] for e in refused.value.fields["name"]] == [code]
    assert not RealNameVerification.objects.exists()


def test_the_name_is_stored_without_surrounding_spaces():
    verification = verification_submit(
        user=user_create(verified=False), name="  张三 ", id_number=RESIDENT_ID, **id_card()
    )

    assert verification.name == "张三"


def test_an_enterprise_without_a_licence_is_refused_by_the_service():
    enterprise = user_create(kind=User.Kind.ENTERPRISE, verified=False)

    with pytest.raises(InvalidInput) as refused:
        verification_submit(user=enterprise, name="华为技术有限公司", id_number=CREDIT_CODE)

    assert [e["code"] for e in refused.value.fields["licence"]] == ["required"]


def test_a_stale_user_object_cannot_apply_twice():
    """The service reads the user's row under lock, so an old in-memory copy does not get around the rules."""
    user = user_create(verified=False)
    stale = User.objects.get(pk=user.pk)
    verification = verification_submit(user=user, name="张三", id_number=RESIDENT_ID, **id_card())
    verification_approve(verification_id=verification.pk, reviewer=user_create(role=User.Role.ADMIN))

    with pytest.raises(Conflict) as refused:
        verification_submit(user=stale, name="张三", id_number=RESIDENT_ID)

    assert refused.value.code == "already_verified"


def test_a_plain_user_cannot_approve_or_reject_through_the_service():
    verification = verification_submit(
        user=user_create(verified=False), name="张三", id_number=RESIDENT_ID, **id_card()
    )
    outsider = user_create()

    with pytest.raises(PermissionDenied):
        verification_approve(verification_id=verification.pk, reviewer=outsider)
    with pytest.raises(PermissionDenied):
        verification_reject(verification_id=verification.pk, reviewer=outsider, reason="无")

    verification.refresh_from_db()
    assert verification.status == RealNameVerification.Status.PENDING


def test_an_enterprise_licence_is_stored_under_a_generated_name():
    enterprise = user_create(kind=User.Kind.ENTERPRISE, verified=False)

    verification = verification_submit(user=enterprise, name="华为技术有限公司", id_number=CREDIT_CODE, licence=png())

    stored_name = str(verification.licence.name)
    assert stored_name.startswith("verifications/")
    assert stored_name.endswith(".png")
    assert "licence" not in stored_name.rsplit("/", 1)[-1]
