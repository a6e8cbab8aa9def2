"""Every committed write of a listing reaches the index: receivers write an IndexChange row in the writer's
transaction (a cheap insert, no Elasticsearch call in the request path) and run the indexing task on commit.

Covered: saves and deletes of supply listings and demands (every service path: create, edit, review, delist, expire,
delete); quotes, viewing appointments and favourites, whose services change the heat counters with
QuerySet.update(), which sends no signal; a supply listing's attachments (its result shows the first photo); parcels
saved through the ORM (a listing without coordinates is placed at its parcel's centroid); announcements past their
draft (publication, superseding) and their lots' saves (the notices); a lot's result through result_changed, which
auctions/services/results.py result_settled calls after every write of a result; contracts once coded (直接交易: coding
adds one, revocation removes it). Not covered, caught
elsewhere: view counts (QuerySet.update() only; the hourly heat sweep re-indexes listings whose heat differs), parcels
upserted by the importer's COPY, region and trading centre renames (run `manage.py search_reindex`).
"""

from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from auctions.models import Announcement, Lot, LotResult
from contracts.models import Contract
from geo.models import Parcel, Region
from market.models import Demand, Favourite, IntentionQuote, SupplyAttachment, SupplyListing, ViewingAppointment
from search.indexing import changes_record
from search.notice_documents import result_doc_id
from search.selectors import region_table_clear


def _record(kind: str, ids: list[int]) -> None:
    # Without Elasticsearch the database answers searches (a reindex starts it over); SEARCH_INDEXING off (the
    # tests' default, which search's own tests turn on) keeps other apps' tests from queueing indexing work.
    if settings.ELASTICSEARCH_URL and settings.SEARCH_INDEXING:
        changes_record(kind, ids)


def supply_changed(sender: Any, instance: SupplyListing, **kwargs: Any) -> None:
    _record("supply", [instance.pk])


def demand_changed(sender: Any, instance: Demand, **kwargs: Any) -> None:
    _record("demand", [instance.pk])


def supply_related_changed(
    sender: Any, instance: IntentionQuote | ViewingAppointment | SupplyAttachment, **kwargs: Any
) -> None:
    _record("supply", [instance.listing_id])


def favourite_changed(sender: Any, instance: Favourite, **kwargs: Any) -> None:
    if instance.target in ("supply", "demand"):
        _record(instance.target, [instance.target_id])


def parcel_changed(sender: Any, instance: Parcel, created: bool = False, **kwargs: Any) -> None:
    if created:
        return
    ids = list(
        SupplyListing.objects.filter(
            parcel_id=instance.pk, location__isnull=True, status__in=SupplyListing.PUBLIC_STATUSES
        ).values_list("pk", flat=True)
    )
    _record("supply", ids)


def announcement_changed(sender: Any, instance: Announcement, **kwargs: Any) -> None:
    if instance.status != Announcement.Status.DRAFT:  # a draft is never indexed
        _record("notice", [instance.pk])


def lot_changed(sender: Any, instance: Lot, created: bool = False, **kwargs: Any) -> None:
    """A lot's notices show its public fields: re-index its published and superseded announcements and its result
    (whose notice id is the negative of the lot's: search/notice_documents.py)."""
    if created:
        return
    ids = list(
        Announcement.objects.filter(lot_id=instance.pk, status__in=("published", "superseded")).values_list(
            "pk", flat=True
        )
    )
    if LotResult.objects.filter(lot_id=instance.pk).exists():
        ids.append(result_doc_id(instance.pk))
    _record("notice", ids)


def result_changed(lot_id: int) -> None:
    """A lot's result was written, revoked or changed (auctions/services/results.py result_settled): index its
    notice, or remove it when it is no longer published (not a deal, or revoked)."""
    _record("notice", [result_doc_id(lot_id)])


def contract_changed(sender: Any, instance: Contract, **kwargs: Any) -> None:
    """A coded contract without a lot is a direct transaction (直接交易); a revoked one leaves the index. Contracts
    before coding are never indexed."""
    if instance.status in (Contract.Status.CODED, Contract.Status.REVOKED) and instance.lot_id is None:
        _record("direct", [instance.pk])


def connect() -> None:
    """Called once from SearchConfig.ready()."""
    for signal in (post_save, post_delete):
        signal.connect(supply_changed, sender=SupplyListing, dispatch_uid="search.supply_changed")
        signal.connect(demand_changed, sender=Demand, dispatch_uid="search.demand_changed")
        signal.connect(favourite_changed, sender=Favourite, dispatch_uid="search.favourite_changed")
        for model in (IntentionQuote, ViewingAppointment, SupplyAttachment):
            signal.connect(supply_related_changed, sender=model, dispatch_uid=f"search.{model.__name__}_changed")
    post_save.connect(parcel_changed, sender=Parcel, dispatch_uid="search.parcel_changed")
    post_save.connect(announcement_changed, sender=Announcement, dispatch_uid="search.announcement_changed")
    post_save.connect(lot_changed, sender=Lot, dispatch_uid="search.lot_changed")
    post_save.connect(contract_changed, sender=Contract, dispatch_uid="search.contract_changed")
    for signal in (post_save, post_delete):  # results name regions from a per-process table
        signal.connect(region_table_clear, sender=Region, dispatch_uid="search.region_table_clear")
