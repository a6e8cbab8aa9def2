"""Notices reach the index as listings do: a publication (and the superseding it causes) queues index changes in
the publishing transaction, the outbox indexes them, drafts never; `search_reindex --kind notice` rebuilds it."""

import io
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Lot
from auctions.services.announcements import announcement_draft, announcement_publish
from auctions.services.lots import Grant, lot_register_submitted, lot_submit_by_grantor
from auctions.tests.factories import centre_create, centre_staff_create, listing_terms, sichuan_regions
from search.backends import elasticsearch_client
from search.engines.notice_elasticsearch import NoticeElasticsearchEngine
from search.indexing import ensure_indices, index_alias, index_pending_changes
from search.models import IndexChange
from search.notice_query import NoticeQuery

pytestmark = pytest.mark.django_db


def indexed(pk: int) -> Any:
    response = elasticsearch_client().options(ignore_status=404).get(index=index_alias("notice"), id=str(pk))
    return response["_source"] if response.meta.status == 200 else None


def registered_lot() -> tuple[Lot, User]:
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    staff = centre_staff_create(centre)
    grantor = user_create(role=User.Role.GRANTOR, regions=["510104"], real_name="成都市锦江区自然资源局")
    grant = Grant(centre_id=centre.pk, region_code="510104", title="锦江区A-01地块", transfer="grant")
    lot = lot_submit_by_grantor(user=grantor, grant=grant, terms=listing_terms())
    lot.documents.create(
        title="出让须知", file="n.pdf", original_name="n.pdf", content_type="application/pdf", size=1, sha256="0" * 64
    )
    return lot_register_submitted(user=staff, lot_id=lot.pk), staff


def test_a_publication_queues_its_notice_and_the_outbox_indexes_it_but_never_a_draft(search_prefix: str):
    ensure_indices(["notice"])
    lot, staff = registered_lot()
    draft = announcement_draft(user=staff, lot_id=lot.pk, title="锦江区A-01地块出让公告", body="正文")
    assert not IndexChange.objects.filter(kind="notice").exists()  # a draft queues nothing

    first = announcement_publish(user=staff, announcement_id=draft.pk)
    assert set(IndexChange.objects.filter(kind="notice").values_list("object_id", flat=True)) == {first.pk}
    index_pending_changes()
    assert indexed(first.pk)["numbers"] == [first.number.lower(), lot.number.lower()]

    change = announcement_draft(user=staff, lot_id=lot.pk, title="变更公告", body="变更", kind="change")
    index_pending_changes()
    assert indexed(change.pk) is None
    announcement_publish(user=staff, announcement_id=change.pk)
    index_pending_changes()
    assert indexed(first.pk)["status"] == "superseded"
    assert indexed(change.pk)["type"] == "change"
    elasticsearch_client().indices.refresh(index=index_alias("notice"))  # the outbox does not refresh
    fragment = lot.number[1:10]  # e.g. DCR[2026]
    page = NoticeElasticsearchEngine().search(NoticeQuery(keywords=fragment))
    assert set(page.ids) == {first.pk, change.pk}


def test_search_reindex_rebuilds_the_notice_index(search_prefix: str):
    lot, staff = registered_lot()
    draft = announcement_draft(user=staff, lot_id=lot.pk, title="锦江区A-01地块出让公告", body="正文")
    published = announcement_publish(user=staff, announcement_id=draft.pk)
    announcement_draft(user=staff, lot_id=lot.pk, title="草稿", body="草稿", kind="termination")
    out = io.StringIO()

    call_command("search_reindex", "--kind", "notice", "--no-progress", stdout=out)

    assert "notice: 1 documents" in out.getvalue()
    assert NoticeElasticsearchEngine().search(NoticeQuery()).ids == [published.pk]
