"""A contract through its five steps in Chromium (合同网签赋码): party A (a verified user) drafts a transfer contract
through the wizard with party B's verified name and phone, uploads the four required attachments and sends it; party
B, in a browser of their own, confirms the content from 我的合同; party A uploads the signed copy; party B confirms it;
the authority of the county approves it from its queue and the contract's page shows 赋码成功 with the number. The PDF
holds the number and a QR code that opens the public verification page (valid); after a revocation that the
authority approves, the page says revoked."""

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from accounts.models import User
from accounts.tests.factories import reviewer_create, user_create
from contracts.models import Contract, ContractAttachment
from contracts.tests.pdf_reading import pdf_qr_codes, pdf_text
from core.tests import samples
from geo.tests.factories import sichuan_tree
from tests.browser.conftest import ARTIFACTS, close_settled, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = samples.pdf_bytes()
PHONE_B = "13912345678"
UNIT_NUMBER = "510104001001GB00001W00000000"  # 28 digits or capital letters


@pytest.fixture
def contexts(browser: Browser, live_server, settings, tmp_path) -> Iterator[dict[str, BrowserContext]]:
    """Party A, party B and the authority of 锦江区 (510104), each signed in in a browser context of their own."""
    settings.MEDIA_ROOT = tmp_path
    sichuan_tree(("510000", "510100", "510104"))
    users: dict[str, User] = {
        "a": user_create(real_name="王五"),
        "b": user_create(real_name="赵六", phone=PHONE_B),
        "authority": reviewer_create(regions=["510104"]),
    }
    opened = {}
    for who, user in users.items():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        sign_in(context, user, live_server.url)
        opened[who] = context
    yield opened
    for context in opened.values():
        close_settled(context)


def _status(page: Page, status: str) -> None:
    expect(page.locator("#contract-page")).to_have_attribute("data-status", status)


def _draft_and_send(page: Page, live_server) -> int:
    """Party A's step 1: the service chosen, both parties, the parcel and terms, the four documents; sent."""
    page.goto(f"{live_server.url}/contracts/new/")
    page.locator('.contract-service[data-origin="online"] a[data-kind="transfer"]').click()
    expect(page).to_have_url(re.compile(r"/contracts/\d+/$"))
    contract_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    form = page.locator("#contract-form")

    # 双方基本信息: party A from the verification, party B as the registered, verified user
    expect(form.locator("input[name=a_name]")).to_have_value("王五")
    form.locator("input[name=a_address]").fill("成都市锦江区东大街1号")
    form.locator("input[name=a_postcode]").fill("610000")
    form.locator("input[name=b_name]").fill("赵六")
    form.locator("input[name=b_phone]").fill(PHONE_B)
    form.locator("input[name=b_address]").fill("成都市青羊区西大街2号")
    form.locator("input[name=b_postcode]").fill("610001")
    form.locator("[data-action=next]").click()

    # 地块基本信息 and the terms
    parcel = form.locator("section[data-part=parcel]")
    expect(parcel).to_be_visible()
    parcel.locator("input[name=address]").fill("成都市锦江区东大街100号")
    for level, code in (("province", "510000"), ("city", "510100"), ("county", "510104")):
        expect(parcel.locator(f"select[data-level={level}] option[value='{code}']")).to_be_attached()
        parcel.locator(f"select[data-level={level}]").select_option(code)
    parcel.locator("input[name=plane_boundary]").fill("东至东大街，南至规划路，西至红星路，北至滨江路")
    parcel.locator("input[name=upper_boundary]").fill("地上50米")
    parcel.locator("input[name=lower_boundary]").fill("地下10米")
    parcel.locator("input[name=height_difference_m]").fill("60")
    parcel.locator("input[name=area_m2]").fill("5000")
    parcel.locator("input[name=use_right_type][value=granted]").check()
    parcel.locator("select[data-level=major]").select_option("05")
    parcel.locator("select[data-level=minor]").select_option("0501")
    parcel.locator("input[name=land_nature][value=state_owned]").check()
    parcel.locator("input[name=certificate_type][value=real_estate]").check()
    parcel.locator("input[name=certificate_number]").fill("川(2020)成都市不动产权第0012345号")
    parcel.locator("input[name=unit_numbers]").fill(UNIT_NUMBER)
    parcel.locator("input[name=price_wan]").fill("1200")
    parcel.locator("input[name=term_years]").fill("40")
    parcel.locator("input[name=institution]").fill("成都市锦江区自然资源主管部门")
    form.locator("[data-action=next]").click()

    # 附件: the four required documents, then 提交 (sent to party B)
    expect(form.locator("section[data-part=attachments]")).to_be_visible()
    form.locator("[data-action=send]").click()  # not yet: the API names each missing document at its row
    expect(form.locator("tr[data-kind=plane_map] .field-error")).to_be_visible()
    expect(form.locator("tr[data-kind=other] .field-error")).to_have_count(0)
    for kind in ContractAttachment.REQUIRED_KINDS:
        form.locator(f"input[type=file][data-kind={kind}]").set_input_files(
            {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        expect(form.locator(f"tr[data-kind={kind}] .files")).to_contain_text(f"{kind}.pdf")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "contract_attachments.png"), full_page=True)
    form.locator("[data-action=send]").click()
    _status(page, "awaiting_confirmation")
    expect(page.locator("#contract-steps li[data-step='2']")).to_have_attribute("aria-current", "step")
    return contract_id


