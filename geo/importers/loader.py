"""Loading with COPY: straight into an empty table (a bulk load), else through a temporary table and an upsert."""

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import shapely
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.utils.translation import gettext as _
from psycopg.copy import QueuedLibpqWriter

from accounts.selectors import region_prefix
from geo.importers.source import ImportRefused
from geo.models import SRID
from geo.signals import bulk_loaded

Progress = Callable[[int, int], None]  # (features done, features in the file)
PROGRESS_EVERY = 10_000  # rows per block of COPY data
# COPY's CSV: a null is an unquoted empty field, a string is quoted (so an empty string stays one).
CSV_OPTIONS = pa_csv.WriteOptions(include_header=False, quoting_style="needed")


@dataclass
class ImportOptions:
    srs: str | None = None
    encoding: str | None = None
    layer: str | None = None
    fields: dict[str, str | None] = field(default_factory=dict)  # model field → file attribute (--<field>-field)
    code_from_filename: bool = False
    category: str | None = None  # amenities: one category for the whole file
    # The importing user's regions (GB/T 2260 codes): nothing outside them is created or changed. None: anywhere
    # (administrators, and the management commands run by the operator).
    scope: tuple[str, ...] | None = None


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


# Each byte's two hex digits as one uint16 (in memory order), to hex-encode a whole buffer with one take.
HEX_PAIRS = np.frombuffer(b"".join(b"%02x" % byte for byte in range(256)), dtype=np.uint16)


def wkb_hex(geometries: np.ndarray) -> pa.Array:
    """Hex WKB, which PostGIS's geometry input reads straight from COPY; the column's type sets the SRID."""
    return hex_strings(pa.array(shapely.to_wkb(geometries), type=pa.binary()))


def hex_strings(binary: pa.Array) -> pa.Array:
    """Binary values (e.g. WKB) as hex text, encoded in one buffer: no Python string per value."""
    offsets, data = _binary_buffers(binary)
    digits = HEX_PAIRS[data[offsets[0] : offsets[-1]]]
    return pa.LargeStringArray.from_buffers(
        len(binary), pa.py_buffer((offsets - offsets[0]).astype(np.int64) * 2), pa.py_buffer(digits)
    )


def is_wkb_of(binary: pa.Array, geometry_type: int) -> bool:
    """Whether every value is little-endian WKB of this 2D type (e.g. 6, a MultiPolygon), as PostGIS stores it."""
    offsets, data = _binary_buffers(binary)
    if binary.null_count or not len(binary) or np.any(np.diff(offsets) < 5):
        return False
    starts = offsets[:-1]
    header = np.stack([data[starts + i] for i in range(5)], axis=1)
    return bool(np.all(header == [1, geometry_type, 0, 0, 0]))


def _binary_buffers(binary: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A binary array's value offsets (one more than values) and its data bytes."""
    offset_type = np.int64 if pa.types.is_large_binary(binary.type) else np.int32
    _validity, offsets, data = binary.buffers()
    offsets = np.frombuffer(offsets, dtype=offset_type)[binary.offset : binary.offset + len(binary) + 1]
    return offsets.astype(np.int64), np.frombuffer(data, dtype=np.uint8) if data is not None else np.array([], np.uint8)


def geometry_column(geometry_type: str = "Geometry") -> str:
    """A geometry column's type; it gives hex WKB from COPY the storage SRID."""
    return f"geometry({geometry_type}, {SRID})"


def copy_into_staging(
    *, table: str, columns: Sequence[tuple[str, str]], values: Sequence[Sequence[Any]], progress: Progress
) -> None:
    """Create a temporary table (dropped at commit) and COPY the columns' values into it, reporting progress."""
    create_staging(table=table, columns=columns)
    copy_into(table=table, columns=[name for name, _type in columns], values=values, progress=progress)


def create_staging(*, table: str, columns: Sequence[tuple[str, str]]) -> None:
    """A temporary table to COPY into, dropped at commit."""
    definition = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
    with connection.cursor() as cursor:
        # Dropped at commit; dropped here too when the import runs inside an outer transaction (several files).
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} ({definition}) ON COMMIT DROP")


def copy_into(*, table: str, columns: Sequence[str], values: Sequence[Sequence[Any]], progress: Progress) -> None:
    """COPY the columns' values into `table`, reporting progress."""
    with copying(table=table, columns=columns) as write:
        write(values, progress)


CopyWrite = Callable[[Sequence[Sequence[Any] | pa.Array], Progress], None]  # (values column by column, progress)


@contextmanager
def copying(*, table: str, columns: Sequence[str], constants: dict[str, Any] | None = None) -> Iterator[CopyWrite]:
    """A COPY into `table` that a thread sends, so that the caller goes on while the database loads; the end of the
    block waits for the database. The function it yields queues rows, given column by column (Arrow arrays or
    lists); `constants` are columns with one value in every row.

    Arrow writes the rows as CSV, a block at a time: no Python call per row or per value.
    """
    constants = constants or {}

    def write(values: Sequence[Sequence[Any] | pa.Array], progress: Progress) -> None:
        arrays = [copy_column(column) for column in values]
        total = len(arrays[0])
        arrays += [pa.array([value] * total, type=pa.string()) for value in map(str, constants.values())]
        rows = pa.Table.from_arrays(arrays, names=[*columns, *constants])
        for start in range(0, total, PROGRESS_EVERY):
            block = io.BytesIO()
            pa_csv.write_csv(rows.slice(start, PROGRESS_EVERY), block, CSV_OPTIONS)
            copy.write(block.getbuffer())
            progress(min(start + PROGRESS_EVERY, total), total)

    statement = f"COPY {table} ({', '.join([*columns, *constants])}) FROM STDIN (FORMAT csv)"
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own: Django's debug wrapper takes no writer
        with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
            yield write
    bulk_loaded.send(sender=copying, table=table)  # no post_save per row: tell followers (tiles' cache) at once


