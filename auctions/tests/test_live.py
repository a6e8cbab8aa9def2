"""The live channel over a real ASGI server (uvicorn in this process, on the test database): replay after
Last-Event-ID, live events after a commit, ticks with the database's time, only trading entries, the end at the
close, the refusals (unknown lot, bad id, too many connections from one client or in the process) and the
connection-storm anomaly."""

import contextlib
import http.client
import json
import queue
import socket
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from auctions import live
from auctions.live import LIVE_KINDS
from auctions.models import Anomaly, EvidenceEntry
from auctions.services.trading import lot_close
from auctions.tests.trading_world import bid, qualified_bidder, shift_to, trading_lot
from core.clock import db_now, shifted
from tests.asgi_server import asgi_host

pytestmark = pytest.mark.django_db(transaction=True)
SECOND = timedelta(seconds=1)
WAIT = 10.0  # seconds an expected event may take before the test fails (it arrives within about one tick)


server = asgi_host  # the shared uvicorn server (tests/asgi_server.py), "host:port"


class Stream:
    """An SSE connection read in a thread: its events, in order, on a queue."""

    def __init__(self, host: str, path: str, headers: dict[str, str] | None = None) -> None:
        self.connection = http.client.HTTPConnection(host, timeout=30)
        self.connection.request("GET", path, headers=headers or {})
        self.sock = self.connection.sock  # kept: http.client hands it to the response
        self.response = self.connection.getresponse()
        self.events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        if self.response.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event: dict[str, Any] = {}
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if not line:
                    if "event" in event:
                        self.events.put(event)
                    event = {}
                    continue
                name, _, value = line.partition(": ")
                event[name] = json.loads(value) if name == "data" else value
        except (OSError, ValueError, AttributeError):  # closed by the test (http.client drops its file then)
            pass
        self.events.put(None)  # the stream ended

    def next(self, kind: str) -> dict[str, Any]:
        """The next event of `kind`, skipping others; fails if the stream ends first."""
        deadline = time.monotonic() + WAIT
        while True:
            event = self.events.get(timeout=max(0.1, deadline - time.monotonic()))
            assert event is not None, f"the stream ended before a {kind} event"
            if event["event"] == kind:
                return event

    def until_tick(self) -> list[dict[str, Any]]:
        """The events before the first tick (a new connection's replay comes first)."""
        events = []
        while (event := self.events.get(timeout=WAIT)) is not None and event["event"] != "tick":
            events.append(event)
        return events

    def ended(self) -> bool:
        """Whether the server ends the stream before anything else arrives."""
        return self.events.get(timeout=WAIT) is None

    def close(self) -> None:
        """Hang up as a browser does (the reading thread wakes up at once)."""
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
        self.connection.close()


def running_auction() -> tuple[dict[str, Any], list]:
    world = trading_lot(mode="auction")
    bidders = [qualified_bidder(world, name)[0] for name in ("甲", "乙")]
    return world, bidders


def test_a_watcher_gets_each_bid_live_with_its_sequence_number_and_never_an_application(server):
    world, (a, b) = running_auction()
    lot = world["lot"]
    slow = override_settings(LIVE_TICK_SECONDS=600, LIVE_SLOW_TICK_SECONDS=600)  # only the commit's nudge is fast
    with slow, shifted(shift_to(lot.auction_starts_at, plus=SECOND)):
        stream = Stream(server, f"/api/auctions/lots/{lot.pk}/events/")
        assert stream.response.status == 200
        assert str(stream.response.getheader("Content-Type")).startswith("text/event-stream")
        tick = stream.next("tick")
        assert tick["data"]["phase"] == "auction"
        first = bid(a, world, "1000")
        second = bid(b, world, "1010")
        got = [stream.next("bid.accepted"), stream.next("bid.accepted")]
        stream.close()
        replay = Stream(server, f"/api/auctions/lots/{lot.pk}/events/")  # from the log's start
        replayed = replay.until_tick()
        replay.close()
    assert [int(event["id"]) for event in got] == [first.bid.evidence_seq, second.bid.evidence_seq]
    assert [event["data"]["data"]["amount_wan"] for event in got] == ["1000", "1010"]
    assert {"application.approved", "qualification.issued"} <= set(
        EvidenceEntry.objects.filter(lot=lot).values_list("kind", flat=True)
    )  # in the log, and never on the live channel: it would tell who and how many bid
    assert [int(event["id"]) for event in replayed if event["event"] == "bid.accepted"] == [
        first.bid.evidence_seq,
        second.bid.evidence_seq,
    ]
    assert {event["event"] for event in replayed} <= LIVE_KINDS


