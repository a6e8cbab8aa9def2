"""Bid applications, deposit sub-accounts, arrivals and qualification at the service level (the bank's HTTP side is
tested through the fake bank): exact money, idempotent notices, the deadline by the bank's time, one bidder's data."""

import json
import subprocess
import sys
import threading
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Bank, BidApplication, DepositArrival, EvidenceEntry, Qualification
from auctions.services.applications import (
    ApplicationForm,
    ApplicationRefused,
    application_approve,
    application_reject,
    application_submit,
)
from auctions.services.deposits import (
    ArrivalConflict,
    Notice,
    arrival_record,
    luhn_valid,
    qualification_issue_manual,
)
from auctions.services.evidence import protocol_export
from auctions.tests.factories import centre_create, centre_staff_create, listing_terms, sichuan_regions
from auctions.tests.test_lots_and_announcements import announced
from core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db
VERIFIER = Path(settings.BASE_DIR) / "scripts" / "verify_evidence.py"


def make_world() -> dict:
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    bank = Bank.objects.create(code="ICBC", name="中国工商银行", account_prefix="6222")
    centre.banks.add(bank)
    world = {
        "regions": regions,
        "centre": centre,
        "bank": bank,
        "staff": centre_staff_create(centre),
        "grantor": user_create(role=User.Role.GRANTOR, regions=["510104"]),
    }
    world["lot"] = announced(world, listing_terms(start=timezone.now() - timedelta(hours=1)))[0]  # window open
    return world


@pytest.fixture
def world() -> dict:
    return make_world()


FORM = ApplicationForm(contact_name="赵六", contact_phone="13800138000", address="成都市武侯区", bank_code="ICBC")


def bidder(name: str = "赵六") -> User:
    return user_create(real_name=name)


def pay(world, account: str, amount: str, *, serial: str, payer: str = "赵六", at=None, channel: str = "transfer"):
    notice = Notice(
        bank_code="ICBC",
        serial=serial,
        account_number=account,
        amount=amount,
        payer_name=payer,
        payer_account="6222000011112222",
        channel=channel,
        arrived_at=at or timezone.now(),
    )
    return arrival_record(notice)


def approved(world, user: User) -> BidApplication:
    application, _created = application_submit(user=user, lot_id=world["lot"].pk, form=FORM)
    return application_approve(user=world["staff"], application_id=application.pk)


def test_three_transfers_summing_to_the_deposit_qualify_the_bidder_at_the_third(world, tmp_path):
    application = approved(world, bidder())
    account = application.deposit_account.number
    assert world["lot"].deposit_wan == Decimal("240")  # 2,400,000.00 yuan
    pay(world, account, "1000000.00", serial="S1")
    pay(world, account, "1000000.00", serial="S2")
    assert not Qualification.objects.filter(application=application).exists()
    pay(world, account, "400000.00", serial="S3")
    qualification = Qualification.objects.get(application=application)
    assert len(qualification.bidder_number) == 6
    kinds = list(EvidenceEntry.objects.filter(lot=world["lot"]).values_list("kind", flat=True))
    assert kinds[-1] == "qualification.issued"
    assert kinds.count("deposit.arrived") == 3
    assert verify_chain(world["lot"], tmp_path).returncode == 0  # the standalone verifier accepts the lot's chain


def verify_chain(lot, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "protocol.json"
    path.write_text(json.dumps(protocol_export(lot=lot), ensure_ascii=False), encoding="utf-8")
    return subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, check=False)  # noqa: S603


