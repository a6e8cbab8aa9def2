"""The SMS backends: the console one logs, the HTTP one signs its requests, and a provider failure stores nothing."""

import json
import logging
import socket
import time
import urllib.error
import urllib.request

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.tests.captcha_kit import captcha_solved

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

PHONE = "13812340000"


def _request(client: Client, phone: str = PHONE) -> tuple[int, dict]:
    body = {"phone": phone, "purpose": "register", **captcha_solved(client)}
    response = client.post("/api/auth/sms-codes/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    return response.status_code, response.json()


def _nothing_stored(phone: str = PHONE) -> bool:
    return cache.get(f"sms:code:register:{phone}") is None and cache.get(f"sms:resend:register:{phone}") is None


def test_the_console_backend_logs_the_message_with_a_masked_phone(client: Client, settings, caplog):
    settings.SMS_BACKEND = "console"

    with caplog.at_level(logging.INFO, logger="accounts.sms"):
        status, _body = _request(client)

    assert status == 202
    [record] = [r for r in caplog.records if r.name == "accounts.sms"]
    text = record.getMessage()
    assert text.startswith("SMS to 138****0000: ")
    assert PHONE not in text
    assert settings.SMS_SIGN_NAME in text


def test_the_provider_receives_a_bearer_key_and_a_valid_signature(client: Client, sms_inbox):
    assert _request(client)[0] == 202

    assert sms_inbox.refused == 0
    assert len(sms_inbox.messages) == 1


def test_the_fake_provider_refuses_a_wrong_signature(sms_inbox):
    body = json.dumps({"phone": PHONE, "sign": "x", "template": "register", "params": {"code": "123456"}}).encode()
    request = urllib.request.Request(  # noqa: S310
        sms_inbox.url,
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {sms_inbox.key}", "X-Signature": "0" * 64},
    )

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)  # noqa: S310

    assert caught.value.code == 401
    assert sms_inbox.messages == []


def test_a_wrong_provider_key_answers_503_and_stores_nothing(client: Client, sms_inbox, settings):
    settings.SMS_PROVIDER_KEY = "not-the-providers-key"

    status, body = _request(client)

    assert status == 503
    assert body["error"]["code"] == "sms_unavailable"
    assert sms_inbox.refused == 1
    assert _nothing_stored()


def test_a_failing_provider_answers_503_and_stores_nothing(client: Client, sms_inbox):
    sms_inbox.fail = True

    status, body = _request(client)

    assert status == 503
    assert body["error"] == {
        "code": "sms_unavailable",
        "message": "The SMS service is unavailable; try again later.",
        "fields": {},
    }
    assert sms_inbox.messages == []
    assert _nothing_stored()


def test_after_a_provider_failure_a_code_can_be_requested_at_once(client: Client, sms_inbox):
    sms_inbox.fail = True
    _request(client)
    sms_inbox.fail = False

    status, _body = _request(client)

    assert status == 202
    assert len(sms_inbox.messages) == 1


def test_a_hanging_provider_times_out_with_503_and_stores_nothing(client: Client, sms_inbox, settings):
    settings.SMS_PROVIDER_TIMEOUT = 0.5
    sms_inbox.hang = True

    started = time.monotonic()
    status, body = _request(client)

    assert time.monotonic() - started < 3
    assert status == 503
    assert body["error"]["code"] == "sms_unavailable"
    assert _nothing_stored()


def test_an_unreachable_provider_answers_503(client: Client, settings):
    with socket.socket() as sock:  # a port nothing listens on once the socket is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.SMS_BACKEND = "http"
    settings.SMS_PROVIDER_URL = f"http://127.0.0.1:{port}/"
    settings.SMS_PROVIDER_KEY = "key"

    status, body = _request(client)

    assert status == 503
    assert body["error"]["code"] == "sms_unavailable"
    assert _nothing_stored()


def test_an_unconfigured_provider_answers_503(client: Client, settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_PROVIDER_URL = ""

    status, body = _request(client)

    assert status == 503
    assert body["error"]["code"] == "sms_unavailable"
    assert _nothing_stored()
