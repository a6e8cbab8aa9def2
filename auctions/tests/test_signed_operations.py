"""Signed operations besides the bid (docs/signing.md), over HTTP through the local CA: the bid application, the
sealed reserve, the suspension and the staff-recorded result. Each is accepted signed with its evidence entry
carrying the signature record's hash; refused unsigned where the lot's rules require certificates, over other bytes
and with a certificate the CA revoked a moment before, writing nothing; and the staff's protocol of a lot with all
four verifies offline with scripts/verify_evidence.py --ca."""

import hashlib
import json
import logging
import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import OperationSignature, TrustedCa
from accounts.tests.factories import user_create
from accounts.tests.signing_kit import Signer, revoke_over_http
from auctions.models import BidApplication, EvidenceEntry, LotResult, LotTrading
from auctions.selectors_results import protocol_get
from auctions.services.applications import application_approve
from auctions.services.deposits import Notice, arrival_record
from auctions.services.trading import lot_close, trading_resume
from auctions.tests.test_signed_bids import client_of, run_verifier
from auctions.tests.trading_world import qualified_bidder, shift_to, trading_lot
from core.clock import shifted
from core.tests.samples import pdf_bytes
from tests.fakes.ca import FakeCa

SECOND = timedelta(seconds=1)
CONTACT = {"contact_name": "甲", "contact_phone": "13800138000", "address": "成都市锦江区红星路2号", "bank": "ICBC"}
RESERVE_TYPED, RESERVE_SIGNED = "1987.65", "1987.6500"


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        yield tmp_path


