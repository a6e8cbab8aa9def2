"""The trading room (/lots/<id>/room/) in the real Chromium over a real ASGI server (uvicorn in this process, so the
shifted trading clock applies to it): two qualified bidders and a public viewer in separate browser contexts on a lot
in its auction. A bid reaches the other pages within a second; a page cut off the network for ten seconds catches up
with every missed bid in order and no row twice; the three countdowns agree with the database's deadline − now; a
bid in the last second is accepted exactly when the server's clock says it arrived by the deadline."""

import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from accounts.models import User
from auctions.models import Bid, LotTrading
from auctions.services.trading import phase_at
from auctions.tests.trading_world import bid, qualified_bidder, shift_to, trading_lot
from core.clock import db_now, shifted
from tests.asgi_server import asgi_host, asgi_server  # noqa: F401 - fixtures
from tests.browser.conftest import ARTIFACTS, close_settled, sign_in
from tests.browser.test_csp import RECORD_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECOND = timedelta(seconds=1)
WAIT_MS = 10_000
SYNCED = "() => document.getElementById('room-connection').dataset.state === 'synced'"


class Room:
    """A lot in its auction (the clock shifted one second past its start) and the three pages of its room."""

    def __init__(self, browser: Browser, base: str) -> None:
        self.world = trading_lot(mode="auction")
        self.lot = self.world["lot"]
        self.a, self.qa = qualified_bidder(self.world, "甲")
        self.b, self.qb = qualified_bidder(self.world, "乙")
        self.base = base
        self.browser = browser
        self.contexts: list[BrowserContext] = []

    def open(self, user: User | None, width: int = 1280) -> Page:
        context = self.browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        context.add_init_script(RECORD_VIOLATIONS)
        if user is not None:
            sign_in(context, user, self.base)
        self.contexts.append(context)
        page = context.new_page()
        page.goto(f"{self.base}/lots/{self.lot.pk}/room/")
        page.wait_for_function(SYNCED, timeout=WAIT_MS)
        return page

    def close(self) -> None:
        for context in self.contexts:
            for open_page in context.pages:
                open_page.goto("about:blank")  # ends the event stream, so the context settles at once
            close_settled(context)

    def deadline(self):
        trading = LotTrading.objects.filter(lot=self.lot).first() or LotTrading(lot=self.lot)
        return phase_at(self.lot, trading, db_now()).deadline


@pytest.fixture
def room(browser: Browser, asgi_server: str) -> Iterator[Room]:  # noqa: F811
    world = Room(browser, asgi_server)
    yield world
    world.close()


def history(page: Page) -> list[tuple[int, str, str]]:
    """The page's bid rows, top to bottom: (sequence number, bidder number, amount)."""
    rows: list[Any] = page.eval_on_selector_all(
        "#room-history tr",
        "rows => rows.map(r => [Number(r.dataset.seq), r.cells[0].textContent, r.cells[1].textContent])",
    )
    return [(seq, bidder, amount) for seq, bidder, amount in rows]


def place_through(page: Page, amount: str) -> None:
    """Choose the amount's button, see the confirmation, confirm."""
    page.click(f".room-amount-button[data-amount='{amount}']")
    assert page.text_content("#room-confirm-text") == f"确认出价 {int(Decimal(amount)):,} 万元?"
    page.click("#room-confirm-yes")


def test_a_bid_in_one_page_reaches_the_other_bidder_and_the_public_within_a_second(room: Room):
    with shifted(shift_to(room.lot.auction_starts_at, plus=SECOND)):
        page_a, page_b = room.open(room.a), room.open(room.b, width=360)
        public = room.open(None, width=360)
        assert page_a.text_content("#room-my-number") == room.qa.bidder_number
        assert public.is_hidden("#room-me")
        assert public.locator("#room-bid-form").count() == 1
        assert public.is_hidden("#room-bid-form")
        place_through(page_a, "1000.0000")
        page_a.wait_for_selector("#room-bid-sent:not([hidden])", timeout=WAIT_MS)
        # the bid is committed once its answer is shown: the others have a second from here
        started = time.monotonic()
        for page in (page_b, public):
            left = max(50, int(1000 - (time.monotonic() - started) * 1000))
            page.wait_for_selector("#room-history tr[data-seq]", timeout=left)
        seq = Bid.objects.get(lot=room.lot).evidence_seq
        for page in (page_a, page_b, public):
            assert history(page) == [(seq, room.qa.bidder_number, "1,000")]
            assert page.text_content("#room-highest") == "1,000 万元"
            assert page.text_content("#room-highest-bidder") == f"({room.qa.bidder_number})"
        assert page_b.text_content("#room-my-status") == "您尚未出价"
        assert page_a.text_content("#room-my-status") == "您的出价当前最高"
        assert page_b.eval_on_selector(".room-amount-button", "b => b.dataset.amount") == "1010.0000"
        assert public.evaluate("document.documentElement.scrollWidth") <= 360  # usable at phone width
        assert page_b.evaluate("document.documentElement.scrollWidth") <= 360
        assert "甲" not in public.content()
        assert "乙" not in public.content()
        for page in (page_a, page_b, public):
            assert page.evaluate("window.__cspViolations") == []  # the page runs under the site's policy
        page_b.screenshot(path=str(ARTIFACTS / "trading_room_bidder_phone.png"), full_page=True)
        public.screenshot(path=str(ARTIFACTS / "trading_room_public_phone.png"), full_page=True)


