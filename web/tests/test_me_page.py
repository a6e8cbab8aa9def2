"""The personal centre page (/me/): signed-in users only; its sections are tabs, the selected one from ?section=."""

import re

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create

pytestmark = pytest.mark.django_db

SECTIONS = [
    "supply",
    "pre-announcements",
    "demand",
    "entrustments",  # 我的委托交易 (web/templates/web/trading/_me_entrustments.html)
    "bids",  # 我的竞买 (web/templates/web/bidding/_me_bids.html)
    "contracts",  # 我的合同 (web/templates/web/contracts/_me_contracts.html)
    "certificates",  # 我的证书 (web/templates/web/auth/_me_certificates.html)
    "quotes",
    "appointments",
    "favourites",
    "messages",
    "settings",
]


def signed_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def selected_tab(html: str) -> str:
    match = re.search(r'data-section="([a-z-]+)" aria-controls="panel-[a-z-]+" aria-selected="true"', html)
    assert match, "no tab is selected"
    return match.group(1)


def visible_panels(html: str) -> list[str]:
    panels = re.findall(r'<section role="tabpanel" id="panel-([a-z-]+)"[^>]*?( hidden)?>', html)
    return [name for name, hidden in panels if not hidden]


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client):
    response = client.get("/me/?section=messages")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert "next=/me/" in response["Location"]


def test_a_signed_in_user_gets_the_page_with_my_supply_first():
    user = user_create(phone="13700000001")

    response = signed_in(user).get("/me/")

    assert response.status_code == 200
    html = response.content.decode()
    assert selected_tab(html) == "supply"
    assert visible_panels(html) == ["supply"]
    assert 'data-user-phone="13700000001"' in html
    for script in ("web/me.js", "web/me_listings.js", "web/me_activity.js", "web/me_settings.js", "web/api.js"):
        assert script in html
    assert "web/me.css" in html


@pytest.mark.parametrize("section", SECTIONS)
def test_each_section_can_be_opened_by_its_address(section):
    response = signed_in(user_create()).get(f"/me/?section={section}")

    assert response.status_code == 200
    html = response.content.decode()
    assert selected_tab(html) == section
    assert visible_panels(html) == [section]
    assert html.count('role="tab" href="?section=') == len(SECTIONS)


def test_the_publish_buttons_open_the_supply_form_by_mode():
    html = signed_in(user_create()).get("/me/").content.decode()

    assert 'href="/supply/new/?mode=transfer"' in html
    assert 'href="/supply/new/?mode=lease"' in html


def test_the_page_speaks_the_site_default_language_chinese():
    client = Client()
    client.force_login(user_create())

    html = client.get("/me/").content.decode()

    assert '<html lang="zh-hans">' in html


def test_an_unknown_section_shows_no_panel_and_leaves_the_choice_to_the_script():
    html = signed_in(user_create()).get("/me/?section=%3Cscript%3E").content.decode()

    assert visible_panels(html) == []
    assert '<script>"' not in html
    assert 'data-section="&lt;script&gt;"' in html


def test_the_bind_phone_form_carries_a_captcha_and_an_sms_button_for_the_new_phone():
    html = signed_in(user_create()).get("/me/?section=settings").content.decode()

    assert 'data-purpose="bind_phone"' in html
    assert 'data-phone-field="new_phone"' in html
    assert 'name="captcha_key"' in html
