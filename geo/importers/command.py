"""The shared management command behind import_regions, import_parcels and import_amenities."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from geo.importers.fields import FieldSpec
from geo.importers.loader import ImportOptions
from geo.importers.runner import Kind, import_path
from geo.importers.source import ImportRefused


class ImportCommand(BaseCommand):
    kind: Kind
    specs: list[FieldSpec]

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="a file or a directory of files")
        parser.add_argument("--srs", help="source CRS, overriding the file's: EPSG:4527, 4490, gcj02, cgcs2000-gk3 …")
        parser.add_argument("--encoding", help="attribute encoding when the file does not say (e.g. GBK, GB18030)")
        parser.add_argument("--layer", help="layer to read (GeoPackage); default: the first")
        for spec in self.specs:
            parser.add_argument(
                f"--{spec.target.replace('_', '-')}-field",
                dest=f"{spec.target}_field",
                metavar="ATTRIBUTE",
                help=f"attribute holding {spec.target} (default: the first of "
                f"{', '.join((spec.target, *spec.candidates))})",
            )

    def options_from(self, options: dict[str, Any]) -> ImportOptions:
        return ImportOptions(
            srs=options["srs"],
            encoding=options["encoding"],
            layer=options["layer"],
            fields={spec.target: options[f"{spec.target}_field"] for spec in self.specs},
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bars: dict[str, tqdm] = {}

        def progress(name: str, done: int, total: int) -> None:
            bar = bars.get(name)
            if bar is None:
                bar = bars[name] = tqdm(total=total, desc=name, unit=" features", file=self.stderr._out)
            bar.update(done - bar.n)

        try:
            reports = import_path(
                kind=self.kind, path=options["path"], options=self.options_from(options), progress=progress
            )
        except ImportRefused as exc:
            raise CommandError(str(exc.message)) from exc
        finally:
            for bar in bars.values():
                bar.close()
        for report in reports:
            if report.ok:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{report.file}: {report.features} features ({report.crs}) → {report.inserted} new, "
                        f"{report.updated} updated in {report.seconds:.1f} s"
                    )
                )
            else:
                self.stdout.write(self.style.ERROR(f"{report.file}: refused, nothing changed: {report.error}"))
            for repaired in report.repaired:
                self.stdout.write(self.style.WARNING(f"  repaired feature {repaired['feature']}: {repaired['reason']}"))
            for warning in report.warnings:
                self.stdout.write(self.style.WARNING(f"  {warning}"))
        failed = [r.file for r in reports if not r.ok]
        if failed:
            raise CommandError(f"{len(failed)} of {len(reports)} files refused: {', '.join(failed)}")
