"""`manage.py search_reindex`: a new dated index loaded from the database with a progress bar, the alias moved in one
atomic call (searches running meanwhile always get the full answer), the old index dropped, and what was written
during the load replayed from the outbox afterwards."""

import io
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import connection

from geo.tests.factories import parcel_create, square_in
from market.documents import DemandDocument, SupplyListingDocument
from market.models import Demand, SupplyAttachment, SupplyListing
from market.services.supply import supply_delist
from market.tests.factories import supply_create
from search.backends import elasticsearch_client
from search.engines.elasticsearch import ElasticsearchEngine
from search.indexing import (
    ReindexRunning,
    alias_indices,
    ensure_indices,
    index_alias,
    index_pending_changes,
    listing_sources,
    reindex,
)
from search.models import IndexChange
from search.query import ListingQuery


def indexed(pk: int) -> Any:  # the document's source, None when the index lacks it
    response = elasticsearch_client().options(ignore_status=404).get(index=index_alias("supply"), id=str(pk))
    return response["_source"] if response.meta.status == 200 else None


def documents_of_instances(document: Any) -> dict[int, Any]:  # what the document makes of each model instance
    return {row.pk: document.prepare(row) for row in document.get_queryset()}


def in_thread(work: Callable[[], Any]) -> Any:
    """Run `work` in another thread (its own database session) and return what it returned or raise what it raised."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@pytest.mark.django_db
def test_the_command_loads_every_public_row_into_a_new_index_and_swaps_the_alias(regions, owner, search_prefix):
    public = [supply_create(owner=owner, region=regions["510104"]) for _ in range(5)]
    supply_create(owner=owner, region=regions["510104"], status=SupplyListing.Status.DRAFT)
    ensure_indices()
    (first,) = alias_indices(index_alias("supply"))
    leftover = f"{index_alias('supply')}_20000101000000000000"  # a reindex that died before its swap
    elasticsearch_client().indices.create(index=leftover)
    stdout, stderr = io.StringIO(), io.StringIO()

    call_command("search_reindex", "--kind", "supply", "--chunk-size", "2", stdout=stdout, stderr=stderr)

    (second,) = alias_indices(index_alias("supply"))
    assert second != first
    assert elasticsearch_client().count(index=index_alias("supply"))["count"] == 5
    assert all(indexed(listing.pk) for listing in public)
    assert not elasticsearch_client().indices.exists(index=first)
    assert not elasticsearch_client().indices.exists(index=leftover)
    assert f"supply: 5 documents in {second}" in stdout.getvalue()
    assert "5/5" in stderr.getvalue()  # the progress bar
    assert IndexChange.objects.count() == 0  # the outbox was replayed into the new index


@pytest.mark.django_db(transaction=True)
def test_searches_during_a_reindex_always_get_the_full_answer(regions, owner, search_prefix):
    count = 120
    for _ in range(count):
        supply_create(owner=owner, region=regions["510104"])
    reindex("supply")  # the index searches start from
    engine = ElasticsearchEngine()
    totals: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()
    searched = threading.Condition()

    def search_continuously() -> None:
        while not stop.is_set():
            try:
                total = engine.search(ListingQuery(page_size=1)).total
            except BaseException as exc:
                errors.append(exc)
                return
            with searched:
                totals.append(total)
                searched.notify_all()

    def a_few_searches_per_chunk(_loaded: int) -> None:
        with searched:
            goal = len(totals) + 2
            searched.wait_for(lambda: len(totals) >= goal or bool(errors), timeout=10)

    searcher = threading.Thread(target=search_continuously)
    searcher.start()
    try:
        result = reindex("supply", chunk_size=10, progress=a_few_searches_per_chunk)
        with searched:
            goal = len(totals) + 5
            searched.wait_for(lambda: len(totals) >= goal or bool(errors), timeout=10)
    finally:
        stop.set()
        searcher.join(timeout=30)

    assert errors == []
    assert len(totals) >= 2 * (count // 10) + 5  # searches before, throughout and after the swap
    assert set(totals) == {count}  # never empty, never partial
    assert alias_indices(index_alias("supply")) == [result.index]


@pytest.mark.django_db(transaction=True)
def test_writes_during_a_reindex_reach_the_live_index_and_are_replayed_into_the_new_one(regions, owner, search_prefix):
    leaving, renamed, *others = [supply_create(owner=owner, region=regions["510104"]) for _ in range(6)]
    reindex("supply")
    seen: dict[str, Any] = {}

    def write_meanwhile() -> None:
        supply_delist(listing_id=leaving.pk, user=owner)
        renamed_row = SupplyListing.objects.get(pk=renamed.pk)
        renamed_row.title = "改过的标题"
        renamed_row.save(update_fields=["title"])
        added = supply_create(owner=owner, region=regions["510107"])
        seen["added"] = added.pk
        seen["outbox"] = index_pending_changes()
        seen["rows"] = IndexChange.objects.count()
        seen["live"] = (indexed(leaving.pk), indexed(renamed.pk)["title"], indexed(added.pk) is not None)
        try:
            reindex("supply")
        except ReindexRunning as exc:
            seen["second reindex"] = str(exc)

    def on_first_chunk(_loaded: int) -> None:
        if not seen:
            in_thread(write_meanwhile)

    result = reindex("supply", chunk_size=2, progress=on_first_chunk)

    # While the reindex ran, the changes went to the live index and their rows were kept for the replay.
    assert seen["outbox"]["indexed"] == 0
    assert seen["outbox"]["kept"] >= 3
    assert seen["rows"] >= 3
    assert seen["live"] == (None, "改过的标题", True)
    assert "is running" in seen["second reindex"]
    # After the swap the new index holds them too, though it was loaded from a snapshot taken before them.
    assert alias_indices(index_alias("supply")) == [result.index]
    assert indexed(leaving.pk) is None
    assert indexed(renamed.pk)["title"] == "改过的标题"
    assert indexed(seen["added"]) is not None
    assert elasticsearch_client().count(index=index_alias("supply"))["count"] == 1 + len(others) + 1
    assert IndexChange.objects.count() == 0


@pytest.mark.django_db
def test_the_reindex_makes_of_each_row_the_document_the_model_instance_makes(regions, owner):
    parcel = parcel_create(code="510104-SRC1", geometry=square_in("510104", 0.002), region=regions["510104"])
    photographed = supply_create(owner=owner, region=regions["510104"], location=Point(104.08, 30.65, srid=4490))
    SupplyAttachment.objects.create(
        listing=photographed, kind="photo", file="supply/2026/12/site.jpg", original_name="site.jpg",
        content_type="image/jpeg", size=1, uploaded_by=owner,
    )  # fmt: skip
    supply_create(owner=owner, region=regions["510104"], parcel=parcel, location=None, view_count=7)  # its centroid
    supply_create(owner=owner, region=regions["510107"], price_wan=None, status=SupplyListing.Status.CERTIFIED)
    supply_create(owner=owner, region=regions["510700"], mode=SupplyListing.Mode.LEASE, location=None, land_use="")
    supply_create(owner=owner, region=regions["510104"], status=SupplyListing.Status.DRAFT)  # not public
    Demand.objects.create(
        owner=owner, created_by=owner, kind=Demand.Kind.LEASE, region=regions["510104"], title="求租锦江区仓储用地",
        status=Demand.Status.REGISTERED, description="临近绕城", area_min_m2=Decimal("800"),
        price_max_wan=Decimal("90"), location=Point(104.08, 30.65, srid=4490), land_use="1101",
    )  # fmt: skip

    supply = dict(listing_sources("supply", chunk_size=2))
    demand = dict(listing_sources("demand"))

    assert len(supply) == 4
    assert supply == documents_of_instances(SupplyListingDocument())
    assert supply[photographed.pk]["row"]["photo"] is not None
    assert len(demand) == 1
    assert demand == documents_of_instances(DemandDocument())
