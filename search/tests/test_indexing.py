"""Indexing follows every committed write: the outbox row is written in the writer's transaction, the Celery task
indexes the current state (or removes what left the public), rows stay while Elasticsearch is away and catch up when
it returns, and counters changed by QuerySet.update() reach the index through their signals or the heat sweep."""

import time
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction

from accounts.models import User
from geo.models import Region
from geo.tests.factories import parcel_create, square_in
from market.models import Demand, SupplyAttachment, SupplyListing
from market.services.demand import demand_delist
from market.services.favourites import favourite_add, favourite_remove
from market.services.quotes import quote_create
from market.services.supply import supply_delist, supply_view_record
from market.tests.factories import supply_create
from search.backends import elasticsearch_client
from search.indexing import (
    IndexingUnavailable,
    ensure_indices,
    heat_sweep,
    index_alias,
    index_pending_changes,
)
from search.models import IndexChange


def indexed(kind: str, pk: int) -> Any:  # the document's source, None when the index lacks it
    response = elasticsearch_client().options(ignore_status=404).get(index=index_alias(kind), id=str(pk))
    return response["_source"] if response.meta.status == 200 else None


def queued() -> list[tuple[str, int]]:
    return list(IndexChange.objects.order_by("id").values_list("kind", "object_id"))


def demand_create(owner: User, region: Region, **fields: Any) -> Demand:
    fields.setdefault("status", Demand.Status.REGISTERED)
    return Demand.objects.create(
        owner=owner, created_by=owner, kind=Demand.Kind.PURCHASE, region=region, title="求购锦江区商服用地", **fields
    )


# ------------------------------------------------------------------------------ the outbox, in the request path


@pytest.mark.django_db
def test_a_write_queues_its_index_change_in_the_same_transaction_and_calls_no_elasticsearch(
    regions, owner, elasticsearch_at
):
    elasticsearch_at("http://127.0.0.1:9", 1.0)  # writes never wait for Elasticsearch: they do not call it

    listing = supply_create(owner=owner, region=regions["510104"])
    assert queued() == [("supply", listing.pk)]

    def failing_write() -> None:
        with transaction.atomic():
            supply_create(owner=owner, region=regions["510104"], title="回滚")
            raise RuntimeError("the writer fails")

    with pytest.raises(RuntimeError):
        failing_write()
    assert queued() == [("supply", listing.pk)]  # the rolled-back write left no row either
    assert not SupplyListing.objects.filter(title="回滚").exists()


@pytest.mark.django_db
def test_without_elasticsearch_configured_writes_queue_nothing(regions, owner, settings):
    settings.ELASTICSEARCH_URL = ""

    supply_create(owner=owner, region=regions["510104"])

    assert queued() == []


# ------------------------------------------------------------------------------ the task


@pytest.mark.django_db
def test_the_outbox_indexes_public_listings_and_removes_those_that_leave_the_public_states(
    regions, owner, search_prefix
):
    ensure_indices()
    listing = supply_create(owner=owner, region=regions["510104"], title="锦江区商服用地转让")
    draft = supply_create(owner=owner, region=regions["510104"], status=SupplyListing.Status.DRAFT)
    demand = demand_create(owner, regions["510100"])

    assert index_pending_changes() == {"indexed": 2, "deleted": 1, "kept": 0}
    assert indexed("supply", listing.pk)["title"] == "锦江区商服用地转让"
    assert indexed("supply", draft.pk) is None
    assert indexed("demand", demand.pk)["region_city"] == "510100"
    assert queued() == []

    supply_delist(listing_id=listing.pk, user=owner)
    demand_delist(demand_id=demand.pk, acting_user=owner)
    assert index_pending_changes()["deleted"] == 2
    assert indexed("supply", listing.pk) is None
    assert indexed("demand", demand.pk) is None

    other = demand_create(owner, regions["510104"])
    index_pending_changes()
    other.delete()  # gone from the database: gone from the index
    index_pending_changes()
    assert indexed("demand", other.pk) is None
    assert queued() == []


@pytest.mark.django_db
def test_while_elasticsearch_is_away_the_rows_stay_and_everything_catches_up_when_it_returns(
    regions, owner, search_prefix, elasticsearch_at
):
    ensure_indices()
    leaving = supply_create(owner=owner, region=regions["510104"])
    index_pending_changes()
    assert indexed("supply", leaving.pk) is not None

    elasticsearch_at("http://127.0.0.1:9", 1.0)  # the cluster stops answering
    written = [supply_create(owner=owner, region=regions["510107"]) for _ in range(3)]
    supply_delist(listing_id=leaving.pk, user=owner)
    waiting = queued()
    with pytest.raises(IndexingUnavailable):
        index_pending_changes()
    assert queued() == waiting  # nothing lost, nothing half-done

    elasticsearch_at(settings.ELASTICSEARCH_URL, 5.0)  # it is back
    assert index_pending_changes() == {"indexed": 3, "deleted": 1, "kept": 0}
    assert all(indexed("supply", listing.pk) for listing in written)
    assert indexed("supply", leaving.pk) is None
    assert queued() == []


