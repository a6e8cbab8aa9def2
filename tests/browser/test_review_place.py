"""The review console in the real Chromium with WebGL: a reviewer sees where a listing lies (the small map with its
outline), its parcel against the declared certificate data with the differences marked, and the overlapping
listings; trading-centre staff see an applicant's ID card images inline."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import RealNameVerification, User, VerificationDocumentView
from accounts.tests.factories import reviewer_create, user_create
from core.tests.samples import png_bytes
from geo.models import Region
from geo.tests.factories import parcel_create, sichuan_tree, square
from market.models import SupplyListing
from market.tests.factories import supply_create
from tests.browser.conftest import ARTIFACTS, close_settled, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 20_000
SIDE = 0.002  # degrees: about 190 m × 220 m
MAP_READY = (
    "() => { const map = window.reviewPlaceMap; return Boolean(map && map.isStyleLoaded() && map.getSource('place')"
    " && map.isSourceLoaded('place') && document.getElementById('review-place-map').dataset.state === 'ready'); }"
)
CANVAS_DRAWN = """() => {
  const canvas = document.querySelector('#review-place-map canvas.maplibregl-canvas');
  const features = window.reviewPlaceMap.querySourceFeatures('place').length;
  return { width: canvas.width, height: canvas.height, features };
}"""


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def open_as(browser: Browser, live_server) -> Iterator[Callable[[User], Page]]:
    contexts = []

    def open_page(user: User) -> Page:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
        sign_in(context, user, live_server.url)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        close_settled(context)


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def inside(region: Region) -> tuple[float, float]:
    """A point inside the region's stored boundary, whatever outline the fixtures give it."""
    point = region.boundary.point_on_surface  # type: ignore[union-attr]
    return point.x, point.y


def test_a_reviewer_sees_the_place_on_the_map_the_parcel_against_the_certificate_and_the_overlaps(open_as, live_server):
    jinjiang = sichuan_tree(("510000", "510100", "510104"))["510104"]
    lon, lat = inside(jinjiang)
    parcel = parcel_create(
        code="510104001001GB07002",
        geometry=square(lon, lat, SIDE),
        region=jinjiang,
        land_use="0501",
        certificate_number="川(2020)成都市不动产权第0099999号",
        registration_authority="锦江区不动产登记中心",
    )
    owner = user_create()
    listing = supply_create(
        owner=owner,
        region=jinjiang,
        status=SupplyListing.Status.IN_REVIEW,
        submitted_at=timezone.now(),
        parcel=parcel,
        location=parcel.centroid,
        registration_authority="锦江区不动产登记中心",
        title="锦江待审商服用地",
    )
    other = supply_create(
        owner=user_create(), region=jinjiang, outline=square(lon + SIDE / 2, lat, SIDE), title="锦江相邻地块转让"
    )
    page = open_as(reviewer_create(regions=["510100"]))

    page.goto(live_server.url + "/review/")
    page.locator(f'#queue tbody tr[data-id="{listing.pk}"]').get_by_role("button").click()

    place = page.locator("#review-place")
    expect(place).to_have_attribute("data-state", "loaded")
    page.wait_for_function(MAP_READY, timeout=WAIT_MS)
    drawn = page.evaluate(CANVAS_DRAWN)
    assert drawn["width"] > 0
    assert drawn["height"] > 0
    assert drawn["features"] >= 1
    parcel_cell = page.locator('#detail-fields [data-field="parcel_id"] dd a')
    expect(parcel_cell).to_have_text(parcel.code)
    expect(parcel_cell).to_have_attribute("href", f"/parcels/{parcel.code}/")
    assert page.locator("#review-place-link").get_attribute("href").startswith("/map/?view=")
    differs = page.locator('#place-compare tr[data-field="certificate_number"]')
    expect(differs).to_have_attribute("data-differs", "true")
    expect(differs).to_contain_text("川(2020)成都市不动产权第0099999号")
    expect(page.locator('#place-compare tr[data-field="registration_authority"]')).to_have_attribute(
        "data-differs", "false"
    )
    overlap = page.locator(f'#place-overlaps tr[data-id="{other.pk}"]')
    expect(overlap).to_contain_text("锦江相邻地块转让")
    expect(overlap.locator("a")).to_have_attribute("href", f"/supply/{other.pk}/")
    expect(overlap.locator("td.overlap-area")).to_contain_text("平方米")
    place.scroll_into_view_if_needed()
    shot(page, "review-place")


def test_a_listing_without_a_parcel_says_so(open_as, live_server):
    jinjiang = sichuan_tree(("510000", "510100", "510104"))["510104"]
    lon, lat = inside(jinjiang)
    listing = supply_create(
        owner=user_create(),
        region=jinjiang,
        status=SupplyListing.Status.IN_REVIEW,
        submitted_at=timezone.now(),
        outline=square(lon, lat, SIDE),
    )
    page = open_as(reviewer_create(regions=["510104"]))

    page.goto(live_server.url + "/review/")
    page.locator(f'#queue tbody tr[data-id="{listing.pk}"]').get_by_role("button").click()

    expect(page.locator("#review-place")).to_have_attribute("data-state", "loaded")
    expect(page.locator('#detail-fields [data-field="parcel_id"] dd')).to_have_text(
        "未关联宗地：业主自行勾绘了范围或只给出了位置点。"
    )
    expect(page.locator("#place-compare")).to_be_hidden()
    expect(page.locator("#place-no-overlaps")).to_be_visible()
    page.wait_for_function(MAP_READY, timeout=WAIT_MS)


def test_verification_staff_see_the_id_card_images_inline_and_each_view_is_recorded(open_as, live_server):
    applicant = user_create(verified=False)
    front, back = png_bytes((240, 152), (30, 90, 160)), png_bytes((240, 152), (160, 60, 30))
    application = RealNameVerification.objects.create(
        user=applicant,
        kind=User.Kind.INDIVIDUAL,
        name="赵六",
        id_number="510104199003071237",
        id_front=ContentFile(front, name="front.png"),
        id_back=ContentFile(back, name="back.png"),
    )
    staff = user_create(role=User.Role.CENTRE_STAFF, regions=["510000"])
    page = open_as(staff)

    page.goto(live_server.url + "/review/?tab=verifications")

    row = page.locator(f'#verifications tr[data-id="{application.pk}"]')
    images = row.locator("figure.id-card img")
    expect(images).to_have_count(2)
    for index in range(2):
        image = images.nth(index)
        expect(image).to_be_visible()
        image.evaluate("(img) => img.complete ? null : new Promise((done) => img.addEventListener('load', done))")
        assert image.evaluate("(img) => img.naturalWidth") == 240
    expect(row.locator('figure[data-side="id_front"] img')).to_have_attribute(
        "src", f"/api/auth/verifications/{application.pk}/id-card/front/"
    )
    shot(page, "review-verification-id-card")
    views = VerificationDocumentView.objects.filter(verification_id=application.pk, viewer=staff)
    assert sorted(views.values_list("document", flat=True)) == ["id_back", "id_front"]
