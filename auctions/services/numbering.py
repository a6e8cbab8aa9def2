"""Numbers without gaps: a lot's (川DZR[2026]0001) and an announcement's (川自然资源字[2026]0001号), each the next of
its series, taken under the series row's lock inside the registering transaction (a rollback gives it back)."""

from django.db import connection

from auctions.models import Lot, Serial, TradingCentre
from geo import reference


def next_in_series(*, centre: TradingCentre, series: str, year: int) -> int:
    """The next number of the centre's series for the year; concurrent callers queue on the row and each gets its
    own. Must run inside the transaction that uses the number."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO auctions_serial (centre_id, series, year, last) VALUES (%s, %s, %s, 0) "
            "ON CONFLICT (centre_id, series, year) DO NOTHING",
            [centre.pk, series, year],
        )
    serial = Serial.objects.select_for_update().get(centre=centre, series=series, year=year)
    serial.last += 1
    serial.save(update_fields=["last"])
    return serial.last


def abbreviation(centre: TradingCentre) -> str:
    return reference.province_abbreviation(centre.region_id)


def lot_number(*, centre: TradingCentre, transfer: str, year: int) -> str:
    letters = Lot.NUMBER_LETTERS[Lot.Transfer(transfer)]
    serial = next_in_series(centre=centre, series=f"lot:{letters}", year=year)
    return f"{abbreviation(centre)}{letters}[{year}]{serial:04d}"


def announcement_number(*, centre: TradingCentre, year: int) -> str:
    serial = next_in_series(centre=centre, series="announcement", year=year)
    return f"{abbreviation(centre)}自然资源字[{year}]{serial:04d}号"
