"""Every page of the site under its Content-Security-Policy in the real Chromium: the header is sent and nothing the
page does (scripts, MapLibre's workers and tiles, styles, images, the API docs) is refused by it."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Browser, BrowserContext, Page

from accounts.models import User
from accounts.tests.factories import user_create
from geo.tests.factories import chengdu_tree, parcel_create, square_in
from market.tests.factories import supply_create
from tests.browser.conftest import close_settled, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 20_000
# Collects the policy's refusals in the page, from before its first script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture(autouse=True)
def database_search() -> Iterator[None]:
    """Lists come from the database engine (this test's rows), not from a shared Elasticsearch index."""
    with override_settings(ELASTICSEARCH_URL=""):
        yield


@pytest.fixture
def listing_id() -> int:
    tree = chengdu_tree()
    parcel_create(code="510104001001GB00001", geometry=square_in("510104", 0.004), region=tree["jinjiang"])
    return supply_create(owner=user_create(), region=tree["jinjiang"]).pk


def context_for(browser: Browser, live_server: Any, user: User | None) -> BrowserContext:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.add_init_script(RECORD_VIOLATIONS)
    if user is not None:
        sign_in(context, user, live_server.url)
    return context


def refusals_on(page: Page, url: str, ready: str | None = None) -> list[str]:
    """Open `url` (and wait for `ready`, a JavaScript condition); the policy's refusals, or the missing header."""
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    response = page.goto(url)
    assert response is not None, url
    assert response.ok, url
    if ready:
        page.wait_for_function(ready, timeout=WAIT_MS)
    page.wait_for_load_state("networkidle")
    refused = [f"{url}: {v}" for v in page.evaluate("window.__cspViolations")]
    refused += [f"{url}: console: {text}" for text in console if "Content Security Policy" in text]
    if "default-src 'self'" not in (response.headers.get("content-security-policy") or ""):
        refused.append(f"{url}: no Content-Security-Policy header")
    return refused


def test_public_pages_and_the_map_with_its_tiles_keep_to_the_policy(browser: Browser, live_server, listing_id):
    context = context_for(browser, live_server, None)
    page = context.new_page()
    base = live_server.url
    map_ready = "() => window.landMap && window.landMap.isStyleLoaded() && window.landMap.areTilesLoaded()"

    refused = [
        *refusals_on(page, f"{base}/", "() => document.getElementById('newest-supply') !== null"),
        *refusals_on(page, f"{base}/map/?view=104.10,30.60,13", map_ready),
        *refusals_on(page, f"{base}/search/"),
        *refusals_on(page, f"{base}/supply/"),
        *refusals_on(page, f"{base}/supply/{listing_id}/"),
        *refusals_on(page, f"{base}/parcels/510104001001GB00001/", "() => window.landDetailMap !== undefined"),
        *refusals_on(page, f"{base}/demand/"),
        *refusals_on(page, f"{base}/pre-announcements/"),
        *refusals_on(page, f"{base}/statistics/"),
        *refusals_on(page, f"{base}/policies/"),
        *refusals_on(page, f"{base}/login/"),
        *refusals_on(page, f"{base}/register/"),
        *refusals_on(page, f"{base}/api/schema/swagger-ui/", "() => document.querySelector('.swagger-ui .info')"),
    ]
    close_settled(context)

    assert refused == [], "\n".join(refused)


def test_signed_in_pages_keep_to_the_policy(browser: Browser, live_server, listing_id):
    base = live_server.url
    visits = [
        (user_create(), f"{base}/me/"),
        (user_create(role=User.Role.REVIEWER, regions=["510000"]), f"{base}/review/"),
        (user_create(role=User.Role.GIS_STAFF, regions=["510000"]), f"{base}/geo/imports/"),
        (user_create(role=User.Role.SUPERVISOR, regions=["510000"]), f"{base}/status/"),
    ]
    status = "document.getElementById('status-summary')"
    status_read = f"() => !{status} || {status}.dataset.status !== 'loading'"  # /status/ has read /health/details
    refused: list[str] = []
    for user, url in visits:
        context = context_for(browser, live_server, user)
        refused += refusals_on(context.new_page(), url, status_read)
        close_settled(context)

    assert refused == [], "\n".join(refused)
