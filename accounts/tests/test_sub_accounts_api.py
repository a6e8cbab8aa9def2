"""Enterprise sub-accounts (子账号) through the API: at most three, created by a verified enterprise, acting for it."""

import threading

import pytest
from django.db import connection
from django.test import Client

from accounts.models import User
from accounts.selectors import user_can_act_for
from accounts.services.sub_accounts import sub_account_create
from accounts.tests.factories import PASSWORD, user_create
from core.errors import Conflict

pytestmark = pytest.mark.django_db

URL = "/api/auth/sub-accounts/"


@pytest.fixture
def enterprise() -> User:
    return user_create(kind=User.Kind.ENTERPRISE, real_name="测试企业有限公司")


def signed_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def create(client: Client, phone: str, name: str = "李四", password: str = PASSWORD):
    return client.post(URL, {"phone": phone, "password": password, "name": name}, content_type="application/json")


def error(response) -> dict:
    return response.json()["error"]


def sub_accounts(enterprise: User) -> list[str]:
    return list(User.objects.filter(parent=enterprise).order_by("id").values_list("phone", flat=True))


# ------------------------------------------------------------------------------------------------- creating


def test_a_verified_enterprise_creates_a_sub_account_that_signs_in_with_its_own_password(enterprise):
    response = create(signed_in(enterprise), "13611110001", name="李四")

    assert response.status_code == 201
    body = response.json()
    assert body["phone"] == "13611110001"
    assert body["name"] == "李四"
    assert body["is_active"] is True
    assert "password" not in body
    sub_account = User.objects.get(phone="13611110001")
    assert sub_account.parent == enterprise
    assert sub_account.principal == enterprise
    assert sub_account.verified_at is None
    assert sub_account.is_verified is True
    token = Client().post(
        "/api/auth/token/", {"phone": "13611110001", "password": PASSWORD}, content_type="application/json"
    )
    assert token.status_code == 200
    assert token.json()["user"]["is_verified"] is True


def test_the_fourth_sub_account_is_refused(enterprise):
    client = signed_in(enterprise)
    for n in range(3):
        assert create(client, f"1361111000{n}").status_code == 201

    response = create(client, "13611110009")

    assert response.status_code == 409
    assert error(response)["code"] == "sub_account_limit"
    assert sub_accounts(enterprise) == ["13611110000", "13611110001", "13611110002"]


def test_disabled_sub_accounts_count_and_deleting_one_frees_a_place(enterprise):
    client = signed_in(enterprise)
    ids = [create(client, f"1361111000{n}").json()["id"] for n in range(3)]
    client.post(f"{URL}{ids[0]}/disable/")
    assert create(client, "13611110009").status_code == 409

    assert client.delete(f"{URL}{ids[0]}/").status_code == 204

    assert create(client, "13611110009").status_code == 201
    assert sub_accounts(enterprise) == ["13611110001", "13611110002", "13611110009"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_never_pass_three():
    """Four threads on their own connections race for the last places; the enterprise row lock serialises them."""
    enterprise = user_create(kind=User.Kind.ENTERPRISE)
    results: list[str] = []

    def attempt(n: int) -> None:
        try:
            sub_account_create(enterprise=enterprise, phone=f"1362222000{n}", password=PASSWORD, name="并发")
            results.append("created")
        except Conflict as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["created"] * 3 + ["sub_account_limit"] * 2
    assert User.objects.filter(parent=enterprise).count() == 3


def test_a_phone_number_already_registered_is_refused(enterprise):
    taken = user_create()

    response = create(signed_in(enterprise), taken.phone)

    assert response.status_code == 409
    assert error(response)["code"] == "phone_taken"
    assert [e["code"] for e in error(response)["fields"]["phone"]] == ["phone_taken"]
    assert sub_accounts(enterprise) == []


@pytest.mark.parametrize(
    "phone",
    ["12345678901", "1361111000", "1361111000１", "136111100٠1", "abcdefghijk", "23611110001"],
)
def test_a_malformed_phone_number_is_refused(enterprise, phone):
    response = create(signed_in(enterprise), phone)

    assert response.status_code == 400
    assert "phone" in error(response)["fields"]
    assert sub_accounts(enterprise) == []


@pytest.mark.parametrize(
    "password", ["short", "12345678901234", "password123", "13611110001"], ids=["short", "numeric", "common", "phone"]
)
def test_a_weak_password_is_refused_by_the_password_validators(enterprise, password):
    response = create(signed_in(enterprise), "13611110001", password=password)

    assert response.status_code == 400
    assert error(response)["fields"]["password"]
    assert sub_accounts(enterprise) == []


def test_missing_fields_are_each_named(enterprise):
    response = signed_in(enterprise).post(URL, {}, content_type="application/json")

    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"phone", "password", "name"}


def test_a_ten_thousand_character_name_is_refused(enterprise):
    response = create(signed_in(enterprise), "13611110001", name="李" * 10_000)

    assert response.status_code == 400
    assert [e["code"] for e in error(response)["fields"]["name"]] == ["max_length"]
    assert sub_accounts(enterprise) == []


def test_html_in_the_name_is_kept_as_text(enterprise):
    name = "<img src=x onerror=alert(1)>"

    response = create(signed_in(enterprise), "13611110001", name=name)

    assert response.status_code == 201
    assert response.json()["name"] == name
    assert User.objects.get(phone="13611110001").real_name == name


