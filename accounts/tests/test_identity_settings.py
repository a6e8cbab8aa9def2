"""Account settings (账户设置): binding a new phone, binding an e-mail address, the contact address."""

import re
import socket
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.services.identity import EMAIL_TOKEN_SALT
from accounts.tests.captcha_kit import sms_code_received
from accounts.tests.factories import PASSWORD, user_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

NEW_PHONE = "13400005678"


@pytest.fixture
def user() -> User:
    return user_create(phone="13400001234")


@pytest.fixture
def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _post(client: Client, path: str, body: dict, **extra):
    return client.post(path, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **extra)


# ------------------------------------------------------------------------------ phone


def test_a_new_phone_proved_by_sms_becomes_the_login(signed_in: Client, sms_inbox, user):
    code = sms_code_received(signed_in, sms_inbox, phone=NEW_PHONE, purpose="bind_phone")

    response = _post(signed_in, "/api/auth/phone/", {"new_phone": NEW_PHONE, "sms_code": code, "password": PASSWORD})

    assert response.status_code == 200
    assert response.json()["phone"] == NEW_PHONE
    user.refresh_from_db()
    assert user.phone == NEW_PHONE
    token = Client().post(
        "/api/auth/token/", {"phone": NEW_PHONE, "password": PASSWORD}, content_type="application/json"
    )
    assert token.status_code == 200


def test_binding_needs_the_password(signed_in: Client, sms_inbox, user):
    code = sms_code_received(signed_in, sms_inbox, phone=NEW_PHONE, purpose="bind_phone")

    response = _post(signed_in, "/api/auth/phone/", {"new_phone": NEW_PHONE, "sms_code": code, "password": "no"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["password"][0]["code"] == "password_incorrect"
    user.refresh_from_db()
    assert user.phone == "13400001234"


def test_binding_needs_the_code_sent_to_the_new_phone(signed_in: Client, sms_inbox, user):
    code = sms_code_received(signed_in, sms_inbox, phone=NEW_PHONE, purpose="bind_phone")

    response = _post(
        signed_in, "/api/auth/phone/", {"new_phone": "13400005679", "sms_code": code, "password": PASSWORD}
    )

    assert response.json()["error"]["code"] == "sms_code_expired"
    user.refresh_from_db()
    assert user.phone == "13400001234"


def test_a_phone_taken_meanwhile_is_refused(signed_in: Client, sms_inbox, user):
    code = sms_code_received(signed_in, sms_inbox, phone=NEW_PHONE, purpose="bind_phone")
    user_create(phone=NEW_PHONE)

    response = _post(signed_in, "/api/auth/phone/", {"new_phone": NEW_PHONE, "sms_code": code, "password": PASSWORD})

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["new_phone"][0]["code"] == "phone_taken"


def test_binding_the_same_phone_again_is_refused(signed_in: Client, user):
    response = _post(
        signed_in, "/api/auth/phone/", {"new_phone": user.phone, "sms_code": "123456", "password": PASSWORD}
    )

    assert response.json()["error"]["code"] == "phone_taken"


def test_binding_a_phone_needs_a_signed_in_user(client: Client):
    response = _post(client, "/api/auth/phone/", {"new_phone": NEW_PHONE, "sms_code": "123456", "password": "x"})

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"sms_code": "123456", "password": PASSWORD}, "new_phone", "required"),
        ({"new_phone": "134000056789", "sms_code": "1", "password": "x"}, "new_phone", "max_length"),
        ({"new_phone": "10400005678", "sms_code": "1", "password": "x"}, "new_phone", "invalid_phone"),
        ({"new_phone": NEW_PHONE, "password": PASSWORD}, "sms_code", "required"),
        ({"new_phone": NEW_PHONE, "sms_code": "1"}, "password", "required"),
        ({"new_phone": NEW_PHONE, "sms_code": "1", "password": "p" * 10_000}, "password", "max_length"),
    ],
)
def test_bad_phone_input_is_named(signed_in: Client, body, field, code):
    response = _post(signed_in, "/api/auth/phone/", body)

    assert response.status_code == 400
    assert code in [error["code"] for error in response.json()["error"]["fields"][field]]


# ------------------------------------------------------------------------------ e-mail


def _token_in(body: object) -> str:
    found = re.search(r"email_token=([\w:.-]+)", str(body))
    assert found is not None
    return found.group(1)


def _mailed_token() -> str:
    [message] = mail.outbox
    return _token_in(message.body)


def test_an_email_address_is_confirmed_by_the_mailed_link(signed_in: Client, user):
    response = _post(signed_in, "/api/auth/email/", {"email": "owner@example.com"})

    assert response.status_code == 202
    assert response.json() == {"sent": True}
    [message] = mail.outbox
    assert message.to == ["owner@example.com"]
    assert "http://testserver/me/?email_token=" in message.body
    user.refresh_from_db()
    assert user.email == ""  # not before it is confirmed

    confirmed = _post(Client(), "/api/auth/email/confirm/", {"token": _mailed_token()})

    assert confirmed.status_code == 200
    assert confirmed.json()["email"] == "owner@example.com"
    user.refresh_from_db()
    assert user.email == "owner@example.com"
    assert timezone.now() - user.email_verified_at < timedelta(seconds=10)


def test_a_confirmation_link_works_once(signed_in: Client, user):
    _post(signed_in, "/api/auth/email/", {"email": "owner@example.com"})
    token = _mailed_token()
    _post(signed_in, "/api/auth/email/confirm/", {"token": token})

    response = _post(signed_in, "/api/auth/email/confirm/", {"token": token})

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["token"][0]["code"] == "email_token_invalid"


