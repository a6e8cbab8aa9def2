"""manage.py seed_demo: Sichuan's real region outlines, and deterministic demo parcels and amenities inside the
counties, through the importers."""

import time
from typing import Any

import numpy as np
import pyarrow as pa
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from geo import china, demo
from geo.importers.amenities import import_amenities_source
from geo.importers.loader import FileReport, ImportOptions
from geo.importers.parcels import import_parcels_source
from geo.importers.regions import import_regions_source
from geo.importers.source import Source


def _source(name: str, geometries: np.ndarray, fields: dict[str, Any]) -> Source:
    return Source(
        path=demo.source_path(name),
        layer=name,
        crs="EPSG:4490",
        encoding="UTF-8",
        geometries=geometries,
        fids=np.array([]),
        fields={key: pa.array(np.asarray(values, dtype=object)) for key, values in fields.items()},
    )


class Command(BaseCommand):
    help = (
        "Load demo data for Sichuan: its real province, city and county outlines (天地图 2024-12, var/geodata/), and "
        "deterministic parcels and amenities inside the counties; re-running gives the same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--parcels", type=int, default=5000, help="number of parcels (default 5 000)")
        parser.add_argument("--amenities", type=int, default=None, help="number of amenities (default parcels / 2)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args: Any, parcels: int, amenities: int | None, seed: int, **options: Any) -> None:
        started = time.monotonic()
        try:
            regions = demo.regions()
        except china.BoundariesMissing as exc:
            raise CommandError(str(exc)) from exc
        steps = [
            (
                "regions",
                import_regions_source,
                _source("regions", regions.boundaries, {"code": regions.codes, "name": regions.names}),
            )
        ]
        if parcels > 0:
            parcel_arrays = demo.parcels(counties=regions, count=parcels, seed=seed)
            steps.append(
                ("parcels", import_parcels_source, _source("parcels", parcel_arrays.geometries, parcel_arrays.fields))
            )
            poi_count = amenities if amenities is not None else max(parcels // 2, 1)
            if poi_count > 0:
                poi_geometries, poi_fields = demo.amenities(near=parcel_arrays, count=poi_count, seed=seed)
                steps.append(("amenities", import_amenities_source, _source("amenities", poi_geometries, poi_fields)))
        for name, load, source in steps:
            report = FileReport(file=name)
            with transaction.atomic():
                load(source, options=ImportOptions(), progress=lambda done, total: None, report=report)
            self.stdout.write(f"{name}: {source.count} ({report.inserted} new, {report.updated} updated)")
        self.stdout.write(self.style.SUCCESS(f"demo data loaded in {time.monotonic() - started:.1f} s"))
