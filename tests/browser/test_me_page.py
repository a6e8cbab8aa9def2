"""The personal centre (/me/) in the real Chromium: my supply by group with the API's actions, delisting with a
reason, real-name verification, reading a message, and the tabs at phone width."""

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.checksums import resident_id_check_character, resident_id_valid
from accounts.models import Message, RealNameVerification, User
from accounts.tests.factories import PASSWORD, user_create
from core.tests.samples import png_bytes
from geo.models import Region
from geo.tests.factories import sichuan_tree
from market.models import Demand, Favourite, IntentionQuote, PreAnnouncement, SupplyListing, ViewingAppointment
from market.tests.factories import supply_create
from tests.browser.conftest import ARTIFACTS, close_settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XSS_TITLE = '<img src=x onerror="window.__xss=1">草稿地块'
SECTIONS = ["supply", "pre-announcements", "demand", "quotes", "appointments", "favourites", "messages", "settings"]


@pytest.fixture
def region() -> Region:
    """锦江区 510104 under 成都市 under 四川省 (the region-tree idea of market/tests/conftest.py, cut down)."""
    return sichuan_tree(("510000", "510100", "510104"))["510104"]  # with their real outlines


@pytest.fixture
def signed_in(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """Opens a browser context signed in as the given user (the session cookie of a test client login)."""
    contexts = []

    def open_page(user: User, width: int = 1280, height: int = 900) -> Page:
        client = Client()
        client.force_login(user)
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        close_settled(context)


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def action_names(row) -> list[str]:
    return row.locator(".me-actions [data-action]").evaluate_all("nodes => nodes.map((n) => n.dataset.action)")


def test_my_supply_shows_each_group_with_its_actions_and_delists_with_a_reason(signed_in, live_server, region):
    owner = user_create(phone="13700000011")
    draft = supply_create(owner=owner, region=region, status=SupplyListing.Status.DRAFT, title=XSS_TITLE)
    published = supply_create(owner=owner, region=region, title="锦江区5000平米商服用地转让", price_wan=None)
    seeker = user_create(phone="13700000012")
    ViewingAppointment.objects.create(
        listing=published, user=seeker, name="赵六", phone="13700000012", visit_at=timezone.now() + timedelta(days=3)
    )
    IntentionQuote.objects.create(listing=published, user=seeker, amount_wan=Decimal("1300.5"))
    page = signed_in(owner)

    page.goto(live_server.url + "/me/")

    panel = page.locator("#panel-supply")
    expect(panel).to_be_visible()
    draft_row = panel.locator(f'tbody.me-rows > tr[data-id="{draft.pk}"]')
    expect(draft_row.locator("[data-field=title]")).to_have_text(XSS_TITLE)
    expect(draft_row).to_contain_text("13700000011")
    expect(draft_row).to_contain_text("四川省")
    expect(draft_row.locator(".me-status")).to_have_attribute("data-status", "draft")
    assert action_names(draft_row) == ["edit", "delete", "view"]
    expect(draft_row.locator("[data-action=edit]")).to_have_attribute("href", f"/supply/{draft.pk}/edit/")
    expect(panel.locator(f'tr[data-id="{published.pk}"]')).to_have_count(0)

    panel.locator("[data-group=published]").click()

    row = panel.locator(f'tbody.me-rows > tr[data-id="{published.pk}"]')
    expect(row.locator("[data-field=title]")).to_have_text("锦江区5000平米商服用地转让")
    expect(panel.locator(f'tr[data-id="{draft.pk}"]')).to_have_count(0)
    expect(row.locator(".me-status")).to_have_attribute("data-status", "published")
    assert action_names(row) == ["view", "appointments", "quotes", "delist", "change", "entrust"]  # entrust: 委托交易
    expect(row.locator("[data-action=change]")).to_have_attribute("href", f"/supply/{published.pk}/edit/?change=1")

    row.locator("[data-action=appointments]").click()
    appointments = panel.locator(f'tr.me-detail[data-for="{published.pk}"][data-kind="appointments"]')
    expect(appointments).to_contain_text("赵六")
    row.locator("[data-action=quotes]").click()
    quotes = panel.locator(f'tr.me-detail[data-for="{published.pk}"][data-kind="quotes"]')
    expect(quotes).to_contain_text("1,300.5")  # under 金额（万元）: the figure alone, no ¥ and no unit
    expect(quotes).not_to_contain_text("¥")
    screenshot(page, "me-supply-published")

    row.locator("[data-action=delist]").click()
    row.locator("textarea[name=reason]").fill("土地已自行处置")
    row.locator("[data-action=confirm-delist]").click()

    expect(row.locator(".me-status")).to_have_attribute("data-status", "delisted")
    expect(row.locator("[data-field=reason]")).to_contain_text("土地已自行处置")
    assert action_names(row) == ["delete"]
    published.refresh_from_db()
    assert published.status == SupplyListing.Status.DELISTED
    assert published.reason == "土地已自行处置"
    assert page.evaluate("() => window.__xss") is None
    expect(page).to_have_url(re.compile(r"/me/\?section=supply$"))
    screenshot(page, "me-supply-delisted")


def test_a_late_answer_for_the_tab_left_does_not_replace_the_tab_chosen(signed_in, live_server, region):
    """The first group's answer is held back until the second group's has been shown: the list keeps the second."""
    owner = user_create(phone="13700000013")
    draft = supply_create(owner=owner, region=region, status=SupplyListing.Status.DRAFT, title="草稿地块")
    published = supply_create(owner=owner, region=region, title="已发布地块")
    page = signed_in(owner)
    held: list = []
    page.route(re.compile(r"/api/market/my/supply/\?.*group=unpublished"), lambda route: held.append(route))

    page.goto(live_server.url + "/me/")
    panel = page.locator("#panel-supply")
    panel.locator("[data-group=published]").click()
    expect(panel.locator(f'tr[data-id="{published.pk}"]')).to_have_count(1)
    assert len(held) == 1
    with page.expect_response(re.compile(r"group=unpublished")):
        held[0].continue_()

    expect(panel.locator(f'tr[data-id="{published.pk}"]')).to_have_count(1)
    expect(panel.locator(f'tr[data-id="{draft.pk}"]')).to_have_count(0)


def test_tabs_switch_without_reloading_and_keep_the_section_in_the_address(signed_in, live_server):
    page = signed_in(user_create())
    page.goto(live_server.url + "/me/")
    page.evaluate("() => { window.__samePage = true; }")

    page.locator(".me-menu [data-section=quotes]").click()

    expect(page).to_have_url(re.compile(r"/me/\?section=quotes$"))
    expect(page.locator("#panel-quotes")).to_be_visible()
    expect(page.locator("#panel-supply")).to_be_hidden()
    expect(page.locator("#panel-quotes .me-empty")).to_be_visible()
    assert page.evaluate("() => window.__samePage") is True

    page.go_back()

    expect(page).to_have_url(re.compile(r"/me/(\?section=supply)?$"))
    expect(page.locator("#panel-supply")).to_be_visible()
    expect(page.locator(".me-menu [data-section=supply]")).to_have_attribute("aria-selected", "true")
    assert page.evaluate("() => window.__samePage") is True


def test_an_individual_submits_real_name_verification_and_sees_it_pending(signed_in, live_server):
    user = user_create(phone="13700000021", verified=False)
    first17 = "51010419900307123"
    id_number = first17 + resident_id_check_character(first17)
    assert resident_id_valid(id_number)
    page = signed_in(user)

    page.goto(live_server.url + "/me/?section=settings")

    state = page.locator("#verification-state")
    expect(state).to_have_attribute("data-status", "none")
    form = page.locator("#verification-form")
    expect(form.locator("input[name=licence]")).to_be_hidden()
    form.locator("input[name=name]").fill("张三")
    form.locator("input[name=id_number]").fill(id_number)
    for side in ("id_front", "id_back"):
        form.locator(f"input[name={side}]").set_input_files(
            files=[{"name": f"{side}.png", "mimeType": "image/png", "buffer": png_bytes()}]
        )
    form.locator("button[type=submit]").click()

    expect(state).to_have_attribute("data-status", "pending")
    expect(state).to_contain_text("张三")
    expect(form).to_be_hidden()
    application = RealNameVerification.objects.get(user=user)
    assert application.status == RealNameVerification.Status.PENDING
    assert (application.name, application.id_number) == ("张三", id_number)
    assert application.id_front
    assert application.id_back
    screenshot(page, "me-verification-pending")


def test_a_bad_id_number_is_named_at_its_field(signed_in, live_server):
    user = user_create(verified=False)
    page = signed_in(user)
    page.goto(live_server.url + "/me/?section=settings")
    form = page.locator("#verification-form")

    form.locator("input[name=name]").fill("张三")
    form.locator("input[name=id_number]").fill("510104199003071230")
    form.locator("button[type=submit]").click()

    expect(form.locator("input[name=id_number]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator(".field-error")).to_be_visible()
    assert not RealNameVerification.objects.filter(user=user).exists()


def test_reading_a_message_marks_it_read_and_the_unread_badge_drops(signed_in, live_server):
    user = user_create()
    older = Message.objects.create(
        user=user, title="您的供给信息已通过审核", body="锦江区地块已发布。", link="/supply/1/"
    )
    Message.objects.create(user=user, title="<b>新的意向报价</b>", body="有人报价。")
    Message.objects.create(user=user, category=Message.Category.SYSTEM, title="系统维护通知", body="今晚维护。")
    page = signed_in(user)

    page.goto(live_server.url + "/me/?section=messages")

    badge = page.locator("#unread-badge")
    expect(badge).to_have_text("3")
    expect(page.locator("[data-unread=business]")).to_have_text("2")
    items = page.locator("#panel-messages .me-message")
    expect(items).to_have_count(2)
    expect(items.first.locator("[data-field=title]")).to_have_text("<b>新的意向报价</b>")
    item = page.locator(f'#panel-messages .me-message[data-id="{older.pk}"]')
    expect(item).to_have_attribute("data-read", "false")

    item.locator(".me-message-head").click()

    expect(item.locator("[data-field=body]")).to_have_text("锦江区地块已发布。")
    expect(item).to_have_attribute("data-read", "true")
    expect(badge).to_have_text("2")
    expect(page.locator("[data-unread=business]")).to_have_text("1")
    older.refresh_from_db()
    assert older.read_at is not None
    screenshot(page, "me-messages")

    page.locator("#panel-messages [data-group=system]").click()
    expect(items).to_have_count(1)
    page.locator("#panel-messages [data-action=read-all]").click()

    expect(badge).to_have_text("1")
    expect(page.locator("[data-unread=system]")).to_be_hidden()
    assert Message.objects.filter(user=user, read_at__isnull=True).count() == 1


def test_at_phone_width_every_tab_fits_and_switches(signed_in, live_server, region):
    user = user_create()
    supply_create(owner=user, region=region, status=SupplyListing.Status.DRAFT, title="手机上的草稿")
    page = signed_in(user, width=375, height=800)

    page.goto(live_server.url + "/me/")

    expect(page.locator("#panel-supply [data-field=title]")).to_have_text("手机上的草稿")
    for name in SECTIONS:
        tab = page.locator(f".me-menu [data-section={name}]")
        expect(tab).to_be_visible()
        box_ = tab.bounding_box()
        assert box_ is not None, name
        assert box_["x"] >= 0, name
        assert box_["x"] + box_["width"] <= 375, name
        assert box_["height"] >= 40, name
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    screenshot(page, "me-phone-supply")

    page.locator(".me-menu [data-section=settings]").click()

    expect(page).to_have_url(re.compile(r"section=settings$"))
    expect(page.locator("#panel-settings")).to_be_visible()
    expect(page.locator("#panel-supply")).to_be_hidden()
    expect(page.locator("#account-summary [data-field=phone]")).to_have_text(user.phone)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    screenshot(page, "me-phone-settings")


def test_my_demand_and_pre_announcements_show_the_api_actions_and_act(signed_in, live_server, region):
    user = user_create()
    now = timezone.now()
    common = {"kind": Demand.Kind.PURCHASE, "area_min_m2": Decimal("1000"), "area_max_m2": Decimal("5000")}
    draft = Demand.objects.create(owner=user, created_by=user, region=region, title="求购草稿", **common)
    registered = Demand.objects.create(
        owner=user,
        created_by=user,
        region=region,
        title="求购锦江区商业用地",
        status=Demand.Status.REGISTERED,
        registered_at=now,
        expires_at=now + timedelta(days=183),
        **common,
    )
    notice = PreAnnouncement.objects.create(
        owner=user,
        title="锦江区商业用地转让预告",
        contract_number="510104-2020-001",
        region=region,
        address="锦江区东大街88号",
        area_m2=Decimal("12850.50"),
        land_use="0501",
        use_years=40,
        supply_method="挂牌出让",
        transferor="成都锦程商贸有限公司",
        contact_phone="028-86001234",
        id_type="营业执照",
        id_number="91510104MA6C1A2B4J",
    )
    errors: list[str] = []
    page = signed_in(user)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(live_server.url + "/me/?section=demand")

    panel = page.locator("#panel-demand")
    draft_row = panel.locator(f'tbody.me-rows > tr[data-id="{draft.pk}"]')
    expect(draft_row.locator("[data-field=title]")).to_have_text("求购草稿")
    expect(draft_row).to_contain_text("1,000–5,000")
    assert action_names(draft_row) == ["view", "edit", "delete"]
    panel.locator("[data-group=registered]").click()
    row = panel.locator(f'tbody.me-rows > tr[data-id="{registered.pk}"]')
    expect(row.locator(".me-status")).to_have_attribute("data-status", "registered")
    assert action_names(row) == ["view", "change", "delist", "delete"]
    expect(row.locator("[data-action=change]")).to_have_attribute("href", f"/demand/{registered.pk}/edit/?change=1")
    row.locator("[data-action=delist]").click()
    row.locator("textarea[name=reason]").fill("已找到合适地块")
    row.locator("[data-action=confirm-delist]").click()
    expect(row.locator(".me-status")).to_have_attribute("data-status", "delisted")
    registered.refresh_from_db()
    assert (registered.status, registered.reason) == (Demand.Status.DELISTED, "已找到合适地块")

    page.locator(".me-menu [data-section=pre-announcements]").click()

    item = page.locator(f'#panel-pre-announcements tbody.me-rows > tr[data-id="{notice.pk}"]')
    expect(item.locator("[data-field=title]")).to_have_text("锦江区商业用地转让预告")
    expect(item).to_contain_text("510104-2020-001")
    assert action_names(item) == ["view", "edit", "publish", "delete"]
    screenshot(page, "me-pre-announcements")
    item.locator("[data-action=delete]").click()
    expect(item).to_have_count(0)
    expect(page.locator("#panel-pre-announcements .me-empty")).to_be_visible()
    assert not PreAnnouncement.objects.filter(pk=notice.pk).exists()
    assert errors == []


def test_my_quotes_appointments_and_favourites(signed_in, live_server, region):
    owner = user_create()
    seeker = user_create(phone="13700000031")
    listing = supply_create(owner=owner, region=region, title="锦江区5000平米商服用地转让")
    gone = supply_create(owner=owner, region=region, title="已下架的地块", status=SupplyListing.Status.DELISTED)
    IntentionQuote.objects.create(listing=listing, user=seeker, amount_wan=Decimal("1250"))
    IntentionQuote.objects.create(listing=listing, user=seeker, amount_wan=Decimal("1280.5"))
    IntentionQuote.objects.create(listing=listing, user=owner, amount_wan=Decimal("1300"))  # another quoter, higher
    now = timezone.now()
    past = ViewingAppointment.objects.create(
        listing=listing, user=seeker, name="赵六", phone="13700000031", visit_at=now - timedelta(days=1)
    )
    future = ViewingAppointment.objects.create(
        listing=listing, user=seeker, name="赵六", phone="13700000031", visit_at=now + timedelta(days=2)
    )
    Favourite.objects.create(user=seeker, target=Favourite.Target.SUPPLY, target_id=listing.pk)
    Favourite.objects.create(user=seeker, target=Favourite.Target.SUPPLY, target_id=gone.pk)
    errors: list[str] = []
    page = signed_in(seeker)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(live_server.url + "/me/?section=quotes")

    quote = page.locator(f'#panel-quotes tbody.me-rows > tr[data-id="{listing.pk}"]')
    expect(quote.locator("a[data-field=title]")).to_have_attribute("href", f"/supply/{listing.pk}/")
    expect(quote).to_contain_text("1,280.5")
    expect(quote.locator("[data-field=rank]")).to_have_text(re.compile(r"^2 .* 2$"))
    expect(quote.locator("[data-field=quote_count]")).to_have_text("2")

    page.locator(".me-menu [data-section=appointments]").click()

    panel = page.locator("#panel-appointments")
    past_row = panel.locator(f'tr[data-id="{past.pk}"]')
    future_row = panel.locator(f'tr[data-id="{future.pk}"]')
    expect(past_row.locator("[data-action=viewed]")).to_be_visible()
    assert action_names(past_row) == ["viewed"]
    assert action_names(future_row) == ["cancel"]
    expect(future_row).to_contain_text("李四")  # the listing's contact
    past_row.locator("[data-action=viewed]").click()
    expect(past_row.locator(".me-status").last).to_have_attribute("data-status", "viewed")
    past.refresh_from_db()
    assert past.viewed_at is not None
    future_row.locator("[data-action=cancel]").click()
    expect(future_row).to_have_count(0)
    assert not ViewingAppointment.objects.filter(pk=future.pk).exists()

    page.locator(".me-menu [data-section=favourites]").click()

    panel = page.locator("#panel-favourites")
    rows = panel.locator("tbody.me-rows > tr")
    expect(rows).to_have_count(2)
    unavailable = panel.locator('tr[data-available="false"]')
    expect(unavailable.locator("[data-field=title]")).to_have_text("已下架的地块")
    expect(unavailable.locator("[data-field=unavailable]")).to_be_visible()
    screenshot(page, "me-favourites")
    unavailable.locator("[data-action=unfavourite]").click()
    expect(rows).to_have_count(1)
    assert list(Favourite.objects.filter(user=seeker).values_list("target_id", flat=True)) == [listing.pk]
    panel.locator("[data-group=entrustment]").click()
    expect(rows).to_have_count(0)
    expect(panel.locator(".me-empty")).to_be_visible()
    assert errors == []


def test_account_settings_of_a_verified_enterprise(signed_in, live_server, mailoutbox):
    enterprise = user_create(kind=User.Kind.ENTERPRISE, real_name="测试企业有限公司")
    errors: list[str] = []
    page = signed_in(enterprise)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(live_server.url + "/me/?section=settings")

    expect(page.locator("#verification-state")).to_have_attribute("data-status", "approved")
    expect(page.locator("#verification-state")).to_contain_text("测试企业有限公司")
    expect(page.locator("#verification-form")).to_be_hidden()
    expect(page.locator("#phone-form .captcha-image")).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))

    form = page.locator("#sub-account-form")
    form.locator("input[name=phone]").fill("13611110001")
    form.locator("input[name=name]").fill("李四")
    form.locator("input[name=password]").fill("Another-Passw0rd-2026")
    form.locator("button[type=submit]").click()
    sub_account = page.locator("#sub-account-rows tr")
    expect(sub_account).to_have_count(1)
    expect(sub_account).to_contain_text("13611110001")
    sub_account.locator("[data-action=disable]").click()
    expect(sub_account).to_have_attribute("data-active", "false")
    assert User.objects.get(phone="13611110001", parent=enterprise).is_active is False

    address = page.locator("#address-form")
    address.locator("input[name=contact_address]").fill("成都市锦江区东大街88号")
    address.locator("button[type=submit]").click()
    expect(address.locator(".notice")).to_be_visible()
    expect(page.locator("#account-summary [data-field=contact_address]")).to_have_text("成都市锦江区东大街88号")

    password = page.locator("#password-form")
    password.locator("input[name=old_password]").fill("wrong")
    password.locator("input[name=new_password]").fill("Brand-New-Passw0rd")
    password.locator("input[name=new_password_confirm]").fill("Brand-New-Passw0rd")
    password.locator("button[type=submit]").click()
    expect(password.locator("input[name=old_password]")).to_have_attribute("aria-invalid", "true")
    password.locator("input[name=old_password]").fill(PASSWORD)
    password.locator("button[type=submit]").click()
    expect(password.locator(".notice")).to_be_visible()

    email = page.locator("#email-form")
    email.locator("input[name=email]").fill("owner@example.com")
    email.locator("button[type=submit]").click()
    expect(email.locator(".notice")).to_be_visible()
    enterprise.refresh_from_db()
    assert enterprise.contact_address == "成都市锦江区东大街88号"
    assert enterprise.check_password("Brand-New-Passw0rd")
    link = re.search(r"https?://\S+email_token=\S+", mailoutbox[-1].body)
    assert link is not None
    screenshot(page, "me-settings-enterprise")

    page.goto(link.group(0))

    expect(page.locator("#panel-settings")).to_be_visible()
    expect(page.locator("#email-confirm .notice")).to_contain_text("owner@example.com")
    expect(page).to_have_url(re.compile(r"/me/\?section=settings$"))
    expect(page.locator("#account-summary [data-field=email]")).to_contain_text("owner@example.com")
    enterprise.refresh_from_db()
    assert enterprise.email == "owner@example.com"
    assert enterprise.email_verified_at is not None
    assert errors == []
