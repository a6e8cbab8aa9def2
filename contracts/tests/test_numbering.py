"""Coding numbers: the format, the series per county, kind and year, and unique gapless numbers under concurrent
approvals (threads on the real database)."""

import threading
from datetime import datetime

import pytest
from django.db import connection

from accounts.tests.factories import reviewer_create, user_create
from contracts.models import Contract
from contracts.services.numbering import CHINA
from contracts.services.review import contract_approve
from contracts.tests.factories import coded_contract, contract_create
from geo.tests.factories import sichuan_tree

pytestmark = pytest.mark.django_db


def test_a_coded_contract_has_the_province_county_kind_year_and_serial():
    regions = sichuan_tree(("510000", "510100", "510104", "510107"), boundaries=False)
    first = coded_contract(region=regions["510104"])
    second = coded_contract(region=regions["510104"])
    lease = coded_contract(region=regions["510104"], kind=Contract.Kind.LEASE)
    other_county = coded_contract(region=regions["510107"])
    year = datetime.now(CHINA).year  # coded now: the coding date's year in Asia/Shanghai
    assert first.number == f"川510104ZR{year}000001"
    assert second.number == f"川510104ZR{year}000002"
    assert lease.number == f"川510104CZ{year}000001"
    assert other_county.number == f"川510107ZR{year}000001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_give_unique_gapless_numbers_per_county_kind_and_year():
    """Six contracts of one county and kind and two of another county approved at once by eight threads, each on its
    own connection: every one is coded, the numbers of a series are 1..n without gaps or repeats."""
    regions = sichuan_tree(("510000", "510100", "510104", "510107"), boundaries=False)
    reviewer = reviewer_create(regions=["510100"])
    party_a = user_create(real_name="张三")
    contracts = [
        contract_create(initiator=party_a, region=regions[code], status=Contract.Status.IN_REVIEW)
        for code in ["510104"] * 6 + ["510107"] * 2
    ]
    barrier = threading.Barrier(len(contracts))
    errors: list[BaseException] = []

    def approve(contract_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            contract_approve(user=reviewer, contract_id=contract_id)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(contract.pk,)) for contract in contracts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    coded = Contract.objects.filter(status=Contract.Status.CODED)
    year = datetime.now(CHINA).year
    numbers = list(coded.filter(region_id="510104").order_by("number").values_list("number", flat=True))
    assert numbers == [f"川510104ZR{year}{serial:06d}" for serial in range(1, 7)]
    assert list(coded.filter(region_id="510107").order_by("number").values_list("number", flat=True)) == [
        f"川510107ZR{year}{serial:06d}" for serial in range(1, 3)
    ]
