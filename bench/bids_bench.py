"""Benchmark of bidding on one hot lot: accepted bids per second and bid latency (p50/p99) with 50 and 200 concurrent
bidders over HTTP (uvicorn as `make run` starts it: WEB_WORKERS processes, read from the environment or the
Makefile, unless --workers), beside pgbench updating one row with the same client counts on the same PostgreSQL in the
same run. The ratio (accepted bids/s ÷ pgbench tps) is the figure; the goal is at least 0.5. After each run the
evidence log is counted: no accepted bid lost, doubled, out of order or after the deadline.

    make bench-bids                                        # 50 and 200 bidders, 10 s each
    .venv/bin/python bench/bids_bench.py --clients 50 --seconds 5

Reading it: every bidder sends its next bid as soon as the last is answered, each at the next amount of one shared
rising sequence, so a bid that reaches the lot's lock after a higher one is refused `not_higher`. `accepted_per_s`
counts the 201s; `decided_per_s` counts every bid the engine decided (accepted or refused by a rule, each under the
lot's lock), which is the engine's own rate; the share between them shows how far the server reordered the bids.
pgbench's rate depends on what else the machine runs at that moment (it is measured right after the bids for that
reason), so compare runs by their ratio and run two or three times. The audit's counts must be zero and
`strictly_rising` true. pgbench cannot run more clients than the server's max_connections allows; the JSON then says
so instead of a rate.

Runs against its own database (<name>_bids_bench on the same cluster), migrated here; each run makes a fresh auction
lot (services for everything but one marked step: the lot's start moved to now, since production cannot shift the
clock). Writes bench/results/bids.json.
"""

import argparse
import http.client
import itertools
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from server import free_port, start_uvicorn  # noqa: E402 - bench/ is on the path above


def environment(database_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "False",
        "DJANGO_LOG_LEVEL": "WARNING",
        "API_THROTTLE_BIDS": "100000000/min",  # the benchmark measures the engine, not the rate limit
        "API_THROTTLE_USER": "100000000/min",
        "SEARCH_INDEXING": "False",
    }


