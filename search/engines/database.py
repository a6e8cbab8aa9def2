"""The database engine: a `ListingQuery` answered by PostgreSQL and PostGIS with the same ids, totals and facets as
Elasticsearch on the same data, minus relevance order (newest first instead) and highlights.

Keywords: the listing's text (its own fields, the names of its county, city and province, the names of its land use)
is folded in SQL as `fold` folds it (`lower(normalize(…, NFKC))`) and every word of `keyword_terms` in it is wrapped
in two control characters, so a word term is the literal `\\x01term\\x02` (a whole word, never part of a longer one or
of 5000.5) and a CJK term the literal term; one `LIKE ALL (…)` per clause of `search.keywords` tests its terms, OR'd
with the clause's land-use classes or parcels.
Facets and the total come from one scan of the filtered set (GROUPING SETS), the page from a second query.
"""

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.gis.db.models import GeometryField, PointField, PolygonField
from django.contrib.gis.geos import Point, Polygon
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, Concat, Lower, Substr
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

from geo.models import SRID
from geo.reference import LAND_USE_MAJOR, land_use_choices
from market.models import Demand, SupplyListing
from search.keywords import PARCEL_CENTROID_M, Clause, ParcelPlace, keyword_clauses
from search.query import (
    NEGOTIABLE,
    PRICE_BANDS,
    ListingQuery,
    SearchPage,
    facet_region_level,
    fold,
)
from search.query import region_prefix as code_prefix

SHANGHAI = ZoneInfo("Asia/Shanghai")
WORD_START, WORD_END = "\x01", "\x02"  # around every word of the folded text; no listing text holds them
WORD = "[0-9a-z]+(?:[.,][0-9]+)*"  # keyword_terms' words (search.query._ALNUM), alike in PostgreSQL's regex dialect
Condition = Q | Combinable


@dataclass(frozen=True)
class _Kind:
    """How one kind of listing is stored: its model and the fields the query's words refer to."""

    name: str
    model: type[models.Model]
    public_statuses: tuple[str, ...]
    date_field: str  # published (supply) or registered (demand)
    mode_field: str
    text_fields: tuple[str, ...]  # besides the region names and the land-use names
    sort_fields: dict[str, str]  # price and area sorts (unit price: supply only, computed)
    has_parcel: bool


SUPPLY = _Kind(
    name="supply",
    model=SupplyListing,
    public_statuses=tuple(SupplyListing.PUBLIC_STATUSES),
    date_field="published_at",
    mode_field="mode",
    text_fields=("title", "address"),
    sort_fields={"price": "price_wan", "area": "area_m2"},
    has_parcel=True,
)
DEMAND = _Kind(
    name="demand",
    model=Demand,
    public_statuses=tuple(Demand.PUBLIC_STATUSES),
    date_field="registered_at",
    mode_field="kind",
    text_fields=("title", "description"),
    sort_fields={"price": "price_min_wan", "area": "area_min_m2"},
    has_parcel=False,
)


class Impossible(Exception):
    """No listing can match the query (a malformed geometry or cursor, a sort the kind has not): an empty answer."""


class DatabaseEngine:
    """Answers a `ListingQuery` from PostgreSQL in two queries: the total with every facet, then the page."""

    name = "database"

    def search(self, query: ListingQuery) -> SearchPage:
        kind = SUPPLY if query.kind == "supply" else DEMAND
        empty = SearchPage(ids=[], total=0, facets=_empty_facets(kind), backend=self.name)
        try:
            listings = listing_filter(query, kind=kind)
        except Impossible:
            return empty
        total, facets = listing_facets(query, listings, kind=kind)
        if not total:
            return empty
        try:
            ids, next_after, distances = _page(query, listings, kind=kind)
        except Impossible:
            ids, next_after, distances = [], None, {}
        return SearchPage(
            ids=ids, total=total, facets=facets, next_after=next_after, distances_m=distances, backend=self.name
        )


# ------------------------------------------------------------------------------ filters


