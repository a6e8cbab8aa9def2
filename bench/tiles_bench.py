"""Benchmark of vector tiles: p50/p95 per zoom (z8–z16) uncached and cached for the parcels and supply layers, tiles
per second under concurrency, and the largest tile, through the real HTTP stack (uvicorn, DEBUG off, no throttle).

    make bench-tiles                                      # 1 000 000 parcels (seeding takes a while, once)
    .venv/bin/python bench/tiles_bench.py --parcels 50000 # quicker

Runs against its own database (<name>_tiles_bench on the same cluster, created, migrated and seeded once with
`seed_demo --parcels N` plus generated supply listings and demand) and its own cache keys (prefix tiles-bench, removed
at the start and the end), so neither the demo nor the other benchmarks are touched. The server draws parcels from
--parcels-min-zoom (default 8, below the product's 12) so that the low zooms' caps and simplification are measured
too. The server is configured as the product is (its database connection pool included). Writes
bench/results/tiles.json.
"""

import argparse
import gzip
import http.client
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from server import free_port, start_uvicorn  # noqa: E402 - bench/ is on the path above

CACHE_PREFIX = "tiles-bench"
ZOOMS = range(8, 17)
LAYERS = ("parcels", "supply")
LAND_USES = ["0501", "0502", "0601", "0602", "0701", "0702", "0801", "1001", "1101"]


def bench_environment(database_url: str, parcels_min_zoom: int) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "False",
        "DJANGO_LOG_LEVEL": "WARNING",
        "TILES_THROTTLE_RATE": "",
        "TILES_PARCELS_MIN_ZOOM": str(parcels_min_zoom),
        "SEARCH_INDEXING": "False",
    }


def use_bench_cache() -> None:
    """Our own key prefix in the shared Redis; call before the cache is first used."""
    from django.conf import settings

    settings.CACHES["default"]["KEY_PREFIX"] = CACHE_PREFIX


def bench_application() -> Any:
    """uvicorn's factory in each worker process: the project's ASGI application on the benchmark's cache prefix."""
    use_bench_cache()
    from config.asgi import application

    return application


