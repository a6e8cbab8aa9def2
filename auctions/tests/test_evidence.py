"""The evidence log: a gapless hash chain per lot, append-only in the database, verified offline by
scripts/verify_evidence.py, which names the first altered entry."""

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import EvidenceEntry
from auctions.services.evidence import append, protocol_export
from auctions.tests.factories import centre_create, centre_staff_create, sichuan_regions
from auctions.tests.test_lots_and_announcements import announced

pytestmark = pytest.mark.django_db
VERIFIER = Path(settings.BASE_DIR) / "scripts" / "verify_evidence.py"


@pytest.fixture
def lot():
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    world = {
        "regions": regions,
        "centre": centre,
        "staff": centre_staff_create(centre),
        "grantor": user_create(role=User.Role.GRANTOR, regions=["510104"]),
    }
    return announced(world)[0]


def write(lot, n: int) -> None:
    with transaction.atomic():
        for i in range(n):
            append(lot_id=lot.pk, kind="test.entry", data={"i": i, "amount": "1000.50", "名称": "竞买人"})


def verify(lot, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "protocol.json"
    path.write_text(json.dumps(protocol_export(lot=lot), ensure_ascii=False), encoding="utf-8")
    return subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, check=False)  # noqa: S603


def test_entries_chain_without_gaps_and_the_standalone_verifier_accepts_them(lot, tmp_path):
    write(lot, 3)
    entries = list(EvidenceEntry.objects.filter(lot=lot).order_by("seq"))
    assert [entry.seq for entry in entries] == [1, 2, 3]
    assert entries[0].prev_hash == "0" * 64
    assert [entry.prev_hash for entry in entries[1:]] == [entry.hash for entry in entries[:-1]]
    result = verify(lot, tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith(f"ok: 3 entries, head {entries[-1].hash}")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE auctions_evidenceentry SET data = '{}' WHERE lot_id = %s",
        "DELETE FROM auctions_evidenceentry WHERE lot_id = %s",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_entry(lot, statement):
    write(lot, 2)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [lot.pk])
    assert EvidenceEntry.objects.filter(lot=lot).count() == 2


def test_truncate_is_refused_unless_the_session_allows_it(lot):
    write(lot, 1)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks in the way of TRUNCATE
        cursor.execute("SET LOCAL land.evidence_truncate = 'refused'")
    with pytest.raises(IntegrityError, match="TRUNCATE"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE auctions_evidenceentry")
    assert EvidenceEntry.objects.filter(lot=lot).count() == 1


def test_an_entry_altered_with_the_trigger_disabled_fails_verification_at_that_entry(lot, tmp_path):
    write(lot, 4)
    with connection.cursor() as cursor:  # the test's transaction undoes all of this
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE auctions_evidenceentry DISABLE TRIGGER auctions_evidence_no_change")
        cursor.execute(
            "UPDATE auctions_evidenceentry SET data = jsonb_set(data, '{amount}', '\"9000.50\"') "
            "WHERE lot_id = %s AND seq = 3",
            [lot.pk],
        )
        cursor.execute("ALTER TABLE auctions_evidenceentry ENABLE TRIGGER auctions_evidence_no_change")
    result = verify(lot, tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("entry 3 (test.entry): its content does not give its hash")


def test_a_removed_entry_is_found_as_a_gap(lot, tmp_path):
    write(lot, 3)
    protocol = protocol_export(lot=lot)
    del protocol["entries"][1]
    path = tmp_path / "gap.json"
    path.write_text(json.dumps(protocol), encoding="utf-8")
    result = subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, check=False)  # noqa: S603
    assert (result.returncode, result.stdout.split(":")[0]) == (1, "entry 2")


@pytest.mark.django_db(transaction=True)
def test_an_entry_is_written_only_inside_the_changes_transaction(lot):
    with pytest.raises(RuntimeError):
        append(lot_id=lot.pk, kind="test.entry", data={})


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_one_lot_leave_one_gapless_chain(tmp_path):
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    world = {
        "regions": regions,
        "centre": centre,
        "staff": centre_staff_create(centre),
        "grantor": user_create(role=User.Role.GRANTOR, regions=["510104"]),
    }
    lot = announced(world)[0]
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            barrier.wait()
            write(lot, 5)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(EvidenceEntry.objects.filter(lot=lot).order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 31)
    )
    assert verify(lot, tmp_path).returncode == 0
