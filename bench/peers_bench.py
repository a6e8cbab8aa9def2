"""Our parcel tiles beside the peers (Martin, pg_tileserv, tipg): the same database, the same tiles, the same client.

    make bench-peers                                         # installs Martin and tipg first (scripts/peers)
    .venv/bin/python bench/peers_bench.py --tiles-per-zoom 10 --rounds 2    # quicker
    PG_TILESERV=/path/to/pg_tileserv make bench-peers        # pg_tileserv too (no binary is installed)

The database is the tiles benchmark's (<name>_tiles_bench, made and seeded by bench/tiles_bench.py): this script
waits until it holds --parcels parcels and --listings listings and never seeds or migrates it. It adds one schema of
its own there, `peers`, with the parcels layer as SQL functions that the peers publish: the same rows, attributes,
geometry and caps as ours (tiles.selectors.parcels_sql: parcels of at least TILES_PARCELS_MIN_PIXELS screen pixels,
largest first, at most the layer's feature cap, 6,000; buffer 64 of 4,096), the geometry transformed by our own
tiles.selectors.web_mercator (through WGS 84). Martin and pg_tileserv serve
`peers.parcels(z, x, y)`, which returns the MVT; tipg draws the MVT itself from `peers.parcel_rows(tz, tx, ty)`, the
same capped rows (tipg's function layers take their arguments from the query string).

"Tuned" database settings (the default; --database-settings defaults leaves them out): parallel query and JIT off on
every peer's connections, set in each one's connection string as the peer's driver allows: Martin (tokio-postgres)
`options=-c jit=off -c max_parallel_workers_per_gather=0`; tipg (asyncpg) and pg_tileserv (pgx) take unknown query
parameters as session settings, `jit=off&max_parallel_workers_per_gather=0`. A probe layer (`peers.settings_probe`,
`peers.settings_rows`) reads both settings back through each peer, into the JSON's `settings_seen`. Ours is started
as bench/tiles_bench.py starts it (uvicorn, DEBUG off, no throttle), on a cache prefix of its own (peers-bench), and
sets what it sets itself.

The tiles: bench/tiles_bench.py's choice (`tile_lists`), its parcels tiles at z10, z12, z14 and z16
(--tiles-per-zoom each, 40: 160), shuffled; the same in every run (its SQL random() seeded with --seed). Each round
measures every server in turn (the order rotates from round to round) with tiles_bench's keep-alive client asking for
gzip:
- cold: each tile once from one client, not from the server's tile cache (ours: a new data version first);
- hit: the same tiles again, for the servers with a tile cache (ours in Redis, Martin with --cache on);
- 8 clients uncached, then repeated: the list taken by --clients threads, tiles per second.
Martin runs twice: with its tile cache off (its cold figures) and on (hits and repeated tiles). Feature counts per tile
are compared with ours from the first round's cold tiles. Writes bench/results/peers.json and prints a table of the
issue's rows and the ratios ours ÷ peer.
"""

import argparse
import gzip
import http.client
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PEERS = ROOT / "var" / "peers"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import tiles_bench  # noqa: E402 - bench/ is on the path above
from server import free_port, start_uvicorn  # noqa: E402

CACHE_PREFIX = "peers-bench"  # not tiles-bench's, so both benchmarks may run at once
ZOOMS = (10, 12, 14, 16)
TUNED = {"jit": "off", "max_parallel_workers_per_gather": "0"}
# Database connections per peer, enough for the clients (PostgreSQL takes 100 in all, and others run beside us).
POOL = 8
TileXYZ = tuple[int, int, int]


def peers_application() -> Any:
    """uvicorn's factory in each worker of our server: tiles_bench's application on this benchmark's cache prefix."""
    tiles_bench.CACHE_PREFIX = CACHE_PREFIX
    return tiles_bench.bench_application()


# ------------------------------------------------------------------------------ the peers' layer


