"""The work API through HTTP: an owner's entrustment to the lot's published announcement, a grantor's submission,
and the refusals (structured, naming the field; another centre's staff see nothing)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client, override_settings

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Announcement, Entrustment, EntrustmentAttachment, Lot
from auctions.tests.factories import centre_create, centre_staff_create
from auctions.tests.test_entrustments import pdf, real_region
from core.tests.samples import pdf_bytes
from geo import china
from market.tests.factories import supply_create

pytestmark = pytest.mark.django_db
TERMS = {
    "trading_mode": "listing",
    "process": "full",
    "start_price_wan": "1200",
    "increment_wan": "10",
    "deposit_wan": "240",
    "announcement_starts_at": "2030-01-01T09:00:00+08:00",
    "applications_open_at": "2030-01-01T09:00:00+08:00",
    "applications_close_at": "2030-01-20T17:00:00+08:00",
    "deposit_deadline": "2030-01-20T17:00:00+08:00",
    "listing_starts_at": "2030-01-10T09:00:00+08:00",
    "listing_ends_at": "2030-01-21T10:00:00+08:00",
}


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield tmp_path


@pytest.fixture
def world() -> dict:
    sichuan = real_region("510000")
    chengdu = real_region("510100", sichuan)
    jinjiang = real_region("510104", chengdu)
    centre = centre_create(region=chengdu)
    owner = user_create(real_name="王五")
    point = china.outlines("51")["510104"][1].representative_point()
    listing = supply_create(owner=owner, region=jinjiang, location=f"SRID=4490;POINT({point.x} {point.y})")
    return {"centre": centre, "staff": centre_staff_create(centre), "owner": owner, "listing": listing}


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_from_an_owners_entrustment_to_a_published_announcement_over_http(world):
    owner, staff = client_of(world["owner"]), client_of(world["staff"])
    created = owner.post(
        "/api/auctions/entrustments/", {"listing": world["listing"].pk}, content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    entrustment_id = created.json()["id"]
    centres = owner.get("/api/auctions/centres/?region=510104").json()
    assert [centre["id"] for centre in centres] == [world["centre"].pk]
    step1 = {"step": 1, "centre": world["centre"].pk, "term_years": 40, "price_wan": "1300", "hide_result": True}
    saved = owner.patch(f"/api/auctions/entrustments/{entrustment_id}/", step1, content_type="application/json")
    assert saved.status_code == 200, saved.json()
    for kind in EntrustmentAttachment.REQUIRED_KINDS:
        response = owner.post(
            f"/api/auctions/entrustments/{entrustment_id}/attachments/", {"kind": kind, "file": pdf()}
        )
        assert response.status_code == 201, response.json()
    submitted = owner.post(f"/api/auctions/entrustments/{entrustment_id}/submit/")
    assert submitted.json()["status"] == "submitted"
    queue = staff.get("/api/auctions/centre/entrustments/?status=submitted").json()
    assert [item["id"] for item in queue["results"]] == [entrustment_id]
    accepted = staff.post(
        f"/api/auctions/entrustments/{entrustment_id}/accept/", {"bond_yuan": "20000"}, content_type="application/json"
    )
    assert accepted.json()["bond_yuan"] == "20000.00"
    registered = staff.post(f"/api/auctions/entrustments/{entrustment_id}/lot/", TERMS, content_type="application/json")
    assert registered.status_code == 201, registered.json()
    lot = registered.json()
    assert (lot["door"], lot["publish_result"], lot["rules"]["parameters"]["countdown_seconds"]) == (
        "secondary",
        False,
        300,
    )
    assert owner.get(f"/api/auctions/entrustments/{entrustment_id}/").json()["lot"]["number"] == lot["number"]
    draft = staff.post(
        f"/api/auctions/work/lots/{lot['id']}/announcements/",
        {"title": "挂牌公告", "body": "正文"},
        content_type="application/json",
    )
    assert draft.status_code == 201
    document = staff.post(
        f"/api/auctions/work/announcements/{draft.json()['id']}/documents/",
        {"title": "挂牌须知", "file": pdf("须知.pdf")},
    )
    assert len(document.json()["sha256"]) == 64
    published = staff.post(f"/api/auctions/work/announcements/{draft.json()['id']}/publish/")
    assert published.json()["status"] == "published"
    assert Announcement.objects.get(pk=draft.json()["id"]).number.startswith("川自然资源字[")
    assert Lot.objects.get(pk=lot["id"]).status == Lot.Status.ANNOUNCED
    refused = staff.patch(
        f"/api/auctions/work/announcements/{draft.json()['id']}/",
        {"title": "改", "body": "改"},
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "announcement_published")


def test_a_grantors_submission_with_a_schedule_out_of_order_names_the_field_and_saves_nothing(world):
    grantor = client_of(user_create(role=User.Role.GRANTOR, regions=["510104"]))
    body = {
        **TERMS,
        "centre": world["centre"].pk,
        "region": "510104",
        "title": "出让地块",
        "transfer": "grant",
        "deposit_deadline": "2030-01-19T17:00:00+08:00",
    }
    response = grantor.post("/api/auctions/grantor/lots/", body, content_type="application/json")
    assert response.status_code == 400
    assert "applications_close_at" in response.json()["error"]["fields"]
    assert not Lot.objects.exists()
    body["deposit_deadline"] = TERMS["deposit_deadline"]
    created = grantor.post("/api/auctions/grantor/lots/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    lot_id = created.json()["id"]
    with_file = {"title": "出让须知", "file": pdf()}
    assert grantor.post(f"/api/auctions/work/lots/{lot_id}/documents/", with_file).status_code == 201
    staff = client_of(world["staff"])
    registered = staff.post(f"/api/auctions/work/lots/{lot_id}/register/")
    assert registered.json()["status"] == "registered"
    draft = staff.post(
        f"/api/auctions/work/lots/{lot_id}/announcements/",
        {"title": "出让公告", "body": "正文"},
        content_type="application/json",
    )
    published = staff.post(f"/api/auctions/work/announcements/{draft.json()['id']}/publish/")
    assert published.json()["status"] == "published"
    lot = staff.get(f"/api/auctions/work/lots/{lot_id}/").json()
    assert (lot["status"], [a["status"] for a in lot["announcements"]]) == ("announced", ["published"])
    assert client_of(user_create()).get(f"/api/auctions/lots/{lot_id}/").status_code == 200  # public once announced


def test_another_centres_staff_and_other_users_get_404(world):
    owner = client_of(world["owner"])
    entrustment_id = owner.post(
        "/api/auctions/entrustments/", {"listing": world["listing"].pk}, content_type="application/json"
    ).json()["id"]
    other_staff = client_of(centre_staff_create(centre_create(region=world["centre"].region, name="别的中心")))
    Entrustment.objects.filter(pk=entrustment_id).update(status="submitted", centre=world["centre"])
    accept = f"/api/auctions/entrustments/{entrustment_id}/accept/"
    response = other_staff.post(accept, {"bond_yuan": "1"}, content_type="application/json")
    assert response.status_code == 404  # staff of another centre: no such entrustment for them
    assert other_staff.get(f"/api/auctions/entrustments/{entrustment_id}/").status_code == 404
    stranger = client_of(user_create())
    assert stranger.post(accept, {"bond_yuan": "1"}, content_type="application/json").status_code == 403  # no role
    assert stranger.get(f"/api/auctions/entrustments/{entrustment_id}/").status_code == 404
    assert Entrustment.objects.get(pk=entrustment_id).status == Entrustment.Status.SUBMITTED


def test_a_supply_only_field_is_refused_on_an_entrustment(world):
    owner = client_of(world["owner"])
    response = owner.post(
        "/api/auctions/entrustments/", {"mode": "transfer", "institution": "某局"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["institution"]
    assert not Entrustment.objects.filter(owner=world["owner"]).exists()


def test_a_fake_pdf_upload_is_refused_with_the_field_named(world):
    owner = client_of(world["owner"])
    entrustment_id = owner.post(
        "/api/auctions/entrustments/", {"listing": world["listing"].pk}, content_type="application/json"
    ).json()["id"]
    response = owner.post(
        f"/api/auctions/entrustments/{entrustment_id}/attachments/",
        {"kind": "contract", "file": _named("x.docx", pdf_bytes())},
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"][0]["code"] == "file_type"


def _named(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
