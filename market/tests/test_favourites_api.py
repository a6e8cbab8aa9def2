"""Favourites (收藏) through the API: keeping a public listing or demand once, letting it go, the counters, and
my favourites (我的收藏) with the seed's filters."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import user_create
from geo.models import Region
from market.models import Demand, Favourite, SupplyListing
from market.tests.factories import supply_create

pytestmark = pytest.mark.django_db
S = SupplyListing.Status


@pytest.fixture
def listing(owner: User, regions: dict[str, Region]) -> SupplyListing:
    return supply_create(owner=owner, region=regions["510104"], status=S.PUBLISHED)


def demand_create(*, owner: User, region: Region, status: str = Demand.Status.REGISTERED, **fields: Any) -> Demand:
    values: dict[str, Any] = {
        "kind": Demand.Kind.PURCHASE,
        "title": f"求购{region.name}商服用地",
        "land_use": "0501",
        "land_nature": "state_owned",
        "area_min_m2": Decimal("1000.00"),
        "area_max_m2": Decimal("3000.00"),
        "price_min_wan": Decimal("500.0000"),
        "price_max_wan": Decimal("900.0000"),
        "contact_name": "刘经理",
        "contact_phone": "13700000000",
    }
    if status == Demand.Status.REGISTERED:
        values["registered_at"] = timezone.now()
    return Demand.objects.create(owner=owner, created_by=owner, region=region, status=status, **values | fields)


@pytest.fixture
def demand(owner: User, regions: dict[str, Region]) -> Demand:
    return demand_create(owner=owner, region=regions["510107"])


def _keep(client: Client, target: Any, target_id: Any) -> Any:
    return client.post(
        "/api/market/favourites/",
        {"target": target, "target_id": target_id},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _count(item: SupplyListing | Demand) -> int:
    item.refresh_from_db()
    return item.favourite_count


# Keeping


def test_a_signed_in_user_keeps_a_public_listing(client: Client, listing, seeker):
    client.force_login(seeker)

    response = _keep(client, "supply", listing.pk)

    assert response.status_code == 201
    body = response.json()
    assert (body["target"], body["target_id"]) == ("supply", listing.pk)
    assert body["created_at"].endswith("+08:00")
    assert Favourite.objects.get().user == seeker
    assert _count(listing) == 1
    assert listing.heat == 1


def test_keeping_it_again_answers_the_same_favourite_and_counts_nothing(client: Client, listing, seeker):
    client.force_login(seeker)
    first = _keep(client, "supply", listing.pk).json()

    again = _keep(client, "supply", listing.pk)

    assert again.status_code == 200
    assert again.json() == first
    assert Favourite.objects.count() == 1
    assert _count(listing) == 1


def test_every_user_counts_once(client: Client, listing, seeker):
    for user in (seeker, user_create(), user_create(verified=False)):  # verification is not needed
        client.force_login(user)
        assert _keep(client, "supply", listing.pk).status_code == 201

    assert _count(listing) == 3


def test_a_certified_listing_and_a_registered_demand_are_kept(client: Client, owner, regions, demand, seeker):
    certified = supply_create(owner=owner, region=regions["510104"], status=S.CERTIFIED)
    client.force_login(seeker)

    assert _keep(client, "supply", certified.pk).status_code == 201
    assert _keep(client, "demand", demand.pk).status_code == 201
    assert (_count(certified), _count(demand)) == (1, 1)


@pytest.mark.parametrize("status", [S.DRAFT, S.IN_REVIEW, S.REJECTED, S.DELISTED, S.EXPIRED])
def test_a_listing_the_public_does_not_see_is_not_kept(client: Client, owner, regions, seeker, status):
    listing = supply_create(owner=owner, region=regions["510104"], status=status)
    client.force_login(seeker)

    response = _keep(client, "supply", listing.pk)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "listing_not_public"
    assert not Favourite.objects.exists()
    assert _count(listing) == 0


@pytest.mark.parametrize(
    "status", [Demand.Status.DRAFT, Demand.Status.DELISTED, Demand.Status.EXPIRED, Demand.Status.DELETED]
)
def test_a_demand_the_public_does_not_see_is_not_kept(client: Client, owner, regions, seeker, status):
    demand = demand_create(owner=owner, region=regions["510104"], status=status)
    client.force_login(seeker)

    response = _keep(client, "demand", demand.pk)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "listing_not_public"
    assert not Favourite.objects.exists()
    assert _count(demand) == 0


def test_a_target_that_does_not_exist_is_404(client: Client, listing, demand, seeker):
    client.force_login(seeker)

    assert _keep(client, "supply", demand.pk + listing.pk + 1000).status_code == 404
    assert _keep(client, "demand", demand.pk + listing.pk + 1000).status_code == 404
    assert not Favourite.objects.exists()


def test_entrustments_cannot_be_kept_yet(client: Client, seeker):
    client.force_login(seeker)

    response = _keep(client, "entrustment", 1)

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["target"][0]["code"] == "not_supported"
    assert not Favourite.objects.exists()


@pytest.mark.parametrize(
    ("target", "target_id", "field"),
    [
        ("auction", 1, "target"),
        ("", 1, "target"),
        (None, 1, "target"),
        ("supply", "abc", "target_id"),
        ("supply", 0, "target_id"),
        ("supply", -1, "target_id"),
        ("supply", 2**63, "target_id"),
        ("supply", 1.5, "target_id"),
        ("supply", None, "target_id"),
    ],
)
def test_a_bad_target_is_a_400_naming_the_field(client: Client, listing, seeker, target, target_id, field):
    client.force_login(seeker)

    response = _keep(client, target, target_id)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert not Favourite.objects.exists()


def test_an_anonymous_favourite_is_401(client: Client, listing):
    response = _keep(client, "supply", listing.pk)

    assert response.status_code == 401
    assert not Favourite.objects.exists()
    assert _count(listing) == 0


# Letting go (取消收藏)


def test_a_favourite_is_let_go_and_the_count_goes_down(client: Client, listing, demand, seeker):
    client.force_login(seeker)
    _keep(client, "supply", listing.pk)
    _keep(client, "demand", demand.pk)

    responses = [
        client.delete(f"/api/market/favourites/supply/{listing.pk}/"),
        client.delete(f"/api/market/favourites/demand/{demand.pk}/"),
    ]

    assert [r.status_code for r in responses] == [204, 204]
    assert not Favourite.objects.exists()
    assert (_count(listing), _count(demand)) == (0, 0)


def test_letting_go_of_what_is_not_kept_is_404_and_counts_nothing(client: Client, listing, seeker):
    client.force_login(user_create())
    _keep(client, "supply", listing.pk)
    client.force_login(seeker)

    response = client.delete(f"/api/market/favourites/supply/{listing.pk}/")

    assert response.status_code == 404
    assert Favourite.objects.count() == 1
    assert _count(listing) == 1


def test_a_listing_that_left_the_public_can_still_be_let_go(client: Client, listing, seeker):
    client.force_login(seeker)
    _keep(client, "supply", listing.pk)
    SupplyListing.objects.filter(pk=listing.pk).update(status=S.DELISTED)

    assert client.delete(f"/api/market/favourites/supply/{listing.pk}/").status_code == 204
    assert _count(listing) == 0


def test_letting_go_needs_a_known_kind_and_a_signed_in_user(client: Client, listing, seeker):
    client.force_login(seeker)
    _keep(client, "supply", listing.pk)

    unknown = client.delete(f"/api/market/favourites/auction/{listing.pk}/")
    entrustment = client.delete("/api/market/favourites/entrustment/1/")
    client.logout()
    anonymous = client.delete(f"/api/market/favourites/supply/{listing.pk}/")

    assert (unknown.status_code, entrustment.status_code, anonymous.status_code) == (400, 400, 401)
    assert unknown.json()["error"]["fields"]["target"][0]["code"] == "invalid_choice"
    assert entrustment.json()["error"]["fields"]["target"][0]["code"] == "not_supported"
    assert _count(listing) == 1


# 我的收藏


def test_my_favourites_show_each_listing_with_its_title_area_price_and_status(client: Client, owner, regions, seeker):
    public = supply_create(owner=owner, region=regions["510104"], area_m2=Decimal("1000"), price_wan=Decimal("1000"))
    negotiable = supply_create(owner=owner, region=regions["510107"], title="武侯区面议地块", price_wan=None)
    gone = supply_create(owner=owner, region=regions["510107"], title="已下架地块")
    client.force_login(seeker)
    for listing in (public, negotiable, gone):
        _keep(client, "supply", listing.pk)
    SupplyListing.objects.filter(pk=gone.pk).update(status=S.DELISTED)

    response = client.get("/api/market/my/favourites/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["target_id"], r["title"], r["area_m2"], r["price_wan"], r["status"], r["available"]) for r in rows] == [
        (gone.pk, "已下架地块", "5000.00", "1200.0000", "delisted", False),
        (negotiable.pk, "武侯区面议地块", "5000.00", None, "published", True),
        (public.pk, public.title, "1000.00", "1000.0000", "published", True),
    ]
    assert rows[2]["link"] == f"/supply/{public.pk}/"
    assert rows[2]["published_at"].endswith("+08:00")


def test_my_favourite_demands_show_their_ranges(client: Client, demand, seeker):
    client.force_login(seeker)
    _keep(client, "demand", demand.pk)

    [row] = client.get("/api/market/my/favourites/?target=demand").json()["results"]

    assert (row["target"], row["title"], row["status"], row["available"], row["link"]) == (
        "demand",
        demand.title,
        "registered",
        True,
        f"/demand/{demand.pk}/",
    )
    assert (row["area_min_m2"], row["area_max_m2"], row["price_min_wan"], row["price_max_wan"]) == (
        "1000.00",
        "3000.00",
        "500.0000",
        "900.0000",
    )


def test_a_deleted_target_still_shows_as_no_longer_available(client: Client, owner, regions, seeker):
    listing = supply_create(owner=owner, region=regions["510104"])
    client.force_login(seeker)
    _keep(client, "supply", listing.pk)
    SupplyListing.objects.filter(pk=listing.pk).delete()

    [row] = client.get("/api/market/my/favourites/").json()["results"]

    assert (row["target_id"], row["available"], row["title"]) == (listing.pk, False, None)


def test_my_favourites_filter_by_title_publication_date_and_area(client: Client, owner, regions, seeker):
    now = timezone.now()
    old = supply_create(
        owner=owner,
        region=regions["510104"],
        title="锦江区老地块",
        area_m2=Decimal("800"),
        published_at=now - timedelta(days=40),
    )
    new = supply_create(owner=owner, region=regions["510107"], title="武侯区新地块", area_m2=Decimal("5000"))
    client.force_login(seeker)
    _keep(client, "supply", old.pk)
    _keep(client, "supply", new.pk)
    today = timezone.localdate()

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/market/my/favourites/{query}")
        assert response.status_code == 200, response.json()
        return [row["target_id"] for row in response.json()["results"]]

    assert ids("?title=老地块") == [old.pk]
    assert ids(f"?published_from={today - timedelta(days=7)}") == [new.pk]
    assert ids(f"?published_to={today - timedelta(days=7)}") == [old.pk]
    assert ids(f"?published_from={today - timedelta(days=41)}&published_to={today}") == [new.pk, old.pk]
    assert ids("?area_min=1000") == [new.pk]
    assert ids("?area_max=1000") == [old.pk]
    assert ids("?area_min=800&area_max=800") == [old.pk]
    assert ids("?title=&published_from=&area_min=") == [new.pk, old.pk]
    assert ids("?title=不存在") == []


def test_my_favourite_demands_filter_by_an_overlapping_area(client: Client, owner, regions, seeker):
    small = demand_create(owner=owner, region=regions["510104"], area_min_m2=Decimal(100), area_max_m2=Decimal(500))
    large = demand_create(owner=owner, region=regions["510104"], area_min_m2=Decimal(2000), area_max_m2=None)
    client.force_login(seeker)
    _keep(client, "demand", small.pk)
    _keep(client, "demand", large.pk)

    def ids(query: str) -> list[int]:
        return [
            row["target_id"] for row in client.get(f"/api/market/my/favourites/?target=demand{query}").json()["results"]
        ]

    assert ids("&area_min=400&area_max=600") == [small.pk]
    assert ids("&area_min=100000") == [large.pk]
    assert ids("&area_max=1000") == [small.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?target=auction", "target"),
        ("?published_from=yesterday", "published_from"),
        ("?published_to=2026-02-30", "published_to"),
        ("?area_min=abc", "area_min"),
        ("?area_max=-1", "area_max"),
        ("?area_min=1e400", "area_min"),
        (f"?title={'x' * 201}", "title"),
    ],
)
def test_my_favourites_refuse_bad_filters(client: Client, seeker, query, field):
    client.force_login(seeker)

    response = client.get(f"/api/market/my/favourites/{query}")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_my_favourite_entrustments_are_not_supported_yet(client: Client, seeker):
    client.force_login(seeker)

    response = client.get("/api/market/my/favourites/?target=entrustment")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["target"][0]["code"] == "not_supported"


def test_my_favourites_are_mine_alone(client: Client, listing, seeker):
    client.force_login(user_create())
    _keep(client, "supply", listing.pk)
    client.force_login(seeker)

    assert client.get("/api/market/my/favourites/").json()["count"] == 0
    client.logout()
    assert client.get("/api/market/my/favourites/").status_code == 401


def test_my_favourites_are_read_in_a_fixed_number_of_queries(
    client: Client, owner, regions, seeker, django_assert_num_queries
):
    client.force_login(seeker)
    _keep(client, "supply", supply_create(owner=owner, region=regions["510104"]).pk)
    # session, user, count, page, the listings
    with django_assert_num_queries(5):
        assert client.get("/api/market/my/favourites/?title=区").json()["count"] == 1
    for _n in range(4):
        _keep(client, "supply", supply_create(owner=owner, region=regions["510107"]).pk)
    with django_assert_num_queries(5):
        assert client.get("/api/market/my/favourites/?title=区").json()["count"] == 5


@pytest.mark.django_db(transaction=True)
def test_the_same_favourite_sent_at_once_is_kept_and_counted_once(owner, regions, seeker):
    listing = supply_create(owner=owner, region=regions["510104"])
    barrier = threading.Barrier(6)

    def keep(_n: int) -> int:
        client = Client()
        client.force_login(seeker)
        barrier.wait()
        try:
            return _keep(client, "supply", listing.pk).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(keep, range(6)))

    assert statuses == [200] * 5 + [201]
    assert Favourite.objects.count() == 1
    assert _count(listing) == 1