def peer_functions_sql() -> str:
    """The `peers` schema: our parcels layer as functions the peers serve (see the docstring)."""
    from django.conf import settings

    from geo.models import SRID
    from market.models import SupplyListing
    from tiles.grid import BUFFER, EXTENT, SCREEN_PIXELS, WORLD_M
    from tiles.layers import LAYERS
    from tiles.selectors import web_mercator

    statuses = ", ".join(f"'{status}'" for status in SupplyListing.PUBLIC_STATUSES)
    rows = f"""
        SELECT p.id AS fid, p.code, NULLIF(p.land_use, '') AS land_use,
               NULLIF(left(p.land_use, 2), '') AS land_use_major, p.area_m2::float8 AS area_m2,
               p.region_id AS region,
               (SELECT max(l.id) FROM market_supplylisting l
                 WHERE l.parcel_id = p.id AND l.status IN ({statuses})) AS listing_id,
               %s AS geom
          FROM (SELECT p.id, p.code, p.land_use, p.area_m2, p.region_id, p.geometry FROM geo_parcel p
                 WHERE p.geometry && ST_Transform(ST_ClipByBox2D(
                           ST_TileEnvelope(%s, %s, %s, margin => {BUFFER / EXTENT!r}),
                           ST_TileEnvelope(0, 0, 0)::box2d), {SRID})
                   AND p.area_m2 >= %s
                 ORDER BY p.area_m2 DESC, p.id
                 LIMIT {LAYERS["parcels"].feature_cap}) p"""  # noqa: S608 (our own names and numbers)
    # Our own transform (through WGS 84, the cheaper PROJ pipeline), taken from tiles.selectors so both stay the same.
    mvt_geom = f"ST_AsMVTGeom({web_mercator('p.geometry')}, ST_TileEnvelope(%s, %s, %s), {EXTENT}, {BUFFER}, true)"
    # The ground size of one screen pixel at the tile's centre, as tiles.grid.TileAddress.ground_pixel_m.
    min_area = f"""{settings.TILES_PARCELS_MIN_PIXELS!r} * ({WORLD_M!r} / 2 ^ z / {SCREEN_PIXELS}
        * cos(radians((ST_YMin(ST_Transform(ST_TileEnvelope(z, x, y), 4326))
                     + ST_YMax(ST_Transform(ST_TileEnvelope(z, x, y), 4326))) / 2))) ^ 2"""
    mvt_rows = rows.replace("%s AS geom", f"{mvt_geom} AS geom", 1)
    return f"""
CREATE SCHEMA IF NOT EXISTS peers;

CREATE OR REPLACE FUNCTION peers.parcels(z integer, x integer, y integer) RETURNS bytea
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $fn$
DECLARE
    min_area float8 := {min_area};
    tile bytea;
BEGIN
    -- The tile's numbers go into the SQL text, as ours does, so the planner folds the envelope into a constant.
    EXECUTE format($sql$SELECT ST_AsMVT(t, 'parcels', {EXTENT}, 'geom', 'fid') FROM ({mvt_rows}) t
                       WHERE t.geom IS NOT NULL$sql$, z, x, y, z, x, y, min_area)
       INTO tile;
    RETURN tile;
END
$fn$;

CREATE OR REPLACE FUNCTION peers.parcel_rows(tz integer, tx integer, ty integer)
RETURNS TABLE (fid bigint, code text, land_use text, land_use_major text, area_m2 float8, region text,
               listing_id bigint, geom geometry)
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $fn$
DECLARE
    z integer := tz;
    x integer := tx;
    y integer := ty;
    min_area float8 := {min_area};
BEGIN
    -- CGCS2000 (4490) is WGS 84 (4326) to the centimetre: labelled 4326 for tipg, which reprojects from there.
    RETURN QUERY EXECUTE format($sql$SELECT fid::bigint, code::text, land_use::text, land_use_major::text, area_m2,
                                            region::text, listing_id::bigint, geom FROM ({rows}) q$sql$,
                                'ST_SetSRID(p.geometry, 4326)', z, x, y, min_area);
END
$fn$;

CREATE OR REPLACE FUNCTION peers.settings_probe(z integer, x integer, y integer) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
    SELECT ST_AsMVT(t, 'settings') FROM (
        SELECT current_setting('jit') AS jit,
               current_setting('max_parallel_workers_per_gather') AS max_parallel_workers_per_gather,
               ST_AsMVTGeom(ST_Point(0, 0, 3857), ST_TileEnvelope(z, x, y)) AS geom) t
$fn$;

CREATE OR REPLACE FUNCTION peers.settings_rows(tz integer, tx integer, ty integer)
RETURNS TABLE (jit text, max_parallel_workers_per_gather text, geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
    SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather'), ST_Point(0, 0, 4326)
$fn$;
"""  # noqa: S608 (our own SQL text)


