"""The review console page (/review/): for reviewers and administrators; staff tabs only for centre staff roles."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import reviewer_create, user_create

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get("/review/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/review/"


def test_users_who_review_nothing_are_refused():
    assert signed_in(user_create(role=User.Role.USER)).get("/review/").status_code == 403


def test_a_reviewer_sees_the_supply_queues_but_not_the_staff_tabs():
    response = signed_in(reviewer_create(regions=["510100"])).get("/review/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-stage="initial"' in html
    assert 'data-stage="final"' in html
    assert 'data-stage="changes"' in html
    assert 'id="tab-supply"' in html
    assert 'id="tab-verifications"' not in html
    assert 'id="panel-verifications"' not in html
    assert 'id="tab-policies"' not in html
    assert 'id="panel-policies"' not in html
    assert 'data-staff="false"' in html
    assert "/static/web/review.js" in html
    assert "/static/web/review.css" in html
    assert "window.REVIEW_I18N" in html


@pytest.mark.parametrize("superuser", [False, True])
def test_an_administrator_also_gets_verifications_and_policy_documents(superuser: bool):
    if superuser:
        user = User.objects.create_superuser(phone="13700000001", password="x")
    else:
        user = user_create(role=User.Role.ADMIN)

    response = signed_in(user).get("/review/")

    assert response.status_code == 200
    html = response.content.decode()
    for marker in ('id="tab-supply"', 'id="tab-verifications"', 'id="tab-policies"', 'id="policy-form"'):
        assert marker in html
    assert 'data-staff="true"' in html


def test_the_page_is_chinese_by_default():
    client = Client()
    client.force_login(reviewer_create(regions=["510100"]))

    html = client.get("/review/").content.decode()

    assert '<html lang="zh-hans">' in html


def test_centre_staff_get_only_verifications_and_policy_documents():
    """Centre staff do not review listings: they decide verifications and publish policy documents."""
    response = signed_in(user_create(role=User.Role.CENTRE_STAFF)).get("/review/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="tab-supply"' not in html
    assert 'id="panel-supply"' not in html
    assert 'id="tab-verifications"' in html
    assert 'id="tab-policies"' in html
