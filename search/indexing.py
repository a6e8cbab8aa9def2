"""Feeding the search indices: the alias of each kind over a dated index, indexing ids now, the outbox of committed
writes (IndexChange) taken by the Celery task, the heat sweep, and the full reindex that swaps the alias.

Each kind (supply, demand) is searched through the alias `{SEARCH_INDEX_PREFIX}_{kind}` pointing at one concrete
index `{alias}_{UTC timestamp}`. A reindex builds a new concrete index and moves the alias in one atomic
`update_aliases` call, so searches never see a missing or half-built index.
"""

import logging
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any, Literal, NamedTuple

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, FloatField, Func, QuerySet
from django.db.models.functions import Coalesce
from django_elasticsearch_dsl import Document
from elasticsearch import Elasticsearch
from elasticsearch.exceptions import ApiError, TransportError
from elasticsearch.serializer import JsonSerializer

from market.documents import DemandDocument, SupplyListingDocument, index_settings
from market.models import Demand, SupplyListing
from search.backends import elasticsearch_client_timing_out
from search.direct_documents import DirectDealDocument
from search.models import IndexChange
from search.notice_documents import NoticeDocument, all_notice_sources, notice_count, notice_sources

logger = logging.getLogger("search")

Kind = Literal["supply", "demand", "notice", "direct"]
LISTING_KINDS: tuple[Kind, ...] = ("supply", "demand")
# notices: announcements and results of lots (search/notice_documents.py); direct: 直接交易, coded contracts without
# a lot (search/direct_documents.py)
KINDS: tuple[Kind, ...] = (*LISTING_KINDS, "notice", "direct")
DOCUMENTS: dict[str, type[Document]] = {
    "supply": SupplyListingDocument,
    "demand": DemandDocument,
    "notice": NoticeDocument,
    "direct": DirectDealDocument,
}
BULK_TIMEOUT = 60.0  # seconds for one bulk request (a search uses ELASTICSEARCH_TIMEOUT)
OUTBOX_BATCH = 500
REINDEX_CHUNK = 2000
# Bulk requests of a reindex in flight at once: Elasticsearch indexes some while this process makes the next.
REINDEX_THREADS = 3
BULK_RETRIES = 3  # a bulk request Elasticsearch is too busy for (429) is sent again after 2, 4, 8 s
# A new index's settings while a reindex loads it: no refreshes, no replica to copy to, the translog synced in the
# background (a crash means a new reindex anyway). Set back to the index's own settings before the alias moves.
LOADING: dict[str, Any] = {"refresh_interval": "-1", "number_of_replicas": 0, "translog.durability": "async"}
_OUTBOX_LOCK = "search:index_changes"  # one outbox run at a time, so an older state never overwrites a newer one


class IndexingUnavailable(Exception):
    """Elasticsearch did not take the documents (down, timing out, index missing): the outbox rows stay."""


class ReindexRunning(Exception):
    """Another reindex of the same kind is running."""


def index_alias(kind: str, prefix: str | None = None) -> str:
    """The alias searches and writes go through: `{prefix}_{kind}`, the prefix SEARCH_INDEX_PREFIX unless given
    (tests isolate themselves with a prefix of their own)."""
    return f"{settings.SEARCH_INDEX_PREFIX if prefix is None else prefix}_{kind}"


def _client(timeout: float = BULK_TIMEOUT) -> Elasticsearch:
    return elasticsearch_client_timing_out(timeout)


def _concrete_name(alias: str) -> str:
    return f"{alias}_{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"


def _dated_indices(client: Elasticsearch, alias: str) -> list[str]:
    """Every concrete index ever built for the alias (behind it or left over)."""
    dated = re.compile(rf"{re.escape(alias)}_\d{{20}}")
    response = client.options(ignore_status=404).indices.get(index=f"{alias}_*", expand_wildcards="all")
    return sorted(name for name in response.body if dated.fullmatch(name)) if response.meta.status == 200 else []


