"""SMS verification codes: send one (rate-limited) and check it (hashed, five tries, single use)."""

import contextlib
import hashlib
import math
import re
import secrets
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import models
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import phone_validator
from accounts.sms import SmsUnavailable, sms_backend
from core.errors import ApplicationError, InvalidInput
from core.throttling import cache_increment

CODE_TTL_SECONDS = 5 * 60
RESEND_AFTER_SECONDS = 60
DAILY_LIMIT_PER_PHONE = 10
HOURLY_LIMIT_PER_IP = 20
MAX_TRIES = 5
SHANGHAI = ZoneInfo("Asia/Shanghai")
_PHONE = re.compile(phone_validator.regex)

__all__ = [
    "RESEND_AFTER_SECONDS",
    "SmsPurpose",
    "SmsRateLimited",
    "SmsUnavailable",
    "sms_code_decoy",
    "sms_code_send",
    "sms_code_verify",
]


class SmsPurpose(models.TextChoices):
    REGISTER = "register", _("registration")
    LOGIN = "login", _("login")
    RESET_PASSWORD = "reset_password", _("password reset")
    BIND_PHONE = "bind_phone", _("phone binding")
    GRANT_LOOKUP = "grant_lookup", _("grant lookup")


class SmsRateLimited(ApplicationError):
    status_code = 429
    default_code = "sms_rate_limited"
    default_message = _("Too many verification codes were requested; try again later.")

    def __init__(self, *, retry_after: int):
        self.retry_after = retry_after
        if retry_after <= 120:
            message = _("Too many verification codes were requested; try again in %(seconds)d seconds.") % {
                "seconds": retry_after
            }
        else:
            message = _("Too many verification codes were requested; try again in %(minutes)d minutes.") % {
                "minutes": math.ceil(retry_after / 60)
            }
        super().__init__(message)


def _code_error(code: str) -> InvalidInput:
    messages = {
        "sms_code_invalid": gettext("The SMS verification code is wrong."),
        "sms_code_expired": gettext("The SMS verification code has expired or was used up; request a new one."),
    }
    return InvalidInput(messages[code], code=code, fields={"sms_code": [{"code": code, "message": messages[code]}]})


def _check(*, phone: str, purpose: str) -> None:
    if purpose not in SmsPurpose.values:
        raise ValueError(f"unknown SMS purpose {purpose!r}")
    if not isinstance(phone, str) or not _PHONE.fullmatch(phone):
        message = str(phone_validator.message)
        raise InvalidInput(
            message, code="invalid_phone", fields={"phone": [{"code": "invalid_phone", "message": message}]}
        )


def _keys(phone: str, purpose: str) -> tuple[str, str]:
    return f"sms:code:{purpose}:{phone}", f"sms:tries:{purpose}:{phone}"


def _digest(*, phone: str, purpose: str, code: str) -> str:
    return salted_hmac("accounts.sms.code", f"{purpose}:{phone}:{code}", algorithm="sha256").hexdigest()


def _take(key: str, *, limit: int, ttl: int) -> bool:
    """One more use of a counted allowance; False (and nothing taken) once the limit is reached."""
    if cache_increment(key, ttl=ttl) > limit:
        cache.decr(key)
        return False
    return True


def _give_back(key: str) -> None:
    with contextlib.suppress(ValueError):
        cache.decr(key)


def _send(*, phone: str, purpose: str, client_ip: str | None, deliver: bool) -> None:
    _check(phone=phone, purpose=purpose)
    now = time.time()
    today = datetime.fromtimestamp(now, SHANGHAI)
    midnight = datetime.combine(today.date() + timedelta(days=1), datetime.min.time(), SHANGHAI)
    resend_key = f"sms:resend:{purpose}:{phone}"
    day_key = f"sms:day:{today:%Y%m%d}:{phone}"
    ip_key = None
    if client_ip:
        ip_hash = hashlib.sha256(client_ip.encode()).hexdigest()[:32]
        ip_key = f"sms:ip:{today:%Y%m%d%H}:{ip_hash}"

    if not cache.add(resend_key, now + RESEND_AFTER_SECONDS, RESEND_AFTER_SECONDS):
        resend_at = cache.get(resend_key) or now + 1
        raise SmsRateLimited(retry_after=max(1, math.ceil(resend_at - now)))
    taken: list[str] = []
    limits: list[tuple[str | None, int, int]] = [
        (day_key, DAILY_LIMIT_PER_PHONE, math.ceil(midnight.timestamp() - now)),
        (ip_key, HOURLY_LIMIT_PER_IP, 3600 - int(now) % 3600),
    ]
    for key, limit, wait in limits:
        if key is None:
            continue
        if not _take(key, limit=limit, ttl=wait + 60):
            cache.delete(resend_key)
            for done in taken:
                _give_back(done)
            raise SmsRateLimited(retry_after=max(1, wait))
        taken.append(key)

    code = f"{secrets.randbelow(10**6):06d}"
    if deliver:
        try:
            sms_backend().send_code(phone=phone, purpose=purpose, code=code)
        except SmsUnavailable:
            cache.delete(resend_key)
            for done in taken:
                _give_back(done)
            raise
    code_key, tries_key = _keys(phone, purpose)
    cache.set_many({code_key: _digest(phone=phone, purpose=purpose, code=code), tries_key: 0}, CODE_TTL_SECONDS)


def sms_code_send(*, phone: str, purpose: str, client_ip: str | None = None) -> None:
    """Send a fresh 6-digit code for the purpose to the phone; it replaces any earlier one and lives 5 minutes.

    Limits: one per phone and purpose per minute, 10 per phone per day (Beijing time), 20 per client IP per hour
    (SmsRateLimited, 429). A provider failure raises SmsUnavailable (503) and stores no code.
    """
    _send(phone=phone, purpose=purpose, client_ip=client_ip, deliver=True)


def sms_code_decoy(*, phone: str, purpose: str, client_ip: str | None = None) -> None:
    """Everything sms_code_send does (limits, a stored code) except the delivery: for a phone with no account, so
    that neither the answer nor a later check of a guessed code tells whether the account exists."""
    _send(phone=phone, purpose=purpose, client_ip=client_ip, deliver=False)


def sms_code_verify(*, phone: str, purpose: str, code: str) -> None:
    """Accept the code sent to the phone for the purpose, once; five wrong tries void it.

    Raises InvalidInput on the field `sms_code`: `sms_code_invalid` (wrong) or `sms_code_expired` (none live).
    """
    _check(phone=phone, purpose=purpose)
    code_key, tries_key = _keys(phone, purpose)
    stored = cache.get(code_key)
    if stored is None:
        raise _code_error("sms_code_expired")
    try:
        tries = cache.incr(tries_key)
    except ValueError:
        raise _code_error("sms_code_expired") from None
    if tries > MAX_TRIES:
        cache.delete_many([code_key, tries_key])
        raise _code_error("sms_code_expired")
    if isinstance(code, str) and constant_time_compare(stored, _digest(phone=phone, purpose=purpose, code=code)):
        if not cache.delete(code_key):  # another request used it a moment ago
            raise _code_error("sms_code_expired")
        cache.delete(tries_key)
        return
    if tries >= MAX_TRIES:
        cache.delete_many([code_key, tries_key])
    raise _code_error("sms_code_invalid")
