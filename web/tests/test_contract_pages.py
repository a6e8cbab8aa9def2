"""The contract pages render for those they serve: the choice of contract service (keeping where it starts, a lease
listing offering only lease contracts), the contract page with the seed's five steps, step 1's three parts and the
required attachments starred, the verification notice, the authority's queue for reviewers only, and the entry
points (the menu, 我的合同 in the personal centre, the owner's link on a lot's result page)."""

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import reviewer_create, user_create
from auctions.models import Entrustment
from auctions.tests.factories import centre_create, won_deal
from geo.tests.factories import chengdu_tree
from market.tests.factories import supply_create
from search.tests.notices_world import announcement_create, lot_create

pytestmark = pytest.mark.django_db


def _html(client: Client, user: User, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_kind_and_origin_the_page_offers_both_services_of_both_kinds_keeping_the_lot(client: Client):
    html = _html(client, user_create(), "/contracts/new/?lot=12")
    for kind in ("transfer", "lease"):
        for origin in ("online", "offline"):
            assert f'href="?kind={kind}&amp;origin={origin}&amp;lot=12"' in html
    assert 'id="contract-page"' not in html
    assert 'id="contract-source"' in html


def test_a_lease_listing_offers_only_lease_contracts(client: Client):
    owner = user_create()
    listing = supply_create(owner=owner, region=chengdu_tree()["jinjiang"], mode="lease")
    html = _html(client, owner, f"/contracts/new/?listing={listing.pk}")
    assert f'href="?kind=lease&amp;origin=online&amp;listing={listing.pk}"' in html
    assert "kind=transfer" not in html


def test_the_contract_page_has_the_five_steps_three_parts_and_the_starred_attachments(client: Client):
    html = _html(client, user_create(), "/contracts/new/?kind=lease&origin=online&listing=7")
    assert 'data-kind="lease" data-origin="online" data-listing="7" data-lot=""' in html
    for step in range(1, 6):
        assert f'<li data-step="{step}">' in html
    for part in ("parties", "parcel", "attachments"):
        assert f'<li data-part="{part}">' in html
        assert f'<section data-part="{part}"' in html
    assert "合同赋码" in html
    for required in ("plane_map", "vertical", "origin_contract", "certificate"):
        assert 'class="required"' in html.split(f'<tr data-kind="{required}">')[1].split("</tr>")[0]
    assert 'class="required"' not in html.split('<tr data-kind="other">')[1].split("</tr>")[0]
    assert 'name="b_phone"' in html
    assert 'name="rent_wan_per_year"' in html
    assert 'id="verification-needed"' not in html


def test_an_unverified_user_is_told_to_verify_before_a_contract_is_created(client: Client):
    html = _html(client, user_create(verified=False), "/contracts/new/?kind=transfer&origin=online")
    assert 'id="verification-needed"' in html
    assert 'href="/me/?section=settings#verification"' in html


def test_the_review_queue_is_for_reviewers_and_administrators(client: Client):
    client.force_login(user_create())
    assert client.get("/contracts/review/").status_code == 403
    html = _html(client, reviewer_create(regions=["510104"]), "/contracts/review/")
    assert 'id="review-contracts"' in html
    assert 'id="review-revocations"' in html
    assert 'id="menu-contract-review"' in html


def test_signed_in_users_find_contract_services_in_the_menu_and_my_contracts_in_the_personal_centre(client: Client):
    assert client.get("/contracts/new/")["Location"].startswith("/login/")
    assert client.get("/contracts/5/")["Location"].startswith("/login/")
    html = _html(client, user_create(), "/me/?section=contracts")
    assert 'id="menu-contracts"' in html
    assert 'id="menu-contract-review"' not in html
    assert 'id="panel-contracts" data-section="contracts"' in html
    assert 'href="?section=contracts"' in html
    panel = html.split('id="panel-contracts"')[1].split("</section>")[0]
    assert " hidden" not in panel.split(">")[0]  # the chosen section is shown


def test_the_owner_of_a_traded_lot_gets_the_contract_link_on_its_result_page(client: Client):
    tree = chengdu_tree()
    centre = centre_create(region=tree["chengdu"])
    owner = user_create()
    entrustment = Entrustment.objects.create(
        owner=owner, created_by=owner, mode="transfer", centre=centre, region=tree["jinjiang"], title="委托"
    )
    lot = lot_create(centre, "510104", "川DZR[2026]0099", entrustment=entrustment)
    announcement_create(lot, "川自然资源字[2026]0099号", timezone.now())
    won_deal(lot)
    html = _html(client, owner, f"/results/{lot.pk}/")
    assert f'href="/contracts/new/?lot={lot.pk}" id="contract-link"' in html
    assert 'id="contract-link"' not in _html(Client(), user_create(), f"/results/{lot.pk}/")
