"""Login (用户登录) and logout, and how wrong passwords are counted, for the login form and the token API (the
limits themselves: test_login_hardening.py)."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.services.login_limits import login_failure_count
from accounts.tests.captcha_kit import captcha_solved, sms_code_received
from accounts.tests.factories import PASSWORD, user_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

PHONE = "13600001234"


@pytest.fixture
def user() -> User:
    return user_create(phone=PHONE)


def _login(client: Client, code: str = "000000", **overrides):
    body = {"phone": PHONE, "password": PASSWORD, "sms_code": code, **captcha_solved(client), **overrides}
    return client.post("/api/auth/login/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def _token(client: Client, password: str = PASSWORD, phone: str = PHONE):
    body = {"phone": phone, "password": password}
    return client.post("/api/auth/token/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


WRONG_MESSAGE = "The phone number or password is wrong; after several wrong tries, wait a while before the next."


def test_login_with_password_captcha_and_sms_code_signs_in(client: Client, sms_inbox, user):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="login")

    response = _login(client, code)

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["id"] == user.pk
    assert client.get("/api/auth/me/").json()["id"] == user.pk
    assert Client().get("/api/auth/me/", HTTP_AUTHORIZATION=f"Token {body['token']}").status_code == 200


def test_a_wrong_password_is_refused_and_keeps_the_sms_code(client: Client, sms_inbox, user):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="login")

    wrong = _login(client, code, password="not my password")
    right = _login(client, code)

    assert wrong.status_code == 401
    assert wrong.json()["error"] == {
        "code": "invalid_credentials",
        "message": WRONG_MESSAGE,
        "fields": {},
    }
    assert right.status_code == 200


def test_an_unknown_phone_answers_exactly_as_a_wrong_password(client: Client, sms_inbox, user):
    unknown = _login(client, phone="13600009999")
    wrong = _login(client, password="not my password")

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


def test_a_wrong_sms_code_is_refused_without_counting_as_a_wrong_password(client: Client, sms_inbox, user):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="login")
    wrong = "000000" if code != "000000" else "111111"

    response = _login(client, wrong)

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["sms_code"][0]["code"] == "sms_code_invalid"
    assert login_failure_count(phone=PHONE) == 0
    assert client.get("/api/auth/me/").status_code == 401


def test_a_code_of_another_purpose_does_not_log_in(client: Client, sms_inbox, user):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="reset_password")

    response = _login(client, code)

    assert response.json()["error"]["code"] == "sms_code_expired"


def test_the_captcha_is_required(client: Client, user):
    response = _login(client, captcha_answer="WRONG")

    assert response.json()["error"]["code"] == "captcha_invalid"
    assert login_failure_count(phone=PHONE) == 0


def test_an_inactive_user_cannot_log_in(client: Client, user):
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert _token(client).json()["error"]["code"] == "invalid_credentials"


def test_wrong_passwords_to_the_form_and_the_token_api_count_for_the_phone(client: Client, user):
    _token(client, password="wrong")
    _login(client, password="wrong")

    assert login_failure_count(phone=PHONE) == 2


def test_a_right_login_resets_the_count(client: Client, sms_inbox, user):
    for _ in range(4):
        _token(client, password="wrong")
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="login")

    assert _login(client, code).status_code == 200

    assert login_failure_count(phone=PHONE) == 0
    assert _token(client, password="wrong").status_code == 401
    assert login_failure_count(phone=PHONE) == 1


def test_a_right_token_request_resets_the_count(client: Client, user):
    for _ in range(2):  # below the captcha's count
        _token(client, password="wrong")

    assert _token(client).status_code == 200

    assert login_failure_count(phone=PHONE) == 0


def test_a_right_password_with_a_wrong_sms_code_does_not_reset_the_count(client: Client, sms_inbox, user):
    for _ in range(3):
        _token(client, password="wrong")

    _login(client, "000000")

    assert login_failure_count(phone=PHONE) == 3


def test_logout_ends_the_session(client: Client, sms_inbox, user):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="login")
    token = _login(client, code).json()["token"]

    response = client.post("/api/auth/logout/")

    assert response.status_code == 204
    assert client.get("/api/auth/me/").status_code == 401
    assert Client().get("/api/auth/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200  # other clients


def test_logout_with_a_token_revokes_the_token(client: Client, user):
    token = _token(client).json()["token"]

    response = client.post("/api/auth/logout/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 204
    assert client.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_logout_without_a_session_is_harmless(client: Client):
    assert client.post("/api/auth/logout/").status_code == 204


@pytest.mark.parametrize("field", ["phone", "password", "sms_code", "captcha_key", "captcha_answer"])
def test_missing_fields_are_named(client: Client, field):
    body = {"phone": PHONE, "password": PASSWORD, "sms_code": "123456", **captcha_solved(client)}
    del body[field]

    response = client.post("/api/auth/login/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"][field][0]["code"] == "required"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"phone": "1360000123"}, "phone", "invalid_phone"),
        ({"phone": "x" * 10_000}, "phone", "max_length"),
        ({"password": "x" * 10_000}, "password", "max_length"),
        ({"sms_code": "9" * 10_000}, "sms_code", "max_length"),
        ({"password": {"nested": "object"}}, "password", "invalid"),
    ],
)
def test_bad_input_is_named(client: Client, user, overrides, field, code):
    response = _login(client, **overrides)

    assert response.status_code == 400
    assert code in [error["code"] for error in response.json()["error"]["fields"][field]]
    assert login_failure_count(phone=PHONE) == 0


def test_long_strings_to_the_token_api_are_refused_as_input(client: Client, user):
    response = _token(client, password="x" * 10_000, phone="1" * 10_000)

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"phone", "password"}


def test_login_attempts_are_throttled(client: Client, user):
    statuses = [_login(client, password="wrong", phone="13600009999").status_code for _ in range(11)]

    assert statuses == [401] * 10 + [429]