def test_two_parties_and_the_authority_take_a_contract_through_the_five_steps(browser: Browser, contexts, live_server):
    a, b, authority = (contexts[who].new_page() for who in ("a", "b", "authority"))
    contract_id = _draft_and_send(a, live_server)

    # 2 合同内容确认: party B finds it in 我的合同 and confirms the content
    b.goto(f"{live_server.url}/me/?section=contracts")
    row = b.locator(f'#contract-table tr[data-id="{contract_id}"]')
    expect(row).to_contain_text("王五")
    row.locator("[data-action=view]").click()
    expect(b.locator("#contract-form input[name=b_phone]")).to_have_value(PHONE_B)
    b.locator("#contract-buttons [data-action=confirm]").click()
    _status(b, "confirmed")

    # 3 签字版合同上传: party A uploads the signed, sealed copy
    a.reload()
    _status(a, "confirmed")
    a.locator("#signed-upload input[type=file]").set_input_files(
        {"name": "signed.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    _status(a, "scan_uploaded")

    # 4 签字版合同确认: party B confirms the copy; the contract goes to the authority
    b.reload()
    _status(b, "scan_uploaded")
    b.locator("#contract-buttons [data-action=confirm_signed]").click()
    _status(b, "in_review")

    # 5 合同赋码: the authority of the county approves it from the queue
    authority.goto(f"{live_server.url}/contracts/review/")
    authority.on("dialog", lambda dialog: dialog.accept())
    queued = authority.locator(f'#review-contracts tr[data-id="{contract_id}"]')
    expect(queued).to_contain_text("赵六")
    queued.locator("[data-action=approve]").click()
    expect(authority.locator("#queue-contracts .notice")).to_be_visible()
    number = Contract.objects.get(pk=contract_id).number
    assert number is not None
    assert re.fullmatch(r"川510104ZR\d{4}\d{6}", number)

    a.reload()
    _status(a, "coded")
    expect(a.locator("#contract-coded")).to_contain_text("赋码成功")
    expect(a.locator("#contract-number")).to_have_text(number)
    a.screenshot(path=str(ARTIFACTS / "contract_coded.png"), full_page=True)

    # The PDF holds the number; its QR code opens the public verification page: valid
    pdf = a.request.get(f"{live_server.url}/api/contracts/{contract_id}/pdf/")
    assert pdf.ok
    assert number in pdf_text(pdf.body())
    [url] = pdf_qr_codes(pdf.body())
    assert re.search(r"/contracts/verify/[\w-]{43}/$", url)
    public = browser.new_context(locale="zh-CN")  # a visitor holding a paper copy: not signed in
    visitor = public.new_page()
    visitor.goto(live_server.url + urlsplit(url).path)
    expect(visitor.locator("body")).to_contain_text(number)
    expect(visitor.locator("#contract-verify")).to_have_attribute("data-status", "valid")

    # 合同撤销: party A applies with a reason and a document; the authority approves; the page says revoked
    a.locator("#contract-buttons [data-action=apply_revocation]").click()
    a.locator("#reason-form textarea[name=reason]").fill("双方协商一致解除合同")
    a.locator("#reason-form input[name=documents]").set_input_files(
        {"name": "agreement.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    a.locator("#reason-form button[type=submit]").click()
    expect(a.locator("#contract-actions .notice")).to_be_visible()
    authority.locator("#tab-revocations").click()
    pending = authority.locator(f'#review-revocations tr[data-contract="{contract_id}"]')
    pending.locator("[data-action=approve-revocation]").click()
    expect(authority.locator("#queue-revocations .notice")).to_be_visible()
    visitor.reload()
    expect(visitor.locator("#contract-verify")).to_have_attribute("data-status", "revoked")
    a.reload()
    _status(a, "revoked")
    close_settled(public)
