"""The one clock of trading: the database's. Every process reads the same time from PostgreSQL.

Tests may shift it (`shifted`) to play a scenario through a deadline; the shift exists only where the settings allow
it (CLOCK_SHIFT_ALLOWED, the test settings), never in production.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

_shift = timedelta(0)


def db_now() -> datetime:
    """The start time of the current transaction (`now()`), timezone-aware UTC; outside a transaction, the time of
    this statement."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        (now,) = cursor.fetchone()
    return now + _shift


def db_now_read(value: datetime) -> datetime:
    """The clock from a `now()` the caller selected within a statement of its own (saving a round trip): the same
    time db_now gives in that transaction."""
    return value + _shift


@contextmanager
def shifted(by: timedelta) -> Iterator[None]:
    """Run with the database clock read `by` later (tests only)."""
    global _shift
    if not getattr(settings, "CLOCK_SHIFT_ALLOWED", False):
        raise RuntimeError("the trading clock can be shifted only where CLOCK_SHIFT_ALLOWED is set (tests)")
    previous, _shift = _shift, _shift + by
    try:
        yield
    finally:
        _shift = previous