def test_an_arrival_altered_by_sql_fails_verification_at_its_entry(world, tmp_path):
    application = approved(world, bidder())
    pay(world, application.deposit_account.number, "1000.00", serial="X1")
    pay(world, application.deposit_account.number, "2000.00", serial="X2")
    seq = EvidenceEntry.objects.get(lot=world["lot"], kind="deposit.arrived", data__serial="X1").seq
    with connection.cursor() as cursor:  # the test's transaction undoes all of this
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE auctions_evidenceentry DISABLE TRIGGER auctions_evidence_no_change")
        cursor.execute(
            "UPDATE auctions_evidenceentry SET data = jsonb_set(data, '{amount}', '\"9000.00\"') "
            "WHERE lot_id = %s AND seq = %s",
            [world["lot"].pk, seq],
        )
        cursor.execute("ALTER TABLE auctions_evidenceentry ENABLE TRIGGER auctions_evidence_no_change")
    result = verify_chain(world["lot"], tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith(f"entry {seq} (deposit.arrived)")


def test_an_arrival_one_second_after_the_deadline_by_bank_time_does_not_count(world):
    application = approved(world, bidder())
    late_at = world["lot"].deposit_deadline + timedelta(seconds=1)
    arrival, _created = pay(world, application.deposit_account.number, "2400000.00", serial="L1", at=late_at)
    assert (arrival.counted, arrival.flag, arrival.refund_status) == (False, "late", "due")
    on_time, _created = pay(
        world, application.deposit_account.number, "1.00", serial="L2", at=world["lot"].deposit_deadline
    )
    assert on_time.counted  # at the deadline exactly still counts
    assert not Qualification.objects.filter(application=application).exists()


def test_the_same_serial_twice_counts_once_and_other_content_under_it_is_refused(world):
    application = approved(world, bidder())
    account = application.deposit_account.number
    at = timezone.now()
    first, created = pay(world, account, "100.00", serial="D1", at=at)
    again, created_again = pay(world, account, "100.00", serial="D1", at=at)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    with pytest.raises(ArrivalConflict):
        pay(world, account, "999.00", serial="D1", at=at)
    assert DepositArrival.objects.filter(serial="D1").count() == 1


def test_a_repeated_application_returns_the_same_one_with_the_same_account(world):
    user = bidder()
    first, created = application_submit(user=user, lot_id=world["lot"].pk, form=FORM)
    again, created_again = application_submit(user=user, lot_id=world["lot"].pk, form=FORM)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert again.deposit_account.number == first.deposit_account.number
    assert luhn_valid(first.deposit_account.number)
    assert first.deposit_account.number.startswith("6222")
    assert len(first.deposit_account.number) == 19


@pytest.mark.parametrize(
    ("payer", "channel", "flag"),
    [("别人", "transfer", "payer_mismatch"), ("赵六", "cash", "cash")],
)
def test_a_wrong_payer_or_cash_is_recorded_flagged_and_not_counted(world, payer, channel, flag):
    application = approved(world, bidder())
    arrival, _created = pay(
        world, application.deposit_account.number, "2400000.00", serial="W1", payer=payer, channel=channel
    )
    assert (arrival.counted, arrival.flag) == (False, flag)
    assert not Qualification.objects.exists()


def test_an_unknown_account_is_recorded_and_flagged(world):
    arrival, _created = pay(world, "6222000000000000000", "100.00", serial="U1")
    assert (arrival.account, arrival.flag, arrival.refund_status) == (None, "unknown_account", "due")


@pytest.mark.parametrize("amount", ["0", "-5.00", "10.001", "abc", "NaN"])
def test_amounts_not_positive_or_with_more_than_two_decimals_are_refused(world, amount):
    application = approved(world, bidder())
    with pytest.raises(InvalidInput) as refused:
        pay(world, application.deposit_account.number, amount, serial=f"A{amount}")
    assert "amount" in refused.value.fields
    assert not DepositArrival.objects.exists()


def test_money_before_approval_counts_once_the_application_is_approved(world):
    user = bidder()
    application, _created = application_submit(user=user, lot_id=world["lot"].pk, form=FORM)
    pay(world, application.deposit_account.number, "2400000.00", serial="P1")
    assert not Qualification.objects.exists()
    application_approve(user=world["staff"], application_id=application.pk)
    assert Qualification.objects.filter(application=application).exists()


def test_a_rejected_application_is_corrected_and_submitted_again_with_its_account(world):
    user = bidder()
    application, _created = application_submit(user=user, lot_id=world["lot"].pk, form=FORM)
    account = application.deposit_account.number
    application_reject(user=world["staff"], application_id=application.pk, reason="缺少营业执照")
    again, created = application_submit(user=user, lot_id=world["lot"].pk, form=FORM)
    assert (again.pk, again.status, created) == (application.pk, "submitted", True)
    assert again.deposit_account.number == account


def test_refusals_name_their_reason(world):
    with pytest.raises(PermissionDenied) as unverified:
        application_submit(user=user_create(verified=False), lot_id=world["lot"].pk, form=FORM)
    assert unverified.value.code == "verification_required"
    lot = world["lot"]
    type(lot).objects.filter(pk=lot.pk).update(applications_close_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ApplicationRefused) as closed:
        application_submit(user=bidder(), lot_id=lot.pk, form=FORM)
    assert closed.value.code == "window_closed"


def test_a_form_with_a_bank_the_centre_does_not_take_or_bad_partners_is_refused(world):
    with pytest.raises(InvalidInput) as refused:
        application_submit(
            user=bidder(),
            lot_id=world["lot"].pk,
            form=ApplicationForm(
                contact_name="赵六",
                contact_phone="123",
                address="x",
                bank_code="NOPE",
                joint=True,
                partners=[{"name": "", "id_number": "1"}],
            ),
        )
    assert {"contact_phone", "bank", "partners.0.name", "partners.0.id_number"} <= set(refused.value.fields)
    assert not BidApplication.objects.exists()


def test_a_manual_qualification_needs_proof_and_reason(world):
    application = approved(world, bidder())
    with pytest.raises(InvalidInput) as refused:
        qualification_issue_manual(user=world["staff"], application_id=application.pk, reason="", proof=None)
    assert set(refused.value.fields) == {"reason", "proof"}
    assert not Qualification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_applications_and_payments_never_collide():
    world = make_world()
    users = [bidder(f"竞买人{i}") for i in range(8)]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def apply_and_pay(user: User) -> None:
        try:
            barrier.wait()
            application, _created = application_submit(user=user, lot_id=world["lot"].pk, form=FORM)
            application_approve(user=world["staff"], application_id=application.pk)
            pay(world, application.deposit_account.number, "2400000.00", serial=f"C{user.pk}", payer=user.real_name)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=apply_and_pay, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = list(Qualification.objects.filter(lot=world["lot"]).values_list("bidder_number", flat=True))
    accounts = list(BidApplication.objects.values_list("deposit_account__number", flat=True))
    assert len(numbers) == len(set(numbers)) == 8
    assert len(accounts) == len(set(accounts)) == 8
    seqs = list(EvidenceEntry.objects.filter(lot=world["lot"]).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
