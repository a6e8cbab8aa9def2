"""Bidding pages: the lot page's 申请竞买 box by visitor (sign in, verify, apply), the application form, and once
applied the deposit account number with the amount and the deadline; 我的竞买 and the console's tab are there."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.services.applications import application_submit
from auctions.tests.test_deposits import FORM, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict:
    return make_world()


def client_of(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "state", "marker"),
    [
        ("anonymous", "sign_in", 'id="apply-sign-in"'),
        ("unverified", "verify", 'id="apply-verify"'),
        ("verified", "open", 'id="apply-link"'),
    ],
)
def test_the_lot_page_offers_applying_to_verified_users_and_prompts_the_others(world, who, state, marker):
    user = {"anonymous": None, "unverified": user_create(verified=False), "verified": user_create()}[who]

    html = client_of(user).get(f"/lots/{world['lot'].pk}/").content.decode()

    assert f'data-state="{state}"' in html
    assert marker in html


def test_the_form_offers_the_centres_banks_and_once_applied_shows_the_account_amount_and_deadline(world):
    bidder = user_create(real_name="赵六")
    client = client_of(bidder)
    form = client.get(f"/lots/{world['lot'].pk}/apply/").content.decode()
    assert 'id="apply-form"' in form
    assert 'value="ICBC"' in form
    assert "保证金须从竞买人本人账户转入" in form

    application, _created = application_submit(user=bidder, lot_id=world["lot"].pk, form=FORM)
    page = client.get(f"/lots/{world['lot'].pk}/apply/").content.decode()

    assert 'id="apply-form"' not in page
    assert application.deposit_account.number in page
    assert "2,400,000.00" in page
    assert 'id="apply-mine"' in client.get(f"/lots/{world['lot'].pk}/").content.decode()


def test_my_bidding_is_a_section_of_the_personal_centre_and_the_console_has_its_tab(world):
    me = client_of(user_create()).get("/me/?section=bids").content.decode()
    console = client_of(world["staff"]).get("/centre/").content.decode()

    assert 'id="panel-bids"' in me
    assert "web/bidding_me.js" in me
    assert 'data-tab="bids"' in console
    assert "web/bidding_centre.js" in console
