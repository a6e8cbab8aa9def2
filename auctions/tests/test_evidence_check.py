"""The server's verification of a lot's evidence chain (staff console, supervision): it names the first entry that
breaks the chain, and says whether the newest published root holds the chain; only the lot's centre staff and the
supervisors of its region may read it."""

import pytest
from django.db import connection
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.selectors_evidence import chain_check
from auctions.services.roots import root_sign
from auctions.tests.test_evidence import lot, write  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def altered(lot_id: int, statement: str) -> None:
    with connection.cursor() as cursor:  # the test's transaction undoes all of this
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE auctions_evidenceentry DISABLE TRIGGER auctions_evidence_no_change")
        cursor.execute(statement, [lot_id])
        cursor.execute("ALTER TABLE auctions_evidenceentry ENABLE TRIGGER auctions_evidence_no_change")


def test_an_intact_chain_checks_out_and_the_newest_root_holds_its_head(lot):  # noqa: F811
    write(lot, 3)
    before = chain_check(lot.pk)
    assert (before["ok"], before["failure"], before["root"]) == (True, None, None)
    root = root_sign()
    after = chain_check(lot.pk)
    assert after["root"] == {
        "id": root.pk,
        "signed_at": after["root"]["signed_at"],
        "seq": after["entries"],
        "matches": True,
    }
    assert after["head"] == lot.evidence.order_by("-seq").first().hash


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("UPDATE auctions_evidenceentry SET data = '{\"i\": 7}' WHERE lot_id = %s AND seq = 2", "content"),
        ("UPDATE auctions_evidenceentry SET prev_hash = repeat('1', 64) WHERE lot_id = %s AND seq = 2", "link"),
        ("DELETE FROM auctions_evidenceentry WHERE lot_id = %s AND seq = 2", "gap"),
    ],
)
def test_an_altered_chain_names_its_first_broken_entry(lot, statement, reason):  # noqa: F811
    write(lot, 4)
    altered(lot.pk, statement)
    found = chain_check(lot.pk)
    assert (found["ok"], found["failure"]["seq"], found["failure"]["reason"]) == (False, 2, reason)


def test_a_root_whose_leaf_no_longer_matches_the_stored_entry_is_reported(lot):  # noqa: F811
    write(lot, 2)
    root_sign()
    altered(lot.pk, "UPDATE auctions_evidenceentry SET hash = repeat('2', 64) WHERE lot_id = %s AND seq = 2")
    assert chain_check(lot.pk)["root"]["matches"] is False


def test_staff_of_the_centre_and_supervisors_of_the_region_read_it_and_no_one_else(lot):  # noqa: F811
    write(lot, 2)
    url = f"/api/auctions/work/lots/{lot.pk}/evidence-check/"
    staff = lot.centre.staff.first()
    answers = {}
    for name, user in {
        "staff": staff,
        "supervisor_in": user_create(role=User.Role.SUPERVISOR, regions=["510100"]),
        "supervisor_out": user_create(role=User.Role.SUPERVISOR, regions=["110000"]),
        "staff_elsewhere": user_create(role=User.Role.CENTRE_STAFF, regions=["510104"]),
        "bidder": user_create(),
    }.items():
        client = Client()
        client.force_login(user)
        response = client.get(url)
        answers[name] = (response.status_code, response.json().get("ok"))
    entries = chain_check(lot.pk)["entries"]
    assert entries >= 2
    assert answers == {
        "staff": (200, True),
        "supervisor_in": (200, True),
        "supervisor_out": (404, None),
        "staff_elsewhere": (404, None),
        "bidder": (403, None),
    }