def index_body(kind: str) -> dict[str, Any]:
    """The settings and mappings of a new concrete index of the kind (from market/documents.py)."""
    return {"settings": index_settings(), "mappings": DOCUMENTS[kind]._doc_type.mapping.to_dict()}


def alias_indices(alias: str, client: Elasticsearch | None = None) -> list[str]:
    """The concrete indices the alias points at (one), or [] when there is no such alias."""
    client = client or _client()
    response = client.options(ignore_status=404).indices.get_alias(name=alias)
    return sorted(response.body) if response.meta.status == 200 else []


def ensure_indices(kinds: Iterable[str] = KINDS, *, prefix: str | None = None) -> dict[str, bool]:
    """Create the alias and a first (empty) concrete index of each kind that has none; {kind: created}."""
    client = _client()
    created = {}
    for kind in kinds:
        alias = index_alias(kind, prefix)
        with _reindex_lock(alias):
            if alias_indices(alias, client):
                created[kind] = False
                continue
            body = index_body(kind)
            client.indices.create(
                index=_concrete_name(alias), settings=body["settings"], mappings=body["mappings"], aliases={alias: {}}
            )
            created[kind] = True
    return created


def delete_indices(kinds: Iterable[str] = KINDS, *, prefix: str | None = None) -> list[str]:
    """Delete every concrete index of the kinds (and so their aliases): for tests and decommissioning."""
    client = _client()
    names = [name for kind in kinds for name in _dated_indices(client, index_alias(kind, prefix))]
    for name in names:
        client.options(ignore_status=404).indices.delete(index=name)
    return names


# ------------------------------------------------------------------------------------------------ documents


