"""The admin site administers banks, rule profiles and centres; lots, entrustments and announcements are read-only
there, so a published announcement cannot be changed through it either (and no page answers 500)."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Announcement, RuleProfile
from auctions.tests.factories import centre_create, centre_staff_create, sichuan_regions
from auctions.tests.test_lots_and_announcements import announced

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(user_create(role=User.Role.ADMIN))
    return client


@pytest.fixture
def world():
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    return {
        "regions": regions,
        "centre": centre,
        "staff": centre_staff_create(centre),
        "grantor": user_create(role=User.Role.GRANTOR, regions=["510104"], real_name="成都市锦江区自然资源局"),
    }


def test_a_published_announcement_is_shown_read_only_and_a_change_is_refused(admin_client, world):
    _lot, announcement = announced(world)
    page = admin_client.get(f"/admin/auctions/announcement/{announcement.pk}/change/")
    assert page.status_code == 200
    assert b'name="title"' not in page.content  # no form field: read-only
    posted = admin_client.post(f"/admin/auctions/announcement/{announcement.pk}/change/", {"title": "改"})
    assert posted.status_code == 403
    assert (
        admin_client.post(f"/admin/auctions/announcement/{announcement.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Announcement.objects.get(pk=announcement.pk).title == announcement.title


def test_the_profiles_listed_are_presets_and_centre_profiles_not_lots_copies(admin_client, world):
    lot, _announcement = announced(world)
    page = admin_client.get("/admin/auctions/ruleprofile/")
    assert page.status_code == 200
    assert admin_client.get(f"/admin/auctions/ruleprofile/{lot.rules_id}/change/").status_code == 302  # not found
    assert RuleProfile.objects.get(pk=lot.rules_id).countdown_seconds == 300


@pytest.mark.parametrize("model", ["bank", "ruleprofile", "tradingcentre", "lot", "entrustment", "announcement"])
def test_every_auctions_admin_page_answers(admin_client, world, model):
    announced(world)
    assert admin_client.get(f"/admin/auctions/{model}/").status_code == 200


def test_centre_staff_cannot_use_the_admin(world):
    client = Client()
    client.force_login(world["staff"])
    assert client.get("/admin/auctions/tradingcentre/", follow=True).status_code == 403
