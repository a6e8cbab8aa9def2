"""Comparison (比价) through the API: adding up to four public listings, taking them out, and the seed's table
(地块属性对比): mode, price, area, remaining years, unit price, highest and lowest quote, heat, certification,
region."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import user_create
from geo.models import Region
from market.models import ComparisonItem, IntentionQuote, SupplyListing
from market.tests.factories import supply_create

pytestmark = pytest.mark.django_db
S = SupplyListing.Status


@pytest.fixture
def listing(owner: User, regions: dict[str, Region]) -> SupplyListing:
    return supply_create(owner=owner, region=regions["510104"], status=S.PUBLISHED)


def _add(client: Client, listing_id: Any) -> Any:
    return client.post(
        "/api/market/comparison/",
        {"listing_id": listing_id},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _compared(user: User) -> list[int]:
    return list(ComparisonItem.objects.filter(user=user).order_by("id").values_list("listing_id", flat=True))


def _years_from_today(years: int, days: int = 0) -> date:
    today = timezone.localdate()
    day = min(today.day, 28) if today.month == 2 else today.day  # 29 February has no twin in most years
    return today.replace(year=today.year + years, day=day) + timedelta(days=days)


# Adding and taking out


@pytest.mark.parametrize("status", [S.PUBLISHED, S.CERTIFIED])
def test_a_public_listing_is_added(client: Client, owner, regions, seeker, status):
    listing = supply_create(owner=owner, region=regions["510104"], status=status)
    client.force_login(seeker)

    response = _add(client, listing.pk)

    assert response.status_code == 201
    assert response.json()["listing_id"] == listing.pk
    assert response.json()["created_at"].endswith("+08:00")
    assert _compared(seeker) == [listing.pk]


def test_adding_it_twice_keeps_one(client: Client, listing, seeker):
    client.force_login(seeker)
    first = _add(client, listing.pk).json()

    again = _add(client, listing.pk)

    assert again.status_code == 200
    assert again.json() == first
    assert _compared(seeker) == [listing.pk]


def test_at_most_four_listings_are_compared(client: Client, owner, regions, seeker):
    listings = [supply_create(owner=owner, region=regions["510104"]) for _ in range(5)]
    client.force_login(seeker)
    statuses = [_add(client, listing.pk).status_code for listing in listings[:4]]

    fifth = _add(client, listings[4].pk)

    assert statuses == [201] * 4
    assert fifth.status_code == 409
    assert fifth.json()["error"]["code"] == "comparison_full"
    assert "4" in fifth.json()["error"]["message"]
    assert _compared(seeker) == [listing.pk for listing in listings[:4]]
    assert _add(client, listings[0].pk).status_code == 200  # one already there is still idempotent when full
    client.force_login(user_create())
    assert _add(client, listings[4].pk).status_code == 201  # four per user


@pytest.mark.parametrize("status", [S.DRAFT, S.IN_REVIEW, S.REJECTED, S.DELISTED, S.EXPIRED])
def test_a_listing_the_public_does_not_see_is_not_added(client: Client, owner, regions, seeker, status):
    listing = supply_create(owner=owner, region=regions["510104"], status=status)
    client.force_login(seeker)

    response = _add(client, listing.pk)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "listing_not_public"
    assert _compared(seeker) == []


def test_a_listing_that_does_not_exist_is_404(client: Client, seeker):
    client.force_login(seeker)

    assert _add(client, 999_999).status_code == 404
    assert _compared(seeker) == []


@pytest.mark.parametrize("listing_id", ["abc", 0, -3, 2**63, None, 1.5, [1]])
def test_a_bad_listing_id_is_a_400(client: Client, seeker, listing_id):
    client.force_login(seeker)

    response = _add(client, listing_id)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["listing_id"]


def test_a_listing_is_taken_out_and_the_comparison_emptied(client: Client, owner, regions, seeker):
    listings = [supply_create(owner=owner, region=regions["510104"]) for _ in range(3)]
    client.force_login(seeker)
    for listing in listings:
        _add(client, listing.pk)
    someone = user_create()
    ComparisonItem.objects.create(user=someone, listing=listings[0])

    removed = client.delete(f"/api/market/comparison/{listings[1].pk}/")
    assert removed.status_code == 204
    assert _compared(seeker) == [listings[0].pk, listings[2].pk]
    missing = client.delete(f"/api/market/comparison/{listings[1].pk}/")
    assert missing.status_code == 404
    cleared = client.delete("/api/market/comparison/")
    assert cleared.status_code == 204
    assert _compared(seeker) == []
    assert _compared(someone) == [listings[0].pk]  # nobody else's comparison changes


def test_the_comparison_is_for_signed_in_users(client: Client, listing):
    responses = [
        client.get("/api/market/comparison/"),
        _add(client, listing.pk),
        client.delete("/api/market/comparison/"),
        client.delete(f"/api/market/comparison/{listing.pk}/"),
    ]

    assert [r.status_code for r in responses] == [401] * 4
    assert {r.json()["error"]["code"] for r in responses} == {"not_authenticated"}
    assert not ComparisonItem.objects.exists()


# The table (地块属性对比)


def test_the_table_shows_the_seeds_rows_for_each_listing(client: Client, owner, regions, seeker):
    transfer = supply_create(
        owner=owner,
        region=regions["510104"],
        status=S.CERTIFIED,
        title="锦江区1000平方米商服用地转让",
        price_wan=Decimal("1000"),
        area_m2=Decimal("1000"),
        right_end_date=_years_from_today(30, days=-1),
        view_count=16,
    )
    lease = supply_create(
        owner=owner,
        region=regions["510107"],
        mode=SupplyListing.Mode.LEASE,
        title="武侯区234234平方米工业用地出租",
        price_wan=Decimal("3535"),
        area_m2=Decimal("234234"),
        lease_term_years=4,
        view_count=2,
    )
    bidders = [user_create(real_name=name) for name in ("李四光", "赵六")]
    for user, amount in ((bidders[0], "900"), (bidders[1], "1000"), (bidders[0], "950.5")):
        client.force_login(user)
        assert (
            client.post(
                f"/api/market/supply/{transfer.pk}/quotes/", {"amount_wan": amount}, content_type="application/json"
            ).status_code
            == 201
        )
    client.force_login(bidders[1])
    assert (
        client.post(
            f"/api/market/supply/{transfer.pk}/appointments/",
            {
                "name": "赵六",
                "phone": "13812345678",
                "visit_at": timezone.localtime(timezone.now() + timedelta(days=2)).isoformat(),
            },
            content_type="application/json",
        ).status_code
        == 201
    )
    client.force_login(seeker)
    client.post(
        "/api/market/favourites/", {"target": "supply", "target_id": transfer.pk}, content_type="application/json"
    )
    _add(client, transfer.pk)
    _add(client, lease.pk)

    response = client.get("/api/market/comparison/")

    assert response.status_code == 200
    body = response.json()
    assert body["max_items"] == 4
    first, second = body["items"]
    assert first == {
        "listing_id": transfer.pk,
        "added_at": first["added_at"],
        "title": "锦江区1000平方米商服用地转让",
        "mode": "transfer",
        "status": "certified",
        "available": True,
        "price_wan": "1000.0000",
        "area_m2": "1000.00",
        "land_use": "0501",
        "land_use_name": "零售商业用地",
        "floor_area_ratio": None,  # not given
        "remaining_years": 29,  # the right ends a day short of 30 years from today
        "unit_price_wan_per_m2": "1.0000",  # 1000 万元 ÷ 1000 m²
        "quote_max_wan": "1000.0000",
        "quote_min_wan": "900.0000",
        "heat": {"views": 16, "favourites": 1, "quotes": 3, "appointments": 1, "total": 21},
        "certification": "certified",
        "region_path": ["四川省", "成都市", "锦江区"],
        "link": f"/supply/{transfer.pk}/",
    }
    assert first["added_at"].endswith("+08:00")
    assert (second["mode"], second["remaining_years"], second["certification"]) == ("lease", 4, "uncertified")
    assert second["unit_price_wan_per_m2"] == "0.0151"  # 3535 ÷ 234234 = 0.015091…, to four places (the seed's figure)
    assert (second["quote_max_wan"], second["quote_min_wan"]) == (None, None)  # 暂无报价
    assert second["heat"] == {"views": 2, "favourites": 0, "quotes": 0, "appointments": 0, "total": 2}
    assert second["region_path"] == ["四川省", "成都市", "武侯区"]


def test_a_negotiable_price_has_no_unit_price(client: Client, owner, regions, seeker):
    listing = supply_create(owner=owner, region=regions["510104"], price_wan=None)
    client.force_login(seeker)
    _add(client, listing.pk)

    [row] = client.get("/api/market/comparison/").json()["items"]

    assert (row["price_wan"], row["unit_price_wan_per_m2"]) == (None, None)


@pytest.mark.parametrize(
    ("end", "years"),
    [
        (lambda: _years_from_today(30), 30),
        (lambda: _years_from_today(30, days=-1), 29),
        (lambda: _years_from_today(0, days=200), 0),
        (lambda: _years_from_today(-2), 0),
        (lambda: None, None),
    ],
)
def test_remaining_years_are_whole_years_to_the_rights_end(client: Client, owner, regions, seeker, end, years):
    listing = supply_create(owner=owner, region=regions["510104"], right_end_date=end())
    client.force_login(seeker)
    _add(client, listing.pk)

    [row] = client.get("/api/market/comparison/").json()["items"]

    assert row["remaining_years"] == years


def test_a_unit_price_is_rounded_half_up_to_four_places(client: Client, owner, regions, seeker):
    listing = supply_create(owner=owner, region=regions["510104"], price_wan=Decimal("1"), area_m2=Decimal("16"))
    client.force_login(seeker)
    _add(client, listing.pk)

    [row] = client.get("/api/market/comparison/").json()["items"]

    assert row["unit_price_wan_per_m2"] == "0.0625"  # 1 ÷ 16 exactly
    SupplyListing.objects.filter(pk=listing.pk).update(price_wan=Decimal("1"), area_m2=Decimal("32"))
    assert client.get("/api/market/comparison/").json()["items"][0]["unit_price_wan_per_m2"] == "0.0313"  # 0.03125


def test_a_listing_that_left_the_public_stays_marked_unavailable(client: Client, listing, seeker):
    client.force_login(seeker)
    _add(client, listing.pk)
    SupplyListing.objects.filter(pk=listing.pk).update(status=S.DELISTED)

    [row] = client.get("/api/market/comparison/").json()["items"]

    assert (row["status"], row["available"]) == ("delisted", False)


def test_the_table_lists_the_listings_in_the_order_added_and_only_mine(client: Client, owner, regions, seeker):
    listings = [supply_create(owner=owner, region=regions["510104"]) for _ in range(3)]
    client.force_login(user_create())
    _add(client, listings[0].pk)
    client.force_login(seeker)
    for listing in (listings[2], listings[1]):
        _add(client, listing.pk)

    rows = client.get("/api/market/comparison/").json()["items"]

    assert [row["listing_id"] for row in rows] == [listings[2].pk, listings[1].pk]


def test_the_table_is_read_in_a_fixed_number_of_queries(
    client: Client, owner, regions, seeker, django_assert_num_queries
):
    client.force_login(seeker)
    first = supply_create(owner=owner, region=regions["510104"])
    _add(client, first.pk)
    IntentionQuote.objects.create(listing=first, user=user_create(), amount_wan=Decimal(1))
    # session, user, the items with listings, regions and quote extremes
    with django_assert_num_queries(3):
        assert len(client.get("/api/market/comparison/").json()["items"]) == 1
    for _n in range(3):
        _add(client, supply_create(owner=owner, region=regions["510107"]).pk)
    with django_assert_num_queries(3):
        assert len(client.get("/api/market/comparison/").json()["items"]) == 4


@pytest.mark.django_db(transaction=True)
def test_listings_added_at_once_still_stop_at_four(owner, regions, seeker):
    listings = [supply_create(owner=owner, region=regions["510104"]) for _ in range(7)]
    barrier = threading.Barrier(len(listings))

    def add(listing: SupplyListing) -> int:
        client = Client()
        client.force_login(seeker)
        barrier.wait()
        try:
            return _add(client, listing.pk).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(listings)) as pool:
        statuses = sorted(pool.map(add, listings))

    assert statuses == [201] * 4 + [409] * 3
    assert len(_compared(seeker)) == 4
