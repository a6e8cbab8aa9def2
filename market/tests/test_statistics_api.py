"""Land statistics (土地统计数据) through the API, checked against sums computed here from the rows each test makes."""

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from geo.models import Region
from market.models import Demand, SupplyListing
from market.tests.factories import supply_create

pytestmark = pytest.mark.django_db
S = SupplyListing.Status


def expected(listings: list[SupplyListing], demands: int = 0) -> dict[str, Any]:
    """The figures of a group, from the listings in it: count, area (m²), priced count, total price (万元), and
    the unit price (元/m²) = total price of the priced ones × 10 000 ÷ their area, to the cent, half up."""
    priced = [listing for listing in listings if listing.price_wan is not None]
    area = sum((listing.area_m2 or Decimal(0) for listing in listings), Decimal(0))
    price = sum((listing.price_wan or Decimal(0) for listing in priced), Decimal(0))
    priced_area = sum((listing.area_m2 or Decimal(0) for listing in priced), Decimal(0))
    unit = (price * 10_000 / priced_area).quantize(Decimal("0.01"), ROUND_HALF_UP) if priced_area else None
    return {
        "listing_count": len(listings),
        "area_m2": f"{area:.2f}",
        "priced_count": len(priced),
        "price_wan": f"{price:.4f}",
        "unit_price_yuan_m2": None if unit is None else f"{unit:.2f}",
        "demand_count": demands,
    }


def figures(group: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in group.items() if name not in ("key", "name")}


def demand(owner: User, region: Region, kind: str = Demand.Kind.PURCHASE, **fields: Any) -> Demand:
    now = timezone.now()
    values = {"land_use": "0501", "registered_at": now, "expires_at": now + timedelta(days=183)} | fields
    return Demand.objects.create(
        owner=owner, created_by=owner, region=region, kind=kind, status=Demand.Status.REGISTERED, **values
    )


