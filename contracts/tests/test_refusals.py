"""Every bad input of the issue refused with its field and code, and nothing changed: a counterparty who is not
registered, not verified or whose name does not match; steps out of order; a signed copy that is not a PDF or an
image by content; review outside the parcel's region or by a non-reviewer; revoking a contract that is not coded; a
price or area that is not a positive decimal. And what another user meets: 404."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import Client, override_settings

from accounts.models import Message, User
from accounts.tests.factories import reviewer_create, user_create
from contracts.models import Contract, ContractEvent, Revocation
from contracts.tests.factories import coded_contract, contract_create
from core.tests.samples import pdf_bytes, zip_of
from geo.models import Region
from geo.tests.factories import sichuan_tree

pytestmark = pytest.mark.django_db
API = "/api/contracts/"
C = Contract.Status


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield tmp_path


@pytest.fixture
def regions() -> dict[str, Region]:
    return sichuan_tree(("510000", "510100", "510104", "510107"), boundaries=False)


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, body or {}, content_type="application/json")


def snapshot(contract: Contract) -> dict[str, Any]:
    """Everything a refusal must leave as it was: the row, its events, its revocations and the messages sent."""
    contract.refresh_from_db()
    return {
        "row": model_to_dict(contract),
        "events": ContractEvent.objects.filter(contract=contract).count(),
        "revocations": Revocation.objects.filter(contract=contract).count(),
        "messages": Message.objects.count(),
    }


def refused(answer: Any, status: int, field: str | None, code: str) -> None:
    """The answer is the one error body with `status`, naming `field` with `code` (or, without a field, the code)."""
    assert answer.status_code == status, answer.content
    error = answer.json()["error"]
    if field is None:
        assert error["code"] == code
    else:
        assert code in [problem["code"] for problem in error["fields"][field]], error


@pytest.mark.parametrize(
    ("party_b", "field", "code"),
    [
        pytest.param("unregistered", "b_phone", "not_registered", id="not-registered"),
        pytest.param("unverified", "b_phone", "not_verified", id="not-verified"),
        pytest.param("other-name", "b_name", "name_mismatch", id="name-does-not-match"),
        pytest.param("party-a", "b_phone", "self", id="party-a-itself"),
    ],
)
def test_sending_to_a_counterparty_who_is_not_a_verified_user_of_that_name_and_phone_is_refused(
    regions, party_b, field, code
):
    party_a = user_create(real_name="张三")
    contract = contract_create(initiator=party_a, region=regions["510104"])
    b_values = {
        "unregistered": {"b_phone": "13700000001", "b_name": "王五"},
        "unverified": {"b_phone": user_create(verified=False).phone, "b_name": ""},
        "other-name": {"b_phone": user_create(real_name="赵六").phone, "b_name": "王五"},
        "party-a": {"b_phone": party_a.phone, "b_name": "张三"},
    }[party_b]
    if party_b == "unverified":
        b_values["b_name"] = "某人"
    Contract.objects.filter(pk=contract.pk).update(**b_values)
    before = snapshot(contract)

    refused(post(client_of(party_a), f"{API}{contract.pk}/send/"), 400, field, code)
    assert snapshot(contract) == before
    assert contract.counterparty_id is None


@pytest.mark.parametrize(
    ("status", "who", "step", "code"),
    [
        pytest.param(C.AWAITING_CONFIRMATION, "a", "signed-copy", "wrong_state", id="scan-before-confirmation"),
        pytest.param(C.DRAFT, "a", "signed-copy", "wrong_state", id="scan-of-a-draft"),
        pytest.param(C.AWAITING_CONFIRMATION, "a", "confirm", "not_party_b", id="confirming-ones-own"),
        pytest.param(C.SCAN_UPLOADED, "a", "signed-copy/confirm", "not_party_b", id="confirming-ones-own-scan"),
        pytest.param(C.CONFIRMED, "b", "signed-copy/confirm", "wrong_state", id="scan-confirmed-before-upload"),
        pytest.param(C.IN_REVIEW, "a", "send", "wrong_state", id="sending-in-review"),
        pytest.param(C.IN_REVIEW, "a", "cancel", "wrong_state", id="cancelling-in-review"),
        pytest.param(C.CODED, "authority", "approve", "wrong_state", id="coding-twice"),
        pytest.param(C.DRAFT, "a", "recall", "wrong_state", id="recalling-a-draft"),
    ],
)
def test_a_step_out_of_order_is_409_and_changes_nothing(regions, status, who, step, code):
    party_a, party_b = user_create(real_name="张三"), user_create(real_name="王五")
    reviewer = reviewer_create(regions=["510104"])
    if status == C.CODED:
        contract = coded_contract(region=regions["510104"], reviewer=reviewer)
    else:
        contract = contract_create(initiator=party_a, counterparty=party_b, region=regions["510104"], status=status)
    caller = client_of({"a": party_a, "b": party_b, "authority": reviewer}[who])
    before = snapshot(contract)
    if step == "signed-copy":
        answer = caller.post(f"{API}{contract.pk}/{step}/", {"file": SimpleUploadedFile("s.pdf", pdf_bytes())})
    else:
        answer = post(caller, f"{API}{contract.pk}/{step}/")

    refused(answer, 409, None, code)
    assert snapshot(contract) == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("signed.pdf", b"%PDF-1.4 not really a pdf", id="pdf-by-name-only"),
        pytest.param("signed.jpg", pdf_bytes(), id="a-pdf-named-jpg"),
        pytest.param("signed.zip", zip_of({"a.txt": b"a"}), id="an-archive"),
        pytest.param("signed.pdf", b"", id="empty"),
    ],
)
def test_a_signed_copy_that_is_not_a_pdf_or_an_image_by_content_is_refused(regions, name, content):
    party_a, party_b = user_create(real_name="张三"), user_create(real_name="王五")
    contract = contract_create(initiator=party_a, counterparty=party_b, region=regions["510104"], status=C.CONFIRMED)
    before = snapshot(contract)
    answer = client_of(party_a).post(f"{API}{contract.pk}/signed-copy/", {"file": SimpleUploadedFile(name, content)})
    refused(answer, 400, "file", "file_type")
    assert snapshot(contract) == before


def test_review_outside_the_region_is_404_and_by_a_non_reviewer_403(regions):
    contract = contract_create(initiator=user_create(), region=regions["510104"], status=C.IN_REVIEW)
    before = snapshot(contract)
    elsewhere = client_of(reviewer_create(regions=["510107"]))
    refused(post(elsewhere, f"{API}{contract.pk}/approve/"), 404, None, "not_found")
    refused(post(elsewhere, f"{API}{contract.pk}/reject/", {"reason": "x"}), 404, None, "not_found")
    assert elsewhere.get(f"{API}{contract.pk}/").status_code == 404
    assert elsewhere.get(f"{API}review/").json()["results"] == []
    plain = client_of(user_create())
    assert post(plain, f"{API}{contract.pk}/approve/").status_code == 403
    assert plain.get(f"{API}review/").status_code == 403
    assert snapshot(contract) == before


def test_another_user_meets_404_on_every_route_of_a_contract(regions):
    contract = contract_create(initiator=user_create(), region=regions["510104"], status=C.AWAITING_CONFIRMATION)
    attachment = contract.attachments.first()
    assert attachment is not None
    before = snapshot(contract)
    stranger = client_of(user_create(real_name="路人"))
    assert stranger.get(f"{API}{contract.pk}/").status_code == 404
    assert stranger.patch(f"{API}{contract.pk}/", {"address": "x"}, content_type="application/json").status_code == 404
    assert stranger.get(f"{API}attachments/{attachment.pk}/").status_code == 404
    assert stranger.get(f"{API}{contract.pk}/signed-copy/").status_code == 404
    for step in ("send", "recall", "confirm", "cancel", "signed-copy/confirm"):
        assert post(stranger, f"{API}{contract.pk}/{step}/").status_code == 404, step
    assert post(stranger, f"{API}{contract.pk}/return/", {"reason": "x"}).status_code == 404
    assert snapshot(contract) == before


def test_revoking_a_contract_that_is_not_coded_is_refused(regions):
    party_a, party_b = user_create(real_name="张三"), user_create(real_name="王五")
    contract = contract_create(initiator=party_a, counterparty=party_b, region=regions["510104"], status=C.IN_REVIEW)
    before = snapshot(contract)
    document = SimpleUploadedFile("reason.pdf", pdf_bytes())
    answer = client_of(party_b).post(f"{API}{contract.pk}/revocations/", {"reason": "解除", "documents": [document]})
    refused(answer, 409, None, "not_coded")
    assert snapshot(contract) == before


def test_a_revocation_needs_its_reason_and_documents(regions):
    contract = coded_contract(region=regions["510104"])
    before = snapshot(contract)
    party_a = client_of(contract.initiator)
    path = f"{API}{contract.pk}/revocations/"
    refused(party_a.post(path, {"reason": "解除"}), 400, "documents", "required")
    refused(party_a.post(path, {"documents": [SimpleUploadedFile("r.pdf", pdf_bytes())]}), 400, "reason", "required")
    refused(
        party_a.post(path, {"reason": "解除", "documents": [SimpleUploadedFile("r.txt", b"text")]}),
        400,
        "documents",
        "file_type",
    )
    assert snapshot(contract) == before


def test_bad_fields_are_named_together_in_one_400_and_nothing_is_saved(regions):
    party_a = user_create(real_name="张三")
    contract = contract_create(initiator=party_a, region=regions["510104"])
    before = snapshot(contract)
    bad = {
        "price_wan": "-5",
        "area_m2": "0",
        "rent_wan_per_year": "12.34567",
        "height_difference_m": "abc",
        "a_postcode": "61004",
        "b_phone": "12345",
        "region": "510100",  # a city, not a county
        "land_use": "9999",
        "unit_numbers": "short",
        "term_years": 0,
        "delivery_date": "2027-13-01",
        "location": [0, 0],
        "a_publish_price": "yes",
        "number": "川510104ZR2026000001",  # never set by a party
    }
    answer = client_of(party_a).patch(f"{API}{contract.pk}/", bad, content_type="application/json")
    assert answer.status_code == 400
    fields = {
        name: [problem["code"] for problem in problems] for name, problems in answer.json()["error"]["fields"].items()
    }
    assert fields == {
        "price_wan": ["not_positive"],
        "area_m2": ["not_positive"],
        "rent_wan_per_year": ["max_decimal_places"],
        "height_difference_m": ["invalid"],
        "a_postcode": ["invalid_postcode"],
        "b_phone": ["invalid_phone"],
        "region": ["invalid"],
        "land_use": ["invalid"],
        "unit_numbers": ["invalid_unit_number"],
        "term_years": ["out_of_range"],
        "delivery_date": ["invalid"],
        "location": ["out_of_range"],
        "a_publish_price": ["invalid"],
        "number": ["unknown_field"],
    }
    assert snapshot(contract) == before


def test_sending_an_incomplete_contract_names_every_missing_field_and_document(regions):
    party_a = user_create(real_name="张三")
    answer = post(client_of(party_a), API, {"kind": "lease"})
    contract = Contract.objects.get(pk=answer.json()["id"])
    before = snapshot(contract)
    sent = post(client_of(party_a), f"{API}{contract.pk}/send/")
    assert sent.status_code == 400
    missing = sent.json()["error"]["fields"]
    assert {"b_name", "b_phone", "region", "rent_wan_per_year", "term_years", "attachments.certificate"} <= set(missing)
    assert "price_wan" not in missing  # a lease has a rent
    assert snapshot(contract) == before


def test_an_attachment_that_is_too_large_or_not_an_accepted_type_is_refused(regions, settings):
    party_a = user_create(real_name="张三")
    contract = contract_create(initiator=party_a, region=regions["510104"], attachments=False)
    client = client_of(party_a)
    path = f"{API}{contract.pk}/attachments/"
    refused(
        client.post(path, {"kind": "other", "file": SimpleUploadedFile("a.png", b"\x89PNG\r\n")}),
        400,
        "file",
        "file_type",
    )
    refused(
        client.post(path, {"kind": "nonsense", "file": SimpleUploadedFile("a.pdf", pdf_bytes())}),
        400,
        "kind",
        "invalid_choice",
    )
    big = SimpleUploadedFile("big.pdf", pdf_bytes(padding=16 * 1024 * 1024))
    refused(client.post(path, {"kind": "other", "file": big}), 400, "file", "file_too_large")
    assert contract.attachments.count() == 0