def make_lot(bidders: int, run: int) -> tuple[int, list[str]]:
    """An auction lot running now with a one-hour countdown and `bidders` qualified bidders; their API tokens."""
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from auctions.models import Bank, Lot, TradingCentre
    from auctions.presets import ensure_presets
    from auctions.services.announcements import announcement_draft, announcement_publish
    from auctions.services.applications import ApplicationForm, application_approve, application_submit
    from auctions.services.deposits import Notice, arrival_record
    from auctions.services.lots import Grant, Terms, lot_register_submitted, lot_submit_by_grantor
    from auctions.services.rules import lot_rules_update
    from geo.models import Region

    ensure_presets()
    province, _ = Region.objects.get_or_create(code="510000", defaults={"name": "四川省", "level": "province"})
    city, _ = Region.objects.get_or_create(
        code="510100", defaults={"name": "成都市", "level": "city", "parent": province}
    )
    Region.objects.get_or_create(code="510104", defaults={"name": "锦江区", "level": "county", "parent": city})
    bank, _ = Bank.objects.get_or_create(code="ICBC", defaults={"name": "中国工商银行", "account_prefix": "6222"})
    from auctions.models import RuleProfile

    centre, _ = TradingCentre.objects.get_or_create(
        name="压测交易中心",
        defaults={
            "region": city,
            "address": "-",
            "phone": "-",
            "rule_profile": RuleProfile.objects.get(is_preset=True, name="海南（默认）"),
        },
    )
    centre.banks.add(bank)
    staff, _ = User.objects.get_or_create(phone="13700000001", defaults={"role": "centre_staff", "regions": ["510100"]})
    centre.staff.add(staff)
    grantor, _ = User.objects.get_or_create(
        phone="13700000002", defaults={"role": "grantor", "regions": ["510104"], "real_name": "出让人"}
    )
    now = timezone.now()
    terms = Terms(
        trading_mode="auction",
        process="full",
        start_price_wan=Decimal("1000"),
        increment_wan=Decimal("1"),
        deposit_wan=Decimal("1"),
        announcement_starts_at=now - timedelta(hours=1),
        applications_open_at=now - timedelta(hours=1),
        applications_close_at=now + timedelta(hours=1),
        deposit_deadline=now + timedelta(hours=1),
        auction_starts_at=now + timedelta(hours=2),
    )
    lot = lot_submit_by_grantor(
        user=grantor,
        grant=Grant(centre_id=centre.pk, region_code="510104", title=f"压测{run}", transfer="grant"),
        terms=terms,
    )
    lot.documents.create(
        title="须知", file="-", original_name="-", content_type="application/pdf", size=1, sha256="0" * 64
    )
    lot_register_submitted(user=staff, lot_id=lot.pk)
    lot_rules_update(user=staff, lot_id=lot.pk, countdown_seconds=3600)
    announcement_publish(
        user=staff, announcement_id=announcement_draft(user=staff, lot_id=lot.pk, title="公告", body="压测").pk
    )
    tokens = []
    for i in range(bidders):
        user, _ = User.objects.get_or_create(
            phone=f"1360{run:03d}{i:04d}", defaults={"real_name": f"竞买人{i}", "verified_at": now}
        )
        form = ApplicationForm(contact_name="压测", contact_phone="13800138000", address="-", bank_code="ICBC")
        application, _created = application_submit(user=user, lot_id=lot.pk, form=form)
        application_approve(user=staff, application_id=application.pk)
        arrival_record(
            Notice(
                bank_code="ICBC",
                serial=f"B{run}-{application.pk}",
                account_number=application.deposit_account.number,
                amount="10000.00",
                payer_name=user.real_name,
                payer_account="",
                channel="transfer",
                arrived_at=now,
            )
        )
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    # BENCHMARK ONLY, ORM: the auction starts now (production never moves the clock or a published schedule).
    Lot.objects.filter(pk=lot.pk).update(
        applications_close_at=now, deposit_deadline=now, auction_starts_at=timezone.now() - timedelta(seconds=1)
    )
    return lot.pk, tokens


def start_server(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return start_uvicorn(["config.asgi:application"], port=port, workers=workers, env=env, ready="/health")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2) if ordered else 0.0