def _documents(kind: str, ids: Iterable[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    if kind == "notice":  # announcements and results (search/notice_documents.py)
        yield from notice_sources(ids)
        return
    document = DOCUMENTS[kind]()
    for row in document.get_queryset().filter(pk__in=list(ids)):
        yield row.pk, document.prepare(row)


def _operations(kind: str, ids: Sequence[int], alias: str) -> tuple[list[dict[str, Any]], int, int]:
    """Bulk operations for the ids: index the public ones, delete the others (non-public or gone)."""
    operations: list[dict[str, Any]] = []
    indexed = set()
    for pk, source in _documents(kind, ids):
        operations += [{"index": {"_index": alias, "_id": str(pk)}}, source]
        indexed.add(pk)
    gone = [pk for pk in ids if pk not in indexed]
    operations += [{"delete": {"_index": alias, "_id": str(pk)}} for pk in gone]
    return operations, len(indexed), len(gone)


def _bulk(operations: list[dict[str, Any]], *, refresh: bool) -> None:
    """Send the operations; IndexingUnavailable unless Elasticsearch took every one (a delete of a document the index
    does not hold is fine). `require_alias` keeps a write to a missing alias from creating a stray index."""
    if not operations:
        return
    try:
        response = _client().bulk(operations=operations, require_alias=True, refresh=refresh)
    except (TransportError, ApiError) as exc:
        raise IndexingUnavailable(f"Elasticsearch did not take the bulk request: {exc}") from exc
    if not response["errors"]:
        return
    for item in response["items"]:
        ((op, info),) = item.items()
        if 200 <= info["status"] < 300 or (op == "delete" and info["status"] == 404 and "error" not in info):
            continue
        error = info.get("error") or {}
        if error.get("type") == "index_not_found_exception":
            raise IndexingUnavailable(f"no index behind {info.get('_index')}: run `manage.py search_reindex`")
        raise IndexingUnavailable(f"Elasticsearch refused a document: {op} {info.get('_id')}: {error}")


def index_now(kind: str, ids: Iterable[int], *, prefix: str | None = None) -> None:
    """Index (public) or remove (otherwise) these ids at once and refresh: for tests and administrative repairs."""
    operations, _indexed, _deleted = _operations(kind, sorted(set(ids)), index_alias(kind, prefix))
    _bulk(operations, refresh=True)


# ------------------------------------------------------------------------------------------------ the outbox


def changes_record(kind: str, ids: Iterable[int]) -> None:
    """Queue index changes in the caller's transaction and run the indexing task once it commits."""
    rows = [IndexChange(kind=kind, object_id=pk) for pk in ids]
    if not rows:
        return
    IndexChange.objects.bulk_create(rows)
    transaction.on_commit(_enqueue, robust=True)  # a broker outage never fails the committed write


def _enqueue() -> None:
    from search.tasks import index_changes

    index_changes.delay()


def _reindexing_kinds() -> list[str]:
    """The kinds a reindex holds the lock of (in another session), within the caller's transaction."""
    with connection.cursor() as cursor:
        busy: list[str] = []
        for kind in KINDS:
            cursor.execute("SELECT pg_try_advisory_xact_lock_shared(hashtext(%s))", [_reindex_key(index_alias(kind))])
            if not cursor.fetchone()[0]:
                busy.append(kind)
        return busy


def _apply(changes: Sequence[IndexChange]) -> tuple[int, int]:
    """Index the current state of the changed objects: (indexed, deleted)."""
    by_kind: dict[str, set[int]] = {}
    for change in changes:
        by_kind.setdefault(change.kind, set()).add(change.object_id)
    operations: list[dict[str, Any]] = []
    indexed = deleted = 0
    for kind, ids in by_kind.items():
        kind_operations, kind_indexed, kind_deleted = _operations(kind, sorted(ids), index_alias(kind))
        operations += kind_operations
        indexed += kind_indexed
        deleted += kind_deleted
    _bulk(operations, refresh=False)
    return indexed, deleted


def index_pending_changes(*, batch_size: int = OUTBOX_BATCH, max_batches: int = 200) -> dict[str, int]:
    """Take the outbox in batches: index each changed object's current state (delete it from the index when it is no
    longer public) and delete the rows once Elasticsearch acknowledged. On failure the batch's rows stay and
    IndexingUnavailable is raised (the task retries; the beat runs it every minute anyway).

    While a kind is being reindexed its changes go to the live index but their rows stay, so they are replayed into
    the new index after the alias swap.
    """
    totals = {"indexed": 0, "deleted": 0, "kept": 0}
    for _ in range(max_batches):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_OUTBOX_LOCK])
            busy = _reindexing_kinds()
            rows = list(
                IndexChange.objects.select_for_update(skip_locked=True)
                .exclude(kind__in=busy)
                .order_by("id")[:batch_size]
            )
            if rows:
                indexed, deleted = _apply(rows)
                IndexChange.objects.filter(pk__in=[row.pk for row in rows]).delete()
                totals["indexed"] += indexed
                totals["deleted"] += deleted
        if len(rows) < batch_size:
            break
    else:
        _enqueue()  # more than max_batches waiting: continue in a fresh task
    totals["kept"] = _apply_during_reindex(batch_size=batch_size)
    return totals


def _apply_during_reindex(*, batch_size: int) -> int:
    """Changes of kinds being reindexed: applied to the live index, rows kept for the replay after the swap."""
    last = 0
    kept = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_OUTBOX_LOCK])
            busy = _reindexing_kinds()
            if not busy:
                return kept
            rows = list(IndexChange.objects.filter(kind__in=busy, id__gt=last).order_by("id")[:batch_size])
            if rows:
                _apply(rows)
                last = rows[-1].pk
                kept += len(rows)
        if len(rows) < batch_size:
            return kept


# ------------------------------------------------------------------------------------------------ heat sweep

# Heat counters change through QuerySet.update() (views, favourites, quotes, appointments), which sends no signal.
_HEAT = {
    "supply": F("view_count") + F("favourite_count") + F("quote_count") + F("appointment_count"),
    "demand": F("view_count") + F("favourite_count"),
}


def _public(kind: str) -> QuerySet[Any]:
    if kind == "supply":
        return SupplyListing.objects.filter(status__in=SupplyListing.PUBLIC_STATUSES)
    return Demand.objects.filter(status__in=Demand.PUBLIC_STATUSES)


