"""The home page without the browser: what it costs, the footer's operator details, and who sees /status/."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create
from geo.tests.factories import sichuan_tree
from market.tests import factories

pytestmark = pytest.mark.django_db
ELSEWHERE = "203.0.113.7"  # not this machine


@pytest.fixture
def client() -> Client:
    """A visitor from elsewhere: this machine's own address opens /status/ to anyone."""
    return Client(REMOTE_ADDR=ELSEWHERE)


def test_the_home_page_asks_the_database_a_fixed_number_of_queries(client: Client, django_assert_max_num_queries):
    regions = sichuan_tree()
    owner = user_create()
    for _ in range(10):
        factories.supply_create(owner=owner, region=regions["510104"])

    with django_assert_max_num_queries(8):  # newest listings (+ photos), newest demands, two figures, the session
        response = client.get("/")

    assert response.status_code == 200
    assert b"health" not in response.content.split(b"<footer")[0]  # no status box reading /health on every visit


def test_the_footer_names_the_operator_its_contacts_and_its_icp_filing(client: Client, settings):
    settings.SITE = {
        "operator": "四川省自然资源厅",
        "icp": "蜀ICP备12345678号",
        "phone": "028-12345678",
        "email": "land@example.cn",
        "address": "成都市青羊区",
    }

    footer = client.get("/").content.decode().split("<footer")[1]

    for value in settings.SITE.values():
        assert value in footer
    assert 'href="https://beian.miit.gov.cn/"' in footer


def test_without_operator_settings_the_footer_shows_no_empty_labels(client: Client, settings):
    settings.SITE = dict.fromkeys(("operator", "icp", "phone", "email", "address"), "")

    footer = client.get("/").content.decode().split("<footer")[1]

    assert 'id="site-operator"' not in footer
    assert 'id="site-contact"' not in footer
    assert 'id="site-icp"' not in footer


def test_the_status_page_is_for_staff_and_this_machine(client: Client):
    assert client.get("/status/").status_code == 302  # to the sign-in page
    client.force_login(user_create())
    assert client.get("/status/").status_code == 403
    client.force_login(user_create(role=User.Role.SUPERVISOR, regions=["510000"]))
    assert client.get("/status/").status_code == 200
    assert Client().get("/status/", REMOTE_ADDR="127.0.0.1").status_code == 200
