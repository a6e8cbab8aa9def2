"""SMS gateways: how a verification code leaves the system, chosen by the SMS_BACKEND setting ("console" or "http")."""

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import ServiceUnavailable

logger = logging.getLogger("accounts.sms")


class SmsUnavailable(ServiceUnavailable):
    default_code = "sms_unavailable"
    default_message = _("The SMS service is unavailable; try again later.")


class SmsBackend(Protocol):
    def send_code(self, *, phone: str, purpose: str, code: str) -> None:
        """Deliver a verification code for a purpose, or raise SmsUnavailable."""


def phone_masked(phone: str) -> str:
    """138****0000: enough for a person to recognise the number, not enough to collect it from logs."""
    return f"{phone[:3]}****{phone[-4:]}"


def code_text(code: str) -> str:
    return gettext("【%(sign)s】Your verification code is %(code)s, valid for 5 minutes. Do not share it.") % {
        "sign": settings.SMS_SIGN_NAME,
        "code": code,
    }


class ConsoleBackend:
    """Writes the message to the log instead of sending it. For development only: no phone ever receives it."""

    def send_code(self, *, phone: str, purpose: str, code: str) -> None:
        logger.info("SMS to %s: %s", phone_masked(phone), code_text(code))


class HttpBackend:
    """The SMS provider's JSON API: a bearer key, and an HMAC-SHA256 of the body under the same key in X-Signature."""

    def send_code(self, *, phone: str, purpose: str, code: str) -> None:
        url, key = settings.SMS_PROVIDER_URL, settings.SMS_PROVIDER_KEY
        if not url.startswith(("http://", "https://")) or not key:
            logger.error("SMS_PROVIDER_URL or SMS_PROVIDER_KEY is not set; no SMS can be sent")
            raise SmsUnavailable()
        body = json.dumps(
            {
                "phone": phone,
                "sign": settings.SMS_SIGN_NAME,
                "template": settings.SMS_TEMPLATES.get(purpose, purpose),
                "params": {"code": code},
            },
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {key}",
                "X-Signature": hmac.new(key.encode(), body, hashlib.sha256).hexdigest(),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_PROVIDER_TIMEOUT) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            logger.error("SMS provider refused the message to %s: HTTP %s", phone_masked(phone), exc.code)
            raise SmsUnavailable() from exc
        except (OSError, TimeoutError) as exc:  # URLError, refused connections, timeouts
            logger.error("SMS provider did not answer for %s: %s", phone_masked(phone), exc)
            raise SmsUnavailable() from exc


BACKENDS: dict[str, type[SmsBackend]] = {"console": ConsoleBackend, "http": HttpBackend}


def sms_backend() -> SmsBackend:
    """The backend the settings name now (read on every send, so tests and deployments can switch it)."""
    try:
        return BACKENDS[settings.SMS_BACKEND]()
    except KeyError:
        raise ImproperlyConfigured(f"SMS_BACKEND must be one of {sorted(BACKENDS)}") from None
