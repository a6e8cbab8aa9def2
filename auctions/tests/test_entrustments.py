"""Entrustment (委托交易) of land to a trading centre: the seed's three steps, submission, the centre's answer, and
the lot it becomes; each refusal names its field and changes nothing."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from accounts.models import Message, User
from accounts.tests.factories import user_create
from auctions.models import Entrustment, EntrustmentAttachment, Lot
from auctions.services.entrustments import (
    EntrustmentConflict,
    attachment_add,
    entrustment_accept,
    entrustment_create,
    entrustment_reject,
    entrustment_submit,
    entrustment_update,
    entrustment_withdraw,
)
from auctions.services.lots import LotConflict, lot_register_from_entrustment
from auctions.tests.factories import centre_create, centre_staff_create, listing_terms
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.tests.samples import pdf_bytes
from geo import china
from geo.models import Region
from geo.tests.factories import multipolygon, region_create
from market.tests.factories import supply_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield tmp_path


def real_region(code: str, parent: Region | None = None) -> Region:
    name, outline = china.outlines("51")[code]
    return region_create(code=code, name=name, parent=parent, boundary=multipolygon(outline))


@pytest.fixture
def world() -> dict:
    sichuan = real_region("510000")
    chengdu = real_region("510100", sichuan)
    jinjiang = real_region("510104", chengdu)
    mianyang = real_region("510700", sichuan)
    centre = centre_create(
        region=chengdu, bond_payee="成都市公共资源交易中心", bond_bank="工商银行", bond_account="4402"
    )
    owner = user_create(kind=User.Kind.ENTERPRISE, real_name="锦江置业有限公司")
    point = china.outlines("51")["510104"][1].representative_point()
    listing = supply_create(owner=owner, region=jinjiang, location=f"SRID=4490;POINT({point.x} {point.y})")
    return {
        "centre": centre,
        "staff": centre_staff_create(centre),
        "owner": owner,
        "listing": listing,
        "mianyang_centre": centre_create(region=mianyang, name="绵阳市公共资源交易中心"),
    }


def pdf(name: str = "doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def complete(world: dict) -> Entrustment:
    """A draft of the published listing with both steps filled and every required document attached."""
    owner = world["owner"]
    entrustment = entrustment_create(user=owner, listing_id=world["listing"].pk)
    entrustment_update(
        user=owner,
        entrustment_id=entrustment.pk,
        step=1,
        centre=world["centre"].pk,
        term_years=40,
        price_wan="1200.5",
    )
    entrustment_update(
        user=owner,
        entrustment_id=entrustment.pk,
        step=2,
        owner_address="成都市锦江区红星路1号",
        agent_name="李四",
        agent_phone="13800138000",
    )
    for kind in EntrustmentAttachment.REQUIRED_KINDS:
        attachment_add(user=owner, entrustment_id=entrustment.pk, kind=kind, file=pdf())
    return Entrustment.objects.get(pk=entrustment.pk)


def test_an_entrustment_of_a_published_listing_takes_its_land_and_the_verified_identity(world):
    entrustment = complete(world)
    listing = world["listing"]
    assert (entrustment.region_id, entrustment.land_use, entrustment.area_m2) == (
        listing.region_id,
        listing.land_use,
        listing.area_m2,
    )
    assert entrustment.location == listing.location
    assert entrustment.owner_name == "锦江置业有限公司"  # from the verification, not typed
    assert entrustment.price_wan == Decimal("1200.5")
    assert entrustment.title == listing.title


def test_the_land_of_a_published_listing_cannot_be_changed_in_the_entrustment(world):
    entrustment = entrustment_create(user=world["owner"], listing_id=world["listing"].pk)
    with pytest.raises(InvalidInput) as refused:
        entrustment_update(user=world["owner"], entrustment_id=entrustment.pk, area_m2="1")
    assert refused.value.fields["area_m2"][0]["code"] == "from_listing"


def test_next_on_an_incomplete_step_saves_nothing(world):
    entrustment = entrustment_create(user=world["owner"], listing_id=world["listing"].pk)
    with pytest.raises(InvalidInput) as refused:
        entrustment_update(user=world["owner"], entrustment_id=entrustment.pk, step=1, price_wan="99")
    assert {"centre", "term_years"} <= set(refused.value.fields)
    assert Entrustment.objects.get(pk=entrustment.pk).price_wan == world["listing"].price_wan


def test_a_submission_lacking_documents_names_each_one_and_stays_a_draft(world):
    entrustment = complete(world)
    entrustment.attachments.filter(kind=EntrustmentAttachment.Kind.ENTRUSTMENT_LETTER).delete()
    with pytest.raises(InvalidInput) as refused:
        entrustment_submit(user=world["owner"], entrustment_id=entrustment.pk)
    assert set(refused.value.fields) == {"attachments.entrustment_letter"}
    assert Entrustment.objects.get(pk=entrustment.pk).status == Entrustment.Status.DRAFT


def test_a_centre_that_does_not_serve_the_land_is_refused(world):
    entrustment = complete(world)
    entrustment_update(user=world["owner"], entrustment_id=entrustment.pk, centre=world["mianyang_centre"].pk)
    with pytest.raises(InvalidInput) as refused:
        entrustment_submit(user=world["owner"], entrustment_id=entrustment.pk)
    assert refused.value.fields["centre"][0]["code"] == "out_of_region"


def test_accepted_with_the_bond_then_registered_as_a_lot_of_the_listing(world):
    entrustment = complete(world)
    entrustment_submit(user=world["owner"], entrustment_id=entrustment.pk)
    accepted = entrustment_accept(user=world["staff"], entrustment_id=entrustment.pk, bond_yuan="50000.00")
    assert accepted.status == Entrustment.Status.ACCEPTED
    assert accepted.bond_yuan == Decimal("50000.00")
    assert accepted.bond_payment_details == "成都市公共资源交易中心；工商银行；4402"
    assert Message.objects.filter(user=world["owner"], title__contains=accepted.title).exists()
    with pytest.raises(EntrustmentConflict):
        entrustment_withdraw(user=world["owner"], entrustment_id=entrustment.pk)
    lot = lot_register_from_entrustment(user=world["staff"], entrustment_id=entrustment.pk, terms=listing_terms())
    assert (lot.door, lot.transfer, lot.listing_id, lot.transferor) == (
        Lot.Door.SECONDARY,
        Lot.Transfer.TRANSFER,
        world["listing"].pk,
        "锦江置业有限公司",
    )
    assert lot.number.startswith("川DZR[")
    with pytest.raises(LotConflict):
        lot_register_from_entrustment(user=world["staff"], entrustment_id=entrustment.pk, terms=listing_terms())


def test_a_second_active_lot_for_the_same_listing_is_refused(world):
    first = complete(world)
    entrustment_submit(user=world["owner"], entrustment_id=first.pk)
    entrustment_accept(user=world["staff"], entrustment_id=first.pk, bond_yuan="0")
    lot_register_from_entrustment(user=world["staff"], entrustment_id=first.pk, terms=listing_terms())
    with pytest.raises(EntrustmentConflict) as refused:
        entrustment_create(user=world["owner"], listing_id=world["listing"].pk)
    assert refused.value.code == "already_entrusted"
    # Even a second accepted entrustment (made by hand) cannot give the listing a second active lot.
    second = Entrustment.objects.create(
        owner=world["owner"],
        created_by=world["owner"],
        listing=world["listing"],
        mode="transfer",
        centre=world["centre"],
        status=Entrustment.Status.ACCEPTED,
        region=first.region,
        title="第二次",
    )
    with pytest.raises(LotConflict):
        lot_register_from_entrustment(user=world["staff"], entrustment_id=second.pk, terms=listing_terms())
    assert Lot.objects.filter(listing=world["listing"]).count() == 1


def test_a_rejected_entrustment_is_corrected_and_submitted_again(world):
    entrustment = complete(world)
    entrustment_submit(user=world["owner"], entrustment_id=entrustment.pk)
    with pytest.raises(InvalidInput):
        entrustment_reject(user=world["staff"], entrustment_id=entrustment.pk, reason=" ")
    entrustment_reject(user=world["staff"], entrustment_id=entrustment.pk, reason="委托申请书未盖章")
    assert Entrustment.objects.get(pk=entrustment.pk).reason == "委托申请书未盖章"
    attachment_add(user=world["owner"], entrustment_id=entrustment.pk, kind="entrustment_letter", file=pdf())
    assert entrustment_submit(user=world["owner"], entrustment_id=entrustment.pk).status == "submitted"


def test_withdrawn_before_the_centre_decides(world):
    entrustment = complete(world)
    entrustment_submit(user=world["owner"], entrustment_id=entrustment.pk)
    assert entrustment_withdraw(user=world["owner"], entrustment_id=entrustment.pk).status == "withdrawn"
    with pytest.raises(EntrustmentConflict):
        entrustment_accept(user=world["staff"], entrustment_id=entrustment.pk, bond_yuan="1")


def test_staff_of_another_centre_and_other_users_see_no_entrustment(world):
    entrustment = complete(world)
    entrustment_submit(user=world["owner"], entrustment_id=entrustment.pk)
    with pytest.raises(NotFound):
        entrustment_accept(
            user=centre_staff_create(world["mianyang_centre"]), entrustment_id=entrustment.pk, bond_yuan="1"
        )
    with pytest.raises(NotFound):
        entrustment_withdraw(user=user_create(), entrustment_id=entrustment.pk)


def test_an_unverified_user_is_told_to_verify_first(world):
    with pytest.raises(PermissionDenied) as refused:
        entrustment_create(user=user_create(verified=False), mode="transfer")
    assert refused.value.code == "verification_required"


def test_from_scratch_the_land_is_checked_like_a_listing_and_the_county_follows_the_place(world):
    owner = world["owner"]
    point = china.outlines("51")["510104"][1].representative_point()
    entrustment = entrustment_create(
        user=owner,
        mode="lease",
        location=[point.x, point.y],
        land_use="0501",
    )
    assert entrustment.region_id == "510104"
    with pytest.raises(InvalidInput) as refused:
        entrustment_update(user=owner, entrustment_id=entrustment.pk, land_use="9999", bond_yuan="1")
    assert {"land_use", "bond_yuan"} <= set(refused.value.fields)


def test_a_document_that_is_not_what_its_name_says_is_refused(world):
    entrustment = entrustment_create(user=world["owner"], listing_id=world["listing"].pk)
    with pytest.raises(InvalidInput) as refused:
        attachment_add(
            user=world["owner"],
            entrustment_id=entrustment.pk,
            kind="contract",
            file=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert refused.value.fields["file"][0]["code"] == "file_type"
    assert not EntrustmentAttachment.objects.exists()
