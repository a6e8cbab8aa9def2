"""The person who reads the image captcha and the phone that receives an SMS code, for tests of the sign-in and
registration flows. The SMS provider itself is a fake third party (tests/fakes/sms_provider.py)."""

from typing import Any

from django.core.cache import cache

from accounts.services.captcha import captcha_cache_key


def captcha_solved(client: Any) -> dict[str, str]:
    """A fresh captcha from the API and its answer, as a person reading the image would type it (lower case, to show
    the check ignores case). The answer is read from our own cache, where the API keeps it."""
    key = client.post("/api/auth/captcha/").json()["key"]
    return {"captcha_key": key, "captcha_answer": cache.get(captcha_cache_key(key)).lower()}


def sms_code_received(client: Any, inbox: Any, *, phone: str, purpose: str, **extra: Any) -> str:
    """Ask the API for an SMS code (after a captcha) and read it off the phone, that is the fake provider's inbox."""
    response = client.post(
        "/api/auth/sms-codes/",
        {"phone": phone, "purpose": purpose, **captcha_solved(client)},
        content_type="application/json",
        **extra,
    )
    assert response.status_code == 202, response.json()
    return str(inbox.last_code(phone))
