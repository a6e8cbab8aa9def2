"""The supply form's map picker in Chromium with WebGL: a click on a parcel offers it, "use this parcel" fills the form
from its public attributes and draws its outline; drawing an outline shows its area live, measured on the ellipsoid."""

from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from accounts.tests.factories import user_create
from geo.models import Region
from geo.tests.factories import parcel_create, point_in, sichuan_tree, square_in
from market.models import SupplyListing
from tests.browser.conftest import ARTIFACTS, close_settled, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 20_000
MAP_READY = (
    "() => window.landPickerMap && window.landPickerMap.isStyleLoaded()"
    " && document.getElementById('picker-map').dataset.state === 'ready'"
)


@pytest.fixture
def regions() -> dict[str, Region]:
    return sichuan_tree(("510000", "510100", "510104"))


@pytest.fixture
def parcel(regions):
    """A 0.004° (about 400 m) square parcel well inside real 锦江区, with its public attributes."""
    return parcel_create(
        code="510104001001GB00077",
        geometry=square_in("510104", 0.004),
        region=regions["510104"],
        address="锦江区东大街100号",
        land_use="0501",
        land_nature="state_owned",
        use_right_type="granted",
        boundary_east="东大街",
        boundary_west="红星路",
        boundary_south="滨江路",
        boundary_north="春熙路",
        floor_area_ratio=Decimal("2.50"),
        green_ratio=Decimal("30.00"),
    )


@pytest.fixture
def owner_page(browser: Browser, live_server, regions) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    sign_in(context, user_create(real_name="王五"), live_server.url)
    page = context.new_page()
    yield page
    close_settled(context)


def open_form_at(page: Page, live_server, lon: float, lat: float, zoom: float = 16) -> None:
    """The new-listing form with its map moved to (lon, lat), as the owner would pan and zoom there."""
    page.goto(f"{live_server.url}/supply/new/?mode=transfer")
    page.wait_for_function(MAP_READY, timeout=WAIT_MS)
    page.evaluate(f"() => window.landPickerMap.jumpTo({{ center: [{lon}, {lat}], zoom: {zoom} }})")


