"""The rough edges a new user found (issue 14, point 7), each as a person meets it in Chromium."""

import re
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Locator, Page, expect

from accounts.models import Message, User
from accounts.services.captcha import captcha_cache_key
from accounts.services.messages import message_send
from accounts.tests.factories import PASSWORD, user_create
from geo.models import Region
from geo.tests.factories import sichuan_tree
from market.models import ComparisonItem, SupplyListing
from market.tests.factories import supply_create
from tests.browser.conftest import close_settled, sign_in
from tests.browser.test_map_page import PARCEL_CENTRE, _open, database_search, land, owner  # noqa: F401 (fixtures)
from tests.fakes.sms_provider import FakeSmsProvider

pytestmark = pytest.mark.django_db(transaction=True)

SignedIn = Callable[..., Page]


@pytest.fixture
def regions() -> dict[str, Region]:
    return sichuan_tree(("510000", "510100", "510104"))


@pytest.fixture
def signed_in(browser: Browser, live_server) -> Iterator[SignedIn]:
    """Pages signed in as a given user, in a given language and viewport."""
    contexts = []

    def open_page(user: User | None, locale: str = "zh-CN", width: int = 1280, height: int = 900) -> Page:
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        contexts.append(context)
        if user is not None:
            sign_in(context, user, live_server.url)
        return context.new_page()

    yield open_page
    for context in contexts:
        close_settled(context)


def captcha_answer(form: Locator) -> str:
    """What a person reads off the captcha image: the answer the API keeps for the form's current key."""
    key = form.locator("input[name=captcha_key]")
    expect(key).to_have_value(re.compile(r".+"))
    return str(cache.get(captcha_cache_key(key.input_value())))


def new_captcha(form: Locator, used: str) -> str:
    """Wait until the page has loaded a captcha other than `used`, and read its answer."""
    expect(form.locator("input[name=captcha_key]")).not_to_have_value(used)
    return captcha_answer(form)


# ------------------------------------------------------------------------------------------------ sign-in


def test_after_a_wrong_password_a_new_captcha_is_loaded_and_the_retry_signs_in(
    signed_in: SignedIn, live_server, sms_inbox: FakeSmsProvider
):
    user = user_create()
    page = signed_in(None)
    page.goto(f"{live_server.url}/login/")
    form = page.locator("#login-form")
    form.locator("input[name=phone]").fill(user.phone)
    form.locator("input[name=captcha_answer]").fill(captcha_answer(form))
    used = form.locator("input[name=captcha_key]").input_value()
    form.locator(".sms-send").click()
    expect(form.locator(".sms-send")).to_be_disabled()
    form.locator("input[name=sms_code]").fill(sms_inbox.last_code(user.phone))

    form.locator("input[name=captcha_answer]").fill(new_captcha(form, used))
    used = form.locator("input[name=captcha_key]").input_value()
    form.locator("input[name=password]").fill("not-the-password")
    form.locator("button[type=submit]").click()
    expect(form.locator(".form-error")).to_be_visible()

    form.locator("input[name=captcha_answer]").fill(new_captcha(form, used))
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()

    # Signed in: the personal centre, whose script then names its first section in the URL (/me/?section=supply).
    expect(page).to_have_url(re.compile(r"/me/(\?section=\w+)?$"))


def test_a_wrong_captcha_is_said_once_at_its_field_without_the_raw_key(signed_in: SignedIn, live_server):
    user = user_create()
    page = signed_in(None)
    page.goto(f"{live_server.url}/login/")
    form = page.locator("#login-form")
    form.locator("input[name=phone]").fill(user.phone)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("input[name=sms_code]").fill("123456")
    expect(form.locator("input[name=captcha_key]")).to_have_value(re.compile(r".+"))
    form.locator("input[name=captcha_answer]").fill("WRONG")
    form.locator("button[type=submit]").click()

    summary = form.locator(".form-error")
    expect(summary).to_have_text("图像验证码错误。")  # once, and no "captcha:"
    expect(form.locator("input[name=captcha_answer]")).to_have_attribute("aria-invalid", "true")


def test_getting_an_sms_code_says_why_the_captcha_answer_was_emptied(
    signed_in: SignedIn, live_server, sms_inbox: FakeSmsProvider
):
    page = signed_in(None)
    page.goto(f"{live_server.url}/register/")
    form = page.locator("#register-form")
    form.locator("input[name=phone]").fill("13912345678")
    form.locator("input[name=captcha_answer]").fill(captcha_answer(form))
    used = form.locator("input[name=captcha_key]").input_value()

    form.get_by_role("button", name="获取验证码").click()

    expect(form.locator(".sms-send")).to_be_disabled()
    assert sms_inbox.last_code("13912345678")
    new_captcha(form, used)
    expect(form.locator(".captcha-note")).to_be_visible()
    expect(form.locator(".captcha-note")).to_contain_text("请输入新的图形验证码")
    expect(form.locator("input[name=captcha_answer]")).to_be_focused()


# ------------------------------------------------------------------------------------------------ error lists


