"""The trading pages' other paths in the real Chromium: the centre rejects an entrustment with a reason and the owner
sees it with 继续编辑; a grantor submits a lot, the centre returns it with reasons, the grantor corrects and submits it
again and the centre registers it; Next on an empty step shows each missing field in place and saves nothing; an
unverified user is sent to verification before step 1."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from playwright.sync_api import Browser, FilePayload, Page, expect

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Entrustment, EntrustmentAttachment, Lot
from auctions.services.entrustments import attachment_add, entrustment_create, entrustment_submit, entrustment_update
from core.tests.samples import pdf_bytes
from geo import china
from tests.browser.conftest import ARTIFACTS, close_settled, sign_in
from tests.browser.test_trading_flow import trading_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[None]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    return trading_world()


def _page_for(browser: Browser, user: User, base_url: str) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    sign_in(context, user, base_url)
    return context.new_page()


def _submitted(world: dict[str, Any]) -> Entrustment:
    owner = world["owner"]
    entrustment = entrustment_create(user=owner, listing_id=world["listing"].pk)
    entrustment_update(user=owner, entrustment_id=entrustment.pk, centre=world["centre"].pk, term_years=40)
    entrustment_update(
        user=owner,
        entrustment_id=entrustment.pk,
        owner_address="红星路1号",
        agent_name="李四",
        agent_phone="13800138000",
    )
    for kind in EntrustmentAttachment.REQUIRED_KINDS:
        pdf = SimpleUploadedFile(f"{kind}.pdf", pdf_bytes(), content_type="application/pdf")
        attachment_add(user=owner, entrustment_id=entrustment.pk, kind=kind, file=pdf)
    return entrustment_submit(user=owner, entrustment_id=entrustment.pk)


def test_the_centre_rejects_with_a_reason_that_the_owner_sees(browser: Browser, live_server, world: dict[str, Any]):
    entrustment = _submitted(world)
    staff = _page_for(browser, world["staff"], live_server.url)
    staff.goto(f"{live_server.url}/centre/")
    staff.locator(f'#tab-entrustments tr[data-id="{entrustment.pk}"] [data-action=open]').click()
    reject = staff.locator("#entrustment-detail form[data-form=reject]")
    reject.locator("button[type=submit]").click()  # without a reason: refused, with the field marked
    expect(reject.locator("[name=reason]")).to_have_attribute("aria-invalid", "true")
    reject.locator("[name=reason]").fill("不动产权证书扫描件不清晰")
    reject.locator("button[type=submit]").click()
    expect(staff.locator("#entrustment-detail .me-status")).to_have_attribute("data-status", "rejected")
    entrustment.refresh_from_db()
    assert entrustment.status == Entrustment.Status.REJECTED
    assert entrustment.reason == "不动产权证书扫描件不清晰"

    owner = _page_for(browser, world["owner"], live_server.url)
    owner.goto(f"{live_server.url}/me/?section=entrustments")
    row = owner.locator(f'#panel-entrustments tr[data-id="{entrustment.pk}"]')
    expect(row.locator("[data-field=reason]")).to_contain_text("不动产权证书扫描件不清晰")
    expect(row.locator("[data-action=edit]")).to_have_attribute("href", f"/entrustments/{entrustment.pk}/edit/")
    expect(row.locator("[data-action=withdraw]")).to_have_count(0)
    for page in (staff, owner):
        close_settled(page.context)


def _fill_terms(form: Any, start: datetime) -> None:
    form.locator("[name=start_price_wan]").fill("800")
    form.locator("[name=increment_wan]").fill("5")
    form.locator("[name=deposit_wan]").fill("160")
    schedule = {
        "announcement_starts_at": start,
        "applications_open_at": start,
        "applications_close_at": start + timedelta(days=20),
        "deposit_deadline": start + timedelta(days=20, hours=2),
        "listing_starts_at": start + timedelta(days=10),
        "listing_ends_at": start + timedelta(days=21),
    }
    for name, moment in schedule.items():
        form.locator(f"[name={name}]").fill(moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M"))


def test_a_grantor_submits_a_lot_the_centre_returns_it_and_registers_it_after_correction(
    browser: Browser, live_server, world: dict[str, Any]
):
    grantor = user_create(role=User.Role.GRANTOR, regions=["510100"])
    page = _page_for(browser, grantor, live_server.url)
    page.goto(f"{live_server.url}/grantor/lots/")
    form = page.locator("#grant-form")
    form.locator(".region-select select[data-level=province]").select_option("510000")
    form.locator(".region-select select[data-level=city]").select_option("510100")
    form.locator(".region-select select[data-level=county]").select_option("510104")
    expect(form.locator("[name=centre]")).to_have_value(str(world["centre"].pk))
    form.locator("[name=title]").fill("锦江区出让地块")
    form.locator("[name=transferor]").fill("成都市规划和自然资源局")
    _fill_terms(form, (datetime.now(SHANGHAI) + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0))
    form.locator("button[type=submit]").click()
    expect(page.locator("#grantor-lots tr[data-status=submitted]")).to_have_count(1, timeout=WAIT_MS)
    lot = Lot.objects.get(title="锦江区出让地块")
    assert lot.status == Lot.Status.SUBMITTED
    assert lot.door == Lot.Door.PRIMARY
    assert lot.number == ""

    staff = _page_for(browser, world["staff"], live_server.url)
    staff.goto(f"{live_server.url}/centre/")
    staff.locator("#console-tabs [data-tab=lots]").click()
    staff.locator(f'#tab-lots tr[data-id="{lot.pk}"] [data-action=open]').click()
    returned = staff.locator("#lot-detail form[data-form=return]")
    returned.locator("[name=reason]").fill("缺少规划条件")
    returned.locator("button[type=submit]").click()
    expect(staff.locator("#lot-detail .me-status")).to_have_attribute("data-status", "returned")
    lot.refresh_from_db()
    assert lot.status == Lot.Status.RETURNED
    assert lot.reason == "缺少规划条件"

    page.reload()
    row = page.locator(f'#grantor-lots tr[data-id="{lot.pk}"]')
    expect(row).to_contain_text("缺少规划条件")
    row.locator("[data-action=edit]").click()
    expect(form.locator("[name=centre]")).to_have_value(str(world["centre"].pk))
    form.locator("[name=conditions]").fill("容积率不大于2.5")
    form.locator("button[type=submit]").click()
    expect(page.locator(f'#grantor-lots tr[data-id="{lot.pk}"]')).to_have_attribute("data-status", "submitted")
    lot.refresh_from_db()
    assert lot.status == Lot.Status.SUBMITTED
    assert lot.conditions == "容积率不大于2.5"
    page.screenshot(path=str(ARTIFACTS / "trading_grantor.png"), full_page=True)

    staff.locator("#lot-detail button", has_text="关闭").click()
    staff.locator("#tab-lots .console-filters [name=status]").select_option("submitted")
    staff.locator(f'#tab-lots tr[data-id="{lot.pk}"] [data-action=open]').click()
    register = staff.locator("#lot-detail form[data-form=register]")
    register.locator("button[type=submit]").click()  # refused with its reason: no documents yet
    expect(register.locator(".form-error")).to_be_visible()
    assert Lot.objects.get(pk=lot.pk).status == Lot.Status.SUBMITTED

    documents = page.locator("#grant-documents")
    documents.locator("[name=document_title]").fill("规划条件")
    documents.locator("[name=document_file]").set_input_files(
        files=[FilePayload(name="conditions.pdf", mimeType="application/pdf", buffer=pdf_bytes())]
    )
    documents.locator("[data-action=upload]").click()
    expect(documents.locator("li", has_text="conditions.pdf")).to_have_count(1, timeout=WAIT_MS)
    register.locator("button[type=submit]").click()
    expect(staff.locator("#lot-detail .me-status")).to_have_attribute("data-status", "registered")
    lot.refresh_from_db()
    assert lot.status == Lot.Status.REGISTERED
    assert lot.number.startswith("川DCR[")
    for each in (page, staff):
        close_settled(each.context)


def test_next_on_an_empty_step_marks_each_missing_field_and_saves_nothing(
    browser: Browser, live_server, world: dict[str, Any]
):
    page = _page_for(browser, world["owner"], live_server.url)
    page.goto(f"{live_server.url}/entrustments/new/?mode=transfer")
    form = page.locator("#entrustment-form")
    expect(form).to_have_attribute("data-ready", "true", timeout=WAIT_MS)
    form.locator("[data-action=next]").click()
    expect(form.locator("[name=centre]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("[name=certificate_number]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator(".form-error").first).to_be_visible()
    expect(form.locator("section[data-step='1']")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "trading_entrustment_errors.png"), full_page=True)
    close_settled(page.context)
    assert not Entrustment.objects.exists()


def test_an_unverified_user_is_sent_to_verification_before_step_one(browser: Browser, live_server):
    page = _page_for(browser, user_create(verified=False), live_server.url)
    page.goto(f"{live_server.url}/entrustments/new/?mode=lease")
    notice = page.locator("#verification-needed")
    expect(notice).to_be_visible()
    expect(notice.locator("a")).to_have_attribute("href", "/me/?section=settings#verification")
    expect(page.locator("#entrustment-form")).to_be_hidden()
    close_settled(page.context)


def test_from_scratch_the_land_is_placed_with_the_supply_forms_picker_and_the_centres_follow_its_county(
    browser: Browser, live_server, world: dict[str, Any]
):
    page = _page_for(browser, world["owner"], live_server.url)
    page.goto(f"{live_server.url}/entrustments/new/?mode=lease")
    form = page.locator("#entrustment-form")
    expect(form).to_have_attribute("data-ready", "true", timeout=WAIT_MS)
    point = china.outlines("51")["510104"][1].representative_point()
    form.locator("details.picker-advanced summary").click()
    form.locator("[name=lon]").fill(f"{point.x:.6f}")
    form.locator("[name=lat]").fill(f"{point.y:.6f}")
    form.locator("[name=lat]").dispatch_event("change")
    # The point's county (锦江区) is found, and with it the centres serving it.
    expect(form.locator("[name=region]")).to_have_value("510104", timeout=WAIT_MS)
    expect(form.locator("[name=centre]")).to_have_value(str(world["centre"].pk))
    for name, value in (("land_nature", "state_owned"), ("use_right_type", "granted"), ("land_type", "enterprise")):
        form.locator(f"[name={name}][value={value}]").check()
    form.locator(".land-use-select select").first.select_option("05")
    form.locator(".land-use-select select").nth(1).select_option("0501")
    form.locator("[name=area_m2]").fill("3000")
    form.locator("[name=address]").fill("锦江区东大街1号")
    form.locator("[name=certificate_type][value=real_estate]").check()
    form.locator("[name=certificate_number]").fill("川(2021)成都市不动产权第0000001号")
    form.locator("[name=registration_authority]").fill("锦江区不动产登记中心")
    form.locator("[name=with_buildings][value=false]").check()
    form.locator("[name=investment_over_25][value=true]").check()
    form.locator("[name=price_wan]").fill("600")
    form.locator("[name=term_years]").fill("10")
    # The seed's title format: region + area + first-level land use + mode (出租).
    form.locator("[data-action=title]").click()
    expect(form.locator("[name=title]")).to_have_value("四川省成都市锦江区3000平方米商服用地出租")
    form.locator("[data-action=next]").click()
    expect(form.locator("section[data-step='2']")).to_be_visible(timeout=WAIT_MS)
    close_settled(page.context)
    entrustment = Entrustment.objects.get()
    assert entrustment.mode == "lease"
    assert entrustment.listing_id is None
    assert entrustment.region_id == "510104"
    assert entrustment.centre_id == world["centre"].pk
    assert entrustment.location is not None
    assert round(entrustment.location.x, 6) == round(point.x, 6)
