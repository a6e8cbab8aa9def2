"""manage.py import_amenities PATH: load points of interest for parcels' surroundings."""

from argparse import ArgumentParser
from typing import Any

from geo.importers.amenities import SPECS
from geo.importers.command import ImportCommand
from geo.importers.loader import ImportOptions


class Command(ImportCommand):
    help = "Load amenities (points of interest) from a file or a directory; re-running updates them by code."
    kind = "amenities"
    specs = SPECS

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--category", help="one category for every feature of the file (e.g. school, 学校)")

    def options_from(self, options: dict[str, Any]) -> ImportOptions:
        result = super().options_from(options)
        result.category = options["category"]
        return result
