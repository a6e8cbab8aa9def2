"""Benchmark of the live channel (docs/live.md): WATCHERS Server-Sent-Events connections on one hot auction lot while
BIDDERS bid on it over HTTP, against uvicorn as `make run` starts it (WEB_WORKERS processes, read from the environment
or the Makefile, unless --workers). Measures how long an accepted bid takes to reach the watchers, whether any watcher
missed or doubled one, what a connection costs the server in memory, and how many connections failed to open.

    make bench-live                                                  # 2,000 watchers, 200 bidders, 20 s
    .venv/bin/python bench/live_bench.py --watchers 500 --bidders 50 --seconds 10
    .venv/bin/python bench/live_bench.py --rate 20                   # bidders paced to 20 bids/s in all

Reading it (bench/results/live.json, and the table printed at the end):

- `latency_ms.from_answer` runs from the moment the bidder received its 201 to the moment a watcher read the event
  with that id. The 201 comes after the bid's commit, so this is a lower bound of the commit-to-watcher time (it can
  be negative: the nudge goes out at the commit, before the response). `latency_ms.from_send` runs from the moment
  the bid was sent, an upper bound. Both over every (accepted bid, watcher) pair; `fan_out_ms` is, per bid, the time
  from its 201 until the last watcher had it. The goal is p99 under 250 ms.
- `events`: each watcher's bid.accepted ids against the lot's accepted bids in the evidence log, counted after the
  bidders stop and every watcher had them or the grace period ran out; `missing` and `duplicated` must be 0.
  `reconnects` counts streams the server ended (a queue overflowed) that the watcher reopened with Last-Event-ID,
  as a browser does.
- `memory`: the server's RSS (VmRSS of its processes, /proc/<pid>/status) before any watcher, with all connected,
  and after the load; `per_connection_kib` = (all connected - before) / connections open.
- `connections`: opened, failed (by reason: HTTP status or error), and the seconds it took to open them all.
- `client`: the watcher process's CPU share during the load. Near 100 % the client itself was the limit and the
  latencies include its own queueing; the machine's load average is recorded too.

The per-client limit of open streams (LIVE_MAX_CONNECTIONS_PER_CLIENT, 8 per process and address) would refuse all
but 8 watchers from this one address: the benchmark raises it to --max-per-client (100,000) in the server's
environment. The bid throttles are raised as in bench/bids_bench.py. All watchers run in one process (asyncio, raw
sockets, the HTTP/1.1 chunked SSE stream parsed by hand) with its open-files limit raised to the hard limit; the
bidders are threads of the main process (http.client), as in bench/bids_bench.py. Both processes use the system's
monotonic clock, so their times compare.

Runs against bench/bids_bench.py's database (<name>_bids_bench) with a fresh auction lot each run (its make_lot).
"""

import argparse
import asyncio
import itertools
import json
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bids_bench import environment, make_lot, make_run_workers, percentile, start_server  # noqa: E402
from tiles_bench import free_port  # noqa: E402


