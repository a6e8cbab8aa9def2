"""A demo certificate made in the page (key in the browser, CSR, local CA), sign-in with it, and its revocation."""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from accounts.models import UserCertificate
from accounts.services import sms
from accounts.tests.factories import PASSWORD
from accounts.tests.test_certificates import revoke_over_http, verified_user
from tests.browser.conftest import close_settled, sign_in
from tests.browser.test_rough_edges import captcha_answer, new_captcha
from tests.fakes.ca import FakeCa
from tests.fakes.sms_provider import FakeSmsProvider

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context
    close_settled(context)


def password_sign_in(page: Page, base_url: str, phone: str, sms_inbox: FakeSmsProvider) -> None:
    """Sign in on the sign-in page as a person does: phone, image code, SMS code, password."""
    time.sleep(1.1)  # a new SMS code for the phone may be asked for after a second (RESEND_AFTER_SECONDS below)
    page.goto(f"{base_url}/login/")
    form = page.locator("#login-form")
    form.locator("input[name=phone]").fill(phone)
    form.locator("input[name=captcha_answer]").fill(captcha_answer(form))
    used = form.locator("input[name=captcha_key]").input_value()
    form.locator(".sms-send").click()
    expect(form.locator(".sms-send")).to_be_disabled()
    form.locator("input[name=sms_code]").fill(sms_inbox.last_code(phone))
    form.locator("input[name=captcha_answer]").fill(new_captcha(form, used))
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()


def session_certificate_id(page: Page) -> Any:
    """The certificate this browser's session signed in with, as the list of my certificates says."""
    return page.evaluate("fetch('/api/auth/certificates/').then((r) => r.json()).then((d) => d.session_certificate_id)")


def test_a_demo_certificate_made_in_the_page_signs_the_sign_in_until_the_ca_revokes_it(
    browser: Browser,
    context: BrowserContext,
    live_server,
    local_ca: FakeCa,
    trusted_ca,
    sms_inbox: FakeSmsProvider,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(sms, "RESEND_AFTER_SECONDS", 1)  # the phone signs in thrice within the minute
    user = verified_user()
    sign_in(context, user, live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/me/?section=certificates")
    panel = page.locator("#panel-certificates")
    panel.locator("#certificate-demo").click()

    row = panel.locator("tr[data-status=active]")
    expect(row).to_have_count(1)
    expect(row.locator("[data-field=subject]")).to_contain_text("张三")
    certificate = UserCertificate.objects.get(user=user)
    expect(row.locator("[data-field=fingerprint]")).to_have_text(certificate.fingerprint_sha256)

    # Signed out (the key stays in this browser's IndexedDB), then in again: the page signs the server's challenge.
    context.clear_cookies()
    password_sign_in(page, live_server.url, user.phone, sms_inbox)
    expect(page).to_have_url(f"{live_server.url}/me/?section=supply")
    assert session_certificate_id(page) == certificate.pk

    # Another browser has no key for the certificate: it says so, and the session is not certificate-authenticated.
    elsewhere = browser.new_context(locale="zh-CN")
    other_page = elsewhere.new_page()
    password_sign_in(other_page, live_server.url, user.phone, sms_inbox)
    expect(other_page.locator("#login-form .form-error")).to_have_attribute("data-code", "no_key_in_browser")
    assert session_certificate_id(other_page) is None
    close_settled(elsewhere)

    revoke_over_http(local_ca, certificate.certificate)
    context.clear_cookies()
    password_sign_in(page, live_server.url, user.phone, sms_inbox)
    expect(page.locator("#login-form .form-error")).to_have_attribute("data-code", "revoked")
    expect(page.locator("#certificate-continue")).to_be_visible()
    assert session_certificate_id(page) is None

    page.goto(f"{live_server.url}/me/?section=certificates")
    expect(panel.locator(f"tr[data-id='{certificate.pk}']")).to_have_attribute("data-status", "revoked")
