"""Changes to published supply (信息变更) through the API: requested by the owner, reviewed in the region, the public
seeing the old values until a reviewer approves."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import Message
from accounts.tests.factories import reviewer_create
from market.models import ReviewEvent, SupplyChange, SupplyListing
from market.tests import factories
from market.tests.test_supply_helpers import API, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_cache")]
S = SupplyListing.Status


@pytest.fixture
def listing(regions, owner) -> SupplyListing:
    return factories.supply_create(
        owner=owner, region=regions["510104"], status=S.CERTIFIED, title="四川省成都市锦江区5000平方米商服用地转让"
    )


def request_change(user, listing_id: int, changes: dict):
    return logged_in(user).post(f"{API}/supply/{listing_id}/changes/", changes, content_type="application/json")


def test_a_requested_change_waits_while_the_public_sees_the_old_values(listing, owner):
    response = request_change(owner, listing.pk, {"price_wan": "980.5", "area_m2": "4800"})

    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert response.json()["changes"] == {"price_wan": "980.5", "area_m2": "4800"}
    public = Client().get(f"{API}/supply/{listing.pk}/").json()
    assert (public["price_wan"], public["area_m2"]) == ("1200.0000", "5000.00")
    mine = logged_in(owner).get(f"{API}/supply/{listing.pk}/").json()
    assert mine["pending_change"]["id"] == response.json()["id"]


def test_an_approved_change_is_applied_and_the_title_regenerated(listing, owner, reviewer):
    change_id = request_change(
        owner, listing.pk, {"area_m2": "4800", "land_use": "0601", "right_end_date": "2060-01-31"}
    ).json()["id"]

    response = logged_in(reviewer).post(f"{API}/review/changes/{change_id}/approve/")

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    listing.refresh_from_db()
    assert (listing.area_m2, listing.land_use, listing.right_end_date) == (Decimal("4800"), "0601", date(2060, 1, 31))
    assert listing.title == "四川省成都市锦江区4800平方米工矿仓储用地转让"
    assert listing.status == S.CERTIFIED  # the change keeps the state
    change = SupplyChange.objects.get(pk=change_id)
    assert (change.reviewed_by, change.reviewed_at is not None) == (reviewer, True)
    actions = ReviewEvent.objects.filter(subject_id=listing.pk).values_list("action", flat=True)
    assert list(actions) == ["change_request", "change_approve"]
    assert Message.objects.filter(user=owner).count() == 2


def test_a_rejected_change_leaves_the_listing_and_tells_the_owner_why(listing, owner, reviewer):
    change_id = request_change(owner, listing.pk, {"notes": "新增道路"}).json()["id"]
    client = logged_in(reviewer)

    no_reason = client.post(f"{API}/review/changes/{change_id}/reject/")
    rejected = client.post(
        f"{API}/review/changes/{change_id}/reject/", {"reason": "与权证不符"}, content_type="application/json"
    )

    assert no_reason.status_code == 400
    assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "与权证不符")
    listing.refresh_from_db()
    assert listing.notes == ""
    assert Message.objects.filter(user=owner).values_list("body", flat=True).first() == "与权证不符"
    assert request_change(owner, listing.pk, {"notes": "再次申请"}).status_code == 201  # a new one may follow


def test_only_one_change_waits_at_a_time(listing, owner):
    request_change(owner, listing.pk, {"notes": "一"})

    response = request_change(owner, listing.pk, {"notes": "二"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "change_pending"
    assert SupplyChange.objects.count() == 1


@pytest.mark.parametrize("state", [S.DRAFT, S.IN_REVIEW, S.REJECTED, S.DELISTED, S.EXPIRED])
def test_only_public_listings_take_changes(regions, owner, state):
    draft = factories.supply_create(owner=owner, region=regions["510104"], status=state)

    response = request_change(owner, draft.pk, {"notes": "x"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_changeable"
    assert not SupplyChange.objects.exists()


def test_a_change_with_bad_values_or_none_is_refused(listing, owner):
    bad = request_change(owner, listing.pk, {"area_m2": "-1", "agent_phone": "abc"})
    empty = request_change(owner, listing.pk, {})

    assert set(bad.json()["error"]["fields"]) == {"area_m2", "agent_phone"}
    assert empty.status_code == 400
    assert empty.json()["error"]["code"] == "no_changes"
    assert not SupplyChange.objects.exists()


def test_another_user_cannot_request_a_change(listing, seeker):
    assert request_change(seeker, listing.pk, {"notes": "x"}).status_code == 404


def test_a_change_is_reviewed_only_in_scope_and_only_once(listing, owner, reviewer, seeker):
    change_id = request_change(owner, listing.pk, {"notes": "x"}).json()["id"]

    outsider = logged_in(reviewer_create(regions=["510700"])).post(f"{API}/review/changes/{change_id}/approve/")
    plain_user = logged_in(seeker).post(f"{API}/review/changes/{change_id}/approve/")
    first = logged_in(reviewer).post(f"{API}/review/changes/{change_id}/approve/")
    again = logged_in(reviewer).post(
        f"{API}/review/changes/{change_id}/reject/", {"reason": "x"}, content_type="application/json"
    )

    assert (outsider.status_code, plain_user.status_code, first.status_code, again.status_code) == (404, 403, 200, 409)
    assert SupplyChange.objects.get(pk=change_id).status == SupplyChange.Status.APPROVED


def test_a_change_of_a_listing_delisted_meanwhile_cannot_be_approved(listing, owner, reviewer):
    change_id = request_change(owner, listing.pk, {"notes": "x"}).json()["id"]
    logged_in(owner).post(f"{API}/supply/{listing.pk}/delist/")

    response = logged_in(reviewer).post(f"{API}/review/changes/{change_id}/approve/")

    assert response.status_code == 409
    listing.refresh_from_db()
    assert listing.notes == ""
