"""Lots from the grantor's door, their schedules and prices, and announcements that the database keeps unchanged
once published: a change announcement supersedes, a termination ends the lot."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Announcement, AnnouncementDocument, Lot
from auctions.services.announcements import (
    AnnouncementPublished,
    announcement_draft,
    announcement_publish,
    announcement_update,
)
from auctions.services.lots import (
    Grant,
    LotConflict,
    Terms,
    check_terms,
    lot_register_submitted,
    lot_return,
    lot_submit_by_grantor,
)
from auctions.tests.factories import centre_create, centre_staff_create, listing_terms, sichuan_regions
from core.errors import InvalidInput, NotFound
from geo.tests.factories import region_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    return {
        "regions": regions,
        "centre": centre,
        "staff": centre_staff_create(centre),
        "grantor": user_create(role=User.Role.GRANTOR, regions=["510104"], real_name="成都市锦江区自然资源局"),
    }


def grant(world, **changes) -> Grant:
    values = {"centre_id": world["centre"].pk, "region_code": "510104", "title": "锦江区A-01地块", "transfer": "grant"}
    return Grant(**(values | changes))


def attach_document(lot: Lot) -> None:
    lot.documents.create(
        title="出让须知", file="n.pdf", original_name="n.pdf", content_type="application/pdf", size=1, sha256="0" * 64
    )


def announced(world, terms: Terms | None = None) -> tuple[Lot, Announcement]:
    """A grantor's lot registered and announced through the services (default terms: listing_terms())."""
    lot = lot_submit_by_grantor(user=world["grantor"], grant=grant(world), terms=terms or listing_terms())
    attach_document(lot)
    lot = lot_register_submitted(user=world["staff"], lot_id=lot.pk)
    draft = announcement_draft(user=world["staff"], lot_id=lot.pk, title="国有建设用地使用权挂牌出让公告", body="正文")
    return lot, announcement_publish(user=world["staff"], announcement_id=draft.pk)


def test_a_grantor_lot_goes_from_submission_to_a_published_announcement(world):
    lot, announcement = announced(world)
    lot.refresh_from_db()
    assert lot.status == Lot.Status.ANNOUNCED
    assert lot.door == Lot.Door.PRIMARY
    assert lot.transferor == "成都市锦江区自然资源局"
    assert announcement.status == Announcement.Status.PUBLISHED
    assert announcement.number.startswith("川自然资源字[")


def test_the_centre_returns_an_incomplete_submission_and_the_grantor_resubmits(world):
    lot = lot_submit_by_grantor(user=world["grantor"], grant=grant(world), terms=listing_terms())
    with pytest.raises(LotConflict) as missing:
        lot_register_submitted(user=world["staff"], lot_id=lot.pk)
    assert missing.value.code == "documents_missing"
    with pytest.raises(InvalidInput):
        lot_return(user=world["staff"], lot_id=lot.pk, reason="  ")
    lot_return(user=world["staff"], lot_id=lot.pk, reason="缺少出让须知")
    lot.refresh_from_db()
    assert (lot.status, lot.reason, lot.number) == (Lot.Status.RETURNED, "缺少出让须知", "")
    lot = lot_submit_by_grantor(
        user=world["grantor"], grant=grant(world, title="锦江区A-01地块（补正）"), terms=listing_terms(), lot_id=lot.pk
    )
    attach_document(lot)
    lot = lot_register_submitted(user=world["staff"], lot_id=lot.pk)
    assert lot.status == Lot.Status.REGISTERED
    assert lot.number.endswith("0001")


def test_a_grantor_outside_the_region_or_a_centre_that_does_not_serve_it_is_refused(world):
    outsider = user_create(role=User.Role.GRANTOR, regions=["510107"])
    with pytest.raises(InvalidInput) as refused:
        lot_submit_by_grantor(user=outsider, grant=grant(world), terms=listing_terms())
    assert "region" in refused.value.fields
    mianyang = region_create(code="510700", name="绵阳市", parent=world["regions"]["sichuan"])
    mianyang_centre = centre_create(region=mianyang, name="绵阳市公共资源交易中心")
    with pytest.raises(InvalidInput) as refused:
        lot_submit_by_grantor(
            user=world["grantor"], grant=grant(world, centre_id=mianyang_centre.pk), terms=listing_terms()
        )
    assert "centre" in refused.value.fields
    assert not Lot.objects.exists()


def test_staff_of_another_centre_see_no_lot(world):
    lot = lot_submit_by_grantor(user=world["grantor"], grant=grant(world), terms=listing_terms())
    other = centre_staff_create(centre_create(region=world["regions"]["chengdu"], name="另一个交易中心"))
    with pytest.raises(NotFound):
        lot_register_submitted(user=other, lot_id=lot.pk)
    with pytest.raises(NotFound):
        announcement_draft(user=other, lot_id=lot.pk, title="t", body="b")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"deposit_deadline_shift": timedelta(days=-1)}, "applications_close_at"),  # closes after the deposit deadline
        ({"listing_ends_shift": timedelta(days=-12)}, "listing_ends_at"),  # ends before it starts
        ({"start_price_wan": Decimal("0")}, "start_price_wan"),
        ({"increment_wan": Decimal("-5")}, "increment_wan"),
        ({"deposit_wan": Decimal("1.00001")}, "deposit_wan"),
        ({"trading_mode": "auction"}, "auction_starts_at"),
    ],
)
def test_a_schedule_out_of_order_or_a_price_not_positive_names_its_field(changes, field):
    terms = listing_terms()
    values = dict(terms.__dict__)
    if "deposit_deadline_shift" in changes:
        values["deposit_deadline"] = terms.applications_close_at + changes.pop("deposit_deadline_shift")
    if "listing_ends_shift" in changes:
        values["listing_ends_at"] = terms.listing_ends_at + changes.pop("listing_ends_shift")
    values |= changes
    with pytest.raises(InvalidInput) as refused:
        check_terms(type(terms)(**values))
    assert field in refused.value.fields


