"""The admin site: administrators only, signed in through the site's own login, and off when DJANGO_ADMIN_ENABLED is."""

import importlib
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import clear_url_caches

from accounts.models import User
from accounts.tests.factories import PASSWORD, user_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def test_the_admin_password_form_signs_no_one_in():
    admin = user_create(role=User.Role.ADMIN)
    User.objects.filter(pk=admin.pk).update(is_superuser=True)
    client = Client()

    response = client.post("/admin/login/?next=/admin/", {"username": admin.phone, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"
    assert client.get("/api/auth/me/").status_code == 401
    assert client.get("/admin/").status_code == 302


def test_an_anonymous_visitor_is_sent_to_the_sites_login():
    response = Client().get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/login/?next=/admin/"
    assert response.status_code == 200


@pytest.mark.parametrize("role", [User.Role.REVIEWER, User.Role.CENTRE_STAFF, User.Role.USER])
def test_signed_in_staff_who_are_not_administrators_are_refused(role):
    user = user_create(role=role)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert response.redirect_chain == [("/admin/login/?next=/admin/", 302)]


def test_an_administrator_signed_in_on_the_site_uses_the_admin():
    client = Client()
    client.force_login(user_create(role=User.Role.ADMIN))

    assert client.get("/admin/").status_code == 200


@pytest.fixture
def admin_disabled(settings) -> Iterator[None]:
    import config.urls

    settings.ADMIN_ENABLED = False
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.ADMIN_ENABLED = True
    importlib.reload(config.urls)
    clear_url_caches()


def test_without_django_admin_enabled_there_is_no_admin(admin_disabled):
    client = Client()
    client.force_login(user_create(role=User.Role.ADMIN))

    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