def test_a_page_cut_off_for_ten_seconds_shows_every_missed_bid_in_order_once(room: Room):
    with shifted(shift_to(room.lot.auction_starts_at, plus=SECOND)):
        page_a = room.open(room.a)
        public = room.open(None)
        bid(room.b, room.world, "1000")
        public.wait_for_selector("#room-history tr[data-seq]", timeout=WAIT_MS)
        public.context.set_offline(True)
        amounts = ["1010", "1020", "1030", "1040"]
        for index, amount in enumerate(amounts):  # bids go on: through the service and through the other page
            if index == 1:
                place_through(page_a, "1020.0000")
                page_a.wait_for_selector("#room-bid-sent:not([hidden])", timeout=WAIT_MS)
            else:
                bid(room.a if index % 2 == 0 else room.b, room.world, amount)
            time.sleep(2.5)
        cut_off = public.text_content("#room-connection")
        missed = len(history(public))
        public.context.set_offline(False)
        public.wait_for_function("() => document.querySelectorAll('#room-history tr').length === 5", timeout=WAIT_MS)
        public.wait_for_function(SYNCED, timeout=WAIT_MS)
        expected = [
            (b.evidence_seq, b.qualification.bidder_number, f"{int(b.amount_wan):,}")
            for b in Bid.objects.filter(lot=room.lot).select_related("qualification").order_by("-evidence_seq")
        ]
        time.sleep(1.5)  # a replay racing the live stream would add a row by now
        assert cut_off == "连接中断，正在重连…"
        assert missed == 1  # nothing reached the page while it was cut off
        assert history(public) == expected
        assert [amount for _seq, _bidder, amount in expected] == ["1,040", "1,030", "1,020", "1,010", "1,000"]
        assert public.text_content("#room-connection") == "已同步"
        assert public.text_content("#room-highest") == "1,040 万元"
        public.screenshot(path=str(ARTIFACTS / "trading_room_after_reconnect.png"), full_page=True)


def test_the_countdown_on_every_page_agrees_with_the_database_within_half_a_second(room: Room):
    with shifted(shift_to(room.lot.auction_starts_at, plus=SECOND)):
        pages = [room.open(room.a), room.open(room.b), room.open(None)]
        bid(room.a, room.world, "1000")  # the countdown restarts from the bid's arrival
        for page in pages:
            page.wait_for_selector("#room-history tr[data-seq]", timeout=WAIT_MS)
        time.sleep(2)  # a few ticks to measure the offset from
        deadline = room.deadline()
        for page in pages:
            before = (deadline - db_now()).total_seconds() * 1000
            shown = float(page.eval_on_selector("#room-countdown", "c => c.dataset.remainingMs"))
            after = (deadline - db_now()).total_seconds() * 1000
            assert after - 500 <= shown <= before + 500, (before, shown, after)
        assert 290_000 < shown < 300_000
        assert pages[2].is_hidden("#room-last-minute")


def test_a_bid_in_the_last_second_is_accepted_exactly_when_it_arrived_by_the_deadline(room: Room):
    with shifted(shift_to(room.lot.auction_starts_at, plus=SECOND)):
        page_a = room.open(room.a)
        deadline = room.deadline()
    with shifted(shift_to(deadline, plus=-3 * SECOND)):
        page_a.wait_for_function(
            "() => Number(document.getElementById('room-countdown').dataset.remainingMs) < 3100", timeout=WAIT_MS
        )
        assert page_a.is_visible("#room-last-minute")
        assert page_a.text_content("#room-last-minute") == "最后一分钟：网络延迟可能导致出价未及时到达"
        page_a.wait_for_function(
            "() => Number(document.getElementById('room-countdown').dataset.remainingMs) < 900", timeout=WAIT_MS
        )
        place_through(page_a, "1000.0000")
        page_a.wait_for_selector("#room-bid-sent:not([hidden]), #room-bid-error:not([hidden])", timeout=WAIT_MS)
        placed = Bid.objects.filter(lot=room.lot).first()
        if placed is not None:
            assert placed.arrived_at <= deadline
            assert page_a.is_visible("#room-bid-sent")
        else:  # refused: the server's clock said it came after the deadline, and the page says why
            assert page_a.eval_on_selector("#room-bid-error", "e => e.dataset.code") == "late"
            assert page_a.text_content("#room-bid-error") == "已过截止时间。"
        page_a.screenshot(path=str(ARTIFACTS / "trading_room_last_second.png"), full_page=True)
