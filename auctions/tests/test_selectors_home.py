"""The home page's broadcast tabs at a fixed time: days cut at midnight in Asia/Shanghai (not UTC), closing within
three days, only lots with a published announcement, and today's results empty without a deal."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import translation

from auctions.models import Announcement
from auctions.selectors_home import home_broadcast
from auctions.services.announcements import announcement_draft, announcement_publish
from auctions.tests.broadcast import SHANGHAI, auction, broadcast_world, listing, lot, sh

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    return broadcast_world()


def titles(now: datetime) -> dict[str, list[str]]:
    return {tab.key: [lot.title for lot in tab.lots] for tab in home_broadcast(now=now)}


def test_the_tabs_are_the_five_of_the_broadcast_in_order_with_todays_results_empty(world):
    lot(world, "挂牌中", listing(sh(1, 9), sh(10, 15)))

    tabs = home_broadcast(now=sh(6, 12))

    assert [tab.key for tab in tabs] == ["today", "closing", "announced", "results", "tomorrow"]
    with translation.override("zh-hans"):  # the labels are lazy: read in the page's language
        assert [str(tab.label) for tab in tabs] == ["今日交易", "即将截止", "今日公告", "今日成交", "明日交易"]
    assert tabs[3].lots == []  # no trade has ended in a result (auctions/tests/test_results_outputs.py has some)


def test_a_listing_starting_at_half_past_midnight_shanghai_is_tomorrows_though_the_same_utc_day(world):
    lot(world, "零点半开始", listing(sh(7, 0, 30), sh(17, 15)))
    now = sh(6, 23)  # 15:00 UTC on the 6th; the listing starts 16:30 UTC on the 6th, the same UTC day

    found = titles(now)

    assert found["tomorrow"] == ["零点半开始"]
    assert found["today"] == []


def test_an_auction_at_nine_shanghai_is_todays_at_half_past_seven_though_utc_is_still_the_day_before(world):
    lot(world, "九点拍卖", auction(sh(7, 9)))  # 01:00 UTC on the 7th
    now = sh(7, 7, 30)  # 23:30 UTC on the 6th

    found = titles(now)

    assert found["today"] == ["九点拍卖"]
    assert found["tomorrow"] == []


def test_todays_trading_is_a_listing_period_or_auction_day_that_includes_today(world):
    lot(world, "挂牌中", listing(sh(1, 9), sh(10, 15)))
    lot(world, "今天结束", listing(sh(1, 9), sh(6, 10)))  # ended this morning: still today's trading
    lot(world, "昨天结束", listing(sh(1, 9), sh(5, 23, 59)))
    lot(world, "今天下午拍卖", auction(sh(6, 15)))
    lot(world, "昨天拍卖", auction(sh(5, 15)))
    lot(world, "明天开始", listing(sh(7, 9), sh(17, 15)))

    found = titles(sh(6, 12))

    assert sorted(found["today"]) == sorted(["挂牌中", "今天结束", "今天下午拍卖"])
    assert found["tomorrow"] == ["明天开始"]


def test_closing_soon_is_a_listing_end_or_an_application_deadline_in_the_next_three_days(world):
    now = sh(6, 12)
    lot(world, "两天后结束", listing(sh(1, 9), now + timedelta(days=2)))
    lot(world, "四天后结束", listing(sh(1, 9), now + timedelta(days=4)))  # applications close in 4 days less 3 h
    lot(world, "明天截止申请", listing(sh(9, 9), sh(19, 15), closes=now + timedelta(days=1)))
    lot(world, "一小时前结束", listing(sh(1, 9), now - timedelta(hours=1)))

    assert sorted(titles(now)["closing"]) == sorted(["两天后结束", "明天截止申请"])


def test_only_lots_with_a_published_announcement_appear_and_a_terminated_one_only_under_todays_notices(world):
    lot(world, "未公告", listing(sh(1, 9), sh(10, 15)), announce=False)
    ended = lot(world, "已终止", listing(sh(1, 9), sh(10, 15)))
    termination = announcement_draft(
        user=world["staff"], lot_id=ended.pk, title="终止公告", body="终止", kind="termination"
    )
    published = announcement_publish(user=world["staff"], announcement_id=termination.pk).published_at
    assert published is not None

    tabs = {tab.key: tab for tab in home_broadcast(now=published)}

    assert all(row.title != "未公告" for tab in tabs.values() for row in tab.lots)
    assert tabs["today"].lots == []
    assert [(row.title, row.notice_kind) for row in tabs["announced"].lots] == [("已终止", "termination")]  # type: ignore[attr-defined]


def test_todays_notices_are_those_published_since_midnight_shanghai(world):
    lot(world, "刚公告", listing(sh(1, 9), sh(10, 15)))
    published = Announcement.objects.get().published_at
    assert published is not None
    midnight = datetime.combine(
        published.astimezone(SHANGHAI).date() + timedelta(days=1), datetime.min.time(), SHANGHAI
    )

    assert titles(published)["announced"] == ["刚公告"]
    assert titles(midnight - timedelta(seconds=1))["announced"] == ["刚公告"]
    assert titles(midnight)["announced"] == []  # the next day in Shanghai, whatever the UTC date


def test_the_tabs_take_two_queries_whatever_the_number_of_lots(world, django_assert_num_queries):
    for n in range(3):
        lot(world, f"挂牌{n}", listing(sh(1, 9), sh(10, 15)))

    with django_assert_num_queries(2):  # one query for the four tabs that read lots, one for today's results
        tabs = home_broadcast(now=sh(6, 12))
        assert [row.region.name for row in tabs[0].lots] == ["锦江区"] * 3
