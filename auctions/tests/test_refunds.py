"""Deposits after the trade, through the fake bank over HTTP: every non-winner refunded and the winner's counted
deposit converted, exactly once even when the task runs twice or concurrently; flagged arrivals refunded at once; a
failed or terminated lot refunds everything; a bank that is down is retried later; a replayed order answers the same
reference and pays nothing more; amounts exact to the fen; reconciliation of the outgoing side; the bidder's and the
centre staff's reads and the staff's retry."""

import threading
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import user_create
from auctions.banks import BankRefused, adapter_for
from auctions.models import DepositArrival, DepositMovement, Lot, LotResult, Qualification
from auctions.services.deposits import Notice, arrival_record
from auctions.services.reconciliation import MOVEMENT_DIFFERS, MOVEMENT_MISSING, reconcile
from auctions.services.refunds import lot_movements_send, movement_send, movements_due, movements_plan
from auctions.services.trading import lot_close
from auctions.tasks import send_due_movements, settle_lot_deposits
from auctions.tests import bank_world
from auctions.tests.factories import centre_create, centre_staff_create
from auctions.tests.trading_world import bid, qualified_bidder, shift_to, trading_lot
from config.celery import app
from core.clock import db_now, shifted
from tests.fakes.bank import BANK_ZONE, FakeBank

pytestmark = pytest.mark.django_db
fake_bank = bank_world.fake_bank  # the fixture
M = DepositMovement
SECOND = timedelta(seconds=1)


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks queued after a commit run at once, in the test's thread (as the worker would run them)."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def pay(world: dict[str, Any], qualification: Qualification, amount: str, **notice: Any) -> DepositArrival:
    application = qualification.application
    values: dict[str, Any] = {
        "bank_code": "ICBC",
        "serial": f"X{application.pk}-{amount}",
        "account_number": application.deposit_account.number,
        "amount": amount,
        "payer_name": application.applicant.real_name,
        "payer_account": f"62220000{application.pk:08d}",
        "channel": "transfer",
        "arrived_at": timezone.now(),
    } | notice
    return arrival_record(Notice(**values))[0]


def closed_deal(world: dict[str, Any]) -> dict[str, Any]:
    """An auction: 甲 bids 1000, 乙 1010 and wins, 丙 never bids; 甲 also paid an extra 1234.56 元. Closed."""
    (a, qa), (b, qb), (_c, qc) = (qualified_bidder(world, name) for name in ("甲", "乙", "丙"))
    pay(world, qa, "1234.56")
    with shifted(shift_to(world["lot"].auction_starts_at, plus=SECOND)):
        bid(a, world, "1000")
        last = bid(b, world, "1010")
    with shifted(shift_to(last.deadline, plus=SECOND)):
        result = lot_close(lot_id=world["lot"].pk)
    assert result is not None
    assert result.outcome == "deal"
    return {"winner": qb, "losers": [qa, qc]}


def movements(world: dict[str, Any]) -> dict[str, M]:
    found = M.objects.filter(arrival__account__application__lot=world["lot"]).select_related("arrival")
    return {m.arrival.serial: m for m in found}


