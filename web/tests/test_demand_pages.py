"""The demand, pre-announcement, statistics and policy pages render: the lists and details for anyone, the forms
for signed-in users only (visitors are sent to sign in). Their data comes from the API in the page's script, so no
user text is in the HTML."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import user_create
from market.models import PolicyDocument

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    ("/demand/", "demand-filters", "web/demand.js"),
    ("/pre-announcements/", "pre-announcement-filters", "web/pre_announcement.js"),
    ("/statistics/", "statistics-filters", "web/statistics.js"),
    ("/policies/", "policy-filters", "web/policies.js"),
]
FORM_PAGES = [
    ("/demand/new/", "demand-form"),
    ("/demand/7/edit/", "demand-form"),
    ("/demand/7/edit/?change=1", "demand-form"),
    ("/pre-announcements/new/", "lookup-form"),
    ("/pre-announcements/7/edit/", "announcement-form"),
]


def _i18n(html: str, name: str) -> str:
    """The page's strings object for its script."""
    match = re.search(rf"window\.{name} = (\{{.*?\}});</script>", html, re.S)
    assert match, name
    return match.group(1)


@pytest.mark.parametrize(("path", "root", "script"), PUBLIC_PAGES)
def test_the_public_pages_render_for_anyone(client: Client, path: str, root: str, script: str):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="{root}"' in html
    assert script in html
    assert "web/api.js" in html
    assert "web/market_pages.css" in html


@pytest.mark.parametrize(("path", "root"), FORM_PAGES)
def test_the_forms_send_visitors_to_sign_in(client: Client, path: str, root: str):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize(("path", "root"), FORM_PAGES)
def test_the_forms_render_for_a_signed_in_user(client: Client, path: str, root: str):
    client.force_login(user_create())

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert f'id="{root}"' in response.content.decode()


def test_the_demand_list_offers_its_filters(client: Client):
    html = client.get("/demand/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<input type="hidden" name="region">' in html
    assert '<input type="hidden" name="land_use">' in html
    assert '<option value="purchase">' in html
    assert '<option value="lease">' in html
    assert 'name="area_min"' in html
    assert 'name="area_max"' in html
    assert 'id="land-uses"' in html
    assert '"purchase": "to buy (transfer in)"' in _i18n(html, "DEMAND_I18N")


def test_the_demand_form_has_every_field_of_the_api(client: Client):
    client.force_login(user_create())

    html = client.get("/demand/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    names = set(re.findall(r'name="([a-z_0-9]+)"', html))
    assert {
        "kind",
        "title",
        "region",
        "land_use",
        "land_nature",
        "area_min_m2",
        "area_max_m2",
        "price_min_wan",
        "price_max_wan",
        "years",
        "industry",
        "description",
        "contact_name",
        "contact_phone",
    } <= names
    assert 'value="state_owned"' in html
    assert 'value="collective"' in html
    assert 'id="land-uses"' in html
    assert 'data-demand-id=""' in html
    assert "Saved as a draft." in _i18n(html, "DEMAND_I18N")


def test_the_demand_form_knows_the_draft_it_edits(client: Client):
    client.force_login(user_create())

    html = client.get("/demand/42/edit/?change=1").content.decode()

    assert 'data-demand-id="42"' in html


def test_the_pre_announcement_form_has_the_lookup_and_the_announcement(client: Client):
    client.force_login(user_create())

    html = client.get("/pre-announcements/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    lookup = html[html.index('id="lookup-form"') : html.index('id="announcement-form"')]
    announcement = html[html.index('id="announcement-form"') : html.index('id="preview-panel"')]
    assert set(re.findall(r'name="([a-z_]+)"', lookup)) == {
        "contract_number",
        "phone",
        "sms_code",
        "region",
        "captcha_answer",
        "captcha_key",
    }
    # Only the user's own fields are named: the grant's are shown read-only and never sent.
    assert set(re.findall(r'name="([a-z_]+)"', announcement)) == {"title", "contact_phone"}
    assert announcement.count("readonly") == 12
    for action in ("publish", "save", "preview"):
        assert f'data-action="{action}"' in announcement
    assert "web/selectors.js" in html


def test_the_statistics_page_offers_groups_modes_and_months(client: Client):
    html = client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    for value in ("region", "land_use", "month", "transfer", "lease"):
        assert f'<option value="{value}"' in html
    assert 'name="from" type="month"' in html
    assert 'name="to" type="month"' in html
    assert 'name="metric" value="count"' in html
    assert 'name="metric" value="area"' in html
    assert "<tfoot>" in html
    assert "{metric} by {group}" in _i18n(html, "STATISTICS_I18N")


def test_the_policy_list_offers_every_category(client: Client):
    html = client.get("/policies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    for value in PolicyDocument.Category.values:
        assert f'<option value="{value}">' in html
    assert 'name="q"' in html


def test_a_policys_text_is_not_in_the_html(client: Client):
    document = PolicyDocument.objects.create(
        title="<script>alert(1)</script>",
        category="law",
        body="<script>alert(2)</script>",
        created_by=user_create(),
        published_at=timezone.now(),
    )

    html = client.get(f"/policies/{document.pk}/").content.decode()

    assert "alert(" not in html
    assert f'data-policy-id="{document.pk}"' in html
