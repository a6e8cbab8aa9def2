"""SMS verification codes through the API: sending, limits, checking, and the rules of each purpose."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.services.sms import SmsPurpose, SmsRateLimited, sms_code_send, sms_code_verify
from accounts.tests.captcha_kit import captcha_solved, sms_code_received
from accounts.tests.factories import PASSWORD, user_create
from core.errors import InvalidInput

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

PHONE = "13800002222"


def _request(client: Client, phone: str = PHONE, purpose: str = "register", **extra) -> tuple[int, dict]:
    body = {"phone": phone, "purpose": purpose, **captcha_solved(client)}
    response = client.post("/api/auth/sms-codes/", body, content_type="application/json", **extra)
    return response.status_code, response.json()


def _verify_error(phone: str, purpose: str, code: str) -> str:
    with pytest.raises(InvalidInput) as caught:
        sms_code_verify(phone=phone, purpose=purpose, code=code)
    assert list(caught.value.fields) == ["sms_code"]
    return caught.value.code


def _wait_a_minute(phone: str, purpose: str) -> None:
    """What a minute's wait does to the resend limit (the other counters stay)."""
    cache.delete(f"sms:resend:{purpose}:{phone}")


def test_a_code_is_sent_to_the_provider_and_the_answer_says_when_to_resend(client: Client, sms_inbox, settings):
    status, body = _request(client)

    assert (status, body) == (202, {"sent": True, "resend_after": 60})
    [message] = sms_inbox.messages
    assert message["phone"] == PHONE
    assert message["sign"] == settings.SMS_SIGN_NAME
    assert message["template"] == "register"
    assert re.fullmatch(r"\d{6}", message["params"]["code"])


def test_the_template_follows_the_purpose_map(client: Client, sms_inbox, settings):
    settings.SMS_TEMPLATES = {"register": "SMS_1001"}

    _request(client)

    assert sms_inbox.messages[0]["template"] == "SMS_1001"


