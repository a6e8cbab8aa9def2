"""Demand, pre-announcements, land statistics and policies in Chromium: publishing a demand through its form, the
pre-announcement flow from the grant lookup (image captcha, SMS code) to publication, the statistics of the
listings made here, and a policy whose text holds a script shown as text."""

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from accounts.services.captcha import captcha_cache_key
from accounts.tests.factories import user_create
from core.tests import samples
from geo.models import Region
from geo.tests.factories import sichuan_tree
from market.models import Demand, Favourite, PolicyDocument, PreAnnouncement, PrimaryGrant, SupplyListing
from market.tests.factories import supply_create
from tests.browser.conftest import ARTIFACTS, close_settled
from tests.fakes.sms_provider import FakeSmsProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13800001001"
NUMBER = "5101042019B00101"
PDF = samples.pdf_bytes()  # one page, with its cross-reference table (uploads are read by pypdf)


@pytest.fixture
def regions() -> dict[str, Region]:
    """四川省 510000 → 成都市 510100 → 锦江区 510104 and 武侯区 510107."""
    return sichuan_tree(("510000", "510100", "510104", "510107"))


def signed_in(browser: Browser, live_server: Any, user: User, width: int = 1280) -> Page:
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


@pytest.fixture
def pages(browser: Browser) -> Iterator[list[Page]]:
    """Pages opened by a test, closed with their contexts afterwards."""
    opened: list[Page] = []
    yield opened
    for page in opened:
        close_settled(page.context)


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def choose_region(scope: Any, *codes: str) -> None:
    for level, code in zip(("province", "city", "county"), codes, strict=False):
        select = scope.locator(f"select[data-level={level}]")
        expect(select.locator(f"option[value='{code}']")).to_be_attached()
        select.select_option(code)


def registered_demand(owner: User, region: Region, **fields: Any) -> Demand:
    now = timezone.now()
    values: dict[str, Any] = {
        "kind": Demand.Kind.PURCHASE,
        "title": f"求购{region.name}商服用地",
        "land_use": "0501",
        "land_nature": "state_owned",
        "area_min_m2": Decimal("1000.00"),
        "area_max_m2": Decimal("3000.00"),
        "price_min_wan": Decimal("500.0000"),
        "price_max_wan": Decimal("900.0000"),
        "contact_name": "刘经理",
        "contact_phone": "13700000000",
        "registered_at": now,
        "expires_at": now + timedelta(days=183),
    } | fields
    return Demand.objects.create(
        owner=owner, created_by=owner, region=region, status=Demand.Status.REGISTERED, **values
    )


# ------------------------------------------------------------------------------------------------ demand


