"""Login (用户登录) and logout, and the lockout after five wrong passwords, for the login form and the token API."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import PASSWORD, user_create
from tests.fakes import captcha_solved, sms_code_received

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


def _locked_message(user: User) -> str:
    user.refresh_from_db()
    assert user.locked_until is not None
    until = user.locked_until.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
    return f"Too many wrong passwords: the account is locked until {until} (Beijing time)."


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
        "message": "The phone number or password is wrong.",
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
    user.refresh_from_db()
    assert user.failed_logins == 0
    assert client.get("/api/auth/me/").status_code == 401


def test_a_code_of_another_purpose_does_not_log_in(client: Client, sms_inbox, user):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="reset_password")

    response = _login(client, code)

    assert response.json()["error"]["code"] == "sms_code_expired"


def test_the_captcha_is_required(client: Client, user):
    response = _login(client, captcha_answer="WRONG")

    assert response.json()["error"]["code"] == "captcha_invalid"
    user.refresh_from_db()
    assert user.failed_logins == 0


def test_an_inactive_user_cannot_log_in(client: Client, user):
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert _token(client).json()["error"]["code"] == "invalid_credentials"


def test_five_wrong_passwords_in_a_row_lock_the_account_for_fifteen_minutes(client: Client, user):
    statuses = [_token(client, password="wrong").status_code for _ in range(5)]
    before = timezone.now()

    locked = _token(client)  # even the right password

    assert statuses == [401] * 5
    assert locked.status_code == 403
    assert locked.json()["error"] == {"code": "account_locked", "message": _locked_message(user), "fields": {}}
    user.refresh_from_db()
    assert user.failed_logins == 5
    assert timedelta(minutes=14) < user.locked_until - before <= timedelta(minutes=15)


def test_the_login_form_obeys_the_lockout(client: Client, sms_inbox, user):
    User.objects.filter(pk=user.pk).update(failed_logins=4)
    _login(client, password="wrong")  # the fifth in a row
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="login")

    response = _login(client, code)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_locked"
    assert response.json()["error"]["message"] == _locked_message(user)
    assert client.get("/api/auth/me/").status_code == 401


def test_a_locked_account_does_not_count_more_wrong_passwords(client: Client, user):
    for _ in range(5):
        _token(client, password="wrong")
    user.refresh_from_db()
    until = user.locked_until

    _token(client, password="wrong")

    user.refresh_from_db()
    assert (user.failed_logins, user.locked_until) == (5, until)


def test_the_lock_runs_out_after_its_time(client: Client, sms_inbox, user):
    User.objects.filter(pk=user.pk).update(failed_logins=5, locked_until=timezone.now() - timedelta(seconds=1))
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="login")

    response = _login(client, code)

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_after_a_lock_runs_out_a_new_series_of_five_starts(client: Client, user):
    User.objects.filter(pk=user.pk).update(failed_logins=5, locked_until=timezone.now() - timedelta(seconds=1))

    response = _token(client, password="wrong")

    assert response.status_code == 401
    user.refresh_from_db()
    assert (user.failed_logins, user.locked_until) == (1, None)


def test_a_right_login_resets_the_count(client: Client, sms_inbox, user):
    for _ in range(4):
        _token(client, password="wrong")
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="login")

    assert _login(client, code).status_code == 200

    user.refresh_from_db()
    assert user.failed_logins == 0
    assert _token(client, password="wrong").status_code == 401  # four more would be needed again
    user.refresh_from_db()
    assert user.failed_logins == 1


def test_a_right_token_request_resets_the_count(client: Client, user):
    for _ in range(4):
        _token(client, password="wrong")

    assert _token(client).status_code == 200

    user.refresh_from_db()
    assert user.failed_logins == 0


def test_a_right_password_with_a_wrong_sms_code_does_not_reset_the_count(client: Client, sms_inbox, user):
    User.objects.filter(pk=user.pk).update(failed_logins=3)

    _login(client, "000000")

    user.refresh_from_db()
    assert user.failed_logins == 3


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
    user.refresh_from_db()
    assert user.failed_logins == 0


def test_long_strings_to_the_token_api_are_refused_as_input(client: Client, user):
    response = _token(client, password="x" * 10_000, phone="1" * 10_000)

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"phone", "password"}


def test_login_attempts_are_throttled(client: Client, user):
    statuses = [_login(client, password="wrong", phone="13600009999").status_code for _ in range(11)]

    assert statuses == [401] * 10 + [429]
