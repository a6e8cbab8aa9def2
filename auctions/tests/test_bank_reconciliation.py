"""Through the fake bank over HTTP: the daily reconciliation (an arrival never notified is recorded from the
statement, one the bank does not report is flagged, staff read both), sub-accounts opened at the bank after commit,
and a bank that fails answered as unavailable."""

import html
import json
import urllib.parse
import urllib.request
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from auctions.banks import BankUnavailable, adapter_for
from auctions.banks.accounts import sub_account_open, sub_account_open_on_commit
from auctions.models import DepositAccount, DepositArrival, Qualification, ReconciliationDifference
from auctions.services.deposits import Notice, arrival_record
from auctions.services.reconciliation import reconcile
from auctions.tasks import open_sub_account
from auctions.tests import bank_world, test_deposits
from auctions.tests.bank_world import account_of, thirds
from auctions.tests.test_deposits import approved, bidder
from tests.fakes.bank import BANK_ZONE, FakeBank, post_over_http

pytestmark = pytest.mark.django_db
world, fake_bank = test_deposits.world, bank_world.fake_bank  # the fixtures
D = ReconciliationDifference.Kind


def today() -> date:
    return datetime.now(BANK_ZONE).date()


def test_reconciliation_records_an_arrival_the_bank_reports_but_never_notified(world, fake_bank: FakeBank):
    application = approved(world, bidder())
    first, second, third = thirds(application)
    for amount in (first, second):
        fake_bank.pay(account_of(application), amount, payer_name="赵六")
    fake_bank.pay(account_of(application), third, payer_name="赵六", send=False)  # the notice is lost

    differences = reconcile(bank_code="ICBC", day=today())

    lost = fake_bank.held[0]["serial"]
    assert [(d.kind, d.serial) for d in differences] == [(D.RECORDED_FROM_STATEMENT, lost)]
    assert DepositArrival.objects.get(serial=lost).counted is True
    assert Qualification.objects.filter(application=application).exists()


def test_reconciliation_flags_an_arrival_the_bank_does_not_report_and_is_idempotent(world, fake_bank: FakeBank):
    application = approved(world, bidder())
    arrival_record(  # a notice the bank's statement will not have
        Notice(
            bank_code="ICBC",
            serial="NOT-AT-BANK",
            account_number=account_of(application),
            amount="1000.00",
            payer_name="赵六",
            payer_account="",
            channel="transfer",
            arrived_at=timezone.now(),
        )
    )

    reconcile(bank_code="ICBC", day=today())
    differences = reconcile(bank_code="ICBC", day=today())

    assert [(d.kind, d.serial) for d in differences] == [(D.NOT_AT_BANK, "NOT-AT-BANK")]


def test_staff_read_the_days_differences(world, fake_bank: FakeBank):
    application = approved(world, bidder())
    fake_bank.pay(account_of(application), "1000.00", payer_name="赵六", send=False)
    reconcile(bank_code="ICBC", day=today())
    client = Client()
    client.force_login(world["staff"])

    response = client.get("/api/auctions/bank/reconciliation/", {"day": today().isoformat()})
    elsewhere = client.get("/api/auctions/bank/reconciliation/", {"day": (today() - timedelta(days=1)).isoformat()})

    assert response.status_code == 200
    assert [(d["bank"], d["kind"], d["arrival"]["amount_yuan"]) for d in response.json()] == [
        ("ICBC", "from_statement", "1000.00")
    ]
    assert elsewhere.json() == []


def test_a_failing_or_slow_bank_is_unavailable_and_nothing_changes(world, fake_bank: FakeBank, settings):
    fake_bank.fail = True
    with pytest.raises(BankUnavailable):
        reconcile(bank_code="ICBC", day=today())
    fake_bank.fail, fake_bank.slow, settings.BANK_TIMEOUT = False, 5.0, 0.2
    with pytest.raises(BankUnavailable):
        adapter_for("ICBC").statement(today())
    assert not ReconciliationDifference.objects.exists()


def test_refund_answers_the_banks_refund_id(fake_bank: FakeBank):
    order = adapter_for("ICBC").refund("S1", Decimal("1000.00"), "6222000011112222")

    assert (order.ref, order.status) == ("RF00000001", "done")
    assert fake_bank.refunds == [{"serial": "S1", "amount": "1000.00", "to_account": "6222000011112222"}]


def test_the_sub_account_is_opened_at_the_bank_after_commit(
    world, fake_bank: FakeBank, django_capture_on_commit_callbacks
):
    application = approved(world, bidder())
    account = DepositAccount.objects.get(application=application)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sub_account_open_on_commit(account)
    assert len(callbacks) == 1  # nothing is asked of the bank before the commit

    fake_bank.fail = True
    with pytest.raises(BankUnavailable):  # the task retries it
        sub_account_open(account_id=account.pk)
    fake_bank.fail = False
    opened = open_sub_account.apply(args=(account.pk,)).get()

    account.refresh_from_db()
    assert opened is True
    assert account.opened_at is not None
    assert fake_bank.opened[account.number]["holder_name"] == "赵六"
    assert sub_account_open(account_id=account.pk) is False  # once


@pytest.mark.django_db(transaction=True)
def test_notices_and_the_development_banks_page_reach_the_live_server_over_http(live_server, fake_bank: FakeBank):
    world = test_deposits.make_world()
    application = approved(world, bidder())
    fake_bank.webhook_url = live_server.url + bank_world.WEBHOOK
    fake_bank.deliver = post_over_http

    first, second, third = thirds(application)

    answers = [fake_bank.pay(account_of(application), amount, payer_name="赵六")[0] for amount in (first, second)]
    unsigned = fake_bank.send(json.loads(fake_bank.sent[0][1]), signed=False)
    form = {"bank": "ICBC", "account_number": account_of(application), "amount": third, "payer_name": "赵六"}
    with urllib.request.urlopen(fake_bank.url + "/pay", data=urllib.parse.urlencode(form).encode()) as page:  # noqa: S310
        shown = page.read().decode()  # the development bank's page: a person pays the rest

    assert [body["status"] for _status, body in answers] == ["recorded"] * 2
    assert unsigned[0] == 401
    assert html.escape('"status": "recorded"') in shown
    assert Qualification.objects.filter(application=application).exists()
