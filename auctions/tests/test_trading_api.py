"""The trading API over HTTP: bids with their codes and retries, the state by the server's clock, staff's
suspension, and the sealed reserve that no answer, log line or error shows before the close."""

import logging
import uuid
from datetime import timedelta

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.services.trading import lot_close
from auctions.tests.trading_world import qualified_bidder, shift_to, trading_lot
from core.clock import shifted

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)
RESERVE = "1987.6543"


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_bid_over_http_is_accepted_replayed_and_refused_by_its_rule():
    world = trading_lot(mode="auction")
    a, qa = qualified_bidder(world, "甲")
    lot = world["lot"]
    bidder = client_of(a)
    body = {"client_bid_id": str(uuid.uuid4()), "amount_wan": "1000"}
    with shifted(shift_to(lot.auction_starts_at, plus=SECOND)):
        accepted = bidder.post(f"/api/auctions/lots/{lot.pk}/bids/", body, content_type="application/json")
        replayed = bidder.post(f"/api/auctions/lots/{lot.pk}/bids/", body, content_type="application/json")
        refused = bidder.post(
            f"/api/auctions/lots/{lot.pk}/bids/",
            {"client_bid_id": str(uuid.uuid4()), "amount_wan": "1005"},
            content_type="application/json",
        )
        state = Client().get(f"/api/auctions/lots/{lot.pk}/trading/").json()
        mine = bidder.get(f"/api/auctions/lots/{lot.pk}/trading/").json()
    assert accepted.status_code == 201, accepted.json()
    assert (replayed.status_code, replayed.json()["seq"]) == (200, accepted.json()["seq"])
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "below_increment")
    assert (state["phase"], state["highest_wan"], state["highest_bidder"]) == ("auction", "1000.0000", qa.bidder_number)
    assert state["deadline"] == accepted.json()["deadline"]
    assert state["my_bidder_number"] is None
    assert mine["my_bidder_number"] == qa.bidder_number
    assert "甲" not in str(state)  # bidder numbers, never names


def test_an_unqualified_caller_is_refused_with_not_qualified_and_anonymous_with_401():
    world = trading_lot(mode="auction")
    body = {"client_bid_id": str(uuid.uuid4()), "amount_wan": "1000"}
    response = client_of(user_create()).post(
        f"/api/auctions/lots/{world['lot'].pk}/bids/", body, content_type="application/json"
    )
    assert (response.status_code, response.json()["error"]["code"]) == (409, "not_qualified")
    assert (
        Client().post(f"/api/auctions/lots/{world['lot'].pk}/bids/", body, content_type="application/json").status_code
        == 401
    )