def listing_filter(query: ListingQuery, *, kind: _Kind) -> QuerySet[Any]:
    """The public listings of the query's kind that pass every filter of the query, not ordered.

    Raises Impossible for a query no listing can match (a geometry that cannot be built).
    """
    conditions: list[Condition] = [Q(status__in=kind.public_statuses)]
    conditions += _keyword_conditions(query.keywords, kind=kind)
    if query.region:
        conditions.append(Q(region__code__startswith=code_prefix(query.region)))
    if query.land_use:
        conditions.append(_land_use_condition(query.land_use))
    if query.mode:
        conditions.append(Q(**{kind.mode_field: query.mode}))
    conditions += _supply_ranges(query) if kind is SUPPLY else _demand_ranges(query)
    conditions += _date_conditions(query, kind=kind)
    conditions += _geo_conditions(query, kind=kind)
    return kind.model._default_manager.filter(*conditions)


def _any_of(conditions: Iterable[Q]) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined


def _supply_ranges(query: ListingQuery) -> list[Condition]:
    """Inclusive ranges; a listing without the value (面议 for prices) fails any bound."""
    conditions: list[Condition] = []
    if query.certified is not None:
        conditions.append(
            Q(status=SupplyListing.Status.CERTIFIED if query.certified else SupplyListing.Status.PUBLISHED)
        )
    for field, low, high in (
        ("area_m2", query.area_min, query.area_max),
        ("price_wan", query.price_min, query.price_max),
    ):
        if low is not None:
            conditions.append(Q(**{f"{field}__gte": low}))
        if high is not None:
            conditions.append(Q(**{f"{field}__lte": high}))
    if query.unit_price_min is not None:
        conditions.append(GreaterThanOrEqual(_unit_price(), float(query.unit_price_min)))
    if query.unit_price_max is not None:
        conditions.append(LessThanOrEqual(_unit_price(), float(query.unit_price_max)))
    return conditions


def _demand_ranges(query: ListingQuery) -> list[Condition]:
    """A demand's wanted range overlaps the query's; a bound missing on either side never excludes."""
    conditions: list[Condition] = []
    for low_field, high_field, low, high in (
        ("area_min_m2", "area_max_m2", query.area_min, query.area_max),
        ("price_min_wan", "price_max_wan", query.price_min, query.price_max),
    ):
        if high is not None:
            conditions.append(Q(**{f"{low_field}__lte": high}) | Q(**{f"{low_field}__isnull": True}))
        if low is not None:
            conditions.append(Q(**{f"{high_field}__gte": low}) | Q(**{f"{high_field}__isnull": True}))
    return conditions


def _date_conditions(query: ListingQuery, *, kind: _Kind) -> list[Condition]:
    """Asia/Shanghai days as instants: from the first day's midnight to the midnight after the last day."""
    conditions: list[Condition] = []
    if query.published_from is not None:
        conditions.append(Q(**{f"{kind.date_field}__gte": _day_start(query.published_from)}))
    if query.published_to is not None:
        conditions.append(Q(**{f"{kind.date_field}__lt": _day_start(query.published_to + timedelta(days=1))}))
    return conditions


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def _unit_price() -> Combinable:
    """万元/m² as the index holds it (a float of the Decimal quotient): the price over the area to 28 places, as a
    double, so ties, bounds and cursors compare alike in both engines; null without a price or an area (面议)."""
    price = Cast(F("price_wan"), output_field=models.DecimalField(max_digits=40, decimal_places=28))
    area = models.Func(F("area_m2"), Value(0), function="NULLIF", output_field=models.DecimalField())
    return Cast(price / area, output_field=models.FloatField())


# ------------------------------------------------------------------------------ keywords