def test_a_change_announcement_supersedes_the_original_which_stays_readable_and_linked(world):
    lot, original = announced(world)
    with pytest.raises(AnnouncementPublished):
        announcement_update(user=world["staff"], announcement_id=original.pk, title="改", body="改")
    change = announcement_draft(user=world["staff"], lot_id=lot.pk, title="变更公告", body="延期", kind="change")
    change = announcement_publish(user=world["staff"], announcement_id=change.pk)
    original.refresh_from_db()
    assert original.status == Announcement.Status.SUPERSEDED
    assert original.superseded_by == change
    assert change.supersedes == original
    assert original.body == "正文"
    assert change.number.endswith("0002号")


def test_a_termination_announcement_ends_the_lot(world):
    lot, _original = announced(world)
    termination = announcement_draft(
        user=world["staff"], lot_id=lot.pk, title="终止公告", body="终止", kind="termination"
    )
    announcement_publish(user=world["staff"], announcement_id=termination.pk)
    lot.refresh_from_db()
    assert lot.status == Lot.Status.TERMINATED
    with pytest.raises(LotConflict):
        announcement_draft(user=world["staff"], lot_id=lot.pk, title="再变更", body="x", kind="change")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE auctions_announcement SET body = 'tampered' WHERE id = %s",
        "UPDATE auctions_announcement SET status = 'draft' WHERE id = %s",
        "UPDATE auctions_announcement SET status = 'superseded', title = 'x' WHERE id = %s",
        "DELETE FROM auctions_announcement WHERE id = %s",
    ],
)
def test_sql_cannot_change_or_delete_a_published_announcement(world, statement):
    _lot, announcement = announced(world)
    with pytest.raises(IntegrityError, match="announcement"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [announcement.pk])
    announcement.refresh_from_db()
    assert (announcement.body, announcement.status) == ("正文", Announcement.Status.PUBLISHED)


def test_the_documents_of_a_published_announcement_are_fixed_in_the_database(world):
    _lot, announcement = announced(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnouncementDocument.objects.create(
            announcement=announcement,
            title="补充",
            file="y.pdf",
            original_name="y.pdf",
            content_type="application/pdf",
            size=1,
            sha256="1" * 64,
        )
    assert not announcement.documents.exists()


def test_the_admin_sites_save_path_is_refused_too(world):
    _lot, announcement = announced(world)
    announcement.title = "改过的标题"
    with pytest.raises(IntegrityError), transaction.atomic():
        announcement.save()  # what the admin site's change form does
    assert Announcement.objects.get(pk=announcement.pk).title == "国有建设用地使用权挂牌出让公告"


def test_a_grantor_lot_on_a_parcel_lies_at_its_centroid_and_a_parcel_of_another_county_is_refused(world):
    from geo.tests.factories import parcel_create, square

    own = parcel_create(
        code="510104001001GB00001", geometry=square(104.11, 30.61, 0.002), region=world["regions"]["jinjiang"]
    )
    elsewhere = parcel_create(
        code="510107001001GB00001", geometry=square(104.03, 30.62, 0.002), region=world["regions"]["wuhou"]
    )
    lot = lot_submit_by_grantor(user=world["grantor"], grant=grant(world, parcel_id=own.pk), terms=listing_terms())
    assert lot.location == own.centroid
    assert lot.area_m2 == own.area_m2
    with pytest.raises(InvalidInput) as refused:
        lot_submit_by_grantor(user=world["grantor"], grant=grant(world, parcel_id=elsewhere.pk), terms=listing_terms())
    assert refused.value.fields["parcel"][0]["code"] == "out_of_region"
    with pytest.raises(InvalidInput) as refused:
        lot_submit_by_grantor(user=world["grantor"], grant=grant(world, location=(200.0, 95.0)), terms=listing_terms())
    assert "location" in refused.value.fields


def test_a_mining_right_is_registered_with_its_area_and_a_land_lot_cannot_be_given_one(world):
    area = {
        "type": "Polygon",
        "coordinates": [[[104.10, 30.60], [104.12, 30.60], [104.12, 30.62], [104.10, 30.62], [104.10, 30.60]]],
    }
    mining = grant(world, kind="mining_right", transfer="extraction", area=area)
    lot = lot_submit_by_grantor(user=world["grantor"], grant=mining, terms=listing_terms())
    assert lot.area is not None
    assert lot.location is not None
    assert lot.area_m2 is not None
    assert lot.area.contains(lot.location)
    assert 4_000_000 < lot.area_m2 < 5_000_000  # about 1.9 km × 2.2 km
    with pytest.raises(InvalidInput) as refused:
        lot_submit_by_grantor(user=world["grantor"], grant=grant(world, area=area), terms=listing_terms())
    assert refused.value.fields["area"][0]["code"] == "not_mining"
