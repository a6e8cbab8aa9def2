"""The live channel of a lot (docs/live.md): Server-Sent Events from an async view, fed through one hub per process.

The database is the truth and Redis pub/sub only a wake-up. A change that writes a trading entry to the lot's evidence
log publishes a nudge {"lot": id} after its commit; each process's hub, subscribed once to the channel, reads the
lot's new entries from the database in one query (however many connections watch it) and hands them to every
connection watching the lot, in sequence order. A ticker per watched lot does the same every second during timed
bidding or an auction (every few seconds otherwise) and sends a tick with the database's time and the trading state,
so a lost nudge costs at most one tick and every screen counts down from the same clock.

Event ids are evidence sequence numbers. A browser that reconnects sends Last-Event-ID and first gets the entries it
missed from the database, then the live ones; an entry is never sent twice on one connection. A connection whose
queue overflows (a reader too slow) is closed, and its browser reconnects and catches up the same way.

Only trading entries go out live (LIVE_KINDS): applications, deposits and qualifications would tell who and how many
are bidding before the close.
"""

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connection

from auctions.models import Bid, EvidenceEntry, Lot, LotTrading
from auctions.nudges import LIVE_KINDS, channel
from auctions.services import trading
from auctions.services.evidence import utc_text
from core.clock import db_now

logger = logging.getLogger("auctions.live")

FAST_PHASES = frozenset({"timed", "auction"})  # a tick every second in these, every few seconds otherwise
QUEUE_LIMIT = 1000  # events waiting for one connection before it is closed (its browser reconnects and catches up)


# ------------------------------------------------------------------------------ reads (run in a worker thread)
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
    try:
        rows = EvidenceEntry.objects.filter(lot_id=lot_id, seq__gt=seq, kind__in=LIVE_KINDS).order_by("seq")[:limit]
        return [event_of(entry) for entry in rows]
    finally:
        close_old_connections()


def head(lot_id: int) -> int:
    """The last sequence number of the lot's log (0 for an empty log)."""
    try:
        last = EvidenceEntry.objects.filter(lot_id=lot_id).order_by("-seq").values_list("seq", flat=True).first()
        return last or 0
    finally:
        close_old_connections()


def snapshot(lot_id: int) -> dict[str, Any] | None:
    """The public trading state by the database's clock (what the trading state API answers, without identities and
    history): phase, deadline, server time, the highest price and its bidder number, the bid count."""
    try:
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
    finally:
        close_old_connections()


def _time(value: datetime | None) -> str | None:
    return utc_text(value) if value is not None else None


# ------------------------------------------------------------------------------ the hub of one process
class Watcher(asyncio.Queue[tuple[str, dict[str, Any]]]):
    """One connection's queue; `overflowed` once it fell too far behind."""

    def __init__(self) -> None:
        super().__init__(maxsize=QUEUE_LIMIT)
        self.overflowed = False


class Hub:
    """The process's one subscriber: fans each lot's new entries and ticks out to the connections watching it."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.watchers: dict[int, set[Watcher]] = defaultdict(set)
        self.sent: dict[int, int] = {}  # per lot: the last sequence number handed out
        self.tickers: dict[int, asyncio.Task[None]] = {}
        self.fetching: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.listener: asyncio.Task[None] | None = None
        self.connections: dict[str, int] = defaultdict(int)  # per client address

    async def join(self, lot_id: int) -> Watcher:
        watcher = Watcher()
        if lot_id not in self.sent:
            self.sent[lot_id] = await sync_to_async(head, thread_sensitive=False)(lot_id)
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

    def deliver(self, lot_id: int, item: tuple[str, dict[str, Any]]) -> None:
        for watcher in list(self.watchers.get(lot_id, ())):
            if watcher.overflowed:
                continue
            try:
                watcher.put_nowait(item)
            except asyncio.QueueFull:
                watcher.overflowed = True  # its stream ends; the browser reconnects and replays from the log

    async def catch_up(self, lot_id: int) -> None:
        """Hand out the lot's entries after the last one handed out (one query for every connection of the lot)."""
        async with self.fetching[lot_id]:
            if lot_id not in self.sent:
                return
            events = await sync_to_async(entries_after, thread_sensitive=False)(lot_id, self.sent[lot_id])
            for event in events:
                if lot_id in self.sent and event["seq"] > self.sent[lot_id]:
                    self.sent[lot_id] = event["seq"]
                    self.deliver(lot_id, ("event", event))

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
            state = await sync_to_async(snapshot, thread_sensitive=False)(lot_id)
            if state is None:
                return
            state["head"] = self.sent.get(lot_id, 0)
            self.deliver(lot_id, ("tick", state))
            fast = state["phase"] in FAST_PHASES or state["phase"] == "ended"
            await asyncio.sleep(settings.LIVE_TICK_SECONDS if fast else settings.LIVE_SLOW_TICK_SECONDS)


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def hub() -> Hub:
    """This event loop's hub (one per process under uvicorn)."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = Hub(loop)
    return _hubs[loop]


# ------------------------------------------------------------------------------ one connection
def sse(event: str, data: dict[str, Any], event_id: int | None = None) -> str:
    lines = [f"id: {event_id}"] if event_id is not None else []
    lines += [f"event: {event}", "data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":"))]
    return "\n".join(lines) + "\n\n"


async def stream(lot_id: int, last_id: int, *, on_close: Callable[[], None]) -> AsyncIterator[str]:
    """One connection's events: the missed entries after `last_id` from the database, a tick with the state now, then
    the live entries and the ticks; ends after the tick that shows the lot closed, or when its queue overflowed."""
    the_hub = hub()
    watcher = await the_hub.join(lot_id)  # first join, then replay: nothing committed in between is lost
    try:
        yield f"retry: {settings.LIVE_RETRY_MS}\n\n"
        for event in await sync_to_async(entries_after, thread_sensitive=False)(lot_id, last_id):
            last_id = event["seq"]
            yield sse(event["kind"], event, last_id)
        state = await sync_to_async(snapshot, thread_sensitive=False)(lot_id)  # the state now, before the next tick
        if state is not None:
            state["head"] = max(last_id, the_hub.sent.get(lot_id, 0))
            yield sse("tick", state)
            if state["phase"] == "closed":
                yield sse("closed", {"outcome": state["outcome"]})
                return
        while not watcher.overflowed:
            kind, payload = await watcher.get()
            if kind == "event":
                if payload["seq"] > last_id:
                    last_id = payload["seq"]
                    yield sse(payload["kind"], payload, last_id)
                continue
            yield sse("tick", payload)
            if payload["phase"] == "closed":
                yield sse("closed", {"outcome": payload["outcome"]})
                return
    finally:
        the_hub.leave(lot_id, watcher)
        on_close()
