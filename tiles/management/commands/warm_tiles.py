"""`manage.py warm_tiles --layer parcels --zooms 8-12 [--region CODE | --bbox w,s,e,n] [--no-progress]`: render and
cache, ahead of the first map, every tile of the zooms over the layer's data (or the region, or the box)."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.errors import ApplicationError
from geo.selectors import region_get
from tiles.layers import LAYERS
from tiles.services import layer_bounds, tiles_warm, tiles_warm_count


def zoom_range(text: str) -> list[int]:
    """ "12", "8-12" or "8,10,12" as zooms; ValueError for anything else or a zoom off the grid."""
    zooms: set[int] = set()
    for part in text.split(","):
        low, _dash, high = part.strip().partition("-")
        first, last = int(low), int(high or low)
        if not 0 <= first <= last <= settings.TILES_MAX_ZOOM:
            raise ValueError(part)
        zooms.update(range(first, last + 1))
    return sorted(zooms)


def bbox_of(text: str) -> tuple[float, float, float, float]:
    west, south, east, north = (float(value) for value in text.split(","))
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValueError(text)
    return west, south, east, north


class Command(BaseCommand):
    help = "Pre-render and cache the tiles of a layer at chosen zooms over its data, a region or a box."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--layer", required=True, choices=list(LAYERS))
        parser.add_argument("--zooms", required=True, help='zooms: "12", "8-12" or "8,10,12"')
        place = parser.add_mutually_exclusive_group()
        place.add_argument("--region", help="only over this region's bounding box (GB/T 2260 code)")
        place.add_argument("--bbox", help="only over this box: west,south,east,north in degrees")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (logs and CI)")

    def handle(self, *args: Any, **options: Any) -> None:
        layer = LAYERS[options["layer"]]
        try:
            zooms = zoom_range(options["zooms"])
        except ValueError as exc:
            raise CommandError(f"--zooms: not zooms in 0…{settings.TILES_MAX_ZOOM}: {options['zooms']}") from exc
        bbox = self._bbox(options, layer_name=layer.name)
        shown = [z for z in zooms if z >= layer.min_zoom]
        if len(shown) < len(zooms):
            self.stdout.write(f"{layer.name} starts at zoom {layer.min_zoom}: lower zooms are empty, left out")
        bar = tqdm(
            total=tiles_warm_count(zooms=shown, bbox=bbox),
            desc=layer.name,
            unit=" tiles",
            file=self.stderr._out,
            disable=options["no_progress"],
        )
        try:
            summary = tiles_warm(layer=layer, zooms=shown, bbox=bbox, progress=bar.update)
        finally:
            bar.close()
        zoom_text = f"z{shown[0]}–{shown[-1]}" if shown else "no zoom"
        self.stdout.write(
            f"{layer.name}: {summary.tiles} tiles at {zoom_text} in {summary.seconds:.1f} s: "
            f"{summary.rendered} rendered ({summary.empty} empty), {summary.cached} already cached, "
            f"{summary.bytes / 1024**2:.1f} MB (gzip)"
        )

    def _bbox(self, options: dict[str, Any], *, layer_name: str) -> tuple[float, float, float, float]:
        if options["bbox"]:
            try:
                return bbox_of(options["bbox"])
            except ValueError as exc:
                raise CommandError(f"--bbox: give west,south,east,north in degrees: {options['bbox']}") from exc
        if options["region"]:
            try:
                region = region_get(code=options["region"])
            except ApplicationError as exc:
                raise CommandError(f"--region {options['region']}: {exc.message}") from exc
            envelope = getattr(region, "envelope", None)
            if envelope is None:
                raise CommandError(f"--region {options['region']}: the region has no boundary")
            west, south, east, north = envelope.extent
            return west, south, east, north
        return layer_bounds(layer=LAYERS[layer_name])
