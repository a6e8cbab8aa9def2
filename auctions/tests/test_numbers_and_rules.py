"""Lot and announcement numbers are unique and without gaps under concurrency; rule profiles are validated data, and
a lot's copy is frozen by the database once its announcement is published."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.utils import IntegrityError
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Announcement, Lot, RuleProfile
from auctions.services.announcements import announcement_draft, announcement_publish
from auctions.services.lots import Grant, lot_register_submitted, lot_submit_by_grantor
from auctions.services.numbering import lot_number
from auctions.services.rules import RulesFrozen, lot_rules_update, profile_create, profile_update
from auctions.tests.factories import centre_create, centre_staff_create, listing_terms, preset, sichuan_regions
from core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


def test_the_ready_profiles_carry_the_provinces_numbers():
    hainan, suzhou, fujian = preset("海南（默认）"), preset("苏州"), preset("福建")
    assert (hainan.countdown_seconds, hainan.increment_multiples, hainan.raise_cap_increments) == (300, False, None)
    assert (suzhou.countdown_seconds, suzhou.increment_multiples, suzhou.raise_cap_increments) == (240, True, 5)
    assert (suzhou.quoting_stop_seconds, suzhou.reserve_entry) == (3600, RuleProfile.ReserveEntry.FINAL_WINDOW)
    assert (fujian.auction_conversion, fujian.conversion_preparation_seconds, fujian.reserve_lead_seconds) == (
        True,
        900,
        3600,
    )


def test_a_profile_out_of_range_is_refused_field_by_field_and_nothing_is_saved():
    admin = user_create(role=User.Role.ADMIN)
    before = RuleProfile.objects.count()
    with pytest.raises(InvalidInput) as refused:
        profile_create(user=admin, name="坏", countdown_seconds=5, raise_cap_increments=0, timed_entry="whoever")
    assert set(refused.value.fields) == {"countdown_seconds", "raise_cap_increments", "timed_entry"}
    assert RuleProfile.objects.count() == before


def test_contradicting_parameters_are_refused():
    admin = user_create(role=User.Role.ADMIN)
    with pytest.raises(InvalidInput) as refused:
        profile_create(user=admin, name="矛盾", auction_conversion=True, quoting_stop_seconds=3600)
    assert "auction_conversion" in refused.value.fields


def test_only_administrators_write_profiles():
    regions = sichuan_regions()
    staff = centre_staff_create(centre_create(region=regions["chengdu"]))
    with pytest.raises(PermissionDenied):
        profile_create(user=staff, name="x")
    with pytest.raises(PermissionDenied):
        profile_update(user=staff, profile_id=preset().pk, countdown_seconds=600)


def _registered_lot(regions, centre, staff) -> Lot:
    grantor = user_create(role=User.Role.GRANTOR, regions=["510104"])
    lot = lot_submit_by_grantor(
        user=grantor,
        grant=Grant(centre_id=centre.pk, region_code="510104", title="锦江区出让地块", transfer="grant"),
        terms=listing_terms(),
    )
    lot.documents.create(
        title="出让公告", file="x.pdf", original_name="x.pdf", content_type="application/pdf", size=1, sha256="0" * 64
    )
    return lot_register_submitted(user=staff, lot_id=lot.pk)


def test_a_lot_overrides_its_rules_until_its_announcement_is_published_and_never_after():
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    staff = centre_staff_create(centre)
    lot = _registered_lot(regions, centre, staff)
    assert lot.rules_id != centre.rule_profile_id  # its own copy
    lot_rules_update(user=staff, lot_id=lot.pk, countdown_seconds=240)
    assert RuleProfile.objects.get(pk=lot.rules_id).countdown_seconds == 240
    assert preset().countdown_seconds == 300  # the centre's profile is untouched
    announcement = announcement_draft(user=staff, lot_id=lot.pk, title="出让公告", body="正文")
    announcement_publish(user=staff, announcement_id=announcement.pk)
    with pytest.raises(RulesFrozen):
        lot_rules_update(user=staff, lot_id=lot.pk, countdown_seconds=600)
    with pytest.raises(IntegrityError, match="announced lot"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE auctions_ruleprofile SET countdown_seconds = 600 WHERE id = %s", [lot.rules_id])
    assert RuleProfile.objects.get(pk=lot.rules_id).countdown_seconds == 240


def test_staff_of_another_centre_cannot_touch_the_lots_rules():
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    other = centre_create(region=regions["chengdu"], name="另一个交易中心")
    lot = _registered_lot(regions, centre, centre_staff_create(centre))
    from core.errors import NotFound

    with pytest.raises(NotFound):
        lot_rules_update(user=centre_staff_create(other), lot_id=lot.pk, countdown_seconds=240)


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_unique_numbers_without_gaps():
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    numbers: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def register() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                numbers.append(lot_number(centre=centre, transfer="transfer", year=2026))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"川DZR[2026]{n:04d}" for n in range(1, 9)]


@pytest.mark.django_db(transaction=True)
def test_a_number_taken_in_a_rolled_back_transaction_is_given_again():
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    taken = []

    def take_and_fail() -> None:
        with transaction.atomic():
            taken.append(lot_number(centre=centre, transfer="lease", year=2026))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        take_and_fail()
    assert taken == ["川DCZ[2026]0001"]
    with transaction.atomic():
        assert lot_number(centre=centre, transfer="lease", year=2026) == "川DCZ[2026]0001"


def test_announcement_numbers_follow_the_seed_format():
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    staff = centre_staff_create(centre)
    lot = _registered_lot(regions, centre, staff)
    announcement = announcement_publish(
        user=staff, announcement_id=announcement_draft(user=staff, lot_id=lot.pk, title="公告", body="正文").pk
    )
    published_at = Announcement.objects.get(pk=announcement.pk).published_at
    assert published_at is not None
    year = timezone.localtime(published_at).year  # the year in Asia/Shanghai
    assert announcement.number == f"川自然资源字[{year}]0001号"
    assert lot.number == f"川DCR[{year}]0001"
