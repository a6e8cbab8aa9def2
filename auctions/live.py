"""The live channel of a lot (docs/live.md): Server-Sent Events from an async view, fed through one hub per process.

The database is the truth and Redis pub/sub only a wake-up. A change that writes a trading entry to the lot's evidence
log publishes a nudge {"lot": id} after its commit; each process's hub, subscribed once to the channel, reads the
lot's new entries from the database in one query (however many connections watch it; on a connection of its own,
never waiting for the pool), encodes each once and hands the bytes to every connection watching the lot, in sequence
order; a connection writes whatever waits for it as one chunk. A ticker per watched lot does the same every second
during timed bidding or an auction (every few seconds otherwise) and sends a tick with the database's time and the
trading state, so a lost nudge costs at most one tick and every screen counts down from the same clock.

Event ids are evidence sequence numbers. A browser that reconnects sends Last-Event-ID and first gets the entries it
missed from the database, then the live ones; an entry is never sent twice on one connection. A connection that falls
too far behind (a reader too slow) is closed, and its browser reconnects and catches up the same way.

The hub also keeps the limits of open streams (per client address and per process) and notes connection storms.

Only trading entries go out live (LIVE_KINDS): applications, deposits and qualifications would tell who and how many
are bidding before the close.
"""

import asyncio
import contextlib
import json
import logging
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial
from typing import Any, NamedTuple, TypeVar

import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection

from auctions.models import Anomaly, Bid, EvidenceEntry, Lot, LotTrading
from auctions.nudges import LIVE_KINDS, channel
from auctions.services import trading
from auctions.services.evidence import utc_text
from core.clock import db_now

logger = logging.getLogger("auctions.live")
T = TypeVar("T")

FAST_PHASES = frozenset({"timed", "auction"})  # a tick every second in these, every few seconds otherwise
QUEUE_LIMIT = 1000  # chunks waiting for one connection before it is closed (its browser reconnects and catches up)
STORM_WINDOW_SECONDS = 60  # the sliding window of the connection-storm count
RETRY_AFTER_SECONDS = 5  # what a stream refused by the process's limit is told


# ------------------------------------------------------------------------------ the database (in worker threads)
def event_of(entry: EvidenceEntry) -> dict[str, Any]:
    return {"seq": entry.seq, "kind": entry.kind, "at": utc_text(entry.created_at), "data": entry.data}


def watchable(lot_id: int) -> bool:
    """Whether the lot exists and is announced or terminated. Run in the request's thread, it hands that thread's
    database connection back at once (unless a transaction around it, a test's, still uses it): a stream lives for
    hours, and a connection kept by its request would hold one of the pool's few places for as long
    (DATABASE_POOL_MAX_SIZE open streams would stall every request of the process)."""
    try:
        return Lot.objects.filter(pk=lot_id, status__in=(Lot.Status.ANNOUNCED, Lot.Status.TERMINATED)).exists()
    finally:
        if connection.get_autocommit():
            close_old_connections()


def entries_after(lot_id: int, seq: int, limit: int = 5000) -> list[dict[str, Any]]:
    """The lot's live entries after `seq`, in order."""
    rows = EvidenceEntry.objects.filter(lot_id=lot_id, seq__gt=seq, kind__in=LIVE_KINDS).order_by("seq")[:limit]
    return [event_of(entry) for entry in rows]


def head(lot_id: int) -> int:
    """The last sequence number of the lot's log (0 for an empty log)."""
    last = EvidenceEntry.objects.filter(lot_id=lot_id).order_by("-seq").values_list("seq", flat=True).first()
    return last or 0


def snapshot(lot_id: int) -> dict[str, Any] | None:
    """The public trading state by the database's clock (what the trading state API answers, without identities and
    history): phase, deadline, server time, the highest price and its bidder number, the bid count."""
    lot = Lot.objects.select_related("rules").filter(pk=lot_id).first()
    if lot is None:
        return None
    state = LotTrading.objects.filter(lot=lot).first() or LotTrading(lot=lot)
    now = db_now()
    phase = trading.phase_at(lot, state, now)
    highest = (
        Bid.objects.select_related("qualification").filter(pk=state.highest_bid_id).first()
        if state.highest_bid_id
        else None
    )
    return {
        "phase": phase.name,
        "deadline": _time(phase.deadline),
        "server_time": _time(now),
        "highest_wan": str(highest.amount_wan) if highest else None,
        "highest_bidder": highest.qualification.bidder_number if highest else None,
        "bid_count": state.bid_count,
        "outcome": state.outcome,
    }