def _keyword_conditions(keywords: str, *, kind: _Kind) -> list[Condition]:
    """Each clause of `keyword_clauses`: its terms in the listing's folded text (one LIKE ALL), or one of its
    alternatives (a land-use class, the point on a parcel); nothing without terms."""
    clauses = keyword_clauses(keywords, parcels=kind.has_parcel)
    if not clauses:
        return []
    text = _folded_text(kind, mark_words=any(clause.words for clause in clauses))
    plain = [clause for clause in clauses if not (clause.land_use or clause.parcels)]
    conditions: list[Condition] = []
    if plain:  # the clauses without alternatives: one LIKE ALL of all their terms
        conditions.append(_in_text(text, Clause(words=_every(plain, "words"), cjk=_every(plain, "cjk"))))
    for clause in clauses:
        if clause.land_use or clause.parcels:
            alternatives = [_land_use_condition(clause.land_use)] if clause.land_use else []
            alternatives += [_on_parcel(place, kind) for place in clause.parcels]
            conditions.append(_any_of([Q(_in_text(text, clause)), *alternatives]))
    return conditions


def _every(clauses: list[Clause], name: str) -> tuple[str, ...]:
    return tuple(term for clause in clauses for term in getattr(clause, name))


def _in_text(text: Combinable, clause: Clause) -> models.Func:
    """Every term of the clause in the text: words between the word marks, CJK terms anywhere."""
    patterns = sorted({f"%{WORD_START}{word}{WORD_END}%" for word in clause.words} | {f"%{t}%" for t in clause.cjk})
    any_of_all = models.Func(Value(patterns, output_field=ArrayField(models.TextField())), function="ALL")
    return models.Func(
        text, any_of_all, template="(%(expressions)s)", arg_joiner=" LIKE ", output_field=models.BooleanField()
    )


def _land_use_condition(codes: Iterable[str]) -> Q:
    """Of one of the GB/T 21010 classes: a two-digit code is every class under it."""
    return _any_of(Q(land_use__startswith=code) if len(code) == 2 else Q(land_use=code) for code in codes)


def _on_parcel(place: ParcelPlace, kind: _Kind) -> Q:
    """The listing's point covered by the parcel, or at its centroid (within PARCEL_CENTROID_M, on the sphere)."""
    point = _geo_point(kind)
    covered = models.Func(
        Value(place.geometry, output_field=GeometryField(srid=SRID)),
        point,
        function="ST_Covers",
        output_field=models.BooleanField(),
    )
    at_centroid = models.Func(
        _geography(point),
        _geography(Value(place.centroid, output_field=PointField(srid=SRID))),
        Value(PARCEL_CENTROID_M),
        Value(False),
        function="ST_DWithin",
        output_field=models.BooleanField(),
    )
    return Q(covered) | Q(at_centroid)


def _folded_text(kind: _Kind, *, mark_words: bool) -> Combinable:
    """The listing's searchable text folded as `fold` folds (NFKC, lower case), its parts apart by spaces so no CJK
    run spans two; with every word between WORD_START and WORD_END if asked."""
    parts: list[Combinable] = [F(name) for name in kind.text_fields]
    parts += [F("region__name"), F("region__parent__name"), F("region__parent__parent__name")]
    joined: list[Combinable] = []
    for part in parts:
        joined += [part, Value(" ")]
    text: Combinable = Concat(
        _fold(Concat(*joined[:-1], output_field=models.TextField())), _land_use_names(), output_field=models.TextField()
    )
    if mark_words:
        text = models.Func(
            text,
            Value(WORD),
            Value(f"{WORD_START}\\&{WORD_END}"),
            Value("g"),
            function="regexp_replace",
            output_field=models.TextField(),
        )
    return text


def _fold(text: Combinable) -> Case:
    """`lower(normalize(text, NFKC))`, as `fold`. Most texts are NFKC already, and the quick check that spares them
    the normalisation costs a third of it."""
    normalized = models.Func(text, template="(%(expressions)s IS NFKC NORMALIZED)", output_field=models.BooleanField())
    return Case(
        When(normalized, then=Lower(text)),
        default=Lower(models.Func(text, template="normalize(%(expressions)s, NFKC)", output_field=models.TextField())),
        output_field=models.TextField(),
    )