def forget_bench_cache() -> int:
    """Delete every key of the benchmark's prefix (never the demo's)."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(match=f"{CACHE_PREFIX}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
    return len(keys)


# ------------------------------------------------------------------------------ data


def seed(parcels: int, listings: int, demands: int, seed_value: int) -> dict[str, int]:
    from django.core.management import call_command

    from geo.models import Amenity, Parcel
    from market.models import Demand, SupplyListing

    if Parcel.objects.count() != parcels:
        started = time.monotonic()
        SupplyListing.objects.all().delete()
        Parcel.objects.all().delete()
        call_command("seed_demo", parcels=parcels, seed=seed_value)
        print(f"seed_demo --parcels {parcels}: {time.monotonic() - started:.0f} s", flush=True)
    if SupplyListing.objects.count() != listings or Demand.objects.count() != demands:
        SupplyListing.objects.all().delete()
        Demand.objects.all().delete()
        generate_market(listings, demands, seed_value)
    return {
        "parcels": Parcel.objects.count(),
        "amenities": Amenity.objects.count(),
        "supply_listings": SupplyListing.objects.count(),
        "demands": Demand.objects.count(),
    }


def generate_market(listings: int, demands: int, seed_value: int) -> None:
    """Public supply listings on random parcels (two in three with their own point, the others placed at their
    parcel's centroid) and demands near them (bulk_create: no signals)."""
    from django.contrib.gis.geos import Point
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from geo.models import SRID
    from market.models import Demand, SupplyListing

    rng = random.Random(seed_value)  # noqa: S311 (reproducible bench data)
    owner, _created = User.objects.get_or_create(
        phone="13000000001", defaults={"real_name": "瓦片基准", "verified_at": timezone.now()}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, ST_X(centroid), ST_Y(centroid), region_id, land_use, area_m2 FROM geo_parcel "
            "WHERE region_id IS NOT NULL ORDER BY random() LIMIT %s",
            [listings + demands],
        )
        parcels = cursor.fetchall()
    now = timezone.now()
    batch: list[Any] = []
    for index, (parcel_id, lon, lat, region, land_use, area) in enumerate(parcels[:listings]):
        mode = "lease" if rng.random() < 0.25 else "transfer"
        status = "certified" if rng.random() < 0.3 else "published"
        published = now - timedelta(minutes=rng.randint(0, 150 * 24 * 60))
        own_point = rng.random() < 2 / 3
        batch.append(
            SupplyListing(
                owner=owner,
                created_by=owner,
                mode=mode,
                status=status,
                title=f"{int(area)}平方米{'出租' if mode == 'lease' else '转让'}",
                region_id=region,
                land_use=land_use or rng.choice(LAND_USES),
                area_m2=area,
                parcel_id=parcel_id,
                location=Point(lon + rng.uniform(-1e-4, 1e-4), lat, srid=SRID) if own_point else None,
                price_wan=None if rng.random() < 0.1 else (area * rng.randint(200, 4000) / 10000).quantize(Decimal(1)),
                published_at=published,
                certified_at=published if status == "certified" else None,
                expires_at=published + timedelta(days=183),
            )
        )
        if len(batch) == 5000 or index == listings - 1:
            SupplyListing.objects.bulk_create(batch)
            batch = []
    demand_rows = [
        Demand(
            owner=owner,
            created_by=owner,
            kind=rng.choice(["purchase", "lease"]),
            status="registered",
            title="求购工业用地",
            region_id=region,
            location=Point(lon, lat, srid=SRID),
            land_use=rng.choice(LAND_USES),
            registered_at=now - timedelta(days=rng.randint(0, 100)),
        )
        for _parcel_id, lon, lat, region, _use, _area in parcels[listings:]
    ]
    Demand.objects.bulk_create(demand_rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE market_supplylisting; ANALYZE market_demand; ANALYZE geo_parcel; ANALYZE geo_amenity")


def tile_lists(per_zoom: int, seed_value: int) -> dict[str, dict[int, list[tuple[int, int, int]]]]:
    """Per layer and zoom, up to `per_zoom` distinct tiles holding data: around random parcels and listings."""
    from django.db import connection

    from tiles.grid import tile_of

    rng = random.Random(seed_value)  # noqa: S311
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_X(centroid), ST_Y(centroid) FROM geo_parcel ORDER BY random() LIMIT 2000")
        parcel_points = cursor.fetchall()
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT COALESCE(l.location, g.centroid) AS p FROM market_supplylisting l "
            "LEFT JOIN geo_parcel g ON g.id = l.parcel_id ORDER BY random() LIMIT 2000) q"
        )
        listing_points = cursor.fetchall()
    lists: dict[str, dict[int, list[tuple[int, int, int]]]] = {}
    for layer, points in (("parcels", parcel_points), ("supply", listing_points)):
        lists[layer] = {}
        for z in ZOOMS:
            tiles = list(dict.fromkeys((z, *tile_of(z, lon, lat)) for lon, lat in points))
            rng.shuffle(tiles)
            lists[layer][z] = tiles[:per_zoom]
    return lists


# ------------------------------------------------------------------------------ HTTP


def start_server(port: int, workers: int, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    return start_uvicorn(
        ["tiles_bench:bench_application", "--factory", "--app-dir", str(ROOT / "bench"), "--timeout-keep-alive", "120"],
        port=port,
        workers=workers,
        env={**environment, "PYTHONPATH": str(ROOT)},
        ready="/tiles/regions/0/0/0.mvt",
        ready_statuses=(200, 204),
    )


class Client:
    """One keep-alive HTTP connection asking for gzip, as a browser does."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def tile(self, layer: str, tile: tuple[int, int, int]) -> tuple[float, int, int, str]:
        """(milliseconds, status, uncompressed bytes, X-Tile-Cache)."""
        z, x, y = tile
        path = f"/tiles/{layer}/{z}/{x}/{y}.mvt"
        try:
            started = time.perf_counter()
            self.connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):  # the server closed an idle keep-alive connection
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            started = time.perf_counter()
            self.connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = self.connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status not in (200, 204):
            raise SystemExit(f"/tiles/{layer}/{z}/{x}/{y}.mvt: {response.status} {body[:300]!r}")
        size = len(gzip.decompress(body)) if body else 0
        return elapsed, response.status, size, response.getheader("X-Tile-Cache") or ""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(int(len(ordered) * share + 0.5) - 1, 0))], 2)


def bump_versions() -> None:
    from tiles.cache import layers_bump
    from tiles.layers import LAYERS

    layers_bump(LAYERS)


def render_ms(layer: str, tile: tuple[int, int, int]) -> float:
    """Milliseconds to render and gzip the tile in this process, on its warm database connection (no HTTP, no
    cache): the part of an uncached request that is the tile's own."""
    from django.http import QueryDict

    from tiles.grid import TileAddress
    from tiles.layers import LAYERS
    from tiles.services import tile_compressed

    found = LAYERS[layer]
    started = time.perf_counter()
    tile_compressed(layer=found, tile=TileAddress(*tile), filters=found.filters(QueryDict()))
    return (time.perf_counter() - started) * 1000


def bench_latency(
    port: int, lists: dict[str, dict[int, list[tuple[int, int, int]]]], *, render: bool = True
) -> tuple[dict[str, Any], int]:
    client = Client(port)
    bump_versions()  # every tile uncached
    out: dict[str, Any] = {}
    largest = 0
    for layer in LAYERS:
        out[layer] = {}
        for z in ZOOMS:
            tiles = lists[layer][z]
            runs: dict[str, list[float]] = {"miss": [], "hit": []}
            sizes: list[int] = []
            empty = 0
            for expected in ("miss", "hit"):
                for tile in tiles:
                    ms, status, size, state = client.tile(layer, tile)
                    if state != expected:
                        raise SystemExit(f"{layer} {tile}: expected a cache {expected}, got {state!r}")
                    runs[expected].append(ms)
                    if expected == "miss":
                        sizes.append(size)
                        empty += status == 204
            largest = max(largest, *sizes)
            rendering = [render_ms(layer, tile) for tile in tiles] if render else []
            out[layer][f"z{z}"] = {
                "tiles": len(tiles),
                "empty": empty,
                "uncached_p50_ms": percentile(runs["miss"], 0.5),
                "uncached_p95_ms": percentile(runs["miss"], 0.95),
                "cached_p50_ms": percentile(runs["hit"], 0.5),
                "cached_p95_ms": percentile(runs["hit"], 0.95),
                **(
                    {"render_p50_ms": percentile(rendering, 0.5), "render_p95_ms": percentile(rendering, 0.95)}
                    if rendering
                    else {}
                ),
                "median_kb": round(statistics.median(sizes) / 1024, 1),
                "max_kb": round(max(sizes) / 1024, 1),
            }
            print(f"{layer} z{z}: {out[layer][f'z{z}']}", flush=True)
    return out, largest


def bench_concurrency(port: int, requests: list[tuple[str, tuple[int, int, int]]], clients: int) -> dict[str, Any]:
    """`clients` threads, each with its own connection, take the next tile off the shared list until it is done."""

    def run() -> float:
        queue = list(requests)
        lock = threading.Lock()

        def worker() -> None:
            client = Client(port)
            while True:
                with lock:
                    if not queue:
                        return
                    layer, tile = queue.pop()
                client.tile(layer, tile)

        threads = [threading.Thread(target=worker) for _ in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started

    bump_versions()
    uncached = run()
    cached = run()
    return {
        "clients": clients,
        "requests": len(requests),
        "uncached_tiles_per_second": round(len(requests) / uncached, 1),
        "cached_tiles_per_second": round(len(requests) / cached, 1),
        "tile_list": "every benchmarked parcels and supply tile of z12–z16, shuffled",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--listings", type=int, default=50_000, help="public supply listings generated")
    parser.add_argument("--demands", type=int, default=5_000)
    parser.add_argument("--tiles-per-zoom", type=int, default=40)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="uvicorn worker processes")
    parser.add_argument("--parcels-min-zoom", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    from run import bench_database_url  # bench/run.py, beside this file

    database_url = bench_database_url("_tiles_bench")
    environment = bench_environment(database_url, args.parcels_min_zoom)
    os.environ.update(environment)
    import django

    use_bench_cache()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    data = seed(args.parcels, args.listings, args.demands, args.seed)
    lists = tile_lists(args.tiles_per_zoom, args.seed)
    mixed = [(layer, tile) for layer in LAYERS for z in range(12, 17) for tile in lists[layer][z]]
    random.Random(args.seed).shuffle(mixed)  # noqa: S311 (a reproducible order)
    forget_bench_cache()
    port = free_port()
    server = start_server(port, args.workers, environment)
    load_before = os.getloadavg()[0]  # the machine's, others' work included: it moves every figure
    try:
        latency, largest = bench_latency(port, lists, render=True)
        concurrency = bench_concurrency(port, mixed, args.clients)
    finally:
        server.terminate()
        server.wait(timeout=30)
        forget_bench_cache()
    output = {
        "data": data,
        "server": f"uvicorn config.asgi:application, {args.workers} workers, DEBUG off, no throttle, "
        f"TILES_PARCELS_MIN_ZOOM={args.parcels_min_zoom}",
        "latency": latency,
        "latency_note": "per zoom, the same tiles twice: uncached (a new data version: rendered by PostGIS, gzipped, "
        "stored in Redis) then cached; milliseconds per request from one keep-alive HTTP client, database connections "
        "from the pool; render_* is the tile alone (in-process, warm connection, no HTTP, no cache)",
        "concurrency": concurrency,
        "largest_tile_kb": round(largest / 1024, 1),
        "tile_size_cap_kb": round(settings.TILES_MAX_BYTES / 1024, 1),
        "goal": "largest_tile_kb < 500",
        "machine": {"machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average_1m": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tiles.json").write_text(json.dumps(output, indent=2, ensure_ascii=False))
    print(json.dumps(output, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
