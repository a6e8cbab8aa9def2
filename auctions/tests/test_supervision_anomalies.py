"""Supervision's warnings (auctions/anomalies.py) and what supervisors read: a bidder refused five times within a
minute leaves one warning per window (someone not qualified is counted but never named), an accepted bid counts
nothing, a close more than five seconds after its deadline leaves a late_close; the warnings and the protocol are read
by the supervisors of the lot's region only."""

import logging
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Anomaly, Lot
from auctions.services.evidence import utc_text
from auctions.services.trading import lot_close
from auctions.tests.trading_world import bid, qualified_bidder, shift_to, trading_lot
from core.clock import shifted

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_bid(client: Client, lot: Lot, amount: str = "1000") -> Any:
    body = {"client_bid_id": str(uuid.uuid4()), "amount_wan": amount}
    return client.post(f"/api/auctions/lots/{lot.pk}/bids/", body, content_type="application/json")


def refusals(lot: Lot) -> list[dict[str, Any]]:
    return list(Anomaly.objects.filter(lot=lot, kind="refusals").order_by("id").values_list("detail", flat=True))


def test_five_refusals_within_a_minute_leave_one_warning_per_bidder_and_a_sixth_no_other():
    world = trading_lot(mode="auction")  # the auction has not started: every bid is refused `not_started`
    lot = world["lot"]
    (a, qa), (b, qb) = qualified_bidder(world, "甲"), qualified_bidder(world, "乙")
    stranger = user_create(real_name="丙某某")
    for _ in range(4):
        assert post_bid(client_of(a), lot).status_code == 409
    assert refusals(lot) == []
    answer = post_bid(client_of(a), lot)
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "not_started")
    post_bid(client_of(a), lot)  # the sixth
    for _ in range(5):
        post_bid(client_of(b), lot)
        post_bid(client_of(stranger), lot)
    window = {"refusals": 5, "window_seconds": 60}
    assert refusals(lot) == [
        {"bidder_number": qa.bidder_number, "last_code": "not_started", **window},
        {"bidder_number": qb.bidder_number, "last_code": "not_started", **window},
        {"bidder_number": None, "last_code": "not_qualified", **window},  # counted by user id, named nowhere
    ]


def test_an_accepted_bid_counts_no_refusal():
    world = trading_lot(mode="auction")
    lot = world["lot"]
    a, _qa = qualified_bidder(world, "甲")
    for _ in range(4):
        post_bid(client_of(a), lot)
    with shifted(shift_to(lot.auction_starts_at, plus=SECOND)):
        assert [post_bid(client_of(a), lot, amount).status_code for amount in ("1000", "1010", "1020")] == [201] * 3
        assert refusals(lot) == []
        assert post_bid(client_of(a), lot, "1020").json()["error"]["code"] == "not_higher"  # the fifth refusal
    assert [detail["last_code"] for detail in refusals(lot)] == ["not_higher"]


def test_with_redis_down_a_refusal_is_answered_as_ever_and_a_warning_logged(caplog):
    world = trading_lot(mode="auction")
    a, _qa = qualified_bidder(world, "甲")
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"), caplog.at_level(logging.WARNING, "auctions.anomalies"):
        answer = post_bid(client_of(a), world["lot"])
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "not_started")
    assert "was not counted" in caplog.text


@pytest.mark.parametrize(("late", "noted"), [(SECOND, None), (10 * SECOND, 10.0)])
def test_a_close_more_than_five_seconds_after_the_deadline_leaves_a_late_close(late, noted):
    world = trading_lot(mode="auction")
    lot = world["lot"]
    a, _qa = qualified_bidder(world, "甲")
    with shifted(shift_to(lot.auction_starts_at, plus=SECOND)):
        deadline = bid(a, world, "1000").deadline
    with shifted(shift_to(deadline, plus=late)):
        assert lot_close(lot_id=lot.pk) is not None
    found = [anomaly.detail for anomaly in Anomaly.objects.filter(lot=lot, kind="late_close")]
    if noted is None:
        assert found == []
    else:
        assert deadline is not None
        closed_at = utc_text(deadline + late)
        assert found == [{"deadline": utc_text(deadline), "closed_at": closed_at, "seconds_late": noted}]


def test_supervisors_of_the_region_read_the_warnings_and_the_lots_count_and_no_one_else():
    world = trading_lot(mode="auction")
    lot = world["lot"]
    Anomaly.objects.create(lot=lot, kind="late_close", detail={"seconds_late": 9}, created_at=lot.created_at)
    Anomaly.objects.create(lot=lot, kind="refusals", detail={"refusals": 5}, created_at=lot.created_at + SECOND)
    inside = client_of(user_create(role=User.Role.SUPERVISOR, regions=["510100"]))
    outside = client_of(user_create(role=User.Role.SUPERVISOR, regions=["110000"]))
    url = "/api/auctions/supervision/anomalies/"

    found = inside.get(url, {"lot": lot.pk}).json()
    assert [(item["kind"], item["lot_number"]) for item in found["results"]] == [
        ("refusals", lot.number),  # newest first
        ("late_close", lot.number),
    ]
    assert [item["kind"] for item in inside.get(url, {"kind": "late_close"}).json()["results"]] == ["late_close"]
    lots = inside.get("/api/auctions/supervision/lots/", {"q": lot.title[:2]}).json()["results"]
    assert [(item["id"], item["anomalies"]) for item in lots] == [(lot.pk, 2)]
    assert inside.get("/api/auctions/supervision/lots/", {"q": "没有这个词"}).json()["results"] == []
    bad = inside.get(url, {"kind": "everything"})
    assert (bad.status_code, list(bad.json()["error"]["fields"])) == (400, ["kind"])

    assert outside.get(url).json()["results"] == []
    assert outside.get(url, {"lot": lot.pk}).status_code == 404
    assert client_of(user_create()).get(url).status_code == 403
    assert client_of(world["staff"]).get(url).status_code == 403


def test_supervisors_of_the_region_read_the_protocol_before_the_close():
    world = trading_lot(mode="auction")
    lot = world["lot"]
    url = f"/api/auctions/lots/{lot.pk}/protocol/"
    inside = client_of(user_create(role=User.Role.SUPERVISOR, regions=["510104"]))
    outside = client_of(user_create(role=User.Role.SUPERVISOR, regions=["110000"]))
    answer = inside.get(url)
    assert answer.status_code == 200
    assert answer.json()["lot"] == lot.pk
    assert outside.get(url).status_code == 404
    assert client_of(user_create()).get(url).status_code == 404
    assert Client().get(url).status_code == 404