def _land_use_names() -> models.Func:
    """ " " and the land use's second-level and first-level names (GB/T 21010, folded), from one JSON object."""
    return models.Func(Value(_LAND_USE_NAMES), F("land_use"), template="(%(expressions)s)", arg_joiner="::jsonb ->> ")


_LAND_USE_NAMES = json.dumps(
    {code: fold(f" {name} {LAND_USE_MAJOR.get(code[:2], '')}") for code, name in land_use_choices()}
    | {code: fold(f" {name}") for code, name in LAND_USE_MAJOR.items()},
    ensure_ascii=False,
)


# ------------------------------------------------------------------------------ geo


def _geo_point(kind: _Kind) -> Combinable:
    """The listing's point: its own location, else its parcel's centroid (supply)."""
    if kind.has_parcel:
        return Coalesce(F("location"), F("parcel__centroid"), output_field=PointField(srid=SRID))
    return F("location")


def _geography(expression: Combinable) -> models.Func:
    return models.Func(
        expression, template="(%(expressions)s)::geography", output_field=GeometryField(srid=SRID, geography=True)
    )


def _lon_lat(lon: float, lat: float) -> tuple[float, float]:
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise Impossible(f"no point of the globe at {lon}, {lat}")
    return float(lon), float(lat)


def _point_value(lon: float, lat: float) -> Value:
    return Value(Point(*_lon_lat(lon, lat), srid=SRID), output_field=PointField(srid=SRID))


def _distance(near: tuple[float, float], kind: _Kind) -> models.Func:
    """Metres on the ellipsoid (CGCS2000's GRS80) from the point; null for a listing without a point."""
    return models.Func(
        _geography(_geo_point(kind)),
        _geography(_point_value(*near)),
        function="ST_Distance",
        output_field=models.FloatField(),
    )


def _geo_conditions(query: ListingQuery, *, kind: _Kind) -> list[Condition]:
    conditions: list[Condition] = []
    point = _geo_point(kind)
    if query.bbox is not None:
        west, south = _lon_lat(*query.bbox[:2])
        east, north = _lon_lat(*query.bbox[2:])
        lon = models.Func(point, function="ST_X", output_field=models.FloatField())
        lat = models.Func(point, function="ST_Y", output_field=models.FloatField())
        conditions += [
            GreaterThanOrEqual(lon, west),
            LessThanOrEqual(lon, east),
            GreaterThanOrEqual(lat, south),
            LessThanOrEqual(lat, north),
        ]
    if query.near is not None and query.distance_m is not None:
        conditions.append(
            models.Func(
                _geography(point),
                _geography(_point_value(*query.near)),
                Value(float(query.distance_m)),
                Value(False),  # on the sphere, as Elasticsearch's arc distance filters, so both keep the same set
                function="ST_DWithin",
                output_field=models.BooleanField(),
            )
        )
    if query.polygon is not None:
        conditions.append(
            models.Func(_polygon_value(query.polygon), point, function="ST_Covers", output_field=models.BooleanField())
        )
    return conditions


def _polygon_value(ring: Sequence[tuple[float, float]]) -> Value:
    """The ring as a polygon, closed if it is not; Impossible for one no point can be inside."""
    try:
        points = [_lon_lat(*vertex) for vertex in ring]
    except (TypeError, ValueError) as exc:
        raise Impossible("a polygon needs lon/lat vertices") from exc
    if points and points[0] != points[-1]:
        points.append(points[0])
    if len(set(points)) < 3:
        raise Impossible("a polygon needs three distinct vertices")
    polygon = Polygon(points, srid=SRID)
    if not polygon.valid:
        raise Impossible(f"an invalid polygon: {polygon.valid_reason}")
    return Value(polygon, output_field=PolygonField(srid=SRID))


# ------------------------------------------------------------------------------ sorting and paging


@dataclass(frozen=True)
class _SortKey:
    expression: Combinable
    descending: bool
    parse: Callable[[str], Any]  # a cursor's string back to a value comparable with the expression


