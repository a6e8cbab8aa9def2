"""Wrong passwords: growing waits per phone, per phone and address and per address, a captcha after a few; no lock.

Counted by the phone as typed (hashed), whether or not an account has it, so an unknown phone meets the same limits
as a known one. The waits are what slows a guesser; none of them is a lock another person can hold:
- one address that keeps guessing one phone waits 2 s, 4 s, 8 s … up to an hour (PAIR_WAIT_AFTER free failures);
- one address guessing many phones waits likewise after ADDRESS_WAIT_AFTER failures;
- a phone guessed from anywhere needs a solved image captcha on every attempt after CAPTCHA_AFTER failures, and waits
  at most a minute (PHONE_WAIT_CAP) after PHONE_WAIT_AFTER, so the owner signing in from elsewhere is never held long.
Staff accounts (accounts.selectors.is_staff_member) wait sooner; the captcha comes at the same count for all.
Counts are forgotten a day after the last failure and when the owner signs in or resets the password.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache

from core.throttling import cache_increment

FIRST_WAIT = 2  # seconds; each further failure doubles it
PAIR_WAIT_CAP = 60 * 60
ADDRESS_WAIT_CAP = 60 * 60
PHONE_WAIT_CAP = 60
ADDRESS_WAIT_AFTER = 20
FORGET_AFTER = 24 * 60 * 60


@dataclass(frozen=True)
class Limits:
    captcha_after: int  # failures of a phone (from anywhere) after which every attempt must solve a captcha
    phone_wait_after: int  # failures of a phone (from anywhere) after which each one makes it wait
    pair_wait_after: int  # failures of a phone from one address after which each one makes that address wait


# The captcha is asked at the same count for everyone: an earlier captcha would tell a prober the phone is staff's.
# The waits, which answer like a wrong password, come sooner for staff.
USER_LIMITS = Limits(captcha_after=3, phone_wait_after=10, pair_wait_after=5)
STAFF_LIMITS = Limits(captcha_after=3, phone_wait_after=6, pair_wait_after=3)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _scopes(*, phone: str, address: str) -> dict[str, str]:
    phone_hash = _hash(phone)
    return {"phone": phone_hash, "pair": f"{phone_hash}:{_hash(address)}", "address": _hash(address)}


def _count_key(scope: str, name: str) -> str:
    return f"login:fail:{scope}:{name}"


def _wait_key(scope: str, name: str) -> str:
    return f"login:wait:{scope}:{name}"


def login_needs_captcha(*, phone: str, limits: Limits) -> bool:
    """Whether the next attempt for this phone must carry a solved image captcha."""
    return login_failure_count(phone=phone) >= limits.captcha_after


def login_must_wait(*, phone: str, address: str) -> bool:
    """Whether an attempt for this phone from this address comes too soon after the last failures."""
    scopes = _scopes(phone=phone, address=address)
    return bool(cache.get_many([_wait_key(scope, name) for scope, name in scopes.items()]))


def _count(key: str) -> int:
    """One more failure; the count is forgotten FORGET_AFTER seconds after the last one."""
    count = cache_increment(key, ttl=FORGET_AFTER)
    cache.touch(key, FORGET_AFTER)
    return count


def login_failed(*, phone: str, address: str, limits: Limits) -> None:
    """Count a wrong password; past a scope's free failures, that scope waits FIRST_WAIT doubled per failure."""
    free = {"phone": limits.phone_wait_after, "pair": limits.pair_wait_after, "address": ADDRESS_WAIT_AFTER}
    caps = {"phone": PHONE_WAIT_CAP, "pair": PAIR_WAIT_CAP, "address": ADDRESS_WAIT_CAP}
    for scope, name in _scopes(phone=phone, address=address).items():
        over = _count(_count_key(scope, name)) - free[scope]
        if over > 0:
            cache.set(_wait_key(scope, name), 1, min(caps[scope], FIRST_WAIT * 2 ** min(over - 1, 20)))


def login_succeeded(*, phone: str, address: str) -> None:
    """The owner signed in: the phone's failures, and those from this address for it, are forgotten."""
    scopes = _scopes(phone=phone, address=address)
    keys = [key(scope, scopes[scope]) for scope in ("phone", "pair") for key in (_count_key, _wait_key)]
    cache.delete_many(keys)


def login_limits_lift(*, phone: str) -> None:
    """A new password was set: the phone's own failures are forgotten (an address's waits run out by themselves)."""
    name = _hash(phone)
    cache.delete_many([_count_key("phone", name), _wait_key("phone", name)])


def login_failure_count(*, phone: str) -> int:
    """The phone's wrong passwords (from anywhere) still remembered."""
    return int(cache.get(_count_key("phone", _hash(phone))) or 0)
