"""Feeding the search indices: the alias of each kind over a dated index, indexing ids now, the outbox of committed
writes (IndexChange) taken by the Celery task, the heat sweep, and the full reindex that swaps the alias.

Each kind (supply, demand) is searched through the alias `{SEARCH_INDEX_PREFIX}_{kind}` pointing at one concrete
index `{alias}_{UTC timestamp}`. A reindex builds a new concrete index and moves the alias in one atomic
`update_aliases` call, so searches never see a missing or half-built index.
"""

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django_elasticsearch_dsl import Document
from elasticsearch import Elasticsearch
from elasticsearch.exceptions import ApiError, TransportError
from elasticsearch.helpers import BulkIndexError, streaming_bulk

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

    Rows are streamed (`iterator(chunk_size)`) and bulk-loaded; `progress(n)` is told each time n more documents
    were loaded. The alias moves in one `update_aliases` call (remove + add), so there is no moment without it.
    Changes written meanwhile were kept in the outbox (see index_pending_changes) and are replayed afterwards.
    """
    client = _client()
    alias = index_alias(kind)
    with _reindex_lock(alias):
        new = _concrete_name(alias)
        body = index_body(kind)
        client.indices.create(
            index=new,
            settings={**body["settings"], "refresh_interval": "-1"},  # no refreshes while loading
            mappings=body["mappings"],
        )
        try:
            loaded = _load(client, kind, new, chunk_size=chunk_size, progress=progress)
            client.indices.put_settings(index=new, settings={"index": {"refresh_interval": None}})
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
    logger.info("reindexed %s: %d documents into %s (removed %s)", kind, loaded, new, ", ".join(leftovers) or "none")
    try:
        index_pending_changes()  # replay what was written during the load into the new index
    except IndexingUnavailable as error:  # e.g. another kind's index not built yet: no traceback, the task replays it
        logger.warning("the outbox could not be replayed after the reindex of %s; the task will: %s", kind, error)
    return ReindexResult(kind=kind, index=new, documents=loaded, removed=sorted(leftovers))


def _load(
    client: Elasticsearch, kind: str, index: str, *, chunk_size: int, progress: Callable[[int], None] | None
) -> int:
    if kind == "notice":  # announcements and results (search/notice_documents.py)
        sources = all_notice_sources(chunk_size=chunk_size)
    else:
        document = DOCUMENTS[kind]()
        sources = ((row.pk, document.prepare(row)) for row in document.get_queryset().iterator(chunk_size=chunk_size))
    actions = ({"_index": index, "_id": str(pk), "_source": source} for pk, source in sources)
    loaded = pending = 0
    try:
        for ok, _item in streaming_bulk(client, actions, chunk_size=chunk_size, max_retries=3):
            loaded += ok
            pending += 1
            if progress is not None and pending == chunk_size:
                progress(pending)
                pending = 0
    except BulkIndexError as exc:
        raise IndexingUnavailable(f"{len(exc.errors)} documents were refused: {exc.errors[:1]}") from exc
    if progress is not None and pending:
        progress(pending)
    return loaded