def _sort_key(query: ListingQuery, kind: _Kind) -> _SortKey:
    """The value the query orders by (nulls last either way; then id descending). Relevance is newest here."""
    sort = "newest" if query.sort == "relevance" else query.sort
    if sort == "newest":  # milliseconds since the epoch, as Elasticsearch's date fields hold and sort them
        millis = models.Func(
            F(kind.date_field),
            template="floor(extract(epoch from %(expressions)s) * 1000)::bigint",
            output_field=models.BigIntegerField(),
        )
        return _SortKey(millis, descending=True, parse=int)
    if sort == "distance":
        if query.near is None:
            raise Impossible("sorting by distance needs a point")
        return _SortKey(_distance(query.near, kind), descending=False, parse=float)
    field, _, direction = sort.rpartition("_")
    if direction not in ("asc", "desc"):
        raise Impossible(f"no sort {query.sort!r}")
    if field == "unit_price" and kind is SUPPLY:
        return _SortKey(_unit_price(), descending=direction == "desc", parse=float)
    if field not in kind.sort_fields:
        raise Impossible(f"no sort {query.sort!r} for {kind.name}")
    return _SortKey(F(kind.sort_fields[field]), descending=direction == "desc", parse=Decimal)


def _page(
    query: ListingQuery, listings: QuerySet[Any], *, kind: _Kind
) -> tuple[list[int], tuple[str, ...] | None, dict[int, float]]:
    """The ids of one page in the query's order (by page, or after the cursor), the cursor past a full page, and
    each listing's distance from the query's point."""
    key = _sort_key(query, kind)
    order = F("_sort").desc(nulls_last=True) if key.descending else F("_sort").asc(nulls_last=True)
    window = listings.annotate(_sort=key.expression).order_by(order, "-id")
    if query.after is not None:
        window = window.filter(_after(query.after, key, sort=query.sort))
        start = 0
    elif query.page < 1:
        raise Impossible("pages count from 1")
    else:
        start = (query.page - 1) * query.page_size
    if query.page_size < 1:
        return [], None, {}
    columns = ["id", "_sort"]
    if query.near is not None:
        window = window.annotate(_distance=_distance(query.near, kind))
        columns.append("_distance")
    rows = list(window.values_list(*columns)[start : start + query.page_size])
    ids = [row[0] for row in rows]
    distances = {row[0]: row[2] for row in rows if query.near is not None and row[2] is not None}
    next_after = _cursor(rows[-1][1], rows[-1][0]) if len(rows) == query.page_size else None
    return ids, next_after, distances


def _cursor(value: Any, pk: int) -> tuple[str, str]:
    """What the next page starts after, as Elasticsearch's `search_after` cursor: the sort value as a string ("" for
    none: epoch milliseconds for dates, metres for distance) and the id."""
    return ("" if value is None else str(value), str(pk))


def _after(after: tuple[str, ...], key: _SortKey, *, sort: str) -> Q:
    """The rows after the cursor's in the order (sort value with nulls last, then id descending). A relevance
    cursor of Elasticsearch (score, date, id) goes on by its date and id, as this engine orders relevance."""
    cursor = after[1:] if sort == "relevance" and len(after) == 3 else after
    try:
        raw_value, raw_id = cursor
        pk = int(raw_id)
        value = None if raw_value == "" else key.parse(raw_value)
    except (ValueError, TypeError, InvalidOperation) as exc:
        raise Impossible(f"a malformed cursor: {after!r}") from exc
    if value is None:
        return Q(_sort__isnull=True, id__lt=pk)
    if not (-(2**63) < pk < 2**63 and _storable(value)):
        raise Impossible(f"a cursor beyond any stored value: {after!r}")
    beyond = Q(_sort__lt=value) if key.descending else Q(_sort__gt=value)
    return beyond | Q(_sort=value, id__lt=pk) | Q(_sort__isnull=True)


def _storable(value: int | float | Decimal) -> bool:
    """Whether a cursor's value is one PostgreSQL can compare (a bigint, a finite double, a numeric of sane size)."""
    if isinstance(value, Decimal):
        return value.is_finite() and -100 < value.adjusted() < 100
    if isinstance(value, float):
        return math.isfinite(value)
    return -(2**63) < value < 2**63


