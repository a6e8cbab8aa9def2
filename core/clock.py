"""The one clock of trading: the database's. Every process reads the same time from PostgreSQL."""

from datetime import datetime

from django.db import connection


def db_now() -> datetime:
    """The start time of the current transaction (`now()`), timezone-aware UTC; outside a transaction, the time of
    this statement."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        (now,) = cursor.fetchone()
    return now
