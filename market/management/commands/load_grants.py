"""Load primary-market grants (一级市场供地) from a CSV into the local grant registry, by contract number."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from market.grants import CSV_COLUMNS, DEFAULT_CSV, GrantFileError, primary_grants_load


class Command(BaseCommand):
    help = (
        "Load grants from a UTF-8 CSV (columns: "
        + ",".join(CSV_COLUMNS)
        + ") into PrimaryGrant; known contract numbers are updated, so loading twice changes nothing. "
        "Without a path, the bundled development dataset (made-up grants)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", nargs="?", type=Path, default=DEFAULT_CSV, help="the CSV file")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["csv"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            result = primary_grants_load(path=path)
        except GrantFileError as exc:
            raise CommandError("nothing loaded: " + "; ".join(exc.problems)) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"nothing loaded: {path} is not UTF-8 text") from exc
        self.stdout.write(f"{result.created} grants created, {result.updated} updated from {path}")
