"""Pre-announcements (预公告), steps 1 and 2: the grant lookup with the bound phone and an SMS code, and the draft
made from it; what the user may and may not set."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core import signing
from django.test import Client

from accounts.models import User
from accounts.services.sms import SmsPurpose, sms_code_send
from accounts.tests.factories import user_create
from geo.models import Region
from market.models import PreAnnouncement, PrimaryGrant
from market.services.pre_announcements import LOOKUP_SALT
from tests.fakes.grant_registry import FakeGrantRegistry, grant_registry_running
from tests.fakes.sms_provider import FakeSmsProvider

pytestmark = pytest.mark.django_db
PHONE = "13800001001"
NUMBER = "5101042019B00101"


@pytest.fixture
def grant(regions: dict[str, Region]) -> PrimaryGrant:
    """An idle grant (12.50 % invested) in 锦江区, bound to PHONE."""
    return PrimaryGrant.objects.create(
        contract_number=NUMBER,
        phone=PHONE,
        region=regions["510104"],
        address="锦江区东大街下东大街段88号",
        area_m2=Decimal("12850.50"),
        land_use="0501",
        use_years=40,
        supply_method="挂牌出让",
        industry="零售业",
        land_grade="三级",
        grantee="成都锦程商贸有限公司",
        grantee_id_type="营业执照",
        grantee_id_number="91510104MA6C1A2B4J",
        investment_ratio=Decimal("12.50"),
    )


@pytest.fixture
def fake_registry(settings: Any) -> Iterator[FakeGrantRegistry]:
    with grant_registry_running(settings) as registry:
        yield registry


def lookup(client: Client, inbox: FakeSmsProvider, **overrides: Any) -> Any:
    """Send a grant-lookup code to the phone (as POST /api/auth/sms-codes/ would) and look the grant up with it."""
    body = {"contract_number": NUMBER, "phone": PHONE, "region": "510104"} | overrides
    if "sms_code" not in body:
        sms_code_send(phone=body["phone"], purpose=SmsPurpose.GRANT_LOOKUP)
        body["sms_code"] = inbox.last_code(body["phone"])
    return client.post(
        "/api/market/pre-announcements/lookup/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


def create(client: Client, token: str, **overrides: Any) -> Any:
    body = {"lookup_token": token, "title": "锦江区商业用地转让预告", "contact_phone": "028-86001234"} | overrides
    return client.post(
        "/api/market/pre-announcements/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


# ------------------------------------------------------------------------------ step 1: the lookup


def test_the_bound_phone_with_its_sms_code_finds_the_grant_and_a_token(
    client: Client, owner: User, grant: PrimaryGrant, sms_inbox: FakeSmsProvider
):
    client.force_login(owner)

    response = lookup(client, sms_inbox)

    assert response.status_code == 200
    body = response.json()
    assert body["grant"] == {
        "contract_number": NUMBER,
        "region": "510104",
        "address": "锦江区东大街下东大街段88号",
        "area_m2": "12850.50",
        "land_use": "0501",
        "land_use_name": "零售商业用地",
        "use_years": 40,
        "supply_method": "挂牌出让",
        "industry": "零售业",
        "land_grade": "三级",
        "transferor": "成都锦程商贸有限公司",
        "id_type": "营业执照",
        "id_number": "91510104MA6C1A2B4J",
        "investment_ratio": "12.50",
    }
    assert signing.loads(body["lookup_token"], salt=LOOKUP_SALT) == {"user": owner.pk, "contract_number": NUMBER}
    assert sms_inbox.messages[-1]["phone"] == PHONE


@pytest.mark.parametrize("region", ["510100", "510000"])
def test_a_region_above_the_grants_county_finds_it(
    client: Client, owner: User, grant: PrimaryGrant, sms_inbox: FakeSmsProvider, region: str
):
    client.force_login(owner)

    assert lookup(client, sms_inbox, region=region).status_code == 200


def test_a_wrong_sms_code_is_refused_on_the_field(
    client: Client, owner: User, grant: PrimaryGrant, sms_inbox: FakeSmsProvider
):
    client.force_login(owner)
    sms_code_send(phone=PHONE, purpose=SmsPurpose.GRANT_LOOKUP)
    wrong = "000000" if sms_inbox.last_code(PHONE) != "000000" else "111111"

    response = lookup(client, sms_inbox, sms_code=wrong)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "sms_code_invalid"
    assert list(response.json()["error"]["fields"]) == ["sms_code"]


def test_a_code_sent_for_another_purpose_does_not_count(
    client: Client, owner: User, grant: PrimaryGrant, sms_inbox: FakeSmsProvider
):
    client.force_login(owner)
    sms_code_send(phone=PHONE, purpose=SmsPurpose.LOGIN)

    response = lookup(client, sms_inbox, sms_code=sms_inbox.last_code(PHONE))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "sms_code_expired"


def test_another_phone_an_unknown_number_and_another_region_get_one_answer(
    client: Client, owner: User, grant: PrimaryGrant, sms_inbox: FakeSmsProvider
):
    client.force_login(owner)

    other_phone = lookup(client, sms_inbox, phone="13900009999")
    unknown = lookup(client, sms_inbox, contract_number="5101042019B99999", phone="13900009998")
    other_region = lookup(client, sms_inbox, region="510107", phone=PHONE)

    assert [other_phone.status_code, unknown.status_code, other_region.status_code] == [404, 404, 404]
    assert other_phone.json() == unknown.json() == other_region.json()
    assert other_phone.json()["error"]["code"] == "grant_not_found"


@pytest.mark.parametrize(("ratio", "status"), [("25.00", 409), ("80.00", 409), ("24.99", 200)])
def test_only_idle_land_under_25_percent_invested_may_be_pre_announced(
    client: Client, owner: User, grant: PrimaryGrant, sms_inbox: FakeSmsProvider, ratio: str, status: int
):
    PrimaryGrant.objects.filter(pk=grant.pk).update(investment_ratio=Decimal(ratio))
    client.force_login(owner)

    response = lookup(client, sms_inbox)

    assert response.status_code == status
    if status == 409:
        assert response.json()["error"]["code"] == "not_idle_land"
        assert "lookup_token" not in response.json()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"region": "510199"}, "region", "not_found"),
        ({"region": "5101"}, "region", "invalid"),
        ({"phone": "1380000100"}, "phone", "invalid_phone"),
        ({"contract_number": "号" * 10_000}, "contract_number", "max_length"),
        ({"sms_code": "1" * 10_000}, "sms_code", "max_length"),
        ({"contract_number": ""}, "contract_number", "blank"),
    ],
)
def test_bad_lookup_input_is_400_naming_the_field(
    client: Client,
    owner: User,
    grant: PrimaryGrant,
    sms_inbox: FakeSmsProvider,
    overrides: dict[str, Any],
    field: str,
    code: str,
):
    client.force_login(owner)

    response = lookup(client, sms_inbox, **({"sms_code": "123456"} | overrides))

    assert response.status_code == 400
    assert {name: [e["code"] for e in errors] for name, errors in response.json()["error"]["fields"].items()} == {
        field: [code]
    }


def test_the_lookup_needs_a_signed_in_user(client: Client, grant: PrimaryGrant, sms_inbox: FakeSmsProvider):
    assert lookup(client, sms_inbox, sms_code="123456").status_code == 401


def test_the_lookup_asks_the_http_registry_when_configured(
    client: Client,
    owner: User,
    regions: dict[str, Region],
    sms_inbox: FakeSmsProvider,
    fake_registry: FakeGrantRegistry,
):
    fake_registry.add(
        contract_number="3301242021A00077",
        phone=PHONE,
        region_code="510107",
        address="武侯区武兴四路16号",
        area_m2="2154.00",
        land_use="0601",
        use_years=50,
        supply_method="拍卖出让",
        industry="其他服务业",
        land_grade="十二级",
        grantee="王小明",
        grantee_id_type="身份证",
        grantee_id_number="510116198001011231",
        investment_ratio="3.5",
    )
    client.force_login(owner)

    found = lookup(client, sms_inbox, contract_number="3301242021A00077", region="510100")
    draft = create(client, found.json()["lookup_token"])

    assert found.status_code == 200
    assert (found.json()["grant"]["transferor"], found.json()["grant"]["investment_ratio"]) == ("王小明", "3.50")
    assert draft.status_code == 201
    assert (draft.json()["region"]["code"], draft.json()["land_use"]) == ("510107", "0601")


def test_a_registry_that_fails_is_503(
    client: Client,
    owner: User,
    regions: dict[str, Region],
    sms_inbox: FakeSmsProvider,
    fake_registry: FakeGrantRegistry,
):
    fake_registry.fail = True
    client.force_login(owner)

    response = lookup(client, sms_inbox)

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "grant_registry_unavailable"


# ------------------------------------------------------------------------------ step 2: the draft


@pytest.fixture
def token(client: Client, owner: User, grant: PrimaryGrant, sms_inbox: FakeSmsProvider) -> str:
    client.force_login(owner)
    return lookup(client, sms_inbox).json()["lookup_token"]


def test_the_draft_is_filled_from_the_grant(client: Client, owner: User, token: str):
    response = create(client, token)

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["title"], body["contact_phone"]) == ("draft", "锦江区商业用地转让预告", "028-86001234")
    assert body["region"] == {"code": "510104", "name": "锦江区", "level": "county"}
    assert (body["contract_number"], body["area_m2"], body["use_years"], body["transferor"]) == (
        NUMBER,
        "12850.50",
        40,
        "成都锦程商贸有限公司",
    )
    assert body["id_number"] == "91510104MA6C1A2B4J"  # the owner sees it whole
    assert body["actions"] == ["view", "edit", "publish", "delete"]
    item = PreAnnouncement.objects.get(pk=body["id"])
    assert (item.owner, item.published_at, item.supply_method) == (owner, None, "挂牌出让")


def test_fields_from_the_registry_cannot_be_set_by_the_user(client: Client, token: str):
    response = create(client, token, area_m2="99999", transferor="别人", region="510107")

    assert response.status_code == 400
    assert {name: [e["code"] for e in errors] for name, errors in response.json()["error"]["fields"].items()} == {
        "region": ["read_only"],
        "area_m2": ["read_only"],
        "transferor": ["read_only"],
    }
    assert not PreAnnouncement.objects.exists()


def test_an_expired_lookup_must_be_repeated(client: Client, token: str, settings: Any):
    settings.GRANT_LOOKUP_TOKEN_MAX_AGE = -1  # every token is older than that

    response = create(client, token)

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["lookup_token"][0]["code"] == "lookup_expired"
    assert not PreAnnouncement.objects.exists()


def test_another_users_lookup_or_a_forged_one_is_refused(client: Client, token: str, seeker: User):
    forged = signing.dumps({"user": seeker.pk, "contract_number": NUMBER}, salt="another salt")
    client.force_login(seeker)

    stolen = create(client, token)
    fake = create(client, forged)
    tampered = create(client, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    assert [r.status_code for r in (stolen, fake, tampered)] == [400, 400, 400]
    assert {r.json()["error"]["fields"]["lookup_token"][0]["code"] for r in (stolen, fake, tampered)} == {"invalid"}
    assert not PreAnnouncement.objects.exists()


def test_a_grant_no_longer_idle_cannot_be_drafted(client: Client, token: str, grant: PrimaryGrant):
    PrimaryGrant.objects.filter(pk=grant.pk).update(investment_ratio=Decimal("30"))

    response = create(client, token)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_idle_land"
    assert not PreAnnouncement.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"title": "预" * 10_000}, "title", "max_length"),
        ({"title": ""}, "title", "blank"),
        ({"contact_phone": "call me"}, "contact_phone", "invalid"),
        ({"lookup_token": ""}, "lookup_token", "blank"),
    ],
)
def test_bad_draft_input_is_400(client: Client, token: str, overrides: dict[str, Any], field: str, code: str):
    response = create(client, token, **overrides)

    assert response.status_code == 400
    assert [e["code"] for e in response.json()["error"]["fields"][field]] == [code]
    assert not PreAnnouncement.objects.exists()


def test_html_in_the_title_is_stored_verbatim(client: Client, token: str):
    title = "<img src=x onerror=alert(1)>预告"

    response = create(client, token, title=title)

    assert response.json()["title"] == title
    assert PreAnnouncement.objects.get().title == title


def test_an_anonymous_caller_cannot_create(client: Client, token: str):
    client.logout()

    assert create(client, token).status_code == 401


def test_an_unverified_user_may_look_up_and_draft_but_not_publish(
    client: Client, grant: PrimaryGrant, sms_inbox: FakeSmsProvider
):
    client.force_login(user_create(verified=False))

    draft = create(client, lookup(client, sms_inbox).json()["lookup_token"])
    publish = client.post(f"/api/market/pre-announcements/{draft.json()['id']}/publish/")

    assert draft.status_code == 201
    assert publish.status_code == 403
    assert publish.json()["error"]["code"] == "verification_required"
    assert PreAnnouncement.objects.get().status == PreAnnouncement.Status.DRAFT
