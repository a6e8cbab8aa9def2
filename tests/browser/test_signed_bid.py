"""A bid signed in the page (docs/signing.md) on a lot whose rules require certificates: a demo certificate made in
the browser (我的证书), the room refusing to send a bid before the session signs in with it, the signed bid after the
certificate sign-in, its signature in the staff's protocol checked offline by scripts/verify_evidence.py, and the next
bid refused with the revoked message once the CA revokes the certificate."""

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from accounts.certificates import certificate_unbind
from accounts.models import OperationSignature, User, UserCertificate
from accounts.services import sms
from accounts.signing import message_text
from accounts.tests.factories import user_create
from accounts.tests.signing_kit import Signer, revoke_over_http
from accounts.tests.test_certificates import ID_NUMBER, NAME
from auctions.models import EvidenceEntry, Qualification
from auctions.services.applications import ApplicationForm, application_approve, application_submit
from auctions.services.deposits import Notice, arrival_record
from auctions.services.reserve import seal
from auctions.tests.trading_world import shift_to, trading_lot
from core.clock import shifted
from tests.asgi_server import asgi_host, asgi_server  # noqa: F401 - fixtures
from tests.browser.conftest import ARTIFACTS, close_settled, sign_in
from tests.browser.test_certificates import password_sign_in, session_certificate_id
from tests.fakes.ca import FakeCa
from tests.fakes.sms_provider import FakeSmsProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECOND = timedelta(seconds=1)
WAIT_MS = 10_000
SYNCED = "() => document.getElementById('room-connection').dataset.state === 'synced'"
VERIFIER = Path(settings.BASE_DIR) / "scripts" / "verify_evidence.py"


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context
    for open_page in context.pages:
        open_page.goto("about:blank")  # ends the room's event stream, so the context settles at once
    close_settled(context)


def qualified_signing(world: dict[str, Any], local_ca: FakeCa) -> tuple[User, Qualification]:
    """A bidder qualified for the lot as trading_world.qualified_bidder makes one, its application signed as the
    lot's rules require with a certificate of the test kit's that is unbound afterwards: the bidder's browser then
    starts with no certificate."""
    user = user_create(real_name=NAME)
    signer = Signer(local_ca, user, id_number=ID_NUMBER)
    form = ApplicationForm(contact_name=NAME, contact_phone="13800138000", address="成都", bank_code="ICBC")
    fields = {"lot": world["lot"].pk, "bank_code": "ICBC", "contact_name": NAME, "contact_phone": "13800138000"}
    signed = signer.signed("application.submit", {**fields, "address": "成都", "joint": "no"})
    application, _created = application_submit(
        user=user, lot_id=world["lot"].pk, form=form, signed=signed, session_certificate_id=signer.certificate.pk
    )
    application_approve(user=world["staff"], application_id=application.pk)
    notice = Notice(
        bank_code="ICBC",
        serial=f"Q{application.pk}",
        account_number=application.deposit_account.number,
        amount="1000000.00",
        payer_name=NAME,
        payer_account="",
        channel="transfer",
        arrived_at=timezone.now(),
    )
    arrival_record(notice)
    certificate_unbind(user=user, certificate_id=signer.certificate.pk)
    return user, Qualification.objects.get(application=application)


def open_room(page: Page, base: str, lot_id: int) -> None:
    page.goto(f"{base}/lots/{lot_id}/room/")
    page.wait_for_function(SYNCED, timeout=WAIT_MS)