def test_a_closed_deal_refunds_every_non_winner_and_converts_the_winners_deposit_once(
    fake_bank: FakeBank, eager, django_capture_on_commit_callbacks
):
    world = trading_lot(mode="auction")
    (a, qa), (b, qb), _c = (qualified_bidder(world, name) for name in ("甲", "乙", "丙"))
    pay(world, qa, "1234.56")
    with shifted(shift_to(world["lot"].auction_starts_at, plus=SECOND)):
        bid(a, world, "1000")
        last = bid(b, world, "1010")
    with shifted(shift_to(last.deadline, plus=SECOND)), django_capture_on_commit_callbacks(execute=True) as hooks:
        lot_close(lot_id=world["lot"].pk)  # the result's hook runs the lot's task after the commit

    assert [hook.__qualname__.split(".")[0] for hook in hooks] == [
        "publish_on_commit",
        "settle_on_commit",
        "sign_on_commit",  # the published root (auctions/services/roots.py)
    ]
    found = movements(world)
    arrivals = DepositArrival.objects.filter(account__application__lot=world["lot"])
    winner = {f"Q{qb.application_id}"}
    assert {serial: (m.kind, m.cause, m.status) for serial, m in found.items()} == {
        a.serial: ("conversion", "won", "done") if a.serial in winner else ("refund", "lost", "done") for a in arrivals
    }
    assert len(fake_bank.conversions) == 1
    assert fake_bank.conversions[0] == {
        "serial": f"Q{qb.application_id}",
        "amount": "1000000.00",
        "lot_number": world["lot"].number,
    }
    refunded = {r["serial"]: r["amount"] for r in fake_bank.refunds}
    assert refunded == {a.serial: f"{a.amount_yuan:.2f}" for a in arrivals if a.serial not in winner}
    assert refunded[f"X{qa.application_id}-1234.56"] == "1234.56"
    moved = sum(Decimal(r["amount"]) for r in fake_bank.refunds + fake_bank.conversions)
    assert moved == sum(a.amount_yuan for a in arrivals) == Decimal("3001234.56")  # to the fen
    assert {a.serial: a.refund_status for a in arrivals.all()} == {
        a.serial: "converted" if a.serial in winner else "done" for a in arrivals
    }
    assert all(m.bank_ref and m.sent_at and m.done_at and m.attempts == 1 for m in found.values())

    calls = fake_bank.order_calls
    settle_lot_deposits(world["lot"].pk)  # the task again: nothing more is planned or sent
    settle_lot_deposits.delay(world["lot"].pk)
    assert fake_bank.order_calls == calls
    assert M.objects.count() == len(found)