def click_at(page: Page, lon: float, lat: float) -> None:
    """A click on the map where (lon, lat) is drawn."""
    page.locator("#picker-map").scroll_into_view_if_needed()
    point = page.evaluate(f"() => window.landPickerMap.project([{lon}, {lat}])")
    box = page.locator("#picker-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_a_parcel_clicked_on_the_map_fills_the_form_and_shows_its_outline(owner_page: Page, live_server, parcel):
    page = owner_page
    lon, lat = point_in("510104")
    open_form_at(page, live_server, lon, lat)
    form = page.locator("#supply-form")

    click_at(page, lon, lat)
    expect(page.locator("#picker-parcel")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator('#picker-parcel [data-parcel="code"]')).to_have_text(parcel.code)
    page.locator('[data-picker="use-parcel"]').click()

    expect(form.locator("input[name=address]")).to_have_value("锦江区东大街100号")
    expect(form.locator("select[data-level=minor]")).to_have_value("0501")
    expect(form.locator("input[name=area_m2]")).to_have_value(str(parcel.area_m2))
    expect(form.locator("input[name=boundary_east]")).to_have_value("东大街")
    expect(form.locator("input[name=floor_area_ratio]")).to_have_value("2.50")
    expect(form.locator("input[name=land_nature][value=state_owned]")).to_be_checked()
    expect(form.locator("input[name=use_right_type][value=granted]")).to_be_checked()
    expect(form.locator("select[data-level=county]")).to_have_value("510104", timeout=WAIT_MS)
    expect(form.locator("select[name=institution]")).to_have_value("锦江区自然资源主管部门", timeout=WAIT_MS)
    page.wait_for_function(
        "() => window.landPickerMap.loaded()"
        " && window.landPickerMap.queryRenderedFeatures({ layers: ['place-fill'] }).length > 0",
        timeout=WAIT_MS,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#supply-picker").screenshot(path=str(ARTIFACTS / "supply_form_parcel_picked.png"))
    page.screenshot(path=str(ARTIFACTS / "supply_form_filled_from_parcel.png"), full_page=True)

    # Saved with the step: the listing stands on the parcel, in its county.
    form.locator("input[name=with_buildings][value=false]").check()
    form.locator("input[name=land_type][value=enterprise]").check()
    form.locator("input[name=right_end_date]").fill("2056-06-30")
    form.locator("input[name=certificate_type][value=real_estate]").check()
    form.locator("input[name=certificate_number]").fill("川(2020)成都市不动产权第0012345号")
    form.locator("input[name=registration_authority]").fill("成都市不动产登记中心")
    form.locator("[data-action=next]").click()
    expect(form.locator("section[data-step='2']")).to_be_visible(timeout=WAIT_MS)
    listing = SupplyListing.objects.get()
    assert (listing.parcel_id, listing.region_id) == (parcel.pk, "510104")
    assert listing.institution == "锦江区自然资源主管部门"
    # Step 2: the applicant as verified, read-only.
    expect(form.locator("input[name=owner_name]")).to_have_value("王五")
    expect(form.locator("input[name=owner_name]")).not_to_be_editable()
    expect(page.locator("#identity-source")).to_be_visible()


def test_drawing_an_outline_shows_its_area_live_and_the_server_stores_its_own(owner_page: Page, live_server):
    page = owner_page
    lon, lat = point_in("510104")
    open_form_at(page, live_server, lon, lat)
    area = page.locator("#picker-area")

    page.locator('[data-picker="draw"]').click()
    expect(page.locator('[data-picker="draw"]')).to_have_attribute("aria-pressed", "true")
    corners = [(lon - 0.001, lat - 0.001), (lon + 0.001, lat - 0.001), (lon + 0.001, lat + 0.001)]
    for corner in corners:
        click_at(page, *corner)
    expect(area).to_contain_text("平方米", timeout=WAIT_MS)  # while drawing, before the ring is closed
    expect(area).to_contain_text("亩")
    page.screenshot(path=str(ARTIFACTS / "supply_form_drawing.png"))
    click_at(page, *corners[0])  # closing the ring on its first corner

    expect(area).to_contain_text("椭球", timeout=WAIT_MS)
    drawn = page.locator("#supply-form input[name=area_m2]").input_value()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#supply-picker").screenshot(path=str(ARTIFACTS / "supply_form_outline_drawn.png"))
    # A right triangle of 0.002° legs near 30.6° N: about 0.002 × 111 km × 0.002 × 95.8 km / 2 ≈ 21,300 m².
    assert 20_000 < float(drawn) < 23_000
    page.locator("#supply-form [data-action=save]").click()
    expect(page.locator("#supply-form .notice")).to_be_visible(timeout=WAIT_MS)
    listing = SupplyListing.objects.get()
    assert listing.outline is not None
    assert listing.region_id == "510104"
    assert float(listing.area_m2 or 0) == pytest.approx(float(drawn), abs=1)  # the server's own figure agrees


def test_an_unverified_user_is_told_before_step_one(browser: Browser, live_server, regions):
    context = browser.new_context(locale="zh-CN")
    sign_in(context, user_create(verified=False), live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/supply/new/?mode=transfer")

    notice = page.locator("#verification-needed")
    expect(notice).to_be_visible()
    expect(notice.locator("a")).to_have_attribute("href", "/me/?section=settings#verification")
    close_settled(context)


def settled(page: Page) -> None:
    page.wait_for_function("() => !window.landPickerMap.isMoving()", timeout=WAIT_MS)


def test_the_keyboard_places_the_land_and_draws_an_outline_at_the_cross(owner_page: Page, live_server):
    page = owner_page
    lon, lat = point_in("510104")
    open_form_at(page, live_server, lon, lat, zoom=17)
    form = page.locator("#supply-form")
    the_map = page.locator("#picker-map canvas")  # MapLibre's canvas takes the keys

    the_map.focus()
    page.keyboard.press("Enter")
    expect(form.locator("input[name=lon]")).to_have_value(str(round(lon, 7)))
    expect(form.locator("select[data-level=county]")).to_have_value("510104", timeout=WAIT_MS)

    page.locator('[data-picker="draw"]').press("Enter")
    the_map.focus()
    for key in ("Enter", "ArrowRight", "Enter", "ArrowUp", "Enter"):
        page.keyboard.press(key)
        settled(page)
    page.locator('[data-picker="finish"]').press("Enter")

    expect(page.locator("#picker-area")).to_contain_text("椭球面积", timeout=WAIT_MS)
    assert float(form.locator("input[name=area_m2]").input_value()) > 0


def test_on_a_phone_a_tap_on_the_parcel_offers_it(browser: Browser, live_server, parcel):
    phone = ViewportSize(width=390, height=844)
    context = browser.new_context(locale="zh-CN", viewport=phone, has_touch=True, is_mobile=True)
    sign_in(context, user_create(real_name="王五"), live_server.url)
    page = context.new_page()
    lon, lat = point_in("510104")
    open_form_at(page, live_server, lon, lat)

    page.locator("#picker-map").scroll_into_view_if_needed()
    point = page.evaluate(f"() => window.landPickerMap.project([{lon}, {lat}])")
    box = page.locator("#picker-map").bounding_box()
    assert box is not None
    page.touchscreen.tap(box["x"] + point["x"], box["y"] + point["y"])

    expect(page.locator("#picker-parcel")).to_be_visible(timeout=WAIT_MS)
    page.locator('[data-picker="use-parcel"]').tap()
    expect(page.locator("#supply-form input[name=address]")).to_have_value("锦江区东大街100号")
    page.locator("#supply-picker").screenshot(path=str(ARTIFACTS / "supply_form_phone.png"))
    close_settled(context)
