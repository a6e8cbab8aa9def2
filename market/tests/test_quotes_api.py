"""Intention quotes (意向报价) through the API: who may quote on what, the amounts, the daily limit, the record
everyone sees, the owner's view, my rank and my quotes (我的申购-意向报价)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import Message, User
from accounts.tests.factories import user_create
from geo.models import Region
from market.models import IntentionQuote, SupplyListing
from market.tests.factories import supply_create

pytestmark = pytest.mark.django_db
S = SupplyListing.Status


@pytest.fixture
def listing(owner: User, regions: dict[str, Region]) -> SupplyListing:
    return supply_create(owner=owner, region=regions["510104"], status=S.PUBLISHED)


def _quote(client: Client, listing_id: int, amount: Any) -> Any:
    return client.post(
        f"/api/market/supply/{listing_id}/quotes/",
        {"amount_wan": amount},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _counts(listing: SupplyListing) -> tuple[int, int, int]:
    """Quotes stored, the listing's quote count, the owner's messages."""
    listing.refresh_from_db()
    return listing.quotes.count(), listing.quote_count, Message.objects.filter(user=listing.owner).count()


# Quoting


@pytest.mark.parametrize("status", [S.PUBLISHED, S.CERTIFIED])
def test_a_verified_seeker_quotes_on_a_public_listing(client: Client, owner, regions, seeker, status):
    listing = supply_create(owner=owner, region=regions["510104"], status=status)
    client.force_login(seeker)

    response = _quote(client, listing.pk, "1500.5")

    assert response.status_code == 201
    body = response.json()
    assert body["listing_id"] == listing.pk
    assert body["amount_wan"] == "1500.5000"
    assert body["created_at"].endswith("+08:00")
    quote = IntentionQuote.objects.get()
    assert (quote.user, quote.amount_wan) == (seeker, Decimal("1500.5"))
    listing.refresh_from_db()
    assert listing.quote_count == 1
    assert listing.heat == 1


def test_the_owner_is_told_of_a_quote(client: Client, listing, seeker):
    client.force_login(seeker)

    _quote(client, listing.pk, "1500.0625")

    message = Message.objects.get(user=listing.owner)
    assert message.category == Message.Category.BUSINESS
    assert message.link == f"/supply/{listing.pk}/"
    assert listing.title in message.title
    # grouped, to the yuan; in the language of the request (English here); was "1500.0625 (10,000 yuan)"
    assert message.body == "Your listing received an intention quote of CNY 15,000,625."


def test_each_quote_is_a_new_record(client: Client, listing, seeker):
    client.force_login(seeker)

    _quote(client, listing.pk, "1000")
    _quote(client, listing.pk, "900")

    assert sorted(IntentionQuote.objects.values_list("amount_wan", flat=True)) == [Decimal(900), Decimal(1000)]
    assert _counts(listing)[:2] == (2, 2)


def test_a_quote_cannot_be_withdrawn(client: Client, listing, seeker):
    client.force_login(seeker)
    quote_id = _quote(client, listing.pk, "1000").json()["id"]

    responses = [
        client.delete(f"/api/market/supply/{listing.pk}/quotes/"),
        client.delete(f"/api/market/supply/{listing.pk}/quotes/{quote_id}/"),
    ]

    assert [r.status_code for r in responses] == [405, 404]
    assert _counts(listing)[:2] == (1, 1)


def test_the_owner_cannot_quote_on_their_own_listing(client: Client, listing, owner):
    client.force_login(owner)

    response = _quote(client, listing.pk, "1000")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "own_listing"
    assert _counts(listing) == (0, 0, 0)


def test_a_sub_account_of_the_owning_enterprise_cannot_quote(client: Client, listing, owner):
    client.force_login(user_create(parent=owner))

    response = _quote(client, listing.pk, "1000")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "own_listing"
    assert _counts(listing) == (0, 0, 0)


def test_a_sub_account_of_another_verified_enterprise_may_quote(client: Client, listing):
    enterprise = user_create(kind=User.Kind.ENTERPRISE, real_name="绵阳实业有限公司")
    client.force_login(user_create(parent=enterprise))

    assert _quote(client, listing.pk, "1000").status_code == 201


@pytest.mark.parametrize("status", [S.DRAFT, S.IN_REVIEW, S.REJECTED, S.DELISTED, S.EXPIRED])
def test_a_listing_the_public_does_not_see_takes_no_quote(client: Client, owner, regions, seeker, status):
    listing = supply_create(owner=owner, region=regions["510104"], status=status)
    client.force_login(seeker)

    response = _quote(client, listing.pk, "1000")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "listing_not_public"
    assert _counts(listing) == (0, 0, 0)


def test_an_unverified_user_cannot_quote(client: Client, listing):
    client.force_login(user_create(verified=False))

    response = _quote(client, listing.pk, "1000")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_required"
    assert _counts(listing) == (0, 0, 0)


def test_an_anonymous_quote_is_401(client: Client, listing):
    response = _quote(client, listing.pk, "1000")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert _counts(listing) == (0, 0, 0)


def test_a_quote_on_a_listing_that_does_not_exist_is_404(client: Client, seeker):
    client.force_login(seeker)

    for listing_id in (999_999, 2**63 - 1, 10**30):
        response = _quote(client, listing_id, "1000")
        assert response.status_code == 404, listing_id
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0", "min_value"),
        ("0.0000", "min_value"),
        ("-1", "min_value"),
        (-0.5, "min_value"),
        ("100000000", "max_value"),
        ("99999999.99991", "max_value"),
        ("1e400", "max_value"),
        ("0.00001", "max_decimal_places"),
        ("1000.12345", "max_decimal_places"),
        ("1e-400", "max_decimal_places"),
        ("abc", "invalid"),
        ("NaN", "invalid"),
        ("Infinity", "invalid"),
        ("-Infinity", "invalid"),
        ("", "invalid"),
        ("1" * 1001, "max_string_length"),
        (None, "null"),
        ([], "invalid"),
        ({}, "invalid"),
    ],
)
def test_a_bad_amount_is_a_400_on_the_amount(client: Client, listing, seeker, amount, code):
    client.force_login(seeker)

    response = _quote(client, listing.pk, amount)

    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == ["amount_wan"]
    assert error["fields"]["amount_wan"][0]["code"] == code
    assert _counts(listing) == (0, 0, 0)


def test_a_missing_amount_is_a_400(client: Client, listing, seeker):
    client.force_login(seeker)

    response = client.post(f"/api/market/supply/{listing.pk}/quotes/", {}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["amount_wan"][0]["code"] == "required"


@pytest.mark.parametrize(
    ("amount", "stored"),
    [("0.0001", "0.0001"), ("99999999.9999", "99999999.9999"), (12.5, "12.5000"), (7, "7.0000"), ("1.50000", "1.5000")],
)
def test_amounts_from_one_yuan_to_the_maximum_are_taken_to_the_yuan(client: Client, listing, seeker, amount, stored):
    client.force_login(seeker)

    response = _quote(client, listing.pk, amount)

    assert response.status_code == 201
    assert response.json()["amount_wan"] == stored
    assert str(IntentionQuote.objects.get().amount_wan) == stored


def test_at_most_ten_quotes_a_day_per_listing(client: Client, listing, seeker, regions):
    client.force_login(seeker)
    statuses = [_quote(client, listing.pk, str(1000 + n)).status_code for n in range(10)]

    refused = _quote(client, listing.pk, "2000")

    assert statuses == [201] * 10
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "quote_limit"
    assert "10" in refused.json()["error"]["message"]
    assert _counts(listing) == (10, 10, 10)
    other = supply_create(owner=listing.owner, region=regions["510107"])
    assert _quote(client, other.pk, "2000").status_code == 201  # the limit is per listing
    client.force_login(user_create(real_name="钱七"))
    assert _quote(client, listing.pk, "2000").status_code == 201  # and per user


def test_yesterdays_quotes_do_not_count_towards_the_daily_limit(client: Client, listing, seeker):
    client.force_login(seeker)
    for n in range(10):
        _quote(client, listing.pk, str(1000 + n))
    IntentionQuote.objects.update(created_at=timezone.now() - timedelta(days=1))

    assert _quote(client, listing.pk, "2000").status_code == 201


# The record (出价记录)


def _quotes_by(client: Client, listing: SupplyListing, users_amounts: list[tuple[User, str]]) -> None:
    for user, amount in users_amounts:
        client.force_login(user)
        assert _quote(client, listing.pk, amount).status_code == 201
    client.logout()


def test_anyone_sees_the_record_newest_first_with_masked_quoters(client: Client, listing, seeker):
    other = user_create(real_name="李四光")
    _quotes_by(client, listing, [(seeker, "1000"), (other, "1200.25")])

    response = client.get(f"/api/market/supply/{listing.pk}/quotes/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(q["amount_wan"], q["quoter"], q["quoter_phone"], q["is_mine"]) for q in body["results"]] == [
        ("1200.2500", "李**", f"{other.phone[:3]}****{other.phone[-4:]}", False),
        ("1000.0000", "赵**", f"{seeker.phone[:3]}****{seeker.phone[-4:]}", False),
    ]
    assert all(q["created_at"].endswith("+08:00") for q in body["results"])
    assert "赵六" not in response.content.decode()
    assert seeker.phone not in response.content.decode()


def test_a_quoter_sees_which_quotes_are_theirs(client: Client, listing, seeker):
    _quotes_by(client, listing, [(seeker, "1000"), (user_create(real_name="李四光"), "1100")])
    client.force_login(seeker)

    results = client.get(f"/api/market/supply/{listing.pk}/quotes/").json()["results"]

    assert [(q["amount_wan"], q["is_mine"], q["quoter"]) for q in results] == [
        ("1100.0000", False, "李**"),
        ("1000.0000", True, "赵**"),
    ]


def test_the_owner_sees_every_quoter_by_name_with_a_masked_phone(client: Client, listing, owner, seeker):
    enterprise = user_create(kind=User.Kind.ENTERPRISE, real_name="绵阳实业有限公司")
    member = user_create(parent=enterprise, real_name="")
    _quotes_by(client, listing, [(seeker, "1000"), (member, "1100")])

    for viewer in (owner, user_create(parent=owner)):
        client.force_login(viewer)
        results = client.get(f"/api/market/supply/{listing.pk}/quotes/").json()["results"]
        assert (
            [(q["quoter"], q["quoter_phone"]) for q in results]
            == [
                ("绵阳实业有限公司", f"{member.phone[:3]}****{member.phone[-4:]}"),  # in the enterprise's name
                ("赵六", f"{seeker.phone[:3]}****{seeker.phone[-4:]}"),
            ]
        )


def test_the_record_of_a_listing_the_public_does_not_see_is_the_owners_alone(client: Client, listing, owner, seeker):
    _quotes_by(client, listing, [(seeker, "1000")])
    SupplyListing.objects.filter(pk=listing.pk).update(status=S.DELISTED)

    anonymous = client.get(f"/api/market/supply/{listing.pk}/quotes/")
    client.force_login(user_create())
    someone = client.get(f"/api/market/supply/{listing.pk}/quotes/")
    client.force_login(owner)
    theirs = client.get(f"/api/market/supply/{listing.pk}/quotes/")

    assert (anonymous.status_code, someone.status_code) == (404, 404)
    assert anonymous.json()["error"]["code"] == "not_found"
    assert theirs.status_code == 200
    assert theirs.json()["results"][0]["quoter"] == "赵六"


def test_the_record_of_a_draft_is_404_for_everyone_but_the_owner(client: Client, owner, regions):
    draft = supply_create(owner=owner, region=regions["510104"], status=S.DRAFT)

    assert client.get(f"/api/market/supply/{draft.pk}/quotes/").status_code == 404
    client.force_login(owner)
    assert client.get(f"/api/market/supply/{draft.pk}/quotes/").json()["count"] == 0


def test_the_record_is_read_in_a_fixed_number_of_queries(client: Client, listing, seeker, django_assert_num_queries):
    _quotes_by(client, listing, [(seeker, "1000")])
    # count, listing with owner, the page with quoters and their enterprises
    with django_assert_num_queries(3):
        assert client.get(f"/api/market/supply/{listing.pk}/quotes/").json()["count"] == 1
    _quotes_by(client, listing, [(user_create(real_name=f"用户{n}"), str(1000 + n)) for n in range(5)])
    with django_assert_num_queries(3):
        assert client.get(f"/api/market/supply/{listing.pk}/quotes/").json()["count"] == 6
    client.force_login(listing.owner)
    with django_assert_num_queries(5):  # and the session and the user
        assert client.get(f"/api/market/supply/{listing.pk}/quotes/").json()["count"] == 6


# My quotes on a listing, my rank


def test_my_quotes_on_a_listing_with_my_rank_and_the_number_of_quoters(client: Client, listing, seeker):
    second, third = user_create(real_name="李四光"), user_create(real_name="钱七")
    _quotes_by(client, listing, [(seeker, "1000"), (second, "1500"), (seeker, "1200"), (third, "900")])
    client.force_login(seeker)

    response = client.get(f"/api/market/supply/{listing.pk}/quotes/mine/")

    assert response.status_code == 200
    body = response.json()
    assert [q["amount_wan"] for q in body["quotes"]] == ["1200.0000", "1000.0000"]  # newest first
    assert body["listing"] == {
        "id": listing.pk,
        "title": listing.title,
        "status": "published",
        "link": f"/supply/{listing.pk}/",
    }
    assert (body["best_amount_wan"], body["rank"], body["quote_count"], body["quoter_count"]) == ("1200.0000", 2, 2, 3)


def test_equal_best_quotes_share_a_rank_and_the_next_rank_skips(client: Client, listing, seeker):
    second, third = user_create(real_name="李四光"), user_create(real_name="钱七")
    _quotes_by(client, listing, [(seeker, "100"), (seeker, "300"), (second, "300"), (third, "200")])

    ranks = {}
    for user in (seeker, second, third):
        client.force_login(user)
        ranks[user.real_name] = client.get(f"/api/market/supply/{listing.pk}/quotes/mine/").json()["rank"]

    assert ranks == {"赵六": 1, "李四光": 1, "钱七": 3}


def test_without_a_quote_i_have_no_rank(client: Client, listing, seeker):
    _quotes_by(client, listing, [(user_create(real_name="李四光"), "100")])
    client.force_login(seeker)

    body = client.get(f"/api/market/supply/{listing.pk}/quotes/mine/").json()

    assert (body["quotes"], body["best_amount_wan"], body["rank"], body["quote_count"], body["quoter_count"]) == (
        [],
        None,
        None,
        0,
        1,
    )


def test_my_quotes_stay_visible_after_the_listing_leaves_the_public(client: Client, listing, seeker, owner, regions):
    _quotes_by(client, listing, [(seeker, "100")])
    SupplyListing.objects.filter(pk=listing.pk).update(status=S.EXPIRED)
    draft = supply_create(owner=owner, region=regions["510104"], status=S.DRAFT)
    client.force_login(seeker)

    mine = client.get(f"/api/market/supply/{listing.pk}/quotes/mine/")
    unseen = client.get(f"/api/market/supply/{draft.pk}/quotes/mine/")

    assert mine.status_code == 200
    assert mine.json()["listing"]["status"] == "expired"
    assert mine.json()["rank"] == 1
    assert unseen.status_code == 404


def test_my_quotes_on_a_listing_need_a_signed_in_user(client: Client, listing):
    response = client.get(f"/api/market/supply/{listing.pk}/quotes/mine/")

    assert response.status_code == 401


# 我的申购-意向报价


def test_my_quotes_list_one_row_per_listing(client: Client, listing, seeker, owner, regions):
    lease = supply_create(
        owner=owner,
        region=regions["510107"],
        mode=SupplyListing.Mode.LEASE,
        title="武侯区800平方米工业用地出租",
        land_type="personal",
    )
    rival = user_create(real_name="李四光")
    _quotes_by(client, listing, [(seeker, "1000"), (seeker, "1100"), (rival, "1200")])
    _quotes_by(client, lease, [(rival, "50"), (seeker, "60")])
    client.force_login(seeker)

    response = client.get("/api/market/my/quotes/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["results"] == [
        {
            "listing_id": lease.pk,
            "title": "武侯区800平方米工业用地出租",
            "land_type": "personal",
            "listing_status": "published",
            "link": f"/supply/{lease.pk}/",
            "best_amount_wan": "60.0000",
            "rank": 1,
            "quote_count": 1,
            "quoter_count": 2,
            "last_quoted_at": body["results"][0]["last_quoted_at"],
        },
        {
            "listing_id": listing.pk,
            "title": listing.title,
            "land_type": "enterprise",
            "listing_status": "published",
            "link": f"/supply/{listing.pk}/",
            "best_amount_wan": "1100.0000",
            "rank": 2,
            "quote_count": 2,
            "quoter_count": 2,
            "last_quoted_at": body["results"][1]["last_quoted_at"],
        },
    ]
    assert body["results"][0]["last_quoted_at"].endswith("+08:00")


def test_my_quotes_list_filters_by_title_and_land_type(client: Client, listing, seeker, owner, regions):
    lease = supply_create(
        owner=owner, region=regions["510107"], title="武侯区800平方米工业用地出租", land_type="personal"
    )
    _quotes_by(client, listing, [(seeker, "1000")])
    _quotes_by(client, lease, [(seeker, "60")])
    client.force_login(seeker)

    def ids(query: str) -> list[int]:
        return [row["listing_id"] for row in client.get(f"/api/market/my/quotes/{query}").json()["results"]]

    assert ids("?title=武侯") == [lease.pk]
    assert ids("?land_type=enterprise") == [listing.pk]
    assert ids("?title=武侯&land_type=enterprise") == []
    assert ids("?title=&land_type=") == [lease.pk, listing.pk]


def test_my_quotes_list_shows_a_listing_that_left_the_public_with_its_status(client: Client, listing, seeker):
    _quotes_by(client, listing, [(seeker, "1000")])
    SupplyListing.objects.filter(pk=listing.pk).update(status=S.DELISTED)
    client.force_login(seeker)

    assert client.get("/api/market/my/quotes/").json()["results"][0]["listing_status"] == "delisted"


def test_my_quotes_list_refuses_an_unknown_land_type(client: Client, seeker):
    client.force_login(seeker)

    response = client.get("/api/market/my/quotes/?land_type=castle")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["land_type"][0]["code"] == "invalid_choice"


def test_my_quotes_list_shows_only_mine_and_needs_a_signed_in_user(client: Client, listing, seeker):
    _quotes_by(client, listing, [(user_create(real_name="李四光"), "1000")])
    client.force_login(seeker)

    assert client.get("/api/market/my/quotes/").json()["count"] == 0
    client.logout()
    assert client.get("/api/market/my/quotes/").status_code == 401


def test_my_quotes_list_is_read_in_a_fixed_number_of_queries(
    client: Client, listing, seeker, owner, regions, django_assert_num_queries
):
    _quotes_by(client, listing, [(seeker, "1000")])
    client.force_login(seeker)
    # session, user, count, the page with every figure as a subquery
    with django_assert_num_queries(4):
        assert client.get("/api/market/my/quotes/").json()["count"] == 1
    for n in range(4):
        other = supply_create(owner=owner, region=regions["510107"])
        _quotes_by(client, other, [(seeker, str(100 + n)), (user_create(real_name="李四光"), "999")])
    client.force_login(seeker)
    with django_assert_num_queries(4):
        assert client.get("/api/market/my/quotes/").json()["count"] == 5


@pytest.mark.django_db(transaction=True)
def test_quotes_sent_at_once_still_stop_at_the_daily_limit(owner, regions, seeker):
    listing = supply_create(owner=owner, region=regions["510104"])
    barrier = threading.Barrier(14)

    def send(amount: int) -> int:
        client = Client()
        client.force_login(seeker)
        barrier.wait()
        try:
            return _quote(client, listing.pk, str(amount)).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=14) as pool:
        statuses = sorted(pool.map(send, range(1000, 1014)))

    assert statuses == [201] * 10 + [429] * 4
    assert _counts(listing) == (10, 10, 10)
