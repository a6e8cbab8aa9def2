"""The contract's PDF (GET /api/contracts/<id>/pdf/): for its parties and the authority of its region only; the text
holds the coding number and the parties with ID numbers and phones masked; the QR code, read back from the PDF's
image, is the absolute address of the verification page, which says valid, then revoked. A contract not coded yet
has no QR code."""

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import reviewer_create, user_create
from contracts.models import Contract
from contracts.pdf import mask_id_number
from contracts.tests.factories import coded_contract, contract_create
from contracts.tests.pdf_reading import pdf_qr_codes, pdf_text
from geo.models import Region
from geo.tests.factories import sichuan_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinjiang() -> Region:
    return sichuan_tree(("510000", "510100", "510104"), boundaries=False)["510104"]


def client_of(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_mask_id_number_shows_the_region_and_the_last_four():
    assert mask_id_number("110101199003071234") == "110101********1234"
    assert mask_id_number("91510100MA6ABCDE12") == "915101********DE12"
    assert mask_id_number("12345") == "*****"


def test_a_coded_contract_s_pdf_holds_its_number_and_a_qr_code_of_its_verification_page(jinjiang: Region):
    party_a = user_create(real_name="张三", phone="13800001234")
    contract = coded_contract(
        region=jinjiang, initiator=party_a, b_id_number="110101199003077777", price_wan=Decimal("1234.5678")
    )

    number = str(contract.number)

    response = client_of(party_a).get(f"/api/contracts/{contract.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="contract-{number[1:]}.pdf"'
    text = pdf_text(response.content)
    assert number in text
    assert "有效" in text
    assert "110101********7777" in text
    assert "110101199003077777" not in text
    assert "138****1234" in text
    assert "13800001234" not in text
    assert "人民币 1,234.5678 万元" in text
    assert "锦江区" in text
    (url,) = pdf_qr_codes(response.content)
    assert url == f"http://testserver/contracts/verify/{contract.verify_token}/"
    page = Client().get(urlsplit(url).path)
    assert page.status_code == 200
    assert "有效" in page.content.decode()
    assert number in page.content.decode()

    contract.status = Contract.Status.REVOKED  # as an approved revocation leaves it
    contract.revoked_at = timezone.now()
    contract.save()

    assert "已撤销" in Client().get(urlsplit(url).path).content.decode()
    assert "已撤销" in pdf_text(client_of(party_a).get(f"/api/contracts/{contract.pk}/pdf/").content)


def test_a_contract_not_coded_yet_has_no_qr_code(jinjiang: Region):
    party_a = user_create()
    contract = contract_create(
        initiator=party_a, region=jinjiang, kind=Contract.Kind.LEASE, rent_wan_per_year=Decimal("36.5")
    )

    response = client_of(party_a).get(f"/api/contracts/{contract.pk}/pdf/")

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "出租合同" in text
    assert "未赋码" in text
    assert "人民币 36.5000 万元/年" in text
    assert pdf_qr_codes(response.content) == []
    assert response["Content-Disposition"] == f'attachment; filename="contract-{contract.pk}.pdf"'


def test_only_the_parties_and_the_authority_of_the_region_get_the_pdf(jinjiang: Region):
    contract = coded_contract(region=jinjiang)
    counterparty = contract.counterparty

    assert Client().get(f"/api/contracts/{contract.pk}/pdf/").status_code == 401
    assert client_of(user_create()).get(f"/api/contracts/{contract.pk}/pdf/").status_code == 404
    assert client_of(reviewer_create(regions=["110000"])).get(f"/api/contracts/{contract.pk}/pdf/").status_code == 404
    assert client_of(counterparty).get(f"/api/contracts/{contract.pk}/pdf/").status_code == 200
    assert client_of(reviewer_create(regions=["510100"])).get(f"/api/contracts/{contract.pk}/pdf/").status_code == 200
