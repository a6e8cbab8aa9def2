"""The Celery beat task that expires listings six months after publication, run on a real worker through Redis."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Message
from market.models import Demand, SupplyListing
from market.tasks import expire_listings
from market.tests.factories import supply_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_beat_schedule_runs_the_expiry_task():
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "market.tasks.expire_listings" in entries


def test_the_expiry_task_expires_what_is_due_and_nothing_else(celery_worker, regions, owner):
    now = timezone.now()
    due = supply_create(owner=owner, region=regions["510104"], expires_at=now - timedelta(minutes=1))
    certified_due = supply_create(
        owner=owner, region=regions["510104"], status=SupplyListing.Status.CERTIFIED, expires_at=now - timedelta(days=1)
    )
    fresh = supply_create(owner=owner, region=regions["510104"], expires_at=now + timedelta(days=1))
    demand = Demand.objects.create(
        owner=owner,
        created_by=owner,
        kind=Demand.Kind.PURCHASE,
        status=Demand.Status.REGISTERED,
        title="求购锦江区商服用地",
        region=regions["510104"],
        registered_at=now - timedelta(days=184),
        expires_at=now - timedelta(days=1),
    )

    counts = expire_listings.delay().get(timeout=30)

    assert counts == {"supply": 2, "demand": 1, "pre_announcements": 0}
    statuses = dict(SupplyListing.objects.values_list("pk", "status"))
    assert statuses == {due.pk: "expired", certified_due.pk: "expired", fresh.pk: "published"}
    demand.refresh_from_db()
    assert demand.status == Demand.Status.EXPIRED
    assert Message.objects.filter(user=owner).count() == 3  # the owner is told of each expiry