def _time(value: datetime | None) -> str | None:
    return utc_text(value) if value is not None else None


def note_storm(lot_id: int, opened: int, refused: int) -> None:
    """Write one connection_storm anomaly for the lot, at the database's clock."""
    Anomaly.objects.create(
        lot_id=lot_id,
        kind=Anomaly.Kind.CONNECTION_STORM,
        detail={"opened": opened, "refused": refused, "window_seconds": STORM_WINDOW_SECONDS},
        created_at=db_now(),
    )


def lent(read: Callable[..., T], *args: Any) -> T:
    """Run a read on a connection of the pool and hand it back (a stream's own reads, in a worker thread)."""
    try:
        return read(*args)
    finally:
        close_old_connections()


def kept(read: Callable[..., T], *args: Any) -> T:
    """Run a read on the connection the hub's thread keeps: the hub's reads never wait behind requests for the pool
    (200 bidders at once empty it: the wake-up's read once waited seconds there). A connection that failed is
    dropped; the next read takes another."""
    try:
        return read(*args)
    except DatabaseError:
        connection.close()
        raise


def hand_back() -> None:
    """Give the hub thread's connection back to the pool (no lot is watched any more)."""
    connection.close()


# ------------------------------------------------------------------------------ the hub of one process
class Chunk(NamedTuple):
    """Bytes of the stream, encoded once for every connection: an entry (its sequence number) or a tick (0); `last`
    ends the stream (the tick that shows the lot closed, with the closing event)."""

    seq: int
    data: bytes
    last: bool = False


class Watcher:
    """One connection's place in the hub: the chunks handed to it and not yet written, and the flag that wakes it.
    A connection takes everything waiting at once and writes it as one chunk. `overflowed` once it fell more than
    QUEUE_LIMIT chunks behind (nothing more is added; its stream ends)."""

    def __init__(self) -> None:
        self.pending: list[Chunk] = []
        self.wake = asyncio.Event()
        self.overflowed = False

    def put(self, chunk: Chunk) -> None:
        if len(self.pending) >= QUEUE_LIMIT:
            self.overflowed = True
        else:
            self.pending.append(chunk)
        self.wake.set()

    async def take(self) -> list[Chunk]:
        await self.wake.wait()
        self.wake.clear()
        chunks, self.pending = self.pending, []
        return chunks


