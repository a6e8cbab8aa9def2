"""Demand lists: the public list and its filters, the public detail and its view count, the personal centre's list
(我的需求) with its two tabs, filters and per-item actions; and automatic expiry after six months."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Message, User
from geo.models import Region
from market.models import Demand, ReviewEvent
from market.services.demand import demand_expire_due

pytestmark = pytest.mark.django_db
D = Demand.Status


def demand_create(owner: User, region: Region | None, status: str = D.REGISTERED, **fields: Any) -> Demand:
    """A complete demand in any state, straight in the database; registered ones got their dates."""
    now = timezone.now()
    values: dict[str, Any] = {
        "kind": Demand.Kind.PURCHASE,
        "title": f"求购{region.name if region else ''}土地",
        "land_use": "0501",
        "land_nature": "state_owned",
        "area_min_m2": Decimal("1000.00"),
        "area_max_m2": Decimal("5000.00"),
        "contact_name": "张三",
        "contact_phone": "13800138000",
    }
    if status != D.DRAFT:
        values |= {"registered_at": now, "expires_at": now + timedelta(days=183)}
    values |= fields
    return Demand.objects.create(owner=owner, created_by=owner, region=region, status=status, **values)


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["results"]]


# ------------------------------------------------------------------------------ public list and detail


def test_only_registered_demands_are_public_newest_first(client: Client, owner: User, regions: dict[str, Region]):
    now = timezone.now()
    older = demand_create(owner, regions["510104"], registered_at=now - timedelta(days=2))
    newer = demand_create(owner, regions["510107"], registered_at=now - timedelta(days=1))
    for state in (D.DRAFT, D.DELISTED, D.EXPIRED, D.DELETED):
        demand_create(owner, regions["510104"], status=state)

    assert ids(client.get("/api/market/demand/")) == [newer.pk, older.pk]


def test_the_region_filter_takes_every_demand_in_or_under_the_region(
    client: Client, owner: User, regions: dict[str, Region]
):
    jinjiang = demand_create(owner, regions["510104"])
    wuhou = demand_create(owner, regions["510107"])
    chengdu = demand_create(owner, regions["510100"])
    fucheng = demand_create(owner, regions["510703"])

    assert set(ids(client.get("/api/market/demand/", {"region": "510100"}))) == {jinjiang.pk, wuhou.pk, chengdu.pk}
    assert ids(client.get("/api/market/demand/", {"region": "510104"})) == [jinjiang.pk]
    assert len(ids(client.get("/api/market/demand/", {"region": "510000"}))) == 4
    assert ids(client.get("/api/market/demand/", {"region": "510700"})) == [fucheng.pk]


def test_kind_and_land_use_filters(client: Client, owner: User, regions: dict[str, Region]):
    retail = demand_create(owner, regions["510104"], land_use="0501")
    commercial = demand_create(owner, regions["510104"], land_use="05", kind=Demand.Kind.LEASE)
    industrial = demand_create(owner, regions["510104"], land_use="0601")

    assert set(ids(client.get("/api/market/demand/", {"land_use": "05"}))) == {retail.pk, commercial.pk}
    assert ids(client.get("/api/market/demand/", {"land_use": "0501"})) == [retail.pk]
    assert ids(client.get("/api/market/demand/", {"land_use": "06"})) == [industrial.pk]
    assert ids(client.get("/api/market/demand/", {"kind": "lease"})) == [commercial.pk]


def test_the_area_filter_keeps_demands_whose_range_overlaps(client: Client, owner: User, regions: dict[str, Region]):
    small = demand_create(owner, regions["510104"], area_min_m2=Decimal("100"), area_max_m2=Decimal("900"))
    middle = demand_create(owner, regions["510104"], area_min_m2=Decimal("1000"), area_max_m2=Decimal("3000"))
    large = demand_create(owner, regions["510104"], area_min_m2=Decimal("5000"), area_max_m2=Decimal("9000"))

    assert set(ids(client.get("/api/market/demand/", {"area_min": "800", "area_max": "1000"}))) == {small.pk, middle.pk}
    assert ids(client.get("/api/market/demand/", {"area_min": "9000"})) == [large.pk]
    assert set(ids(client.get("/api/market/demand/", {"area_max": "999.99"}))) == {small.pk}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"region": "51"}, "region"),
        ({"kind": "rent"}, "kind"),
        ({"land_use": "5"}, "land_use"),
        ({"area_min": "-1"}, "area_min"),
        ({"area_max": "x"}, "area_max"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(client: Client, query: dict[str, str], field: str):
    response = client.get("/api/market/demand/", query)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_the_public_detail_shows_registered_demands_only(client: Client, owner: User, regions: dict[str, Region]):
    public = demand_create(owner, regions["510104"])
    hidden = [demand_create(owner, regions["510104"], status=s) for s in (D.DRAFT, D.DELISTED, D.DELETED)]

    assert client.get(f"/api/market/demand/{public.pk}/").json()["title"] == "求购锦江区土地"
    assert [client.get(f"/api/market/demand/{d.pk}/").status_code for d in hidden] == [404, 404, 404]
    assert "actions" not in client.get(f"/api/market/demand/{public.pk}/").json()


def test_a_viewer_counts_once_in_30_minutes(
    client: Client, owner: User, seeker: User, regions: dict[str, Region], private_cache: None
):
    demand = demand_create(owner, regions["510104"])
    client.force_login(seeker)

    counts = [client.get(f"/api/market/demand/{demand.pk}/").json()["view_count"] for _ in range(3)]

    assert counts == [1, 1, 1]
    key = cache.make_key(f"market:demand-view:{demand.pk}:user:{seeker.pk}")
    ttl = cache._cache.get_client().ttl(key)  # type: ignore[attr-defined]
    assert 1500 < ttl <= 1800  # seconds: the 30-minute window, less the time this test took
    cache.delete(f"market:demand-view:{demand.pk}:user:{seeker.pk}")  # the window has passed
    assert client.get(f"/api/market/demand/{demand.pk}/").json()["view_count"] == 2
    client.logout()
    assert client.get(f"/api/market/demand/{demand.pk}/").json()["view_count"] == 3  # anonymous, by address
    assert client.get(f"/api/market/demand/{demand.pk}/").json()["view_count"] == 3
    assert Demand.objects.get(pk=demand.pk).view_count == 3


# ------------------------------------------------------------------------------ my demand (我的需求)


def test_my_list_has_two_tabs_with_the_actions_each_state_allows(
    client: Client, owner: User, seeker: User, regions: dict[str, Region]
):
    draft = demand_create(owner, regions["510104"], status=D.DRAFT)
    registered = demand_create(owner, regions["510104"])
    delisted = demand_create(owner, regions["510104"], status=D.DELISTED)
    expired = demand_create(owner, regions["510104"], status=D.EXPIRED)
    demand_create(owner, regions["510104"], status=D.DELETED)
    demand_create(seeker, regions["510104"], status=D.DRAFT)
    client.force_login(owner)

    unregistered = client.get("/api/market/my/demand/", {"group": "unregistered"}).json()["results"]
    registered_tab = client.get("/api/market/my/demand/", {"group": "registered"}).json()["results"]

    assert [(d["id"], d["actions"]) for d in unregistered] == [(draft.pk, ["view", "edit", "delete"])]
    assert {d["id"]: d["actions"] for d in registered_tab} == {
        registered.pk: ["view", "change", "delist", "delete"],
        delisted.pk: ["view", "delete"],
        expired.pk: ["view", "delete"],
    }
    assert client.get("/api/market/my/demand/").json()["count"] == 4


def test_my_list_filters_by_title_status_registration_date_and_area(
    client: Client, owner: User, regions: dict[str, Region]
):
    now = timezone.now()
    shop = demand_create(owner, regions["510104"], title="求购商铺用地", registered_at=now - timedelta(days=40))
    plant = demand_create(
        owner,
        regions["510107"],
        title="求租厂房用地",
        area_min_m2=Decimal("20000"),
        area_max_m2=Decimal("30000"),
        registered_at=now - timedelta(days=1),
    )
    gone = demand_create(owner, regions["510107"], title="旧需求", status=D.DELISTED)
    client.force_login(owner)
    url = "/api/market/my/demand/"
    recent = (now - timedelta(days=10)).date().isoformat()

    assert ids(client.get(url, {"title": "厂房"})) == [plant.pk]
    assert ids(client.get(url, {"status": "delisted"})) == [gone.pk]
    assert set(ids(client.get(url, {"published_from": recent}))) == {plant.pk, gone.pk}
    assert ids(client.get(url, {"published_to": (now - timedelta(days=30)).date().isoformat()})) == [shop.pk]
    assert ids(client.get(url, {"area_min": "10000"})) == [plant.pk]
    assert set(ids(client.get(url, {"area_max": "6000"}))) == {shop.pk, gone.pk}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"group": "all"}, "group"),
        ({"status": "deleted"}, "status"),
        ({"published_from": "2026-02-30"}, "published_from"),
        ({"published_from": "2026-03-02", "published_to": "2026-03-01"}, "published_to"),
        ({"title": "x" * 10_000}, "title"),
    ],
)
def test_bad_filters_of_my_list_are_400(client: Client, owner: User, query: dict[str, str], field: str):
    client.force_login(owner)

    response = client.get("/api/market/my/demand/", query)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_my_list_needs_a_signed_in_user(client: Client):
    assert client.get("/api/market/my/demand/").status_code == 401


# ------------------------------------------------------------------------------ expiry


def test_registered_demands_expire_six_months_after_registration(owner: User, regions: dict[str, Region]):
    now = timezone.now()
    due = demand_create(owner, regions["510104"], expires_at=now - timedelta(seconds=1))
    not_yet = demand_create(owner, regions["510104"], expires_at=now + timedelta(hours=1))
    delisted = demand_create(owner, regions["510104"], status=D.DELISTED, expires_at=now - timedelta(days=1))

    assert demand_expire_due() == 1
    assert demand_expire_due() == 0

    assert Demand.objects.get(pk=due.pk).status == D.EXPIRED
    assert Demand.objects.get(pk=not_yet.pk).status == D.REGISTERED
    assert Demand.objects.get(pk=delisted.pk).status == D.DELISTED
    event = ReviewEvent.objects.get(subject="demand", subject_id=due.pk)
    assert (event.action, event.from_status, event.to_status, event.actor) == ("expire", "registered", "expired", None)
    assert Message.objects.filter(user=owner, link=f"/demand/{due.pk}/").count() == 1


def test_an_expired_demand_leaves_the_public_list_and_may_only_be_deleted(
    client: Client, owner: User, regions: dict[str, Region]
):
    demand = demand_create(owner, regions["510104"], expires_at=timezone.now() - timedelta(minutes=1))
    demand_expire_due()
    client.force_login(owner)

    delist = client.post(f"/api/market/demand/{demand.pk}/delist/", {}, content_type="application/json")
    submit = client.post(f"/api/market/demand/{demand.pk}/submit/", {}, content_type="application/json")

    assert client.get("/api/market/demand/").json()["count"] == 0
    assert [delist.status_code, submit.status_code] == [409, 409]
    assert client.delete(f"/api/market/demand/{demand.pk}/").status_code == 204


def test_the_lists_take_the_same_queries_for_few_demands_or_many(
    client: Client, owner: User, regions: dict[str, Region]
):
    client.force_login(owner)

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    demand_create(owner, regions["510104"])
    demand_create(owner, regions["510107"], status=D.DRAFT)
    few = (queries("/api/market/demand/"), queries("/api/market/my/demand/"))
    for region in ("510104", "510107", "510100", "510000"):
        demand_create(owner, regions[region])
        demand_create(owner, regions[region], status=D.DRAFT)

    assert (queries("/api/market/demand/"), queries("/api/market/my/demand/")) == few
    assert few[0] <= 4  # session, user, count, page (regions joined)
