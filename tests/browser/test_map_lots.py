"""Lots on the map page in the real Chromium: an announced lot drawn from the `lots` tiles and coloured by phase, a
registered one never; a click opens the drawer with its number, phase, start price and links to its page and its
announcement; the list's 交易标的 tab lists it and opens the same drawer."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Announcement, Lot
from auctions.services.announcements import announcement_draft, announcement_publish
from auctions.services.lots import Grant, lot_register_submitted, lot_submit_by_grantor
from auctions.tests.factories import centre_create, centre_staff_create, listing_terms
from geo.tests.factories import chengdu_tree, point_in
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 20_000
PLACE = point_in("510104")  # in real 锦江区, 1.7 km from its edge
REGISTERED_PLACE = point_in("510104", (0.004, 0.0))


def _lot(centre: Any, staff: User, grantor: User, title: str, place: tuple[float, float], *, announce: bool) -> Lot:
    """A grantor's lot as the demo makes one: submitted, registered with its document, then announced (or not); its
    listing began an hour ago (挂牌期)."""
    grant = Grant(centre_id=centre.pk, region_code="510104", title=title, transfer="grant", location=place)
    start = timezone.now() - timedelta(days=10, hours=1)
    lot = lot_submit_by_grantor(user=grantor, grant=grant, terms=listing_terms(start=start))
    lot.documents.create(
        title="出让须知", file="n.pdf", original_name="n.pdf", content_type="application/pdf", size=1, sha256="0" * 64
    )
    lot = lot_register_submitted(user=staff, lot_id=lot.pk)
    if announce:
        draft = announcement_draft(user=staff, lot_id=lot.pk, title=f"{title}挂牌出让公告", body="演示公告正文")
        announcement_publish(user=staff, announcement_id=draft.pk)
    lot.refresh_from_db()
    return lot


@pytest.fixture
def lots(settings, tmp_path) -> dict[str, Lot]:
    settings.MEDIA_ROOT = str(tmp_path)
    tree = chengdu_tree()
    centre = centre_create(region=tree["chengdu"])
    staff = centre_staff_create(centre)
    grantor = user_create(role=User.Role.GRANTOR, regions=["510104"], real_name="成都市锦江区自然资源局")
    return {
        "announced": _lot(centre, staff, grantor, "锦江区JJ-2026-01地块", PLACE, announce=True),
        "registered": _lot(centre, staff, grantor, "锦江区JJ-2026-02地块", REGISTERED_PLACE, announce=False),
    }


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _pixel(page: Page, lon: float, lat: float) -> tuple[float, float]:
    return page.evaluate(
        """([lon, lat]) => { const p = window.landMap.project([lon, lat]);
        const r = window.landMap.getCanvas().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""",
        [lon, lat],
    )


def test_an_announced_lot_is_on_the_map_and_opens_its_summary_in_the_drawer(page: Page, live_server, lots):
    lot = lots["announced"]
    announcement = Announcement.objects.get(lot=lot, status=Announcement.Status.PUBLISHED)
    page.goto(f"{live_server.url}/map/?view={PLACE[0]},{PLACE[1]},14")
    drawn = """() => window.landMap.queryRenderedFeatures({ layers: ["lots-point"] })
        .map((f) => ({ id: f.id, phase: f.properties.phase, number: f.properties.number }))"""
    page.wait_for_function(
        f"() => window.landMap.isStyleLoaded() && window.landMap.areTilesLoaded() && ({drawn})().length > 0",
        timeout=WAIT_MS,
    )

    assert page.evaluate(drawn) == [{"id": lot.pk, "phase": "listing", "number": lot.number}]  # not the registered
    expect(page.locator("#map-legend li[data-phase=listing]")).to_have_count(1)
    page.mouse.click(*_pixel(page, *PLACE))

    drawer = page.locator("#map-drawer")
    expect(drawer).to_have_attribute("data-kind", "lot")
    expect(drawer).to_have_attribute("data-state", "facts", timeout=WAIT_MS)
    expect(page.locator("#drawer-title")).to_have_text(lot.title)
    expect(drawer.locator("dd[data-field=number]")).to_have_text(lot.number)
    expect(drawer.locator(".tag[data-field=phase]")).to_have_text("挂牌期")
    expect(drawer.locator("dd[data-field=start_price]")).to_contain_text("1,200")
    expect(drawer.locator("[data-action=lot-page]")).to_have_attribute("href", f"/lots/{lot.pk}/")
    expect(drawer.locator("[data-action=announcement]")).to_have_attribute("href", f"/notices/{announcement.pk}/")
    _shot(page, "test_map_lots_drawer")

    page.locator("#drawer-close").click()  # the drawer lies over the list
    page.locator(".map-list-tab[data-list=lots]").click()
    item = page.locator(f"#map-lots > li[data-id='{lot.pk}']")
    expect(page.locator("#map-lots > li")).to_have_count(1)
    expect(item.locator("[data-field=number]")).to_have_text(lot.number)
    expect(item).to_have_attribute("data-phase", "listing")
    _shot(page, "test_map_lots_list")
    item.locator(".result-title a").click()  # from the list, the drawer again
    expect(drawer).to_have_attribute("data-state", "facts", timeout=WAIT_MS)
    expect(drawer.locator("dd[data-field=number]")).to_have_text(lot.number)

    drawer.locator("[data-action=lot-page]").click()
    expect(page).to_have_url(f"{live_server.url}/lots/{lot.pk}/")
    expect(page.get_by_text(lot.number).first).to_be_visible()
