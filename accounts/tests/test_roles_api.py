"""Roles through the API: administrators list users and set roles and review regions (GB/T 2260 codes)."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.selectors import reviewer_covers, scope_covers
from accounts.tests.factories import user_create

pytestmark = pytest.mark.django_db

USERS = "/api/auth/users/"


def role_url(user: User) -> str:
    return f"{USERS}{user.pk}/role/"


@pytest.fixture
def admin() -> User:
    return user_create(role=User.Role.ADMIN)


def signed_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def set_role(client: Client, user: User, role: str, regions: object = None):
    body: dict[str, object] = {"role": role}
    if regions is not None:
        body["regions"] = regions
    return client.post(role_url(user), body, content_type="application/json")


def error(response) -> dict:
    return response.json()["error"]


def unchanged(user: User) -> bool:
    before = (user.role, user.regions, user.is_staff)
    user.refresh_from_db()
    return (user.role, user.regions, user.is_staff) == before


# ------------------------------------------------------------------------------------------------- setting roles


def test_an_administrator_makes_a_user_a_reviewer_of_regions(admin):
    user = user_create()

    response = set_role(signed_in(admin), user, "reviewer", ["510104", "510000", "510104"])

    assert response.status_code == 200
    assert response.json()["role"] == "reviewer"
    assert response.json()["regions"] == ["510000", "510104"]  # deduplicated and sorted
    user.refresh_from_db()
    assert user.role == User.Role.REVIEWER
    assert user.is_staff is False  # the admin site's flag is the administrators' alone
    assert reviewer_covers(user, "510107") is True
    assert reviewer_covers(user, "110101") is False


@pytest.mark.parametrize("role", ["reviewer", "grantor", "centre_staff", "supervisor", "gis_staff"])
def test_every_staff_role_acts_in_its_regions_only(admin, role):
    user = user_create()

    response = set_role(signed_in(admin), user, role, ["510100"])

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.role, user.regions, user.is_staff) == (role, ["510100"], False)
    assert scope_covers(user, "510104", role) is True
    assert scope_covers(user, "510703", role) is False  # 绵阳市, outside 成都市
    assert scope_covers(user, "510104", "some_other_role") is False


def test_an_administrator_gets_is_staff_and_no_regions(admin):
    user = user_create()

    response = set_role(signed_in(admin), user, "admin")

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.role, user.regions, user.is_staff) == ("admin", [], True)


def test_going_back_to_user_drops_is_staff_and_regions(admin):
    reviewer = user_create(role=User.Role.REVIEWER, regions=["510000"])

    response = set_role(signed_in(admin), reviewer, "user", [])

    assert response.status_code == 200
    reviewer.refresh_from_db()
    assert (reviewer.role, reviewer.is_staff, reviewer.regions) == ("user", False, [])


def test_a_superuser_sets_roles_without_the_admin_role():
    superuser = User.objects.create_superuser(phone="13700000001", password="x", role=User.Role.USER)
    user = user_create()

    assert set_role(signed_in(superuser), user, "centre_staff", ["510000"]).status_code == 200


@pytest.mark.parametrize(
    "regions",
    [["999999"], ["510199"], ["51010"], ["5101040"], ["５１００００"], ["abcdef"], ["510000", "000000"], [""], [5]],
)
def test_regions_must_be_gbt_2260_codes(admin, regions):
    user = user_create()

    response = set_role(signed_in(admin), user, "reviewer", regions)

    assert response.status_code == 400
    assert [e["code"] for e in error(response)["fields"]["regions"]] == ["invalid_region"]
    assert unchanged(user)


@pytest.mark.parametrize("role", ["user", "admin"])
def test_users_and_administrators_have_no_regions(admin, role):
    user = user_create()

    response = set_role(signed_in(admin), user, role, ["510000"])

    assert response.status_code == 400
    assert [e["code"] for e in error(response)["fields"]["regions"]] == ["not_scoped"]
    assert unchanged(user)


@pytest.mark.parametrize("role", ["reviewer", "grantor", "centre_staff", "supervisor", "gis_staff"])
def test_a_staff_role_needs_at_least_one_region(admin, role):
    user = user_create()

    response = set_role(signed_in(admin), user, role, [])

    assert response.status_code == 400
    assert [e["code"] for e in error(response)["fields"]["regions"]] == ["required"]
    assert unchanged(user)


@pytest.mark.parametrize("role", ["superuser", "Admin", "", "x" * 10_000])
def test_an_unknown_role_is_refused(admin, role):
    user = user_create()

    response = set_role(signed_in(admin), user, role)

    assert response.status_code == 400
    assert "role" in error(response)["fields"]
    assert unchanged(user)


def test_a_missing_role_is_refused(admin):
    user = user_create()

    response = signed_in(admin).post(role_url(user), {}, content_type="application/json")

    assert response.status_code == 400
    assert [e["code"] for e in error(response)["fields"]["role"]] == ["required"]


def test_regions_must_be_a_list(admin):
    user = user_create()

    response = set_role(signed_in(admin), user, "reviewer", "510000")

    assert response.status_code == 400
    assert "regions" in error(response)["fields"]
    assert unchanged(user)


def test_a_sub_account_cannot_hold_a_staff_role(admin):
    sub_account = user_create(parent=user_create(kind=User.Kind.ENTERPRISE), kind=User.Kind.ENTERPRISE)

    response = set_role(signed_in(admin), sub_account, "centre_staff")

    assert response.status_code == 400
    assert [e["code"] for e in error(response)["fields"]["role"]] == ["sub_account"]
    assert unchanged(sub_account)


def test_an_administrator_cannot_change_their_own_role(admin):
    response = set_role(signed_in(admin), admin, "user")

    assert response.status_code == 403
    assert error(response)["code"] == "own_role"
    assert unchanged(admin)


def test_an_administrator_cannot_demote_a_superuser(admin):
    superuser = User.objects.create_superuser(phone="13700000001", password="x")

    response = set_role(signed_in(admin), superuser, "user")

    assert response.status_code == 403
    assert unchanged(superuser)


@pytest.mark.parametrize("role", ["user", "reviewer", "centre_staff"])
def test_only_administrators_set_roles(role):
    caller = user_create(role=role, regions=["510000"] if role == "reviewer" else None)
    user = user_create()

    response = set_role(signed_in(caller), user, "admin")

    assert response.status_code == 403
    assert error(response)["code"] == "permission_denied"
    assert unchanged(user)


def test_anonymous_callers_are_asked_to_sign_in():
    user = user_create()

    assert set_role(Client(), user, "admin").status_code == 401
    assert unchanged(user)


def test_setting_the_role_of_an_unknown_user_is_404(admin):
    response = signed_in(admin).post(f"{USERS}999999/role/", {"role": "user"}, content_type="application/json")

    assert response.status_code == 404


# ------------------------------------------------------------------------------------------------- listing users


def test_administrators_list_users_by_role(admin):
    reviewer = user_create(role=User.Role.REVIEWER, regions=["510000"])
    user_create()

    response = signed_in(admin).get(USERS, {"role": "reviewer"})

    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 1
    assert page["results"][0]["id"] == reviewer.pk
    assert page["results"][0]["regions"] == ["510000"]


def test_administrators_find_users_by_part_of_the_phone_number(admin):
    wanted = user_create(phone="13588886666")
    user_create(phone="13500001111")

    response = signed_in(admin).get(USERS, {"phone": "8886"})

    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]


def test_the_user_list_shows_sub_accounts_verified_through_their_enterprise(admin):
    enterprise = user_create(kind=User.Kind.ENTERPRISE)
    sub_account = user_create(parent=enterprise, kind=User.Kind.ENTERPRISE, phone="13599990000")

    row = signed_in(admin).get(USERS, {"phone": "13599990000"}).json()["results"][0]

    assert row["id"] == sub_account.pk
    assert row["enterprise"] == enterprise.pk
    assert row["is_verified"] is True


@pytest.mark.parametrize(
    ("params", "field"),
    [({"role": "boss"}, "role"), ({"phone": "138-0000"}, "phone"), ({"phone": "1" * 12}, "phone")],
)
def test_bad_user_list_filters_are_refused(admin, params, field):
    response = signed_in(admin).get(USERS, params)

    assert response.status_code == 400
    assert field in error(response)["fields"]


@pytest.mark.parametrize("role", ["user", "reviewer", "centre_staff"])
def test_only_administrators_list_users(role):
    caller = user_create(role=role, regions=["510000"] if role == "reviewer" else None)

    assert signed_in(caller).get(USERS).status_code == 403
