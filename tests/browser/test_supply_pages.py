"""The public supply pages in the real Chromium: a seeker quotes on a certified listing, books a viewing, keeps it
and compares it (the acceptance flow's second half); visitors, owners and unverified users; titles with HTML; the
list's filters in the address; the phone width."""

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Dialog, Page, expect

from accounts.models import User
from accounts.tests.factories import user_create
from geo.models import Region
from geo.tests.factories import sichuan_tree
from market.models import ComparisonItem, Favourite, IntentionQuote, SupplyListing, ViewingAppointment
from market.tests.factories import supply_create
from tests.browser.conftest import ARTIFACTS, close_settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
XSS_TITLE = "<img src=x onerror=alert(1)>"
CERTIFIED_TAG = re.compile("属地认证|Locally certified")
S = SupplyListing.Status

SignIn = Callable[..., Page]


@pytest.fixture
def regions() -> dict[str, Region]:
    """四川省 510000 → 成都市 510100 → 锦江区 510104 and 武侯区 510107, by code, without boundaries."""
    return sichuan_tree(("510000", "510100", "510104", "510107"), boundaries=False)


@pytest.fixture
def owner() -> User:
    return user_create(real_name="王五")


@pytest.fixture
def seeker() -> User:
    return user_create(real_name="赵六")


