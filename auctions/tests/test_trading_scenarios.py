"""The trading engine's scenarios on the real database with the clock shifted: the countdown rule, the last
millisecond, price then time, the raise cap, the sealed reserve, suspension, idempotent retries and the close."""

import logging
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from auctions.models import Bid, EvidenceEntry, LotTrading
from auctions.services.trading import (
    BidRefused,
    bid_place,
    lot_close,
    phase_at,
    reserve_enter,
    trading_resume,
    trading_suspend,
)
from auctions.tests.trading_world import bid, qualified_bidder, race, shift_to, trading_lot, verified
from core.clock import db_now, shifted
from core.errors import ApplicationError

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)
MS = timedelta(milliseconds=1)


def trading(world) -> LotTrading:
    return LotTrading.objects.get(lot=world["lot"])


def test_a_bid_at_4_59_into_the_auction_countdown_is_accepted_and_restarts_it():
    world = trading_lot(mode="auction")
    (a, _qa), (b, _qb) = qualified_bidder(world, "甲"), qualified_bidder(world, "乙")
    start = world["lot"].auction_starts_at
    with shifted(shift_to(start, plus=SECOND)):
        first = bid(a, world, "1000")
    assert first.deadline == first.bid.arrived_at + timedelta(minutes=5)
    with shifted(shift_to(first.deadline, plus=-SECOND)):  # 4:59 into the countdown
        second = bid(b, world, "1010")
    assert second.deadline == second.bid.arrived_at + timedelta(minutes=5)
    assert trading(world).countdown_ends_at == second.deadline


def test_a_bid_one_millisecond_after_the_deadline_is_refused_and_the_winner_is_unchanged():
    world = trading_lot(mode="auction")
    (a, qa), (b, _qb) = qualified_bidder(world, "甲"), qualified_bidder(world, "乙")
    with shifted(shift_to(world["lot"].auction_starts_at, plus=SECOND)):
        first = bid(a, world, "1000")
    with shifted(shift_to(first.deadline, plus=MS)), pytest.raises(BidRefused) as late:
        bid(b, world, "2000")
    assert late.value.code == "late"
    with shifted(shift_to(first.deadline, plus=SECOND)):
        result = lot_close(lot_id=world["lot"].pk)
    assert result is not None
    assert (result.outcome, result.winner, result.price_wan) == ("deal", qa.bidder_number, Decimal("1000"))
    assert Bid.objects.filter(lot=world["lot"]).count() == 1


def test_equal_prices_a_millisecond_apart_the_first_wins():
    world = trading_lot(mode="auction")
    (a, qa), (b, _qb) = qualified_bidder(world, "甲"), qualified_bidder(world, "乙")
    with shifted(shift_to(world["lot"].auction_starts_at, plus=SECOND)):
        bid(a, world, "1000")
        with pytest.raises(BidRefused) as equal:
            bid(b, world, "1000")
    assert equal.value.code == "not_higher"
    highest = trading(world).highest_bid
    assert highest is not None
    assert highest.qualification == qa


def test_the_suzhou_rules_refuse_a_raise_of_six_increments_and_accept_five():
    world = trading_lot(rules={"raise_cap_increments": 5, "increment_multiples": True})
    (a, _qa), (b, _qb) = qualified_bidder(world, "甲"), qualified_bidder(world, "乙")
    with shifted(shift_to(world["lot"].listing_starts_at, plus=SECOND)):
        bid(a, world, "1000")
        with pytest.raises(BidRefused) as six:
            bid(b, world, "1060")
        with pytest.raises(BidRefused) as odd:
            bid(b, world, "1015")
        assert bid(b, world, "1050").bid.amount_wan == Decimal("1050")
    assert (six.value.code, odd.value.code) == ("raise_too_large", "not_a_multiple")


def test_a_single_quoter_at_or_above_the_reserve_wins_and_the_reserve_shows_only_after_the_close(caplog):
    caplog.set_level(logging.DEBUG)
    world = trading_lot()
    a, qa = qualified_bidder(world, "甲")
    reserve_enter(user=world["grantor"], lot_id=world["lot"].pk, amount_wan="1234.5")
    assert "1234.5" not in caplog.text
    assert "1234.5" not in str(list(EvidenceEntry.objects.filter(lot=world["lot"]).values_list("data", flat=True)))
    with shifted(shift_to(world["lot"].listing_starts_at, plus=SECOND)):
        bid(a, world, "1240")
    with shifted(shift_to(world["lot"].listing_ends_at, plus=SECOND)):
        result = lot_close(lot_id=world["lot"].pk)
    assert result is not None
    assert (result.outcome, result.winner, result.reserve_wan) == ("deal", qa.bidder_number, Decimal("1234.5"))
    revealed = EvidenceEntry.objects.get(lot=world["lot"], kind="reserve.revealed")
    assert revealed.data["amount_wan"] == "1234.5000"  # sealed with four places (docs/signing.md: the commitment)


def test_the_highest_below_the_reserve_is_no_deal():
    world = trading_lot()
    a, _qa = qualified_bidder(world, "甲")
    reserve_enter(user=world["grantor"], lot_id=world["lot"].pk, amount_wan="5000")
    with shifted(shift_to(world["lot"].listing_starts_at, plus=SECOND)):
        bid(a, world, "1000")
    with shifted(shift_to(world["lot"].listing_ends_at, plus=SECOND)):
        assert lot_close(lot_id=world["lot"].pk) is not None
    assert trading(world).outcome == "failed"
    again = lot_close(lot_id=world["lot"].pk)  # a second close changes nothing
    assert again is not None
    assert again.outcome == "failed"
    assert EvidenceEntry.objects.filter(lot=world["lot"], kind="result").count() == 1


