"""A trading centre's staff keep its contact details, bond account and banks (service and API); other centres' staff
and everyone else are refused, and a refused change changes nothing."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Bank, TradingCentre
from auctions.services.centres import centre_update
from auctions.tests.factories import centre_create, centre_staff_create, sichuan_regions
from core.errors import InvalidInput, NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def centres() -> dict[str, Any]:
    regions = sichuan_regions()
    Bank.objects.create(code="ICBC", name="中国工商银行")
    Bank.objects.create(code="CCB", name="中国建设银行")
    ours = centre_create(region=regions["chengdu"])
    theirs = centre_create(region=regions["sichuan"], name="四川省公共资源交易中心")
    return {"ours": ours, "theirs": theirs, "staff": centre_staff_create(ours), "other": centre_staff_create(theirs)}


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_centre_staff_change_their_centres_contact_details_and_banks(centres):
    centre = centre_update(
        user=centres["staff"], centre_id=centres["ours"].pk, phone="028-1234", bond_payee="中心", banks=["ICBC", "CCB"]
    )

    centre.refresh_from_db()
    assert (centre.phone, centre.bond_payee) == ("028-1234", "中心")
    assert sorted(centre.banks.values_list("code", flat=True)) == ["CCB", "ICBC"]


def test_staff_of_another_centre_cannot_change_it(centres):
    with pytest.raises(NotFound):
        centre_update(user=centres["other"], centre_id=centres["ours"].pk, phone="110")

    assert TradingCentre.objects.get(pk=centres["ours"].pk).phone == "028-85000000"


def test_an_unknown_bank_code_is_a_field_error_and_nothing_changes(centres):
    with pytest.raises(InvalidInput) as refused:
        centre_update(user=centres["staff"], centre_id=centres["ours"].pk, phone="028-1234", banks=["ICBC", "NOPE"])

    assert [error["code"] for error in refused.value.fields["banks"]] == ["unknown_bank"]
    centre = TradingCentre.objects.get(pk=centres["ours"].pk)
    assert centre.phone == "028-85000000"
    assert not centre.banks.exists()


def test_the_name_and_rule_profile_are_not_the_staffs_to_change(centres):
    with pytest.raises(InvalidInput) as refused:
        centre_update(user=centres["staff"], centre_id=centres["ours"].pk, name="改名")

    assert refused.value.fields["name"][0]["code"] == "unknown_field"
    assert TradingCentre.objects.get(pk=centres["ours"].pk).name == "成都市公共资源交易中心"


def test_an_empty_phone_is_refused_by_the_models_validation(centres):
    with pytest.raises(InvalidInput) as refused:
        centre_update(user=centres["staff"], centre_id=centres["ours"].pk, phone="", address="新地址")

    assert "phone" in refused.value.fields
    assert TradingCentre.objects.get(pk=centres["ours"].pk).address == "成都市高新区天府大道北段966号"


def test_the_api_reads_the_centre_with_the_bank_choices(centres):
    response = client_of(centres["staff"]).get(f"/api/auctions/centre/{centres['ours'].pk}/")

    assert response.status_code == 200
    assert response.json()["name"] == "成都市公共资源交易中心"
    assert [bank["code"] for bank in response.json()["bank_choices"]] == ["CCB", "ICBC"]


def test_the_api_saves_a_change_and_answers_with_the_centre(centres):
    response = client_of(centres["staff"]).patch(
        f"/api/auctions/centre/{centres['ours'].pk}/",
        {"contact": "李四", "banks": ["CCB"]},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["contact"] == "李四"
    assert [bank["code"] for bank in response.json()["banks"]] == ["CCB"]


def test_the_api_answers_404_to_another_centres_staff_and_403_to_others(centres):
    path = f"/api/auctions/centre/{centres['ours'].pk}/"
    other = client_of(centres["other"])

    assert other.get(path).status_code == 404
    assert other.patch(path, {"phone": "1"}, content_type="application/json").status_code == 404
    assert client_of(user_create()).get(path).status_code == 403
    assert Client().get(path).status_code == 401


def test_the_api_answers_a_bad_bank_code_with_a_field_error(centres):
    response = client_of(centres["staff"]).patch(
        f"/api/auctions/centre/{centres['ours'].pk}/", {"banks": ["NOPE"]}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["banks"][0]["code"] == "unknown_bank"