# ------------------------------------------------------------------------------ the server's memory
def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's workers with --workers > 1)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def rss_kib(pid: int) -> int:
    """The resident memory of the server's processes in KiB (VmRSS from /proc/<pid>/status, summed)."""
    total = 0
    for each in process_tree(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def raise_open_files() -> dict[str, int]:
    """Raise this process's open-files limit to the hard limit; the limits after."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return {"soft": soft, "hard": hard}


# ------------------------------------------------------------------------------ the watchers (their own process)
@dataclass
class Watch(asyncio.Protocol):
    """One SSE connection: reads the HTTP/1.1 response, undoes the chunked framing, splits the events and notes when
    each bid.accepted id arrived. Reopens with Last-Event-ID when the server ends the stream early."""

    port: int
    lot_id: int
    received: dict[int, float] = field(default_factory=dict)
    duplicated: int = 0
    last_id: int = 0
    reconnects: int = 0
    status: int | None = None
    failure: str | None = None
    ready: asyncio.Future[bool] | None = None
    lost: asyncio.Future[None] | None = None
    raw: bytes = b""
    body: bytes = b""
    headers_done: bool = False
    transport: asyncio.Transport | None = None

    def request(self) -> bytes:
        return (
            f"GET /api/auctions/lots/{self.lot_id}/events/ HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Accept: text/event-stream\r\nLast-Event-ID: {self.last_id}\r\n\r\n"
        ).encode()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # a socket's
        self.raw, self.body, self.headers_done = b"", b"", False
        self.transport.write(self.request())

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        self.raw += data
        if not self.headers_done:
            end = self.raw.find(b"\r\n\r\n")
            if end < 0:
                return
            self.status = int(self.raw.split(b" ", 2)[1])
            self.raw, self.headers_done = self.raw[end + 4 :], True
            if self.status != 200:
                self.failure = f"HTTP {self.status}"
                self._settle_ready(False)
                self.close()
                return
        while True:  # chunked transfer encoding: <hex size>\r\n<bytes>\r\n
            line_end = self.raw.find(b"\r\n")
            if line_end < 0:
                break
            size = int(self.raw[:line_end].split(b";")[0], 16)
            if len(self.raw) < line_end + 2 + size + 2:
                break
            self.body += self.raw[line_end + 2 : line_end + 2 + size]
            self.raw = self.raw[line_end + 4 + size :]
            if size == 0:  # the server ended the stream: close, and keep_open reopens it unless the run is over
                self.close()
                break
        while (end := self.body.find(b"\n\n")) >= 0:
            block, self.body = self.body[:end], self.body[end + 2 :]
            self.event(block, now)

    def event(self, block: bytes, now: float) -> None:
        event_id, kind = None, b""
        for line in block.split(b"\n"):
            if line.startswith(b"id: "):
                event_id = int(line[4:])
            elif line.startswith(b"event: "):
                kind = line[7:]
        if event_id is not None:
            self.last_id = max(self.last_id, event_id)
        if kind == b"bid.accepted" and event_id is not None:
            if event_id in self.received:
                self.duplicated += 1
            else:
                self.received[event_id] = now
        elif kind == b"tick":
            self._settle_ready(True)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def _settle_ready(self, value: bool) -> None:
        if self.ready is not None and not self.ready.done():
            self.ready.set_result(value)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.failure is None and exc is not None:
            self.failure = type(exc).__name__
        self._settle_ready(False)
        if self.lost is not None and not self.lost.done():
            self.lost.set_result(None)


async def open_watch(watch: Watch, timeout: float) -> None:
    """Connect and wait for the stream's first tick (after its replay); `watch.failure` says why not."""
    loop = asyncio.get_running_loop()
    watch.ready, watch.lost = loop.create_future(), loop.create_future()
    try:
        await asyncio.wait_for(loop.create_connection(lambda: watch, "127.0.0.1", watch.port), timeout)
        if not await asyncio.wait_for(watch.ready, timeout):
            watch.failure = watch.failure or "closed before the first tick"
    except (OSError, TimeoutError) as error:
        watch.failure = watch.failure or type(error).__name__


async def keep_open(watch: Watch, stop: asyncio.Event) -> None:
    """Reopen a stream the server ended (an overflowed queue) with Last-Event-ID, as a browser's EventSource does."""
    stopped: asyncio.Future[Any] = asyncio.ensure_future(stop.wait())
    while watch.lost is not None:
        lost: asyncio.Future[Any] = watch.lost
        await asyncio.wait([lost, stopped], return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            return
        watch.reconnects += 1
        watch.failure = None
        await asyncio.sleep(0.2)
        await open_watch(watch, 30)


async def watch_all(pipe: Connection, port: int, lot_id: int, count: int, concurrency: int) -> None:
    loop = asyncio.get_running_loop()
    watches = [Watch(port=port, lot_id=lot_id) for _ in range(count)]
    gate = asyncio.Semaphore(concurrency)

    async def opened(watch: Watch) -> None:
        async with gate:
            await open_watch(watch, 60)

    started = time.monotonic()
    await asyncio.gather(*(opened(watch) for watch in watches))
    open_seconds = time.monotonic() - started
    failed: dict[str, int] = {}
    for watch in watches:
        if watch.failure is not None:
            failed[watch.failure] = failed.get(watch.failure, 0) + 1
    live = [watch for watch in watches if watch.failure is None]
    pipe.send({"opened": len(live), "failed": failed, "open_seconds": round(open_seconds, 2)})
    stop = asyncio.Event()
    keepers = [loop.create_task(keep_open(watch, stop)) for watch in live]

    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    wall_before = time.monotonic()
    message: dict[str, Any] = await loop.run_in_executor(None, pipe.recv)  # the bids, once the bidders stopped
    usage_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage_after.ru_utime + usage_after.ru_stime) - (usage_before.ru_utime + usage_before.ru_stime)
    load_share = cpu / max(time.monotonic() - wall_before, 1e-9)

    expected: set[int] = set(message["expected"])
    grace_until = time.monotonic() + message["grace"]
    while time.monotonic() < grace_until and not all(expected <= watch.received.keys() for watch in live):
        await asyncio.sleep(0.2)
    grace_used = message["grace"] - max(0.0, grace_until - time.monotonic())
    stop.set()
    await asyncio.gather(*keepers)
    for watch in watches:
        watch.close()
    pipe.send(
        summarise(live, message["bids"], expected) | {"grace_used_s": round(grace_used, 2), "cpu_share": load_share}
    )


def summarise(live: list["Watch"], bids: dict[int, tuple[float, float]], expected: set[int]) -> dict[str, Any]:
    """Latencies over every (bid, watcher) pair, the per-bid fan-out, and what each watcher missed or doubled."""
    from_answer: list[float] = []
    from_send: list[float] = []
    last_arrival: dict[int, float] = {}
    missing = unexpected = 0
    for watch in live:
        missing += len(expected - watch.received.keys())
        unexpected += len(watch.received.keys() - expected)
        for seq, arrived in watch.received.items():
            if seq not in bids:
                continue
            sent, answered = bids[seq]
            from_answer.append((arrived - answered) * 1000)
            from_send.append((arrived - sent) * 1000)
            last_arrival[seq] = max(last_arrival.get(seq, arrived), arrived)
    fan_out = [(last_arrival[seq] - bids[seq][1]) * 1000 for seq in last_arrival]
    return {
        "from_answer": spread(from_answer),
        "from_send": spread(from_send),
        "fan_out": spread(fan_out),
        "events": {
            "watchers": len(live),
            "accepted_in_log": len(expected),
            "deliveries": sum(len(watch.received) for watch in live),
            "missing": missing,
            "duplicated": sum(watch.duplicated for watch in live),
            "unexpected": unexpected,
            "watchers_missing_some": sum(not expected <= watch.received.keys() for watch in live),
            "reconnects": sum(watch.reconnects for watch in live),
        },
    }


def spread(values: list[float]) -> dict[str, Any]:
    return {
        "count": len(values),
        "p50": percentile(values, 0.50),
        "p99": percentile(values, 0.99),
        "max": round(max(values), 2) if values else 0.0,
        "mean": round(statistics.fmean(values), 2) if values else 0.0,
    }


def watcher_process(pipe: Connection, port: int, lot_id: int, count: int, concurrency: int) -> None:
    """The watchers' process: its open-files limit raised, uvloop if installed (uvicorn[standard] brings it)."""
    raise_open_files()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(watch_all(pipe, port, lot_id, count, concurrency))


# ------------------------------------------------------------------------------ the bidders (threads of this process)
def bid(port: int, lot_id: int, tokens: list[str], seconds: float, rate: float) -> dict[str, Any]:
    """Every bidder bids for `seconds` at the next amount of one shared rising sequence: as fast as answered
    (rate 0), or each once every len(tokens)/rate seconds. Notes each accepted bid's send and answer times."""
    import http.client

    amounts = itertools.count(1)
    lock = threading.Lock()
    accepted: dict[int, tuple[float, float]] = {}
    codes: dict[str, int] = {}
    latencies: list[float] = []
    started = time.monotonic()
    stop = started + seconds
    interval = len(tokens) / rate if rate > 0 else 0.0

    def bidder(index: int, token: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        next_at = started + interval * index / len(tokens)
        while True:
            if interval:
                time.sleep(max(0.0, min(next_at, stop) - time.monotonic()))
                next_at += interval
            if time.monotonic() >= stop:
                return
            with lock:
                amount = 1000 + next(amounts)
            body = json.dumps({"client_bid_id": str(uuid.uuid4()), "amount_wan": str(amount)})
            sent = time.monotonic()
            connection.request("POST", f"/api/auctions/lots/{lot_id}/bids/", body=body, headers=headers)
            response = connection.getresponse()
            payload = json.loads(response.read() or b"{}")
            answered = time.monotonic()
            code = "accepted" if response.status == 201 else payload.get("error", {}).get("code", str(response.status))
            with lock:
                codes[code] = codes.get(code, 0) + 1
                latencies.append((answered - sent) * 1000)
                if response.status == 201:
                    accepted[int(payload["seq"])] = (sent, answered)

    threads = [threading.Thread(target=bidder, args=(i, token)) for i, token in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "accepted": accepted,
        "summary": {
            "requests": len(latencies),
            "answers": codes,
            "accepted_per_s": round(codes.get("accepted", 0) / elapsed, 1),
            "requests_per_s": round(len(latencies) / elapsed, 1),
            "bid_p50_ms": percentile(latencies, 0.50),
            "bid_p99_ms": percentile(latencies, 0.99),
            "seconds": round(elapsed, 2),
        },
    }


def accepted_in_log(lot_id: int) -> list[int]:
    from auctions.models import EvidenceEntry

    return list(
        EvidenceEntry.objects.filter(lot_id=lot_id, kind="bid.accepted").order_by("seq").values_list("seq", flat=True)
    )


# ------------------------------------------------------------------------------ one run
def run(args: argparse.Namespace, env: dict[str, str], index: int) -> dict[str, Any]:
    lot_id, tokens = make_lot(args.bidders, (int(time.time()) % 100 * 10 + index) % 1000)
    port = free_port()
    server_env = {**env, "LIVE_MAX_CONNECTIONS_PER_CLIENT": str(args.max_per_client), "DJANGO_LOG_LEVEL": "ERROR"}
    server = start_server(port, args.workers, server_env)  # ERROR: no line per refused (409) bid
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no Django, threads or sockets inherited
    ours, theirs = context.Pipe()
    watchers = context.Process(
        target=watcher_process, args=(theirs, port, lot_id, args.watchers, args.connect_concurrency)
    )
    try:
        time.sleep(1)  # the server settles after its health check
        rss_before = rss_kib(server.pid)
        watchers.start()
        connections = ours.recv()
        time.sleep(1)
        rss_connected = rss_kib(server.pid)
        load_before = os.getloadavg()
        bids = bid(port, lot_id, tokens, args.seconds, args.rate)
        rss_after = rss_kib(server.pid)
        log = accepted_in_log(lot_id)
        ours.send({"bids": bids["accepted"], "expected": log, "grace": args.grace})
        seen = ours.recv()
        load_after = os.getloadavg()
        watchers.join(timeout=60)
    finally:
        if watchers.is_alive():
            watchers.terminate()
        server.terminate()
        server.wait(timeout=30)
    opened = connections["opened"]
    return {
        "lot": lot_id,
        "latency_ms": {
            "from_answer": seen["from_answer"]
            | {"meaning": "bidder's 201 received -> watcher read the event (lower bound of commit -> watcher)"},
            "from_send": seen["from_send"]
            | {"meaning": "bid sent -> watcher read the event (upper bound of commit -> watcher)"},
        },
        "fan_out_ms": seen["fan_out"] | {"meaning": "per bid: its 201 -> the last watcher read it"},
        "events": seen["events"]
        | {"accepted_answers": len(bids["accepted"]), "grace_used_s": seen["grace_used_s"], "grace_s": args.grace},
        "connections": connections | {"asked": args.watchers},
        "memory": {
            "rss_before_kib": rss_before,
            "rss_connected_kib": rss_connected,
            "rss_after_load_kib": rss_after,
            "per_connection_kib": round((rss_connected - rss_before) / opened, 1) if opened else None,
        },
        "bids": bids["summary"],
        "client": {"watcher_process_cpu_share": round(seen["cpu_share"], 2)},
        "load_average": {"before_load": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in load_after]},
    }


def pair(spread: dict[str, Any]) -> str:
    return f"{spread['p50']}/{spread['p99']}"


def table(runs: list[dict[str, Any]]) -> str:
    rows = [
        ("watchers open/failed", lambda r: f"{r['connections']['opened']}/{sum(r['connections']['failed'].values())}"),
        ("accepted bids (/s)", lambda r: f"{r['events']['accepted_in_log']} ({r['bids']['accepted_per_s']})"),
        ("201->watcher p50/p99 ms", lambda r: pair(r["latency_ms"]["from_answer"])),
        ("send->watcher p50/p99 ms", lambda r: pair(r["latency_ms"]["from_send"])),
        ("fan-out p50/p99 ms", lambda r: pair(r["fan_out_ms"])),
        ("missing/duplicated", lambda r: f"{r['events']['missing']}/{r['events']['duplicated']}"),
        ("reconnects", lambda r: str(r["events"]["reconnects"])),
        ("KiB per connection", lambda r: str(r["memory"]["per_connection_kib"])),
        ("client CPU share", lambda r: str(r["client"]["watcher_process_cpu_share"])),
        ("load average (1 min)", lambda r: f"{r['load_average']['before_load'][0]}"),
    ]
    lines = [f"{'':26}" + "".join(f"run {i + 1:<14}" for i in range(len(runs)))]
    for name, value in rows:
        lines.append(f"{name:26}" + "".join(f"{value(r):<18}" for r in runs))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--watchers", type=int, default=2000)
    parser.add_argument("--bidders", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=20, help="how long the bidders bid")
    parser.add_argument("--rate", type=float, default=0, help="bids per second in all (0: as fast as answered)")
    parser.add_argument("--grace", type=float, default=30, help="seconds the watchers may take to catch up after")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--output", default="live.json", help="file name in bench/results/")
    parser.add_argument("--connect-concurrency", type=int, default=100, help="watchers opening at once")
    parser.add_argument("--max-per-client", type=int, default=100000, help="LIVE_MAX_CONNECTIONS_PER_CLIENT")
    parser.add_argument(
        "--workers", type=int, default=make_run_workers(), help="uvicorn worker processes (default: make run's)"
    )
    args = parser.parse_args()
    limits = raise_open_files()
    if limits["soft"] < args.watchers + args.bidders + 100:
        print(f"the open-files hard limit ({limits['hard']}) is below what {args.watchers} watchers need")

    from run import bench_database_url  # bench/run.py, beside this file

    database_url = bench_database_url("_bids_bench")
    env = environment(database_url)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    RESULTS.mkdir(parents=True, exist_ok=True)
    runs = [run(args, env, index) for index in range(args.runs)]
    output = {
        "runs": runs,
        "goal": "p99 under 250 ms from commit to watcher; 0 missing, 0 duplicated",
        "setup": {
            "watchers": args.watchers,
            "bidders": args.bidders,
            "seconds": args.seconds,
            "rate": args.rate or "as fast as answered",
            "server": f"uvicorn config.asgi:application --workers {args.workers} (as make run, plus --log-level "
            "warning --no-access-log), DEBUG off, bid throttles off",
            "server_environment": {"LIVE_MAX_CONNECTIONS_PER_CLIENT": args.max_per_client},
            "open_files_limit": limits,
        },
        "machine": {"machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version()},
    }
    (RESULTS / args.output).write_text(json.dumps(output, indent=2, ensure_ascii=False))
    print(table(runs))
    print(f"JSON: {RESULTS / args.output}")


if __name__ == "__main__":
    main()