def load(port: int, lot_id: int, tokens: list[str], seconds: float) -> dict[str, Any]:
    """Every bidder bids as fast as it can for `seconds`, each at the next amount of one shared rising sequence."""
    amounts = itertools.count(1)
    lock = threading.Lock()
    latencies: list[float] = []
    codes: dict[str, int] = {}
    stop = time.monotonic() + seconds

    def bidder(token: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        mine: list[float] = []
        while time.monotonic() < stop:
            with lock:
                amount = 1000 + next(amounts)
            body = json.dumps({"client_bid_id": str(uuid.uuid4()), "amount_wan": str(amount)})
            started = time.perf_counter()
            connection.request("POST", f"/api/auctions/lots/{lot_id}/bids/", body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            mine.append((time.perf_counter() - started) * 1000)
            code = (
                "accepted"
                if response.status == 201
                else json.loads(payload or b"{}").get("error", {}).get("code", str(response.status))
            )
            with lock:
                codes[code] = codes.get(code, 0) + 1
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=bidder, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "requests": len(latencies),
        "answers": codes,
        "accepted_per_s": round(codes.get("accepted", 0) / elapsed, 1),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        # accepted or refused by a rule (201/409): each one decided under the lot's lock
        "decided_per_s": round(sum(n for code, n in codes.items() if not code.isdigit()) / elapsed, 1),
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
        "mean_ms": round(statistics.fmean(latencies), 2) if latencies else 0.0,
        "seconds": round(elapsed, 2),
    }


def audit(lot_id: int, accepted: int) -> dict[str, Any]:
    """Count from the evidence log: accepted bids all there once, strictly rising, none after the deadline."""
    from auctions.models import Bid, EvidenceEntry, LotTrading

    bids = list(Bid.objects.filter(lot_id=lot_id).order_by("evidence_seq"))
    entries = list(EvidenceEntry.objects.filter(lot_id=lot_id, kind="bid.accepted").order_by("seq"))
    trading = LotTrading.objects.get(lot_id=lot_id)
    amounts = [bid.amount_wan for bid in bids]
    return {
        "accepted_answers": accepted,
        "bids_stored": len(bids),
        "evidence_bids": len(entries),
        "lost_or_doubled": abs(len(bids) - accepted) + abs(len(entries) - accepted),
        "strictly_rising": all(a < b for a, b in itertools.pairwise(amounts)),
        "late_accepted": 0
        if trading.countdown_ends_at is None
        else sum(bid.arrived_at > trading.countdown_ends_at for bid in bids),
    }


def pgbench(database_url: str, clients: int, seconds: int) -> dict[str, Any]:
    """pgbench updating one row with `clients` clients (a table of its own, dropped after): its tps, or why not (a
    client count above the server's max_connections cannot run)."""
    url = urlsplit(database_url)
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    args = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "", url.path[1:]]
    setup = (
        "DROP TABLE IF EXISTS bench_one_row; CREATE TABLE bench_one_row (id int PRIMARY KEY, v bigint); "
        "INSERT INTO bench_one_row VALUES (1, 0);"
    )
    subprocess.run(["psql", "-q", "-c", setup, *args], env=env, check=True, capture_output=True)  # noqa: S603, S607
    script = RESULTS / "one_row.sql"
    script.write_text("UPDATE bench_one_row SET v = v + 1 WHERE id = 1;\n")
    command = ["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(seconds), "-f", str(script), *args]
    out = subprocess.run(command, env=env, check=False, capture_output=True, text=True)  # noqa: S603
    subprocess.run(["psql", "-q", "-c", "DROP TABLE bench_one_row", *args], env=env, check=True)  # noqa: S603, S607
    match = re.search(r"tps = ([\d.]+)", out.stdout)
    if out.returncode != 0 or match is None:
        return {"tps": None, "error": (out.stderr.strip().splitlines() or ["pgbench failed"])[-1][:300]}
    return {"tps": round(float(match.group(1)), 1)}


def make_run_workers() -> int:
    """The worker count `make run` starts uvicorn with: WEB_WORKERS from the environment or the Makefile's default."""
    if os.environ.get("WEB_WORKERS"):
        return int(os.environ["WEB_WORKERS"])
    match = re.search(r"^WEB_WORKERS \?= (\d+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    return int(match.group(1)) if match else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--workers", type=int, default=make_run_workers(), help="uvicorn worker processes (default: make run's)"
    )
    args = parser.parse_args()

    from run import bench_database_url  # bench/run.py, beside this file

    database_url = bench_database_url("_bids_bench")
    env = environment(database_url)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    RESULTS.mkdir(parents=True, exist_ok=True)
    runs = []
    stamp = int(time.time()) % 1000
    for index, clients in enumerate(args.clients):
        lot_id, tokens = make_lot(clients, (stamp * 10 + index) % 1000)
        port = free_port()
        server = start_server(port, args.workers, env)
        try:
            bids = load(port, lot_id, tokens, args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
        single_row = pgbench(database_url, clients, args.seconds)
        tps = single_row["tps"]
        runs.append(
            {
                "clients": clients,
                "bids": bids,
                "pgbench_single_row": single_row,
                "ratio": round(bids["accepted_per_s"] / tps, 3) if tps else None,
                "audit": audit(lot_id, bids["answers"].get("accepted", 0)),
            }
        )
    output = {
        "runs": runs,
        "goal": "ratio >= 0.5 (accepted bids per second ÷ pgbench single-row updates per second); audit all zero",
        "server": f"uvicorn config.asgi:application, {args.workers} worker(s), DEBUG off, bid throttle off",
        "machine": {"machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version()},
    }
    (RESULTS / "bids.json").write_text(json.dumps(output, indent=2, ensure_ascii=False))
    print(json.dumps(output, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