@pytest.mark.django_db(transaction=True)
def test_two_workers_settling_the_same_lot_at_once_move_each_deposit_once(fake_bank: FakeBank, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(settle_lot_deposits, "delay", queued.append)  # the hook's task: run by the threads below
    world = trading_lot(mode="auction")
    closed_deal(world)
    assert queued == [world["lot"].pk]  # the result's commit queued the lot's task once
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            lot_movements_send(world["lot"].pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    found = movements(world)
    assert len(found) == 4
    assert {m.status for m in found.values()} == {"done"}
    paid = [r["serial"] for r in fake_bank.refunds] + [c["serial"] for c in fake_bank.conversions]
    assert sorted(paid) == sorted(found)  # each arrival's money moved once
    assert len(fake_bank.conversions) == 1


def test_a_bank_that_is_down_is_retried_later_and_a_failed_lot_refunds_everyone(fake_bank: FakeBank):
    world = trading_lot(mode="auction")
    qualified_bidder(world, "甲")
    _b, qb = qualified_bidder(world, "乙")
    pay(world, qb, "0.01")
    with shifted(shift_to(world["lot"].auction_starts_at, plus=timedelta(hours=1))):
        assert lot_close(lot_id=world["lot"].pk).outcome == "failed"  # type: ignore[union-attr]
    fake_bank.fail = True

    assert lot_movements_send(world["lot"].pk) == 0

    found = movements(world)
    assert {(m.kind, m.cause, m.status, m.attempts) for m in found.values()} == {("refund", "failed", "pending", 1)}
    assert {m.last_error for m in found.values()} == {"bank_unavailable: HTTP 500 internal"}
    assert set(DepositArrival.objects.values_list("refund_status", flat=True)) == {"due"}
    assert movements_due() == []  # the next attempt waits for its backoff
    fake_bank.fail = False
    with shifted(timedelta(seconds=61)):
        assert sorted(movements_due()) == sorted(m.arrival_id for m in found.values())
        assert send_due_movements() == 3

    found = movements(world)
    assert {(m.status, m.attempts, m.last_error) for m in found.values()} == {("done", 2, "")}
    assert sorted((r["serial"], r["amount"]) for r in fake_bank.refunds) == sorted(
        (serial, f"{m.amount_yuan:.2f}") for serial, m in found.items()
    )
    assert set(DepositArrival.objects.values_list("refund_status", flat=True)) == {"done"}


def test_a_replayed_order_answers_the_same_reference_and_never_pays_twice(fake_bank: FakeBank):
    world = trading_lot(mode="auction")
    outcome = closed_deal(world)
    movements_plan(world["lot"].pk)
    serial = f"Q{outcome['losers'][1].application_id}"
    arrival_id = DepositArrival.objects.get(serial=serial).pk
    fake_bank.lose_answers = 1  # the bank pays, then its answer is lost on the way

    lost = movement_send(arrival_id)
    again = movement_send(arrival_id)

    assert lost is not None
    assert again is not None
    assert (lost.status, lost.bank_ref, lost.last_error) == ("pending", "", "bank_unavailable: HTTP 500 internal")
    assert (again.status, again.attempts) == ("done", 2)
    assert [r["serial"] for r in fake_bank.refunds] == [serial]  # paid once
    bank = adapter_for("ICBC")
    replay = bank.refund(serial, Decimal("1000000.00"), "")
    assert replay.ref == again.bank_ref
    assert [r["serial"] for r in fake_bank.refunds] == [serial]
    with pytest.raises(BankRefused):  # the same serial with another amount: refused for good
        bank.refund(serial, Decimal("999999.99"), "")


def test_the_development_banks_codes_keep_their_orders_apart_and_idempotent(fake_bank: FakeBank, settings, monkeypatch):
    monkeypatch.setenv("TEST_BANK_KEY_BOC", fake_bank.key)
    settings.BANKS = {
        "ICBC": {"url": f"{fake_bank.url}/ICBC", "key_env": bank_world.KEY_ENV},
        "BOC": {"url": f"{fake_bank.url}/BOC", "key_env": "TEST_BANK_KEY_BOC"},
    }

    first = adapter_for("ICBC").convert("S1", Decimal("10.00"), "川DCR[2026]0001")
    repeat = adapter_for("ICBC").convert("S1", Decimal("10.00"), "川DCR[2026]0001")
    other_bank = adapter_for("BOC").convert("S1", Decimal("10.00"), "川DCR[2026]0001")

    assert first == repeat
    assert other_bank.ref != first.ref
    assert len(fake_bank.conversions) == 2
    day = datetime_today()
    assert [m.ref for m in adapter_for("ICBC").movements(day)] == [first.ref]


def datetime_today():  # the bank's calendar day
    from datetime import datetime

    return datetime.now(BANK_ZONE).date()


def test_flagged_arrivals_are_refunded_at_once_to_the_payer(
    fake_bank: FakeBank, eager, django_capture_on_commit_callbacks
):
    world = trading_lot(mode="auction")
    _user, qualification = qualified_bidder(world, "甲")
    with django_capture_on_commit_callbacks(execute=True):
        cash = pay(world, qualification, "500.00", channel="cash", serial="CASH1")
    with django_capture_on_commit_callbacks(execute=True):
        stranger = pay(world, qualification, "700.07", payer_name="路人", payer_account="6222999988887777", serial="P1")
    with django_capture_on_commit_callbacks(execute=True):
        unknown = pay(world, qualification, "1.00", account_number="6222000000000000000", serial="U1")

    for arrival in (cash, stranger, unknown):
        arrival.refresh_from_db()
        assert (arrival.counted, arrival.refund_status, arrival.movement.cause) == (False, "done", "flagged")
    assert {r["serial"]: (r["amount"], r["to_account"]) for r in fake_bank.refunds} == {
        "CASH1": ("500.00", cash.payer_account),
        "P1": ("700.07", "6222999988887777"),
        "U1": ("1.00", unknown.payer_account),
    }
    assert M.objects.filter(kind="conversion").count() == 0  # the lot still trades: nothing else moves


def test_the_bank_that_settles_later_is_asked_again_until_it_confirms(fake_bank: FakeBank):
    world = trading_lot(mode="auction")
    qualified_bidder(world, "甲")
    Lot.objects.filter(pk=world["lot"].pk).update(status=Lot.Status.TERMINATED)  # as a termination leaves it
    fake_bank.settle_later = True

    lot_movements_send(world["lot"].pk)
    (movement,) = movements(world).values()
    assert (movement.kind, movement.cause, movement.status) == ("refund", "terminated", "sent")
    assert movement.arrival.refund_status == "requested"
    assert fake_bank.refunds == []
    fake_bank.settle()
    done = movement_send(movement.arrival_id)

    assert done is not None
    assert (done.status, done.bank_ref) == ("done", movement.bank_ref)
    assert len(fake_bank.refunds) == 1
    assert DepositArrival.objects.get(pk=movement.arrival_id).refund_status == "done"


def test_a_revoked_deal_leaves_the_winners_deposit_to_staff(fake_bank: FakeBank):
    world = trading_lot(mode="auction")
    outcome = closed_deal(world)
    LotResult.objects.filter(lot=world["lot"]).update(revoked_at=db_now(), revoked_reason="撤销")

    planned = movements_plan(world["lot"].pk)

    assert {m.cause for m in planned} == {"revoked"}
    winner = outcome["winner"].application_id
    assert f"Q{winner}" not in {m.arrival.serial for m in planned}
    assert not M.objects.filter(arrival__account__application_id=winner).exists()


def test_a_refusal_fails_the_movement_and_staff_retry_it(
    fake_bank: FakeBank, eager, django_capture_on_commit_callbacks
):
    world = trading_lot(mode="auction")
    outcome = closed_deal(world)
    loser = outcome["losers"][1]
    serial = f"Q{loser.application_id}"
    fake_bank.refuse = {serial}
    lot_movements_send(world["lot"].pk)
    failed = M.objects.get(arrival__serial=serial)
    assert (failed.status, failed.last_error) == ("failed", "bank_refused: HTTP 409 account_closed")
    staff, stranger = Client(), Client()
    staff.force_login(world["staff"])
    other_centre = centre_create(region=world["regions"]["chengdu"], name="另一个中心")
    stranger.force_login(centre_staff_create(other_centre))
    base = f"/api/auctions/work/lots/{world['lot'].pk}/deposit-movements/"

    listed = staff.get(base)
    assert listed.status_code == 200
    rows = {row["serial"]: row for row in listed.json()["results"]}
    assert (rows[serial]["status"], rows[serial]["applicant"], rows[serial]["bidder_number"]) == (
        "failed",
        "丙",
        loser.bidder_number,
    )
    assert rows[f"Q{outcome['winner'].application_id}"]["kind"] == "conversion"
    assert stranger.get(base).status_code == 404
    assert stranger.post(f"{base}{failed.arrival_id}/retry/").status_code == 404
    done_one = next(row["arrival"] for row in rows.values() if row["status"] == "done")
    assert staff.post(f"{base}{done_one}/retry/").json()["error"]["code"] == "not_failed"

    fake_bank.refuse = set()
    with django_capture_on_commit_callbacks(execute=True):
        retried = staff.post(f"{base}{failed.arrival_id}/retry/")

    assert retried.status_code == 200
    assert retried.json()["status"] == "pending"  # as the answer left it; the send followed the commit
    assert M.objects.get(pk=failed.pk).status == "done"
    assert sum(1 for r in fake_bank.refunds if r["serial"] == serial) == 1


def test_the_bidder_sees_its_own_arrivals_movements(fake_bank: FakeBank):
    world = trading_lot(mode="auction")
    outcome = closed_deal(world)
    lot_movements_send(world["lot"].pk)
    winner, loser = Client(), Client()
    winner.force_login(outcome["winner"].application.applicant)
    loser.force_login(outcome["losers"][0].application.applicant)

    won = winner.get(f"/api/auctions/applications/{outcome['winner'].application_id}/").json()
    lost = loser.get(f"/api/auctions/applications/{outcome['losers'][0].application_id}/").json()

    assert [(a["refund_status"], a["movement"]["kind"], a["movement"]["status"]) for a in won["arrivals"]] == [
        ("converted", "conversion", "done")
    ]
    assert [(a["amount_yuan"], a["refund_status"], a["movement"]["status"]) for a in lost["arrivals"]] == [
        ("1000000.00", "done", "done"),
        ("1234.56", "done", "done"),
    ]
    assert all(a["movement"]["bank_ref"] for a in lost["arrivals"])
    other = user_create(real_name="路人")
    loser.force_login(other)
    assert loser.get(f"/api/auctions/applications/{outcome['winner'].application_id}/").status_code == 404


def test_reconciliation_reports_a_movement_the_bank_does_not_know_or_that_differs(fake_bank: FakeBank):
    world = trading_lot(mode="auction")
    closed_deal(world)
    lot_movements_send(world["lot"].pk)
    today = datetime_today()

    def outgoing() -> set[tuple[str, str]]:  # (the arrivals were recorded without the bank: not_at_bank, not ours)
        found = reconcile(bank_code="ICBC", day=today)
        return {(d.kind, d.serial) for d in found if d.kind in (MOVEMENT_MISSING, MOVEMENT_DIFFERS)}

    assert outgoing() == set()  # the statement agrees
    orders = list(fake_bank.orders)
    forgotten, altered = orders[0], orders[1]
    del fake_bank.orders[forgotten]  # the bank has no record of it
    fake_bank.orders[altered]["amount"] = "1.00"

    assert outgoing() == {(MOVEMENT_MISSING, forgotten[2]), (MOVEMENT_DIFFERS, altered[2])}
