"""Coding numbers (赋码): province abbreviation + county code + ZR (transfer) or CZ (lease) + year + a 6-digit serial,
e.g. 川510104ZR2026000123. The serial is the next of its county, kind and year, taken under the series row's lock in
the approving transaction (a rollback gives it back), so numbers are unique and without gaps."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import connection

from contracts.models import CodingSerial, Contract
from geo import reference

CHINA = ZoneInfo("Asia/Shanghai")


def next_serial(*, county_code: str, kind: str, year: int) -> int:
    """The next serial of the county, kind and year; concurrent callers queue on the row and each gets its own. Must
    run inside the transaction that uses it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO contracts_codingserial (county_code, kind, year, last) VALUES (%s, %s, %s, 0) "
            "ON CONFLICT (county_code, kind, year) DO NOTHING",
            [county_code, kind, year],
        )
    serial = CodingSerial.objects.select_for_update().get(county_code=county_code, kind=kind, year=year)
    serial.last += 1
    serial.save(update_fields=["last"])
    return serial.last


def coding_number(*, county_code: str, kind: str, coded_at: datetime) -> str:
    """The number of a contract of `kind` in the county, coded at `coded_at` (its year in Asia/Shanghai)."""
    year = coded_at.astimezone(CHINA).year
    serial = next_serial(county_code=county_code, kind=kind, year=year)
    letters = Contract.NUMBER_LETTERS[Contract.Kind(kind)]
    return f"{reference.province_abbreviation(county_code)}{county_code}{letters}{year}{serial:06d}"
