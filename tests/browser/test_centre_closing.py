"""The centre console's 交易与结果 section in the real Chromium: after a semi-process lot's trading time the staff
record its on-site result; a price below the start price is refused next to its field and nothing is recorded; with
the right price, the winner's bidder number and the signed confirmation's scan the deal is recorded and shown, and
the console then offers its revocation."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import Browser, FilePayload, expect

from auctions.models import EvidenceEntry, LotResult
from auctions.tests.test_closing import semi_lot
from auctions.tests.trading_world import qualified_bidder, shift_to
from core.clock import shifted
from core.tests.samples import pdf_bytes
from tests.browser.conftest import ARTIFACTS, close_settled, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[None]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


def test_staff_record_a_semi_process_lots_on_site_result(browser: Browser, live_server):
    world = semi_lot()
    lot = world["lot"]
    _user, qualification = qualified_bidder(world, "甲")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    sign_in(context, world["staff"], live_server.url)
    page = context.new_page()
    with shifted(shift_to(lot.listing_ends_at, plus=timedelta(minutes=1))):
        page.goto(f"{live_server.url}/centre/")
        page.locator("#console-tabs [data-tab=lots]").click()
        page.locator(f'#tab-lots tr[data-id="{lot.pk}"] [data-action=open]').click()
        section = page.locator(f'#lot-detail section.closing[data-closing="{lot.pk}"]')
        expect(section).to_have_attribute("data-phase", "offline")
        expect(section.locator("[data-result=none]")).to_be_visible()
        form = section.locator("form[data-form=record]")
        form.locator("[name=outcome]").select_option("deal")
        form.locator("[name=bidder_number]").fill(qualification.bidder_number)
        form.locator("[name=price_wan]").fill("999")
        form.locator("[name=confirmation]").set_input_files(
            FilePayload(name="成交确认书.pdf", mimeType="application/pdf", buffer=pdf_bytes())
        )
        form.locator("button[type=submit]").click()
        expect(form.locator("[name=price_wan]")).to_have_attribute("aria-invalid", "true")
        expect(form.locator(".field-error")).to_contain_text("成交价不得低于起始价")
        assert not LotResult.objects.filter(lot=lot).exists()

        form.locator("[name=price_wan]").fill("1200")
        form.locator("button[type=submit]").click()
        recorded = page.locator(f'#lot-detail section.closing[data-closing="{lot.pk}"] dl[data-result=deal]')
        expect(recorded).to_contain_text(qualification.bidder_number)
        expect(recorded).to_contain_text("1200")
        expect(page.locator("#lot-detail section.closing form[data-form=revoke]")).to_be_visible()
        expect(page.locator("#lot-detail section.closing form[data-form=record]")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "centre_closing.png"), full_page=True)
    result = LotResult.objects.get(lot=lot)
    assert (result.outcome, result.source, result.winner, str(result.price_wan)) == (
        "deal",
        "offline",
        qualification,
        "1200.0000",
    )
    assert EvidenceEntry.objects.filter(lot=lot, kind="result").get().data["confirmation_sha256"] == (
        result.confirmation_sha256
    )
    close_settled(context)
