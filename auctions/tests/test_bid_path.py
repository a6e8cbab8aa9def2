"""The bid's path as it is counted in round trips (docs/trading-engine.md, "The bid's path"): the new deadline in the
bid's own evidence entry, the retry found on the way to a refusal or at the insert, refusals that write nothing, the
chain gapless while other writers append to the lot's log between bids, and the statements one bid takes."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from auctions.models import Bid, EvidenceEntry, LotTrading
from auctions.services.evidence import append, utc_text
from auctions.services.trading import BidRefused, bid_place
from auctions.tests.trading_world import bid, qualified_bidder, race, shift_to, trading_lot, verified
from core.clock import shifted

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)


def unchanged(world: dict[str, Any]) -> tuple[Any, ...]:
    """What a refusal must leave as it was: the log, the bids and the trading row."""
    trading = LotTrading.objects.get(lot=world["lot"])
    return (
        list(EvidenceEntry.objects.filter(lot=world["lot"]).values_list("seq", "hash")),
        list(Bid.objects.filter(lot=world["lot"]).values_list("pk", flat=True)),
        (trading.highest_bid_id, trading.bid_count, trading.countdown_ends_at),
    )


def test_an_auction_bid_writes_one_entry_that_carries_the_new_deadline_and_the_chain_verifies(tmp_path):
    world = trading_lot(mode="auction")
    (a, qa), (b, qb) = qualified_bidder(world, "甲"), qualified_bidder(world, "乙")
    before = EvidenceEntry.objects.filter(lot=world["lot"]).count()
    with shifted(shift_to(world["lot"].auction_starts_at, plus=SECOND)):
        first = bid(a, world, "1000")
        second = bid(b, world, "1010")
    new = verified(world["lot"], tmp_path)["entries"][before:]
    assert [(entry["seq"], entry["kind"]) for entry in new] == [
        (first.bid.evidence_seq, "bid.accepted"),
        (second.bid.evidence_seq, "bid.accepted"),
    ]  # no separate countdown entry
    assert [entry["data"] for entry in new] == [
        {
            "bidder": q.bidder_number,
            "amount_wan": amount,
            "stage": "auction",
            "arrived_at": utc_text(placed.bid.arrived_at),
            "deadline": utc_text(placed.bid.arrived_at + timedelta(minutes=5)),
        }
        for q, amount, placed in ((qa, "1000", first), (qb, "1010", second))
    ]
    assert new[1]["at"] == utc_text(second.bid.arrived_at)  # the entry's time is the bid's arrival
    trading = LotTrading.objects.get(lot=world["lot"])
    assert (trading.countdown_ends_at, trading.bid_count, trading.highest_bid_id) == (second.deadline, 2, second.bid.pk)


def test_a_listing_quote_moves_no_deadline_and_its_entry_has_none():
    world = trading_lot()
    a, _qa = qualified_bidder(world, "甲")
    with shifted(shift_to(world["lot"].listing_starts_at, plus=SECOND)):
        quote = bid(a, world, "1000")
    entry = EvidenceEntry.objects.get(lot=world["lot"], seq=quote.bid.evidence_seq)
    assert (entry.kind, quote.bid.stage, "deadline" in entry.data) == ("bid.accepted", "listing", False)
    assert LotTrading.objects.get(lot=world["lot"]).countdown_ends_at is None


def test_a_retry_after_the_deadline_or_outbid_returns_the_first_bid_and_writes_nothing():
    world = trading_lot(mode="auction")
    (a, _qa), (b, _qb) = qualified_bidder(world, "甲"), qualified_bidder(world, "乙")
    first_id = uuid.uuid4()
    with shifted(shift_to(world["lot"].auction_starts_at, plus=SECOND)):
        first = bid_place(user=a, lot_id=world["lot"].pk, client_bid_id=first_id, amount_wan="1000")
        bid(b, world, "1010")
        before = unchanged(world)
        outbid = bid_place(user=a, lot_id=world["lot"].pk, client_bid_id=first_id, amount_wan="1000")
    with shifted(shift_to(LotTrading.objects.get(lot=world["lot"]).countdown_ends_at, plus=SECOND)):
        late = bid_place(user=a, lot_id=world["lot"].pk, client_bid_id=first_id, amount_wan="1000")
    assert [(p.bid.pk, p.replayed) for p in (outbid, late)] == [(first.bid.pk, True)] * 2
    assert unchanged(world) == before


def test_a_reused_bid_id_with_a_higher_amount_meets_the_constraint_and_writes_nothing():
    world = trading_lot(mode="auction")
    a, _qa = qualified_bidder(world, "甲")
    client_bid_id = uuid.uuid4()
    with shifted(shift_to(world["lot"].auction_starts_at, plus=SECOND)):
        bid_place(user=a, lot_id=world["lot"].pk, client_bid_id=client_bid_id, amount_wan="1000")
        before = unchanged(world)
        with pytest.raises(BidRefused) as reused:  # a valid raise: only the insert finds the id taken
            bid_place(user=a, lot_id=world["lot"].pk, client_bid_id=client_bid_id, amount_wan="1010")
    assert reused.value.code == "bid_id_reused"
    assert unchanged(world) == before


@pytest.mark.parametrize(("amount", "code"), [("1000", "not_higher"), ("1005", "below_increment")])
def test_a_refused_bid_changes_nothing(amount, code):
    world = trading_lot(mode="auction")
    (a, _qa), (b, _qb) = qualified_bidder(world, "甲"), qualified_bidder(world, "乙")
    with shifted(shift_to(world["lot"].auction_starts_at, plus=SECOND)):
        bid(a, world, "1000")
        before = unchanged(world)
        with pytest.raises(BidRefused) as refused:
            bid(b, world, amount)
    assert refused.value.code == code
    assert unchanged(world) == before


def test_an_accepted_bid_takes_four_statements_in_its_transaction():
    world = trading_lot(mode="auction")
    (a, _qa), (b, _qb) = qualified_bidder(world, "甲"), qualified_bidder(world, "乙")
    with shifted(shift_to(world["lot"].auction_starts_at, plus=SECOND)):
        bid(a, world, "1000")
        with CaptureQueriesContext(connection) as statements:
            bid(b, world, "1010")
    sql = [query["sql"] for query in statements.captured_queries]
    # the qualification with the arrival time, the trading row's lock, the lot's lock with the highest price, and the
    # one write that reads the chain's head (the savepoints are the test's own transaction's)
    assert len([s for s in sql if "SAVEPOINT" not in s]) == 4, sql


@pytest.mark.django_db(transaction=True)
def test_bids_and_another_writer_of_the_lots_log_leave_one_gapless_verified_chain(tmp_path):
    world = trading_lot(mode="auction")
    bidders = [qualified_bidder(world, f"竞买人{i}") for i in range(4)]
    shift = shift_to(world["lot"].auction_starts_at, plus=SECOND)

    def other_writer() -> None:  # as a deposit arrival does: the lot's row lock only
        for i in range(10):
            with transaction.atomic():
                append(lot_id=world["lot"].pk, kind="other.writer", data={"n": i})

    with shifted(shift):
        errors = race(world, bidders, rounds=5, others=(other_writer,))
    assert errors == []
    entries = verified(world["lot"], tmp_path)["entries"]
    assert [entry["seq"] for entry in entries] == list(range(1, len(entries) + 1))
    bids = list(Bid.objects.filter(lot=world["lot"]).order_by("evidence_seq"))
    accepted = [entry for entry in entries if entry["kind"] == "bid.accepted"]
    assert [entry["seq"] for entry in accepted] == [b.evidence_seq for b in bids]
    assert [b.amount_wan for b in bids] == sorted({b.amount_wan for b in bids})
    assert len([entry for entry in entries if entry["kind"] == "other.writer"]) == 10
