"""An enterprise's staff certificate in the pages (docs/certificates.md): a sub-account applying for a lot that
requires certificates sees the personal centre's banner, gets a demo certificate naming the enterprise, the enterprise
withdraws it, and the sign-in page then offers no way on without a certificate."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from accounts.models import UserCertificate
from accounts.services import sms
from accounts.tests.test_staff_certificates import ENTERPRISE, enterprise_with_staff
from auctions.models import BidApplication
from auctions.tests.trading_world import trading_lot
from tests.browser.conftest import close_settled, sign_in
from tests.browser.test_certificates import password_sign_in
from tests.fakes.ca import FakeCa
from tests.fakes.sms_provider import FakeSmsProvider

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context
    close_settled(context)


def test_a_staff_certificate_made_in_the_page_is_withdrawn_by_the_enterprise(
    browser: Browser,
    context: BrowserContext,
    live_server,
    local_ca: FakeCa,
    trusted_ca,
    sms_inbox: FakeSmsProvider,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(sms, "RESEND_AFTER_SECONDS", 1)
    enterprise, staff_member = enterprise_with_staff()
    world = trading_lot(rules={"certificates_required": True})
    BidApplication.objects.create(  # the enterprise applies: its people must sign in with a certificate
        lot=world["lot"],
        applicant=enterprise,
        created_by=staff_member,
        contact_name="王五",
        contact_phone="13800138001",
        address="成都",
        submitted_at=world["lot"].applications_open_at,
    )
    sign_in(context, staff_member, live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/me/?section=certificates")
    expect(page.locator("#certificate-required-banner")).to_be_visible()
    panel = page.locator("#panel-certificates")
    panel.locator("#certificate-demo").click()
    row = panel.locator("tr[data-status=active]")
    expect(row).to_have_count(1)
    expect(row.locator("[data-field=subject]")).to_contain_text(f"O={ENTERPRISE}")
    certificate = UserCertificate.objects.get(user=staff_member)

    enterprise_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    sign_in(enterprise_context, enterprise, live_server.url)
    enterprise_page = enterprise_context.new_page()
    enterprise_page.on("dialog", lambda dialog: dialog.accept())
    enterprise_page.goto(f"{live_server.url}/me/?section=settings")
    staff_row = enterprise_page.locator(f"#staff-certificate-rows tr[data-id='{certificate.pk}']")
    expect(staff_row).to_contain_text("王五")
    staff_row.locator("[data-action=withdraw]").click()
    expect(staff_row).to_have_attribute("data-status", "unbound")
    expect(staff_row).to_contain_text("已由企业撤回")
    close_settled(enterprise_context)

    context.clear_cookies()  # the staff member signs in again: no active certificate, and one is required
    password_sign_in(page, live_server.url, staff_member.phone, sms_inbox)
    expect(page.locator("#certificate-required")).to_be_visible()
    expect(page.locator("#login-form .form-error")).to_have_attribute("data-code", "no_active_certificate")
    expect(page.locator("#certificate-continue")).to_be_hidden()
    expect(page.locator("#certificate-required a")).to_have_attribute("href", "/me/?section=certificates")