def seeded_tile_lists(per_zoom: int, seed_value: int) -> dict[int, list[TileXYZ]]:
    """tiles_bench's parcels tiles, the same from run to run: its `ORDER BY random()` on a session seeded with
    --seed (serial, as a parallel worker's random() is not seeded)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        cursor.execute("SELECT setseed(%s)", [seed_value % 1000 / 1000])
    return tiles_bench.tile_lists(per_zoom, seed_value)["parcels"]


def tiles_database_url() -> str:
    """The tiles benchmark's database (as bench/run.py's bench_database_url names it, without creating it)."""
    import environ

    env = environ.Env()
    env.read_env(str(ROOT / "var" / "stack.env"))
    url = urlsplit(env("DATABASE_URL"))
    return url._replace(path=url.path + "_tiles_bench").geturl()


SEEDED_TABLES = {"parcels": "geo_parcel", "supply_listings": "market_supplylisting", "demands": "market_demand"}


def wait_for_seeded(database_url: str, expected: dict[str, int], timeout_s: float) -> dict[str, int]:
    """Wait (polling every 30 s) until bench/tiles_bench.py has made and seeded the database: its counts."""
    import psycopg

    url = urlsplit(database_url)._replace(scheme="postgresql")
    deadline = time.monotonic() + timeout_s
    while True:
        counts = dict.fromkeys(expected, -1)
        try:
            with psycopg.connect(url.geturl()) as conn:
                for name, table in SEEDED_TABLES.items():
                    counts[name] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]  # noqa: S608
        except psycopg.Error as error:
            print(f"waiting for {url.path.lstrip('/')}: {str(error).strip()}", flush=True)
        if counts == expected:
            return counts
        if time.monotonic() > deadline:
            raise SystemExit(f"{url.path.lstrip('/')} is not seeded (make bench-tiles first): {counts}")
        print(f"waiting for bench/tiles_bench.py to seed it: {counts}", flush=True)
        time.sleep(30)


def install_peer_functions(database_url: str) -> None:
    import psycopg

    with psycopg.connect(urlsplit(database_url)._replace(scheme="postgresql").geturl(), autocommit=True) as conn:
        conn.execute(peer_functions_sql())  # our own text, no parameters


def peer_database_url(database_url: str, style: str, tuned: bool) -> str:
    """The database URL a peer connects with, the tuned settings in the form its driver reads."""
    url = urlsplit(database_url)._replace(scheme="postgresql")
    if not tuned:
        return url.geturl()
    if style == "options":
        options = "%20".join(f"-c%20{name}%3D{value}" for name, value in TUNED.items())
        return url._replace(query=f"options={options}").geturl()
    return url._replace(query="&".join(f"{name}={value}" for name, value in TUNED.items())).geturl()


# ------------------------------------------------------------------------------ servers


@dataclass
class Server:
    """One tile server: how to ask it for a tile, whether it keeps a tile cache, its processes."""

    name: str
    label: str
    port: int
    tile_path: str  # format string with z, x, y
    probe_path: str = ""
    cold: bool = True  # its first request for a tile renders it
    cache: bool = False  # a second request is answered from its tile cache
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    notes: str = ""

    def path(self, tile: TileXYZ) -> str:
        z, x, y = tile
        return self.tile_path.format(z=z, x=x, y=y)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def start_process(command: list[str], env: dict[str, str], port: int, ready: str) -> subprocess.Popen[bytes]:
    """Start a peer; wait up to a minute until GET `ready` answers 200 or 204."""
    log = (ROOT / "var" / "log" / f"peers-{Path(command[0]).name}-{port}.log").open("wb")
    process = subprocess.Popen(command, cwd=PEERS, env={**os.environ, **env}, stdout=log, stderr=log)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", ready)
            if connection.getresponse().status in (200, 204):
                return process
        except OSError:
            pass
        time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"{command[0]} did not start; see {log.name}")


def start_ours(environment: dict[str, str], workers: int) -> Server:
    port = free_port()
    process = start_uvicorn(
        ["peers_bench:peers_application", "--factory", "--app-dir", str(ROOT / "bench"), "--timeout-keep-alive", "120"],
        port=port,
        workers=workers,
        env={**environment, "PYTHONPATH": str(ROOT)},
        ready="/tiles/regions/0/0/0.mvt",
        ready_statuses=(200, 204),
    )
    return Server(
        "ours",
        f"ours (uvicorn, {workers} workers)",
        port,
        "/tiles/parcels/{z}/{x}/{y}.mvt",
        cache=True,
        processes=[process],
        notes="tiles_bench's server: Redis tile cache, a new data version before each cold pass",
    )


def start_martin(binary: Path, database_url: str, *, cache_mb: int, workers: int) -> Server:
    port = free_port()
    config = PEERS / f"martin-cache-{cache_mb}.yaml"
    functions = "".join(
        f"    {name}:\n      schema: peers\n      function: {name}\n      minzoom: 0\n      maxzoom: 22\n"
        for name in ("parcels", "settings_probe")
    )
    # The connection string comes from the environment (Martin expands it), so no password is written to disk.
    config.write_text(
        f'listen_addresses: "127.0.0.1:{port}"\nworker_processes: {workers}\ncache_size_mb: {cache_mb}\n'
        f"postgres:\n  connection_string: ${{PEERS_DATABASE_URL}}\n  pool_size: {POOL}\n  auto_publish: false\n"
        f"  functions:\n{functions}"
    )
    process = start_process(
        [str(binary), "--config", str(config)], {"PEERS_DATABASE_URL": database_url}, port, "/health"
    )
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603
    cached = cache_mb > 0
    return Server(
        "martin_cache" if cached else "martin",
        f"{version} (cache {'on, ' + str(cache_mb) + ' MB' if cached else 'off'})",
        port,
        "/parcels/{z}/{x}/{y}",
        "/settings_probe/0/0/0",
        cold=not cached,
        cache=cached,
        processes=[process],
        notes=f"function source peers.parcels, {workers} workers, default pool",
    )


def start_pg_tileserv(binary: Path, database_url: str) -> Server:
    port = free_port()
    env = {"DATABASE_URL": database_url, "TS_HTTPHOST": "127.0.0.1", "TS_HTTPPORT": str(port)}
    env["TS_DBPOOLMAXCONNS"] = str(POOL)
    process = start_process([str(binary)], env, port, "/index.json")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    return Server(
        "pg_tileserv",
        (version.stdout or version.stderr).strip() or "pg_tileserv",
        port,
        "/peers.parcels/{z}/{x}/{y}.pbf",
        "/peers.settings_probe/0/0/0.pbf",
        processes=[process],
        notes="function layer peers.parcels",
    )


def start_tipg(venv: Path, database_url: str, workers: int) -> Server:
    from importlib.metadata import PathDistribution

    port = free_port()
    env = {
        "DATABASE_URL": database_url,
        "TIPG_DB_SCHEMAS": '["peers"]',
        "DB_MAX_CONN_SIZE": str(max(1, POOL // workers)),  # per worker process
        "TIPG_MAX_FEATURES_PER_TILE": "6000",
        "TIPG_TILE_BUFFER": "64",
        "TIPG_DB_SPATIAL_EXTENT": "false",
        "TIPG_DB_DATETIME_EXTENT": "false",
    }
    command = [str(venv / "bin" / "uvicorn"), "tipg.main:app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    process = start_process(command, env, port, "/collections")
    versions = [
        PathDistribution(path).version
        for path in venv.glob("lib/python*/site-packages/tipg-*.dist-info")  # the venv's tipg
    ]
    query = "?tz={z}&tx={x}&ty={y}"
    return Server(
        "tipg",
        f"tipg {versions[0] if versions else '?'} (uvicorn, {workers} workers)",
        port,
        "/collections/peers.parcel_rows/tiles/WebMercatorQuad/{z}/{x}/{y}" + query,
        "/collections/peers.settings_rows/tiles/WebMercatorQuad/0/0/0?tz=0&tx=0&ty=0",
        processes=[process],
        notes="function layer peers.parcel_rows; tipg builds the MVT (buffer 64, at most 6,000 features)",
    )


# ------------------------------------------------------------------------------ measuring


class PeerClient(tiles_bench.Client):
    """tiles_bench's keep-alive client, for any path: (milliseconds, status, MVT bytes, X-Tile-Cache)."""

    def get(self, path: str) -> tuple[float, int, bytes, str]:
        for attempt in (1, 2):
            try:
                started = time.perf_counter()
                self.connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = self.connection.getresponse()
                body = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError):  # an idle keep-alive connection was closed
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        elapsed = (time.perf_counter() - started) * 1000
        if response.status not in (200, 204):
            raise SystemExit(f"{path}: {response.status} {body[:300]!r}")
        if response.getheader("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return elapsed, response.status, body, response.getheader("X-Tile-Cache") or ""


def feature_count(mvt: bytes) -> int:
    from mapbox_vector_tile.Mapbox import vector_tile_pb2  # type: ignore[import-untyped]

    tile = vector_tile_pb2.tile()
    tile.ParseFromString(mvt)
    return sum(len(layer.features) for layer in tile.layers)


def settings_seen(server: Server) -> dict[str, Any]:
    """parallel query and JIT as the peer's own database connection has them (its probe layer)."""
    if not server.probe_path:
        return {}
    import mapbox_vector_tile  # type: ignore[import-untyped]

    _ms, _status, body, _cache = PeerClient(server.port).get(server.probe_path)
    for layer in mapbox_vector_tile.decode(body).values():
        for feature in layer["features"]:
            return dict(feature["properties"])
    return {}


def new_data_version(server: Server) -> None:
    """Ours: every tile uncached (tiles_bench's bump of the layers' versions, on our prefix)."""
    if server.name == "ours":
        tiles_bench.bump_versions()


def run_clients(server: Server, tiles: list[TileXYZ], clients: int) -> float:
    """`clients` threads, each with its own connection, take the next tile off the shared list: tiles per second."""
    queue = list(tiles)
    lock = threading.Lock()

    def worker() -> None:
        client = PeerClient(server.port)
        while True:
            with lock:
                if not queue:
                    return
                tile = queue.pop()
            client.get(server.path(tile))

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(len(tiles) / (time.perf_counter() - started), 1)


def measure(server: Server, tiles: list[TileXYZ], clients: int, counts: dict[str, list[int]]) -> dict[str, Any]:
    """One round on one server: cold and hit latencies from one client, then tiles/s with `clients` clients.
    Fills `counts` (features per tile, in the order of `tiles`) the first time."""
    client = PeerClient(server.port)
    out: dict[str, Any] = {"load_average_1m": round(os.getloadavg()[0], 2)}
    new_data_version(server)
    first: list[tuple[float, int, bytes, str]] = [client.get(server.path(tile)) for tile in tiles]
    if server.cold:
        out["cold_ms"] = {
            f"z{z}": [round(r[0], 2) for t, r in zip(tiles, first, strict=True) if t[0] == z] for z in ZOOMS
        }
        out["cold_not_miss"] = sum(r[3] not in ("", "miss") for r in first)
        if server.name not in counts:
            counts[server.name] = [feature_count(r[2]) if r[1] == 200 else 0 for r in first]
    if server.cache:
        again = [client.get(server.path(tile)) for tile in tiles]
        out["hit_ms"] = [round(r[0], 2) for r in again]
        out["hit_not_hit"] = sum(r[3] not in ("", "hit") for r in again)
    if server.cold:
        new_data_version(server)
        out["uncached_tiles_per_second"] = run_clients(server, tiles, clients)
    out["repeated_tiles_per_second"] = run_clients(server, tiles, clients)
    return out


def percentile(values: list[float], share: float) -> float | None:
    return tiles_bench.percentile(values, share) if values else None


def summarise(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Per figure: the rounds pooled (latencies) or their median (tiles per second)."""
    summary: dict[str, Any] = {}
    for z in ZOOMS:
        pooled = [ms for r in rounds for ms in r.get("cold_ms", {}).get(f"z{z}", [])]
        summary[f"cold_p50_z{z}_ms"] = percentile(pooled, 0.5)
        summary[f"cold_p95_z{z}_ms"] = percentile(pooled, 0.95)
    summary["hit_p50_ms"] = percentile([ms for r in rounds for ms in r.get("hit_ms", [])], 0.5)
    for key in ("uncached_tiles_per_second", "repeated_tiles_per_second"):
        values = [r[key] for r in rounds if key in r]
        summary[key] = round(statistics.median(values), 1) if values else None
    return summary


def compare_counts(tiles: list[TileXYZ], counts: dict[str, list[int]]) -> dict[str, Any]:
    """Per peer: on how many tiles it has as many features as ours, and the tiles where not."""
    ours = counts.get("ours", [])
    out: dict[str, Any] = {}
    for name, theirs in counts.items():
        if name == "ours" or not ours:
            continue
        differ = [
            {"tile": "/".join(map(str, tile)), "ours": a, name: b}
            for tile, a, b in zip(tiles, ours, theirs, strict=True)
            if a != b
        ]
        out[name] = {"same": len(tiles) - len(differ), "tiles": len(tiles), "differ": differ}
    return out


# ------------------------------------------------------------------------------ the table


ROWS: list[tuple[str, tuple[str, ...]]] = [
    ("cold p50 z14 / z16 ms", ("cold_p50_z14_ms", "cold_p50_z16_ms")),
    ("cold p50 / p95 z12 ms", ("cold_p50_z12_ms", "cold_p95_z12_ms")),
    ("cold p50 / p95 z10 ms", ("cold_p50_z10_ms", "cold_p95_z10_ms")),
    ("cache hit p50 ms", ("hit_p50_ms",)),
    ("{clients} clients uncached tiles/s", ("uncached_tiles_per_second",)),
    ("{clients} clients repeated tiles/s", ("repeated_tiles_per_second",)),
]


def cell(values: list[float | None]) -> str:
    return " / ".join("—" if v is None else f"{v:g}" for v in values) if any(v is not None for v in values) else "—"


def ratio_cell(ours: list[float | None], theirs: list[float | None]) -> str:
    ratios = [None if a is None or not b else round(a / b, 2) for a, b in zip(ours, theirs, strict=True)]
    return cell(ratios)


def table(servers: dict[str, dict[str, Any]], clients: int) -> str:
    names = list(servers)
    peers = [name for name in names if name != "ours"]
    lines = [
        "| tiles | " + " | ".join(servers[n]["label"] for n in names) + " |",
        "|---" * (len(names) + 1) + "|",
    ]
    for title, keys in ROWS:
        row = [cell([servers[n]["summary"][k] for k in keys]) for n in names]
        lines.append(f"| {title.format(clients=clients)} | " + " | ".join(row) + " |")
    lines += ["", "ours ÷ peer (latency: above 1 is slower than the peer; tiles/s: below 1 is fewer):", ""]
    lines += ["| tiles | " + " | ".join(servers[n]["label"] for n in peers) + " |", "|---" * (len(peers) + 1) + "|"]
    ours = servers["ours"]["summary"] if "ours" in servers else None
    for title, keys in ROWS:
        row = [
            ratio_cell([ours[k] for k in keys], [servers[n]["summary"][k] for k in keys]) if ours else "—"
            for n in peers
        ]
        lines.append(f"| {title.format(clients=clients)} | " + " | ".join(row) + " |")
    return "\n".join(lines)


# ------------------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parcels", type=int, default=1_000_000, help="parcels the tiles database must hold")
    parser.add_argument("--listings", type=int, default=50_000, help="supply listings it must hold")
    parser.add_argument("--demands", type=int, default=5_000, help="demands it must hold")
    parser.add_argument("--tiles-per-zoom", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="worker processes of each server")
    parser.add_argument("--database-settings", choices=("tuned", "defaults"), default="tuned")
    parser.add_argument("--martin", type=Path, default=PEERS / "martin" / "bin" / "martin")
    parser.add_argument("--tipg-venv", type=Path, default=PEERS / "tipg-venv")
    parser.add_argument("--pg-tileserv", type=Path, default=os.environ.get("PG_TILESERV") or None)
    parser.add_argument("--wait", type=float, default=3600, help="seconds to wait for tiles_bench's seeding")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, default=RESULTS / "peers.json")
    args = parser.parse_args()

    database_url = tiles_database_url()
    expected = {"parcels": args.parcels, "supply_listings": args.listings, "demands": args.demands}
    data = wait_for_seeded(database_url, expected, args.wait)
    environment = tiles_bench.bench_environment(database_url, parcels_min_zoom=8)
    os.environ.update(environment)
    tiles_bench.CACHE_PREFIX = CACHE_PREFIX
    tiles_bench.use_bench_cache()
    import django

    django.setup()
    install_peer_functions(database_url)
    lists = seeded_tile_lists(args.tiles_per_zoom, args.seed)
    tiles = [tile for z in ZOOMS for tile in lists[z]]
    random.Random(args.seed).shuffle(tiles)  # noqa: S311 (a reproducible order)
    tuned = args.database_settings == "tuned"

    tiles_bench.forget_bench_cache()
    servers: list[Server] = []
    try:
        servers.append(start_ours(environment, args.workers))
        if args.martin.exists():
            martin_url = peer_database_url(database_url, "options", tuned)
            servers.append(start_martin(args.martin, martin_url, cache_mb=0, workers=args.workers))
            servers.append(start_martin(args.martin, martin_url, cache_mb=512, workers=args.workers))
        else:
            print(f"no Martin at {args.martin} (scripts/peers installs it): left out", flush=True)
        if args.pg_tileserv:
            servers.append(start_pg_tileserv(args.pg_tileserv, peer_database_url(database_url, "query", tuned)))
        if (args.tipg_venv / "bin" / "uvicorn").exists():
            servers.append(start_tipg(args.tipg_venv, peer_database_url(database_url, "query", tuned), args.workers))
        else:
            print(f"no tipg in {args.tipg_venv} (scripts/peers installs it): left out", flush=True)
        seen = {server.name: settings_seen(server) for server in servers}
        print(f"database settings through each peer: {seen}", flush=True)
        rounds: dict[str, list[dict[str, Any]]] = {server.name: [] for server in servers}
        counts: dict[str, list[int]] = {}
        for number in range(args.rounds):
            order = servers[number % len(servers) :] + servers[: number % len(servers)]
            for server in order:
                result = measure(server, tiles, args.clients, counts)
                rounds[server.name].append(result)
                print(f"round {number + 1} {server.name}: {summarise([result])}", flush=True)
    finally:
        for server in servers:
            server.stop()
        tiles_bench.forget_bench_cache()

    summaries = {
        server.name: {
            "label": server.label,
            "notes": server.notes,
            "settings_seen": seen.get(server.name, {}),
            "summary": summarise(rounds[server.name]),
            "rounds": rounds[server.name],
        }
        for server in servers
    }
    output = {
        "data": data,
        "tiles": {
            "count": len(tiles),
            "per_zoom": {f"z{z}": sum(t[0] == z for t in tiles) for z in ZOOMS},
            "choice": "bench/tiles_bench.py tile_lists (around random parcels), parcels layer, shuffled",
            "order": ["/".join(map(str, tile)) for tile in tiles],
        },
        "rounds": args.rounds,
        "clients": args.clients,
        "database_settings": args.database_settings,
        "servers": summaries,
        "feature_counts": compare_counts(tiles, counts),
        "table": table(summaries, args.clients),
        "machine": {"machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(output, indent=2, ensure_ascii=False))
    print(output["table"])
    for name, found in output["feature_counts"].items():
        print(f"feature counts, ours and {name}: the same on {found['same']} of {found['tiles']} tiles")
    print(f"written: {args.output}")


if __name__ == "__main__":
    main()
