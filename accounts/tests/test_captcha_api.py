"""The image captcha: created with an image, answered once, case-insensitively, within 5 minutes."""

import base64
import io

import pytest
from django.core.cache import cache
from django.test import Client
from PIL import Image

from accounts.services.captcha import ALPHABET, captcha_cache_key
from accounts.tests.captcha_kit import captcha_solved

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def _send_code(client: Client, captcha: dict[str, str]) -> dict:
    """The SMS code request is the simplest form that checks a captcha."""
    body = {"phone": "13800001111", "purpose": "register", **captcha}
    response = client.post("/api/auth/sms-codes/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    return {"status": response.status_code, **response.json()}


def test_a_new_captcha_has_a_key_and_a_png_image_as_a_data_url(client: Client):
    response = client.post("/api/auth/captcha/")

    assert response.status_code == 201
    body = response.json()
    prefix = "data:image/png;base64,"
    assert body["image"].startswith(prefix)
    image = Image.open(io.BytesIO(base64.b64decode(body["image"][len(prefix) :])))
    assert image.format == "PNG"
    assert image.size == (150, 50)
    assert len(body["key"]) >= 16


def test_the_answer_has_four_or_five_unambiguous_characters(client: Client):
    answers = [cache.get(captcha_cache_key(client.post("/api/auth/captcha/").json()["key"])) for _ in range(40)]

    assert {len(answer) for answer in answers} <= {4, 5}
    assert set("".join(answers)) <= set(ALPHABET)
    assert not set("0O1IL2Z5S8B") & set(ALPHABET)


def test_the_image_of_a_live_captcha_is_served_as_png(client: Client):
    key = client.post("/api/auth/captcha/").json()["key"]

    response = client.get(f"/api/auth/captcha/{key}.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "no-store"
    assert Image.open(io.BytesIO(response.content)).format == "PNG"


def test_the_image_of_an_unknown_captcha_is_a_404(client: Client):
    response = client.get("/api/auth/captcha/no-such-captcha-key-at-all.png")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "captcha_expired"


def test_the_answer_lives_five_minutes_in_the_cache(client: Client):
    key = client.post("/api/auth/captcha/").json()["key"]

    redis = cache._cache.get_client(write=False)  # type: ignore[attr-defined]
    assert 290 <= redis.ttl(cache.make_key(captcha_cache_key(key))) <= 300


def test_the_answer_is_accepted_in_any_case(client: Client, sms_inbox):
    captcha = captcha_solved(client)  # typed in lower case
    assert captcha["captcha_answer"] == captcha["captcha_answer"].lower()

    assert _send_code(client, captcha)["status"] == 202


def test_a_wrong_answer_is_refused_on_the_captcha_field(client: Client, sms_inbox):
    captcha = captcha_solved(client)

    result = _send_code(client, {**captcha, "captcha_answer": "ZZZZZZ"})

    assert result["status"] == 400
    assert result["error"]["code"] == "captcha_invalid"
    assert result["error"]["fields"]["captcha"][0] == {
        "code": "captcha_invalid",
        "message": "The image verification code is wrong.",
    }
    assert sms_inbox.messages == []


def test_a_wrong_answer_uses_the_captcha_up(client: Client, sms_inbox):
    captcha = captcha_solved(client)
    _send_code(client, {**captcha, "captcha_answer": "ZZZZZZ"})

    result = _send_code(client, captcha)

    assert result["error"]["code"] == "captcha_expired"
    assert sms_inbox.messages == []


def test_a_right_answer_cannot_be_used_twice(client: Client, sms_inbox):
    captcha = captcha_solved(client)
    assert _send_code(client, captcha)["status"] == 202

    result = _send_code(client, captcha)

    assert result["status"] == 400
    assert result["error"]["code"] == "captcha_expired"
    assert len(sms_inbox.messages) == 1


def test_an_expired_captcha_is_refused(client: Client, sms_inbox):
    captcha = captcha_solved(client)
    cache.delete(captcha_cache_key(captcha["captcha_key"]))  # what Redis does after 5 minutes

    result = _send_code(client, captcha)

    assert result["error"]["code"] == "captcha_expired"
    assert client.get(f"/api/auth/captcha/{captcha['captcha_key']}.png").status_code == 404


@pytest.mark.parametrize(
    ("captcha", "field", "code"),
    [
        ({}, "captcha_key", "required"),
        ({"captcha_key": "k" * 20}, "captcha_answer", "required"),
        ({"captcha_key": "k" * 10_000, "captcha_answer": "ABCD"}, "captcha_key", "max_length"),
        ({"captcha_key": "k" * 20, "captcha_answer": "A" * 10_000}, "captcha_answer", "max_length"),
    ],
)
def test_missing_or_oversized_captcha_fields_are_named(client: Client, captcha, field, code):
    result = _send_code(client, captcha)

    assert result["status"] == 400
    assert result["error"]["fields"][field][0]["code"] == code


def test_a_key_of_odd_characters_is_just_unknown(client: Client):
    result = _send_code(client, {"captcha_key": "<script>alert(1)</script>", "captcha_answer": "ABCD"})

    assert result["status"] == 400
    assert result["error"]["code"] == "captcha_expired"
