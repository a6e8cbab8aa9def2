"""Listing-to-auction conversion (挂牌转拍卖): a listing with enough bidders quoting in its last window becomes an
online auction after a preparation time, open to those who quoted; otherwise the profile's timed bidding follows."""

from datetime import timedelta

import pytest

from auctions.models import LotTrading
from auctions.services.trading import BidRefused, lot_close, phase_at
from auctions.tests.trading_world import bid, qualified_bidder, shift_to, trading_lot
from core.clock import db_now, shifted

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)
HOUR = timedelta(hours=1)
CONVERSION = {
    "auction_conversion": True,
    "conversion_min_bidders": 2,
    "conversion_window_seconds": 3600,
    "conversion_preparation_seconds": 900,
    "timed_entry": "all_qualified",
}


def phase(world) -> str:
    return phase_at(world["lot"], LotTrading.objects.get(lot=world["lot"]), db_now()).name


def test_two_bidders_quoting_in_the_last_hour_turn_the_listing_into_an_auction_for_those_who_quoted():
    world = trading_lot(rules=CONVERSION)
    lot = world["lot"]
    (a, _qa), (b, qb), (c, _qc) = (qualified_bidder(world, name) for name in ("甲", "乙", "丙"))
    with shifted(shift_to(lot.listing_ends_at, plus=-HOUR + SECOND)):
        bid(a, world, "1000")
        bid(b, world, "1010")
    with shifted(shift_to(lot.listing_ends_at, plus=10 * SECOND)):
        assert phase(world) == "preparing"
        with pytest.raises(BidRefused) as early:
            bid(a, world, "1020")
        assert early.value.code == "not_started"
    start = lot.listing_ends_at + timedelta(seconds=900)
    with shifted(shift_to(start, plus=SECOND)):
        assert phase(world) == "auction"
        with pytest.raises(BidRefused) as outsider:
            bid(c, world, "1020")  # qualified, never quoted
        assert outsider.value.code == "not_in_timed_bidding"
        placed = bid(b, world, "1020")
        assert placed.bid.stage == "auction"
        assert placed.deadline == placed.bid.arrived_at + timedelta(minutes=5)  # the countdown rule
    with shifted(shift_to(placed.deadline, plus=SECOND)):
        result = lot_close(lot_id=lot.pk)
    assert result is not None
    assert (result.outcome, result.winner, str(result.price_wan)) == ("deal", qb.bidder_number, "1020.0000")


def test_quotes_before_the_window_lead_to_timed_bidding_instead():
    world = trading_lot(rules=CONVERSION)
    lot = world["lot"]
    (a, _qa), (b, _qb) = qualified_bidder(world, "甲"), qualified_bidder(world, "乙")
    with shifted(shift_to(lot.listing_ends_at, plus=-2 * HOUR)):
        bid(a, world, "1000")
        bid(b, world, "1010")
    with shifted(shift_to(lot.listing_ends_at, plus=10 * SECOND)):
        assert phase(world) == "timed"
        assert bid(a, world, "1020").bid.stage == "timed"