# ------------------------------------------------------------------------------ facets


def listing_facets(
    query: ListingQuery, listings: QuerySet[Any], *, kind: _Kind
) -> tuple[int, dict[str, list[tuple[str, int]]]]:
    """The total and the counts over the whole filtered set, in one scan: region one level below the query's, land
    use by first level, mode, and for supply price bands (面议 apart). Terms by count, then key (Elasticsearch's
    order); price bands in their order with 面议 last, zeros included."""
    keys: dict[str, Combinable] = {
        "region": _region_key(facet_region_level(query.region)),
        "land_use": Case(When(land_use="", then=Value(None)), default=Substr("land_use", 1, 2)),
        "mode": F(kind.mode_field),
    }
    if kind is SUPPLY:
        keys["price_band"] = _price_band()
    names = list(keys)
    inner_sql, params = (
        listings.order_by()
        .annotate(**{f"_{name}": key for name, key in keys.items()})
        .values_list(*[f"_{name}" for name in names])
        .query.sql_with_params()
    )
    columns = ", ".join(f"facet_{index}" for index in range(len(names)))
    sets = ", ".join([*(f"(facet_{index})" for index in range(len(names))), "()"])
    sql = (
        f"SELECT GROUPING({columns}), {columns}, COUNT(*) FROM ({inner_sql}) AS filtered ({columns}) "  # noqa: S608
        f"GROUP BY GROUPING SETS ({sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = 0
    counted: dict[str, list[tuple[str, int]]] = {name: [] for name in names}
    everything = (1 << len(names)) - 1  # GROUPING() has a bit set for each column a row is not grouped by
    for grouping, *values, count in rows:
        if grouping == everything:
            total = count
            continue
        index = next(i for i in range(len(names)) if not grouping & (1 << (len(names) - 1 - i)))
        if values[index] is not None:
            counted[names[index]].append((str(values[index]), count))
    facets = {
        name: sorted(counted[name], key=lambda item: (-item[1], item[0])) for name in ("region", "land_use", "mode")
    }
    if kind is SUPPLY:
        bands = dict(counted["price_band"])
        facets["price_band"] = [(band, bands.get(band, 0)) for band in _band_keys()]
    return total, facets


def _empty_facets(kind: _Kind) -> dict[str, list[tuple[str, int]]]:
    facets: dict[str, list[tuple[str, int]]] = {"region": [], "land_use": [], "mode": []}
    if kind is SUPPLY:
        facets["price_band"] = [(band, 0) for band in _band_keys()]
    return facets


def _band_keys() -> list[str]:
    return [band for band, _low, _high in PRICE_BANDS] + [NEGOTIABLE]


def _region_key(level: str) -> Case:
    """The code of the listing's region at a level, from the code (province xx0000, city xxxx00, county); null for a
    listing whose region is above that level (a demand for a whole province has no city)."""
    code = F("region_id")
    if level == "province":
        whens = [When(region__isnull=True, then=Value(None))]
        return Case(*whens, default=Concat(Substr(code, 1, 2), Value("0000")), output_field=models.CharField())
    if level == "city":
        whens = [When(Q(region__isnull=True) | Q(region__code__endswith="0000"), then=Value(None))]
        return Case(*whens, default=Concat(Substr(code, 1, 4), Value("00")), output_field=models.CharField())
    return Case(When(region__code__endswith="00", then=Value(None)), default=code, output_field=models.CharField())


def _price_band() -> Case:
    """The `price_band` of the price: [low, high) bands, 面议 without a price."""
    whens = [When(price_wan__isnull=True, then=Value(NEGOTIABLE))]
    for band, low, high in PRICE_BANDS:
        condition = Q()
        if low is not None:
            condition &= Q(price_wan__gte=low)
        if high is not None:
            condition &= Q(price_wan__lt=high)
        whens.append(When(condition, then=Value(band)))
    return Case(*whens, output_field=models.CharField())