@pytest.mark.parametrize(
    ("locale", "label"), [("zh-CN", "转让方身份证明材料"), ("en-US", "transferor's identity documents")]
)
def test_a_missing_attachment_is_listed_under_its_label_not_the_api_key(
    signed_in: SignedIn, live_server, regions, locale: str, label: str
):
    seller = user_create(real_name="王五")
    county = regions["510104"]
    assert county.boundary is not None
    draft = supply_create(  # placed (step 1 is saved only when complete)
        owner=seller, region=county, status=SupplyListing.Status.DRAFT, location=county.boundary.point_on_surface
    )
    page = signed_in(seller, locale=locale)
    page.goto(f"{live_server.url}/supply/{draft.pk}/edit/")
    form = page.locator("#supply-form")
    expect(form.locator("input[name=address]")).to_have_value(draft.address)

    form.locator("[data-action=next]").click()
    form.locator("[data-action=next]").click()
    form.locator("[data-action=submit]").click()

    summary = form.locator(".form-error")
    expect(summary).to_contain_text(label)
    assert "attachments." not in summary.inner_text()
    expect(form.locator("input[type=file][data-kind=identity_proof]")).to_have_attribute("aria-invalid", "true")


# ------------------------------------------------------------------------------------------------ menu


@pytest.mark.parametrize(
    ("role", "shown"), [(User.Role.GIS_STAFF, True), (User.Role.ADMIN, True), (User.Role.USER, False)]
)
def test_the_menu_links_the_import_page_for_gis_staff_and_administrators(
    signed_in: SignedIn, live_server, role: str, shown: bool
):
    page = signed_in(user_create(role=role, regions=["510000"] if role == User.Role.GIS_STAFF else None))
    page.goto(f"{live_server.url}/")

    link = page.locator("header nav a", has_text="导入 GIS 数据")
    expect(link).to_have_count(1 if shown else 0)
    if shown:
        link.click()
        expect(page.locator("main h1")).to_have_text("导入 GIS 数据")


# ------------------------------------------------------------------------------------------------ comparison


def test_the_comparison_sets_land_use_and_floor_area_ratio_side_by_side(signed_in: SignedIn, live_server, regions):
    seeker = user_create()
    listing = supply_create(
        owner=user_create(), region=regions["510104"], land_use="0501", floor_area_ratio=Decimal("2.50")
    )
    ComparisonItem.objects.create(user=seeker, listing=listing)
    page = signed_in(seeker)

    page.goto(f"{live_server.url}/compare/")

    expect(page.locator('#compare-table tr[data-row="land_use"] th')).to_have_text("土地用途")
    expect(page.locator('#compare-table tr[data-row="land_use"] td')).to_have_text("零售商业用地")
    expect(page.locator('#compare-table tr[data-row="floor_area_ratio"] th')).to_have_text("容积率")
    expect(page.locator('#compare-table tr[data-row="floor_area_ratio"] td')).to_have_text("2.5")


# ------------------------------------------------------------------------------------------------ messages


def test_the_unread_badge_opens_the_tab_that_holds_the_unread_messages(signed_in: SignedIn, live_server):
    user = user_create()
    message_send(user=user, title="系统维护通知", category=Message.Category.SYSTEM)
    page = signed_in(user)
    page.goto(f"{live_server.url}/me/")

    badge = page.locator("#unread-badge")
    expect(badge).to_have_text("1")
    badge.click()

    panel = page.locator("#panel-messages")
    expect(panel.locator('[data-group="system"]')).to_have_attribute("aria-selected", "true")
    expect(panel.locator('[data-group="business"]')).to_have_attribute("aria-selected", "false")
    expect(panel.locator(".me-message-title")).to_have_text(["系统维护通知"])


# ------------------------------------------------------------------------------------------------ map and search


def _overlap(a: Locator, b: Locator) -> bool:
    one, two = a.bounding_box(), b.bounding_box()
    assert one is not None
    assert two is not None
    return not (
        one["x"] + one["width"] <= two["x"]
        or two["x"] + two["width"] <= one["x"]
        or one["y"] + one["height"] <= two["y"]
        or two["y"] + two["height"] <= one["y"]
    )


@pytest.mark.usefixtures("database_search")
def test_the_open_drawer_leaves_the_zoom_buttons_uncovered(page: Page, live_server, land):  # noqa: F811
    listing = land["listings"]["on_parcel"]
    _open(page, f"{live_server.url}/map/?view={PARCEL_CENTRE[0]},{PARCEL_CENTRE[1]},14")
    page.locator(f"#map-results > li[data-id='{listing.pk}'] .result-title a").click()
    drawer = page.locator("#map-drawer")
    expect(drawer).to_be_visible()

    for button in (".maplibregl-ctrl-zoom-in", ".maplibregl-ctrl-zoom-out"):
        zoom = page.locator(button)
        expect(zoom).to_be_visible()
        assert not _overlap(zoom, drawer), button
        # Nothing lies on top of it: the element at its centre is the button (a click there reaches it). Not a zoom
        # change, which the flight to the listing can race or max out.
        on_top = f"""() => {{ const b = document.querySelector('{button}').getBoundingClientRect();
            const hit = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
            return hit !== null && hit.closest('{button}') !== null; }}"""
        assert page.evaluate(on_top), button


def test_at_phone_width_the_first_search_result_is_on_the_first_screen(signed_in: SignedIn, live_server, regions):
    supply_create(owner=user_create(), region=regions["510104"], title="锦江区商服用地转让")
    page = signed_in(None, width=390, height=844)

    page.goto(f"{live_server.url}/search/?kind=supply")

    first = page.locator("#search-results > li").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None
    assert box["y"] < 844  # its top within the first screen, unscrolled
    page.locator(".filters-jump").click()  # the filters are one tap away
    expect(page.locator("#search-side")).to_be_in_viewport()