def test_staff_suspend_and_resume_and_bids_wait():
    world = trading_lot(mode="auction")
    a, _qa = qualified_bidder(world, "甲")
    lot = world["lot"]
    staff = client_of(world["staff"])
    with shifted(shift_to(lot.auction_starts_at, plus=SECOND)):
        assert (
            staff.post(
                f"/api/auctions/work/lots/{lot.pk}/suspend/", {"reason": "网络故障"}, content_type="application/json"
            ).status_code
            == 204
        )
        refused = client_of(a).post(
            f"/api/auctions/lots/{lot.pk}/bids/",
            {"client_bid_id": str(uuid.uuid4()), "amount_wan": "1000"},
            content_type="application/json",
        )
        assert refused.json()["error"]["code"] == "suspended"
        assert staff.post(f"/api/auctions/work/lots/{lot.pk}/resume/").status_code == 204
    other = client_of(user_create(role=User.Role.CENTRE_STAFF, regions=["510000"]))
    assert (
        other.post(
            f"/api/auctions/work/lots/{lot.pk}/suspend/", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_the_reserve_is_in_no_answer_log_or_error_before_the_close_and_shown_after(caplog):
    caplog.set_level(logging.DEBUG)
    world = trading_lot()
    a, _qa = qualified_bidder(world, "甲")
    lot = world["lot"]
    grantor = client_of(world["grantor"])
    answers = [
        grantor.post(f"/api/auctions/lots/{lot.pk}/reserve/", {"amount_wan": RESERVE}, content_type="application/json")
    ]
    assert answers[0].status_code == 204
    answers.append(grantor.get("/api/auctions/grantor/lots/"))  # when it was sealed, never the amount
    sealed = {row["id"]: row["reserve_sealed_at"] for row in answers[-1].json()["results"]}
    assert sealed[lot.pk] is not None
    staff, supervisor = client_of(world["staff"]), client_of(user_create(role=User.Role.SUPERVISOR, regions=["510000"]))
    with shifted(shift_to(lot.listing_starts_at, plus=SECOND)):
        answers += [
            client_of(a).post(
                f"/api/auctions/lots/{lot.pk}/bids/",
                {"client_bid_id": str(uuid.uuid4()), "amount_wan": "1000"},
                content_type="application/json",
            ),
            Client().get(f"/api/auctions/lots/{lot.pk}/trading/"),
            client_of(a).get(f"/api/auctions/lots/{lot.pk}/trading/"),
            Client().get(f"/api/auctions/lots/{lot.pk}/"),
            staff.get(f"/api/auctions/work/lots/{lot.pk}/"),
            supervisor.get(f"/api/auctions/supervision/events/?lot={lot.pk}"),
            supervisor.get("/api/auctions/supervision/lots/"),
            grantor.post(
                f"/api/auctions/lots/{lot.pk}/reserve/", {"amount_wan": "-1"}, content_type="application/json"
            ),
        ]
    with shifted(shift_to(lot.listing_ends_at, plus=SECOND)):
        answers.append(
            grantor.post(
                f"/api/auctions/lots/{lot.pk}/reserve/", {"amount_wan": RESERVE}, content_type="application/json"
            )
        )
    for response in answers:
        assert RESERVE not in response.content.decode(), response.request["PATH_INFO"]
        assert "1987.65" not in response.content.decode()
    assert answers[-1].json()["error"]["code"] == "reserve_too_late"
    assert RESERVE not in caplog.text
    with shifted(shift_to(lot.listing_ends_at, plus=SECOND)):
        lot_close(lot_id=lot.pk)
        after = Client().get(f"/api/auctions/lots/{lot.pk}/trading/").json()
    assert (after["phase"], after["outcome"], after["reserve_wan"]) == ("closed", "failed", RESERVE)


def test_only_the_lots_grantor_enters_its_reserve():
    world = trading_lot()
    other_grantor = client_of(user_create(role=User.Role.GRANTOR, regions=["510107"]))
    response = other_grantor.post(
        f"/api/auctions/lots/{world['lot'].pk}/reserve/", {"amount_wan": "1"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_the_state_offers_the_next_valid_amounts_by_the_rules_and_none_outside_bidding():
    world = trading_lot(mode="auction", rules={"increment_multiples": True, "raise_cap_increments": 3})
    a, _qa = qualified_bidder(world, "甲")
    b, _qb = qualified_bidder(world, "乙")
    lot = world["lot"]
    before = Client().get(f"/api/auctions/lots/{lot.pk}/trading/").json()
    with shifted(shift_to(lot.auction_starts_at, plus=SECOND)):
        first = Client().get(f"/api/auctions/lots/{lot.pk}/trading/").json()
        client_of(a).post(
            f"/api/auctions/lots/{lot.pk}/bids/",
            {"client_bid_id": str(uuid.uuid4()), "amount_wan": "1000"},
            content_type="application/json",
        )
        after = Client().get(f"/api/auctions/lots/{lot.pk}/trading/").json()
        # every amount offered is accepted by the engine (the largest one: the cap's edge)
        top = client_of(b).post(
            f"/api/auctions/lots/{lot.pk}/bids/",
            {"client_bid_id": str(uuid.uuid4()), "amount_wan": after["next_amounts"][-1]},
            content_type="application/json",
        )
    assert (before["phase"], before["next_amounts"], before["min_next_wan"]) == ("not_started", [], None)
    assert (first["increment_wan"], first["raise_cap_increments"], first["multiples"]) == ("10.0000", 3, True)
    assert first["next_amounts"][:2] == ["1000.0000", "1010.0000"]
    assert first["min_next_wan"] == "1000.0000"
    assert after["next_amounts"] == ["1010.0000", "1020.0000", "1030.0000"]
    assert after["min_next_wan"] == "1010.0000"
    assert top.status_code == 201, top.json()