def test_an_unverified_enterprise_cannot_create_sub_accounts():
    enterprise = user_create(kind=User.Kind.ENTERPRISE, verified=False)

    response = create(signed_in(enterprise), "13611110001")

    assert response.status_code == 403
    assert error(response)["code"] == "verification_required"
    assert sub_accounts(enterprise) == []


def test_an_individual_cannot_create_sub_accounts():
    individual = user_create()

    response = create(signed_in(individual), "13611110001")

    assert response.status_code == 403
    assert error(response)["code"] == "enterprise_only"
    assert not User.objects.filter(phone="13611110001").exists()


def test_a_sub_account_cannot_create_sub_accounts(enterprise):
    sub_account = user_create(parent=enterprise, kind=User.Kind.ENTERPRISE)

    response = create(signed_in(sub_account), "13611110001")

    assert response.status_code == 403
    assert error(response)["code"] == "enterprise_only"
    assert not User.objects.filter(phone="13611110001").exists()


def test_anonymous_callers_are_asked_to_sign_in():
    assert create(Client(), "13611110001").status_code == 401
    assert Client().get(URL).status_code == 401


# ---------------------------------------------------------------------------------------- listing, disabling, deleting


def test_an_enterprise_lists_only_its_own_sub_accounts(enterprise):
    mine = user_create(parent=enterprise, kind=User.Kind.ENTERPRISE, real_name="李四")
    user_create(parent=user_create(kind=User.Kind.ENTERPRISE), kind=User.Kind.ENTERPRISE)

    response = signed_in(enterprise).get(URL)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [mine.pk]
    assert response.json()[0]["name"] == "李四"


def test_a_disabled_sub_account_can_no_longer_sign_in_or_use_its_token(enterprise):
    client = signed_in(enterprise)
    created = create(client, "13611110001").json()
    token = (
        Client()
        .post("/api/auth/token/", {"phone": "13611110001", "password": PASSWORD}, content_type="application/json")
        .json()["token"]
    )

    response = client.post(f"{URL}{created['id']}/disable/")

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert Client().get("/api/auth/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    login = Client().post(
        "/api/auth/token/", {"phone": "13611110001", "password": PASSWORD}, content_type="application/json"
    )
    assert login.status_code == 401
    assert user_can_act_for(User.objects.get(pk=created["id"]), enterprise) is False


def test_an_enabled_sub_account_signs_in_again(enterprise):
    client = signed_in(enterprise)
    created = create(client, "13611110001").json()
    client.post(f"{URL}{created['id']}/disable/")

    response = client.post(f"{URL}{created['id']}/enable/")

    assert response.status_code == 200
    assert response.json()["is_active"] is True
    login = Client().post(
        "/api/auth/token/", {"phone": "13611110001", "password": PASSWORD}, content_type="application/json"
    )
    assert login.status_code == 200


def test_a_deleted_sub_account_is_gone(enterprise):
    client = signed_in(enterprise)
    created = create(client, "13611110001").json()

    assert client.delete(f"{URL}{created['id']}/").status_code == 204

    assert not User.objects.filter(pk=created["id"]).exists()
    assert client.get(URL).json() == []


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("post", "disable/"), ("post", "enable/"), ("delete", "")],
    ids=["disable", "enable", "delete"],
)
def test_another_enterprises_sub_account_is_404(enterprise, method, suffix):
    theirs = user_create(parent=user_create(kind=User.Kind.ENTERPRISE), kind=User.Kind.ENTERPRISE)

    response = getattr(signed_in(enterprise), method)(f"{URL}{theirs.pk}/{suffix}")

    assert response.status_code == 404
    assert error(response)["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.is_active is True


@pytest.mark.parametrize(("method", "suffix"), [("post", "disable/"), ("delete", "")], ids=["disable", "delete"])
def test_a_user_who_is_not_a_sub_account_is_404(enterprise, method, suffix):
    someone = user_create()

    assert getattr(signed_in(enterprise), method)(f"{URL}{someone.pk}/{suffix}").status_code == 404
    assert getattr(signed_in(enterprise), method)(f"{URL}{enterprise.pk}/{suffix}").status_code == 404
    someone.refresh_from_db()
    enterprise.refresh_from_db()
    assert someone.is_active
    assert enterprise.is_active


def test_a_sub_account_cannot_disable_its_siblings(enterprise):
    sibling = user_create(parent=enterprise, kind=User.Kind.ENTERPRISE)
    sub_account = user_create(parent=enterprise, kind=User.Kind.ENTERPRISE)

    response = signed_in(sub_account).post(f"{URL}{sibling.pk}/disable/")

    assert response.status_code == 403
    sibling.refresh_from_db()
    assert sibling.is_active


# ------------------------------------------------------------------------------------------- acting for the enterprise


def test_a_sub_account_acts_for_its_enterprise_and_no_other(enterprise):
    sub_account = user_create(parent=enterprise, kind=User.Kind.ENTERPRISE)
    other = user_create(kind=User.Kind.ENTERPRISE)

    assert user_can_act_for(enterprise, enterprise) is True
    assert user_can_act_for(sub_account, enterprise) is True
    assert user_can_act_for(sub_account, other) is False
    assert user_can_act_for(enterprise, sub_account) is False
    assert user_can_act_for(other, enterprise) is False