def test_the_code_is_stored_hashed_not_in_plain(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")

    stored = cache.get(f"sms:code:register:{PHONE}")
    assert stored is not None
    assert code not in str(stored)


def test_the_right_code_is_accepted_once(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")

    sms_code_verify(phone=PHONE, purpose="register", code=code)

    assert _verify_error(PHONE, "register", code) == "sms_code_expired"


def test_a_wrong_code_is_refused_and_the_right_one_still_works(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")
    wrong = "000000" if code != "000000" else "111111"

    assert _verify_error(PHONE, "register", wrong) == "sms_code_invalid"
    sms_code_verify(phone=PHONE, purpose="register", code=code)


def test_five_wrong_tries_void_the_code(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")
    wrong = "000000" if code != "000000" else "111111"

    errors = [_verify_error(PHONE, "register", wrong) for _ in range(5)]

    assert errors == ["sms_code_invalid"] * 5
    assert _verify_error(PHONE, "register", code) == "sms_code_expired"


def test_a_code_is_only_good_for_its_purpose_and_phone(client: Client, sms_inbox):
    code = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")

    assert _verify_error(PHONE, "grant_lookup", code) == "sms_code_expired"
    assert _verify_error("13800002223", "register", code) == "sms_code_expired"


def test_a_new_code_replaces_the_earlier_one(client: Client, sms_inbox):
    first = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")
    _wait_a_minute(PHONE, "register")
    second = sms_code_received(client, sms_inbox, phone=PHONE, purpose="register")
    if first == second:
        pytest.skip("the two random codes happened to be equal")

    assert _verify_error(PHONE, "register", first) == "sms_code_invalid"
    sms_code_verify(phone=PHONE, purpose="register", code=second)


def test_a_second_code_within_a_minute_is_refused_with_the_wait(client: Client, sms_inbox):
    _request(client)

    status, body = _request(client, HTTP_ACCEPT_LANGUAGE="en")

    assert status == 429
    assert body["error"]["code"] == "sms_rate_limited"
    wait = re.search(r"in (\d+) seconds", body["error"]["message"])
    assert wait is not None
    assert 55 <= int(wait.group(1)) <= 60
    assert len(sms_inbox.messages) == 1


def test_the_minute_limit_is_per_purpose(client: Client, sms_inbox):
    user_create(phone=PHONE)
    _request(client, purpose="login")

    status, _body = _request(client, purpose="reset_password")

    assert status == 202
    assert len(sms_inbox.messages) == 2


def test_a_phone_gets_at_most_ten_codes_a_day(client: Client, sms_inbox):
    statuses = []
    for _ in range(11):
        statuses.append(_request(client, HTTP_ACCEPT_LANGUAGE="en")[0])
        _wait_a_minute(PHONE, "register")

    assert statuses == [202] * 10 + [429]
    status, body = _request(client, HTTP_ACCEPT_LANGUAGE="en")
    assert status == 429
    assert re.search(r"try again in \d+ (seconds|minutes)", body["error"]["message"])
    assert len(sms_inbox.messages) == 10


def test_a_client_address_gets_at_most_twenty_codes_an_hour(client: Client, sms_inbox):
    phones = [f"1380000{n:04d}" for n in range(21)]

    statuses = [_request(client, phone=phone, REMOTE_ADDR="203.0.113.7")[0] for phone in phones]

    assert statuses == [202] * 20 + [429]
    assert _request(client, phone="13800009999", REMOTE_ADDR="203.0.113.8")[0] == 202
    assert len(sms_inbox.messages) == 21


def test_a_refused_request_does_not_use_up_the_other_allowances(client: Client, sms_inbox):
    for n in range(20):
        _request(client, phone=f"1380000{n:04d}", REMOTE_ADDR="203.0.113.7")

    assert _request(client, phone=PHONE, REMOTE_ADDR="203.0.113.7")[0] == 429
    # the phone's minute was not taken by the refused request
    assert _request(client, phone=PHONE, REMOTE_ADDR="203.0.113.9")[0] == 202


def test_registering_needs_a_free_phone(client: Client, sms_inbox):
    user_create(phone=PHONE)

    status, body = _request(client, purpose="register")

    assert status == 400
    assert body["error"]["code"] == "phone_taken"
    assert body["error"]["fields"]["phone"][0]["code"] == "phone_taken"
    assert sms_inbox.messages == []


@pytest.mark.parametrize("purpose", ["login", "reset_password"])
def test_a_phone_without_an_account_gets_the_same_answers_but_no_message(client: Client, sms_inbox, purpose):
    user_create(phone=PHONE)
    unknown = "13800003333"

    first = (_request(client, phone=PHONE, purpose=purpose), _request(client, phone=unknown, purpose=purpose))
    again = (_request(client, phone=PHONE, purpose=purpose), _request(client, phone=unknown, purpose=purpose))

    assert first[0] == first[1] == (202, {"sent": True, "resend_after": 60})
    assert again[0][0] == again[1][0] == 429
    assert again[0][1]["error"]["code"] == again[1][1]["error"]["code"] == "sms_rate_limited"
    assert [message["phone"] for message in sms_inbox.messages] == [PHONE]
    # a guessed code for the unknown phone is refused exactly as a wrong code for the known one
    assert _verify_error(unknown, purpose, "123456") == _verify_error(PHONE, purpose, "123457") == "sms_code_invalid"


def test_binding_a_phone_needs_a_signed_in_user(client: Client, sms_inbox):
    status, body = _request(client, purpose="bind_phone")

    assert status == 403
    assert body["error"]["code"] == "not_authenticated"
    assert sms_inbox.messages == []


def test_binding_a_phone_sends_to_a_free_new_phone(client: Client, sms_inbox):
    user = user_create()
    user_create(phone="13800004444")
    client.force_login(user)

    taken = _request(client, phone="13800004444", purpose="bind_phone")
    free = _request(client, phone=PHONE, purpose="bind_phone")

    assert taken[1]["error"]["code"] == "phone_taken"
    assert free[0] == 202
    assert [message["phone"] for message in sms_inbox.messages] == [PHONE]


def test_a_token_client_may_bind_a_phone(client: Client, sms_inbox):
    user = user_create()
    token = client.post(
        "/api/auth/token/", {"phone": user.phone, "password": PASSWORD}, content_type="application/json"
    ).json()["token"]

    status, _body = _request(client, purpose="bind_phone", HTTP_AUTHORIZATION=f"Token {token}")

    assert status == 202


def test_grant_lookup_codes_go_to_any_phone(client: Client, sms_inbox):
    status, _body = _request(client, purpose=SmsPurpose.GRANT_LOOKUP)

    assert status == 202
    assert sms_inbox.messages[0]["template"] == "grant_lookup"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"purpose": "register"}, "phone", "required"),
        ({"phone": PHONE}, "purpose", "required"),
        ({"phone": "12345678901", "purpose": "register"}, "phone", "invalid_phone"),
        ({"phone": "1380000222", "purpose": "register"}, "phone", "invalid_phone"),
        ({"phone": "1380000222x", "purpose": "register"}, "phone", "invalid_phone"),
        ({"phone": "1" * 10_000, "purpose": "register"}, "phone", "max_length"),
        ({"phone": PHONE, "purpose": "spam"}, "purpose", "invalid_choice"),
        ({"phone": PHONE, "purpose": "x" * 10_000}, "purpose", "invalid_choice"),
        ({"phone": ["13800002222"], "purpose": "register"}, "phone", "invalid"),
    ],
)
def test_bad_input_is_named_and_nothing_is_sent(client: Client, sms_inbox, body, field, code):
    response = client.post("/api/auth/sms-codes/", {**body, **captcha_solved(client)}, content_type="application/json")

    assert response.status_code == 400
    assert code in [error["code"] for error in response.json()["error"]["fields"][field]]
    assert sms_inbox.messages == []


def test_other_apps_send_and_check_codes_through_the_service(sms_inbox):
    sms_code_send(phone=PHONE, purpose=SmsPurpose.GRANT_LOOKUP, client_ip="198.51.100.1")

    sms_code_verify(phone=PHONE, purpose=SmsPurpose.GRANT_LOOKUP, code=sms_inbox.last_code(PHONE))
    with pytest.raises(SmsRateLimited) as caught:
        sms_code_send(phone=PHONE, purpose=SmsPurpose.GRANT_LOOKUP)
    assert (caught.value.status_code, caught.value.code) == (429, "sms_rate_limited")
    assert 55 <= caught.value.retry_after <= 60


def test_the_service_refuses_a_malformed_phone_on_the_phone_field(sms_inbox):
    with pytest.raises(InvalidInput) as caught:
        sms_code_send(phone="12345", purpose=SmsPurpose.GRANT_LOOKUP)

    assert caught.value.fields["phone"][0]["code"] == "invalid_phone"
    assert sms_inbox.messages == []


def test_the_service_refuses_an_unknown_purpose_as_a_programming_error(sms_inbox):
    with pytest.raises(ValueError, match="unknown SMS purpose"):
        sms_code_send(phone=PHONE, purpose="newsletter")
