"""seed_market_demo: users of every role, listings in every state, interactions; a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from market.models import Demand, IntentionQuote, PolicyDocument, PreAnnouncement, SupplyListing, ViewingAppointment

pytestmark = pytest.mark.django_db


def test_the_market_demo_has_every_role_and_state_and_runs_once():
    call_command("seed_demo", parcels=300, amenities=0, stdout=StringIO())
    out = StringIO()
    call_command("seed_market_demo", password="demo password 2026", stdout=out)

    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    assert User.objects.filter(parent__isnull=False).count() == 1
    assert User.objects.filter(verified_at__isnull=True, parent__isnull=True, role=User.Role.USER).count() == 1
    assert set(SupplyListing.objects.values_list("status", flat=True)) == set(SupplyListing.Status.values)
    assert not SupplyListing.objects.filter(region__isnull=True).exists()
    assert IntentionQuote.objects.count() == 20
    assert ViewingAppointment.objects.count() == 4
    assert Demand.objects.filter(status=Demand.Status.REGISTERED).count() == 4
    published = PreAnnouncement.objects.filter(status=PreAnnouncement.Status.PUBLISHED)
    assert published.count() == 1  # from the first grant under 25% investment
    assert PolicyDocument.objects.filter(published_at__isnull=False).count() == 3
    assert User.objects.get(phone="13900000004").check_password("demo password 2026")
    assert "password of every demo account" not in out.getvalue()  # given, so not printed

    counts = (User.objects.count(), SupplyListing.objects.count(), IntentionQuote.objects.count())
    again = StringIO()
    call_command("seed_market_demo", password="other", stdout=again)
    assert "already loaded" in again.getvalue()
    assert (User.objects.count(), SupplyListing.objects.count(), IntentionQuote.objects.count()) == counts