def test_a_verified_user_publishes_a_demand_through_the_form(browser: Browser, live_server, regions, pages):
    owner = user_create(real_name="王五")
    page = signed_in(browser, live_server, owner)
    pages.append(page)
    page.goto(f"{live_server.url}/demand/new/?kind=lease")
    form = page.locator("#demand-form")

    expect(form.locator("input[name=kind][value=lease]")).to_be_checked()
    form.locator("input[name=kind][value=purchase]").check()
    form.locator("input[name=title]").fill("求购锦江区商服用地")
    choose_region(form, "510000", "510100", "510104")
    form.locator("select[data-level=major]").select_option("05")
    form.locator("select[data-level=minor]").select_option("0501")
    form.locator("input[name=land_nature][value=state_owned]").check()
    form.locator("input[name=area_min_m2]").fill("5000")
    form.locator("input[name=area_max_m2]").fill("1000")  # inverted: refused at the field
    form.locator("input[name=price_min_wan]").fill("500")
    form.locator("input[name=price_max_wan]").fill("1500")
    form.locator("input[name=years]").fill("40")
    form.locator("input[name=industry]").fill("零售业")
    form.locator("textarea[name=description]").fill("临街，交通便利\n<b>近地铁</b>")
    form.locator("input[name=contact_name]").fill("张三")
    form.locator("input[name=contact_phone]").fill("13800138000")

    form.locator("[data-action=submit]").click()

    expect(form.locator("input[name=area_max_m2]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator(".field-error[data-code=range]")).to_be_visible()
    assert not Demand.objects.exists()
    shot(page, "demand_form_error")

    form.locator("input[name=area_min_m2]").fill("1000")
    form.locator("input[name=area_max_m2]").fill("5000")
    form.locator("[data-action=submit]").click()
    expect(form.locator(".notice")).to_be_visible()
    page.wait_for_url(f"{live_server.url}/me/?section=demand")

    demand = Demand.objects.get()
    assert demand.status == Demand.Status.REGISTERED
    assert (demand.owner, demand.kind, demand.region_id) == (owner, "purchase", "510104")
    assert demand.title == "求购锦江区商服用地"
    assert (demand.land_use, demand.land_nature, demand.years) == ("0501", "state_owned", 40)
    assert (demand.area_min_m2, demand.area_max_m2) == (Decimal("1000.00"), Decimal("5000.00"))
    assert (demand.price_min_wan, demand.price_max_wan) == (Decimal("500.0000"), Decimal("1500.0000"))
    assert demand.description == "临街，交通便利\n<b>近地铁</b>"

    page.goto(f"{live_server.url}/demand/")
    card = page.locator(f"#demand-results article[data-id='{demand.pk}']")
    expect(card.get_by_role("link", name="求购锦江区商服用地")).to_be_visible()
    expect(card.locator("[data-field=area]")).to_contain_text("1,000–5,000 平方米")
    expect(card.locator("[data-field=region]")).to_have_text("锦江区")
    shot(page, "demand_list")

    card.get_by_role("link", name="求购锦江区商服用地").click()
    detail = page.locator("#demand-detail")
    expect(detail.locator("h1")).to_have_text("求购锦江区商服用地")
    expect(detail.locator("dd[data-field=land_use]")).to_have_text("零售商业用地 (0501)")
    expect(detail.locator("dd[data-field=years]")).to_contain_text("40")
    expect(detail.locator("[data-field=description]")).to_have_text("临街，交通便利\n<b>近地铁</b>")
    expect(detail.locator("[data-field=description] b")).to_have_count(0)
    expect(detail.locator("dd[data-field=contact_phone]")).to_have_text("13800138000")


def test_the_owner_changes_a_registered_demand(browser: Browser, live_server, regions, pages):
    owner = user_create(real_name="王五")
    demand = registered_demand(owner, regions["510104"])
    page = signed_in(browser, live_server, owner)
    pages.append(page)

    page.goto(f"{live_server.url}/demand/{demand.pk}/edit/?change=1")
    form = page.locator("#demand-form")
    expect(form.locator("input[name=title]")).to_have_value(demand.title)
    expect(form.locator("select[data-level=county]")).to_have_value("510104")
    expect(form.locator("[data-action=save]")).to_be_hidden()
    form.locator("input[name=contact_name]").fill("李四")
    form.locator("[data-action=change]").click()

    expect(form.locator(".notice")).to_be_visible()
    demand.refresh_from_db()
    assert (demand.status, demand.contact_name) == (Demand.Status.REGISTERED, "李四")
    assert demand.title == "求购锦江区商服用地"


def test_a_seeker_keeps_a_demand_and_a_visitor_is_sent_to_sign_in(browser: Browser, live_server, regions, pages):
    demand = registered_demand(user_create(), regions["510107"], description="第一行\n第二行")
    seeker = user_create(real_name="赵六")
    page = signed_in(browser, live_server, seeker, width=375)
    pages.append(page)

    page.goto(f"{live_server.url}/demand/{demand.pk}/")
    button = page.locator("#favourite-button")
    expect(page.locator("#demand-detail h1")).to_have_text("求购武侯区商服用地")
    expect(page.locator("dd[data-field=price]")).to_have_text(re.compile(r"^500–900 "))
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("span[data-field=favourite_count]")).to_have_text("1")
    assert Favourite.objects.filter(user=seeker, target="demand", target_id=demand.pk).exists()
    shot(page, "demand_detail_phone")
    page.reload()
    expect(button).to_have_attribute("aria-pressed", "true")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(page.locator("span[data-field=favourite_count]")).to_have_text("0")
    assert not Favourite.objects.exists()

    visitor = browser.new_context(locale="zh-CN").new_page()
    pages.append(visitor)
    visitor.goto(f"{live_server.url}/demand/{demand.pk}/")
    expect(visitor.locator("#demand-detail h1")).to_have_text("求购武侯区商服用地")
    visitor.locator("#favourite-button").click()
    visitor.wait_for_url(re.compile(r"/login/\?next=%2Fdemand%2F\d+%2F$"))


# ------------------------------------------------------------------------------------- pre-announcements


@pytest.fixture
def grant(regions: dict[str, Region]) -> PrimaryGrant:
    """An idle grant (12.50 % invested) in 锦江区, bound to PHONE, as market/data/primary_grants.csv has it."""
    return PrimaryGrant.objects.create(
        contract_number=NUMBER,
        phone=PHONE,
        region=regions["510104"],
        address="锦江区东大街下东大街段88号",
        area_m2=Decimal("12850.50"),
        land_use="0501",
        use_years=40,
        supply_method="挂牌出让",
        industry="零售业",
        land_grade="三级",
        grantee="成都锦程商贸有限公司",
        grantee_id_type="营业执照",
        grantee_id_number="91510104MA6C1A2B4J",
        investment_ratio=Decimal("12.50"),
    )


def captcha_answer(page: Page, form: Any) -> str:
    """What a person reads off the captcha image: the answer the API keeps in the cache for the page's key."""
    key_input = form.locator("input[name=captcha_key]")
    expect(key_input).to_have_value(re.compile(r".+"))
    return str(cache.get(captcha_cache_key(key_input.input_value()))).lower()


def test_the_pre_announcement_flow_from_the_lookup_to_publication(
    browser: Browser, live_server, grant: PrimaryGrant, sms_inbox: FakeSmsProvider, pages
):
    owner = user_create(real_name="王五")
    page = signed_in(browser, live_server, owner)
    pages.append(page)
    page.goto(f"{live_server.url}/pre-announcements/new/")
    lookup = page.locator("#lookup-form")

    lookup.locator("input[name=contract_number]").fill(NUMBER)
    lookup.locator("input[name=phone]").fill(PHONE)
    first_key = lookup.locator("input[name=captcha_key]")
    expect(first_key).to_have_value(re.compile(r".+"))
    used = first_key.input_value()  # read before the click: the page replaces it right after the refusal
    lookup.locator("input[name=captcha_answer]").fill("wrong")
    lookup.locator("#sms-send").click()
    expect(lookup.locator("input[name=captcha_answer]")).to_have_attribute("aria-invalid", "true")
    assert sms_inbox.messages == []
    expect(first_key).not_to_have_value(used)  # a new captcha after each use
    lookup.locator("input[name=captcha_answer]").fill(captcha_answer(page, lookup))
    lookup.locator("#sms-send").click()
    expect(lookup.locator(".notice")).to_be_visible()
    expect(lookup.locator("#sms-send")).to_be_disabled()  # the resend countdown
    lookup.locator("input[name=sms_code]").fill(sms_inbox.last_code(PHONE))
    choose_region(lookup, "510000", "510100")
    shot(page, "pre_announcement_lookup")
    lookup.get_by_role("button", name=re.compile("Look up now|立即查询")).click()

    form = page.locator("#announcement-form")
    expect(form).to_be_visible()
    expect(lookup).to_be_hidden()
    expect(form.locator("[data-grant=contract_number]")).to_have_value(NUMBER)
    expect(form.locator("[data-grant=region]")).to_have_value("四川省 成都市 锦江区")
    expect(form.locator("[data-grant=address]")).to_have_value("锦江区东大街下东大街段88号")
    expect(form.locator("[data-grant=area_m2]")).to_have_value("12,850.5 平方米")
    expect(form.locator("[data-grant=land_use]")).to_have_value("零售商业用地 (0501)")
    expect(form.locator("[data-grant=transferor]")).to_have_value("成都锦程商贸有限公司")
    expect(form.locator("[data-grant=id_number]")).to_have_value("91510104MA6C1A2B4J")
    expect(form.locator("[data-grant=transferor]")).to_have_attribute("readonly", "")

    form.locator("input[name=title]").fill("锦江区商业用地转让预告")
    form.locator("input[name=contact_phone]").fill("028-86001234")
    form.locator("[data-action=save]").click()
    page.wait_for_url(re.compile(r"/pre-announcements/\d+/edit/$"))
    item = PreAnnouncement.objects.get()
    assert (item.status, item.owner, item.title) == (PreAnnouncement.Status.DRAFT, owner, "锦江区商业用地转让预告")

    form.locator("[data-action=preview]").click()
    preview = page.locator("#preview-panel")
    expect(preview).to_be_visible()
    expect(preview.locator("h3[data-field=title]")).to_have_text("锦江区商业用地转让预告")
    expect(preview.locator("dd[data-field=id_number]")).to_have_text("91**************4J")
    expect(preview.locator("dd[data-field=contact_phone]")).to_have_text("028-86001234")
    shot(page, "pre_announcement_preview")

    form.locator("[data-action=publish]").click()
    page.wait_for_url(f"{live_server.url}/pre-announcements/{item.pk}/")
    item.refresh_from_db()
    assert item.status == PreAnnouncement.Status.PUBLISHED
    expect(page.locator("#pre-announcement-detail h1")).to_have_text("锦江区商业用地转让预告")
    expect(page.locator("#pre-announcement-detail dd[data-field=supply_method]")).to_have_text("挂牌出让")

    page.goto(f"{live_server.url}/pre-announcements/")
    card = page.locator(f"#pre-announcement-results article[data-id='{item.pk}']")
    expect(card.get_by_role("link", name="锦江区商业用地转让预告")).to_be_visible()
    expect(card.locator("[data-field=contract]")).to_contain_text(NUMBER)
    shot(page, "pre_announcement_list")


def test_a_draft_is_edited_and_only_published_ones_are_listed(
    browser: Browser, live_server, grant: PrimaryGrant, pages
):
    owner = user_create(real_name="王五")
    common = {
        "owner": owner,
        "contract_number": NUMBER,
        "region": grant.region,
        "address": grant.address,
        "area_m2": grant.area_m2,
        "land_use": grant.land_use,
        "use_years": grant.use_years,
        "supply_method": grant.supply_method,
        "transferor": grant.grantee,
        "contact_phone": "028-86001234",
        "id_type": grant.grantee_id_type,
        "id_number": grant.grantee_id_number,
    }
    draft = PreAnnouncement.objects.create(title="<i>草稿预告</i>", **common)
    page = signed_in(browser, live_server, owner, width=375)
    pages.append(page)

    page.goto(f"{live_server.url}/pre-announcements/{draft.pk}/edit/")
    form = page.locator("#announcement-form")
    expect(page.locator("#lookup-form")).to_be_hidden()
    expect(form.locator("input[name=title]")).to_have_value("<i>草稿预告</i>")
    expect(form.locator("[data-grant=region]")).to_have_value("四川省 成都市 锦江区")
    form.locator("input[name=title]").fill("改过的预告")
    form.locator("[data-action=save]").click()
    expect(form.locator(".notice")).to_be_visible()
    shot(page, "pre_announcement_edit_phone")
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("改过的预告", PreAnnouncement.Status.DRAFT)

    page.goto(f"{live_server.url}/pre-announcements/")
    expect(page.locator("#pre-announcement-results")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#pre-announcement-results article")).to_have_count(0)
    page.goto(f"{live_server.url}/pre-announcements/{draft.pk}/")  # its owner sees it, marked as not public
    expect(page.locator("#owner-status")).to_be_visible()
    expect(page.locator("#pre-announcement-detail h1")).to_have_text("改过的预告")


# ------------------------------------------------------------------------------------------- statistics


def test_the_statistics_show_the_listings_made_here(browser: Browser, live_server, regions, pages):
    owner = user_create()
    supply_create(owner=owner, region=regions["510104"], area_m2=Decimal("5000.00"), price_wan=Decimal("1200"))
    supply_create(owner=owner, region=regions["510104"], area_m2=Decimal("1234.56"), price_wan=None)  # 面议
    supply_create(
        owner=owner,
        region=regions["510107"],
        mode=SupplyListing.Mode.LEASE,
        land_use="0604",
        area_m2=Decimal("10000.00"),
        price_wan=Decimal("95.5"),
    )
    supply_create(owner=owner, region=regions["510104"], status=SupplyListing.Status.DRAFT, area_m2=Decimal("99999"))
    registered_demand(owner, regions["510104"])
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    pages.append(page)

    page.goto(f"{live_server.url}/statistics/")
    filters = page.locator("#statistics-filters")
    choose_region(filters, "510000", "510100")
    filters.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"\?region=510100$"))

    table = page.locator("#statistics-table")
    jinjiang = table.locator("tbody tr[data-key='510104']")
    expect(jinjiang.locator("th")).to_have_text("锦江区")
    expect(jinjiang.locator("td[data-field=listing_count]")).to_have_text("2")
    expect(jinjiang.locator("td[data-field=area_m2]")).to_have_text("6,234.56")
    expect(jinjiang.locator("td[data-field=priced_count]")).to_have_text("1")
    expect(jinjiang.locator("td[data-field=price_wan]")).to_have_text("1,200")
    expect(jinjiang.locator("td[data-field=unit_price_yuan_m2]")).to_have_text("2,400")
    expect(jinjiang.locator("td[data-field=demand_count]")).to_have_text("1")
    wuhou = table.locator("tbody tr[data-key='510107']")
    expect(wuhou.locator("td[data-field=unit_price_yuan_m2]")).to_have_text("95.5")
    total = table.locator("tfoot tr")
    expect(total.locator("td[data-field=listing_count]")).to_have_text("3")
    expect(total.locator("td[data-field=area_m2]")).to_have_text("16,234.56")
    expect(total.locator("td[data-field=price_wan]")).to_have_text("1,295.5")

    chart = page.locator("#chart-area svg")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("g.bar-row")).to_have_count(2)
    expect(chart.locator("g.bar-row[data-key='510104']")).to_have_attribute("aria-label", "锦江区: 2")
    expect(chart.locator("desc")).to_contain_text("武侯区: 1")
    filters.locator("input[name=metric][value=area]").check()
    expect(chart.locator("g.bar-row[data-key='510107']")).to_have_attribute("aria-label", "武侯区: 10,000")
    wide = float(chart.locator("g.bar-row[data-key='510107'] rect").get_attribute("width") or 0)
    narrow = float(chart.locator("g.bar-row[data-key='510104'] rect").get_attribute("width") or 0)
    assert wide > narrow > 0
    shot(page, "statistics_by_region")

    region_heading = table.locator("#group-heading").inner_text()
    filters.locator("select[name=group_by]").select_option("land_use")
    filters.locator("select[name=mode]").select_option("lease")
    filters.locator("button[type=submit]").click()
    expect(table.locator("#group-heading")).not_to_have_text(region_heading)
    expect(table.locator("tbody tr[data-key='06'] td[data-field=listing_count]")).to_have_text("1")
    expect(table.locator("tfoot td[data-field=listing_count]")).to_have_text("1")
    expect(table.locator("tfoot td[data-field=demand_count]")).to_have_text("0")

    page.set_viewport_size({"width": 375, "height": 800})
    filters.locator("input[name=from]").fill("2020-05")
    filters.locator("input[name=to]").fill("2020-01")
    filters.locator("button[type=submit]").click()
    expect(filters.locator(".form-error")).to_be_visible()
    shot(page, "statistics_phone_error")


