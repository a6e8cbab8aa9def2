"""The public supply pages render: the list and a listing for anyone, the comparison for signed-in users only.
Their data comes from the API in the page's script, so no listing's text is in the HTML."""

import json
import re

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create
from geo.models import Region
from geo.tests.factories import region_create
from market.models import SupplyListing
from market.tests.factories import supply_create

pytestmark = pytest.mark.django_db
XSS_TITLE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def county() -> Region:
    sichuan = region_create(code="510000", name="四川省")
    chengdu = region_create(code="510100", name="成都市", parent=sichuan)
    return region_create(code="510104", name="锦江区", parent=chengdu)


@pytest.fixture
def listing(county: Region) -> SupplyListing:
    return supply_create(owner=user_create(), region=county, status=SupplyListing.Status.CERTIFIED, title=XSS_TITLE)


def _i18n(html: str, name: str) -> str:
    """The page's strings object for its script."""
    match = re.search(rf"window\.{name} = (\{{.*?\}});</script>", html, re.S)
    assert match, name
    return match.group(1)


def test_the_list_renders_for_anyone_with_its_filters(client: Client):
    response = client.get("/supply/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="supply-filters"' in html
    assert '<input type="hidden" name="region">' in html
    assert '<input type="hidden" name="land_use">' in html
    assert '<option value="transfer">' in html
    assert '<option value="lease">' in html
    assert 'name="certified"' in html
    assert "web/supply_list.js" in html
    assert "web/selectors.js" in html
    assert "web/supply_pages.css" in html
    assert 'id="land-uses"' in html
    assert "Locally certified" in _i18n(html, "SUPPLY_LIST_I18N")


def test_the_list_keeps_the_listings_out_of_the_html(client: Client, listing):
    html = client.get("/supply/?region=510104&mode=transfer&certified=true").content.decode()

    assert XSS_TITLE not in html
    assert "onerror" not in html


def test_a_listing_page_renders_for_anyone_with_its_id(client: Client, listing):
    response = client.get(f"/supply/{listing.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-listing-id="{listing.pk}"' in html
    for part in ("quote-form", "appointment-form", "favourite-button", "compare-button", "quote-record", "owner-note"):
        assert f'id="{part}"' in html, part
    assert 'name="amount_wan"' in html
    assert 'name="visit_at" type="datetime-local"' in html
    assert "<video" not in html  # videos are made from the API's data
    assert XSS_TITLE not in html
    assert "web/supply_detail.js" in html
    strings = _i18n(html, "SUPPLY_DETAIL_I18N")
    assert "state-owned construction land use right" in strings
    assert "&#x27;" not in strings  # the strings stay plain text in the script
    assert "&quot;" not in strings


def test_a_listing_page_signed_in_renders_the_same(client: Client, listing):
    client.force_login(user_create())

    response = client.get(f"/supply/{listing.pk}/")

    assert response.status_code == 200
    assert f'data-listing-id="{listing.pk}"' in response.content.decode()


def test_a_listing_that_does_not_exist_answers_404(client: Client):
    response = client.get("/supply/999999/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "No such listing." in response.content.decode()


def test_the_comparison_sends_visitors_to_sign_in(client: Client):
    response = client.get("/compare/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/compare/"


@pytest.mark.parametrize("verified", [True, False])
def test_the_comparison_renders_for_a_signed_in_user(client: Client, verified: bool):
    user: User = user_create(verified=verified)
    client.force_login(user)

    response = client.get("/compare/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="compare-table"' in html
    rows = re.findall(r'<tr data-row="([a-z_]+)">', html)
    assert rows == [
        "mode",
        "price",
        "area",
        "land_use",
        "floor_area_ratio",
        "years",
        "unit_price",
        "quote_max",
        "quote_min",
        "heat",
        "certification",
        "region",
    ]
    assert 'href="/supply/"' in html
    assert "No quotes yet" in _i18n(html, "COMPARISON_I18N")


def test_the_pages_speak_chinese_by_default(client: Client):
    html = client.get("/supply/").content.decode()

    assert '<html lang="zh-hans">' in html


def test_the_list_carries_the_land_use_table(client: Client):
    html = client.get("/supply/").content.decode()
    match = re.search(r'<script id="land-uses" type="application/json">(.*?)</script>', html, re.S)

    assert match
    table = json.loads(match.group(1))
    assert {"code": "05", "name": "商服用地", "parent": None} in table
    assert {"code": "0501", "name": "零售商业用地", "parent": "05"} in table