def heat_sweep(*, chunk_size: int = 1000) -> dict[str, int]:
    """Queue an index change for every public listing whose heat in the index differs from the database's (or that
    the index lacks); {kind: queued}. Catches what no signal reports."""
    client = _client()
    queued: dict[str, int] = {}
    for kind in LISTING_KINDS:  # notices have no heat
        alias = index_alias(kind)
        stale: list[int] = []
        rows = _public(kind).annotate(current_heat=_HEAT[kind]).values_list("pk", "current_heat").order_by("pk")
        chunk: list[tuple[int, int]] = []
        for row in rows.iterator(chunk_size=chunk_size):
            chunk.append(row)
            if len(chunk) == chunk_size:
                stale += _stale_heat(client, alias, chunk)
                chunk = []
        stale += _stale_heat(client, alias, chunk)
        with transaction.atomic():
            changes_record(kind, stale)
        queued[kind] = len(stale)
    return queued


def _stale_heat(client: Elasticsearch, alias: str, chunk: list[tuple[int, int]]) -> list[int]:
    if not chunk:
        return []
    try:
        response = client.mget(index=alias, ids=[str(pk) for pk, _heat in chunk], source_includes=["heat"])
    except (TransportError, ApiError) as exc:
        raise IndexingUnavailable(f"Elasticsearch did not answer the heat sweep: {exc}") from exc
    indexed = {int(doc["_id"]): doc["_source"].get("heat") for doc in response["docs"] if doc.get("found")}
    return [pk for pk, heat in chunk if indexed.get(pk, -1) != heat]


# ------------------------------------------------------------------------------------------------ full reindex


@dataclass
class ReindexResult:
    kind: str
    index: str
    documents: int
    removed: list[str]
    merge_task: str  # the background merge of the new index into one segment (Elasticsearch's task id)


def _reindex_key(alias: str) -> str:
    return f"search:reindex:{alias}"


@contextmanager
def _reindex_lock(alias: str) -> Iterator[None]:
    """Session-level advisory locks, released if the process dies, so a crashed reindex never blocks anything: the
    run key keeps a second reindex of the kind out (ReindexRunning), the reindex key tells the outbox (which tries it
    shared) that the kind is being rebuilt; taking it waits for an outbox batch in progress to finish."""
    run_key, key = f"{_reindex_key(alias)}:run", _reindex_key(alias)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [run_key])
        if not cursor.fetchone()[0]:
            raise ReindexRunning(f"a reindex of {alias} is running")
        try:
            cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [key])
        except BaseException:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [run_key])
            raise
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [key])
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [run_key])


def reindex_count(kind: str) -> int:
    """How many documents a reindex of the kind will load (the public rows)."""
    if kind == "notice":
        return notice_count()
    return int(DOCUMENTS[kind]().get_queryset().count())


