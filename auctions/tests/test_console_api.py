"""The centre console's live view over HTTP (GET /api/auctions/centre/trading/): its centre's lots only, for staff
only, in a fixed number of queries whatever the number of lots, and never with the reserve price before the close."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from auctions.services.trading import lot_close, trading_suspend
from auctions.tests.factories import centre_create, centre_staff_create
from auctions.tests.test_lots_and_announcements import announced
from auctions.tests.trading_world import auction_schedule, bid, qualified_bidder, shift_to, trading_lot
from core.clock import shifted

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)
RESERVE = "1987.6543"
URL = "/api/auctions/centre/trading/"


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_see_the_phase_highest_bid_and_deadline_of_their_lots_and_never_the_reserve_before_the_close():
    world = trading_lot(mode="auction")
    lot = world["lot"]
    a, qa = qualified_bidder(world, "甲")
    sealed = client_of(world["grantor"]).post(
        f"/api/auctions/lots/{lot.pk}/reserve/", {"amount_wan": RESERVE}, content_type="application/json"
    )
    assert sealed.status_code == 204
    staff = client_of(world["staff"])
    with shifted(shift_to(lot.auction_starts_at, plus=SECOND)):
        placed = bid(a, world, "1000")
        response = staff.get(URL)
        state = Client().get(f"/api/auctions/lots/{lot.pk}/trading/").json()
    assert response.status_code == 200
    body = response.json()
    (row,) = body["lots"]
    assert (row["id"], row["number"], row["phase"], row["bid_count"]) == (lot.pk, lot.number, "auction", 1)
    assert (row["highest_wan"], row["highest_bidder"]) == ("1000.0000", qa.bidder_number)
    assert row["deadline"] == state["deadline"]
    assert row["result"] is None
    assert RESERVE not in response.content.decode()
    assert "1987" not in response.content.decode()
    assert "甲" not in response.content.decode()  # bidder numbers, never names
    with shifted(shift_to(placed.deadline, plus=SECOND)):
        lot_close(lot_id=lot.pk)
        closed = staff.get(URL).json()["lots"][0]
    assert closed["phase"] == "closed"
    assert (closed["result"]["outcome"], closed["result"]["winner"]) == ("failed", None)  # below the reserve


def test_staff_of_another_centre_see_none_of_these_lots_and_a_bidder_is_refused():
    world = trading_lot(mode="auction")
    a, _qa = qualified_bidder(world, "甲")
    elsewhere = centre_staff_create(centre_create(region=world["regions"]["sichuan"], name="四川省公共资源交易中心"))
    with shifted(shift_to(world["lot"].auction_starts_at, plus=SECOND)):
        other = client_of(elsewhere).get(URL)
        bidder = client_of(a).get(URL)
        anonymous = Client().get(URL)
    assert (other.status_code, other.json()["lots"]) == (200, [])
    assert (bidder.status_code, bidder.json()["error"]["code"]) == (403, "permission_denied")
    assert anonymous.status_code in (401, 403)


def test_the_live_view_takes_the_same_number_of_queries_for_one_lot_or_many():
    world = trading_lot(mode="auction")
    lot = world["lot"]
    a, _qa = qualified_bidder(world, "甲")
    staff = client_of(world["staff"])
    t0 = lot.announcement_starts_at
    with shifted(shift_to(lot.auction_starts_at, plus=SECOND)):
        bid(a, world, "1000")
        staff.get(URL)  # the session and the user are read once warm
        with CaptureQueriesContext(connection) as one:
            assert len(staff.get(URL).json()["lots"]) == 1
    more = [announced(world, auction_schedule(t0))[0] for _ in range(4)]
    trading_suspend(user=world["staff"], lot_id=more[0].pk, reason="系统维护")
    with shifted(shift_to(lot.auction_starts_at, plus=SECOND)), CaptureQueriesContext(connection) as five:
        rows = staff.get(URL).json()["lots"]
    assert len(rows) == 5
    assert {row["phase"] for row in rows} == {"auction", "suspended"}
    assert [row["suspended_reason"] for row in rows if row["phase"] == "suspended"] == ["系统维护"]
    # the session, the user, the clock and the lots with their trading rows, highest bids and results
    assert len(five.captured_queries) == len(one.captured_queries) == 4