@pytest.fixture
def sign_in(browser: Browser, live_server) -> Iterator[SignIn]:
    """Pages signed in as a given user (the session cookie of a Django test client login), at a given size."""
    contexts = []

    def open_page(user: User, width: int = 1280, height: int = 900) -> Page:
        client = Client()
        client.force_login(user)
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        close_settled(context)


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_seeker_quotes_books_keeps_and_compares_a_certified_listing(
    sign_in: SignIn, live_server, regions, owner, seeker
):
    listing = supply_create(owner=owner, region=regions["510104"], status=S.CERTIFIED, price_wan=Decimal("1200"))
    page = sign_in(seeker)

    page.goto(f"{live_server.url}/supply/{listing.pk}/")

    expect(page.locator("#detail-title")).to_have_text(listing.title)
    expect(page.locator("#detail-tag")).to_have_text(CERTIFIED_TAG)
    expect(page.locator("#detail-tag")).to_have_class(re.compile(r"\bcertified\b"))
    expect(page.locator(".detail-summary [data-field=agent_phone_masked]")).to_have_text("138****8000")
    expect(page.locator("#owner-note")).to_be_hidden()
    expect(page.locator("#record-empty")).to_be_visible()
    # As Chinese users read them: 万元 grouped, the unit price in 元/平方米 (1,200 万元 / 5,000 m²), 亩 beside the area
    expect(page.locator("[data-field=price_wan]").first).to_have_text("1,200 万元")
    expect(page.locator("[data-field=unit_price_wan]").first).to_have_text("2,400 元/平方米")
    expect(page.locator("[data-field=area_m2]").first).to_have_text("5,000 平方米（7.5 亩）")

    # An intention quote: in the record, marked mine, and my rank
    page.locator("#quote-form [name=amount_wan]").fill("1500.5")
    page.locator("#quote-form [type=submit]").click()
    expect(page.locator("#quote-form .notice")).to_contain_text("出价成功：1,500.5 万元")
    rows = page.locator("#record-rows tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_class("mine")
    expect(rows.first.locator("td").nth(0)).to_contain_text("赵**")
    expect(rows.first.locator("td").nth(2)).to_have_text("1,500.5")
    expect(page.locator("#my-quote")).to_be_visible()
    expect(page.locator("#my-quote [data-mine=best]")).to_have_text("1,500.5")
    expect(page.locator("#my-quote [data-mine=rank]")).to_have_text("1")
    expect(page.locator("#my-quote [data-mine=quoters]")).to_have_text("1")
    expect(page.locator("[data-heat=quotes]")).to_have_text("1")

    # A viewing appointment, the form filled with my name and phone
    expect(page.locator("#appointment-form [name=name]")).to_have_value("赵六")
    expect(page.locator("#appointment-form [name=phone]")).to_have_value(seeker.phone)
    visit = (datetime.now(SHANGHAI) + timedelta(days=2)).replace(hour=10, minute=30, second=0, microsecond=0)
    page.locator("#appointment-form [name=visit_at]").fill(visit.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#appointment-form [type=submit]").click()
    expect(page.locator("#appointment-form .notice")).to_contain_text(visit.strftime("%Y-%m-%d 10:30"))
    expect(page.locator("[data-heat=appointments]")).to_have_text("1")

    # Favourite: the button's state changes
    favourite = page.locator("#favourite-button")
    expect(favourite).to_have_attribute("aria-pressed", "false")
    favourite.click()
    expect(favourite).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-heat=favourites]")).to_have_text("1")

    # Comparison
    page.locator("#compare-button").click()
    expect(page.locator("#compare-button")).to_be_disabled()
    expect(page.locator("#detail-actions .notice a[href='/compare/']")).to_be_visible()
    _shot(page, "supply-detail-seeker")

    page.goto(f"{live_server.url}/compare/")
    column = page.locator(f"#compare-table thead th[data-listing-id='{listing.pk}']")
    expect(column.get_by_role("link", name=listing.title)).to_have_attribute("href", f"/supply/{listing.pk}/")
    expect(page.locator(f"tr[data-row=quote_max] td[data-listing-id='{listing.pk}']")).to_have_text("1,500.5 万元")
    expect(page.locator(f"tr[data-row=quote_min] td[data-listing-id='{listing.pk}']")).to_have_text("1,500.5 万元")
    expect(page.locator(f"tr[data-row=price] td[data-listing-id='{listing.pk}']")).to_have_text("1,200 万元")
    expect(page.locator(f"tr[data-row=unit_price] td[data-listing-id='{listing.pk}']")).to_have_text("2,400 元/平方米")
    expect(page.locator(f"tr[data-row=area] td[data-listing-id='{listing.pk}']")).to_have_text("5,000 平方米（7.5 亩）")
    expect(page.locator(f"tr[data-row=certification] td[data-listing-id='{listing.pk}']")).to_have_text(CERTIFIED_TAG)
    expect(page.locator(f"tr[data-row=region] td[data-listing-id='{listing.pk}']")).to_have_text("四川省/成都市/锦江区")
    heat = page.locator(f"tr[data-row=heat] td[data-listing-id='{listing.pk}']")
    expect(heat.locator("[data-heat=quotes]")).to_contain_text("1")
    expect(heat.locator("[data-heat=appointments]")).to_contain_text("1")
    expect(heat.locator("[data-heat=favourites]")).to_contain_text("1")
    _shot(page, "supply-comparison")

    quote = IntentionQuote.objects.get(user=seeker)
    assert (quote.listing_id, quote.amount_wan) == (listing.pk, Decimal("1500.5"))
    appointment = ViewingAppointment.objects.get(user=seeker)
    assert (appointment.listing_id, appointment.name, appointment.phone) == (listing.pk, "赵六", seeker.phone)
    assert appointment.visit_at == visit
    assert Favourite.objects.filter(user=seeker, target="supply", target_id=listing.pk).count() == 1
    assert list(ComparisonItem.objects.filter(user=seeker).values_list("listing_id", flat=True)) == [listing.pk]


def test_taking_back_a_favourite_and_bad_input_shown_at_the_fields(
    sign_in: SignIn, live_server, regions, owner, seeker
):
    listing = supply_create(owner=owner, region=regions["510104"], status=S.PUBLISHED)
    Favourite.objects.create(user=seeker, target="supply", target_id=listing.pk)
    page = sign_in(seeker)

    page.goto(f"{live_server.url}/supply/{listing.pk}/")

    favourite = page.locator("#favourite-button")
    expect(favourite).to_have_attribute("aria-pressed", "true")
    favourite.click()
    expect(favourite).to_have_attribute("aria-pressed", "false")
    page.locator("#quote-form [name=amount_wan]").fill("0")
    page.locator("#quote-form [type=submit]").click()
    expect(page.locator("#quote-form [name=amount_wan]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#quote-form .field-error")).to_have_attribute("data-code", "min_value")
    form = page.locator("#appointment-form")
    form.locator("[name=phone]").fill("12345")
    form.locator("[type=submit]").click()
    expect(form.locator("[name=visit_at]")).to_have_attribute("aria-invalid", "true")  # no time: required
    visit = datetime.now(SHANGHAI) + timedelta(days=1)
    form.locator("[name=visit_at]").fill(visit.strftime("%Y-%m-%dT%H:%M"))
    form.locator("[type=submit]").click()
    expect(form.locator("[name=phone]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("[name=phone] + .field-error, label:has([name=phone]) + .field-error")).to_have_attribute(
        "data-code", "invalid_phone"
    )
    expect(form.locator("[name=visit_at]")).not_to_have_attribute("aria-invalid", "true")
    _shot(page, "supply-detail-errors")

    assert not Favourite.objects.filter(user=seeker).exists()
    assert not IntentionQuote.objects.exists()
    assert not ViewingAppointment.objects.exists()


def test_a_visitor_sees_the_actions_and_is_sent_to_sign_in(page: Page, live_server, regions, owner):
    listing = supply_create(owner=owner, region=regions["510104"], status=S.PUBLISHED)

    page.goto(f"{live_server.url}/supply/{listing.pk}/")

    expect(page.locator("#detail-tag")).to_have_class(re.compile(r"\buncertified\b"))
    expect(page.locator("#favourite-button")).to_be_visible()
    expect(page.locator("#compare-button")).to_be_visible()
    page.locator("#quote-form [name=amount_wan]").fill("1000")
    page.locator("#quote-form [type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/login/?next=/supply/{listing.pk}/")
    page.go_back()
    page.locator("#favourite-button").click()
    expect(page).to_have_url(f"{live_server.url}/login/?next=/supply/{listing.pk}/")
    assert not IntentionQuote.objects.exists()


def test_an_unverified_user_is_told_to_verify(sign_in: SignIn, live_server, regions, owner):
    listing = supply_create(owner=owner, region=regions["510104"], status=S.CERTIFIED)
    page = sign_in(user_create(verified=False))

    page.goto(f"{live_server.url}/supply/{listing.pk}/")
    page.locator("#quote-form [name=amount_wan]").fill("1000")
    page.locator("#quote-form [type=submit]").click()

    error = page.locator("#quote-form .form-error")
    expect(error).to_be_visible()
    expect(error).to_have_attribute("data-code", "verification_required")
    assert not IntentionQuote.objects.exists()


def test_the_owner_sees_their_listing_without_the_forms(sign_in: SignIn, live_server, regions, owner, seeker):
    listing = supply_create(owner=owner, region=regions["510104"], status=S.CERTIFIED)
    IntentionQuote.objects.create(listing=listing, user=seeker, amount_wan=Decimal("1300"))
    page = sign_in(owner)

    page.goto(f"{live_server.url}/supply/{listing.pk}/")

    expect(page.locator("#owner-note")).to_be_visible()
    expect(page.locator("#owner-note a").first).to_have_attribute("href", "/me/?section=supply")
    expect(page.locator("#entrust-link")).to_have_attribute("href", f"/entrustments/new/?listing={listing.pk}")
    expect(page.locator("#quote-form")).to_be_hidden()
    expect(page.locator("#appointment-form")).to_be_hidden()
    expect(page.locator("#record-rows tr")).to_have_count(1)
    expect(page.locator("#record-rows tr td").first).to_have_text("赵六")  # the owner sees the quoter's name
    _shot(page, "supply-detail-owner")


def test_a_listing_that_is_not_there_says_so(page: Page, live_server, regions, owner):
    draft = supply_create(owner=owner, region=regions["510104"], status=S.DRAFT)

    response = page.goto(f"{live_server.url}/supply/{draft.pk}/")

    assert response is not None
    assert response.status == 404
    expect(page.locator("main h1")).to_have_text("404")
    expect(page.locator("main")).to_contain_text("该地源不存在。")


def test_a_title_with_html_shows_as_text_on_the_list_and_the_detail(page: Page, live_server, regions, owner):
    listing = supply_create(owner=owner, region=regions["510104"], status=S.CERTIFIED, title=XSS_TITLE)
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)

    page.goto(f"{live_server.url}/supply/")
    card = page.locator(f".supply-card[data-id='{listing.pk}']")
    expect(card.locator("h3 a")).to_have_text(XSS_TITLE)
    expect(page.locator("img[src=x]")).to_have_count(0)
    _shot(page, "supply-list-html-title")

    card.locator("h3 a").click()
    expect(page.locator("#detail-title")).to_have_text(XSS_TITLE)
    expect(page.locator("img[src=x]")).to_have_count(0)
    expect(page).to_have_title(re.compile(re.escape(XSS_TITLE)))
    _shot(page, "supply-detail-html-title")
    assert dialogs == []


def test_the_list_filters_are_kept_in_the_address(page: Page, live_server, regions, owner):
    certified = supply_create(owner=owner, region=regions["510104"], status=S.CERTIFIED, title="锦江认证地块")
    supply_create(owner=owner, region=regions["510104"], status=S.PUBLISHED, title="锦江未认证地块")
    supply_create(owner=owner, region=regions["510107"], status=S.CERTIFIED, title="武侯认证地块")
    supply_create(owner=owner, region=regions["510104"], status=S.CERTIFIED, title="锦江出租地块", mode="lease")

    page.goto(f"{live_server.url}/supply/")
    expect(page.locator(".supply-card")).to_have_count(4)
    expect(page.locator(".supply-card").first.locator(".price")).to_have_text("1,200 万元")
    page.locator(".region-select select[data-level=province]").select_option("510000")
    page.locator(".region-select select[data-level=city]").select_option("510100")
    page.locator(".region-select select[data-level=county]").select_option("510104")
    page.locator("#supply-filters select[name=mode]").select_option("transfer")
    page.locator("#supply-filters [name=certified]").check()
    page.locator("#supply-filters [type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/supply/?region=510104&mode=transfer&certified=true")
    expect(page.locator(".supply-card")).to_have_count(1)
    expect(page.locator(".supply-card h3")).to_have_text("锦江认证地块")
    expect(page.locator(".supply-card .tag.certified")).to_have_text(CERTIFIED_TAG)

    page.goto(f"{live_server.url}/supply/?region=510104&mode=transfer&certified=true")  # the link reproduces it
    expect(page.locator(".supply-card")).to_have_count(1)
    expect(page.locator(f".supply-card[data-id='{certified.pk}']")).to_be_visible()
    expect(page.locator(".region-select select[data-level=county]")).to_have_value("510104")
    expect(page.locator("#supply-filters select[name=mode]")).to_have_value("transfer")
    expect(page.locator("#supply-filters [name=certified]")).to_be_checked()
    _shot(page, "supply-list-filtered")

    page.locator("#filters-reset").click()  # clears the form, the address and the filter
    expect(page).to_have_url(f"{live_server.url}/supply/")
    expect(page.locator(".supply-card")).to_have_count(4)
    expect(page.locator(".region-select select[data-level=province]")).to_have_value("")
    expect(page.locator("#supply-filters select[name=mode]")).to_have_value("")
    expect(page.locator("#supply-filters [name=certified]")).not_to_be_checked()

    page.goto(f"{live_server.url}/supply/?region=510100&land_use=05")
    expect(page.locator(".supply-card")).to_have_count(4)
    page.goto(f"{live_server.url}/supply/?land_use=07")
    expect(page.locator("#supply-summary")).not_to_have_text("")
    expect(page.locator(".supply-card")).to_have_count(0)


def test_the_list_pages_through_the_listings(page: Page, live_server, regions, owner):
    for n in range(14):
        supply_create(owner=owner, region=regions["510104"], status=S.CERTIFIED, title=f"地块{n:02d}")

    page.goto(f"{live_server.url}/supply/")
    expect(page.locator(".supply-card")).to_have_count(12)
    page.locator("#supply-pager a[rel=next]").click()

    expect(page).to_have_url(f"{live_server.url}/supply/?page=2")
    expect(page.locator(".supply-card")).to_have_count(2)
    expect(page.locator("#supply-pager a[rel=next]")).to_have_attribute("aria-disabled", "true")
    page.locator("#supply-pager a[rel=next]").dispatch_event("click")  # past the last page: nothing happens
    expect(page).to_have_url(f"{live_server.url}/supply/?page=2")
    page.go_back()
    expect(page.locator(".supply-card")).to_have_count(12)


def test_the_comparison_removes_one_and_clears_all(sign_in: SignIn, live_server, regions, owner, seeker):
    first = supply_create(owner=owner, region=regions["510104"], status=S.CERTIFIED, title="第一块", price_wan=None)
    second = supply_create(owner=owner, region=regions["510107"], status=S.PUBLISHED, title="第二块")
    third = supply_create(owner=owner, region=regions["510107"], status=S.PUBLISHED, title="第三块")
    for listing in (first, second, third):
        ComparisonItem.objects.create(user=seeker, listing=listing)
    page = sign_in(seeker)

    page.goto(f"{live_server.url}/compare/")

    heads = page.locator("#compare-table thead th[data-listing-id]")
    expect(heads).to_have_count(3)
    expect(page.locator(f"tr[data-row=quote_max] td[data-listing-id='{first.pk}']")).not_to_contain_text("¥")
    expect(page.locator(f"tr[data-row=price] td[data-listing-id='{first.pk}']")).not_to_contain_text("¥")
    page.locator(f"[data-remove='{second.pk}']").click()
    expect(heads).to_have_count(2)
    assert set(ComparisonItem.objects.filter(user=seeker).values_list("listing_id", flat=True)) == {first.pk, third.pk}

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#compare-clear").click()
    expect(page.locator("#compare-empty")).to_be_visible()
    expect(page.locator("#compare-empty a")).to_have_attribute("href", "/supply/")
    expect(page.locator("#compare-table-box")).to_be_hidden()
    _shot(page, "supply-comparison-empty")
    assert not ComparisonItem.objects.filter(user=seeker).exists()


def test_the_pages_fit_a_phone(sign_in: SignIn, live_server, regions, owner, seeker):
    listing = supply_create(
        owner=owner,
        region=regions["510104"],
        status=S.CERTIFIED,
        title="四川省成都市锦江区" + "超长标题" * 20,
        address="高新大道" + "1" * 80,
    )
    page = sign_in(seeker, width=375, height=800)

    page.goto(f"{live_server.url}/supply/{listing.pk}/")

    expect(page.locator("#detail-title")).to_have_text(listing.title)
    expect(page.locator("#quote-form [name=amount_wan]")).to_be_visible()
    expect(page.locator("#quote-form [type=submit]")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
    _shot(page, "supply-detail-phone")

    ComparisonItem.objects.create(user=seeker, listing=listing)
    page.goto(f"{live_server.url}/compare/")
    expect(page.locator("#compare-table thead th[data-listing-id]")).to_have_count(1)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
    page.goto(f"{live_server.url}/supply/")
    expect(page.locator(".supply-card")).to_have_count(1)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
    _shot(page, "supply-list-phone")


def test_the_land_use_selector_filters(page: Page, live_server, regions, owner):
    supply_create(owner=owner, region=regions["510104"], status=S.CERTIFIED, title="商服地块", land_use="0501")
    supply_create(owner=owner, region=regions["510104"], status=S.CERTIFIED, title="工业地块", land_use="0601")

    page.goto(f"{live_server.url}/supply/")
    expect(page.locator(".supply-card")).to_have_count(2)
    page.locator(".land-use-select select[data-level=major]").select_option("06")
    page.locator("#supply-filters [type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/supply/?land_use=06")
    expect(page.locator(".supply-card")).to_have_count(1)
    expect(page.locator(".supply-card h3")).to_have_text("工业地块")
    page.goto(f"{live_server.url}/supply/?land_use=0501")
    expect(page.locator(".land-use-select select[data-level=minor]")).to_have_value("0501")
    expect(page.locator(".supply-card")).to_have_count(1)
    expect(page.locator(".supply-card h3")).to_have_text("商服地块")
