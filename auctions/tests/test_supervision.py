"""Supervisors read the trading of their regions — lots in any state, submitted entrustments and the trail of who
did what — and nothing outside them; every write leaves its event in the same transaction."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import TradingEvent
from auctions.services.lots import lot_return, lot_submit_by_grantor
from auctions.tests.factories import centre_create, centre_staff_create, listing_terms, sichuan_regions
from auctions.tests.test_lots_and_announcements import announced, grant

pytestmark = pytest.mark.django_db


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


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_each_step_of_a_lot_leaves_its_event_with_the_actor_in_order(world):
    lot, announcement = announced(world)
    events = list(TradingEvent.objects.filter(lot=lot).values_list("action", "actor_id"))
    assert events == [
        ("lot.submitted", world["grantor"].pk),
        ("lot.registered", world["staff"].pk),
        ("announcement.normal", world["staff"].pk),
    ]
    assert TradingEvent.objects.get(action="announcement.normal").note == announcement.number


def test_a_refused_step_leaves_no_event(world):
    lot = lot_submit_by_grantor(user=world["grantor"], grant=grant(world), terms=listing_terms())
    with pytest.raises(Exception):  # noqa: B017, PT011 - any refusal: no reason given
        lot_return(user=world["staff"], lot_id=lot.pk, reason="")
    assert not TradingEvent.objects.filter(action="lot.returned").exists()


def test_a_supervisor_reads_the_lots_and_trail_of_the_region_and_nothing_else(world):
    lot, _announcement = announced(world)
    submitted = lot_submit_by_grantor(user=world["grantor"], grant=grant(world, title="另一块"), terms=listing_terms())
    inside = client_of(user_create(role=User.Role.SUPERVISOR, regions=["510100"]))
    outside = client_of(user_create(role=User.Role.SUPERVISOR, regions=["110000"]))
    lots = inside.get("/api/auctions/supervision/lots/").json()["results"]
    assert {item["id"] for item in lots} == {lot.pk, submitted.pk}  # any state, the submitted one too
    trail = inside.get(f"/api/auctions/supervision/events/?lot={lot.pk}").json()["results"]
    assert [event["action"] for event in trail] == ["announcement.normal", "lot.registered", "lot.submitted"]
    assert trail[0]["actor"]["role"] == "centre_staff"
    assert outside.get("/api/auctions/supervision/lots/").json()["results"] == []
    assert outside.get("/api/auctions/supervision/events/").json()["results"] == []
    assert client_of(world["staff"]).get("/api/auctions/supervision/events/").status_code == 403
