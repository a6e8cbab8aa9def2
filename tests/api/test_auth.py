"""Session and token authentication, and the login throttle."""

import pytest
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeker() -> User:
    return User.objects.create_user(phone="13800000001", password="correct horse battery")


def test_a_token_obtained_with_the_password_authenticates_api_calls(client: Client, seeker, clear_cache):
    response = client.post(
        "/api/auth/token/",
        {"phone": "13800000001", "password": "correct horse battery"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]

    me = client.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Token {token}")

    assert me.status_code == 200
    assert me.json() == {
        "id": seeker.pk,
        "phone": "13800000001",
        "kind": "individual",
        "role": "user",
        "real_name": "",
        "is_verified": False,
        "is_staff": False,
        "email": "",
        "email_verified_at": None,
        "contact_address": "",
        "parent_id": None,
    }


def test_the_same_token_is_returned_on_a_second_login(client: Client, seeker, clear_cache):
    body = {"phone": "13800000001", "password": "correct horse battery"}
    first = client.post("/api/auth/token/", body, content_type="application/json").json()["token"]
    second = client.post("/api/auth/token/", body, content_type="application/json").json()["token"]

    assert first == second


def test_a_session_authenticates_api_calls(client: Client, seeker):
    client.force_login(seeker)

    assert client.get("/api/auth/me/").json()["phone"] == "13800000001"


def test_anonymous_calls_get_401_with_a_token_challenge(client: Client):
    response = client.get("/api/auth/me/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client: Client, seeker, clear_cache):
    response = client.post(
        "/api/auth/token/", {"phone": "13800000001", "password": "wrong"}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "invalid_credentials",
        "message": "手机号或密码错误；多次输错后请稍候再试。",
        "fields": {},
    }


def test_a_bad_token_is_refused(client: Client):
    response = client.get("/api/auth/me/", HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_login_attempts_are_throttled_per_client(client: Client, seeker, clear_cache):
    bodies = [{"phone": f"1380000{n:04d}", "password": "wrong"} for n in range(900, 911)]  # no accounts, one try each
    statuses = [client.post("/api/auth/token/", body, content_type="application/json").status_code for body in bodies]

    assert statuses == [401] * 10 + [429]
    throttled = client.post("/api/auth/token/", bodies[0], content_type="application/json")
    assert throttled.json()["error"]["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
