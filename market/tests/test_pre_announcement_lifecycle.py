"""Pre-announcements (预公告) after the draft: editing, preview, publication (one per grant contract), delisting,
deletion, the public list and detail (ID number masked), my pre-announcements (我的预公告) and expiry."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Message, User
from geo.models import Region
from market.models import PreAnnouncement, PrimaryGrant, ReviewEvent
from market.services.pre_announcements import pre_announcement_expire_due

pytestmark = pytest.mark.django_db
P = PreAnnouncement.Status


def grant_create(region: Region, number: str, ratio: str = "10.00") -> PrimaryGrant:
    return PrimaryGrant.objects.create(
        contract_number=number,
        phone="13800001001",
        region=region,
        address=f"{region.name}东大街88号",
        area_m2=Decimal("12850.50"),
        land_use="0501",
        use_years=40,
        supply_method="挂牌出让",
        grantee="成都锦程商贸有限公司",
        grantee_id_type="营业执照",
        grantee_id_number="91510104MA6C1A2B4J",
        investment_ratio=Decimal(ratio),
    )


def item_create(owner: User, grant: PrimaryGrant, status: str = P.DRAFT, **fields: Any) -> PreAnnouncement:
    """A pre-announcement as step 2 leaves it, in any state; published ones got their dates."""
    now = timezone.now()
    values: dict[str, Any] = {
        "title": f"{grant.region.name}商业用地转让预告",
        "contract_number": grant.contract_number,
        "region": grant.region,
        "address": grant.address,
        "area_m2": grant.area_m2,
        "land_use": grant.land_use,
        "use_years": grant.use_years,
        "supply_method": grant.supply_method,
        "transferor": grant.grantee,
        "contact_phone": "028-86001234",
        "id_type": grant.grantee_id_type,
        "id_number": grant.grantee_id_number,
    }
    if status != P.DRAFT:
        values |= {"published_at": now, "expires_at": now + timedelta(days=183)}
    return PreAnnouncement.objects.create(owner=owner, status=status, **values | fields)


@pytest.fixture
def grant(regions: dict[str, Region]) -> PrimaryGrant:
    return grant_create(regions["510104"], "5101042019B00101")


def post(client: Client, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(path, data or {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def url(item: PreAnnouncement, action: str = "") -> str:
    return f"/api/market/pre-announcements/{item.pk}/" + (f"{action}/" if action else "")


# ------------------------------------------------------------------------------ editing and preview


def test_the_owner_edits_the_title_and_contact_phone_of_a_draft(client: Client, owner: User, grant: PrimaryGrant):
    item = item_create(owner, grant)
    client.force_login(owner)

    response = client.patch(
        url(item), {"title": "新的预告名称", "contact_phone": "13912345678"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["contact_phone"]) == ("新的预告名称", "13912345678")


def test_an_edit_may_not_touch_the_registrys_fields(client: Client, owner: User, grant: PrimaryGrant):
    item = item_create(owner, grant)
    client.force_login(owner)

    response = client.patch(
        url(item), {"title": "改", "area_m2": "1", "id_number": "x"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"area_m2", "id_number"}
    stored = PreAnnouncement.objects.get(pk=item.pk)
    assert (stored.title, stored.area_m2, stored.id_number) == (item.title, item.area_m2, item.id_number)


def test_a_published_pre_announcement_is_not_edited(client: Client, owner: User, grant: PrimaryGrant):
    item = item_create(owner, grant, status=P.PUBLISHED)
    client.force_login(owner)

    response = client.patch(url(item), {"title": "改"}, content_type="application/json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transition_not_allowed"
    assert PreAnnouncement.objects.get(pk=item.pk).title == item.title


def test_other_users_pre_announcements_are_not_found(client: Client, owner: User, seeker: User, grant: PrimaryGrant):
    draft = item_create(owner, grant)
    published = item_create(owner, grant, status=P.PUBLISHED)
    client.force_login(seeker)

    responses = [
        client.patch(url(draft), {"title": "x"}, content_type="application/json"),
        client.get(url(draft, "preview")),
        post(client, url(draft, "publish")),
        client.delete(url(draft)),
        post(client, url(published, "delist"), {"reason": "x"}),
        client.get(f"/api/market/my/pre-announcements/{draft.pk}/"),
    ]

    assert [r.status_code for r in responses] == [404] * 6
    assert {r.json()["error"]["code"] for r in responses} == {"not_found"}
    assert list(PreAnnouncement.objects.order_by("pk").values_list("status", "title")) == [
        (P.DRAFT, draft.title),
        (P.PUBLISHED, published.title),
    ]


def test_the_preview_is_the_public_rendering_in_any_state(client: Client, owner: User, grant: PrimaryGrant):
    item = item_create(owner, grant)
    client.force_login(owner)

    preview = client.get(url(item, "preview"))

    assert preview.status_code == 200
    assert preview.json()["id_number"] == "91**************4J"
    assert "actions" not in preview.json()
    assert client.get(url(item)).status_code == 404  # not public yet


# ------------------------------------------------------------------------------ publication


def test_publishing_makes_it_public_for_183_days_with_the_id_number_masked(
    client: Client, owner: User, grant: PrimaryGrant
):
    item = item_create(owner, grant)
    client.force_login(owner)

    response = post(client, url(item, "publish"))

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["actions"]) == ("published", ["view", "delist"])
    stored = PreAnnouncement.objects.get(pk=item.pk)
    assert stored.published_at is not None
    assert stored.expires_at == stored.published_at + timedelta(days=183)
    event = ReviewEvent.objects.get(subject="pre_announcement", subject_id=item.pk)
    assert (event.action, event.from_status, event.to_status, event.actor) == ("publish", "draft", "published", owner)
    assert Message.objects.filter(user=owner, link=f"/pre-announcements/{item.pk}/").exists()
    client.logout()
    public = client.get(url(item)).json()
    assert (public["status"], public["id_number"], public["transferor"]) == (
        "published",
        "91**************4J",
        "成都锦程商贸有限公司",
    )
    assert [p["id"] for p in client.get("/api/market/pre-announcements/").json()["results"]] == [item.pk]


def test_one_published_pre_announcement_per_grant_contract(client: Client, owner: User, grant: PrimaryGrant):
    first = item_create(owner, grant)
    second = item_create(owner, grant)
    client.force_login(owner)
    assert post(client, url(first, "publish")).status_code == 200

    refused = post(client, url(second, "publish"))

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "already_published"
    assert PreAnnouncement.objects.get(pk=second.pk).status == P.DRAFT
    post(client, url(first, "delist"), {"reason": "重新发布"})
    assert post(client, url(second, "publish")).status_code == 200


def test_a_published_pre_announcement_is_not_published_again(client: Client, owner: User, grant: PrimaryGrant):
    item = item_create(owner, grant, status=P.PUBLISHED)
    published_at = item.published_at
    client.force_login(owner)

    response = post(client, url(item, "publish"))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transition_not_allowed"
    assert PreAnnouncement.objects.get(pk=item.pk).published_at == published_at


def test_land_no_longer_idle_is_not_published(client: Client, owner: User, grant: PrimaryGrant):
    item = item_create(owner, grant)
    PrimaryGrant.objects.filter(pk=grant.pk).update(investment_ratio=Decimal("25.00"))
    client.force_login(owner)

    response = post(client, url(item, "publish"))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_idle_land"
    assert PreAnnouncement.objects.get(pk=item.pk).status == P.DRAFT


# ------------------------------------------------------------------------------ delisting and deletion


def test_delisting_takes_it_down_with_the_reason(client: Client, owner: User, grant: PrimaryGrant):
    item = item_create(owner, grant, status=P.PUBLISHED)
    client.force_login(owner)

    response = post(client, url(item, "delist"), {"reason": "已转让"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"], response.json()["actions"]) == (
        "delisted",
        "已转让",
        ["view"],
    )
    assert client.get(url(item)).status_code == 404
    event = ReviewEvent.objects.get(subject="pre_announcement", subject_id=item.pk)
    assert (event.action, event.to_status, event.reason) == ("delist", "delisted", "已转让")


def test_delisting_needs_a_reason_and_a_published_pre_announcement(client: Client, owner: User, grant: PrimaryGrant):
    published = item_create(owner, grant, status=P.PUBLISHED)
    draft = item_create(owner, grant)
    client.force_login(owner)

    no_reason = post(client, url(published, "delist"))
    long_reason = post(client, url(published, "delist"), {"reason": "因" * 10_000})
    not_published = post(client, url(draft, "delist"), {"reason": "x"})

    assert (no_reason.status_code, list(no_reason.json()["error"]["fields"])) == (400, ["reason"])
    assert (long_reason.status_code, list(long_reason.json()["error"]["fields"])) == (400, ["reason"])
    assert (not_published.status_code, not_published.json()["error"]["code"]) == (409, "transition_not_allowed")
    assert list(PreAnnouncement.objects.order_by("pk").values_list("status", flat=True)) == [P.PUBLISHED, P.DRAFT]


def test_a_draft_is_deleted_and_a_published_one_is_not(client: Client, owner: User, grant: PrimaryGrant):
    draft = item_create(owner, grant)
    published = item_create(owner, grant, status=P.PUBLISHED)
    client.force_login(owner)

    deleted = client.delete(url(draft))
    refused = client.delete(url(published))

    assert deleted.status_code == 204
    assert not PreAnnouncement.objects.filter(pk=draft.pk).exists()
    event = ReviewEvent.objects.get(subject="pre_announcement", subject_id=draft.pk)
    assert (event.action, event.from_status, event.to_status) == ("delete", "draft", "deleted")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "transition_not_allowed")
    assert PreAnnouncement.objects.get(pk=published.pk).status == P.PUBLISHED


# ------------------------------------------------------------------------------ lists


def test_the_public_list_shows_published_ones_newest_first_with_filters(
    client: Client, owner: User, regions: dict[str, Region]
):
    now = timezone.now()
    jinjiang = item_create(
        owner, grant_create(regions["510104"], "A-1"), status=P.PUBLISHED, published_at=now - timedelta(days=2)
    )
    wuhou = item_create(
        owner,
        grant_create(regions["510107"], "B-2"),
        status=P.PUBLISHED,
        land_use="0601",
        published_at=now - timedelta(days=1),
    )
    item_create(owner, grant_create(regions["510104"], "C-3"))
    item_create(owner, grant_create(regions["510104"], "D-4"), status=P.DELISTED)
    item_create(owner, grant_create(regions["510703"], "E-5"), status=P.EXPIRED)

    def ids(**query: str) -> list[int]:
        response = client.get("/api/market/pre-announcements/", query)
        assert response.status_code == 200
        return [item["id"] for item in response.json()["results"]]

    assert ids() == [wuhou.pk, jinjiang.pk]
    assert ids(region="510104") == [jinjiang.pk]
    assert ids(region="510100") == [wuhou.pk, jinjiang.pk]
    assert ids(region="510700") == []
    assert ids(land_use="06") == [wuhou.pk]
    assert ids(q="B-2") == [wuhou.pk]
    assert ids(q="武侯") == [wuhou.pk]
    assert {r["id_number"] for r in client.get("/api/market/pre-announcements/").json()["results"]} == {
        "91**************4J"
    }


@pytest.mark.parametrize(
    ("query", "field"), [({"region": "5"}, "region"), ({"land_use": "x"}, "land_use"), ({"q": "q" * 101}, "q")]
)
def test_bad_public_filters_are_400(client: Client, query: dict[str, str], field: str):
    response = client.get("/api/market/pre-announcements/", query)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_my_pre_announcements_carry_the_actions_each_state_allows(
    client: Client, owner: User, seeker: User, grant: PrimaryGrant
):
    draft = item_create(owner, grant)
    published = item_create(owner, grant, status=P.PUBLISHED)
    delisted = item_create(owner, grant, status=P.DELISTED)
    expired = item_create(owner, grant, status=P.EXPIRED)
    item_create(seeker, grant)
    client.force_login(owner)

    response = client.get("/api/market/my/pre-announcements/")

    assert {item["id"]: item["actions"] for item in response.json()["results"]} == {
        draft.pk: ["view", "edit", "publish", "delete"],
        published.pk: ["view", "delist"],
        delisted.pk: ["view"],
        expired.pk: ["view"],
    }
    assert [
        i["id"] for i in client.get("/api/market/my/pre-announcements/", {"status": "draft"}).json()["results"]
    ] == [draft.pk]
    detail = client.get(f"/api/market/my/pre-announcements/{draft.pk}/").json()
    assert detail["id_number"] == "91510104MA6C1A2B4J"
    assert client.get("/api/market/my/pre-announcements/", {"status": "gone"}).status_code == 400


def test_my_pre_announcements_need_a_signed_in_user(client: Client):
    assert client.get("/api/market/my/pre-announcements/").status_code == 401


# ------------------------------------------------------------------------------ expiry


def test_published_pre_announcements_expire_after_six_months(client: Client, owner: User, grant: PrimaryGrant):
    now = timezone.now()
    due = item_create(owner, grant, status=P.PUBLISHED, expires_at=now - timedelta(seconds=1))
    fresh = item_create(owner, grant, status=P.PUBLISHED, expires_at=now + timedelta(days=1))
    draft = item_create(owner, grant, expires_at=now - timedelta(days=1))

    assert pre_announcement_expire_due() == 1
    assert pre_announcement_expire_due() == 0

    assert [PreAnnouncement.objects.get(pk=i.pk).status for i in (due, fresh, draft)] == [
        P.EXPIRED,
        P.PUBLISHED,
        P.DRAFT,
    ]
    event = ReviewEvent.objects.get(subject="pre_announcement", subject_id=due.pk)
    assert (event.action, event.from_status, event.to_status, event.actor) == ("expire", "published", "expired", None)
    assert client.get(url(due)).status_code == 404
    client.force_login(owner)
    assert post(client, url(due, "delist"), {"reason": "x"}).status_code == 409


def test_the_lists_take_the_same_queries_for_few_or_many(client: Client, owner: User, grant: PrimaryGrant):
    client.force_login(owner)

    def queries() -> tuple[int, int]:
        counts = []
        for path in ("/api/market/pre-announcements/", "/api/market/my/pre-announcements/"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path).status_code == 200
            counts.append(len(captured))
        return counts[0], counts[1]

    item_create(owner, grant, status=P.PUBLISHED)
    few = queries()
    for _ in range(5):
        item_create(owner, grant, status=P.PUBLISHED)
        item_create(owner, grant)

    assert queries() == few
