"""Signed contract steps (docs/signing.md: action contract.confirm, fields {contract, action}) over HTTP through the
local CA: party B's confirmation and the authority's approval keep the signature record with their event, the
contract's detail shows the parties and the authority who signed with which certificate; with
CONTRACTS_SIGNATURE_REQUIRED an unsigned or uncertified step is refused, as are a signature over other bytes and a
certificate the CA revoked a moment before, and nothing is written."""

from typing import Any

import pytest
from django.test import Client, override_settings

from accounts.models import OperationSignature, TrustedCa, User, UserCertificate
from accounts.tests.factories import reviewer_create, user_create
from accounts.tests.signing_kit import Signer, revoke_over_http
from contracts.models import Contract, ContractEvent
from contracts.tests.factories import contract_create
from geo.models import Region
from geo.tests.factories import sichuan_tree
from tests.fakes.ca import FakeCa

pytestmark = pytest.mark.django_db
API = "/api/contracts/"
C = Contract.Status


@pytest.fixture
def county(trusted_ca: TrustedCa) -> Region:
    sichuan_tree(("510000", "510100", "510104"), boundaries=False)
    return Region.objects.get(code="510104")


def client_of(user: User, certificate: UserCertificate | None = None) -> Client:
    """A signed-in client; with `certificate`, its session signed in with it."""
    client = Client()
    client.force_login(user)
    if certificate is not None:
        session = client.session
        session["certificate_id"] = certificate.pk
        session.save()
    return client


def step(client: Client, contract: Contract, name: str, signed: dict[str, Any] | None = None) -> Any:
    body = {"signed": signed} if signed is not None else {}
    return client.post(f"{API}{contract.pk}/{name}/", body, content_type="application/json")


def code(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_a_signed_confirmation_keeps_its_signature_and_the_detail_names_the_certificate(
    county: Region, local_ca: FakeCa
) -> None:
    party_a, party_b = user_create(real_name="张三"), user_create(real_name="王五")
    contract = contract_create(initiator=party_a, counterparty=party_b, region=county, status=C.AWAITING_CONFIRMATION)
    signer = Signer(local_ca, party_b)
    b = client_of(party_b)
    fields = {"contract": contract.pk, "action": "confirm"}

    over_other_bytes = step(b, contract, "confirm", signer.block("contract.confirm", {**fields, "action": "approve"}))
    assert code(over_other_bytes) == (403, "bad_signature")
    contract.refresh_from_db()
    assert contract.status == C.AWAITING_CONFIRMATION
    assert not ContractEvent.objects.filter(contract=contract).exists()

    confirmed = step(b, contract, "confirm", signer.block("contract.confirm", fields))
    assert confirmed.status_code == 200, confirmed.json()
    record = OperationSignature.objects.get()
    assert (record.action, record.signer, record.certificate) == ("contract.confirm", party_b, signer.certificate)
    assert ContractEvent.objects.get(contract=contract, action="confirmed").signature == record
    for viewer in (b, client_of(party_a)):
        [event] = [e for e in viewer.get(f"{API}{contract.pk}/").json()["events"] if e["action"] == "confirmed"]
        assert event["signed"] is True
        assert event["signer"] == {"subject": signer.certificate.subject, "serial": signer.certificate.serial}


@override_settings(CONTRACTS_SIGNATURE_REQUIRED=True)
def test_required_signatures_refuse_unsigned_uncertified_and_revoked_steps_and_sign_the_approval(
    county: Region, local_ca: FakeCa
) -> None:
    party_b = user_create(real_name="王五")
    awaiting = contract_create(
        initiator=user_create(real_name="张三"), counterparty=party_b, region=county, status=C.AWAITING_CONFIRMATION
    )
    in_review = contract_create(initiator=user_create(real_name="李四"), region=county, status=C.IN_REVIEW)
    reviewer = reviewer_create(regions=["510104"])
    b_signer, reviewer_signer = Signer(local_ca, party_b), Signer(local_ca, reviewer)
    authority = client_of(reviewer, reviewer_signer.certificate)
    approval = {"contract": in_review.pk, "action": "approve"}

    unsigned = step(client_of(party_b, b_signer.certificate), awaiting, "confirm")
    uncertified = step(
        client_of(party_b),
        awaiting,
        "confirm",
        b_signer.block("contract.confirm", {"contract": awaiting.pk, "action": "confirm"}),
    )
    unsigned_approval = step(authority, in_review, "approve")
    revoke_over_http(local_ca, b_signer.certificate.certificate)
    revoked = step(
        client_of(party_b, b_signer.certificate),
        awaiting,
        "confirm",
        b_signer.block("contract.confirm", {"contract": awaiting.pk, "action": "confirm"}),
    )
    assert code(unsigned) == (403, "signature_required")
    assert code(uncertified) == (403, "certificate_sign_in_required")
    assert code(unsigned_approval) == (403, "signature_required")
    assert code(revoked) == (403, "revoked")
    assert not ContractEvent.objects.exists()
    assert not OperationSignature.objects.exists()

    approved = step(authority, in_review, "approve", reviewer_signer.block("contract.confirm", approval))
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "coded"
    event = ContractEvent.objects.get(contract=in_review, action="coded")
    assert event.signature is not None
    assert (event.signature.signer, event.signature.action) == (reviewer, "contract.confirm")
    [shown] = [e for e in approved.json()["events"] if e["action"] == "coded"]
    assert (shown["signed"], shown["signer"]["serial"]) == (True, reviewer_signer.certificate.serial)