def code(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def entries(lot: Any, kind: str) -> list[dict[str, Any]]:
    return list(EvidenceEntry.objects.filter(lot=lot, kind=kind).order_by("seq").values_list("data", flat=True))


# ------------------------------------------------------------------------------------------ application.submit


def application_fields(lot_id: int, contact: dict[str, str] = CONTACT) -> dict[str, Any]:
    return {
        "lot": lot_id,
        "bank_code": contact["bank"],
        "contact_name": contact["contact_name"],
        "contact_phone": contact["contact_phone"],
        "address": contact["address"],
        "joint": "no",
    }


def apply(client: Client, lot_id: int, signer: Signer | None, **options: Any) -> Any:
    body: dict[str, Any] = dict(CONTACT)
    if signer is not None:
        body["signed"] = signer.block("application.submit", application_fields(lot_id), **options)
    return client.post(f"/api/auctions/lots/{lot_id}/applications/", body, content_type="application/json")


def test_a_signed_application_is_accepted_its_entry_names_no_one_and_every_refusal_writes_nothing(
    trusted_ca: TrustedCa, local_ca: FakeCa
) -> None:
    world = trading_lot(rules={"certificates_required": True})
    lot = world["lot"]
    bidder = user_create(real_name="甲")
    signer = Signer(local_ca, bidder)
    certified = client_of(bidder, signer.certificate)
    fields = application_fields(lot.pk)
    unsigned = apply(certified, lot.pk, None)
    other_bytes = apply(certified, lot.pk, signer, over=b"another application")
    other_address = {**CONTACT, "address": "成都市高新区", "signed": signer.block("application.submit", fields)}
    other_contact = certified.post(
        f"/api/auctions/lots/{lot.pk}/applications/", other_address, content_type="application/json"
    )
    assert code(unsigned) == (403, "signature_required")
    assert code(other_bytes) == (403, "bad_signature")
    assert code(other_contact) == (403, "bad_signature")
    assert not BidApplication.objects.filter(lot=lot).exists()

    accepted = apply(certified, lot.pk, signer)
    assert accepted.status_code == 201, accepted.json()
    record = OperationSignature.objects.get(action="application.submit")
    assert (record.signer, record.certificate) == (bidder, signer.certificate)
    [entry] = entries(lot, "application.submitted")
    assert entry["signature"] == record.record_sha256
    shown = json.dumps(entry, ensure_ascii=False)
    assert all(value not in shown for value in ("甲", CONTACT["contact_phone"], CONTACT["address"]))

    revoke_over_http(local_ca, signer.certificate.certificate)
    revoked = apply(certified, lot.pk, signer)
    assert code(revoked) == (403, "revoked")
    assert OperationSignature.objects.count() == 1
    assert len(entries(lot, "application.submitted")) == 1


# ------------------------------------------------------------------------------------------ reserve.enter


def reserve_body(lot_id: int, signer: Signer | None, amount: str = RESERVE_TYPED, **options: Any) -> dict[str, Any]:
    """What the page sends: the typed amount and, signed, its salt and {lot, commitment} over the four-place text."""
    body: dict[str, Any] = {"amount_wan": amount}
    if signer is not None:
        salt = secrets.token_hex(16)
        commitment = hashlib.sha256(bytes.fromhex(salt) + RESERVE_SIGNED.encode("ascii")).hexdigest()
        body["salt"] = salt
        body["signed"] = signer.block("reserve.enter", {"lot": lot_id, "commitment": commitment}, **options)
        body["commitment"] = commitment  # for the test's eyes; the API does not read it
    return body


def enter_reserve(client: Client, lot_id: int, body: dict[str, Any]) -> Any:
    sent = {name: value for name, value in body.items() if name != "commitment"}
    return client.post(f"/api/auctions/lots/{lot_id}/reserve/", sent, content_type="application/json")


def test_a_signed_reserve_is_sealed_with_the_signed_commitment_and_no_record_or_log_holds_the_amount(
    trusted_ca: TrustedCa, local_ca: FakeCa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    world = trading_lot(rules={"certificates_required": True})
    lot = world["lot"]
    signer = Signer(local_ca, world["grantor"])
    grantor = client_of(world["grantor"], signer.certificate)
    other_amount = reserve_body(lot.pk, signer, amount="1987.66")  # signed 1987.6500, sent 1987.66
    no_salt = reserve_body(lot.pk, signer)
    del no_salt["salt"]
    refused = [
        enter_reserve(grantor, lot.pk, reserve_body(lot.pk, None)),
        enter_reserve(grantor, lot.pk, other_amount),
        enter_reserve(grantor, lot.pk, no_salt),
    ]
    assert [code(response) for response in refused] == [
        (403, "signature_required"),
        (403, "bad_signature"),
        (400, "invalid"),
    ]
    assert refused[2].json()["error"]["fields"]["salt"][0]["code"] == "invalid_salt"
    assert not LotTrading.objects.filter(lot=lot).exclude(reserve_commitment="").exists()

    body = reserve_body(lot.pk, signer)
    accepted = enter_reserve(grantor, lot.pk, body)
    assert accepted.status_code == 204, accepted.content
    record = OperationSignature.objects.get(action="reserve.enter")
    [entry] = entries(lot, "reserve.committed")
    assert entry == {"commitment": body["commitment"], "signature": record.record_sha256}
    assert LotTrading.objects.get(lot=lot).reserve_commitment == body["commitment"]
    staff_copy = json.dumps(protocol_get(user=world["staff"], lot_id=lot.pk), ensure_ascii=False)
    assert record.record_sha256 in staff_copy
    stored = json.dumps(list(OperationSignature.objects.values()), default=str, ensure_ascii=False)
    for text in (RESERVE_TYPED, RESERVE_SIGNED, "198765"):
        assert text not in stored
        assert text not in staff_copy
        assert text not in caplog.text
        assert text not in accepted.content.decode()

    revoke_over_http(local_ca, signer.certificate.certificate)
    assert code(enter_reserve(grantor, lot.pk, reserve_body(lot.pk, signer))) == (403, "revoked")
    assert len(entries(lot, "reserve.committed")) == 1
    # the close opens the reserve sealed with the browser's salt and finds the commitment the grantor signed
    with shifted(shift_to(lot.listing_ends_at, plus=SECOND)):
        closed = lot_close(lot_id=lot.pk)
    assert closed is not None
    assert str(closed.reserve_wan) == RESERVE_SIGNED
    assert entries(lot, "reserve.revealed")[0]["salt"] == body["salt"]


# ------------------------------------------------------------------------------------------ trading.suspend


def test_a_signed_suspension_is_accepted_and_refused_unsigned_over_other_bytes_or_revoked(
    trusted_ca: TrustedCa, local_ca: FakeCa
) -> None:
    world = trading_lot(mode="auction", rules={"certificates_required": True})
    lot = world["lot"]
    signer = Signer(local_ca, world["staff"])
    staff = client_of(world["staff"], signer.certificate)
    path = f"/api/auctions/work/lots/{lot.pk}/suspend/"
    reason = "系统故障"
    fields = {"lot": lot.pk, "reason": reason}
    with shifted(shift_to(lot.auction_starts_at, plus=SECOND)):
        unsigned = staff.post(path, {"reason": reason}, content_type="application/json")
        other_reason = staff.post(
            path,
            {"reason": "另一理由", "signed": signer.block("trading.suspend", fields)},
            content_type="application/json",
        )
        assert not LotTrading.objects.filter(lot=lot, suspended_at__isnull=False).exists()
        accepted = staff.post(  # the reason is signed as stored: stripped
            path,
            {"reason": f" {reason} ", "signed": signer.block("trading.suspend", fields)},
            content_type="application/json",
        )
    assert code(unsigned) == (403, "signature_required")
    assert code(other_reason) == (403, "bad_signature")
    assert accepted.status_code == 204, accepted.content
    record = OperationSignature.objects.get(action="trading.suspend")
    assert entries(lot, "trading.suspended") == [{"reason": reason, "signature": record.record_sha256}]

    revoke_over_http(local_ca, signer.certificate.certificate)
    with shifted(shift_to(lot.auction_starts_at, plus=2 * SECOND)):
        trading_resume(user=world["staff"], lot_id=lot.pk)
        revoked = staff.post(
            path, {"reason": reason, "signed": signer.block("trading.suspend", fields)}, content_type="application/json"
        )
    assert code(revoked) == (403, "revoked")
    assert len(entries(lot, "trading.suspended")) == 1
    assert LotTrading.objects.get(lot=lot).suspended_at is None


# ------------------------------------------------------------------------------------------ result.record


def result_form(lot_id: int, bidder_number: str, signer: Signer | None, **options: Any) -> dict[str, Any]:
    """The console's multipart form; the signature block goes as JSON text in the field `signed`."""
    form: dict[str, Any] = {
        "outcome": "deal",
        "bidder_number": bidder_number,
        "price_wan": "1100",
        "confirmation": SimpleUploadedFile("确认书.pdf", pdf_bytes(), content_type="application/pdf"),
    }
    if signer is not None:
        fields = {"lot": lot_id, "outcome": "deal", "winner": bidder_number, "price_wan": "1100.0000"}
        form["signed"] = json.dumps(signer.block("result.record", fields, **options))
    return form


def test_a_signed_result_is_recorded_and_refused_unsigned_over_other_bytes_or_revoked(
    trusted_ca: TrustedCa, local_ca: FakeCa
) -> None:
    world = trading_lot(process="semi", rules={"certificates_required": True})
    _bidder, qualification = qualified_bidder(world, "甲", signer=Signer(local_ca, user_create(real_name="甲")))
    lot = world["lot"]
    signer = Signer(local_ca, world["staff"])
    staff = client_of(world["staff"], signer.certificate)
    path = f"/api/auctions/work/lots/{lot.pk}/result/"
    number = qualification.bidder_number
    with shifted(shift_to(lot.listing_ends_at, plus=SECOND)):
        unsigned = staff.post(path, result_form(lot.pk, number, None))
        other_price = result_form(lot.pk, number, signer)
        other_price["price_wan"] = "1200"
        over_other_bytes = staff.post(path, other_price)
        not_json = staff.post(path, {**result_form(lot.pk, number, None), "signed": "{not json"})
        assert not LotResult.objects.filter(lot=lot).exists()
        accepted = staff.post(path, result_form(lot.pk, number, signer))
        revoke_over_http(local_ca, signer.certificate.certificate)
        revoked = staff.post(path, result_form(lot.pk, number, signer))
    assert code(unsigned) == (403, "signature_required")
    assert code(over_other_bytes) == (403, "bad_signature")
    assert not_json.status_code == 400
    assert "signed" in not_json.json()["error"]["fields"]
    assert accepted.status_code == 201, accepted.json()
    assert code(revoked) == (403, "revoked")
    record = OperationSignature.objects.get(action="result.record")
    [entry] = entries(lot, "result")
    assert (entry["winner"], entry["signature"]) == (number, record.record_sha256)
    assert LotResult.objects.filter(lot=lot).count() == 1


# ------------------------------------------------------------------------------------------ the verifier


def test_the_staff_protocol_of_a_lot_with_signed_application_reserve_suspension_and_result_verifies_offline(
    trusted_ca: TrustedCa, local_ca: FakeCa, tmp_path: Path
) -> None:
    world = trading_lot(process="semi", rules={"certificates_required": True})
    lot = world["lot"]
    bidder = user_create(real_name="甲")
    signers = {name: Signer(local_ca, user) for name, user in (("bidder", bidder), ("staff", world["staff"]))}
    signers["grantor"] = Signer(local_ca, world["grantor"])
    clients = {name: client_of(signer.user, signer.certificate) for name, signer in signers.items()}

    assert apply(clients["bidder"], lot.pk, signers["bidder"]).status_code == 201
    application = BidApplication.objects.get(lot=lot)
    application_approve(user=world["staff"], application_id=application.pk)
    arrival_record(
        Notice(
            bank_code="ICBC",
            serial=f"Q{application.pk}",
            account_number=application.deposit_account.number,
            amount="1000000.00",
            payer_name="甲",
            payer_account="",
            channel="transfer",
            arrived_at=timezone.now(),
        )
    )
    assert enter_reserve(clients["grantor"], lot.pk, reserve_body(lot.pk, signers["grantor"])).status_code == 204
    reason = {"lot": lot.pk, "reason": "现场秩序"}
    suspension = {"reason": "现场秩序", "signed": signers["staff"].block("trading.suspend", reason)}
    suspended = clients["staff"].post(
        f"/api/auctions/work/lots/{lot.pk}/suspension/", suspension, content_type="application/json"
    )
    assert suspended.status_code == 200, suspended.json()
    trading_resume(user=world["staff"], lot_id=lot.pk)
    number = application.qualification.bidder_number
    with shifted(shift_to(lot.listing_ends_at, plus=timedelta(days=1))):
        recorded = clients["staff"].post(
            f"/api/auctions/work/lots/{lot.pk}/result/", result_form(lot.pk, number, signers["staff"])
        )
    assert recorded.status_code == 201, recorded.json()

    ca_file = tmp_path / "ca.pem"
    ca_file.write_text(local_ca.certificate_pem)
    checked = run_verifier(tmp_path, protocol_get(user=world["staff"], lot_id=lot.pk), "--ca", str(ca_file))
    assert checked.returncode == 0, checked.stdout
    for kind in ("application.submitted", "reserve.committed", "trading.suspended", "result"):
        assert f"({kind}) signed by" in checked.stdout
    assert OperationSignature.objects.count() == 4