def test_a_reconnect_with_last_event_id_replays_what_it_missed_in_order_without_duplicates(server):
    world, (a, b) = running_auction()
    lot = world["lot"]
    with shifted(shift_to(lot.auction_starts_at, plus=SECOND)):
        first = bid(a, world, "1000")
        missed = [bid(b, world, "1010"), bid(a, world, "1020")]
        stream = Stream(server, f"/api/auctions/lots/{lot.pk}/events/", {"Last-Event-ID": str(first.bid.evidence_seq)})
        replayed = [stream.next("bid.accepted"), stream.next("bid.accepted")]
        live = bid(b, world, "1030")
        after = stream.next("bid.accepted")
        stream.close()
    assert [int(event["id"]) for event in replayed] == [placed.bid.evidence_seq for placed in missed]
    assert int(after["id"]) == live.bid.evidence_seq


def test_ticks_carry_the_database_time_and_the_stream_ends_at_the_close(server):
    world, (a, _b) = running_auction()
    lot = world["lot"]
    with shifted(shift_to(lot.auction_starts_at, plus=SECOND)):
        placed = bid(a, world, "1000")
    with override_settings(LIVE_TICK_SECONDS=0.2), shifted(shift_to(placed.deadline, plus=SECOND)):
        stream = Stream(server, f"/api/auctions/lots/{lot.pk}/events/")
        ended = stream.next("tick")
        assert ended["data"]["phase"] == "ended"
        assert ended["data"]["deadline"] is None
        closing = lot_close(lot_id=lot.pk)
        assert closing is not None
        assert closing.outcome == "deal"
        result = stream.next("result")
        closed = stream.next("closed")
        assert stream.ended()  # the server ended the stream
    assert result["data"]["data"]["winner"] == placed.bid.qualification.bidder_number
    assert closed["data"] == {"outcome": "deal"}


def test_refusals_an_unknown_lot_a_bad_event_id_and_too_many_connections(server):
    world, _bidders = running_auction()
    lot = world["lot"]
    unknown = Stream(server, "/api/auctions/lots/999999/events/")
    bad = Stream(server, f"/api/auctions/lots/{lot.pk}/events/?last_event_id=x")
    foreign = Stream(server, f"/api/auctions/lots/{lot.pk}/events/", {"Host": "evil.example"})
    assert (unknown.response.status, bad.response.status, foreign.response.status) == (404, 400, 400)
    assert json.loads(bad.response.read())["error"]["fields"]["last_event_id"][0]["code"] == "invalid"
    with override_settings(LIVE_MAX_CONNECTIONS_PER_CLIENT=2):
        open_ones = [Stream(server, f"/api/auctions/lots/{lot.pk}/events/") for _ in range(2)]
        third = Stream(server, f"/api/auctions/lots/{lot.pk}/events/")
        assert third.response.status == 429
        assert json.loads(third.response.read())["error"]["code"] == "too_many_connections"
        open_ones[0].close()  # the server notices the client went away and frees its place
        deadline = time.monotonic() + WAIT
        while (again := Stream(server, f"/api/auctions/lots/{lot.pk}/events/")).response.status == 429:
            assert time.monotonic() < deadline, "a closed connection still counts"
            time.sleep(0.2)
        assert again.response.status == 200
        for stream in (open_ones[1], again):
            stream.close()


