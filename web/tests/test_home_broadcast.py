"""The home page's broadcast tabs (交易信息播报) without the browser: five tabs, the six columns, rows linking to
their lot's page, numbers and times through the formatter, and an honest empty state."""

import re

import pytest
from django.test import Client

from auctions.tests.broadcast import auction, broadcast_world, day_at, listing, lot

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_five_tabs_with_rows_linking_to_their_lots(client: Client):
    world = broadcast_world()
    running = lot(world, "锦江区挂牌中地块", listing(day_at(-2, 9), day_at(10, 15)))
    tomorrow = lot(world, "锦江区明日拍卖地块", auction(day_at(1, 10)))
    lot(world, "锦江区未公告地块", listing(day_at(-2, 9), day_at(10, 15)), announce=False)

    html = client.get("/").content.decode()

    tabs = re.findall(r'role="tab"[^>]*>([^<]+)<span class="count">(\d+)</span>', html)
    assert [(label.strip(), int(count)) for label, count in tabs] == [
        ("今日交易", 1),
        ("即将截止", 0),
        ("今日公告", 2),
        ("今日成交", 0),
        ("明日交易", 1),
    ]
    assert "交易信息播报" in html
    for header in ("地块编号", "行政区域", "起始价/万元", "公告开始时间", "竞买申请开始时间", "交易类型"):
        assert f'<th scope="col">{header}</th>' in html
    today_panel = html.split('id="broadcast-today"')[1].split('role="tabpanel"')[0]
    assert f'<a href="/lots/{running.pk}/">{running.number}</a>' in today_panel
    assert "<td>锦江区</td>" in today_panel
    assert '<td class="num">1,200</td>' in today_panel  # 起始价 in 万元 through the formatter
    assert f"<td>{day_at(-12, 9):%Y-%m-%d %H:%M}</td>" in today_panel  # 公告开始时间 in Asia/Shanghai
    assert "<td>网上挂牌</td>" in today_panel
    tomorrow_panel = html.split('id="broadcast-tomorrow"')[1]
    assert f'href="/lots/{tomorrow.pk}/"' in tomorrow_panel
    assert "<td>网上拍卖</td>" in tomorrow_panel
    results_panel = html.split('id="broadcast-results"')[1].split('role="tabpanel"')[0]
    assert "暂无成交结果" in results_panel
    assert "锦江区未公告地块" not in html
