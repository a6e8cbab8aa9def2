"""Running an import over one file or a directory: each file in its own transaction, a report per file."""

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext as _

from geo.importers.amenities import import_amenities_source
from geo.importers.loader import FileReport, ImportOptions, Progress
from geo.importers.parcels import import_parcels_layer
from geo.importers.regions import import_regions_source
from geo.importers.source import ImportRefused, list_files, open_layer

Kind = Literal["regions", "parcels", "amenities"]
FileProgress = Callable[[str, int, int], None]  # (file name, features done, features in the file)

IMPORTERS = {  # from a whole read file; parcels are read in chunks
    "regions": import_regions_source,
    "amenities": import_amenities_source,
}


def _for_file(progress: FileProgress, name: str) -> Progress:
    return lambda done, total: progress(name, done, total)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """A file's import makes millions of objects that live until it ends: collecting on the way frees none of them
    but walks them all (3 s of a million-parcel import)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_cyclic_gc_paused()
def import_path(
    *, kind: Kind, path: Path, options: ImportOptions, progress: FileProgress | None = None
) -> list[FileReport]:
    """Import every file; a refused file changes nothing and the others still load. Raises for a bad path."""
    report_progress = progress or (lambda name, done, total: None)
    reports = []
    for file in list_files(path):
        report = FileReport(file=file.name)
        started = time.monotonic()
        try:
            layer = open_layer(file, layer=options.layer, encoding=options.encoding)
            report.layer, report.features = layer.name, layer.count
            report_progress(file.name, 0, layer.count)
            if layer.other_layers:
                report.warnings.append(
                    _("only layer {layer} was read; the file also has: {others}").format(
                        layer=layer.name, others=", ".join(layer.other_layers)
                    )
                )
            file_progress = _for_file(report_progress, file.name)
            with transaction.atomic():
                if kind == "parcels":
                    import_parcels_layer(layer, options=options, progress=file_progress, report=report)
                else:
                    IMPORTERS[kind](layer.read(), options=options, progress=file_progress, report=report)
            report_progress(file.name, layer.count, layer.count)
        except ImportRefused as exc:
            report.error = str(exc.message)
            report.inserted = report.updated = 0
            report.repaired = []
        report.seconds = round(time.monotonic() - started, 3)
        reports.append(report)
    return reports
