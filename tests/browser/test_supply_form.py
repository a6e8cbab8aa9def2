"""Publishing supply through the three-step form (发布地源) in Chromium: land, applicant, attachments, submit."""

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from accounts.tests.factories import user_create
from core.tests import samples
from geo.models import Region
from geo.tests.factories import sichuan_tree
from market.models import SupplyAttachment, SupplyChange, SupplyListing
from market.tests.factories import supply_create
from tests.browser.conftest import ARTIFACTS, close_settled

pytestmark = pytest.mark.django_db(transaction=True)

PDF = samples.pdf_bytes()  # one page, with its cross-reference table (uploads are read by pypdf)


@pytest.fixture
def regions() -> dict[str, Region]:
    return sichuan_tree(("510000", "510100", "510104"))


def signed_in_page(browser: Browser, live_server, user: User, tmp_path) -> Iterator[Page]:
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    yield context.new_page()
    close_settled(context)


@pytest.fixture
def owner_page(browser: Browser, live_server, regions, settings, tmp_path) -> Iterator[Page]:
    settings.MEDIA_ROOT = tmp_path
    yield from signed_in_page(browser, live_server, user_create(real_name="王五"), tmp_path)


def publish_through_the_form(page: Page, live_server) -> None:
    """Fill the three steps as a verified owner would and submit for review (used by the acceptance test too)."""
    page.goto(f"{live_server.url}/supply/new/?mode=transfer")
    form = page.locator("#supply-form")

    # Step 1: land (土地基本信息)
    form.locator("input[name=land_nature][value=state_owned]").check()
    expect(form.locator("select[data-level=province] option[value='510000']")).to_be_attached()
    form.locator("select[data-level=province]").select_option("510000")
    expect(form.locator("select[data-level=city] option[value='510100']")).to_be_attached()
    form.locator("select[data-level=city]").select_option("510100")
    expect(form.locator("select[data-level=county] option[value='510104']")).to_be_attached()
    form.locator("select[data-level=county]").select_option("510104")
    form.locator("input[name=use_right_type][value=granted]").check()
    form.locator("input[name=land_type][value=enterprise]").check()
    form.locator("select[data-level=major]").select_option("05")
    form.locator("select[data-level=minor]").select_option("0501")
    form.locator("input[name=area_m2]").fill("5000")
    form.locator("input[name=right_end_date]").fill(f"{timezone.localdate().year + 30}-06-30")
    form.locator("input[name=address]").fill("成都市锦江区东大街100号")
    form.locator(".picker-advanced summary").click()  # the typed coordinates, the map picker's fallback
    form.locator("input[name=lon]").fill("104.1")
    form.locator("input[name=lat]").fill("30.6")
    form.locator("input[name=lat]").press("Tab")
    form.locator("input[name=price_wan]").fill("1200")
    form.locator("input[name=certificate_type][value=real_estate]").check()
    form.locator("input[name=certificate_number]").fill("川(2020)成都市不动产权第0012345号")
    form.locator("input[name=registration_authority]").fill("成都市不动产登记中心")
    form.locator("input[name=with_buildings][value=false]").check()
    form.locator("input[name=investment_over_25][value=true]").check()
    expect(form.locator("select[name=institution]")).to_have_value("锦江区自然资源主管部门")  # the county's, chosen
    expect(page.locator("#title-preview")).to_have_text("四川省成都市锦江区5000平方米商服用地转让")
    form.locator("[data-action=next]").click()

    # Step 2: applicant (申请人基本信息)
    expect(form.locator("section[data-step='2']")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/supply/\d+/edit/$"))  # the draft is saved on the way
    # Nature, name and phone are the verified identity's, read-only; the ID comes from an approved application.
    expect(form.locator("input[name=owner_name]")).to_have_value("王五")
    expect(form.locator("input[name=owner_nature][value=individual]")).to_be_checked()
    form.locator("input[name=owner_id_type]").fill("居民身份证")
    form.locator("input[name=owner_id_number]").fill("11010519491231002X")
    form.locator("input[name=owner_address]").fill("成都市锦江区东大街1号")
    form.locator("input[name=agent_name]").fill("李四")
    form.locator("input[name=agent_phone]").fill("13800138000")
    form.locator("[data-action=next]").click()

    # Step 3: attachments (附件清单): the four required documents and a photo
    expect(form.locator("section[data-step='3']")).to_be_visible()
    for kind in SupplyAttachment.REQUIRED_KINDS:
        form.locator(f"input[type=file][data-kind={kind}]").set_input_files(
            {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        expect(form.locator(f"tr[data-kind={kind}] .files")).to_contain_text(f"{kind}.pdf")
    page.screenshot(path=str(ARTIFACTS / "supply_form_attachments.png"), full_page=True)
    form.locator("[data-action=submit]").click()
    expect(form.locator(".notice")).to_be_visible()
    page.wait_for_url(f"{live_server.url}/me/?section=supply")


def test_a_verified_owner_publishes_supply_through_the_three_steps(owner_page: Page, live_server):
    publish_through_the_form(owner_page, live_server)

    listing = SupplyListing.objects.get()
    assert listing.status == SupplyListing.Status.IN_REVIEW
    assert listing.title == "四川省成都市锦江区5000平方米商服用地转让"
    assert listing.region_id == "510104"
    assert listing.area_m2 == Decimal("5000.00")
    assert listing.price_wan == Decimal("1200.0000")
    assert listing.owner_name == "王五"
    assert listing.location is not None
    assert listing.location.coords == (104.1, 30.6)
    assert sorted(listing.attachments.values_list("kind", flat=True)) == sorted(SupplyAttachment.REQUIRED_KINDS)


def test_next_on_an_incomplete_step_shows_each_missing_field_and_saves_nothing(owner_page: Page, live_server):
    page = owner_page
    page.goto(f"{live_server.url}/supply/new/?mode=lease")
    form = page.locator("#supply-form")
    form.locator("input[name=address]").fill("<script>alert(1)</script>")
    form.locator("[data-action=next]").click()

    expect(form.locator(".form-error")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "supply_form_missing.png"), full_page=True)
    # The owner stays on the step, each missing field marked; no titleless draft was saved.
    expect(form.locator("section[data-step='1']")).to_be_visible()
    expect(form.locator("input[name=area_m2][aria-invalid]")).to_be_attached()
    expect(form.locator("input[name=location] + .field-error")).to_be_attached()
    expect(form.locator("section[data-step='2']")).to_be_hidden()
    assert not SupplyListing.objects.exists()

    form.locator("[data-action=save]").click()  # "Save" still keeps a partial draft, as typed
    expect(form.locator(".notice")).to_be_visible()
    listing = SupplyListing.objects.get()
    assert listing.status == SupplyListing.Status.DRAFT
    assert listing.mode == SupplyListing.Mode.LEASE
    assert listing.address == "<script>alert(1)</script>"  # stored as typed


def test_a_change_request_carries_only_what_the_owner_changed(owner_page: Page, live_server, regions):
    county = Region.objects.get(code="510104")
    assert county.boundary is not None
    owner = User.objects.get(real_name="王五")
    published = supply_create(
        owner=owner, region=county, status=SupplyListing.Status.PUBLISHED, location=county.boundary.point_on_surface
    )
    page = owner_page
    page.goto(f"{live_server.url}/supply/{published.pk}/edit/?change=1")
    form = page.locator("#supply-form")
    expect(form.locator("input[name=address]")).to_have_value(published.address)
    expect(form.locator("select[name=institution]")).to_have_value("锦江区自然资源主管部门")
    form.locator("input[name=price_wan]").fill("1300")
    form.locator("[data-action=next]").click()
    form.locator("[data-action=submit]").click()

    expect(form.locator(".notice")).to_be_visible()
    assert SupplyChange.objects.get(listing=published).changes == {"price_wan": "1300"}