def test_a_reserve_entered_after_its_deadline_is_refused_without_saying_it():
    world = trading_lot()
    with shifted(shift_to(world["lot"].listing_ends_at, plus=SECOND)), pytest.raises(ApplicationError) as late:
        reserve_enter(user=world["grantor"], lot_id=world["lot"].pk, amount_wan="777.77")
    assert getattr(late.value, "code", "") == "reserve_too_late"
    assert "777.77" not in str(late.value)


def test_with_competition_timed_bidding_follows_and_suspension_gives_a_fresh_countdown():
    world = trading_lot(rules={"timed_entry": "all_qualified"})
    (a, _qa), (b, qb) = qualified_bidder(world, "甲"), qualified_bidder(world, "乙")
    lot = world["lot"]
    with shifted(shift_to(lot.listing_starts_at, plus=SECOND)):
        bid(a, world, "1000")
        bid(b, world, "1010")
    with shifted(shift_to(lot.listing_ends_at, plus=10 * SECOND)):
        assert phase_at(lot, trading(world), db_now()).name == "timed"
        placed = bid(a, world, "1020")
        assert placed.bid.stage == "timed"
        trading_suspend(user=world["staff"], lot_id=lot.pk, reason="系统维护")
        with pytest.raises(BidRefused) as suspended:
            bid(b, world, "1030")
        assert suspended.value.code == "suspended"
    with shifted(shift_to(placed.deadline, plus=2 * timedelta(minutes=5))):  # long after the old countdown
        resumed = trading_resume(user=world["staff"], lot_id=lot.pk)
        assert resumed.countdown_ends_at is not None
        assert resumed.countdown_ends_at - db_now() == timedelta(minutes=5)  # a fresh, full countdown
        assert bid(b, world, "1030").bid.qualification == qb


def test_a_retried_bid_is_accepted_once_and_a_reused_id_with_another_amount_is_refused():
    world = trading_lot(mode="auction")
    a, _qa = qualified_bidder(world, "甲")
    client_bid_id = uuid.uuid4()
    with shifted(shift_to(world["lot"].auction_starts_at, plus=SECOND)):
        first = bid_place(user=a, lot_id=world["lot"].pk, client_bid_id=client_bid_id, amount_wan="1000")
        again = bid_place(user=a, lot_id=world["lot"].pk, client_bid_id=client_bid_id, amount_wan="1000")
        with pytest.raises(BidRefused) as reused:
            bid_place(user=a, lot_id=world["lot"].pk, client_bid_id=client_bid_id, amount_wan="1100")
    assert (again.bid.pk, again.replayed, reused.value.code) == (first.bid.pk, True, "bid_id_reused")
    assert Bid.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "code"),
    [("999.99", "below_start"), ("-5", None), ("abc", None), ("1000.00001", None)],
)
def test_bad_amounts_and_the_unqualified_are_refused_with_their_rule(amount, code):
    world = trading_lot(mode="auction")
    a, _qa = qualified_bidder(world, "甲")
    with shifted(shift_to(world["lot"].auction_starts_at, plus=SECOND)):
        with pytest.raises(ApplicationError) as refused:
            bid(a, world, amount)
        assert getattr(refused.value, "code", None) == (code or "invalid")
        from accounts.tests.factories import user_create

        with pytest.raises(BidRefused) as stranger:
            bid(user_create(), world, "1000")
    assert stranger.value.code == "not_qualified"
    assert not Bid.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_many_threads_bidding_on_one_lot_leave_increasing_bids_one_winner_and_a_verified_chain(tmp_path):
    world = trading_lot(mode="auction")
    bidders = [qualified_bidder(world, f"竞买人{i}") for i in range(8)]
    shift = shift_to(world["lot"].auction_starts_at, plus=SECOND)
    with shifted(shift):  # the clock is the process's: shifted once for every thread
        errors = race(world, bidders, rounds=6)
    assert errors == []
    bids = list(Bid.objects.filter(lot=world["lot"]).order_by("evidence_seq"))
    assert [b.amount_wan for b in bids] == sorted(b.amount_wan for b in bids)
    assert len({b.amount_wan for b in bids}) == len(bids)
    assert trading(world).highest_bid == bids[-1]
    protocol = verified(world["lot"], tmp_path)
    accepted = [e for e in protocol["entries"] if e["kind"] == "bid.accepted"]
    assert [e["seq"] for e in accepted] == [b.evidence_seq for b in bids]


def test_a_bid_that_arrived_earlier_but_got_the_lock_later_never_shortens_the_countdown():
    world = trading_lot(mode="auction")
    (a, _qa), (b, _qb) = qualified_bidder(world, "甲"), qualified_bidder(world, "乙")
    start = world["lot"].auction_starts_at
    with shifted(shift_to(start, plus=10 * SECOND)):
        later = bid(b, world, "1000")  # arrived at +10 s, locked first
    with shifted(shift_to(start, plus=5 * SECOND)):
        earlier = bid(a, world, "1010")  # arrived at +5 s (it waited for the lock), accepted second
    assert earlier.bid.arrived_at < later.bid.arrived_at
    assert earlier.deadline == later.deadline == later.bid.arrived_at + timedelta(minutes=5)
    assert trading(world).countdown_ends_at == later.deadline
