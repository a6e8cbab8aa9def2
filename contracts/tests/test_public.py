"""The public reads of contracts: the verification page and its JSON by the QR code's token (valid, then revoked; 404
for an unknown token and for a contract not coded yet), one 直接交易 by its number (404 when revoked or from a lot),
the price only when both parties publish it, and never a party's name, ID number or phone."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import user_create
from auctions.tests.factories import centre_create
from contracts.api.public import ContractVerifyOutput, DirectDealDetailOutput
from contracts.models import Contract
from contracts.tests.factories import coded_contract, contract_create
from core.classification import public_fields
from geo.models import Region
from geo.tests.factories import sichuan_tree
from search.tests.notices_world import lot_create

pytestmark = pytest.mark.django_db
# Party data that must never reach a public page or answer.
PARTIES = {
    "a_name": "甲方锦江置业有限公司",
    "a_id_number": "91510100MA6ABCDE12",
    "b_name": "乙方赵小明",
    "b_id_number": "510104199001018765",
}


@pytest.fixture
def jinjiang() -> Region:
    return sichuan_tree(("510000", "510100", "510104"), boundaries=False)["510104"]


def coded(region: Region, **fields: Any) -> Contract:
    party_b = user_create(real_name=PARTIES["b_name"])
    return coded_contract(region=region, counterparty=party_b, address="锦江区红星路二段12号", **(PARTIES | fields))


def revoke(contract: Contract) -> None:
    """What an approved revocation leaves: the contract revoked, its number kept."""
    contract.status = Contract.Status.REVOKED
    contract.revoked_at = timezone.now()
    contract.save()


def assert_no_party_data(text: str, contract: Contract) -> None:
    for side in ("a", "b"):
        for name in ("name", "id_number", "phone"):
            assert getattr(contract, f"{side}_{name}") not in text, name


def test_the_verification_page_shows_a_coded_contract_valid_then_revoked(jinjiang: Region):
    contract = coded(jinjiang)
    page = f"/contracts/verify/{contract.verify_token}/"

    valid = Client().get(page)
    answer = Client().get(f"/api/contracts/verify/{contract.verify_token}/").json()

    assert valid.status_code == 200
    text = valid.content.decode()
    assert 'id="verify-status" class="verify-status verify-valid"' in text
    assert "有效" in text
    assert str(contract.number) in text
    assert "四川省成都市锦江区 锦江区红星路二段12号" in text
    assert contract.signed_scan_sha256 in text
    assert_no_party_data(text, contract)
    assert answer["status"] == "valid"
    assert answer["number"] == contract.number
    assert answer["region"]["full_name"] == "四川省成都市锦江区"
    assert answer["revoked_at"] is None
    assert_no_party_data(str(answer), contract)

    revoke(contract)
    revoked = Client().get(page)
    english = Client().get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "已撤销" in revoked.content.decode()
    assert "verify-revoked" in revoked.content.decode()
    assert ">\n    revoked\n  <" in english
    assert Client().get(f"/api/contracts/verify/{contract.verify_token}/").json()["status"] == "revoked"


@pytest.mark.parametrize("status", [Contract.Status.IN_REVIEW, Contract.Status.DRAFT, Contract.Status.CANCELLED])
def test_a_contract_not_coded_and_an_unknown_token_are_not_found(jinjiang: Region, status: str):
    contract = contract_create(initiator=user_create(), region=jinjiang, status=status)

    for token in (contract.verify_token, "x" * 43):
        assert Client().get(f"/contracts/verify/{token}/").status_code == 404
        response = Client().get(f"/api/contracts/verify/{token}/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_a_direct_deal_shows_the_parcel_and_its_price_but_never_the_parties(jinjiang: Region):
    contract = coded(jinjiang, price_wan=Decimal("1234.5678"), area_m2=Decimal("5000.00"))

    answer = Client().get(f"/api/contracts/direct/{contract.number}/").json()
    page = Client().get(f"/direct-deals/{contract.number}/")

    assert answer["price_wan"] == "1234.5678"
    assert answer["price_public"] is True
    assert answer["area_m2"] == "5000.00"
    assert answer["kind"] == "transfer"
    assert answer["location"]["type"] == "Point"
    assert page.status_code == 200
    text = page.content.decode()
    assert "1,234.57 万元" in text  # 万元 to two places, as every page shows it
    assert 'id="notice-place"' in text  # the small map's place
    assert_no_party_data(text, contract)
    assert_no_party_data(str(answer), contract)


@pytest.mark.parametrize("opted_out", ["a_publish_price", "b_publish_price"])
def test_the_price_is_hidden_when_either_party_opted_out(jinjiang: Region, opted_out: str):
    contract = coded(jinjiang, price_wan=Decimal("2345.6789"), **{opted_out: False})

    answer = Client().get(f"/api/contracts/direct/{contract.number}/")
    page = Client().get(f"/direct-deals/{contract.number}/")

    assert answer.json()["price_public"] is False
    assert answer.json()["price_wan"] is None
    for response in (answer, page):
        assert "2345" not in response.content.decode()
        assert "2,345" not in response.content.decode()


def test_a_revoked_deal_and_one_from_a_lot_are_not_direct_deals(jinjiang: Region):
    revoked = coded(jinjiang)
    revoke(revoked)
    lot = lot_create(centre_create(region=Region.objects.get(code="510100")), "510104", "川DZR[2026]0012")
    from_lot = coded(jinjiang, lot=lot)

    for contract in (revoked, from_lot):
        assert Client().get(f"/api/contracts/direct/{contract.number}/").status_code == 404
        assert Client().get(f"/direct-deals/{contract.number}/").status_code == 404
    assert Client().get(f"/contracts/verify/{revoked.verify_token}/").status_code == 200  # still verifiable


@pytest.mark.parametrize("output", [ContractVerifyOutput, DirectDealDetailOutput])
def test_the_public_outputs_draw_on_public_fields_only(output: type):
    computed = {"kind_name", "land_use_name", "price_public", "url"}  # from public fields
    fields = set(output().fields) - computed

    assert fields - public_fields("contracts.Contract") == set()
