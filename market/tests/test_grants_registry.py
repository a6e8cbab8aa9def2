"""The grant registry (一级市场供地) behind pre-announcements: the local table and `load_grants`, and the HTTP backend
against a fake registry speaking its protocol over real HTTP."""

import socket
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from core.errors import ServiceUnavailable
from geo.models import Region
from geo.tests.factories import region_create
from market.grants import (
    DEFAULT_CSV,
    GrantRecord,
    HttpGrantRegistry,
    LocalGrantRegistry,
    grant_registry,
)
from market.models import PrimaryGrant
from tests.fakes.grant_registry import FakeGrantRegistry, grant_registry_running

pytestmark = pytest.mark.django_db
HEADER = (
    "contract_number,phone,region,address,area_m2,land_use,use_years,supply_method,industry,land_grade,grantee,"
    "grantee_id_type,grantee_id_number,investment_ratio\n"
)
ROW = (
    "5101042019B00101,13800001001,510104,锦江区东大街88号,12850.50,0501,40,挂牌出让,零售业,三级,"
    "成都锦程商贸有限公司,营业执照,91510104MA6C1A2B4J,12.50\n"
)


@pytest.fixture
def bundled_regions(regions: dict[str, Region]) -> dict[str, Region]:
    """The regions of the bundled CSV: 锦江区 and 武侯区 from the shared tree, plus 龙泉驿区 and 双流区."""
    return regions | {
        code: region_create(code=code, name=name, parent=regions["510100"])
        for code, name in (("510112", "龙泉驿区"), ("510116", "双流区"))
    }


@pytest.fixture
def fake_registry(settings: Any) -> Iterator[FakeGrantRegistry]:
    with grant_registry_running(settings) as registry:
        yield registry


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "grants.csv"
    path.write_text(text, encoding="utf-8")
    return path


def grant_json(**overrides: Any) -> dict[str, Any]:
    return {
        "contract_number": "川(2020)成锦出让合同第012/3号",
        "phone": "13800002001",
        "region_code": "510104",
        "address": "锦江区春熙路1号",
        "area_m2": "2154.30",
        "land_use": "0501",
        "use_years": 40,
        "supply_method": "拍卖出让",
        "industry": "其他服务业",
        "land_grade": "十二级",
        "grantee": "成都春熙商贸有限公司",
        "grantee_id_type": "营业执照",
        "grantee_id_number": "91510104MA6C1A2B4J",
        "investment_ratio": 18.5,
    } | overrides


# ------------------------------------------------------------------------------ the local table and load_grants


def test_load_grants_loads_the_bundled_dataset_and_a_second_load_changes_nothing(bundled_regions: dict[str, Region]):
    first, second = StringIO(), StringIO()

    call_command("load_grants", stdout=first)
    snapshot = list(PrimaryGrant.objects.order_by("contract_number").values())
    call_command("load_grants", stdout=second)

    assert "6 grants created, 0 updated" in first.getvalue()
    assert "0 grants created, 6 updated" in second.getvalue()
    assert list(PrimaryGrant.objects.order_by("contract_number").values()) == snapshot
    assert len(DEFAULT_CSV.read_text(encoding="utf-8").splitlines()) == 1 + 6


def test_loading_a_changed_row_updates_the_grant_by_contract_number(tmp_path: Path, regions: dict[str, Region]):
    call_command("load_grants", str(write(tmp_path, HEADER + ROW)), stdout=StringIO())

    call_command("load_grants", str(write(tmp_path, HEADER + ROW.replace(",12.50", ",30.00"))), stdout=StringIO())

    grant = PrimaryGrant.objects.get()
    assert (grant.contract_number, grant.investment_ratio) == ("5101042019B00101", Decimal("30.00"))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (HEADER + ROW.replace(",510104,", ",510199,"), "unknown region '510199'"),
        (HEADER + ROW.replace(",12850.50,", ",lots,"), "line 2: area_m2"),
        (HEADER + ROW.replace(",13800001001,", ",12345,"), "line 2: "),
        (HEADER + ROW.replace(",0501,", ",0599,"), "unknown land use '0599'"),
        (HEADER + ROW + ROW, "contract numbers repeated: 5101042019B00101"),
        (HEADER.replace("phone,", "") + ROW, "missing columns: phone"),
    ],
)
def test_a_bad_file_loads_nothing_and_says_why(tmp_path: Path, regions: dict[str, Region], text: str, problem: str):
    good = ROW.replace("5101042019B00101", "5101042019B00999")

    with pytest.raises(CommandError) as raised:
        call_command("load_grants", str(write(tmp_path, text + good)), stdout=StringIO())

    assert problem in str(raised.value)
    assert not PrimaryGrant.objects.exists()