# --------------------------------------------------------------------------------------------- policies


def test_a_policy_is_listed_filtered_and_its_text_shown_as_text(
    browser: Browser, live_server, settings, tmp_path, pages
):
    settings.MEDIA_ROOT = tmp_path
    staff = user_create(role=User.Role.CENTRE_STAFF)
    now = timezone.now()
    body = "第一条 为完善土地二级市场……\n<script>window.pwned = true</script>\n  第二条 本办法自发布之日起施行。"
    law = PolicyDocument.objects.create(
        title="<b>土地二级市场交易规则</b>",
        category="law",
        issuer="自然资源部",
        document_number="自然资规〔2020〕1号",
        body=body,
        published_at=now,
        created_by=staff,
    )
    law.attachment.save("rules.pdf", ContentFile(PDF))
    PolicyDocument.objects.create(
        title="成都市地方政策", category="local", body="地方", published_at=now - timedelta(days=1), created_by=staff
    )
    PolicyDocument.objects.create(title="未发布的文件", category="law", body="草稿", created_by=staff)
    page = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800}).new_page()
    pages.append(page)

    page.goto(f"{live_server.url}/policies/")
    results = page.locator("#policy-results")
    expect(results.locator("li")).to_have_count(2)
    expect(results.locator(f"li[data-id='{law.pk}'] h3")).to_have_text("<b>土地二级市场交易规则</b>")
    page.locator("select[name=category]").select_option("local")
    expect(results.locator("li")).to_have_count(1)
    expect(results.locator("li h3")).to_have_text("成都市地方政策")
    page.locator("select[name=category]").select_option("")
    page.locator("input[name=q]").fill("交易规则")
    page.locator("#policy-filters button[type=submit]").click()
    expect(results.locator("li")).to_have_count(1)
    shot(page, "policy_list_phone")

    results.get_by_role("link", name="<b>土地二级市场交易规则</b>").click()
    detail = page.locator("#policy-detail")
    expect(detail.locator("h1")).to_have_text("<b>土地二级市场交易规则</b>")
    text = detail.locator("[data-field=body]")
    expect(text).to_have_text(body)
    expect(text.locator("script")).to_have_count(0)
    expect(text).to_have_css("white-space", "pre-wrap")
    assert page.evaluate("window.pwned") is None
    expect(detail.locator("[data-field=document_number]")).to_have_text("自然资规〔2020〕1号")
    link = page.locator("#policy-attachment a")
    expect(link).to_have_attribute("href", f"/api/market/policies/{law.pk}/attachment/")
    shot(page, "policy_detail_phone")
