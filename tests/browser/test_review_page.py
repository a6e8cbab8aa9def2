"""The review console (/review/) in the real Chromium: a reviewer of 成都市 approves a listing of 锦江区 in the initial
review, certifies it in the final review, rejects another with a reason, reviews a change; a reviewer elsewhere sees
nothing; an administrator decides real-name verifications and manages policy documents."""

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import Message, RealNameVerification, User
from accounts.tests.factories import reviewer_create, user_create
from core.tests import samples
from geo.models import Region
from geo.tests.factories import box, parcel_create, sichuan_tree
from market.models import PolicyDocument, ReviewEvent, SupplyAttachment, SupplyChange, SupplyListing
from market.services.supply import supply_change_request
from market.tests.factories import supply_create
from tests.browser.conftest import ARTIFACTS, close_settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = samples.pdf_bytes()  # one page, with its cross-reference table (uploads are read by pypdf)
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db40000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def regions() -> dict[str, Region]:
    """四川省 510000 → 成都市 510100 → 锦江区 510104, and 绵阳市 510700 → 涪城区 510703 (as in market/tests)."""
    return sichuan_tree(("510000", "510100", "510104", "510700", "510703"))


@pytest.fixture
def owner() -> User:
    return user_create(real_name="王五")


@pytest.fixture
def signed_in(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """Opens pages signed in as a given user (the session cookie of a Django test client login)."""
    contexts = []

    def open_page(user: User, *, width: int = 1280, height: int = 900) -> Page:
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


def in_review(owner: User, region: Region, **fields) -> SupplyListing:
    return supply_create(
        owner=owner, region=region, status=SupplyListing.Status.IN_REVIEW, submitted_at=timezone.now(), **fields
    )


def attach_pdf(listing: SupplyListing, owner: User) -> SupplyAttachment:
    return SupplyAttachment.objects.create(
        listing=listing,
        kind=SupplyAttachment.Kind.TITLE_CERTIFICATE,
        file=ContentFile(PDF, name="certificate.pdf"),
        original_name="不动产权证书.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=owner,
    )


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_reviewer_approves_a_listing_then_certifies_it(signed_in, live_server, regions, owner):
    listing = in_review(owner, regions["510104"])
    attachment = attach_pdf(listing, owner)
    page = signed_in(reviewer_create(regions=["510100"]))

    page.goto(live_server.url + "/review/")

    row = page.locator(f'#queue tbody tr[data-id="{listing.pk}"]')
    expect(row).to_contain_text(listing.title)
    expect(row).to_contain_text("四川省成都市锦江区")
    expect(page.locator('[data-count="initial"]')).to_have_attribute("data-value", "1")
    row.get_by_role("button").click()
    detail = page.locator("#detail")
    expect(detail).to_have_attribute("data-state", "loaded")
    expect(page.locator("#detail-title")).to_have_text(listing.title)
    expect(detail.locator('[data-field="owner_id_number"] dd')).to_have_text("91510100MA61234567")
    expect(detail.locator('[data-field="certificate_number"] dd')).to_have_text("川(2020)成都市不动产权第0012345号")
    expect(detail.locator('[data-field="agent_phone"] dd')).to_have_text("13800138000")
    expect(detail.locator('[data-field="region"] dd')).to_have_text("四川省成都市锦江区 (510104)")
    link = detail.locator("#detail-attachments a")
    expect(link).to_have_text("不动产权证书.pdf")
    expect(link).to_have_attribute("href", f"/api/market/supply/attachments/{attachment.pk}/")
    download = page.request.get(live_server.url + f"/api/market/supply/attachments/{attachment.pk}/")
    assert (download.status, download.body()) == (200, PDF)
    shot(page, "review-initial-detail")

    detail.locator('[data-action="approve"]').click()

    expect(page.locator("#supply-notice")).to_contain_text(listing.title)
    expect(page.locator("#supply-notice")).to_have_attribute("data-code", "approve")
    expect(row).to_have_count(0)
    expect(page.locator("#queue-empty")).to_be_visible()
    expect(detail).to_be_hidden()

    page.locator('[data-stage="final"]').click()

    expect(row.locator("[data-status]")).to_have_attribute("data-status", "published")
    row.get_by_role("button").click()
    expect(detail).to_have_attribute("data-state", "loaded")
    expect(detail.locator('#detail-history tbody tr[data-event="approve"]')).to_have_count(1)
    expect(detail.locator('#review-actions [data-action="approve"]')).to_be_hidden()
    detail.locator('[data-action="certify"]').click()

    expect(page.locator("#supply-notice")).to_have_attribute("data-code", "certify")
    expect(row).to_have_count(0)
    shot(page, "review-certified")
    listing.refresh_from_db()
    assert listing.status == SupplyListing.Status.CERTIFIED
    assert listing.certified_at is not None
    assert list(
        ReviewEvent.objects.filter(subject="supply", subject_id=listing.pk).values_list("action", flat=True)
    ) == ["approve", "certify"]
    assert Message.objects.filter(user=owner).count() == 2


def test_a_listing_on_a_parcel_is_not_shown_as_drawn_on_the_map(signed_in, live_server, regions, owner):
    """Its outline in the API is now the parcel's; only an owner's own drawing is "drawn on the map"."""
    parcel = parcel_create(
        code="510104001001GB07777", geometry=box(104.08, 30.58, 104.09, 30.59), region=regions["510104"]
    )
    listing = in_review(owner, regions["510104"], parcel=parcel, location=parcel.centroid)
    page = signed_in(reviewer_create(regions=["510100"]))

    page.goto(live_server.url + "/review/")
    page.locator(f'#queue tbody tr[data-id="{listing.pk}"]').get_by_role("button").click()

    detail = page.locator("#detail")
    expect(detail).to_have_attribute("data-state", "loaded")
    expect(detail.locator('[data-field="outline"] dd')).to_have_text("—")


def test_a_reviewer_rejects_a_listing_only_with_a_reason(signed_in, live_server, regions, owner):
    listing = in_review(owner, regions["510104"])
    page = signed_in(reviewer_create(regions=["510100"]))
    page.goto(live_server.url + "/review/")
    page.locator(f'#queue tbody tr[data-id="{listing.pk}"]').get_by_role("button").click()
    actions = page.locator("#review-actions")
    expect(page.locator("#detail")).to_have_attribute("data-state", "loaded")

    actions.locator('[data-action="reject"]').click()

    expect(actions.locator("textarea[name=reason]")).to_have_attribute("aria-invalid", "true")
    expect(actions.locator(".field-error")).to_have_attribute("data-code", "required")
    assert SupplyListing.objects.get(pk=listing.pk).status == SupplyListing.Status.IN_REVIEW

    actions.locator("textarea[name=reason]").fill("权证号与证书不符 <b>请核对</b>")
    actions.locator('[data-action="reject"]').click()

    expect(page.locator("#supply-notice")).to_have_attribute("data-code", "reject")
    expect(page.locator(f'#queue tbody tr[data-id="{listing.pk}"]')).to_have_count(0)
    shot(page, "review-rejected")
    listing.refresh_from_db()
    assert (listing.status, listing.reason) == (SupplyListing.Status.REJECTED, "权证号与证书不符 <b>请核对</b>")
    assert ReviewEvent.objects.get(subject="supply", subject_id=listing.pk).reason == listing.reason
    assert Message.objects.filter(user=owner).count() == 1


def test_a_reviewer_of_another_region_does_not_see_the_listing(signed_in, live_server, regions, owner):
    listing = in_review(owner, regions["510104"])
    page = signed_in(reviewer_create(regions=["510700"]))

    page.goto(live_server.url + "/review/")

    expect(page.locator("#queue")).to_have_attribute("data-state", "loaded")
    expect(page.locator("#queue-empty")).to_be_visible()
    expect(page.locator(f'#queue tbody tr[data-id="{listing.pk}"]')).to_have_count(0)
    expect(page.get_by_text(listing.title)).to_have_count(0)
    expect(page.locator("#tab-verifications")).to_have_count(0)
    shot(page, "review-other-region")


def test_someone_else_acting_first_shows_the_conflict(signed_in, live_server, regions, owner):
    listing = in_review(owner, regions["510104"])
    page = signed_in(reviewer_create(regions=["510100"]))
    page.goto(live_server.url + "/review/")
    page.locator(f'#queue tbody tr[data-id="{listing.pk}"]').get_by_role("button").click()
    expect(page.locator("#detail")).to_have_attribute("data-state", "loaded")
    SupplyListing.objects.filter(pk=listing.pk).update(
        status=SupplyListing.Status.PUBLISHED, published_at=timezone.now()
    )

    page.locator('#review-actions [data-action="approve"]').click()

    error = page.locator("#review-actions .form-error")
    expect(error).to_be_visible()
    expect(error).to_have_attribute("data-code", "transition_not_allowed")
    expect(page.locator(f'#queue tbody tr[data-id="{listing.pk}"]')).to_have_count(0)
    assert SupplyListing.objects.get(pk=listing.pk).status == SupplyListing.Status.PUBLISHED


def test_a_change_is_compared_and_approved_at_phone_width(signed_in, live_server, regions, owner):
    listing = supply_create(owner=owner, region=regions["510104"], status=SupplyListing.Status.PUBLISHED)
    change = supply_change_request(
        listing_id=listing.pk, user=owner, price_wan=Decimal("1500"), address="锦江区新地址1号"
    )
    page = signed_in(reviewer_create(regions=["510000"]), width=375, height=800)
    page.goto(live_server.url + "/review/")

    page.locator('[data-stage="changes"]').click()
    page.locator(f'#queue tbody tr[data-id="{listing.pk}"]').get_by_role("button").click()

    compare = page.locator("#change-compare")
    expect(compare).to_be_visible()
    expect(compare.locator('tr[data-field="price_wan"] td')).to_have_text(["1200.0000", "1500"])
    expect(compare.locator('tr[data-field="address"] td')).to_have_text([listing.address, "锦江区新地址1号"])
    assert no_horizontal_scroll(page)
    shot(page, "review-change-phone")
    page.locator('#review-actions [data-action="change-approve"]').click()

    expect(page.locator("#supply-notice")).to_have_attribute("data-code", "change-approve")
    change.refresh_from_db()
    listing.refresh_from_db()
    assert change.status == SupplyChange.Status.APPROVED
    assert (listing.price_wan, listing.address) == (Decimal("1500"), "锦江区新地址1号")


def test_an_administrator_decides_real_name_verifications(signed_in, live_server):
    first = user_create(kind=User.Kind.ENTERPRISE, verified=False)
    second = user_create(verified=False)
    with_licence = RealNameVerification.objects.create(
        user=first,
        kind=User.Kind.ENTERPRISE,
        name="成都<测试>有限公司",
        id_number="914403001922038216",
        licence=ContentFile(PNG_1PX, name="licence.png"),
    )
    plain = RealNameVerification.objects.create(
        user=second, kind=User.Kind.INDIVIDUAL, name="赵六", id_number="510104199003071237"
    )
    page = signed_in(user_create(role=User.Role.ADMIN))

    page.goto(live_server.url + "/review/")
    page.locator("#tab-verifications").click()

    rows = page.locator("#verifications tbody tr")
    expect(rows).to_have_count(2)
    enterprise_row = page.locator(f'#verifications tr[data-id="{with_licence.pk}"]')
    expect(enterprise_row).to_contain_text("成都<测试>有限公司")
    expect(enterprise_row).to_contain_text("9144**********8216")
    expect(enterprise_row.locator("a.licence-link")).to_have_attribute(
        "href", f"/api/auth/verifications/{with_licence.pk}/licence/"
    )
    licence = page.request.get(live_server.url + f"/api/auth/verifications/{with_licence.pk}/licence/")
    assert (licence.status, licence.body()) == (200, PNG_1PX)

    enterprise_row.locator('[data-decide="reject"]').click()
    expect(enterprise_row.locator("input[name=reason]")).to_have_attribute("aria-invalid", "true")
    enterprise_row.locator("input[name=reason]").fill("营业执照不清晰")
    enterprise_row.locator('[data-decide="reject"]').click()
    expect(enterprise_row).to_have_count(0)
    page.locator(f'#verifications tr[data-id="{plain.pk}"] [data-decide="approve"]').click()

    expect(page.locator("#verification-notice")).to_have_attribute("data-code", "approve")
    expect(rows).to_have_count(0)
    expect(page.locator("#verifications-empty")).to_be_visible()
    page.locator("#verification-status").select_option("rejected")
    expect(page.locator(f'#verifications tr[data-id="{with_licence.pk}"]')).to_contain_text("营业执照不清晰")
    shot(page, "review-verifications")
    with_licence.refresh_from_db()
    plain.refresh_from_db()
    second.refresh_from_db()
    assert (with_licence.status, with_licence.reason) == ("rejected", "营业执照不清晰")
    assert plain.status == "approved"
    assert second.verified_at is not None
    assert second.real_name == "赵六"


def test_an_administrator_writes_publishes_and_deletes_a_policy_document(signed_in, live_server, tmp_path):
    attachment = tmp_path / "意见.pdf"
    attachment.write_bytes(PDF)
    page = signed_in(user_create(role=User.Role.ADMIN))
    page.goto(live_server.url + "/review/?tab=policies")
    expect(page.locator("#policies")).to_have_attribute("data-state", "loaded")
    form = page.locator("#policy-form")

    page.locator("#policy-new").click()
    form.locator("[name=title]").fill("关于完善建设用地使用权转让、出租、抵押二级市场的指导意见")
    form.locator("button[type=submit]").click()
    expect(form.locator("[name=category]")).to_have_attribute("aria-invalid", "true")
    form.locator("[name=category]").select_option("national")
    form.locator("[name=document_number]").fill("国办发〔2019〕34号")
    form.locator("[name=body]").fill("<script>alert(1)</script>\n一、总体要求")
    form.locator("[name=attachment]").set_input_files(str(attachment))
    form.locator("button[type=submit]").click()

    expect(form).to_be_hidden()
    document = PolicyDocument.objects.get()
    row = page.locator(f'#policies tr[data-id="{document.pk}"]')
    expect(row).to_have_attribute("data-published", "false")
    assert document.body == "<script>alert(1)</script>\n一、总体要求"
    assert (document.attachment.name or "").endswith(".pdf")

    row.locator('[data-do="publish"]').click()
    expect(row).to_have_attribute("data-published", "true")
    row.locator('[data-do="edit"]').click()
    expect(form.locator("[name=body]")).to_have_value("<script>alert(1)</script>\n一、总体要求")
    form.locator("[name=title]").fill("新标题")
    form.locator("button[type=submit]").click()
    expect(row).to_contain_text("新标题")
    shot(page, "review-policies")
    document.refresh_from_db()
    assert document.title == "新标题"
    assert document.published_at is not None

    page.once("dialog", lambda dialog: dialog.accept())
    row.locator('[data-do="delete"]').click()
    expect(row).to_have_count(0)
    assert not PolicyDocument.objects.exists()


def test_a_reviewer_narrows_the_final_queue_by_region_and_delists_with_a_reason(signed_in, live_server, regions, owner):
    chengdu = supply_create(
        owner=owner,
        region=regions["510104"],
        status=SupplyListing.Status.PUBLISHED,
        notes='<img src=x onerror="document.title=1">',
    )
    mianyang = supply_create(owner=owner, region=regions["510703"], status=SupplyListing.Status.PUBLISHED)
    page = signed_in(reviewer_create(regions=["510000"]))
    page.goto(live_server.url + "/review/")
    page.locator('[data-stage="final"]').click()
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(2)

    page.locator('.region-filter select[data-level="province"]').select_option("510000")
    page.locator('.region-filter select[data-level="city"]').select_option("510100")

    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-id", str(chengdu.pk))
    rows.first.get_by_role("button").click()
    detail = page.locator("#detail")
    expect(detail.locator('[data-field="notes"] dd')).to_have_text('<img src=x onerror="document.title=1">')
    expect(detail.locator("#detail-fields img")).to_have_count(0)
    actions = page.locator("#review-actions")
    actions.locator('[data-action="delist"]').click()
    expect(actions.locator(".field-error")).to_have_attribute("data-code", "required")
    actions.locator("textarea[name=reason]").fill("虚假信息")
    actions.locator('[data-action="delist"]').click()

    expect(page.locator("#supply-notice")).to_have_attribute("data-code", "delist")
    expect(rows).to_have_count(0)
    shot(page, "review-delisted")
    chengdu.refresh_from_db()
    assert (chengdu.status, chengdu.reason) == (SupplyListing.Status.DELISTED, "虚假信息")
    assert SupplyListing.objects.get(pk=mianyang.pk).status == SupplyListing.Status.PUBLISHED