@pytest.mark.django_db
def test_without_an_index_the_rows_stay_and_no_stray_index_is_created(regions, owner, search_prefix):
    listing = supply_create(owner=owner, region=regions["510104"])

    with pytest.raises(IndexingUnavailable, match="search_reindex"):
        index_pending_changes()

    assert queued() == [("supply", listing.pk)]
    assert not elasticsearch_client().indices.exists(index=index_alias("supply"))


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_reaches_the_index_through_the_celery_worker(regions, owner, search_prefix, celery_worker):
    ensure_indices()

    listing = supply_create(owner=owner, region=regions["510104"], title="锦江区3000平米商服用地转让")

    deadline = time.monotonic() + 30
    while indexed("supply", listing.pk) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert indexed("supply", listing.pk)["title"] == "锦江区3000平米商服用地转让"
    while queued() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert queued() == []


def test_celery_beat_runs_the_outbox_every_minute_and_the_heat_sweep_hourly():
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert schedule["search.tasks.index_changes"] == 60
    assert schedule["search.tasks.heat_sweep"] == 3600


# ------------------------------------------------------------------------------ what signals do not see


@pytest.mark.django_db
def test_quotes_and_favourites_reach_the_heat_through_their_signals_and_views_through_the_sweep(
    regions, owner, seeker, search_prefix, private_cache
):
    ensure_indices()
    listing = supply_create(owner=owner, region=regions["510104"])
    demand = demand_create(owner, regions["510104"])
    index_pending_changes()

    quote_create(listing_id=listing.pk, user=seeker, amount_wan=Decimal(1000))  # quote_count via update()
    favourite_add(user=seeker, target="supply", target_id=listing.pk)  # favourite_count via update()
    favourite_add(user=seeker, target="demand", target_id=demand.pk)
    index_pending_changes()
    assert indexed("supply", listing.pk)["heat"] == 2
    assert indexed("demand", demand.pk)["heat"] == 1

    favourite_remove(user=seeker, target="supply", target_id=listing.pk)
    index_pending_changes()
    assert indexed("supply", listing.pk)["heat"] == 1

    assert supply_view_record(listing=listing, viewer="203.0.113.9")  # view_count via update(), no signal at all
    assert queued() == []
    assert heat_sweep() == {"supply": 1, "demand": 0}
    index_pending_changes()
    assert indexed("supply", listing.pk)["heat"] == 2
    assert heat_sweep() == {"supply": 0, "demand": 0}  # nothing stale left


@pytest.mark.django_db
def test_a_photo_added_or_removed_reaches_the_result_row_in_the_index(regions, owner, search_prefix):
    ensure_indices()
    listing = supply_create(owner=owner, region=regions["510104"])
    index_pending_changes()
    assert indexed("supply", listing.pk)["row"]["photo"] is None

    photo = SupplyAttachment.objects.create(
        listing=listing, kind="photo", file="supply/2026/11/site.jpg", original_name="site.jpg",
        content_type="image/jpeg", size=1, uploaded_by=owner,
    )  # fmt: skip
    assert queued() == [("supply", listing.pk)]
    index_pending_changes()
    assert indexed("supply", listing.pk)["row"]["photo"] == photo.pk

    photo.delete()
    index_pending_changes()
    assert indexed("supply", listing.pk)["row"]["photo"] is None


@pytest.mark.django_db
def test_the_heat_sweep_also_queues_public_listings_the_index_lacks(regions, owner, search_prefix):
    ensure_indices()
    listing = supply_create(owner=owner, region=regions["510104"])
    IndexChange.objects.all().delete()  # as if its change had been lost

    assert heat_sweep() == {"supply": 1, "demand": 0}
    index_pending_changes()
    assert indexed("supply", listing.pk) is not None


@pytest.mark.django_db
def test_a_parcel_moved_through_the_orm_moves_the_listings_placed_at_its_centroid(regions, owner, search_prefix):
    ensure_indices()
    parcel = parcel_create(
        code="510104-MOVE", geometry=square_in("510104", 0.002), region=regions["510104"]
    )  # (104.10, 30.60)
    placed = supply_create(owner=owner, region=regions["510104"], parcel=parcel)
    own_point = supply_create(
        owner=owner, region=regions["510104"], parcel=parcel, location=Point(104.11, 30.63)
    )  # also in 锦江区
    index_pending_changes()

    parcel.geometry = square_in("510104", 0.002, offset=(0.02, 0.02))  # (104.12, 30.62), in 锦江区
    parcel.centroid = parcel.geometry.centroid
    parcel.save()

    assert queued() == [("supply", placed.pk)]  # not the listing with its own point
    index_pending_changes()
    location = indexed("supply", placed.pk)["location"]
    assert (location["lon"], location["lat"]) == pytest.approx((104.12, 30.62))
    assert indexed("supply", own_point.pk)["location"] == {"lon": 104.11, "lat": 30.63}