class Hub:
    """The process's one subscriber: fans each lot's new entries and ticks out to the connections watching it. It
    also counts the streams of the process (LIVE_MAX_CONNECTIONS) and of each client address
    (LIVE_MAX_CONNECTIONS_PER_CLIENT), and the streams opened and refused per lot over the last minute (the storm
    anomaly)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.watchers: dict[int, set[Watcher]] = defaultdict(set)
        self.sent: dict[int, int] = {}  # per lot: the last sequence number handed out
        self.tickers: dict[int, asyncio.Task[None]] = {}
        self.fetching: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.listener: asyncio.Task[None] | None = None
        self.connections: dict[str, int] = defaultdict(int)  # open streams per client address
        self.streams = 0  # open streams of the process
        self.opened: dict[int, deque[float]] = defaultdict(deque)  # per lot: when streams opened (monotonic)
        self.refused: dict[int, deque[float]] = defaultdict(deque)  # per lot: when streams were refused by a limit
        self.storm_noted: dict[int, float] = {}  # per lot: when the last storm anomaly was noted
        self.background: set[asyncio.Task[None]] = set()
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-hub")  # its reads, on one connection

    async def read(self, read: Callable[..., T], *args: Any) -> T:
        """Run one of the hub's reads in its thread, on the connection that thread keeps while lots are watched."""
        return await self.loop.run_in_executor(self.thread, partial(kept, read, *args))

    # -------------------------------------------------------------------------- admission
    def admit(self, lot_id: int, address: str) -> str | None:
        """Count a new stream of `address` on the lot, or say which limit refuses it: "process" or "client"."""
        refusal = None
        if self.streams >= settings.LIVE_MAX_CONNECTIONS:
            refusal = "process"
        elif self.connections[address] >= settings.LIVE_MAX_CONNECTIONS_PER_CLIENT:
            refusal = "client"
        self.count(lot_id, refused=refusal is not None)
        if refusal is None:
            self.streams += 1
            self.connections[address] += 1
        elif not self.connections[address]:
            del self.connections[address]
        return refusal

    def release(self, address: str) -> None:
        """A stream admitted for `address` ended."""
        self.streams -= 1
        self.connections[address] -= 1
        if self.connections[address] <= 0:
            del self.connections[address]

    def count(self, lot_id: int, *, refused: bool) -> None:
        """Note a stream opened or refused on the lot. When the last minute holds LIVE_STORM_OPENS opened streams or
        any refused one, note one connection_storm anomaly (written in a thread: the loop never waits for it), at
        most one per lot and minute. In process: no Redis round trip per connection."""
        now = time.monotonic()
        (self.refused if refused else self.opened)[lot_id].append(now)
        opened, refusals = self._within_window(self.opened, lot_id, now), self._within_window(self.refused, lot_id, now)
        if opened < settings.LIVE_STORM_OPENS and not refusals:
            return
        if now - self.storm_noted.get(lot_id, -STORM_WINDOW_SECONDS) < STORM_WINDOW_SECONDS:
            return
        self.storm_noted[lot_id] = now
        task = self.loop.create_task(self._note_storm(lot_id, opened, refusals))
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def _note_storm(self, lot_id: int, opened: int, refused: int) -> None:
        try:
            await self.read(note_storm, lot_id, opened, refused)
        except DatabaseError as error:
            logger.warning("live: the connection storm on lot %s was not noted (%s)", lot_id, type(error).__name__)

    @staticmethod
    def _within_window(times: dict[int, deque[float]], lot_id: int, now: float) -> int:
        """How many of the lot's times fall in the last STORM_WINDOW_SECONDS (older ones are dropped)."""
        recent = times[lot_id]
        while recent and recent[0] <= now - STORM_WINDOW_SECONDS:
            recent.popleft()
        if not recent:
            del times[lot_id]
        return len(recent)

    # -------------------------------------------------------------------------- fan-out
    async def join(self, lot_id: int) -> Watcher:
        watcher = Watcher()
        if lot_id not in self.sent:
            self.sent[lot_id] = await self.read(head, lot_id)
        self.watchers[lot_id].add(watcher)
        if self.listener is None or self.listener.done():
            self.listener = self.loop.create_task(self._listen())
        if lot_id not in self.tickers or self.tickers[lot_id].done():
            self.tickers[lot_id] = self.loop.create_task(self._tick(lot_id))
        return watcher

    def leave(self, lot_id: int, watcher: Watcher) -> None:
        watchers = self.watchers.get(lot_id)
        if watchers is None:
            return
        watchers.discard(watcher)
        if not watchers:
            del self.watchers[lot_id]
            self.sent.pop(lot_id, None)
            ticker = self.tickers.pop(lot_id, None)
            if ticker is not None:
                ticker.cancel()
        if not self.watchers:
            self.thread.submit(hand_back)

    def deliver(self, lot_id: int, chunk: Chunk) -> None:
        for watcher in self.watchers.get(lot_id, ()):
            if not watcher.overflowed:
                watcher.put(chunk)

    async def catch_up(self, lot_id: int) -> None:
        """Hand out the lot's entries after the last one handed out (one query and one encoding for every
        connection of the lot)."""
        async with self.fetching[lot_id]:
            if lot_id not in self.sent:
                return
            events = await self.read(entries_after, lot_id, self.sent[lot_id])
            for event in events:
                if lot_id in self.sent and event["seq"] > self.sent[lot_id]:
                    self.sent[lot_id] = event["seq"]
                    self.deliver(lot_id, Chunk(event["seq"], sse(event["kind"], event, event["seq"])))

    async def _listen(self) -> None:
        """Nudges from Redis, for as long as the process lives; reconnects after an error."""
        url = settings.REDIS_URL
        if not url:
            return
        while True:
            client = aioredis.Redis.from_url(url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(channel())
                    async for message in pubsub.listen():
                        if message.get("type") != "message":
                            continue
                        with contextlib.suppress(ValueError, KeyError, TypeError):
                            lot_id = int(json.loads(message["data"])["lot"])
                            if lot_id in self.watchers:
                                self.loop.create_task(self.catch_up(lot_id))
            except asyncio.CancelledError:
                raise
            except (OSError, aioredis.RedisError) as error:
                logger.warning("live: the subscription failed (%s); retrying", type(error).__name__)
                await asyncio.sleep(1)
            finally:
                await client.aclose()

    async def _tick(self, lot_id: int) -> None:
        """Every second in timed bidding or an auction, every few seconds otherwise: catch up, then tick."""
        while lot_id in self.watchers:
            await self.catch_up(lot_id)
            state = await self.read(snapshot, lot_id)
            if state is None:
                return
            state["head"] = self.sent.get(lot_id, 0)
            self.deliver(lot_id, tick(state))
            fast = state["phase"] in FAST_PHASES or state["phase"] == "ended"
            await asyncio.sleep(settings.LIVE_TICK_SECONDS if fast else settings.LIVE_SLOW_TICK_SECONDS)


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def hub() -> Hub:
    """This event loop's hub (one per process under uvicorn). Hubs of closed loops (a loop per request where async
    views run under a sync server, as in the test client) are dropped with whatever they still counted."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        for closed in [each for each in _hubs if each.is_closed()]:
            del _hubs[closed]
        _hubs[loop] = Hub(loop)
    return _hubs[loop]


# ------------------------------------------------------------------------------ one connection
def sse(event: str, data: dict[str, Any], event_id: int | None = None) -> bytes:
    lines = [f"id: {event_id}"] if event_id is not None else []
    lines += [f"event: {event}", "data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":"))]
    return ("\n".join(lines) + "\n\n").encode()


def tick(state: dict[str, Any]) -> Chunk:
    """A tick; the one that shows the lot closed also carries the closing event and ends the stream."""
    if state["phase"] == "closed":
        return Chunk(0, sse("tick", state) + sse("closed", {"outcome": state["outcome"]}), last=True)
    return Chunk(0, sse("tick", state))


async def stream(lot_id: int, last_id: int, *, on_close: Callable[[], None]) -> AsyncIterator[bytes]:
    """One connection's events: the missed entries after `last_id` from the database, a tick with the state now, then
    the live entries and the ticks; ends after the tick that shows the lot closed, or when it fell too far behind.
    Whatever waits when the connection gets its turn is written as one chunk."""
    the_hub = hub()
    watcher = None
    try:  # the place is given back however the stream ends, even cancelled while it joins
        watcher = await the_hub.join(lot_id)  # first join, then replay: nothing committed in between is lost
        first = [f"retry: {settings.LIVE_RETRY_MS}\n\n".encode()]
        for event in await sync_to_async(lent, thread_sensitive=False)(entries_after, lot_id, last_id):
            last_id = event["seq"]
            first.append(sse(event["kind"], event, last_id))
        state = await sync_to_async(lent, thread_sensitive=False)(snapshot, lot_id)  # the state now, before a tick
        ended = False
        if state is not None:
            state["head"] = max(last_id, the_hub.sent.get(lot_id, 0))
            opening = tick(state)
            first.append(opening.data)
            ended = opening.last
        yield b"".join(first)
        while not ended and not watcher.overflowed:
            out = []
            for chunk in await watcher.take():
                if chunk.seq:
                    if chunk.seq <= last_id:
                        continue  # already sent by the replay
                    last_id = chunk.seq
                out.append(chunk.data)
                if chunk.last:
                    ended = True
                    break
            if out:
                yield b"".join(out)
    finally:
        if watcher is not None:
            the_hub.leave(lot_id, watcher)
        on_close()
