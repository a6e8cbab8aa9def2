"""The permission classes other apps put on their views: verified users, reviewers, centre staff, administrators."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import IsAdministrator, IsCentreStaff, IsEnterprise, IsReviewer, IsVerified
from accounts.tests.factories import user_create

pytestmark = pytest.mark.django_db


def view_with(permission: type) -> object:
    class GuardedApi(APIView):
        permission_classes = [permission]

        def post(self, request: Request) -> Response:
            return Response({"ok": True})

    return GuardedApi.as_view()


def call(permission: type, user: User | None) -> Response:
    request = APIRequestFactory().post("/guarded/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        force_authenticate(request, user=user)
    return view_with(permission)(request)  # type: ignore[operator]


def superuser() -> User:
    return User.objects.create_superuser(phone="13700000001", password="x", role=User.Role.USER)


# ------------------------------------------------------------------------------------------------- IsVerified


def test_a_verified_user_passes_is_verified():
    assert call(IsVerified, user_create(verified=True)).status_code == 200


def test_an_unverified_user_is_told_to_complete_real_name_verification():
    response = call(IsVerified, user_create(verified=False))

    assert response.status_code == 403
    assert response.data["error"]["code"] == "verification_required"
    assert "实名认证" in response.data["error"]["message"]  # the default language is Chinese


def test_a_sub_account_is_verified_through_its_enterprise():
    verified_enterprise = user_create(kind=User.Kind.ENTERPRISE, verified=True)
    unverified_enterprise = user_create(kind=User.Kind.ENTERPRISE, verified=False)

    assert call(IsVerified, user_create(parent=verified_enterprise, verified=False)).status_code == 200
    response = call(IsVerified, user_create(parent=unverified_enterprise, verified=False))
    assert response.status_code == 403
    assert response.data["error"]["code"] == "verification_required"


@pytest.mark.parametrize("permission", [IsVerified, IsReviewer, IsCentreStaff, IsAdministrator, IsEnterprise])
def test_anonymous_callers_get_401_not_403(permission):
    request = APIRequestFactory().post("/guarded/", {}, format="json")
    request.user = AnonymousUser()

    response = view_with(permission)(request)  # type: ignore[operator]

    assert response.status_code == 401
    assert response.data["error"]["code"] == "not_authenticated"


def test_an_unverified_enterprise_creating_a_sub_account_gets_verification_required_over_the_api(client):
    enterprise = user_create(kind=User.Kind.ENTERPRISE, verified=False)
    client.force_login(enterprise)

    response = client.post(
        "/api/auth/sub-accounts/",
        {"phone": "13611110001", "password": "correct horse battery", "name": "李四"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_required"
    assert "real-name verification" in response.json()["error"]["message"]


# ------------------------------------------------------------------------------------------------- roles

ROLE_TABLE = [
    # role, IsReviewer, IsCentreStaff, IsAdministrator
    (User.Role.USER, 403, 403, 403),
    (User.Role.REVIEWER, 200, 403, 403),
    (User.Role.CENTRE_STAFF, 403, 200, 403),
    (User.Role.ADMIN, 200, 200, 200),
]


@pytest.mark.parametrize(("role", "reviewer", "centre_staff", "administrator"), ROLE_TABLE)
def test_each_role_passes_the_classes_it_should(role, reviewer, centre_staff, administrator):
    user = user_create(role=role, regions=["510000"] if role == User.Role.REVIEWER else None)

    assert call(IsReviewer, user).status_code == reviewer
    assert call(IsCentreStaff, user).status_code == centre_staff
    assert call(IsAdministrator, user).status_code == administrator


def test_a_superuser_passes_every_role_class():
    user = superuser()

    for permission in (IsReviewer, IsCentreStaff, IsAdministrator):
        assert call(permission, user).status_code == 200


def test_a_refusal_by_role_is_a_structured_permission_denied():
    response = call(IsAdministrator, user_create())

    assert response.data["error"]["code"] == "permission_denied"
    assert response.data["error"]["message"] == "Only administrators may do this."


def test_a_disabled_administrator_passes_nothing():
    admin = user_create(role=User.Role.ADMIN)
    admin.is_active = False

    assert call(IsAdministrator, admin).status_code == 403


def test_only_an_enterprise_itself_passes_is_enterprise():
    enterprise = user_create(kind=User.Kind.ENTERPRISE)

    assert call(IsEnterprise, enterprise).status_code == 200
    assert call(IsEnterprise, user_create()).data["error"]["code"] == "enterprise_only"
    assert call(IsEnterprise, user_create(parent=enterprise, kind=User.Kind.ENTERPRISE)).status_code == 403
