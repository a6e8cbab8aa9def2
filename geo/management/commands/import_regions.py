"""manage.py import_regions PATH: load admin-region boundaries (province, city, county)."""

from argparse import ArgumentParser
from typing import Any

from geo.importers.command import ImportCommand
from geo.importers.loader import ImportOptions
from geo.importers.regions import SPECS


class Command(ImportCommand):
    help = "Load region boundaries from a file or a directory; re-running updates regions by code."
    kind = "regions"
    specs = SPECS

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--code-from-filename",
            action="store_true",
            help="take the 6-digit GB/T 2260 code from each file's name (e.g. 510104.shp), the name from the table",
        )

    def options_from(self, options: dict[str, Any]) -> ImportOptions:
        result = super().options_from(options)
        result.code_from_filename = options["code_from_filename"]
        return result