def test_a_bid_signed_in_the_page_verifies_offline_until_the_ca_revokes_the_certificate(
    context: BrowserContext,
    asgi_server: str,  # noqa: F811
    local_ca: FakeCa,
    trusted_ca,
    sms_inbox: FakeSmsProvider,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
):
    monkeypatch.setattr(sms, "RESEND_AFTER_SECONDS", 1)
    world = trading_lot(mode="auction", rules={"certificates_required": True})
    lot = world["lot"]
    bidder, qualification = qualified_signing(world, local_ca)
    in_auction = shift_to(lot.auction_starts_at, plus=SECOND)
    sign_in(context, bidder, asgi_server)
    page = context.new_page()

    page.goto(f"{asgi_server}/me/?section=certificates")
    page.locator("#certificate-demo").click()
    expect(page.locator("#panel-certificates tr[data-status=active]")).to_have_count(1)
    certificate = UserCertificate.objects.get(user=bidder, status="active")

    # Not signed in with the certificate yet: the room says so instead of sending a bid it would refuse.
    with shifted(in_auction):
        open_room(page, asgi_server, lot.pk)
        # the page's message is accounts/signing.py's, byte for byte
        fields: dict[str, Any] = {"lot": 7, "contact_name": "张三", "address": '成都 "锦江" \\ 区\n', "joint": "no"}
        action, fingerprint, nonce = "application.submit", "ab" * 32, "n" * 22
        shown = page.evaluate("(a) => window.LandSigning.messageText(...a)", [action, fingerprint, nonce, fields])
        assert shown == message_text(action=action, certificate=fingerprint, nonce=nonce, fields=fields)
        typed = page.evaluate("() => window.LandSigning.fourPlaces(' 01200.5 ')")
        made = page.evaluate("(amount) => window.LandSigning.commitment(amount)", typed)
        assert (typed, made["commitment"]) == ("1200.5000", seal(Decimal("1200.5"), salt=made["salt"]).commitment)
        page.click(".room-amount-button[data-amount='1000.0000']")
        expect(page.locator("#room-signing")).to_have_attribute("data-state", "sign-in")
        expect(page.locator("#room-signing")).to_contain_text("请先使用数字证书重新登录")
        expect(page.locator("#room-confirm-yes")).to_be_hidden()

    context.clear_cookies()
    password_sign_in(page, asgi_server, bidder.phone, sms_inbox)
    expect(page).to_have_url(f"{asgi_server}/me/?section=supply")
    assert session_certificate_id(page) == certificate.pk

    with shifted(in_auction):
        open_room(page, asgi_server, lot.pk)
        page.click(".room-amount-button[data-amount='1000.0000']")
        signing = page.locator("#room-signing")
        expect(signing).to_have_attribute("data-state", "signed")
        expect(signing).to_contain_text(certificate.subject)
        expect(signing).to_contain_text(certificate.serial)
        page.screenshot(path=str(ARTIFACTS / "signed_bid_confirm.png"), full_page=True)
        page.click("#room-confirm-yes")
        expect(page.locator("#room-bid-sent")).to_be_visible(timeout=WAIT_MS)

    record = OperationSignature.objects.get(action="bid.place")
    assert (record.action, record.signer, record.certificate) == ("bid.place", bidder, certificate)
    entry = EvidenceEntry.objects.get(lot=lot, kind="bid.accepted")
    assert entry.data["signature"] == record.record_sha256
    assert entry.data["bidder"] == qualification.bidder_number

    staff = Client()
    staff.force_login(world["staff"])
    protocol = staff.get(f"/api/auctions/lots/{lot.pk}/protocol/")
    assert protocol.status_code == 200
    assert protocol.json()["signers"][record.record_sha256]["serial"] == certificate.serial  # the staff see who signed
    (tmp_path / "protocol.json").write_text(json.dumps(protocol.json(), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "ca.pem").write_text(local_ca.certificate_pem)
    command = [sys.executable, str(VERIFIER), "--ca", str(tmp_path / "ca.pem"), str(tmp_path / "protocol.json")]
    checked = subprocess.run(command, check=False, capture_output=True, text=True)  # noqa: S603
    assert checked.returncode == 0, checked.stdout
    assert f"ok: entry {entry.seq} (bid.accepted) signed by" in checked.stdout

    revoke_over_http(local_ca, certificate.certificate)
    with shifted(in_auction):
        page.click(".room-amount-button[data-amount='1010.0000']")
        expect(page.locator("#room-signing")).to_have_attribute("data-state", "signed")
        page.click("#room-confirm-yes")
        error = page.locator("#room-bid-error")
        expect(error).to_have_attribute("data-code", "revoked", timeout=WAIT_MS)
        expect(error).to_have_text("您的证书已被其CA吊销，不能用于签名。请在“我的证书”中重新获取。")
        page.screenshot(path=str(ARTIFACTS / "signed_bid_revoked.png"), full_page=True)
    assert OperationSignature.objects.filter(action="bid.place").count() == 1
    assert EvidenceEntry.objects.filter(lot=lot, kind="bid.accepted").count() == 1
