"""The bidding API over HTTP: a bidder applies and sees the account, arrivals, counted total and qualification; the
centre reviews; the 竞买资格确认书 PDF holds the lot and bidder numbers; nothing of one bidder reaches another."""

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import BidApplication
from auctions.tests.factories import centre_create, centre_staff_create
from auctions.tests.test_deposits import make_world, pay
from core.tests.samples import pdf_bytes

pytestmark = pytest.mark.django_db

APPLY = {"contact_name": "赵六", "contact_phone": "13800138000", "address": "成都市武侯区", "bank": "ICBC"}


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield tmp_path


@pytest.fixture
def world() -> dict:
    return make_world()


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def apply(world: dict, client: Client, **changes: str | bool):
    return client.post(f"/api/auctions/lots/{world['lot'].pk}/applications/", APPLY | changes, "application/json")


def pdf_text(content: bytes, tmp_path: Path) -> str:
    """The text of a PDF as poppler's pdftotext (poppler-utils, installed by scripts/setup) extracts it."""
    path = tmp_path / "extracted.pdf"
    path.write_bytes(content)
    pdftotext = shutil.which("pdftotext") or "/usr/bin/pdftotext"
    extracted = subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)  # noqa: S603
    return extracted.stdout.decode()


def test_a_bidder_applies_once_and_a_repeat_returns_the_same_application_and_account(world):
    bidder = client_of(user_create(real_name="赵六"))

    first = apply(world, bidder)
    again = apply(world, bidder)

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert len(first.json()["account_number"]) == 19
    assert again.json()["account_number"] == first.json()["account_number"]
    assert first.json()["required_yuan"] == "2400000.00"
    assert first.json()["status"] == "submitted"
    assert first.json()["publish_price"] is True  # the price may be published unless the bidder says otherwise


def test_a_bidder_may_opt_out_of_the_prices_publicity(world):
    bidder = client_of(user_create(real_name="赵六"))

    answer = apply(world, bidder, publish_price=False)

    assert answer.status_code == 201
    assert answer.json()["publish_price"] is False
    assert BidApplication.objects.get(pk=answer.json()["id"]).publish_price is False


def test_arrivals_approval_and_the_qualification_reach_my_bidding_and_the_pdf(world, tmp_path):
    bidder = client_of(user_create(real_name="赵六"))
    created = apply(world, bidder).json()
    pay(world, created["account_number"], "2000000.00", serial="S1")
    pay(world, created["account_number"], "400000.00", serial="S2", payer="别人")  # not the bidder: flagged

    detail = bidder.get(f"/api/auctions/applications/{created['id']}/").json()
    assert detail["counted_yuan"] == "2000000.00"
    assert [(a["amount_yuan"], a["counted"], a["flag"]) for a in detail["arrivals"]] == [
        ("2000000.00", True, ""),
        ("400000.00", False, "payer_mismatch"),
    ]
    pay(world, created["account_number"], "400000.00", serial="S3")
    staff = client_of(world["staff"])
    approved = staff.post(f"/api/auctions/applications/{created['id']}/approve/")
    assert approved.status_code == 200

    mine = bidder.get("/api/auctions/applications/").json()["results"]
    number = mine[0]["qualification"]["bidder_number"]
    assert [(m["id"], m["status"], m["counted_yuan"]) for m in mine] == [(created["id"], "approved", "2400000.00")]
    assert len(number) == 6
    pdf = bidder.get(f"/api/auctions/applications/{created['id']}/qualification.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content, tmp_path)
    assert world["lot"].number in text
    assert number in text
    assert "竞买资格确认书" in text
    assert staff.get(f"/api/auctions/applications/{created['id']}/qualification.pdf").status_code == 200


def test_another_bidder_never_sees_my_application_account_or_certificate(world):
    me, other = client_of(user_create(real_name="赵六")), client_of(user_create(real_name="钱七"))
    created = apply(world, me).json()
    base = f"/api/auctions/applications/{created['id']}"

    assert other.get(f"{base}/").status_code == 404
    assert other.get(f"{base}/qualification.pdf").status_code == 404
    assert other.post(f"{base}/documents/", {"title": "x", "file": _pdf()}).status_code == 404
    listed = other.get("/api/auctions/applications/")
    assert listed.json()["results"] == []
    assert created["account_number"] not in listed.content.decode()


def test_staff_of_another_centre_cannot_see_or_decide_the_lots_applications(world):
    created = apply(world, client_of(user_create(real_name="赵六"))).json()
    stranger_centre = centre_create(region=world["regions"]["chengdu"], name="别的交易中心")
    outsider = client_of(centre_staff_create(stranger_centre))

    assert outsider.get(f"/api/auctions/centre/lots/{world['lot'].pk}/applications/").status_code == 404
    assert outsider.post(f"/api/auctions/applications/{created['id']}/approve/").status_code == 404


def test_the_centre_lists_applications_with_documents_and_deposits_and_rejects_with_a_reason(world):
    bidder = client_of(user_create(real_name="赵六"))
    created = apply(world, bidder).json()
    added = bidder.post(f"/api/auctions/applications/{created['id']}/documents/", {"title": "营业执照", "file": _pdf()})
    assert added.status_code == 201
    pay(world, created["account_number"], "100.00", serial="S1")
    staff = client_of(world["staff"])

    listed = staff.get(f"/api/auctions/centre/lots/{world['lot'].pk}/applications/").json()["results"]
    assert [(a["applicant"], a["counted_yuan"], [d["title"] for d in a["documents"]]) for a in listed] == [
        ("赵六", "100.00", ["营业执照"])
    ]
    refused = staff.post(f"/api/auctions/applications/{created['id']}/reject/", {"reason": ""}, "application/json")
    assert refused.status_code == 400
    staff.post(f"/api/auctions/applications/{created['id']}/reject/", {"reason": "材料不全"}, "application/json")
    detail = bidder.get(f"/api/auctions/applications/{created['id']}/").json()
    assert (detail["status"], detail["reason"]) == ("rejected", "材料不全")


def test_staff_qualify_by_hand_on_an_uploaded_proof(world):
    created = apply(world, client_of(user_create(real_name="赵六"))).json()
    staff = client_of(world["staff"])
    staff.post(f"/api/auctions/applications/{created['id']}/approve/")

    answer = staff.post(f"/api/auctions/applications/{created['id']}/qualify/", {"reason": "银行回单", "proof": _pdf()})

    assert answer.status_code == 200
    assert answer.json()["qualification"]["manual"] is True


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("proof.pdf", pdf_bytes(), content_type="application/pdf")