def copy_column(values: Sequence[Any] | pa.Array) -> pa.Array:
    """A column as Arrow's CSV writer takes it: a list column (for text[]) as PostgreSQL array literals."""
    array = values if isinstance(values, pa.Array) else pa.array(values)
    if not pa.types.is_list(array.type):
        return array
    items = pc.cast(array.values, pa.string())
    escaped = pc.replace_substring(pc.replace_substring(items, "\\", "\\\\"), '"', '\\"')
    quoted = pc.binary_join_element_wise('"', escaped, '"', "")
    lists = pa.ListArray.from_arrays(array.offsets, quoted, mask=array.is_null())
    return pc.binary_join_element_wise("{", pc.binary_join(lists, ","), "}", "")


@contextmanager
def bulk_loading(table: str) -> Iterator[bool]:
    """Whether `table` is empty and ours; if so, loaded in the block as pg_restore does, else left as it is.

    Its secondary indexes, unique constraints and foreign keys are dropped before the block and re-created after it,
    so the rows loaded must be unique where the table says (the caller checks them). For a million
    parcels, building the indexes takes 5 s where updating them row by row takes 18 s (GiST ones above all), and one
    validating join 0.3 s where a deferred foreign-key check per row takes 3 s. The table stays locked until commit,
    so readers wait for the first load instead of seeing an empty table, and referenced tables take no writes.
    """
    dependents = []
    with connection.cursor() as cursor:
        empty = _can_bulk_load(cursor, table)
        if empty:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            empty = _can_bulk_load(cursor, table)  # still empty now that no one else can load into it
        if empty:
            connection.check_constraints()  # no ALTER TABLE while foreign-key checks are pending
            cursor.execute(DEPENDENTS_SQL, {"table": table})
            dependents = cursor.fetchall()
            for drop, _create in dependents:
                cursor.execute(drop)
    yield empty
    with connection.cursor() as cursor:
        for _drop, create in dependents:
            cursor.execute(create)


# How to drop and re-create a table's foreign keys, indexes and unique constraints: all but the primary key and what
# foreign keys reference. A unique index updated row by row in the COPY costs the database 1.5 s per million parcels
# where building it after takes 0.6 s.
DEPENDENTS_SQL = """
    SELECT format('DROP INDEX %%s', indexrelid::regclass), pg_get_indexdef(indexrelid)
      FROM pg_index WHERE indrelid = %(table)s::regclass AND NOT indisunique
    UNION ALL
    SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname),
           format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass, conname, pg_get_constraintdef(oid))
      FROM pg_constraint c
     WHERE conrelid = %(table)s::regclass
       AND (contype = 'f' OR contype = 'u' AND NOT EXISTS (
             SELECT FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
"""


def _can_bulk_load(cursor: CursorWrapper, table: str) -> bool:
    """Empty, and ours to drop indexes on (the database user owns it)."""
    cursor.execute(
        f"SELECT NOT EXISTS (SELECT FROM {table}) AND pg_has_role(relowner, 'USAGE')"  # noqa: S608 (our own table)
        " FROM pg_class WHERE oid = %s::regclass",
        [table],
    )
    return bool(cursor.fetchone()[0])


def execute_counting(sql: str, params: dict[str, Any]) -> tuple[int, int, int]:
    """Run an upsert ending `RETURNING (xmax = 0) AS inserted, <bool> AS flagged`; (inserted, updated, flagged)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # compiling the statement costs more than it saves (0.5 s per million)
        counts = (
            "count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted), count(*) FILTER (WHERE flagged)"
        )
        cursor.execute(f"WITH up AS ({sql}) SELECT {counts} FROM up", params)  # noqa: S608 (our own SQL)
        inserted, updated, flagged = cursor.fetchone()
    return int(inserted), int(updated), int(flagged)


def refuse_outside_scope(*, scope: tuple[str, ...] | None, file: str, what: str, count_sql: str) -> None:
    """Refuse the file when `count_sql` (run with `%(scope)s`, LIKE patterns of the scope's codes, and `%(codes)s`,
    the codes themselves) counts rows it would write or change outside the importer's regions."""
    if scope is None:
        return
    params = {"scope": [f"{region_prefix(code)}%" for code in scope], "codes": list(scope)}
    with connection.cursor() as cursor:
        cursor.execute(count_sql, params)
        outside = cursor.fetchone()[0]
    if outside:
        raise ImportRefused(
            _("{file}: {n} {what} lie outside your regions ({codes}); nothing was imported").format(
                file=file, n=outside, what=what, codes=", ".join(scope)
            ),
            code="out_of_region",
        )


def source_label(path: Path) -> str:
    return path.name[:255]