def reindex(
    kind: str, *, chunk_size: int = REINDEX_CHUNK, progress: Callable[[int], None] | None = None
) -> ReindexResult:
    """Build a new concrete index with every public row, then point the alias at it and drop the old one(s).

    Rows are streamed (`iterator(chunk_size)`) and bulk-loaded, REINDEX_THREADS bulk requests at a time, into an
    index built with the LOADING settings (set back before the swap); `progress(n)` is told each time n more
    documents were loaded. The alias moves in one `update_aliases` call (remove + add), so there is no moment
    without it; the new index is then merged into one segment in the background (`merge_task`).
    Changes written meanwhile were kept in the outbox (see index_pending_changes) and are replayed afterwards.
    """
    client = _client()
    alias = index_alias(kind)
    with _reindex_lock(alias):
        new = _concrete_name(alias)
        body = index_body(kind)
        client.indices.create(index=new, settings={**body["settings"], **LOADING}, mappings=body["mappings"])
        try:
            try:
                loaded = _load(client, kind, new, chunk_size=chunk_size, progress=progress)
            finally:
                serving = {name: body["settings"].get(name) for name in LOADING}  # None: Elasticsearch's default
                client.indices.put_settings(index=new, settings={"index": serving})
            client.indices.refresh(index=new)
            old = alias_indices(alias, client)
            client.indices.update_aliases(
                actions=[{"remove": {"index": name, "alias": alias}} for name in old]
                + [{"add": {"index": new, "alias": alias}}]
            )
        except BaseException:
            client.options(ignore_status=404).indices.delete(index=new)
            raise
        # The old index, and any left by a reindex that died before its swap.
        leftovers = [name for name in _dated_indices(client, alias) if name != new]
        for name in leftovers:
            client.options(ignore_status=404).indices.delete(index=name)
    # A bulk load leaves dozens of segments; searches over one (the facets of every match above all) take less. The
    # merge runs in the background: the new index answers meanwhile, and the reindex ends at the swap.
    merge = client.indices.forcemerge(index=new, max_num_segments=1, wait_for_completion=False)
    logger.info("reindexed %s: %d documents into %s (removed %s)", kind, loaded, new, ", ".join(leftovers) or "none")
    try:
        index_pending_changes()  # replay what was written during the load into the new index
    except IndexingUnavailable as error:  # e.g. another kind's index not built yet: no traceback, the task replays it
        logger.warning("the outbox could not be replayed after the reindex of %s; the task will: %s", kind, error)
    return ReindexResult(kind=kind, index=new, documents=loaded, removed=sorted(leftovers), merge_task=merge["task"])


def _load(
    client: Elasticsearch, kind: str, index: str, *, chunk_size: int, progress: Callable[[int], None] | None
) -> int:
    """Send the kind's documents in bulk requests of `chunk_size`, REINDEX_THREADS at a time: the rows are read and
    the documents made in this thread (its database connection, its transaction), while the requests already sent
    wait for Elasticsearch in the pool's threads."""
    sources: Iterator[tuple[int, dict[str, Any]]]
    if kind == "notice":  # announcements and results (search/notice_documents.py)
        sources = all_notice_sources(chunk_size=chunk_size)
    elif kind in LISTING_KINDS:
        sources = listing_sources(kind, chunk_size=chunk_size)
    else:  # direct deals (search/direct_documents.py): few, from model instances
        document = DOCUMENTS[kind]()
        rows = document.get_queryset().iterator(chunk_size=chunk_size)
        sources = ((row.pk, document.prepare(row)) for row in rows)
    loaded = 0
    # In a transaction the rows come from a cursor as they are fetched; outside one Django declares it WITH HOLD and
    # PostgreSQL computes every row before the first. JIT compiling the row query cost seconds and saves nothing.
    with transaction.atomic(), ThreadPoolExecutor(REINDEX_THREADS, thread_name_prefix="reindex") as pool:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        sent: deque[Future[int]] = deque()
        for chunk in _chunks(sources, chunk_size):
            sent.append(pool.submit(_send, client, index, chunk))
            if len(sent) == REINDEX_THREADS:  # at most REINDEX_THREADS chunks made but not yet taken
                loaded += _taken(sent.popleft(), progress)
        while sent:
            loaded += _taken(sent.popleft(), progress)
    return loaded


