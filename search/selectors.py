"""Reads behind the search API: the rows results are built from (from the index's documents, else the database's
public listings of a page of ids, in one query), region names and chains (from a per-process table), and region
suggestions for autocomplete."""

import functools
import time
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg
from django.db import connection, models
from django.db.models import BooleanField, Case, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Length

from geo.models import Region
from market.models import Demand, SupplyAttachment, SupplyListing
from search.query import Kind, fold

# A region's name and parent code by its code: every region (a province's few hundred, the country's 3,200) in each
# process, so a page of results names its regions without a query. Kept for REGION_TABLE_SECONDS; a save or delete of
# a region in this process clears it at once, and a code it does not hold reloads it (a region imported since).
REGION_TABLE_SECONDS = 60
_region_table: dict[str, tuple[str, str | None]] = {}
_region_table_loaded = 0.0


def region_table_clear(**kwargs: Any) -> None:
    global _region_table_loaded
    _region_table_loaded = 0.0


def _region_lookup(codes: Iterable[str | None]) -> dict[str, tuple[str, str | None]]:
    global _region_table, _region_table_loaded
    wanted = {code for code in codes if code}
    stale = time.monotonic() - _region_table_loaded > REGION_TABLE_SECONDS
    if stale or not wanted <= _region_table.keys():
        _region_table = {
            code: (name, parent) for code, name, parent in Region.objects.values_list("code", "name", "parent_id")
        }
        _region_table_loaded = time.monotonic()
    return _region_table


def region_chain(code: str | None) -> list[tuple[str, str]]:
    """(code, name) of the region and its ancestors, province first: no query while the table is fresh."""
    table = _region_lookup([code])
    chain: list[tuple[str, str]] = []
    while code is not None and code in table:
        name, parent = table[code]
        chain.insert(0, (code, name))
        code = parent
    return chain


# What a result shows, as plain values: building model instances (a listing has about 60 fields, and two points to
# parse) cost more than the rest of a search request. The point is the listing's, else its parcel's centroid.


def _x(field: str) -> models.Func:
    return models.Func(F(field), function="ST_X", output_field=models.FloatField())


def _y(field: str) -> models.Func:
    return models.Func(F(field), function="ST_Y", output_field=models.FloatField())


_COMMON_VALUES = ("id", "title", "region_id", "land_use", "view_count", "favourite_count")
_SUPPLY_VALUES = (
    *_COMMON_VALUES,
    "status",
    "mode",
    "published_at",
    "quote_count",
    "appointment_count",
    "address",
    "area_m2",
    "price_wan",
)
_DEMAND_VALUES = (
    *_COMMON_VALUES,
    "kind",
    "registered_at",
    "area_min_m2",
    "area_max_m2",
    "price_min_wan",
    "price_max_wan",
    "description",
)


def first_photo() -> Subquery:
    """The id of a supply listing's first photo (the one its result shows), as an annotation."""
    photos = SupplyAttachment.objects.filter(listing=OuterRef("pk"), kind=SupplyAttachment.Kind.PHOTO)
    return Subquery(photos.order_by("created_at", "id").values("id")[:1])


_DECIMALS = ("area_m2", "price_wan", "area_min_m2", "area_max_m2", "price_min_wan", "price_max_wan")
_DATETIMES = ("published_at", "registered_at")


def row_document(kind: Kind, listing: SupplyListing | Demand) -> dict[str, Any]:
    """What `listing_rows` gives for a listing but its point (the document's `location`), as its index document keeps
    it (JSON: decimals as exact text, times in ISO 8601), so a page of Elasticsearch results needs no database query.
    A supply `listing` carries the annotation `first_photo` of the document's queryset."""
    names = _SUPPLY_VALUES if kind == "supply" else _DEMAND_VALUES
    row = {name: getattr(listing, name) for name in names}
    for name in (*_DECIMALS, *_DATETIMES):
        if row.get(name) is not None:
            row[name] = row[name].isoformat() if name in _DATETIMES else str(row[name])
    if kind == "supply":
        row["photo"] = getattr(listing, "first_photo", None)
    return row


