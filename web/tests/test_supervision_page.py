"""The supervisor's page (/supervision/): supervisors and administrators get it, in Chinese, with its three tabs, the
script's words and the site menu's link; a bidder gets 403 and no link; an anonymous visitor is sent to sign in. The
page holds no form that changes anything."""

import json

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create
from geo.tests.factories import sichuan_tree

pytestmark = pytest.mark.django_db


def page_of(user: User | None) -> tuple[int, str]:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if user is not None:
        client.force_login(user)
    response = client.get("/supervision/")
    return response.status_code, response.content.decode()


def test_a_supervisor_gets_the_page_with_its_tabs_and_the_menu_link():
    sichuan_tree()
    status, html = page_of(user_create(role=User.Role.SUPERVISOR, regions=["510100"]))
    labels = json.loads(html.split('id="supervision-labels" type="application/json">')[1].split("</script>")[0])
    assert status == 200
    assert 'id="menu-supervision"' in html
    assert [tab in html for tab in ('data-tab="lots"', 'data-tab="anomalies"', 'data-tab="roots"')] == [True] * 3
    assert ">地块</button>" in html
    assert ">预警</button>" in html
    assert ">签名根</button>" in html
    assert "成都市（510100）" in html
    assert "verify_evidence.py --public-key roots_public.pem protocol.json" in html
    assert labels["rootNotYet"] == "尚无签名根包含本标的的存证链。"
    assert labels["kinds"]["late_close"] == "结束处理延迟"
    assert 'method="post"' not in html.split('id="supervision"')[1]  # read-only: the language form is the header's


def test_an_administrator_gets_it_for_all_regions_and_a_bidder_gets_403():
    status, html = page_of(user_create(role=User.Role.ADMIN))
    assert (status, "全部行政区域" in html) == (200, True)
    status, html = page_of(user_create())
    assert status == 403
    assert 'id="menu-supervision"' not in html
    assert page_of(None)[0] == 302  # to the sign-in page