def test_a_missing_file_is_an_error(tmp_path: Path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_grants", str(tmp_path / "none.csv"), stdout=StringIO())


def test_the_local_registry_answers_from_the_table(bundled_regions: dict[str, Region], settings: Any):
    settings.GRANT_REGISTRY = "local"
    call_command("load_grants", stdout=StringIO())

    record = grant_registry().lookup("5101162019B00158")

    assert isinstance(grant_registry(), LocalGrantRegistry)
    assert record == GrantRecord(
        contract_number="5101162019B00158",
        phone="13800001005",
        region_code="510116",
        address="双流区西航港街道腾飞大道555号",
        area_m2=Decimal("4200.00"),
        land_use="0503",
        use_years=40,
        supply_method="协议出让",
        industry="餐饮业",
        land_grade="四级",
        grantee="王小明",
        grantee_id_type="身份证",
        grantee_id_number="510116198001011231",
        investment_ratio=Decimal("24.99"),
    )
    assert grant_registry().lookup("no-such-contract") is None


# ------------------------------------------------------------------------------ the HTTP backend


def test_the_http_registry_is_asked_with_the_bearer_key_and_answers_a_record(fake_registry: FakeGrantRegistry):
    grant = fake_registry.add(**grant_json())

    record = grant_registry().lookup(grant["contract_number"])

    assert isinstance(grant_registry(), HttpGrantRegistry)
    assert record is not None
    assert (record.contract_number, record.area_m2, record.investment_ratio) == (
        "川(2020)成锦出让合同第012/3号",  # a slash and Chinese characters travel URL-encoded
        Decimal("2154.30"),
        Decimal("18.5"),
    )
    assert fake_registry.requests == ["/grants/川(2020)成锦出让合同第012/3号"]
    assert fake_registry.refused == 0


def test_an_unknown_number_is_none(fake_registry: FakeGrantRegistry):
    assert grant_registry().lookup("5101040000X00000") is None


@pytest.mark.parametrize("failure", ["fail", "garble", "wrong_key", "missing_field"])
def test_registry_errors_are_503_grant_registry_unavailable(
    fake_registry: FakeGrantRegistry, settings: Any, failure: str
):
    fake_registry.add(**grant_json(contract_number="A1"))
    if failure == "wrong_key":
        settings.GRANT_REGISTRY_KEY = "not-the-key"
    elif failure == "missing_field":
        fake_registry.grants["A1"].pop("area_m2")
    else:
        setattr(fake_registry, failure, True)

    with pytest.raises(ServiceUnavailable) as raised:
        grant_registry().lookup("A1")

    assert (raised.value.code, raised.value.status_code) == ("grant_registry_unavailable", 503)


def test_a_registry_that_does_not_answer_times_out_as_503(fake_registry: FakeGrantRegistry, settings: Any):
    fake_registry.hang = True
    settings.GRANT_REGISTRY_TIMEOUT = 0.3

    with pytest.raises(ServiceUnavailable) as raised:
        grant_registry().lookup("A1")

    assert raised.value.code == "grant_registry_unavailable"


def test_an_unreachable_registry_is_503(settings: Any):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.GRANT_REGISTRY = "http"
    settings.GRANT_REGISTRY_URL = f"http://127.0.0.1:{port}"

    with pytest.raises(ServiceUnavailable) as raised:
        grant_registry().lookup("A1")

    assert raised.value.code == "grant_registry_unavailable"


@pytest.mark.parametrize(("backend", "url"), [("http", ""), ("ldap", "http://x")])
def test_a_misconfigured_registry_is_503(settings: Any, backend: str, url: str):
    settings.GRANT_REGISTRY = backend
    settings.GRANT_REGISTRY_URL = url

    with pytest.raises(ServiceUnavailable) as raised:
        grant_registry().lookup("A1")

    assert raised.value.code == "grant_registry_unavailable"
