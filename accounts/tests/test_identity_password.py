"""Forgotten password (忘记密码) by SMS, and changing the password when signed in (修改登录密码)."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.services.login_limits import login_failure_count
from accounts.tests.captcha_kit import captcha_solved, sms_code_received
from accounts.tests.factories import PASSWORD, user_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

PHONE = "13500001234"
NEW = "a brand new passphrase"


@pytest.fixture
def user() -> User:
    return user_create(phone=PHONE)


def _reset(client: Client, code: str, **overrides):
    body = {
        "phone": PHONE,
        "sms_code": code,
        "new_password": NEW,
        "new_password_confirm": NEW,
        **captcha_solved(client),
        **overrides,
    }
    return client.post("/api/auth/password/reset/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def _change(client: Client, token: str | None = None, **overrides: str):
    body = {"old_password": PASSWORD, "new_password": NEW, "new_password_confirm": NEW, **overrides}
    headers = {"Accept-Language": "en", **({"Authorization": f"Token {token}"} if token else {})}
    return client.post("/api/auth/password/change/", body, content_type="application/json", headers=headers)


def _token_for(phone: str, password: str) -> int:
    body = {"phone": phone, "password": password}
    return Client().post("/api/auth/token/", body, content_type="application/json").status_code


# ------------------------------------------------------------------------------ reset


def test_a_reset_sets_the_password_lifts_the_lockout_and_revokes_tokens(client: Client, sms_inbox, user):
    old_token = Token.objects.create(user=user)
    for _ in range(5):  # enough for the token API to ask for a captcha (accounts/services/login_limits.py)
        _token_for(PHONE, "wrong")
    signed_in = Client()
    signed_in.force_login(user)
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="reset_password")

    response = _reset(client, code)

    assert response.status_code == 204
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert login_failure_count(phone=PHONE) == 0
    assert not Token.objects.filter(key=old_token.key).exists()
    assert signed_in.get("/api/auth/me/").status_code == 401
    assert _token_for(PHONE, NEW) == 200


def test_a_reset_code_is_used_up(client: Client, sms_inbox, user):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="reset_password")
    _reset(client, code)

    response = _reset(
        client, code, new_password="yet another passphrase", new_password_confirm="yet another passphrase"
    )

    assert response.json()["error"]["code"] == "sms_code_expired"
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_a_wrong_code_changes_nothing(client: Client, sms_inbox, user):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="reset_password")
    wrong = "000000" if code != "000000" else "111111"

    response = _reset(client, wrong)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "sms_code_invalid"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_login_code_cannot_reset_the_password(client: Client, sms_inbox, user):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="login")

    assert _reset(client, code).json()["error"]["code"] == "sms_code_expired"


def test_an_unknown_phone_is_refused_as_a_wrong_code_and_sent_nothing(client: Client, sms_inbox, user):
    unknown = "13500009999"
    body = {"phone": unknown, "purpose": "reset_password", **captcha_solved(client)}
    sent = client.post("/api/auth/sms-codes/", body, content_type="application/json")

    response = _reset(client, "123456", phone=unknown)

    assert sent.status_code == 202
    assert sms_inbox.messages == []
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "sms_code_invalid"
    assert not User.objects.filter(phone=unknown).exists()


def test_the_new_passwords_must_match_and_be_strong(client: Client, sms_inbox, user):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="reset_password")

    mismatch = _reset(client, code, new_password_confirm="something else")
    weak = _reset(client, code, new_password="12345678", new_password_confirm="12345678")

    assert mismatch.json()["error"]["fields"]["new_password_confirm"][0]["code"] == "password_mismatch"
    assert "password_entirely_numeric" in [e["code"] for e in weak.json()["error"]["fields"]["new_password"]]
    assert _reset(client, code).status_code == 204  # the code survived the form errors


def test_a_reset_needs_the_captcha(client: Client, sms_inbox, user):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="reset_password")

    assert _reset(client, code, captcha_key="x" * 20).json()["error"]["code"] == "captcha_expired"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"phone": None}, "phone", "null"),
        ({"phone": "15"}, "phone", "invalid_phone"),
        ({"new_password": "n" * 10_000}, "new_password", "max_length"),
        ({"new_password_confirm": "n" * 10_000}, "new_password_confirm", "max_length"),
        ({"sms_code": "<b>123456</b>" * 1000}, "sms_code", "max_length"),
    ],
)
def test_bad_reset_input_is_named(client: Client, overrides, field, code):
    response = _reset(client, "123456", **overrides)

    assert response.status_code == 400
    assert code in [error["code"] for error in response.json()["error"]["fields"][field]]


def test_reset_attempts_are_throttled(client: Client):
    statuses = [_reset(client, "123456", phone="15").status_code for _ in range(11)]

    assert statuses == [400] * 10 + [429]


# ------------------------------------------------------------------------------ change


def test_a_change_keeps_this_session_and_ends_the_others(client: Client, user):
    client.force_login(user)
    other = Client()
    other.force_login(user)
    old_token = Token.objects.create(user=user)

    response = _change(client)

    assert response.status_code == 200
    new_token = response.json()["token"]
    assert new_token != old_token.key
    assert client.get("/api/auth/me/").status_code == 200
    assert other.get("/api/auth/me/").status_code == 401
    assert Client().get("/api/auth/me/", HTTP_AUTHORIZATION=f"Token {old_token.key}").status_code == 401
    assert Client().get("/api/auth/me/", HTTP_AUTHORIZATION=f"Token {new_token}").status_code == 200
    assert _token_for(PHONE, NEW) == 200


def test_a_token_client_changes_its_password_and_gets_a_new_token(client: Client, user):
    old_token = Token.objects.create(user=user)

    response = _change(client, token=old_token.key)

    assert response.status_code == 200
    assert client.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Token {response.json()['token']}").status_code == 200
    assert client.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Token {old_token.key}").status_code == 401


def test_a_wrong_current_password_changes_nothing(client: Client, user):
    client.force_login(user)
    token = Token.objects.create(user=user)

    response = _change(client, old_password="not it")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "old_password": [{"code": "password_incorrect", "message": "The current password is wrong."}]
    }
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert Token.objects.filter(key=token.key).exists()


def test_the_changed_password_must_match_and_be_strong(client: Client, user):
    client.force_login(user)

    mismatch = _change(client, new_password_confirm="other")
    weak = _change(client, new_password="abc", new_password_confirm="abc")

    assert mismatch.json()["error"]["code"] == "password_mismatch"
    assert "password_too_short" in [e["code"] for e in weak.json()["error"]["fields"]["new_password"]]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_changing_the_password_needs_a_signed_in_user(client: Client):
    assert _change(client).status_code == 401


@pytest.mark.parametrize("field", ["old_password", "new_password", "new_password_confirm"])
def test_missing_or_oversized_change_fields_are_named(client: Client, user, field):
    client.force_login(user)

    missing = client.post(
        "/api/auth/password/change/",
        {
            k: v
            for k, v in {"old_password": PASSWORD, "new_password": NEW, "new_password_confirm": NEW}.items()
            if k != field
        },
        content_type="application/json",
    )
    oversized = _change(client, **{field: "y" * 10_000})

    assert missing.json()["error"]["fields"][field][0]["code"] == "required"
    assert oversized.json()["error"]["fields"][field][0]["code"] == "max_length"
