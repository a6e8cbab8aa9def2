"""Where a contract starts: a lot's result carries the trade's parties, parcel and price; a published listing its
owner's party A and its land; only the seller of a deal that stands, or the listing's owner, may start one."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client, override_settings

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Entrustment
from auctions.tests.factories import centre_create, won_deal
from contracts.models import Contract
from geo.models import Region
from geo.tests.factories import parcel_create, sichuan_tree, square_in
from market.models import SupplyListing
from market.tests.factories import supply_create
from search.tests.notices_world import lot_create

pytestmark = pytest.mark.django_db
API = "/api/contracts/"


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield tmp_path


@pytest.fixture
def regions() -> dict[str, Region]:
    return sichuan_tree(("510000", "510100", "510104"))


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sold_lot(regions: dict[str, Region], seller: User, transfer: str = "transfer"):
    """A lot of `seller`'s entrustment on a parcel of 锦江区, sold to 钱七 at 1560.5 万元."""
    parcel = parcel_create(code="510104001001GB00009", geometry=square_in("510104"), region=regions["510104"])
    entrustment = Entrustment.objects.create(
        owner=seller,
        created_by=seller,
        mode=transfer,
        region=regions["510104"],
        title="委托",
        status="accepted",
        owner_name="锦江置业有限公司",
        owner_id_number="91510100MA61234567",
        owner_phone="13800138001",
        owner_address="成都市锦江区东大街1号",
        use_right_type="granted",
        land_nature="state_owned",
        certificate_type="real_estate",
        certificate_number="川(2020)成都市不动产权第0099999号",
        unit_numbers=["510104001001GB00009F00010001"],
    )
    lot = lot_create(
        centre_create(region=regions["510100"]),
        "510104",
        "川DZR[2026]0099",
        transfer=transfer,
        entrustment=entrustment,
        parcel=parcel,
        address="锦江区东大街9号",
        area_m2=Decimal("5123.45"),
        land_use="0501",
        location=parcel.centroid,
        term_years=20,
    )
    buyer = user_create(real_name="钱七")
    won_deal(lot, name="钱七", applicant=buyer, price="1560.5")
    return lot, buyer


def test_a_contract_from_a_lots_result_carries_the_trades_parties_parcel_and_price(regions):
    seller = user_create(kind=User.Kind.ENTERPRISE, real_name="锦江置业有限公司")
    lot, buyer = sold_lot(regions, seller)
    answer = client_of(seller).post(API, {"lot": lot.pk}, content_type="application/json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["kind"], body["lot"], body["status"]) == ("transfer", lot.pk, "draft")
    assert (body["a_name"], body["a_id_number"], body["a_phone"]) == (
        "锦江置业有限公司",
        "91510100MA61234567",
        "13800138001",
    )
    assert (body["b_name"], body["b_phone"], body["b_address"]) == ("钱七", buyer.phone, "成都")
    assert (body["address"], body["region"], body["land_use"], body["area_m2"]) == (
        "锦江区东大街9号",
        "510104",
        "0501",
        "5123.45",
    )
    assert body["price_wan"] == "1560.5000"
    assert body["unit_numbers"] == "510104001001GB00009F00010001"
    assert body["certificate_number"] == "川(2020)成都市不动产权第0099999号"
    contract = Contract.objects.get(pk=body["id"])
    assert contract.outline == lot.parcel.geometry
    assert body["location"] == [lot.location.x, lot.location.y]


def test_a_lease_lot_gives_a_lease_with_the_price_as_the_rent_and_the_lots_term(regions):
    seller = user_create(real_name="张三")
    lot, _buyer = sold_lot(regions, seller, transfer="lease")
    body = client_of(seller).post(API, {"lot": lot.pk}, content_type="application/json").json()
    assert (body["kind"], body["rent_wan_per_year"], body["price_wan"], body["term_years"]) == (
        "lease",
        "1560.5000",
        None,
        20,
    )


def test_only_the_seller_starts_a_contract_from_a_lot_once(regions):
    seller = user_create(real_name="张三")
    lot, buyer = sold_lot(regions, seller)
    assert client_of(buyer).post(API, {"lot": lot.pk}, content_type="application/json").status_code == 404
    first = client_of(seller).post(API, {"lot": lot.pk}, content_type="application/json")
    assert first.status_code == 201
    second = client_of(seller).post(API, {"lot": lot.pk}, content_type="application/json")
    assert (second.status_code, second.json()["error"]["code"]) == (409, "already_contracted")
    assert Contract.objects.count() == 1


def test_a_revoked_result_starts_no_contract(regions):
    seller = user_create(real_name="张三")
    lot, _buyer = sold_lot(regions, seller)
    lot.result.revoked_at = lot.result.decided_at
    lot.result.save()
    answer = client_of(seller).post(API, {"lot": lot.pk}, content_type="application/json")
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "no_deal")
    assert not Contract.objects.exists()


def test_a_contract_from_a_published_listing_takes_its_owner_and_land_and_its_mode(regions):
    owner = user_create(real_name="张三")
    listing = supply_create(owner=owner, region=regions["510104"], mode=SupplyListing.Mode.LEASE, lease_term_years=10)
    body = client_of(owner).post(API, {"listing": listing.pk}, content_type="application/json").json()
    assert (body["kind"], body["listing"], body["a_name"], body["a_phone"]) == (
        "lease",
        listing.pk,
        "测试企业有限公司",
        owner.phone,
    )
    assert (body["address"], body["region"], body["area_m2"], body["term_years"]) == (
        listing.address,
        "510104",
        "5000.00",
        10,
    )
    someone = client_of(user_create())
    assert someone.post(API, {"listing": listing.pk}, content_type="application/json").status_code == 404
    draft = supply_create(owner=owner, region=regions["510104"], status=SupplyListing.Status.DRAFT)
    answer = client_of(owner).post(API, {"listing": draft.pk}, content_type="application/json")
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "not_published")


def test_an_unverified_user_cannot_start_a_contract(regions):
    answer = client_of(user_create(verified=False)).post(API, {"kind": "transfer"}, content_type="application/json")
    assert answer.status_code == 403
    assert not Contract.objects.exists()