def test_an_older_link_cannot_undo_a_newer_confirmation(signed_in: Client, user):
    _post(signed_in, "/api/auth/email/", {"email": "first@example.com"})
    _post(signed_in, "/api/auth/email/", {"email": "second@example.com"})
    first, second = (_token_in(message.body) for message in mail.outbox)
    _post(signed_in, "/api/auth/email/confirm/", {"token": second})

    response = _post(signed_in, "/api/auth/email/confirm/", {"token": first})

    assert response.json()["error"]["code"] == "email_token_invalid"
    user.refresh_from_db()
    assert user.email == "second@example.com"


def _signed_earlier(token: str, *, seconds_ago: int) -> str:
    """The same token as if it had been issued `seconds_ago` (what waiting does to a signed timestamp)."""
    payload = signing.loads(token, salt=EMAIL_TOKEN_SALT)
    issued = int(timezone.now().timestamp()) - seconds_ago

    class EarlierSigner(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(issued)

    return EarlierSigner(salt=EMAIL_TOKEN_SALT).sign_object(payload, compress=True)


def test_a_link_older_than_a_day_has_expired(signed_in: Client, user):
    _post(signed_in, "/api/auth/email/", {"email": "late@example.com"})
    token = _signed_earlier(_mailed_token(), seconds_ago=24 * 3600 + 5)

    response = _post(signed_in, "/api/auth/email/confirm/", {"token": token})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "email_token_expired"
    user.refresh_from_db()
    assert user.email == ""


def test_a_link_of_almost_a_day_still_works(signed_in: Client, user):
    _post(signed_in, "/api/auth/email/", {"email": "late@example.com"})
    token = _signed_earlier(_mailed_token(), seconds_ago=24 * 3600 - 60)

    assert _post(signed_in, "/api/auth/email/confirm/", {"token": token}).status_code == 200


@pytest.mark.parametrize("token", ["", "garbage", "x" * 10_000, "<script>alert(1)</script>"])
def test_a_forged_or_malformed_token_is_refused(client: Client, user, token):
    response = _post(client, "/api/auth/email/confirm/", {"token": token})

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email == ""


def test_a_token_signed_for_another_purpose_is_refused(client: Client, user):
    token = signing.dumps({"user": user.pk, "email": "x@example.com", "was": ""}, salt="something.else")

    response = _post(client, "/api/auth/email/confirm/", {"token": token})

    assert response.json()["error"]["code"] == "email_token_invalid"


def test_a_mail_server_that_does_not_answer_gives_503(signed_in: Client, settings):
    with socket.socket() as sock:  # a port nothing listens on once the socket is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2

    response = _post(signed_in, "/api/auth/email/", {"email": "owner@example.com"})

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "email_unavailable"


@pytest.mark.parametrize("email", ["not-an-address", "a@b", "x" * 10_000 + "@example.com", ""])
def test_a_bad_email_address_is_refused_and_nothing_is_mailed(signed_in: Client, email):
    response = _post(signed_in, "/api/auth/email/", {"email": email})

    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]
    assert mail.outbox == []


def test_binding_an_email_needs_a_signed_in_user(client: Client):
    assert _post(client, "/api/auth/email/", {"email": "a@example.com"}).status_code == 401
    assert mail.outbox == []


# ------------------------------------------------------------------------------ profile


def test_me_shows_the_account_settings(signed_in: Client, user):
    response = signed_in.get("/api/auth/me/")

    assert response.json() == {
        "id": user.pk,
        "phone": user.phone,
        "kind": "individual",
        "role": "user",
        "real_name": "张三",
        "is_verified": True,
        "is_staff": False,
        "email": "",
        "email_verified_at": None,
        "contact_address": "",
        "parent_id": None,
    }


def test_a_sub_account_shows_its_enterprise(client: Client):
    enterprise = user_create(kind=User.Kind.ENTERPRISE)
    sub = user_create(parent=enterprise, verified=False)
    client.force_login(sub)

    assert client.get("/api/auth/me/").json()["parent_id"] == enterprise.pk


def test_the_contact_address_is_set_and_stored_as_text(signed_in: Client, user):
    address = '<script>alert("x")</script> 海南省海口市美兰区 & <b>1号</b>'

    response = signed_in.patch("/api/auth/me/", {"contact_address": address}, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["contact_address"] == address
    assert response["Content-Type"] == "application/json"
    user.refresh_from_db()
    assert user.contact_address == address


def test_the_contact_address_may_be_cleared(signed_in: Client, user):
    User.objects.filter(pk=user.pk).update(contact_address="somewhere")

    response = signed_in.patch("/api/auth/me/", {"contact_address": ""}, content_type="application/json")

    assert response.json()["contact_address"] == ""


def test_a_patch_changes_nothing_else(signed_in: Client, user):
    response = signed_in.patch(
        "/api/auth/me/", {"phone": "13900000000", "role": "admin", "is_staff": True}, content_type="application/json"
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.phone, user.role, user.is_staff) == ("13400001234", "user", False)


@pytest.mark.parametrize(("address", "code"), [("x" * 256, "max_length"), ("x" * 10_000, "max_length"), (None, "null")])
def test_a_bad_contact_address_is_refused(signed_in: Client, user, address, code):
    response = signed_in.patch("/api/auth/me/", {"contact_address": address}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["contact_address"][0]["code"] == code
    user.refresh_from_db()
    assert user.contact_address == ""


def test_an_address_of_255_characters_fits(signed_in: Client, user):
    response = signed_in.patch("/api/auth/me/", {"contact_address": "地" * 255}, content_type="application/json")

    assert response.status_code == 200
    user.refresh_from_db()
    assert len(user.contact_address) == 255


def test_changing_the_profile_needs_a_signed_in_user(client: Client):
    assert client.patch("/api/auth/me/", {"contact_address": "x"}, content_type="application/json").status_code == 401
