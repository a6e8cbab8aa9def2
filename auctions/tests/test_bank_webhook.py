"""The signed arrival webhook, fed by the fake bank: deposits counted to qualification, the deadline by bank time,
idempotent serials, flags, and notices that are unsigned, forged, stale or malformed changing nothing."""

import time
from datetime import timedelta

import pytest
from django.test import Client

from auctions.models import DepositArrival, Qualification
from auctions.tests import bank_world, test_deposits
from auctions.tests.bank_world import account_of, thirds, through_client
from auctions.tests.test_deposits import approved, bidder
from tests.fakes.bank import FakeBank

pytestmark = pytest.mark.django_db
world, fake_bank = test_deposits.world, bank_world.fake_bank  # the fixtures


def test_three_transfers_summing_to_the_deposit_qualify_the_bidder_at_the_third(world, fake_bank: FakeBank):
    application = approved(world, bidder())
    account = account_of(application)
    first, second, third = thirds(application)

    answers = [
        fake_bank.pay(account, first, payer_name="赵六")[0],
        fake_bank.pay(account, second, payer_name="赵六")[0],
    ]
    assert not Qualification.objects.filter(application=application).exists()
    answers += fake_bank.pay(account, third, payer_name="赵六")

    assert answers == [(200, {"status": "recorded", "counted": True, "flag": ""})] * 3
    assert Qualification.objects.filter(application=application).exists()


def test_an_arrival_a_second_after_the_deadline_by_bank_time_does_not_count(world, fake_bank: FakeBank):
    application = approved(world, bidder())
    late = application.lot.deposit_deadline + timedelta(seconds=1)

    (answer,) = fake_bank.pay(account_of(application), "2400000.00", payer_name="赵六", arrived_at=late)

    assert answer == (200, {"status": "recorded", "counted": False, "flag": "late"})
    assert not Qualification.objects.filter(application=application).exists()


def test_the_same_serial_twice_counts_once(world, fake_bank: FakeBank):
    application = approved(world, bidder())

    answers = fake_bank.pay(account_of(application), "1000.00", payer_name="赵六", repeat=2)

    assert [body["status"] for _status, body in answers] == ["recorded", "duplicate"]
    assert DepositArrival.objects.filter(account__application=application).count() == 1


def test_the_same_serial_with_other_content_is_refused(world, fake_bank: FakeBank):
    application = approved(world, bidder())
    fake_bank.pay(account_of(application), "1000.00", payer_name="赵六", serial="S1")

    status, body = fake_bank.pay(account_of(application), "9000.00", payer_name="赵六", serial="S1")[0]

    assert (status, body["error"]["code"]) == (409, "serial_reused")
    assert DepositArrival.objects.get(serial="S1").amount_yuan == 1000


def test_a_transfer_from_someone_else_is_flagged(world, fake_bank: FakeBank):
    application = approved(world, bidder())

    (answer,) = fake_bank.pay(account_of(application), "2400000.00", payer_name="钱七")

    assert answer == (200, {"status": "recorded", "counted": False, "flag": "payer_mismatch"})
    assert DepositArrival.objects.get(account__application=application).refund_status == "due"


def test_reordered_notices_give_the_same_final_state(world, fake_bank: FakeBank):
    in_order, reversed_ = approved(world, bidder()), approved(world, bidder("孙八"))
    for application, payer in ((in_order, "赵六"), (reversed_, "孙八")):
        for amount in thirds(application):
            fake_bank.pay(account_of(application), amount, payer_name=payer, send=False)
        fake_bank.flush(reverse=application == reversed_)

    def state(application):
        arrivals = DepositArrival.objects.filter(account__application=application)
        return (
            sorted((a.amount_yuan, a.counted, a.flag) for a in arrivals),
            Qualification.objects.filter(application=application).exists(),
        )

    assert state(in_order) == state(reversed_)
    assert state(in_order)[1] is True


@pytest.mark.parametrize(
    ("how", "code"),
    [
        ({"signed": False}, "signature_missing"),
        ({"key": "not-the-banks-key"}, "signature_invalid"),
        ({"timestamp": int(time.time()) - 301}, "timestamp_stale"),
        ({"timestamp": int(time.time()) + 301}, "timestamp_stale"),
        ({"code": "CCB"}, "unknown_bank"),
    ],
)
def test_an_unsigned_forged_stale_or_foreign_notice_changes_nothing_and_says_why(world, fake_bank: FakeBank, how, code):
    application = approved(world, bidder())
    fake_bank.pay(account_of(application), "1000.00", payer_name="赵六", send=False)

    if "timestamp" in how:  # seconds away from now
        how = {"timestamp": int(time.time()) + how["timestamp"]}
    status, body = fake_bank.send(fake_bank.held[0], **how)

    assert (status, body["error"]["code"]) == (401, code)
    assert not DepositArrival.objects.exists()


def test_a_replayed_notice_changes_nothing(world, fake_bank: FakeBank):
    application = approved(world, bidder())
    fake_bank.pay(account_of(application), "1000.00", payer_name="赵六")

    status, body = fake_bank.deliver(*fake_bank.sent[0])  # the very same request again

    assert (status, body["status"]) == (200, "duplicate")
    assert DepositArrival.objects.count() == 1


def test_a_tampered_body_under_a_valid_signature_is_refused(world, fake_bank: FakeBank):
    application = approved(world, bidder())
    fake_bank.pay(account_of(application), "1000.00", payer_name="赵六", send=False)
    fake_bank.deliver = lambda url, body, headers: (0, {})  # the notice is captured on its way
    fake_bank.flush()
    url, body, headers = fake_bank.sent[0]

    status, answer = through_client(Client())(url, body.replace(b"1000.00", b"9000.00"), headers)

    assert (status, answer["error"]["code"]) == (401, "signature_invalid")
    assert not DepositArrival.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "1000.001"}, "amount"),
        ({"amount": "-5.00"}, "amount"),
        ({"arrived_at": "2026-12-01T10:00:00"}, "arrived_at"),
    ],
)
def test_a_malformed_notice_is_answered_with_its_field_errors(world, fake_bank: FakeBank, change, field):
    application = approved(world, bidder())
    fake_bank.pay(account_of(application), "1000.00", payer_name="赵六", send=False)

    status, body = fake_bank.send({**fake_bank.held[0], **change})

    assert status == 400
    assert field in body["error"]["fields"]
    assert not DepositArrival.objects.exists()
