"""The trading pages render for the roles they serve: the entrustment form (its choice of mode, its three steps with
both document lists and required items starred, the verification notice), the centre's console for its staff only,
the grantor's page for grantors only, the menu links by role, and the entry points in the personal centre."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.tests.factories import centre_create, centre_staff_create, sichuan_regions

pytestmark = pytest.mark.django_db


def _signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_without_a_mode_or_listing_the_entrustment_page_offers_the_choice_of_mode(client: Client):
    html = _signed_in(client, user_create()).get("/entrustments/new/").content.decode()
    assert 'href="?mode=transfer"' in html
    assert 'href="?mode=lease"' in html
    assert 'id="entrustment-form"' not in html


def test_the_entrustment_form_has_three_steps_both_document_lists_and_the_result_opt_out(client: Client):
    html = _signed_in(client, user_create()).get("/entrustments/new/?mode=lease").content.decode()
    for step in ('data-step="1"', 'data-step="2"', 'data-step="3"'):
        assert step in html
    assert 'id="land-documents"' in html
    assert 'id="entrustment-documents"' in html
    # The seed's starred documents: 委托申请书 among the entrustment list, the title certificate among the land's.
    letter = html.split('data-kind="entrustment_letter"')[1].split("</tr>")[0]
    other = html.split('data-kind="entrustment_other"')[1].split("</tr>")[0]
    assert 'class="required"' in letter
    assert 'class="required"' not in other
    assert 'class="required"' in html.split('data-kind="title_certificate"')[1].split("</tr>")[0]
    assert 'name="hide_result"' in html
    assert 'value="lease" checked' in html
    assert 'id="verification-needed"' not in html


def test_an_unverified_user_is_told_to_verify_before_step_one(client: Client):
    html = _signed_in(client, user_create(verified=False)).get("/entrustments/new/?mode=transfer").content.decode()
    assert 'id="verification-needed"' in html
    assert 'href="/me/?section=settings#verification"' in html
    assert 'id="entrustment-form"' in html
    assert "novalidate hidden" in html


def test_the_entrustment_pages_send_visitors_to_sign_in(client: Client):
    assert client.get("/entrustments/new/?mode=transfer")["Location"].startswith("/login/")
    assert client.get("/entrustments/3/edit/")["Location"].startswith("/login/")


def test_the_centre_console_is_for_staff_of_a_centre_and_administrators(client: Client):
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    staff = centre_staff_create(centre)
    assert _signed_in(Client(), staff).get("/centre/").status_code == 200
    assert _signed_in(Client(), user_create(role=User.Role.ADMIN)).get("/centre/").status_code == 200
    no_centre = user_create(role=User.Role.CENTRE_STAFF, regions=["510100"])
    assert _signed_in(Client(), no_centre).get("/centre/").status_code == 403
    assert _signed_in(Client(), user_create()).get("/centre/").status_code == 403
    html = _signed_in(client, staff).get("/centre/").content.decode()
    assert centre.name in html
    assert 'id="menu-centre"' in html
    assert 'id="menu-grantor"' not in html


def test_the_grantor_page_is_for_grantors_and_administrators(client: Client):
    grantor = user_create(role=User.Role.GRANTOR, regions=["510100"])
    html = _signed_in(client, grantor).get("/grantor/lots/").content.decode()
    assert 'id="grant-form"' in html
    assert 'id="menu-grantor"' in html
    assert 'id="menu-centre"' not in html
    assert _signed_in(Client(), user_create()).get("/grantor/lots/").status_code == 403


def test_the_personal_centre_has_my_entrustments_with_the_seeds_search(client: Client):
    html = _signed_in(client, user_create()).get("/me/?section=entrustments").content.decode()
    panel = html.split('id="panel-entrustments"')[1].split("</section>")[0]
    for name in ('name="q"', 'name="submitted_from"', 'name="submitted_to"', 'name="mode"', 'name="region"'):
        assert name in panel
    assert "web/entrustment_list.js" in html
    assert 'id="menu-entrust"' in html
