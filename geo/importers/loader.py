"""Bulk loading through a temporary table and COPY, then one INSERT … ON CONFLICT statement per file."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.db import connection

from geo.models import SRID

Progress = Callable[[int, int], None]  # (features done, features in the file)
PROGRESS_EVERY = 10_000


@dataclass
class ImportOptions:
    srs: str | None = None
    encoding: str | None = None
    layer: str | None = None
    fields: dict[str, str | None] = field(default_factory=dict)  # model field → file attribute (--<field>-field)
    code_from_filename: bool = False
    category: str | None = None  # amenities: one category for the whole file


@dataclass
class FileReport:
    file: str
    layer: str = ""
    crs: str = ""
    features: int = 0
    inserted: int = 0
    updated: int = 0
    repaired: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__} | {"ok": self.ok}


def ewkb_hex(geometries: np.ndarray) -> np.ndarray:
    """Hex EWKB with the storage SRID, which PostGIS's geometry input reads straight from COPY."""
    return shapely.to_wkb(shapely.set_srid(geometries, SRID), hex=True, include_srid=True)


def copy_into_staging(
    *, table: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]], total: int, progress: Progress
) -> None:
    """Create a temporary table (dropped at commit) and COPY the rows into it, reporting progress."""
    definition = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
    with connection.cursor() as cursor:
        # Dropped at commit; dropped here too when the import runs inside an outer transaction (several files).
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} ({definition}) ON COMMIT DROP")
        names = ", ".join(name for name, _type in columns)
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for done, row in enumerate(rows, start=1):
                copy.write_row(row)
                if done % PROGRESS_EVERY == 0:
                    progress(done, total)


def execute_counting(sql: str, params: dict[str, Any]) -> tuple[int, int, int]:
    """Run an upsert ending `RETURNING (xmax = 0) AS inserted, <bool> AS flagged`; (inserted, updated, flagged)."""
    with connection.cursor() as cursor:
        counts = (
            "count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted), count(*) FILTER (WHERE flagged)"
        )
        cursor.execute(f"WITH up AS ({sql}) SELECT {counts} FROM up", params)  # noqa: S608 (our own SQL)
        inserted, updated, flagged = cursor.fetchone()
    return int(inserted), int(updated), int(flagged)


def source_label(path: Path) -> str:
    return path.name[:255]
