"""Issue 4's acceptance flow in one run, in Chromium: an owner publishes land through the three-step form, a
reviewer approves and certifies it in the review console, the public page shows it with its 属地认证 tag, and
another user quotes, books a viewing, keeps it and compares it."""

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from accounts.models import Message, User
from accounts.tests.factories import reviewer_create, user_create
from market.models import ComparisonItem, Favourite, IntentionQuote, ReviewEvent, SupplyListing, ViewingAppointment
from tests.browser.conftest import ARTIFACTS, close_settled
from tests.browser.test_supply_form import publish_through_the_form, regions  # noqa: F401 (the region fixture)

pytestmark = pytest.mark.django_db(transaction=True)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def open_as(browser: Browser, live_server, settings, tmp_path) -> Iterator[Callable[[User], Page]]:
    """A browser page signed in as the user (a session made by the test client), each in its own context."""
    settings.MEDIA_ROOT = tmp_path
    contexts = []

    def open_page(user: User) -> Page:
        client = Client()
        client.force_login(user)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        close_settled(context)


def test_publish_review_and_trade_interest_end_to_end(open_as, live_server, regions):  # noqa: F811
    owner = user_create(real_name="王五")
    reviewer = reviewer_create(regions=["510100"])
    seeker = user_create(real_name="赵六")

    # 1. The owner publishes through the three steps: the listing waits for review.
    publish_through_the_form(open_as(owner), live_server)
    listing = SupplyListing.objects.get()
    assert listing.status == SupplyListing.Status.IN_REVIEW

    # 2. The reviewer of 成都市 approves it (初审) and certifies it (终审).
    page = open_as(reviewer)
    page.goto(f"{live_server.url}/review/")
    row = page.locator(f'#queue tbody tr[data-id="{listing.pk}"]')
    expect(row).to_contain_text(listing.title)
    row.get_by_role("button").click()
    detail = page.locator("#detail")
    expect(detail).to_have_attribute("data-state", "loaded")
    detail.locator('[data-action="approve"]').click()
    expect(page.locator("#supply-notice")).to_have_attribute("data-code", "approve")
    page.locator('[data-stage="final"]').click()
    row.get_by_role("button").click()
    expect(detail).to_have_attribute("data-state", "loaded")
    detail.locator('[data-action="certify"]').click()
    expect(page.locator("#supply-notice")).to_have_attribute("data-code", "certify")
    listing.refresh_from_db()
    assert listing.status == SupplyListing.Status.CERTIFIED
    assert list(
        ReviewEvent.objects.filter(subject="supply", subject_id=listing.pk).values_list("action", flat=True)
    ) == ["submit", "approve", "certify"]
    assert Message.objects.filter(user=owner).count() == 3  # submitted, published, certified

    # 3. The public page shows it with the 属地认证 tag, to a visitor too.
    page = open_as(seeker)
    page.goto(f"{live_server.url}/supply/")
    expect(page.get_by_role("link", name=listing.title)).to_be_visible()
    page.get_by_role("link", name=listing.title).click()
    expect(page.locator("#detail-title")).to_have_text(listing.title)
    expect(page.locator("#detail-tag")).to_have_text("属地认证")
    expect(page.locator("#detail-tag")).to_have_class(re.compile(r"\bcertified\b"))

    # 4. Another user quotes, books a viewing, keeps it and compares it.
    page.locator("#quote-form [name=amount_wan]").fill("1300")
    page.locator("#quote-form [type=submit]").click()
    expect(page.locator("#my-quote [data-mine=rank]")).to_have_text("1")
    visit = (datetime.now(SHANGHAI) + timedelta(days=3)).replace(hour=9, minute=30, second=0, microsecond=0)
    page.locator("#appointment-form [name=visit_at]").fill(visit.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#appointment-form [type=submit]").click()
    expect(page.locator("#appointment-form .notice")).to_contain_text(visit.strftime("%Y-%m-%d 09:30"))
    page.locator("#favourite-button").click()
    expect(page.locator("#favourite-button")).to_have_attribute("aria-pressed", "true")
    page.locator("#compare-button").click()
    expect(page.locator("#compare-button")).to_be_disabled()
    page.goto(f"{live_server.url}/compare/")
    expect(page.locator(f"tr[data-row=quote_max] td[data-listing-id='{listing.pk}']")).to_have_text("1,300 万元")
    page.screenshot(path=str(ARTIFACTS / "market_acceptance_compare.png"), full_page=True)

    assert IntentionQuote.objects.get(listing=listing).user == seeker
    assert ViewingAppointment.objects.get(listing=listing).visit_at == visit
    assert Favourite.objects.filter(user=seeker, target="supply", target_id=listing.pk).exists()
    assert ComparisonItem.objects.filter(user=seeker, listing=listing).exists()
    listing.refresh_from_db()
    assert (listing.quote_count, listing.appointment_count, listing.favourite_count) == (1, 1, 1)
    assert listing.view_count >= 1