class _Row(dict[str, Any]):
    """A listing's values, read as a document reads a model instance: by key (django-elasticsearch-dsl's fields try
    that first) or by attribute (the documents' prepare_* methods)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class _Point(NamedTuple):
    x: float
    y: float


# What each listing document reads of a row (market/documents.py, search.selectors.row_document), besides its point:
# the document's queryset gives the region names and a supply's first photo as annotations.
_SOURCE_VALUES: dict[str, tuple[str, ...]] = {
    "supply": (
        *("id", "title", "address", "region_id", "land_use", "mode", "status", "published_at", "area_m2", "price_wan"),
        *("view_count", "favourite_count", "quote_count", "appointment_count", "first_photo"),
        *("region_name", "region_parent_name", "region_grandparent_name"),
    ),
    "demand": (
        *("id", "title", "description", "region_id", "land_use", "kind", "status", "registered_at"),
        *("area_min_m2", "area_max_m2", "price_min_wan", "price_max_wan", "view_count", "favourite_count"),
        *("region_name", "region_parent_name", "region_grandparent_name"),
    ),
}


def listing_sources(kind: str, *, chunk_size: int = REINDEX_CHUNK) -> Iterator[tuple[int, dict[str, Any]]]:
    """(id, document source) of every public listing of the kind, the same as the document makes of a model
    instance, from a row of just the values it reads: a model instance (about 60 fields, two geometries parsed by
    GEOS) cost more than the rest of a reindex. The point is read as numbers (ST_X, ST_Y): the listing's own, else
    its parcel's centroid (supply)."""
    document = DOCUMENTS[kind]()
    point: dict[str, Any]
    if kind == "supply":
        point = {
            "lon": Coalesce(_ordinate("ST_X", "location"), _ordinate("ST_X", "parcel__centroid")),
            "lat": Coalesce(_ordinate("ST_Y", "location"), _ordinate("ST_Y", "parcel__centroid")),
            "heat": _HEAT["supply"],
        }
    else:
        point = {"lon": _ordinate("ST_X", "location"), "lat": _ordinate("ST_Y", "location")}
    rows = document.get_queryset().values(*_SOURCE_VALUES[kind], **point)
    for values in rows.iterator(chunk_size=chunk_size):
        row = _Row(values)
        lon, lat = row.pop("lon"), row.pop("lat")
        row["location"] = None if lon is None else _Point(lon, lat)
        yield row["id"], document.prepare(row)


def _ordinate(function: str, field: str) -> Func:
    return Func(F(field), function=function, output_field=FloatField())


def _chunks(sources: Iterator[tuple[int, dict[str, Any]]], size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    while chunk := list(islice(sources, size)):
        yield chunk


_JSON_DEFAULT = JsonSerializer().default  # what orjson does not encode (Decimal …), as the client would


def _send(client: Elasticsearch, index: str, chunk: list[tuple[int, dict[str, Any]]]) -> int:
    """One bulk request of (id, source) pairs, encoded by orjson (the client's encoder took longer than making the
    documents); what Elasticsearch refuses with 429 (too busy) is sent again after a pause, as streaming_bulk did.
    The number of documents taken; IndexingUnavailable for any other refusal."""
    lines: list[bytes] = []
    for pk, source in chunk:
        action = {"index": {"_index": index, "_id": str(pk)}}
        lines += [orjson.dumps(action), orjson.dumps(source, default=_JSON_DEFAULT)]
    for attempt in range(BULK_RETRIES + 1):
        if attempt:
            time.sleep(2**attempt)
        try:
            response = client.bulk(operations=lines)  # type: ignore[arg-type]  # encoded lines go through as they are
        except ApiError as exc:
            if exc.meta.status == 429 and attempt < BULK_RETRIES:
                continue
            raise IndexingUnavailable(f"Elasticsearch did not take the bulk request: {exc}") from exc
        except TransportError as exc:
            raise IndexingUnavailable(f"Elasticsearch did not take the bulk request: {exc}") from exc
        if not response["errors"]:
            break
        results = [info for item in response["items"] for info in item.values()]
        busy = [position for position, info in enumerate(results) if info["status"] == 429]
        refused = [info for info in results if info["status"] >= 300 and info["status"] != 429]
        if refused or attempt == BULK_RETRIES:
            refused = refused or [results[position] for position in busy]
            raise IndexingUnavailable(f"{len(refused)} documents were refused: {refused[0]}")
        lines = [line for position in busy for line in lines[2 * position : 2 * position + 2]]
    return len(chunk)


def _taken(request: Future[int], progress: Callable[[int], None] | None) -> int:
    taken = request.result()
    if progress is not None:
        progress(taken)
    return taken
