"""The centre console's 实时交易 tab and the 底价录入 forms as the server renders them: the tab, its panel and script
for centre staff; the reserve form's strings and script on the grantor's page and in the personal centre."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.tests.factories import centre_create, centre_staff_create, sichuan_regions

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(user)
    return client


def test_the_console_has_the_live_trading_tab_with_its_table_and_script():
    staff = centre_staff_create(centre_create(region=sichuan_regions()["chengdu"]))
    html = _signed_in(staff).get("/centre/").content.decode()
    assert 'data-tab="live" aria-controls="tab-live"' in html
    assert ">实时交易</button>" in html
    panel = html.split('id="tab-live"')[1].split("</section>")[0]
    assert 'id="live-table"' in panel
    assert "倒计时" in panel or "剩余时间" in panel
    assert "底价" not in panel  # the live view has no reserve column
    assert "window.LIVE_I18N" in html
    assert html.index("web/centre_closing.js") < html.index("web/centre_live.js")  # it reuses the phases' names


def test_the_reserve_form_is_on_the_grantors_page_and_in_the_owners_entrustments():
    grantor = _signed_in(user_create(role=User.Role.GRANTOR, regions=["510100"])).get("/grantor/lots/")
    owner = _signed_in(user_create()).get("/me/?section=entrustments")
    for html in (grantor.content.decode(), owner.content.decode()):
        assert "window.RESERVE_I18N" in html
        assert "web/reserve_form.js" in html
        assert "输入密封底价（万元）" in html