def test_open_streams_hold_no_database_connection_so_more_streams_than_the_pool_all_tick(server):
    """A stream hands its database connection back after each read: with more streams open than the pool has
    connections, every one still opens and ticks and the rest of the site still answers (the lot check of a stream's
    request once kept its connection for the stream's whole life, and the pool ran dry after DATABASE_POOL_MAX_SIZE)."""
    world, _bidders = running_auction()
    lot = world["lot"]
    places = settings.DATABASES["default"].get("OPTIONS", {}).get("pool", {}).get("max_size", 20)
    with override_settings(LIVE_MAX_CONNECTIONS_PER_CLIENT=places + 10):
        streams = []
        for _ in range(places + 2):
            streams.append(Stream(server, f"/api/auctions/lots/{lot.pk}/events/"))
            assert streams[-1].response.status == 200
            assert streams[-1].next("tick")["data"]["phase"]
        connection = http.client.HTTPConnection(server, timeout=30)
        connection.request("GET", f"/api/auctions/lots/{lot.pk}/trading/")
        answer = connection.getresponse()
        assert answer.status == 200
        connection.close()
        for stream in streams:
            stream.close()


def no_open_streams() -> None:
    """Wait until the server has let go of every stream of the tests before (it notices a hang-up within a moment)."""
    deadline = time.monotonic() + WAIT
    while any(hub.streams for loop, hub in live._hubs.items() if not loop.is_closed()):  # closed: the test client's
        assert time.monotonic() < deadline, "streams of earlier tests still count"
        time.sleep(0.1)


def storms(lot_id: int, *, least: int = 1) -> list[Anomaly]:
    """The lot's connection-storm anomalies, once at least `least` are written (a thread of the server writes them)."""
    deadline = time.monotonic() + WAIT
    found = list(Anomaly.objects.filter(lot_id=lot_id, kind="connection_storm"))
    while len(found) < least and time.monotonic() < deadline:
        time.sleep(0.1)
        found = list(Anomaly.objects.filter(lot_id=lot_id, kind="connection_storm"))
    return found


def test_the_process_limit_answers_503_with_retry_after_and_notes_one_storm_per_lot_and_minute(server):
    world, _bidders = running_auction()
    lot = world["lot"]
    no_open_streams()
    with override_settings(LIVE_MAX_CONNECTIONS=2):
        open_ones = [Stream(server, f"/api/auctions/lots/{lot.pk}/events/") for _ in range(2)]
        assert [stream.response.status for stream in open_ones] == [200, 200]
        refused = Stream(server, f"/api/auctions/lots/{lot.pk}/events/")
        assert refused.response.status == 503
        assert refused.response.getheader("Retry-After") == "5"
        assert json.loads(refused.response.read())["error"] == {
            "code": "too_many_streams",
            "message": "服务器的实时连接已满，请稍后再试。",
            "fields": {},
        }
        (storm,) = storms(lot.pk)
        again = Stream(server, f"/api/auctions/lots/{lot.pk}/events/", {"Accept-Language": "en"})
        assert again.response.status == 503
        assert json.loads(again.response.read())["error"]["message"].startswith("The server holds as many")
        time.sleep(1)  # a second row would be written by now
        for stream in open_ones:
            stream.close()
    assert storm.detail == {"opened": 2, "refused": 1, "window_seconds": 60}
    assert abs(storm.created_at - db_now()) < timedelta(seconds=WAIT)  # the database's clock
    assert len(storms(lot.pk)) == 1


def test_many_streams_opened_on_one_lot_within_a_minute_make_one_storm_anomaly(server):
    world, _bidders = running_auction()
    lot = world["lot"]
    with override_settings(LIVE_STORM_OPENS=3):
        streams = [Stream(server, f"/api/auctions/lots/{lot.pk}/events/") for _ in range(2)]
        assert [stream.next("tick")["event"] for stream in streams] == ["tick", "tick"]
        assert not Anomaly.objects.filter(lot=lot).exists()  # two are no storm
        streams += [Stream(server, f"/api/auctions/lots/{lot.pk}/events/") for _ in range(2)]
        (storm,) = storms(lot.pk)
        time.sleep(1)  # the fourth stream wrote no second row by now
        assert all(stream.response.status == 200 for stream in streams)
        for stream in streams:
            stream.close()
    assert storm.detail == {"opened": 3, "refused": 0, "window_seconds": 60}
    assert len(storms(lot.pk)) == 1
