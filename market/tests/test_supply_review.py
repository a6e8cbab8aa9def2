"""The life of a supply listing through the API: submission, initial and final review, rejection, delisting,
deletion and expiry; every move allowed and forbidden, who may make it, and the trail each leaves."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import Message, User
from accounts.tests.factories import reviewer_create, user_create
from market.models import ReviewEvent, SupplyAttachment, SupplyListing
from market.services.supply import supply_expire_due
from market.tests import factories
from market.tests.test_supply_helpers import (
    API,
    attach_required_documents,
    complete_fields,
    create_draft,
    logged_in,
    submitted_listing,
)

pytestmark = pytest.mark.django_db
S = SupplyListing.Status


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield tmp_path


def events(listing_id: int) -> list[tuple[str, str, str]]:
    return list(
        ReviewEvent.objects.filter(subject="supply", subject_id=listing_id).values_list(
            "action", "from_status", "to_status"
        )
    )


def test_a_listing_goes_from_draft_to_certified_through_both_reviews(regions, owner, reviewer):
    client = logged_in(owner)
    listing_id = submitted_listing(client)
    listing = SupplyListing.objects.get(pk=listing_id)
    assert listing.status == S.IN_REVIEW
    assert listing.submitted_at is not None

    approved = logged_in(reviewer).post(f"{API}/review/supply/{listing_id}/approve/")

    assert approved.status_code == 200
    body = approved.json()
    assert (body["status"], body["certification"]) == ("published", "uncertified")
    listing.refresh_from_db()
    assert listing.expires_at is not None
    assert listing.published_at is not None
    assert listing.expires_at - listing.published_at == timedelta(days=183)
    assert Client().get(f"{API}/supply/{listing_id}/").status_code == 200  # the public sees it now

    certified = logged_in(reviewer).post(f"{API}/review/supply/{listing_id}/certify/")

    assert certified.status_code == 200
    assert (certified.json()["status"], certified.json()["certification"]) == ("certified", "certified")
    assert events(listing_id) == [
        ("submit", "draft", "in_review"),
        ("approve", "in_review", "published"),
        ("certify", "published", "certified"),
    ]
    assert Message.objects.filter(user=owner).count() == 3


def test_the_owner_cannot_pick_the_reviewer_by_typing_another_region(regions, owner):
    """Finding: a listing in 510104 sent with region 510107 went to the 510107 reviewer, who approved it."""
    client = logged_in(owner)
    fields = complete_fields("510104") | {"region": "510107"}  # the point stays in 锦江区 (510104)

    response = client.post(f"{API}/supply/", {"mode": "transfer", **fields}, content_type="application/json")

    assert response.status_code == 400
    assert [e["code"] for e in response.json()["error"]["fields"]["region"]] == ["region_mismatch"]
    assert not SupplyListing.objects.exists()


def test_the_review_region_is_the_county_under_the_place(regions, owner):
    client = logged_in(owner)
    fields = complete_fields("510104")
    del fields["region"]
    listing_id = create_draft(client, **fields)["id"]
    attach_required_documents(client, listing_id)

    assert client.post(f"{API}/supply/{listing_id}/submit/").status_code == 200

    assert SupplyListing.objects.get(pk=listing_id).region_id == "510104"
    wrong = logged_in(user_create(role=User.Role.REVIEWER, regions=["510107"]))
    right = logged_in(user_create(role=User.Role.REVIEWER, regions=["510104"]))
    assert wrong.post(f"{API}/review/supply/{listing_id}/approve/").status_code == 404
    assert right.post(f"{API}/review/supply/{listing_id}/approve/").status_code == 200


def test_a_draft_moved_to_another_county_is_reviewed_there(regions, owner):
    client = logged_in(owner)
    listing_id = create_draft(client, **complete_fields("510104"))["id"]
    attach_required_documents(client, listing_id)

    moved = client.patch(f"{API}/supply/{listing_id}/", {"location": [104.0, 30.6]}, content_type="application/json")

    assert moved.status_code == 200
    assert moved.json()["region"] == "510107"  # 武侯区 lies under the new point


def test_a_place_outside_every_county_cannot_be_submitted(regions, owner):
    client = logged_in(owner)
    listing_id = create_draft(client, **(complete_fields("510104") | {"location": [110.0, 35.0]}))["id"]
    attach_required_documents(client, listing_id)

    response = client.post(f"{API}/supply/{listing_id}/submit/")

    assert response.status_code == 400
    assert [e["code"] for e in response.json()["error"]["fields"]["location"]] == ["outside_regions"]
    assert SupplyListing.objects.get(pk=listing_id).status == S.DRAFT


def test_submission_names_every_missing_field_and_document_at_once(regions, owner):
    client = logged_in(owner)
    listing_id = create_draft(client, region="510104", area_m2="100")["id"]

    response = client.post(f"{API}/supply/{listing_id}/submit/")

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {
        "land_nature", "location", "use_right_type", "land_type", "land_use", "right_end_date", "address",
        "certificate_type", "certificate_number", "registration_authority", "with_buildings", "institution",
        "owner_id_number", "owner_address", "agent_name", "agent_phone",  # nature, name, phone: as verified
        "attachments.identity_proof", "attachments.contract", "attachments.title_certificate",
        "attachments.investment_statement",
    }  # fmt: skip
    assert all(errors[0]["code"] == "required" for errors in fields.values())
    assert SupplyListing.objects.get(pk=listing_id).status == S.DRAFT
    assert events(listing_id) == []


def test_submission_needs_the_four_required_documents(regions, owner):
    client = logged_in(owner)
    listing_id = create_draft(client, **complete_fields())["id"]

    response = client.post(f"{API}/supply/{listing_id}/submit/")

    assert set(response.json()["error"]["fields"]) == {
        f"attachments.{kind}" for kind in SupplyAttachment.REQUIRED_KINDS
    }
    attach_required_documents(client, listing_id)
    assert client.post(f"{API}/supply/{listing_id}/submit/").status_code == 200


def test_a_right_that_ended_since_the_draft_was_saved_stops_the_submission(regions, owner):
    client = logged_in(owner)
    listing_id = create_draft(client, **complete_fields())["id"]
    attach_required_documents(client, listing_id)
    SupplyListing.objects.filter(pk=listing_id).update(right_end_date=timezone.localdate())

    response = client.post(f"{API}/supply/{listing_id}/submit/")

    assert response.json()["error"]["fields"]["right_end_date"][0]["code"] == "not_in_future"


def test_a_rejected_listing_carries_the_reason_and_is_edited_and_submitted_again(regions, owner, reviewer):
    client = logged_in(owner)
    listing_id = submitted_listing(client)

    no_reason = logged_in(reviewer).post(
        f"{API}/review/supply/{listing_id}/reject/", {}, content_type="application/json"
    )
    rejected = logged_in(reviewer).post(
        f"{API}/review/supply/{listing_id}/reject/", {"reason": "权证号与证书不符"}, content_type="application/json"
    )

    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["fields"]["reason"][0]["code"] == "required"
    assert rejected.status_code == 200
    assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "权证号与证书不符")
    message = Message.objects.filter(user=owner).first()
    assert message is not None
    assert message.body == "权证号与证书不符"
    assert client.patch(
        f"{API}/supply/{listing_id}/", {"certificate_number": "川(2021)成都市不动产权第0099999号"},
        content_type="application/json",
    ).status_code == 200  # fmt: skip
    resubmitted = client.post(f"{API}/supply/{listing_id}/submit/")
    assert (resubmitted.json()["status"], resubmitted.json()["reason"]) == ("in_review", "")
    assert [e[0] for e in events(listing_id)] == ["submit", "reject", "submit"]


def test_the_owner_delists_without_a_reason_and_a_reviewer_only_with_one(regions, owner, reviewer):
    mine = factories.supply_create(owner=owner, region=regions["510104"], status=S.PUBLISHED)
    theirs = factories.supply_create(owner=owner, region=regions["510104"], status=S.CERTIFIED)

    by_owner = logged_in(owner).post(f"{API}/supply/{mine.pk}/delist/")
    no_reason = logged_in(reviewer).post(f"{API}/review/supply/{theirs.pk}/delist/")
    by_reviewer = logged_in(reviewer).post(
        f"{API}/review/supply/{theirs.pk}/delist/", {"reason": "虚假信息"}, content_type="application/json"
    )

    assert by_owner.status_code == 200
    assert by_owner.json()["status"] == "delisted"
    assert no_reason.status_code == 400
    assert by_reviewer.json()["status"] == "delisted"
    assert by_reviewer.json()["reason"] == "虚假信息"
    assert Client().get(f"{API}/supply/{theirs.pk}/").status_code == 404  # gone from the public


def test_deleting_a_draft_removes_it_and_its_files_once_committed(
    regions, owner, media, django_capture_on_commit_callbacks
):
    client = logged_in(owner)
    listing_id = create_draft(client, region="510104")["id"]
    attach_required_documents(client, listing_id)
    paths = [Path(a.file.path) for a in SupplyAttachment.objects.filter(listing_id=listing_id)]
    assert all(path.exists() for path in paths)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"{API}/supply/{listing_id}/")

    assert response.status_code == 204
    assert not SupplyListing.objects.filter(pk=listing_id).exists()
    assert not SupplyAttachment.objects.exists()
    assert not any(path.exists() for path in paths)
    assert events(listing_id) == [("delete", "draft", "deleted")]


def test_another_user_cannot_submit_delist_or_delete_a_listing(regions, owner, seeker):
    draft = factories.supply_create(owner=owner, region=regions["510104"], status=S.DRAFT)
    public = factories.supply_create(owner=owner, region=regions["510104"], status=S.PUBLISHED)
    client = logged_in(seeker)

    assert client.post(f"{API}/supply/{draft.pk}/submit/").status_code == 404
    assert client.delete(f"{API}/supply/{draft.pk}/").status_code == 404
    assert client.post(f"{API}/supply/{public.pk}/delist/").status_code == 404
    assert SupplyListing.objects.get(pk=public.pk).status == S.PUBLISHED


def test_an_unverified_user_cannot_submit(regions):
    user = user_create(verified=False)
    listing = factories.supply_create(owner=user, region=regions["510104"], status=S.DRAFT)

    response = logged_in(user).post(f"{API}/supply/{listing.pk}/submit/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_required"


def test_a_reviewer_out_of_scope_gets_404_and_a_plain_user_403(regions, owner, seeker):
    listing = factories.supply_create(owner=owner, region=regions["510104"], status=S.IN_REVIEW)
    outsider = reviewer_create(regions=["510700"])

    out_of_scope = logged_in(outsider).post(f"{API}/review/supply/{listing.pk}/approve/")
    not_a_reviewer = logged_in(seeker).post(f"{API}/review/supply/{listing.pk}/approve/")

    assert out_of_scope.status_code == 404
    assert not_a_reviewer.status_code == 403
    assert Client().post(f"{API}/review/supply/{listing.pk}/approve/").status_code == 401
    assert SupplyListing.objects.get(pk=listing.pk).status == S.IN_REVIEW


def test_a_province_reviewer_and_an_administrator_cover_the_county(regions, owner):
    first = factories.supply_create(owner=owner, region=regions["510107"], status=S.IN_REVIEW)
    second = factories.supply_create(owner=owner, region=regions["510107"], status=S.IN_REVIEW)
    admin = user_create(role="admin")

    assert (
        logged_in(reviewer_create(regions=["510000"])).post(f"{API}/review/supply/{first.pk}/approve/").status_code
        == 200
    )
    assert logged_in(admin).post(f"{API}/review/supply/{second.pk}/approve/").status_code == 200


# ------------------------------------------------------------------------------------------------ every move


ACTIONS = {
    # action: (who, method, path, body, the states it is allowed from, the state it leads to)
    "submit": ("owner", "post", "supply/{id}/submit/", None, {S.DRAFT, S.REJECTED}, S.IN_REVIEW),
    "approve": ("reviewer", "post", "review/supply/{id}/approve/", None, {S.IN_REVIEW}, S.PUBLISHED),
    "reject": ("reviewer", "post", "review/supply/{id}/reject/", {"reason": "不符"}, {S.IN_REVIEW}, S.REJECTED),
    "certify": ("reviewer", "post", "review/supply/{id}/certify/", None, {S.PUBLISHED}, S.CERTIFIED),
    "delist_by_owner": ("owner", "post", "supply/{id}/delist/", None, {S.PUBLISHED, S.CERTIFIED}, S.DELISTED),
    "delist_by_reviewer": (
        "reviewer", "post", "review/supply/{id}/delist/", {"reason": "违规"}, {S.PUBLISHED, S.CERTIFIED}, S.DELISTED,
    ),
    "delete": ("owner", "delete", "supply/{id}/", None, {S.DRAFT, S.REJECTED, S.DELISTED, S.EXPIRED}, None),
}  # fmt: skip


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_in_every_state_moves_as_the_table_says_or_answers_409(regions, owner, reviewer, action, state):
    who, method, path, body, sources, target = ACTIONS[action]
    in_jinjiang = Point(104.1, 30.6, srid=4490)  # a place, which submission needs
    listing = factories.supply_create(owner=owner, region=regions["510104"], status=state, location=in_jinjiang)
    for kind in SupplyAttachment.REQUIRED_KINDS:
        SupplyAttachment.objects.create(
            listing=listing, kind=kind, file=f"supply/{kind}.pdf", original_name="a.pdf",
            content_type="application/pdf", size=1, uploaded_by=owner,
        )  # fmt: skip
    before = SupplyListing.objects.values().get(pk=listing.pk)
    client = logged_in(owner if who == "owner" else reviewer)

    response = getattr(client, method)(
        f"{API}/{path.format(id=listing.pk)}", body or {}, content_type="application/json"
    )

    if state in sources:
        assert response.status_code in (200, 204), response.content
        after = SupplyListing.objects.filter(pk=listing.pk).values_list("status", flat=True).first()
        assert after == target
        assert ReviewEvent.objects.filter(subject_id=listing.pk, from_status=state).exists()
    else:
        assert response.status_code == 409, response.content
        assert response.json()["error"]["code"] == "transition_not_allowed"
        assert SupplyListing.objects.values().get(pk=listing.pk) == before
        assert not ReviewEvent.objects.filter(subject_id=listing.pk).exists()


# ------------------------------------------------------------------------------------------------ expiry and history


def test_listings_expire_six_months_after_publication(regions, owner):
    now = timezone.now()
    due = factories.supply_create(owner=owner, region=regions["510104"], status=S.PUBLISHED, expires_at=now)
    due_certified = factories.supply_create(
        owner=owner, region=regions["510104"], status=S.CERTIFIED, expires_at=now - timedelta(days=1)
    )
    fresh = factories.supply_create(owner=owner, region=regions["510104"], status=S.PUBLISHED)
    delisted = factories.supply_create(
        owner=owner, region=regions["510104"], status=S.DELISTED, expires_at=now - timedelta(days=1)
    )

    assert supply_expire_due() == 2

    statuses = dict(SupplyListing.objects.values_list("pk", "status"))
    assert statuses == {due.pk: S.EXPIRED, due_certified.pk: S.EXPIRED, fresh.pk: S.PUBLISHED, delisted.pk: S.DELISTED}
    assert events(due.pk) == [("expire", "published", "expired")]
    assert ReviewEvent.objects.get(subject_id=due.pk).actor is None
    assert Message.objects.filter(user=owner).count() == 2
    assert supply_expire_due() == 0  # nothing left to expire
    assert logged_in(owner).get(f"{API}/supply/{due.pk}/").json()["actions"] == ["delete"]


def test_the_history_is_shown_to_the_owner_and_reviewers_in_scope_only(regions, owner, reviewer, seeker):
    listing_id = submitted_listing(logged_in(owner))
    logged_in(reviewer).post(
        f"{API}/review/supply/{listing_id}/reject/", {"reason": "缺图"}, content_type="application/json"
    )

    mine = logged_in(owner).get(f"{API}/supply/{listing_id}/history/")
    reviewers = logged_in(reviewer).get(f"{API}/supply/{listing_id}/history/")

    assert [(e["action"], e["to_status"], e["reason"]) for e in mine.json()] == [
        ("submit", "in_review", ""),
        ("reject", "rejected", "缺图"),
    ]
    assert mine.json()[1]["actor"] == reviewer.pk
    assert reviewers.json() == mine.json()
    assert logged_in(seeker).get(f"{API}/supply/{listing_id}/history/").status_code == 404
    assert logged_in(reviewer_create(regions=["510700"])).get(f"{API}/supply/{listing_id}/history/").status_code == 404
