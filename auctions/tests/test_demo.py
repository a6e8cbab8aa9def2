"""seed_auctions_demo: banks, Sichuan's centres and their staff, lots in every state through the services on demo
parcels, announcements of every kind, rows in the home page's tabs; a second run changes nothing."""

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from accounts.models import User
from auctions import demo
from auctions.models import Announcement, Bank, Entrustment, EntrustmentAttachment, Lot, TradingCentre
from auctions.selectors_home import home_broadcast
from market import demo as market_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield tmp_path


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Bank, TradingCentre, User, Entrustment, Lot, Announcement))


def test_the_auctions_demo_has_lots_in_every_state_and_announcements_of_every_kind_and_runs_once():
    call_command("seed_demo", parcels=300, amenities=0, stdout=StringIO())
    call_command("seed_market_demo", password="demo password 2026", stdout=StringIO())
    out = StringIO()
    call_command("seed_auctions_demo", password="", stdout=out)

    assert set(Lot.objects.values_list("status", flat=True)) == set(Lot.Status.values)
    assert set(Announcement.objects.values_list("kind", flat=True)) == set(Announcement.Kind.values)
    change = Announcement.objects.get(kind=Announcement.Kind.CHANGE)
    assert change.supersedes is not None
    assert change.supersedes.status == Announcement.Status.SUPERSEDED
    assert Lot.objects.get(announcements__kind=Announcement.Kind.TERMINATION).status == Lot.Status.TERMINATED
    assert set(Lot.objects.values_list("door", flat=True)) == {Lot.Door.PRIMARY, Lot.Door.SECONDARY}
    secondary = Lot.objects.get(door=Lot.Door.SECONDARY)
    assert secondary.entrustment is not None
    assert secondary.entrustment.status == Entrustment.Status.ACCEPTED
    assert secondary.entrustment.attachments.count() == len(EntrustmentAttachment.REQUIRED_KINDS)
    assert secondary.listing is not None
    assert secondary.status == Lot.Status.ANNOUNCED
    for lot in Lot.objects.select_related("parcel"):  # each on a demo parcel of its own county
        assert lot.parcel is not None
        assert lot.parcel.region_id == lot.region_id
        assert (lot.area_m2, lot.land_use) == (lot.parcel.area_m2, lot.parcel.land_use)
        assert lot.location == lot.parcel.centroid
    centres = {centre.name: centre for centre in TradingCentre.objects.select_related("rule_profile")}
    assert centres["四川省公共资源交易中心"].region_id == "510000"
    assert centres["四川省公共资源交易中心"].rule_profile.name == "海南（默认）"
    assert centres["绵阳市公共资源交易中心"].rule_profile.name == "福建"
    assert set(centres["成都市公共资源交易中心"].banks.values_list("code", flat=True)) >= {"ICBC", "CDRCB"}
    for phone in (demo.CHENGDU_STAFF, demo.CHENGDU_GRANTOR, demo.SUPERVISOR):  # the market demo's password
        assert User.objects.get(phone=phone).check_password("demo password 2026")
    assert demo.CHENGDU_GRANTOR in out.getvalue()

    certified = Lot.objects.get(rules__certificates_required=True)  # one lot to try certificates on
    assert (certified.status, certified.centre.name) == (Lot.Status.ANNOUNCED, "四川省公共资源交易中心")
    seeker = User.objects.get(phone=market_demo.SEEKER)
    assert seeker.verifications.get(status="approved").name == seeker.real_name  # so it can get a demo certificate

    tabs = {tab.key: tab.lots for tab in home_broadcast()}
    assert {key for key, lots in tabs.items() if lots} == {"today", "closing", "announced", "tomorrow"}

    before = counts()
    again = StringIO()
    call_command("seed_auctions_demo", password="other", stdout=again)
    assert "already loaded" in again.getvalue()
    assert counts() == before
    assert User.objects.get(phone=demo.CHENGDU_STAFF).check_password("demo password 2026")


def test_the_auctions_demo_loads_without_parcels_or_market_demo_when_given_a_password():
    call_command("seed_demo", parcels=0, amenities=0, stdout=StringIO())
    out = StringIO()

    call_command("seed_auctions_demo", password="another demo password", stdout=out)

    assert "no published supply listing" in out.getvalue()
    assert set(Lot.objects.values_list("status", flat=True)) == set(Lot.Status.values)
    assert not Lot.objects.filter(parcel__isnull=False).exists()
    assert User.objects.get(phone=demo.SUPERVISOR).check_password("another demo password")
