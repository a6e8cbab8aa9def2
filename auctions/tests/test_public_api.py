"""The public reads of announcements and lots: public fields only, the change chain without drafts, documents with
their SHA-256 and a download for published announcements only, lots once announced."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Announcement, Lot
from auctions.services.announcements import announcement_draft, announcement_publish, document_add
from auctions.services.lots import Grant, lot_register_submitted, lot_submit_by_grantor
from auctions.tests.factories import centre_create, centre_staff_create, listing_terms, sichuan_regions
from core.tests import samples

pytestmark = pytest.mark.django_db
PDF = samples.pdf_bytes()


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    staff = centre_staff_create(centre)
    grantor = user_create(role=User.Role.GRANTOR, regions=["510104"], real_name="成都市锦江区自然资源局")
    grant = Grant(centre_id=centre.pk, region_code="510104", title="锦江区A-01地块", transfer="grant")
    lot = lot_submit_by_grantor(user=grantor, grant=grant, terms=listing_terms())
    lot.documents.create(
        title="出让须知", file="n.pdf", original_name="n.pdf", content_type="application/pdf", size=1, sha256="0" * 64
    )
    lot = lot_register_submitted(user=staff, lot_id=lot.pk)
    return {"centre": centre, "staff": staff, "grantor": grantor, "lot": lot}


def publish(world, *, kind: str = "normal", document: bool = False) -> Announcement:
    draft = announcement_draft(user=world["staff"], lot_id=world["lot"].pk, title=f"{kind}公告", body="正文", kind=kind)
    if document:
        upload = SimpleUploadedFile("须知.pdf", PDF, content_type="application/pdf")
        document_add(user=world["staff"], announcement_id=draft.pk, title="出让须知", file=upload)
    return announcement_publish(user=world["staff"], announcement_id=draft.pk)


def test_an_announcement_shows_its_lot_documents_and_change_chain_but_not_a_draft_successor(client: Client, world):
    first = publish(world, document=True)
    second = publish(world, kind="change")
    lot_id = world["lot"].pk
    draft = announcement_draft(user=world["staff"], lot_id=lot_id, title="终止", body="终止", kind="termination")

    old = client.get(f"/api/auctions/announcements/{first.pk}/").json()
    new = client.get(f"/api/auctions/announcements/{second.pk}/").json()

    assert old["status"] == "superseded"
    assert old["superseded_by"]["id"] == second.pk
    assert new["supersedes"]["id"] == first.pk
    assert new["superseded_by"] is None  # the draft termination is nobody's business yet
    (document,) = old["documents"]
    assert document["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert old["lot"]["number"] == world["lot"].number
    assert old["lot"]["region"]["full_name"] == "四川省成都市锦江区"
    assert "published_by" not in old
    assert not {"grantor", "registered_by", "entrustment"} & set(old["lot"])
    assert client.get(f"/api/auctions/announcements/{draft.pk}/").status_code == 404
    response = client.get(document["url"])
    assert response.status_code == 200
    assert response.getvalue() == PDF
    assert response["Content-Disposition"].startswith("attachment")


def test_a_drafts_document_cannot_be_downloaded(client: Client, world):
    publish(world)
    draft = announcement_draft(user=world["staff"], lot_id=world["lot"].pk, title="变更", body="变更", kind="change")
    upload = SimpleUploadedFile("变更.pdf", PDF, content_type="application/pdf")
    document = document_add(user=world["staff"], announcement_id=draft.pk, title="变更说明", file=upload)

    response = client.get(f"/api/auctions/announcements/{draft.pk}/documents/{document.pk}/file")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_lot_is_public_once_announced_with_its_schedule_rules_and_announcements(client: Client, world):
    lot: Lot = world["lot"]
    assert client.get(f"/api/auctions/lots/{lot.pk}/").status_code == 404  # registered, not announced
    announcement_draft(user=world["staff"], lot_id=lot.pk, title="公告", body="正文")
    assert client.get(f"/api/auctions/lots/{lot.pk}/").status_code == 404  # a draft does not make it public
    Announcement.objects.filter(lot=lot).delete()
    first = publish(world)

    body = client.get(f"/api/auctions/lots/{lot.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert body["current_announcement"]["id"] == first.pk
    assert [item["id"] for item in body["announcements"]] == [first.pk]
    assert body["applications_close_at"].endswith("+08:00")  # Asia/Shanghai
    assert any("300 seconds" in line for line in body["rules"])
    assert body["transferor"] == "成都市锦江区自然资源局"
    assert not {"grantor", "registered_by", "reason", "entrustment"} & set(body)
