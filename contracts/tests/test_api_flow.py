"""The contracts API end to end on the real database: the online five steps with two users and an authority, the
offline application, revocation (the number kept), and what each viewer sees and may do at each step."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from accounts.models import Message, User
from accounts.tests.factories import reviewer_create, user_create
from contracts.models import Contract, ContractEvent, Revocation
from contracts.tests.factories import coded_contract, contract_create, revocation_create
from core.tests.samples import pdf_bytes, png_bytes
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


def pdf(name: str = "doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


STEP_1 = {
    "a_name": "张三",
    "a_address": "成都市高新区天府大道1号",
    "a_postcode": "610041",
    "b_name": "王五",
    "b_address": "成都市锦江区红星路2号",
    "b_postcode": "610021",
    "address": "锦江区东大街100号",
    "region": "510104",
    "plane_boundary": "东至东大街，西至规划道路",
    "upper_boundary": "+45 m",
    "lower_boundary": "-10 m",
    "height_difference_m": "55.00",
    "use_right_type": "granted",
    "land_use": "0501",
    "land_nature": "state_owned",
    "certificate_type": "real_estate",
    "certificate_number": "川(2020)成都市不动产权第0012345号",
    "unit_numbers": "510104001001GB00001F00010001",
    "area_m2": "5000.25",
    "location": [104.1, 30.6],
    "price_wan": "1200.5",
    "payment_schedule": "签订后30日内付清",
    "delivery_date": "2027-01-01",
    "institution": "锦江区自然资源局",
}


def drafted(party_a: User, party_b: User) -> int:
    """A complete online draft of party A naming party B, with the four required documents, through the API."""
    client = client_of(party_a)
    created = client.post(API, {"kind": "transfer"}, content_type="application/json")
    assert created.status_code == 201, created.json()
    contract_id = created.json()["id"]
    fields = STEP_1 | {"b_name": party_b.real_name, "b_phone": party_b.phone}
    answer = client.patch(f"{API}{contract_id}/", fields, content_type="application/json")
    assert answer.status_code == 200, answer.json()
    for kind in ("plane_map", "vertical", "origin_contract", "certificate"):
        added = client.post(f"{API}{contract_id}/attachments/", {"kind": kind, "file": pdf(f"{kind}.pdf")})
        assert added.status_code == 201, added.json()
    return contract_id


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, body or {}, content_type="application/json")


def test_the_online_five_steps_end_with_a_coded_contract_and_tell_the_other_party_at_each_step(regions):
    party_a, party_b = user_create(real_name="张三"), user_create(real_name="王五")
    reviewer = reviewer_create(regions=["510100"])
    a, b, authority = client_of(party_a), client_of(party_b), client_of(reviewer)
    contract_id = drafted(party_a, party_b)
    detail = a.get(f"{API}{contract_id}/").json()
    assert (detail["step"], detail["waiting_for"]) == (1, {"party": "a", "action": "send"})
    assert detail["may"]["send"]
    assert detail["may"]["edit"]
    assert not detail["may"]["confirm"]
    assert detail["price_wan"] == "1200.5000"
    assert detail["area_m2"] == "5000.25"
    assert b.get(f"{API}{contract_id}/").status_code == 404  # party B sees it once sent

    sent = post(a, f"{API}{contract_id}/send/").json()
    assert (sent["status"], sent["step"], sent["waiting_for"]["party"]) == ("awaiting_confirmation", 2, "b")
    seen_by_b = b.get(f"{API}{contract_id}/").json()
    assert seen_by_b["role"] == "b"
    assert seen_by_b["may"]["confirm"]
    assert not seen_by_b["may"]["edit"]
    assert Message.objects.filter(user=party_b, link=f"/contracts/{contract_id}/").count() == 1

    confirmed = post(b, f"{API}{contract_id}/confirm/", {"publish_price": False}).json()
    assert (confirmed["status"], confirmed["step"], confirmed["b_publish_price"]) == ("confirmed", 3, False)
    uploaded = a.post(f"{API}{contract_id}/signed-copy/", {"file": pdf("signed.pdf")})
    assert uploaded.status_code == 200
    assert uploaded.json()["status"] == "scan_uploaded"
    assert b.get(f"{API}{contract_id}/signed-copy/").status_code == 200  # party B reads the copy before confirming
    in_review = post(b, f"{API}{contract_id}/signed-copy/confirm/").json()
    assert (in_review["status"], in_review["waiting_for"]) == ("in_review", {"party": "authority", "action": "approve"})

    queue = authority.get(f"{API}review/").json()
    assert [row["id"] for row in queue["results"]] == [contract_id]
    coded = post(authority, f"{API}{contract_id}/approve/").json()
    assert coded["status"] == "coded"
    assert coded["number"].startswith("川510104ZR")
    assert coded["number"].endswith("000001")
    assert Message.objects.filter(user=party_a, title__contains=coded["number"]).count() == 1
    assert Message.objects.filter(user=party_b, title__contains=coded["number"]).count() == 1
    actions = list(ContractEvent.objects.filter(contract_id=contract_id).values_list("action", flat=True))
    assert actions == ["created", "sent", "confirmed", "scan.uploaded", "scan.confirmed", "coded"]


def test_party_b_returns_and_disputes_with_reasons_and_party_a_corrects(regions):
    party_a, party_b = user_create(real_name="张三"), user_create(real_name="王五")
    a, b = client_of(party_a), client_of(party_b)
    contract_id = drafted(party_a, party_b)
    post(a, f"{API}{contract_id}/send/")
    returned = post(b, f"{API}{contract_id}/return/", {"reason": "价款有误"}).json()
    assert (returned["status"], returned["reason"], returned["waiting_for"]["party"]) == ("returned", "价款有误", "a")
    assert a.patch(f"{API}{contract_id}/", {"price_wan": "1300"}, content_type="application/json").status_code == 200
    assert post(a, f"{API}{contract_id}/send/").json()["status"] == "awaiting_confirmation"
    post(b, f"{API}{contract_id}/confirm/")
    a.post(f"{API}{contract_id}/signed-copy/", {"file": pdf()})
    disputed = post(b, f"{API}{contract_id}/signed-copy/dispute/", {"reason": "未盖章"}).json()
    assert (disputed["status"], disputed["reason"]) == ("confirmed", "未盖章")
    image = SimpleUploadedFile("signed.png", png_bytes(), content_type="image/png")
    again = a.post(f"{API}{contract_id}/signed-copy/", {"file": image}).json()
    assert again["status"] == "scan_uploaded"
    assert again["signed_copy"]["content_type"] == "image/png"


def test_an_offline_contract_is_submitted_with_its_signed_copy_and_rejected_then_coded(regions):
    party_a, party_b = user_create(real_name="张三"), user_create(real_name="王五")
    reviewer = reviewer_create(regions=["510104"])
    a, authority = client_of(party_a), client_of(reviewer)
    contract = contract_create(
        initiator=party_a, counterparty=party_b, region=regions["510104"], origin="offline", signed_copy=False
    )
    refused = post(a, f"{API}{contract.pk}/submit/")
    assert refused.status_code == 400
    assert "signed_copy" in refused.json()["error"]["fields"]
    assert post(a, f"{API}{contract.pk}/send/").json()["error"]["code"] == "offline"
    kept = a.post(f"{API}{contract.pk}/signed-copy/", {"file": pdf()}).json()
    assert kept["status"] == "draft"
    assert kept["signed_copy"]["sha256"]
    submitted = post(a, f"{API}{contract.pk}/submit/").json()
    assert (submitted["status"], submitted["step"]) == ("in_review", 5)
    rejected = post(authority, f"{API}{contract.pk}/reject/", {"reason": "界址不清"}).json()
    assert (rejected["status"], rejected["reason"]) == ("rejected", "界址不清")
    corrected = a.patch(f"{API}{contract.pk}/", {"plane_boundary": "东至路"}, content_type="application/json")
    assert corrected.status_code == 200
    assert post(a, f"{API}{contract.pk}/submit/").json()["status"] == "in_review"
    assert post(authority, f"{API}{contract.pk}/approve/").json()["status"] == "coded"


def test_a_revoked_contract_keeps_its_number_and_a_second_application_waits_for_the_first(regions):
    party_a, party_b = user_create(real_name="张三"), user_create(real_name="王五")
    reviewer = reviewer_create(regions=["510104"])
    contract = coded_contract(region=regions["510104"], initiator=party_a, counterparty=party_b, reviewer=reviewer)
    number = str(contract.number)
    b, authority = client_of(party_b), client_of(reviewer)
    path = f"{API}{contract.pk}/revocations/"
    applied = b.post(path, {"reason": "双方协议解除", "documents": [pdf("agreement.pdf")]})
    assert applied.status_code == 201, applied.json()
    second = client_of(party_a).post(path, {"reason": "再次申请", "documents": [pdf()]})
    assert (second.status_code, second.json()["error"]["code"]) == (409, "revocation_pending")
    queued = authority.get(f"{API}revocations/").json()["results"]
    assert [(row["id"], row["number"]) for row in queued] == [(applied.json()["id"], number)]
    document = queued[0]["documents"][0]["id"]
    assert authority.get(f"{API}revocation-documents/{document}/").status_code == 200
    assert client_of(user_create()).get(f"{API}revocation-documents/{document}/").status_code == 404

    decided = post(authority, f"{API}revocations/{applied.json()['id']}/approve/").json()
    assert decided["status"] == "approved"
    contract.refresh_from_db()
    assert (contract.status, contract.number) == (C.REVOKED, number)
    assert contract.revoked_at is not None
    assert Revocation.objects.get().status == Revocation.Status.APPROVED
    assert Message.objects.filter(user=party_a, title__contains=number).exists()


def test_a_rejected_revocation_leaves_the_contract_coded(regions):
    reviewer = reviewer_create(regions=["510104"])
    contract = coded_contract(region=regions["510104"], reviewer=reviewer)
    party_a = client_of(contract.initiator)
    applied = party_a.post(f"{API}{contract.pk}/revocations/", {"reason": "理由", "documents": [pdf()]}).json()
    answer = post(client_of(reviewer), f"{API}revocations/{applied['id']}/reject/", {"reason": "材料不足"})
    assert answer.json()["status"] == "rejected"
    assert answer.json()["decision_reason"] == "材料不足"
    contract.refresh_from_db()
    assert contract.status == C.CODED
    assert party_a.get(f"{API}{contract.pk}/").json()["may"]["apply_revocation"] is True


def test_my_contracts_lists_mine_as_party_a_or_b_by_role_and_status(regions):
    party_a, party_b = user_create(real_name="张三"), user_create(real_name="王五")
    drafting = contract_create(initiator=party_a, region=regions["510104"])
    naming_me = contract_create(
        initiator=user_create(), counterparty=party_b, region=regions["510104"], status=C.AWAITING_CONFIRMATION
    )
    coded = coded_contract(region=regions["510107"], initiator=party_a, counterparty=party_b)
    contract_create(initiator=user_create(), region=regions["510104"])  # someone else's
    a, b = client_of(party_a), client_of(party_b)

    def ids(client: Client, query: str = "") -> set[int]:
        return {row["id"] for row in client.get(f"{API}{query}").json()["results"]}

    assert ids(a) == {drafting.pk, coded.pk}
    assert ids(b) == {naming_me.pk, coded.pk}
    assert ids(b, "?role=a") == set()
    assert ids(a, "?status=coded") == {coded.pk}
    assert b.get(f"{API}?status=nonsense").status_code == 400


def test_a_recalled_contract_is_party_as_alone_until_sent_again(regions):
    party_a, party_b = user_create(real_name="张三"), user_create(real_name="王五")
    a, b = client_of(party_a), client_of(party_b)
    contract_id = drafted(party_a, party_b)
    post(a, f"{API}{contract_id}/send/")
    recalled = post(a, f"{API}{contract_id}/recall/").json()
    assert (recalled["status"], recalled["may"]["edit"]) == ("draft", True)
    assert b.get(f"{API}{contract_id}/").status_code == 404
    assert post(b, f"{API}{contract_id}/confirm/").status_code == 404
    assert Message.objects.filter(user=party_b, title__contains="撤回").count() == 1


def test_my_contracts_read_in_the_same_number_of_queries_for_one_contract_or_many(regions):
    party_a = user_create(real_name="张三")
    client = client_of(party_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(API).status_code == 200
        return len(captured.captured_queries)

    first = coded_contract(region=regions["510104"], initiator=party_a)
    revocation_create(first)
    one = queries()
    for _ in range(3):
        revocation_create(coded_contract(region=regions["510107"], initiator=party_a))
    assert queries() == one
