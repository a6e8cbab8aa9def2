"""Registration (用户注册): phone proved by SMS, terms accepted, passwords checked, then signed in."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.captcha_kit import captcha_solved, sms_code_received
from accounts.tests.factories import user_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

PHONE = "13700001234"
PASSWORD = "land use right 2026"


def _form(client: Client, code: str, **overrides) -> dict:
    return {
        "kind": "individual",
        "phone": PHONE,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "sms_code": code,
        "agree_terms": True,
        **captcha_solved(client),
        **overrides,
    }


def _register(client: Client, body: dict):
    return client.post("/api/auth/register/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def test_registering_creates_the_user_signs_in_and_returns_a_token(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")

    response = _register(client, _form(client, code, kind="enterprise"))

    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(phone=PHONE)
    assert user.kind == User.Kind.ENTERPRISE
    assert user.check_password(PASSWORD)
    assert body["user"]["id"] == user.pk
    assert body["user"]["kind"] == "enterprise"
    assert client.get("/api/auth/me/").json()["phone"] == PHONE  # the session
    other = Client()
    assert other.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Token {body['token']}").json()["id"] == user.pk


def test_the_code_is_used_up_by_registering(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")
    _register(client, _form(client, code))
    User.objects.filter(phone=PHONE).delete()

    response = _register(Client(), _form(client, code))

    assert response.json()["error"]["code"] == "sms_code_expired"
    assert not User.objects.filter(phone=PHONE).exists()


def test_terms_must_be_accepted(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")

    response = _register(client, _form(client, code, agree_terms=False))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "terms_not_accepted"
    assert response.json()["error"]["fields"]["agree_terms"][0]["code"] == "terms_not_accepted"
    assert not User.objects.filter(phone=PHONE).exists()


def test_a_form_error_leaves_the_sms_code_usable(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")
    _register(client, _form(client, code, password_confirm="something else entirely"))

    response = _register(client, _form(client, code))

    assert response.status_code == 201


def test_passwords_must_match(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")

    response = _register(client, _form(client, code, password_confirm=PASSWORD + "x"))

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "password_confirm": [{"code": "password_mismatch", "message": "The two passwords differ."}]
    }


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short1", "password_too_short"),
        ("password123", "password_too_common"),
        ("20260101123456", "password_entirely_numeric"),
    ],
)
def test_weak_passwords_are_refused_by_djangos_validators(client: Client, sms_inbox, password, code):
    sms = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")

    response = _register(client, _form(client, sms, password=password, password_confirm=password))

    assert response.status_code == 400
    assert code in [error["code"] for error in response.json()["error"]["fields"]["password"]]
    assert not User.objects.filter(phone=PHONE).exists()


def test_every_field_rule_is_reported_at_once(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")

    response = _register(client, _form(client, code, agree_terms=False, password="short", password_confirm="other"))

    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"agree_terms", "password", "password_confirm"}


def test_a_registered_phone_is_refused(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")
    user_create(phone=PHONE)  # registered meanwhile, elsewhere

    response = _register(client, _form(client, code))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "phone_taken"
    assert User.objects.filter(phone=PHONE).count() == 1


def test_a_wrong_sms_code_is_refused(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")
    wrong = "000000" if code != "000000" else "111111"

    response = _register(client, _form(client, wrong))

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["sms_code"][0]["code"] == "sms_code_invalid"
    assert not User.objects.filter(phone=PHONE).exists()


def test_a_code_for_another_purpose_does_not_register(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="grant_lookup")

    response = _register(client, _form(client, code))

    assert response.json()["error"]["code"] == "sms_code_expired"


def test_the_captcha_is_required_and_checked_first(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")

    response = _register(client, _form(client, code, captcha_answer="WRONG"))

    assert response.json()["error"]["code"] == "captcha_invalid"
    assert _register(client, _form(client, code)).status_code == 201  # the SMS code was not touched


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"kind": None}, "kind", "null"),
        ({"kind": "government"}, "kind", "invalid_choice"),
        ({"phone": "2380000123"}, "phone", "invalid_phone"),
        ({"phone": "1" * 10_000}, "phone", "max_length"),
        ({"password": "p" * 10_000}, "password", "max_length"),
        ({"password_confirm": "p" * 10_000}, "password_confirm", "max_length"),
        ({"sms_code": "1" * 10_000}, "sms_code", "max_length"),
        ({"agree_terms": "maybe"}, "agree_terms", "invalid"),
        ({"password": "abc\x00defghijk"}, "password", "null_characters_not_allowed"),
    ],
)
def test_bad_input_is_named(client: Client, overrides, field, code):
    response = _register(client, _form(client, "123456", **overrides))

    assert response.status_code == 400
    assert code in [error["code"] for error in response.json()["error"]["fields"][field]]


@pytest.mark.parametrize("field", ["kind", "phone", "password", "password_confirm", "sms_code", "agree_terms"])
def test_missing_fields_are_named(client: Client, field):
    body = _form(client, "123456")
    del body[field]

    response = _register(client, body)

    assert response.status_code == 400
    assert response.json()["error"]["fields"][field][0]["code"] == "required"


def test_registration_attempts_are_throttled(client: Client):
    statuses = [_register(client, {}).status_code for _ in range(11)]

    assert statuses == [400] * 10 + [429]
