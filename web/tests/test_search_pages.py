"""The search page and the home page's search box render every filter; the results come from the search API in the
page's script, so no listing's text is in the HTML."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client

from accounts.tests.factories import user_create
from geo.tests.factories import region_create
from market.models import SupplyListing
from market.tests.factories import supply_create
from web.views_search import home_search_context

pytestmark = pytest.mark.django_db
XSS = "<script>alert(1)</script>"


def _i18n(html: str) -> str:
    match = re.search(r"window\.SEARCH_I18N = (\{.*?\});</script>", html, re.S)
    assert match
    return match.group(1)


def test_the_search_page_offers_every_filter_and_sort(client: Client):
    response = client.get("/search/?kind=supply", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="search-form"' in html
    assert '<input type="radio" name="kind" value="supply" checked>' in html
    assert 'name="keywords"' in html
    assert 'aria-controls="search-suggestions"' in html
    assert 'maxlength="100"' in html
    assert '<input type="hidden" name="region">' in html
    assert '<input type="hidden" name="land_use">' in html
    assert '<select name="mode">' in html
    for name in ("area_min", "area_max", "price_min", "price_max", "unit_price_min", "unit_price_max"):
        assert f'name="{name}"' in html
    for preset in ("3d", "7d", "30d"):
        assert f'name="published" value="{preset}"' in html
    assert 'type="date" name="published_from"' in html
    assert 'type="date" name="published_to"' in html
    assert '<select name="certified">' in html
    for sort in ("newest", "price_asc", "price_desc", "unit_price_asc", "unit_price_desc", "area_asc", "area_desc"):
        assert f'<option value="{sort}">' in html
    for facet in ("region", "land_use", "mode", "price_band"):
        assert f'data-facet="{facet}"' in html
    assert 'id="search-more"' in html
    assert 'id="search-pager"' in html
    assert 'id="land-uses"' in html
    assert 'id="search-modes"' in html
    assert "web/search.js" in html
    assert "web/selectors.js" in html
    assert "web/search.css" in html
    assert "Locally certified" in _i18n(html)


def test_the_search_page_defaults_to_supply_and_keeps_demand(client: Client):
    demand = client.get("/search/?kind=demand").content.decode()
    unknown = client.get("/search/?kind=lots").content.decode()

    assert '<input type="radio" name="kind" value="demand" checked>' in demand
    assert 'data-kind="demand"' in demand
    assert '<input type="radio" name="kind" value="supply" checked>' in unknown


def test_the_search_page_keeps_listings_and_parameters_out_of_the_html(client: Client):
    sichuan = region_create(code="510000", name="四川省")
    county = region_create(
        code="510104", name="锦江区", parent=region_create(code="510100", name="成都市", parent=sichuan)
    )
    supply_create(owner=user_create(), region=county, status=SupplyListing.Status.CERTIFIED, title=f"锦江{XSS}")

    html = client.get("/search/", {"kind": "supply", "keywords": XSS, "region": "510104"}).content.decode()

    assert XSS not in html
    assert "锦江&lt;script" not in html


def test_the_home_search_box_opens_the_search_page_with_region_use_and_area():
    html = render_to_string("web/search/_home_box.html", home_search_context())

    assert 'id="home-search" action="/search/" method="get"' in html
    assert '<input type="radio" name="kind" value="supply" checked>' in html
    assert '<input type="radio" name="kind" value="demand">' in html
    assert '<input type="hidden" name="region">' in html
    assert '<input type="hidden" name="land_use">' in html
    assert 'name="area_min"' in html
    assert 'name="area_max"' in html
    assert 'id="home-search-land-uses"' in html
    assert '"0501"' in html
    assert "web/search.js" in html