def row_from_document(source: dict[str, Any]) -> dict[str, Any] | None:
    """The row of a document's source (its `row` and `location`) as `listing_rows` gives it (Decimal, aware datetime);
    None for a document without a row (indexed by a release before rows were kept)."""
    row = source.get("row")
    if row is None:
        return None
    location = source.get("location")
    row["lon"], row["lat"] = (location["lon"], location["lat"]) if location else (None, None)
    for name in _DECIMALS:
        if row.get(name) is not None:
            row[name] = Decimal(row[name])
    for name in _DATETIMES:
        if row.get(name) is not None:
            row[name] = datetime.fromisoformat(row[name])
    return row


# The ids of a page, bound when a compiled row query runs (see _compiled).
_IDS = object()


@functools.cache
def _compiled(kind: Kind) -> tuple[str, tuple[Any, ...]]:
    """The row query of a kind as SQL with `id = ANY(%s)` for the page's ids, compiled once per process: compiling a
    query through the ORM costs about a millisecond, more than running it. The point is the listing's, else its
    parcel's centroid; a supply's `photo` is the id of its first photo."""
    ids = models.Func(  # id = ANY(%s)
        F("id"), RawSQL("%s", (_IDS,)), template="%(expressions)s)", arg_joiner=" = ANY(", output_field=BooleanField()
    )
    if kind == "supply":
        rows = SupplyListing.objects.filter(ids, status__in=SupplyListing.PUBLIC_STATUSES).values(
            *_SUPPLY_VALUES,
            lon=Coalesce(_x("location"), _x("parcel__centroid")),
            lat=Coalesce(_y("location"), _y("parcel__centroid")),
            photo=first_photo(),
        )
    else:
        rows = Demand.objects.filter(ids, status__in=Demand.PUBLIC_STATUSES).values(
            *_DEMAND_VALUES, lon=_x("location"), lat=_y("location")
        )
    return rows.order_by().query.sql_with_params()


class _PreparedStatements(psycopg.Cursor[Any]):
    """Statements prepared on the server, once per pooled connection (settings: prepare_threshold): planning the row
    query took half a millisecond of each search, more than running it."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
    ) -> Any:
        return super().execute(query, params, prepare=True, binary=binary)


def _prepared_cursor() -> Any:
    """A cursor of the default connection whose statements are prepared, logged like any other."""
    connection.ensure_connection()
    cursor: Any = _PreparedStatements(connection.connection)
    return connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)


def listing_rows(*, kind: Kind, ids: list[int]) -> list[dict[str, Any]]:
    """The public listings of a kind among `ids`, in that order, as the values a result shows (`lon`, `lat`; supply:
    `photo`): one query whatever the number of ids. A listing that left the public states is left out."""
    if not ids:
        return []
    sql, params = _compiled(kind)
    with _prepared_cursor() as cursor:
        cursor.execute(sql, [ids if param is _IDS else param for param in params])
        columns = [column.name for column in cursor.description]
        by_id = {row["id"]: row for row in (dict(zip(columns, values, strict=True)) for values in cursor.fetchall())}
    return [by_id[pk] for pk in ids if pk in by_id]


def listing_titles(*, kind: Kind, ids: list[int]) -> list[dict[str, Any]]:
    """`id` and `title` of the public listings among `ids`, in that order: one query."""
    if not ids:
        return []
    model = SupplyListing if kind == "supply" else Demand
    titles = dict(model.objects.filter(pk__in=ids, status__in=model.PUBLIC_STATUSES).values_list("pk", "title"))
    return [{"id": pk, "title": titles[pk]} for pk in ids if pk in titles]


def region_names(*, codes: Iterable[str]) -> dict[str, str]:
    """Code → name of the regions with these codes (those that exist): no query while the region table is fresh."""
    codes = list(codes)
    table = _region_lookup(codes)
    return {code: table[code][0] for code in codes if code in table}


def region_suggestions(*, text: str, limit: int) -> list[Region]:
    """Regions whose name contains the folded text, those starting with it first, then shorter names, then by code;
    with their parents (for the full name), without geometry."""
    folded = fold(text).strip()
    if not folded:
        return []
    starts = Case(When(name__startswith=folded, then=Value(0)), default=Value(1), output_field=IntegerField())
    return list(
        Region.objects.filter(name__contains=folded)
        .select_related("parent", "parent__parent")
        .defer(
            "boundary",
            "boundary_simplified",
            "parent__boundary",
            "parent__boundary_simplified",
            "parent__parent__boundary",
            "parent__parent__boundary_simplified",
        )
        .order_by(starts, Length("name"), "code")[:limit]
    )
