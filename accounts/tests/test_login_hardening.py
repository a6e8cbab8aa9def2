"""Sign-in hardening: limits that cannot lock the owner out or tell accounts apart, the caller's address behind
proxies, an SMS code for staff tokens, the login's CSRF check and the e-mail binding's own limits."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from accounts.services.captcha import captcha_cache_key
from accounts.tests.captcha_kit import captcha_solved, sms_code_received
from accounts.tests.factories import PASSWORD, user_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

PHONE = "13600004321"
UNKNOWN = "13600009876"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.23"


class CountingHasher(MD5PasswordHasher):
    """The test run's hasher, counting how often a password is hashed (a slow hash is what a timing attack sees)."""

    calls = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.calls += 1
        return super().encode(password, salt)


def _token(phone: str = PHONE, password: str = PASSWORD, address: str = ATTACKER, **extra):
    body = {"phone": phone, "password": password, **extra}
    return Client(REMOTE_ADDR=address).post(
        "/api/auth/token/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


# ------------------------------------------------------------------------------ finding 4: no lock, no oracle


def _solved() -> dict[str, str]:
    return captcha_solved(Client())


def test_a_known_phone_that_must_wait_answers_exactly_as_an_unknown_phone():
    user_create(phone=PHONE)
    for _ in range(7):  # past the free failures of a phone from one address (captchas solved, as a bot might)
        _token(password="wrong", **_solved())

    waiting = _token(**_solved())  # the right password, from the guessing address
    unknown = _token(phone=UNKNOWN, password="anything at all")

    assert waiting.status_code == unknown.status_code == 401
    assert waiting.json() == unknown.json()
    assert waiting.json()["error"]["code"] == "invalid_credentials"


def test_failures_from_one_address_do_not_keep_the_owner_out_elsewhere():
    user_create(phone=PHONE)
    for _ in range(9):  # the old lock came after 5; the address's waits begin after 5 here
        _token(password="wrong", **_solved())

    client = Client(REMOTE_ADDR=OWNER)
    response = client.post(
        "/api/auth/token/",
        {"phone": PHONE, "password": PASSWORD, **captcha_solved(client)},
        content_type="application/json",
    )

    assert response.status_code == 200


def test_after_three_failures_a_phone_needs_a_captcha_whether_or_not_it_has_an_account():
    user_create(phone=PHONE)
    for phone, address in ((PHONE, ATTACKER), (UNKNOWN, "192.0.2.99")):
        for _ in range(3):
            _token(phone=phone, password="wrong", address=address)

    known, unknown = _token(address=OWNER), _token(phone=UNKNOWN, address=OWNER)

    assert known.status_code == unknown.status_code == 400
    assert known.json() == unknown.json()
    assert known.json()["error"]["code"] == "captcha_required"


def test_the_captcha_does_not_tell_a_staff_phone_from_a_users():
    staff, user = "13700000101", "13700000102"
    user_create(phone=staff, role=User.Role.REVIEWER, regions=["510000"])
    user_create(phone=user)
    answers = {}
    for phone in (staff, user):
        answers[phone] = [_token(phone=phone, password="wrong", address=OWNER).json()["error"]["code"] for _ in "1234"]

    assert answers[staff] == answers[user] == ["invalid_credentials"] * 3 + ["captcha_required"]


def test_every_refusal_runs_the_password_hasher_once(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    user_create(phone=PHONE)
    hashed = []
    for phone, password in [(UNKNOWN, "x"), (PHONE, "wrong")] + [(PHONE, "wrong")] * 5 + [(PHONE, PASSWORD)]:
        before = CountingHasher.calls
        _token(phone=phone, password=password, **captcha_solved(Client()))
        hashed.append(CountingHasher.calls - before)

    assert hashed == [1] * 8  # unknown phone, wrong passwords, and the right one while the address waits


# ------------------------------------------------------------------------------ finding 3: X-Forwarded-For


def test_a_new_x_forwarded_for_per_request_does_not_escape_the_login_limit(settings):
    settings.TRUSTED_PROXIES, settings.TRUSTED_PROXY_COUNT = [], 0
    client = Client(REMOTE_ADDR=ATTACKER)
    statuses = [
        client.post(
            "/api/auth/token/",
            {"phone": f"1360000{n:04d}", "password": "wrong"},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"10.1.{n}.1",
        ).status_code
        for n in range(11)
    ]

    assert statuses == [401] * 10 + [429]


def test_sms_codes_per_address_count_the_socket_peer_not_the_header(sms_inbox, settings):
    settings.TRUSTED_PROXIES, settings.TRUSTED_PROXY_COUNT = [], 0
    client = Client(REMOTE_ADDR=ATTACKER)
    statuses = [
        client.post(
            "/api/auth/sms-codes/",
            {"phone": f"1370000{n:04d}", "purpose": "register", **captcha_solved(client)},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"10.2.{n}.1",
        ).status_code
        for n in range(21)
    ]

    assert statuses == [202] * 20 + [429]


# ------------------------------------------------------------------------------ SMS second factor for staff tokens


def test_a_staff_token_needs_the_sms_code_sent_after_the_right_password(sms_inbox):
    user_create(phone=PHONE, role=User.Role.CENTRE_STAFF)

    first = _token()
    code = sms_inbox.last_code(PHONE)
    second = _token(sms_code=str(code))

    assert first.status_code == 401
    assert first.json()["error"]["code"] == "sms_code_required"
    assert code is not None
    assert second.status_code == 200


def test_a_wrong_staff_password_says_nothing_of_a_code_and_sends_none(sms_inbox):
    user_create(phone=PHONE, role=User.Role.ADMIN)

    response = _token(password="wrong")

    assert response.json()["error"]["code"] == "invalid_credentials"
    assert sms_inbox.messages == []


def test_a_plain_user_gets_a_token_without_an_sms_code(sms_inbox):
    user_create(phone=PHONE)

    assert _token().status_code == 200
    assert sms_inbox.messages == []


# ------------------------------------------------------------------------------ finding 8: login CSRF, e-mail


def test_a_cross_site_form_post_to_the_login_is_refused_before_any_work():
    user_create(phone=PHONE)
    client = Client(enforce_csrf_checks=True)
    captcha = captcha_solved(client)

    response = client.post("/api/auth/login/", {"phone": PHONE, "password": PASSWORD, "sms_code": "1", **captcha})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert cache.get(captcha_cache_key(captcha["captcha_key"])) is not None  # the captcha was not even looked at


def test_the_login_page_signs_in_with_its_csrf_token(sms_inbox):
    user = user_create(phone=PHONE)
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="login")
    body = {"phone": PHONE, "password": PASSWORD, "sms_code": code, **captcha_solved(client)}

    response = client.post(
        "/api/auth/login/", body, content_type="application/json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value
    )

    assert response.status_code == 200
    assert response.json()["user"]["id"] == user.pk


def test_the_token_api_needs_no_csrf_token_and_sets_no_session():
    user_create(phone=PHONE)
    client = Client(enforce_csrf_checks=True)

    response = client.post("/api/auth/token/", {"phone": PHONE, "password": PASSWORD}, content_type="application/json")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_confirmation_mails_to_one_address_are_limited_whoever_asks():
    senders = [Client(REMOTE_ADDR=f"192.0.2.{n}") for n in range(4)]
    for sender in senders:
        sender.force_login(user_create())

    statuses = [
        sender.post("/api/auth/email/", {"email": "victim@example.com"}, content_type="application/json").status_code
        for sender in senders
    ]

    assert statuses == [202] * 3 + [429]
    assert len(mail.outbox) == 3


def test_one_user_may_ask_for_a_few_confirmation_mails_only():
    client = Client()
    client.force_login(user_create())

    statuses = [
        client.post("/api/auth/email/", {"email": f"me{n}@example.com"}, content_type="application/json").status_code
        for n in range(6)
    ]

    assert statuses == [202] * 5 + [429]
