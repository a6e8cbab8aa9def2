"""The trading flow end to end in the real Chromium: an owner entrusts a published listing through the three steps
(documents uploaded as PDFs) and submits it; the centre's staff accept it with a performance bond in the console,
register its lot with terms entered in Beijing time, override its rules, draft and publish its announcement and
then a change announcement that supersedes it; the owner sees the bond and the lot; a visitor finds the announcement
by a fragment of the lot number on /notices/, among today's announcements on the home page and in the map's list of
trading lots. The Entrustment, Lot and Announcement rows are checked at each step; screenshots go to
var/test-artifacts/trading_*.png."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from playwright.sync_api import Browser, FilePayload, Page, expect

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Announcement, Entrustment, EntrustmentAttachment, Lot
from auctions.tests.factories import centre_create, centre_staff_create
from core.tests.samples import pdf_bytes
from geo import china
from geo.models import Region
from geo.tests.factories import multipolygon, region_create
from market.tests.factories import supply_create
from tests.browser.conftest import ARTIFACTS, close_settled, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def media_and_search(tmp_path: Path) -> Iterator[None]:
    """Uploaded files under the test's own folder; notices searched in the database (this test's rows)."""
    with override_settings(MEDIA_ROOT=str(tmp_path), ELASTICSEARCH_URL=""):
        yield


def real_region(code: str, parent: Region | None = None) -> Region:
    name, outline = china.outlines("51")[code]
    return region_create(code=code, name=name, parent=parent, boundary=multipolygon(outline))


def trading_world() -> dict[str, Any]:
    """Real 四川 → 成都 → 锦江区, 成都's centre with its bond account and a staff member, and a verified enterprise's
    published listing in 锦江区."""
    sichuan = real_region("510000")
    chengdu = real_region("510100", sichuan)
    jinjiang = real_region("510104", chengdu)
    centre = centre_create(
        region=chengdu, bond_payee="成都市公共资源交易中心", bond_bank="工商银行", bond_account="4402"
    )
    owner = user_create(kind=User.Kind.ENTERPRISE, real_name="锦江置业有限公司")
    point = china.outlines("51")["510104"][1].representative_point()
    listing = supply_create(owner=owner, region=jinjiang, location=f"SRID=4490;POINT({point.x} {point.y})")
    return {"centre": centre, "staff": centre_staff_create(centre), "owner": owner, "listing": listing}


@pytest.fixture
def world() -> dict[str, Any]:
    return trading_world()


def _page_for(browser: Browser, user: User | None, base_url: str, width: int = 1280) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    if user is not None:
        sign_in(context, user, base_url)
    return context.new_page()


def _local(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def _entrust_in_the_browser(page: Page, base: str, world: dict[str, Any]) -> Entrustment:
    listing = world["listing"]
    page.goto(f"{base}/me/?section=supply")
    page.locator("#panel-supply [data-group=published]").click()
    page.locator(f'#panel-supply tr[data-id="{listing.pk}"] [data-action=entrust]').click()
    expect(page).to_have_url(f"{base}/entrustments/new/?listing={listing.pk}")
    form = page.locator("#entrustment-form")
    expect(form).to_have_attribute("data-ready", "true", timeout=WAIT_MS)
    # The listing's land is shown and cannot be changed; the title is the listing's; the centre serves 锦江区.
    expect(form.locator("[name=address]")).to_have_value(listing.address)
    expect(form.locator("[name=address]")).to_be_disabled()
    expect(form.locator("[name=title]")).to_have_value(listing.title)
    expect(page.locator("#centre-card")).to_contain_text(world["centre"].address)
    form.locator("[name=term_years]").fill("40")
    form.locator("[name=hide_result]").check()
    page.screenshot(path=str(ARTIFACTS / "trading_entrustment_step1.png"), full_page=True)
    form.locator("[data-action=next]").click()
    expect(form.locator("section[data-step='2']")).to_be_visible()
    entrustment = Entrustment.objects.get(listing=listing)
    assert entrustment.status == Entrustment.Status.DRAFT
    assert entrustment.centre_id == world["centre"].pk
    assert entrustment.term_years == 40
    assert entrustment.hide_result is True
    expect(page).to_have_url(f"{base}/entrustments/{entrustment.pk}/edit/")
    # Step 2: the verified enterprise's name is filled and read-only.
    expect(form.locator("[name=owner_name]")).to_have_value("锦江置业有限公司")
    expect(form.locator("[name=owner_name]")).to_have_attribute("readonly", "")
    form.locator("[name=owner_address]").fill("成都市锦江区红星路1号")
    form.locator("[name=agent_name]").fill("李四")
    form.locator("[name=agent_phone]").fill("13800138000")
    form.locator("[data-action=next]").click()
    expect(form.locator("section[data-step='3']")).to_be_visible()
    for kind in EntrustmentAttachment.REQUIRED_KINDS:
        form.locator(f'input[type=file][data-kind="{kind}"]').set_input_files(
            files=[FilePayload(name=f"{kind}.pdf", mimeType="application/pdf", buffer=pdf_bytes())]
        )
        expect(form.locator(f'tr[data-kind="{kind}"] .file')).to_have_count(1, timeout=WAIT_MS)
    page.screenshot(path=str(ARTIFACTS / "trading_entrustment_step3.png"), full_page=True)
    form.locator("[data-action=submit]").click()
    expect(page).to_have_url(f"{base}/me/?section=entrustments", timeout=WAIT_MS)
    row = page.locator(f'#panel-entrustments tr[data-id="{entrustment.pk}"]')
    expect(row).to_have_attribute("data-status", "submitted")
    entrustment.refresh_from_db()
    assert entrustment.status == Entrustment.Status.SUBMITTED
    assert entrustment.owner_address == "成都市锦江区红星路1号"
    assert entrustment.attachments.count() == len(EntrustmentAttachment.REQUIRED_KINDS)
    return entrustment


def _accept_and_register(page: Page, base: str, entrustment: Entrustment) -> Lot:
    page.goto(f"{base}/centre/")
    row = page.locator(f'#tab-entrustments tr[data-id="{entrustment.pk}"]')
    row.locator("[data-action=open]").click()
    detail = page.locator("#entrustment-detail")
    expect(detail).to_contain_text("李四")
    detail.locator("form[data-form=accept] [name=bond_yuan]").fill("50000")
    detail.locator("form[data-form=accept] button[type=submit]").click()
    expect(detail.locator("form[data-form=register-lot]")).to_be_visible(timeout=WAIT_MS)
    entrustment.refresh_from_db()
    assert entrustment.status == Entrustment.Status.ACCEPTED
    assert entrustment.bond_yuan == Decimal("50000.00")
    assert entrustment.bond_payment_details == "成都市公共资源交易中心；工商银行；4402"  # the centre's, by default
    start = (datetime.now(SHANGHAI) + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    terms = detail.locator("form[data-form=register-lot]")
    terms.locator("[name=start_price_wan]").fill("1200")
    terms.locator("[name=increment_wan]").fill("10")
    terms.locator("[name=deposit_wan]").fill("240")
    schedule = {
        "announcement_starts_at": start,
        "applications_open_at": start,
        "applications_close_at": start + timedelta(days=20),
        "deposit_deadline": start + timedelta(days=20, hours=2),
        "listing_starts_at": start + timedelta(days=10),
        "listing_ends_at": start + timedelta(days=21),
    }
    for name, moment in schedule.items():
        terms.locator(f"[name={name}]").fill(_local(moment))
    page.screenshot(path=str(ARTIFACTS / "trading_console_register.png"), full_page=True)
    terms.locator("button[type=submit]").click()
    expect(detail.locator("[data-lot]")).to_be_visible(timeout=WAIT_MS)
    lot = Lot.objects.get(entrustment=entrustment)
    assert lot.status == Lot.Status.REGISTERED
    assert lot.number
    assert lot.trading_mode == Lot.TradingMode.LISTING
    assert lot.start_price_wan == Decimal("1200")
    assert lot.publish_result is False  # the owner's 不公示竞价结果
    for name, moment in schedule.items():  # entered as Beijing time, stored as that instant
        assert getattr(lot, name) == moment, name
    return lot


def _announce(page: Page, lot: Lot) -> Announcement:
    page.locator("#console-tabs [data-tab=lots]").click()
    page.locator(f'#tab-lots tr[data-id="{lot.pk}"] [data-action=open]').click()
    # Before the announcement the lot's own rules can be overridden (its profile's copy, not the profile).
    rules = page.locator("#lot-detail form[data-form=rules]")
    rules.locator("[name=countdown_seconds]").fill("240")
    rules.locator("button[type=submit]").click()
    expect(page.locator("#lot-detail [data-saved=rules]")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#lot-detail form[data-form=rules] [name=countdown_seconds]")).to_have_value("240")
    lot.rules.refresh_from_db()
    assert lot.rules.countdown_seconds == 240
    assert lot.centre.rule_profile.countdown_seconds != 240
    page.locator("#lot-detail [data-action=announce]").click()
    form = page.locator("#announcement-form")
    expect(form.locator("[name=lot]")).to_have_value(str(lot.pk))
    form.locator("[name=body]").fill("经成都市公共资源交易中心受理，现将该宗土地使用权挂牌转让有关事项公告如下。")
    form.locator("button[type=submit]").click()
    draft = page.locator("#announcement-draft")
    expect(draft).to_have_attribute("data-status", "draft", timeout=WAIT_MS)
    announcement = Announcement.objects.get(lot=lot)
    assert announcement.status == Announcement.Status.DRAFT
    assert announcement.kind == Announcement.Kind.NORMAL
    assert announcement.number == ""
    page.once("dialog", lambda dialog: dialog.accept())
    draft.locator("form[data-form=publish] button[type=submit]").click()
    expect(draft).to_have_attribute("data-status", "published", timeout=WAIT_MS)
    page.screenshot(path=str(ARTIFACTS / "trading_console_published.png"), full_page=True)
    announcement.refresh_from_db()
    lot.refresh_from_db()
    assert announcement.status == Announcement.Status.PUBLISHED
    assert announcement.number
    assert announcement.published_at is not None
    assert lot.status == Lot.Status.ANNOUNCED
    return announcement


def _change(page: Page, lot: Lot, first: Announcement) -> Announcement:
    """A change announcement (变更公告) of the announced lot, drafted and published: it supersedes the first."""
    page.locator("#console-tabs [data-tab=lots]").click()
    page.locator("#tab-lots .console-filters [name=status]").select_option("announced")
    page.locator(f'#tab-lots tr[data-id="{lot.pk}"] [data-action=open]').click()
    expect(page.locator("#lot-detail form[data-form=rules]")).to_have_count(0)  # frozen once announced
    page.locator("#lot-detail [data-action=announce]").click()
    form = page.locator("#announcement-form")
    expect(form.locator("[name=kind][value=change]")).to_be_checked()
    form.locator("[name=title]").fill(f"{lot.title}变更公告")
    form.locator("[name=body]").fill("挂牌截止时间顺延。")
    form.locator("button[type=submit]").click()
    draft = page.locator("#announcement-draft")
    expect(draft).to_have_attribute("data-status", "draft", timeout=WAIT_MS)
    page.once("dialog", lambda dialog: dialog.accept())
    draft.locator("form[data-form=publish] button[type=submit]").click()
    expect(draft).to_have_attribute("data-status", "published", timeout=WAIT_MS)
    change = Announcement.objects.get(lot=lot, kind=Announcement.Kind.CHANGE)
    first.refresh_from_db()
    assert change.status == Announcement.Status.PUBLISHED
    assert change.supersedes_id == first.pk
    assert first.status == Announcement.Status.SUPERSEDED
    return change


def test_an_owner_entrusts_a_listing_the_centre_accepts_registers_and_announces_it(
    browser: Browser, live_server, world: dict[str, Any]
):
    base = live_server.url
    owner_page = _page_for(browser, world["owner"], base)
    entrustment = _entrust_in_the_browser(owner_page, base, world)

    staff_page = _page_for(browser, world["staff"], base)
    lot = _accept_and_register(staff_page, base, entrustment)
    announcement = _announce(staff_page, lot)
    change = _change(staff_page, lot, announcement)

    # The owner sees the bond and how to pay it, and the lot's number linking to its page.
    owner_page.goto(f"{base}/me/?section=entrustments")
    row = owner_page.locator(f'#panel-entrustments tr[data-id="{entrustment.pk}"]')
    expect(row.locator("[data-field=bond]")).to_contain_text("50,000")
    expect(row.locator(f'a[href="/lots/{lot.pk}/"]')).to_have_text(lot.number)
    owner_page.screenshot(path=str(ARTIFACTS / "trading_me_entrustments.png"), full_page=True)

    # A visitor finds the announcement by a fragment of the lot number (its serial, e.g. "0001").
    visitor = _page_for(browser, None, base)
    visitor.goto(f"{base}/notices/")
    visitor.locator("#notice-keywords").fill(lot.number[-4:])
    visitor.locator("#notice-keywords").press("Enter")
    table = visitor.locator("#notice-table")
    expect(table).to_be_visible(timeout=WAIT_MS)
    expect(table).to_contain_text(change.number)
    visitor.screenshot(path=str(ARTIFACTS / "trading_notices_search.png"), full_page=True)

    # … on the home page's broadcast, among today's announcements (今日公告), linking to the lot's page …
    visitor.goto(f"{base}/")
    visitor.locator("#broadcast-tab-announced").click()
    announced_today = visitor.locator("#broadcast-announced")
    expect(announced_today.locator(f'a[href="/lots/{lot.pk}/"]')).to_contain_text(lot.number)
    visitor.screenshot(path=str(ARTIFACTS / "trading_home_announced_today.png"), full_page=True)

    # … and on the map, in the list of trading lots (交易标的).
    visitor.goto(f"{base}/map/")
    visitor.locator(".map-list-tab[data-list=lots]").click()
    item = visitor.locator(f"#map-lots > li[data-id='{lot.pk}']")
    expect(item.locator("[data-field=number]")).to_have_text(lot.number, timeout=WAIT_MS)
    visitor.screenshot(path=str(ARTIFACTS / "trading_map_lots.png"), full_page=True)
    for page in (owner_page, staff_page, visitor):
        close_settled(page.context)


def test_the_console_works_at_phone_width(browser: Browser, live_server, world: dict[str, Any]):
    page = _page_for(browser, world["staff"], live_server.url, width=390)
    page.goto(f"{live_server.url}/centre/")
    expect(page.locator("#console-tabs")).to_be_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / "trading_console_phone.png"), full_page=True)
    close_settled(page.context)
    assert overflow <= 0
