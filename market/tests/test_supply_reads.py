"""Reading supply through the API: the public list and its filters, the detail each caller may see, view counting,
my supply (我的供给) with its actions, and the review console's queue."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import reviewer_create, user_create
from geo.models import SRID
from geo.tests.factories import parcel_create, point_in, square_in
from market.models import SupplyChange, SupplyListing
from market.tests import factories
from market.tests.test_supply_helpers import API, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_cache")]
S = SupplyListing.Status


def published(owner: User, region, *, days_ago: int = 0, **fields) -> SupplyListing:
    listing = factories.supply_create(owner=owner, region=region, **fields)
    if listing.status in SupplyListing.PUBLIC_STATUSES:
        at = timezone.now() - timedelta(days=days_ago)
        SupplyListing.objects.filter(pk=listing.pk).update(published_at=at)
    return listing


def as_json(coords: tuple) -> list:
    """GEOS coordinates (nested tuples) as JSON reads them (nested lists)."""
    return json.loads(json.dumps(coords))


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


# ------------------------------------------------------------------------------------------------ public list


def test_the_public_list_shows_published_and_certified_listings_newest_first(regions, owner):
    old = published(owner, regions["510104"], days_ago=3)
    new = published(owner, regions["510104"], status=S.CERTIFIED, days_ago=1)
    for state in (S.DRAFT, S.IN_REVIEW, S.REJECTED, S.DELISTED, S.EXPIRED):
        factories.supply_create(owner=owner, region=regions["510104"], status=state)

    response = Client().get(f"{API}/supply/")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert ids(response) == [new.pk, old.pk]
    certified, uncertified = response.json()["results"]
    assert (certified["certification"], uncertified["certification"]) == ("certified", "uncertified")


def test_a_list_item_has_the_region_use_price_per_m2_and_heat(regions, owner):
    listing = published(
        owner, regions["510104"], area_m2=Decimal("2000"), price_wan=Decimal("500"), view_count=7, quote_count=2
    )

    item = Client().get(f"{API}/supply/").json()["results"][0]

    assert item["id"] == listing.pk
    assert item["region_name"] == "四川省成都市锦江区"
    assert (item["land_use"], item["land_use_name"], item["land_use_major_name"]) == (
        "0501",
        "零售商业用地",
        "商服用地",
    )
    assert item["unit_price_wan"] == "0.2500"  # 500 万元 / 2000 m²
    assert item["heat"] == {"views": 7, "favourites": 0, "quotes": 2, "appointments": 0, "total": 9}
    assert "owner_phone" not in item
    assert "owner_id_number" not in item


def test_a_price_to_be_negotiated_has_no_unit_price(regions, owner):
    published(owner, regions["510104"], price_wan=None)

    item = Client().get(f"{API}/supply/").json()["results"][0]

    assert (item["price_wan"], item["unit_price_wan"]) == (None, None)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "510000"}, {"jinjiang", "wuhou", "fucheng"}),
        ({"region": "510100"}, {"jinjiang", "wuhou"}),
        ({"region": "510107"}, {"wuhou"}),
        ({"mode": "lease"}, {"fucheng"}),
        ({"land_use": "05"}, {"jinjiang", "wuhou"}),
        ({"land_use": "0502"}, {"wuhou"}),
        ({"land_use": "06"}, {"fucheng"}),
        ({"certified": "true"}, {"wuhou"}),
        ({"certified": "false"}, {"jinjiang", "fucheng"}),
        ({"region": "510100", "certified": "false"}, {"jinjiang"}),
    ],
)
def test_the_public_list_filters_by_region_mode_use_and_certification(regions, owner, query, expected):
    listings = {
        "jinjiang": published(owner, regions["510104"], land_use="0501"),
        "wuhou": published(owner, regions["510107"], land_use="0502", status=S.CERTIFIED),
        "fucheng": published(owner, regions["510703"], land_use="0601", mode="lease"),
    }

    response = Client().get(f"{API}/supply/", query)

    assert set(ids(response)) == {listings[name].pk for name in expected}


@pytest.mark.parametrize(
    ("query", "field"), [({"region": "51"}, "region"), ({"land_use": "99"}, "land_use"), ({"mode": "sale"}, "mode")]
)
def test_a_bad_filter_is_a_400_naming_it(query, field):
    response = Client().get(f"{API}/supply/", query)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_the_public_list_is_paged(regions, owner):
    for days in range(5):
        published(owner, regions["510104"], days_ago=days)

    first = Client().get(f"{API}/supply/", {"page_size": 2}).json()
    last = Client().get(f"{API}/supply/", {"page_size": 2, "page": 3}).json()

    assert (first["count"], len(first["results"]), len(last["results"])) == (5, 2, 1)
    assert first["next"] is not None
    assert last["next"] is None


def test_the_public_list_takes_a_fixed_number_of_queries(regions, owner, django_assert_max_num_queries):
    for _ in range(10):
        published(owner, regions["510104"])

    with django_assert_max_num_queries(4):  # session-less: count, page, photos
        response = Client().get(f"{API}/supply/")

    assert len(response.json()["results"]) == 10


# ------------------------------------------------------------------------------------------------ detail


def test_the_public_detail_hides_the_owners_ids_and_phone_and_masks_the_agents(regions, owner, seeker):
    listing = published(owner, regions["510104"], agent_id_number="11010519491231002X")

    for client in (Client(), logged_in(seeker)):
        body = client.get(f"{API}/supply/{listing.pk}/").json()
        assert body["agent_name"] == "李四"
        assert body["agent_phone_masked"] == "138****8000"
        for private in ("owner_id_number", "owner_phone", "agent_id_number", "agent_phone", "owner_name", "actions"):
            assert private not in body
        assert listing.owner_phone not in str(body)


def test_the_owner_and_a_reviewer_in_scope_see_everything_in_any_state(regions, owner, reviewer):
    listing = factories.supply_create(owner=owner, region=regions["510104"], status=S.IN_REVIEW)

    for user in (owner, reviewer):
        body = logged_in(user).get(f"{API}/supply/{listing.pk}/").json()
        assert (body["status"], body["owner_id_number"], body["owner_phone"]) == (
            "in_review",
            "91510100MA61234567",
            owner.phone,
        )


def test_a_non_public_listing_is_404_to_everyone_else(regions, owner, seeker):
    outsider = reviewer_create(regions=["510700"])
    for state in (S.DRAFT, S.IN_REVIEW, S.REJECTED, S.DELISTED, S.EXPIRED):
        listing = factories.supply_create(owner=owner, region=regions["510104"], status=state)
        for client in (Client(), logged_in(seeker), logged_in(outsider)):
            response = client.get(f"{API}/supply/{listing.pk}/")
            assert response.status_code == 404, state
            assert response.json()["error"]["code"] == "not_found"


def test_a_reviewer_out_of_scope_sees_a_public_listing_as_the_public_does(regions, owner):
    listing = published(owner, regions["510104"])

    body = logged_in(reviewer_create(regions=["510700"])).get(f"{API}/supply/{listing.pk}/").json()

    assert "owner_id_number" not in body


def test_a_listing_on_a_parcel_answers_the_parcels_outline_and_not_the_parcel(regions, owner, seeker):
    parcel = parcel_create(code="510104001001GB00077", geometry=square_in("510104", 0.004), region=regions["510104"])
    listing = published(owner, regions["510104"], parcel=parcel, location=Point(*point_in("510104"), srid=SRID))

    for client in (Client(), logged_in(seeker)):
        body = client.get(f"{API}/supply/{listing.pk}/").json()
        assert body["outline"] == {"type": "MultiPolygon", "coordinates": as_json(parcel.geometry.coords)}
        assert "parcel_id" not in body
        assert "510104001001GB00077" not in json.dumps(body, ensure_ascii=False)


def test_a_drawn_outline_comes_before_the_parcels_and_a_point_alone_has_none(regions, owner):
    parcel = parcel_create(code="510104001001GB00078", geometry=square_in("510104", 0.004), region=regions["510104"])
    outline = square_in("510104", 0.001, offset=(0.001, 0.001))  # inside the parcel
    drawn = published(owner, regions["510104"], parcel=parcel, outline=outline)
    point = published(owner, regions["510104"], location=Point(*point_in("510104", (0.01, 0.0)), srid=SRID))

    assert Client().get(f"{API}/supply/{drawn.pk}/").json()["outline"]["coordinates"] == as_json(outline.coords)
    assert Client().get(f"{API}/supply/{point.pk}/").json()["outline"] is None


def test_the_detail_takes_the_same_number_of_queries_with_or_without_a_parcel(
    regions, owner, django_assert_num_queries
):
    parcel = parcel_create(code="510104001001GB00079", geometry=square_in("510104", 0.004), region=regions["510104"])
    on_parcel = published(owner, regions["510104"], parcel=parcel, status=S.IN_REVIEW)
    bare = published(owner, regions["510104"], status=S.IN_REVIEW)
    client = logged_in(owner)
    client.get(f"{API}/supply/{bare.pk}/")  # the session is read once before counting

    with django_assert_num_queries(6):  # session, user, listing with its outline, photos, files, pending changes
        assert client.get(f"{API}/supply/{bare.pk}/").json()["outline"] is None
    with django_assert_num_queries(6):
        assert client.get(f"{API}/supply/{on_parcel.pk}/").json()["outline"] is not None


def test_an_unknown_listing_is_404(regions):
    assert Client().get(f"{API}/supply/999999/").status_code == 404


def test_a_view_is_counted_once_per_viewer_within_30_minutes(regions, owner, seeker):
    listing = published(owner, regions["510104"])

    Client(REMOTE_ADDR="10.0.0.1").get(f"{API}/supply/{listing.pk}/")
    second = Client(REMOTE_ADDR="10.0.0.1").get(f"{API}/supply/{listing.pk}/")
    Client(REMOTE_ADDR="10.0.0.2").get(f"{API}/supply/{listing.pk}/")
    logged_in(seeker).get(f"{API}/supply/{listing.pk}/")
    logged_in(seeker).get(f"{API}/supply/{listing.pk}/")
    logged_in(owner).get(f"{API}/supply/{listing.pk}/")  # the owner's own views do not count

    listing.refresh_from_db()
    assert listing.view_count == 3
    assert second.json()["heat"]["views"] == 1


def test_views_of_a_draft_are_not_counted(regions, owner):
    listing = factories.supply_create(owner=owner, region=regions["510104"], status=S.DRAFT)

    logged_in(owner).get(f"{API}/supply/{listing.pk}/")
    Client().get(f"{API}/supply/{listing.pk}/")

    listing.refresh_from_db()
    assert listing.view_count == 0


# ------------------------------------------------------------------------------------------------ my supply


def test_my_supply_lists_my_listings_by_group_with_the_seeds_actions(regions, owner, seeker):
    mine = {state: factories.supply_create(owner=owner, region=regions["510104"], status=state) for state in S.values}
    factories.supply_create(owner=seeker, region=regions["510104"])
    client = logged_in(owner)

    unpublished = client.get(f"{API}/my/supply/", {"group": "unpublished"}).json()["results"]
    published_group = client.get(f"{API}/my/supply/", {"group": "published"}).json()["results"]

    actions = {item["status"]: item["actions"] for item in unpublished + published_group}
    assert actions == {
        "draft": ["edit", "delete", "view"],
        "rejected": ["edit", "delete", "view"],
        "in_review": ["view"],
        "published": ["view", "appointments", "quotes", "delist", "change"],
        "certified": ["view", "appointments", "quotes", "delist", "change"],
        "delisted": ["delete"],
        "expired": ["delete"],
    }
    assert {item["status"] for item in unpublished} == {"draft", "in_review", "rejected"}
    assert len(client.get(f"{API}/my/supply/").json()["results"]) == len(mine)


def test_my_supply_filters_by_title_and_mode(regions, owner):
    factories.supply_create(owner=owner, region=regions["510104"], title="锦江区商铺转让")
    lease = factories.supply_create(owner=owner, region=regions["510104"], title="武侯区厂房出租", mode="lease")
    client = logged_in(owner)

    assert ids(client.get(f"{API}/my/supply/", {"title": "厂房"})) == [lease.pk]
    assert ids(client.get(f"{API}/my/supply/", {"mode": "lease"})) == [lease.pk]


def test_a_sub_account_sees_its_enterprises_supply(regions):
    enterprise = user_create(kind=User.Kind.ENTERPRISE)
    listing = factories.supply_create(owner=enterprise, region=regions["510104"], status=S.DRAFT)

    response = logged_in(user_create(parent=enterprise, verified=False)).get(f"{API}/my/supply/")

    assert ids(response) == [listing.pk]


def test_my_supply_needs_a_signed_in_user():
    assert Client().get(f"{API}/my/supply/").status_code == 401


# ------------------------------------------------------------------------------------------------ review console


def test_the_review_queue_holds_the_reviewers_regions_by_stage(regions, owner, reviewer):
    waiting = factories.supply_create(owner=owner, region=regions["510104"], status=S.IN_REVIEW)
    elsewhere = factories.supply_create(owner=owner, region=regions["510703"], status=S.IN_REVIEW)
    to_certify = factories.supply_create(owner=owner, region=regions["510107"], status=S.PUBLISHED)
    certified = factories.supply_create(owner=owner, region=regions["510107"], status=S.CERTIFIED)
    SupplyChange.objects.create(listing=certified, changes={"notes": "新"}, requested_by=owner)
    client = logged_in(reviewer)

    initial = client.get(f"{API}/review/supply/", {"stage": "initial"})
    final = client.get(f"{API}/review/supply/", {"stage": "final"})
    changes = client.get(f"{API}/review/supply/", {"stage": "changes"})

    assert ids(initial) == [waiting.pk]
    assert ids(final) == [to_certify.pk]
    assert ids(changes) == [certified.pk]
    assert changes.json()["results"][0]["pending_change"]["changes"] == {"notes": "新"}
    assert elsewhere.pk not in ids(logged_in(reviewer).get(f"{API}/review/supply/"))


def test_the_review_queue_narrows_to_a_region(regions, owner, reviewer):
    factories.supply_create(owner=owner, region=regions["510104"], status=S.IN_REVIEW)
    wuhou = factories.supply_create(owner=owner, region=regions["510107"], status=S.IN_REVIEW)

    response = logged_in(reviewer).get(f"{API}/review/supply/", {"stage": "initial", "region": "510107"})

    assert ids(response) == [wuhou.pk]


def test_the_review_queue_is_for_reviewers_only(regions, seeker):
    assert logged_in(seeker).get(f"{API}/review/supply/").status_code == 403
    assert Client().get(f"{API}/review/supply/").status_code == 401