def stats(client: Client, **query: str) -> Any:
    return client.get("/api/market/statistics/", query, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def market(owner: User, regions: dict[str, Region]) -> dict[str, list[SupplyListing]]:
    """Public listings in 锦江, 武侯 and 涪城 (priced, 面议, certified, odd areas), plus ones the public never sees."""
    jinjiang = [
        supply_create(owner=owner, region=regions["510104"], area_m2=Decimal("5000.00"), price_wan=Decimal("1200")),
        supply_create(
            owner=owner,
            region=regions["510104"],
            status=S.CERTIFIED,
            land_use="0601",
            area_m2=Decimal("3333.33"),
            price_wan=Decimal("777.7777"),
        ),
        supply_create(owner=owner, region=regions["510104"], area_m2=Decimal("1234.56"), price_wan=None),  # 面议
    ]
    wuhou = [
        supply_create(
            owner=owner,
            region=regions["510107"],
            mode=SupplyListing.Mode.LEASE,
            land_use="0604",
            area_m2=Decimal("10000.00"),
            price_wan=Decimal("95.5"),
        )
    ]
    fucheng = [supply_create(owner=owner, region=regions["510703"], area_m2=Decimal("800.00"), price_wan=Decimal("64"))]
    for status in (S.DRAFT, S.IN_REVIEW, S.REJECTED, S.DELISTED, S.EXPIRED):
        supply_create(owner=owner, region=regions["510104"], status=status, area_m2=Decimal("99999"))
    return {"510104": jinjiang, "510107": wuhou, "510703": fucheng}


def test_without_a_region_the_groups_are_the_provinces(client: Client, market: dict[str, list[SupplyListing]]):
    response = stats(client, group_by="region")

    assert response.status_code == 200
    body = response.json()
    assert (body["group_by"], body["region"], body["from"], body["to"], body["mode"]) == (
        "region",
        None,
        None,
        None,
        None,
    )
    everything = [listing for listings in market.values() for listing in listings]
    assert [(g["key"], g["name"]) for g in body["groups"]] == [("510000", "四川省")]
    assert figures(body["groups"][0]) == expected(everything)
    assert figures(body["total"]) == expected(everything)


def test_a_province_is_grouped_by_its_cities_with_demands_counted_alike(
    client: Client, owner: User, regions: dict[str, Region], market: dict[str, list[SupplyListing]]
):
    demand(owner, regions["510104"])
    demand(owner, regions["510107"], kind=Demand.Kind.LEASE)
    demand(owner, regions["510100"])
    demand(owner, regions["510703"])
    demand(owner, regions["510000"])  # above the groups' level: counted in none
    Demand.objects.create(owner=owner, created_by=owner, region=regions["510104"], kind="purchase")  # a draft

    body = stats(client, group_by="region", region="510000").json()

    assert body["region"] == {"code": "510000", "name": "四川省", "level": "province"}
    assert [(g["key"], g["name"]) for g in body["groups"]] == [("510100", "成都市"), ("510700", "绵阳市")]
    assert figures(body["groups"][0]) == expected(market["510104"] + market["510107"], demands=3)
    assert figures(body["groups"][1]) == expected(market["510703"], demands=1)
    assert body["total"]["demand_count"] == 4


def test_a_city_is_grouped_by_its_counties_and_a_county_is_its_own_group(
    client: Client, market: dict[str, list[SupplyListing]]
):
    city = stats(client, group_by="region", region="510100").json()
    county = stats(client, group_by="region", region="510107").json()

    assert [g["key"] for g in city["groups"]] == ["510104", "510107"]
    assert figures(city["groups"][0]) == expected(market["510104"])
    assert figures(city["groups"][1]) == expected(market["510107"])
    assert [g["key"] for g in county["groups"]] == ["510107"]
    assert figures(county["groups"][0]) == expected(market["510107"])


def test_grouped_by_first_level_land_use(
    client: Client, owner: User, regions: dict[str, Region], market: dict[str, list[SupplyListing]]
):
    demand(owner, regions["510104"], land_use="05")
    demand(owner, regions["510104"], land_use="0601")

    body = stats(client, group_by="land_use", region="510100").json()

    groups = {g["key"]: g for g in body["groups"]}
    assert len(groups) == 12  # every first-level class of GB/T 21010-2017, with zeros
    assert groups["05"]["name"] == "商服用地"
    commercial = [market["510104"][0], market["510104"][2]]
    industrial = [market["510104"][1], market["510107"][0]]
    assert figures(groups["05"]) == expected(commercial, demands=1)
    assert figures(groups["06"]) == expected(industrial, demands=1)
    assert figures(groups["07"]) == expected([])
    assert groups["07"]["unit_price_yuan_m2"] is None


def test_grouped_by_month_of_publication_in_beijing_time(client: Client, owner: User, regions: dict[str, Region]):
    at = {  # UTC instants and the Asia/Shanghai month they fall in
        "2025-12": datetime(2025, 12, 31, 15, 59, tzinfo=UTC),  # 2025-12-31 23:59 in Beijing
        "2026-01": datetime(2025, 12, 31, 16, 0, tzinfo=UTC),  # 2026-01-01 00:00 in Beijing
        "2026-02": datetime(2026, 2, 28, 15, 59, tzinfo=UTC),  # 2026-02-28 23:59 in Beijing
        "2026-04": datetime(2026, 3, 31, 16, 0, tzinfo=UTC),  # 2026-04-01 00:00 in Beijing
    }
    listings = {
        month: supply_create(
            owner=owner, region=regions["510104"], published_at=when, area_m2=Decimal("1000"), price_wan=Decimal("7")
        )
        for month, when in at.items()
    }
    demand(owner, regions["510107"], registered_at=at["2026-02"])

    body = stats(client, group_by="month", **{"from": "2026-01", "to": "2026-03"}).json()

    assert (body["from"], body["to"]) == ("2026-01", "2026-03")
    assert [g["key"] for g in body["groups"]] == ["2026-01", "2026-02", "2026-03"]
    assert figures(body["groups"][0]) == expected([listings["2026-01"]])
    assert figures(body["groups"][1]) == expected([listings["2026-02"]], demands=1)
    assert figures(body["groups"][2]) == expected([])
    assert figures(body["total"]) == expected([listings["2026-01"], listings["2026-02"]], demands=1)


def test_grouped_by_month_without_a_range_covers_the_last_twelve_months(client: Client, owner: User):
    body = stats(client, group_by="month").json()

    today = timezone.localdate()
    assert len(body["groups"]) == 12
    assert body["to"] == f"{today:%Y-%m}" == body["groups"][-1]["key"]


def test_a_month_range_also_bounds_the_region_grouping(
    client: Client, owner: User, regions: dict[str, Region], market: dict[str, list[SupplyListing]]
):
    old = supply_create(
        owner=owner, region=regions["510104"], published_at=datetime(2020, 5, 1, tzinfo=UTC), price_wan=Decimal("1")
    )

    this_month = f"{timezone.localdate():%Y-%m}"
    recent = stats(client, group_by="region", region="510100", **{"from": this_month}).json()
    back_then = stats(client, group_by="region", region="510100", **{"from": "2020-05", "to": "2020-05"}).json()

    assert figures(recent["groups"][0]) == expected(market["510104"])
    assert figures(back_then["groups"][0]) == expected([old])


def test_the_mode_filter_counts_lease_listings_and_lease_demands(
    client: Client, owner: User, regions: dict[str, Region], market: dict[str, list[SupplyListing]]
):
    demand(owner, regions["510107"], kind=Demand.Kind.LEASE)
    demand(owner, regions["510107"], kind=Demand.Kind.PURCHASE)

    body = stats(client, group_by="region", region="510100", mode="lease").json()

    assert body["mode"] == "lease"
    assert figures(body["groups"][1]) == expected(market["510107"], demands=1)
    assert figures(body["groups"][0]) == expected([])


def test_decimals_are_strings_with_fixed_places(client: Client, market: dict[str, list[SupplyListing]]):
    group = stats(client, group_by="region", region="510100").json()["groups"][0]

    assert all(isinstance(group[name], str) for name in ("area_m2", "price_wan", "unit_price_yuan_m2"))
    # 锦江: the priced (1200 + 777.7777) 万元 = 19 777 777 元 over (5000 + 3333.33) m² = 2373.3334 元/m²
    assert group["unit_price_yuan_m2"] == "2373.33"


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({}, "group_by", "required"),
        ({"group_by": "county"}, "group_by", "invalid_choice"),
        ({"group_by": "region", "region": "5101"}, "region", "invalid"),
        ({"group_by": "region", "region": "510199"}, "region", "not_found"),
        ({"group_by": "month", "from": "2026-13"}, "from", "invalid"),
        ({"group_by": "month", "to": "2026-1"}, "to", "invalid"),
        ({"group_by": "month", "from": "x" * 10_000}, "from", "invalid"),
        ({"group_by": "month", "from": "9999-12"}, "from", "invalid"),
        ({"group_by": "month", "to": "0001-01"}, "to", "invalid"),
        ({"group_by": "month", "from": "2026-03", "to": "2026-02"}, "to", "invalid"),
        ({"group_by": "month", "from": "2000-01", "to": "2026-01"}, "from", "too_long"),
        ({"group_by": "region", "mode": "mortgage"}, "mode", "invalid_choice"),
    ],
)
def test_bad_parameters_are_400_naming_the_field(
    client: Client, regions: dict[str, Region], query: dict[str, str], field: str, code: str
):
    response = stats(client, **query)

    assert response.status_code == 400
    assert {name: [e["code"] for e in errors] for name, errors in response.json()["error"]["fields"].items()} == {
        field: [code]
    }


@pytest.mark.parametrize("group_by", ["region", "land_use", "month"])
def test_statistics_take_a_few_queries_however_many_listings(
    client: Client, owner: User, regions: dict[str, Region], group_by: str
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert stats(client, group_by=group_by, region="510100").status_code == 200
        return len(captured)

    supply_create(owner=owner, region=regions["510104"])
    few = queries()
    for _ in range(5):
        supply_create(owner=owner, region=regions["510107"], land_use="0601")
        demand(owner, regions["510104"])

    assert queries() == few <= 4  # the region, its children, the listings' and the demands' aggregates
