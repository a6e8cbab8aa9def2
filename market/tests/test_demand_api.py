"""Demand (需求登记) through the API: drafts, registration (登记成功), changes (信息变更), delisting, deletion; who
may do each, what the state table forbids, and bad input."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from accounts.models import Message, User
from accounts.tests.factories import user_create
from geo.models import Region
from market.models import Demand, ReviewEvent

pytestmark = pytest.mark.django_db
D = Demand.Status


def complete(**overrides: Any) -> dict[str, Any]:
    """Every field of the demand form filled in (发布需求)."""
    return {
        "kind": "purchase",
        "title": "求购锦江区商服用地",
        "region": "510104",
        "land_use": "0501",
        "land_nature": "state_owned",
        "area_min_m2": "1000.00",
        "area_max_m2": "5000.00",
        "price_min_wan": "500.0000",
        "price_max_wan": "1500.0000",
        "years": 40,
        "industry": "零售业",
        "description": "临街，交通便利",
        "contact_name": "张三",
        "contact_phone": "13800138000",
    } | overrides


def post(client: Client, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(path, data or {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def patch(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.patch(path, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def draft(client: Client, **overrides: Any) -> dict[str, Any]:
    response = post(client, "/api/market/demand/", complete(**overrides))
    assert response.status_code == 201, response.json()
    return response.json()


def registered(client: Client, **overrides: Any) -> dict[str, Any]:
    demand = draft(client, **overrides)
    response = post(client, f"/api/market/demand/{demand['id']}/submit/")
    assert response.status_code == 200, response.json()
    return response.json()


def fields_of(response: Any) -> dict[str, list[str]]:
    return {name: [e["code"] for e in errors] for name, errors in response.json()["error"]["fields"].items()}


# ------------------------------------------------------------------------------ drafts


def test_a_verified_user_saves_a_draft_that_only_they_see(client: Client, owner: User, regions: dict[str, Region]):
    client.force_login(owner)

    response = post(client, "/api/market/demand/", complete())

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["region"] == {"code": "510104", "name": "锦江区", "level": "county"}
    assert body["land_use_name"] == "零售商业用地"
    assert body["area_min_m2"] == "1000.00"
    assert body["price_max_wan"] == "1500.0000"
    assert body["actions"] == ["view", "edit", "delete"]
    demand = Demand.objects.get(pk=body["id"])
    assert (demand.owner, demand.created_by, demand.registered_at) == (owner, owner, None)
    assert client.get("/api/market/demand/").json()["count"] == 0


def test_a_draft_needs_only_the_kind(client: Client, owner: User):
    client.force_login(owner)

    response = post(client, "/api/market/demand/", {"kind": "lease"})

    assert response.status_code == 201
    assert response.json()["title"] == ""


def test_an_unverified_user_cannot_publish_demand(client: Client, regions: dict[str, Region]):
    client.force_login(user_create(verified=False))

    response = post(client, "/api/market/demand/", complete())

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_required"
    assert not Demand.objects.exists()


def test_an_anonymous_caller_must_sign_in(client: Client, regions: dict[str, Region]):
    response = post(client, "/api/market/demand/", complete())

    assert response.status_code == 401
    assert not Demand.objects.exists()


def test_a_sub_account_publishes_in_its_enterprises_name(client: Client, regions: dict[str, Region]):
    enterprise = user_create(kind=User.Kind.ENTERPRISE)
    clerk = user_create(parent=enterprise)
    client.force_login(clerk)

    demand = draft(client)

    stored = Demand.objects.get(pk=demand["id"])
    assert (stored.owner, stored.created_by) == (enterprise, clerk)
    client.force_login(enterprise)
    assert [d["id"] for d in client.get("/api/market/my/demand/").json()["results"]] == [demand["id"]]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"area_min_m2": "5000", "area_max_m2": "1000"}, "area_max_m2", "range"),
        ({"area_min_m2": "0"}, "area_min_m2", "min_value"),
        ({"area_max_m2": "-1"}, "area_max_m2", "min_value"),
        ({"price_min_wan": "-0.0001"}, "price_min_wan", "min_value"),
        ({"price_min_wan": "900", "price_max_wan": "800"}, "price_max_wan", "range"),
        ({"years": 0}, "years", "range"),
        ({"years": 71}, "years", "range"),
        ({"land_use": "0599"}, "land_use", "invalid"),
        ({"land_use": "99"}, "land_use", "invalid"),
        ({"region": "510199"}, "region", "not_found"),
        ({"region": "abc"}, "region", "invalid"),
        ({"kind": "mortgage"}, "kind", "invalid_choice"),
        ({"land_nature": "private"}, "land_nature", "invalid_choice"),
        ({"title": "地" * 10_000}, "title", "max_length"),
        ({"description": "x" * 1001}, "description", "max_length"),
        ({"industry": "x" * 10_000}, "industry", "max_length"),
        ({"contact_phone": "12345"}, "contact_phone", "invalid"),
        ({"area_min_m2": "abc"}, "area_min_m2", "invalid"),
        ({"area_min_m2": "1" * 20}, "area_min_m2", "max_digits"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    client: Client, owner: User, regions: dict[str, Region], overrides: dict[str, Any], field: str, code: str
):
    client.force_login(owner)

    response = post(client, "/api/market/demand/", complete(**overrides))

    assert response.status_code == 400
    assert fields_of(response) == {field: [code]}
    assert not Demand.objects.exists()


def test_every_bad_field_is_named_at_once(client: Client, owner: User, regions: dict[str, Region]):
    client.force_login(owner)

    response = post(
        client,
        "/api/market/demand/",
        complete(area_min_m2="10", area_max_m2="5", price_min_wan="9", price_max_wan="1", land_use="0000"),
    )

    assert response.status_code == 400
    assert set(fields_of(response)) == {"area_max_m2", "price_max_wan", "land_use"}


def test_equal_bounds_a_first_level_use_and_a_region_of_any_level_are_accepted(
    client: Client, owner: User, regions: dict[str, Region]
):
    client.force_login(owner)

    demand = draft(client, area_min_m2="2000", area_max_m2="2000", price_min_wan="0", land_use="05", region="510000")

    assert (demand["area_min_m2"], demand["area_max_m2"], demand["price_min_wan"]) == ("2000.00", "2000.00", "0.0000")
    assert (demand["land_use"], demand["land_use_name"], demand["region"]["level"]) == ("05", "商服用地", "province")


def test_html_is_stored_and_returned_verbatim_as_text(client: Client, owner: User, regions: dict[str, Region]):
    client.force_login(owner)
    html = '<script>alert("x")</script><b onmouseover="y">粗体</b> &amp;'

    demand = registered(client, title=html[:200], description=html)

    assert Demand.objects.get(pk=demand["id"]).description == html
    public = client.get(f"/api/market/demand/{demand['id']}/")
    assert public["Content-Type"] == "application/json"
    assert public.json()["description"] == html


def test_a_description_of_1000_characters_is_accepted(client: Client, owner: User, regions: dict[str, Region]):
    client.force_login(owner)

    demand = draft(client, description="需" * 1000)

    assert len(demand["description"]) == 1000


# ------------------------------------------------------------------------------ editing drafts


def test_the_owner_edits_a_draft(client: Client, owner: User, regions: dict[str, Region]):
    client.force_login(owner)
    demand = draft(client)

    response = patch(client, f"/api/market/demand/{demand['id']}/", {"area_max_m2": "8000", "region": "510107"})

    assert response.status_code == 200
    assert (response.json()["area_max_m2"], response.json()["region"]["code"]) == ("8000.00", "510107")


def test_an_edit_that_inverts_the_range_leaves_the_draft_unchanged(
    client: Client, owner: User, regions: dict[str, Region]
):
    client.force_login(owner)
    demand = draft(client)

    response = patch(client, f"/api/market/demand/{demand['id']}/", {"area_min_m2": "9000", "title": "新标题"})

    assert response.status_code == 400
    assert fields_of(response) == {"area_max_m2": ["range"]}
    stored = Demand.objects.get(pk=demand["id"])
    assert (stored.area_min_m2, stored.title) == (Decimal("1000.00"), "求购锦江区商服用地")


def test_another_users_draft_is_not_found(client: Client, owner: User, seeker: User, regions: dict[str, Region]):
    client.force_login(owner)
    demand = draft(client)
    client.force_login(seeker)

    responses = [
        patch(client, f"/api/market/demand/{demand['id']}/", {"title": "抢来的"}),
        post(client, f"/api/market/demand/{demand['id']}/submit/"),
        client.delete(f"/api/market/demand/{demand['id']}/"),
        client.get(f"/api/market/my/demand/{demand['id']}/"),
    ]

    assert [(r.status_code, r.json()["error"]["code"]) for r in responses] == [(404, "not_found")] * 4
    stored = Demand.objects.get(pk=demand["id"])
    assert (stored.title, stored.status) == ("求购锦江区商服用地", D.DRAFT)


def test_a_registered_demand_is_not_edited_as_a_draft(client: Client, owner: User, regions: dict[str, Region]):
    client.force_login(owner)
    demand = registered(client)

    response = patch(client, f"/api/market/demand/{demand['id']}/", {"title": "改标题"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transition_not_allowed"
    assert Demand.objects.get(pk=demand["id"]).title == "求购锦江区商服用地"


# ------------------------------------------------------------------------------ registration


def test_submitting_registers_the_demand_for_183_days_with_a_trail_and_a_message(
    client: Client, owner: User, regions: dict[str, Region]
):
    client.force_login(owner)
    demand = draft(client)

    response = post(client, f"/api/market/demand/{demand['id']}/submit/")

    assert response.status_code == 200
    assert response.json()["status"] == "registered"
    assert response.json()["actions"] == ["view", "change", "delist", "delete"]
    stored = Demand.objects.get(pk=demand["id"])
    assert stored.registered_at is not None
    assert stored.expires_at == stored.registered_at + timedelta(days=183)
    event = ReviewEvent.objects.get(subject="demand", subject_id=stored.pk)
    assert (event.action, event.from_status, event.to_status, event.actor) == ("submit", "draft", "registered", owner)
    assert Message.objects.filter(user=owner, link=f"/demand/{stored.pk}/").count() == 1
    assert [d["id"] for d in client.get("/api/market/demand/").json()["results"]] == [stored.pk]


def test_submitting_an_incomplete_draft_names_every_missing_field_at_once(client: Client, owner: User):
    client.force_login(owner)
    demand = post(client, "/api/market/demand/", {"kind": "lease"}).json()

    response = post(client, f"/api/market/demand/{demand['id']}/submit/")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "incomplete"
    assert fields_of(response) == {
        name: ["required"]
        for name in (
            "title",
            "region",
            "land_use",
            "land_nature",
            "area_min_m2",
            "area_max_m2",
            "contact_name",
            "contact_phone",
        )
    }
    stored = Demand.objects.get(pk=demand["id"])
    assert (stored.status, stored.registered_at) == (D.DRAFT, None)
    assert not ReviewEvent.objects.exists()


def test_a_registered_demand_cannot_be_submitted_again(client: Client, owner: User, regions: dict[str, Region]):
    client.force_login(owner)
    demand = registered(client)
    registered_at = Demand.objects.get(pk=demand["id"]).registered_at

    response = post(client, f"/api/market/demand/{demand['id']}/submit/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transition_not_allowed"
    assert Demand.objects.get(pk=demand["id"]).registered_at == registered_at
    assert ReviewEvent.objects.count() == 1


def test_an_owner_who_is_no_longer_verified_cannot_submit(client: Client, regions: dict[str, Region]):
    user = user_create()
    client.force_login(user)
    demand = draft(client)
    User.objects.filter(pk=user.pk).update(verified_at=None)

    response = post(client, f"/api/market/demand/{demand['id']}/submit/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_required"
    assert Demand.objects.get(pk=demand["id"]).status == D.DRAFT


# ------------------------------------------------------------------------------ changes (信息变更)


def test_a_change_keeps_the_demand_registered_and_is_audited(client: Client, owner: User, regions: dict[str, Region]):
    client.force_login(owner)
    demand = registered(client)
    before = Demand.objects.get(pk=demand["id"])

    response = post(
        client, f"/api/market/demand/{demand['id']}/change/", {"area_max_m2": "6000", "contact_name": "李四"}
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["area_max_m2"]) == ("registered", "6000.00")
    after = Demand.objects.get(pk=demand["id"])
    assert (after.registered_at, after.expires_at) == (before.registered_at, before.expires_at)
    event = ReviewEvent.objects.filter(subject="demand", subject_id=after.pk).last()
    assert event is not None
    assert (event.action, event.from_status, event.to_status) == ("change", "registered", "registered")
    assert event.reason == "Changed: area_max_m2, contact_name"
    public = client.get(f"/api/market/demand/{demand['id']}/").json()
    assert (public["area_max_m2"], public["contact_name"]) == ("6000.00", "李四")


def test_a_change_that_blanks_a_required_field_or_inverts_a_range_is_refused(
    client: Client, owner: User, regions: dict[str, Region]
):
    client.force_login(owner)
    demand = registered(client)

    blank = post(client, f"/api/market/demand/{demand['id']}/change/", {"title": ""})
    inverted = post(client, f"/api/market/demand/{demand['id']}/change/", {"price_max_wan": "1"})

    assert (blank.status_code, fields_of(blank)) == (400, {"title": ["required"]})
    assert (inverted.status_code, fields_of(inverted)) == (400, {"price_max_wan": ["range"]})
    stored = Demand.objects.get(pk=demand["id"])
    assert (stored.title, stored.price_max_wan) == ("求购锦江区商服用地", Decimal("1500.0000"))
    assert ReviewEvent.objects.filter(action="change").count() == 0


def test_a_draft_cannot_be_changed_through_the_change_operation(
    client: Client, owner: User, regions: dict[str, Region]
):
    client.force_login(owner)
    demand = draft(client)

    response = post(client, f"/api/market/demand/{demand['id']}/change/", {"title": "变更"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transition_not_allowed"
    assert Demand.objects.get(pk=demand["id"]).title == "求购锦江区商服用地"


# ------------------------------------------------------------------------------ delisting and deletion


def test_delisting_takes_the_demand_off_the_public_list(client: Client, owner: User, regions: dict[str, Region]):
    client.force_login(owner)
    demand = registered(client)

    response = post(client, f"/api/market/demand/{demand['id']}/delist/", {"reason": "已找到土地"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"]) == ("delisted", "已找到土地")
    assert response.json()["actions"] == ["view", "delete"]
    assert client.get("/api/market/demand/").json()["count"] == 0
    assert client.get(f"/api/market/demand/{demand['id']}/").status_code == 404
    event = ReviewEvent.objects.filter(subject="demand", subject_id=demand["id"]).last()
    assert event is not None
    assert (event.action, event.from_status, event.to_status, event.reason) == (
        "delist",
        "registered",
        "delisted",
        "已找到土地",
    )


def test_a_draft_cannot_be_delisted(client: Client, owner: User, regions: dict[str, Region]):
    client.force_login(owner)
    demand = draft(client)

    response = post(client, f"/api/market/demand/{demand['id']}/delist/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transition_not_allowed"
    assert Demand.objects.get(pk=demand["id"]).status == D.DRAFT


@pytest.mark.parametrize("state", [D.DRAFT, D.REGISTERED, D.DELISTED, D.EXPIRED])
def test_a_deleted_demand_is_hidden_everywhere(client: Client, owner: User, regions: dict[str, Region], state: str):
    client.force_login(owner)
    demand = registered(client) if state != D.DRAFT else draft(client)
    Demand.objects.filter(pk=demand["id"]).update(status=state)

    response = client.delete(f"/api/market/demand/{demand['id']}/")

    assert response.status_code == 204
    assert Demand.objects.get(pk=demand["id"]).status == D.DELETED
    assert client.get("/api/market/my/demand/").json()["count"] == 0
    assert client.get("/api/market/demand/").json()["count"] == 0
    assert client.get(f"/api/market/my/demand/{demand['id']}/").status_code == 404
    assert client.get(f"/api/market/demand/{demand['id']}/").status_code == 404
    event = ReviewEvent.objects.filter(subject="demand", subject_id=demand["id"]).last()
    assert event is not None
    assert (event.action, event.from_status, event.to_status) == ("delete", state, "deleted")
    again = client.delete(f"/api/market/demand/{demand['id']}/")
    assert again.status_code == 404


def test_another_user_cannot_delist_or_delete(client: Client, owner: User, seeker: User, regions: dict[str, Region]):
    client.force_login(owner)
    demand = registered(client)
    client.force_login(seeker)

    delist = post(client, f"/api/market/demand/{demand['id']}/delist/")
    delete = client.delete(f"/api/market/demand/{demand['id']}/")
    change = post(client, f"/api/market/demand/{demand['id']}/change/", {"title": "x"})

    assert [delist.status_code, delete.status_code, change.status_code] == [404, 404, 404]
    assert Demand.objects.get(pk=demand["id"]).status == D.REGISTERED
