"""Benchmark of land search: bulk indexing rate, and typical filtered keyword queries through our API against the
same queries sent straight to Elasticsearch, plus the database engine on the same queries.

    make bench-search                       # 1 000 000 supply listings (generating and indexing take a while)
    make bench-search LISTINGS=100000       # quicker

Runs against its own database (<name>_bench) and its own indices (bench_land_*); writes bench/results/search.json.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    from geo.models import Region

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

STREETS = ["天府大道", "人民南路", "蜀都大道", "科华北路", "剑南大道", "益州大道", "东大街", "建设路", "沙湾路"]
FALLBACK = (103.9, 30.5, 104.2, 30.8)  # a county without a boundary: around Chengdu
LAND_USES = ["0501", "0502", "0503", "0601", "0602", "0701", "0702", "0801", "1001"]
QUERIES: list[dict[str, str]] = [  # typical searches: keywords with filters, as the search page sends them
    {"keywords": "高新", "region": "510100", "sort": "newest"},
    {"keywords": "工业用地", "area_min": "5000", "area_max": "50000"},
    {"keywords": "商服", "price_min": "100", "price_max": "2000", "certified": "true"},
    {"keywords": "天府大道", "mode": "lease"},
    {"keywords": "住宅用地", "region": "510000", "sort": "price_asc"},
    {"keywords": "仓储", "published": "30d"},
    {"keywords": "用地", "land_use": "06", "sort": "area_desc"},
    {"keywords": "人民南路 商服"},
    {"keywords": "转让", "region": "510700", "price_max": "800"},
    {"keywords": "零售", "unit_price_max": "0.5", "sort": "unit_price_asc"},
]


def generate_listings(count: int, seed: int) -> None:
    """`count` public supply listings in the demo counties, made inside PostgreSQL by one INSERT … SELECT over
    generate_series (no signals, so no outbox rows): made row by row in Python they took 40 minutes for a million on
    this shared machine. One template row (made by the ORM, so every other column has the model's default) gives
    the columns the bench does not vary; `setseed` makes the data the same for the same seed."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from geo.models import SRID, Region
    from geo.reference import LAND_USE_MAJOR
    from market.models import SupplyListing

    owner, _ = User.objects.get_or_create(
        phone="13000000000", defaults={"real_name": "基准测试", "verified_at": timezone.now()}
    )
    counties = list(Region.objects.filter(level=Region.Level.COUNTY).select_related("parent__parent"))
    extents = [
        (county.code, _region_path(county), county.name, *(county.boundary.extent if county.boundary else FALLBACK))
        for county in counties
    ]
    uses = [(code, LAND_USE_MAJOR[code[:2]]) for code in LAND_USES]
    (template,) = SupplyListing.objects.bulk_create(
        [
            SupplyListing(
                owner=owner,
                created_by=owner,
                title="-",
                land_nature="state_owned",
                use_right_type="granted",
                land_type="enterprise",
            )
        ]
    )
    varied = {
        "mode": "CASE WHEN r.mode < 0.25 THEN 'lease' ELSE 'transfer' END",
        "status": "CASE WHEN r.status < 0.3 THEN 'certified' ELSE 'published' END",
        "title": "c.path || r.area || '平米' || u.major || CASE WHEN r.mode < 0.25 THEN '出租' ELSE '转让' END",
        "region_id": "c.code",
        "land_use": "u.code",
        "area_m2": "r.area",
        "address": "c.name || (%(streets)s::text[])[1 + floor(r.street * %(street_count)s)::int] || r.number || '号'",
        "location": "ST_SetSRID(ST_MakePoint(c.west + r.x * (c.east - c.west), c.south + r.y * (c.north - c.south)), "
        "%(srid)s)",
        "price_wan": "CASE WHEN r.no_price < 0.1 THEN NULL ELSE round(r.area * r.unit / 10000.0, 4) END",
        "certificate_number": "'川(' || r.year || ')不动产权第' || lpad(r.serial::text, 7, '0') || '号'",
        "published_at": "r.published",
        "certified_at": "CASE WHEN r.status < 0.3 THEN r.published END",
        "expires_at": "r.published + interval '183 days'",
        "view_count": "r.views",
    }
    columns = [str(field.column) for field in SupplyListing._meta.concrete_fields if field.column != "id"]
    values = [varied.get(column, f't."{column}"') for column in columns]
    names = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_county (i int, code text, path text, name text, "
            "west float8, south float8, east float8, north float8)"
        )
        cursor.executemany(
            "INSERT INTO bench_county VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [(index, *row) for index, row in enumerate(extents)],
        )
        cursor.execute("CREATE TEMPORARY TABLE bench_use (i int, code text, major text)")
        cursor.executemany("INSERT INTO bench_use VALUES (%s, %s, %s)", [(i, *row) for i, row in enumerate(uses)])
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
        sql = f"""
            WITH r AS MATERIALIZED (
                SELECT floor(random() * %(counties)s)::int AS county, floor(random() * %(uses)s)::int AS use,
                       random() AS mode, 500 + floor(random() * 79501)::int AS area,
                       200 + floor(random() * 3801)::int AS unit, random() AS no_price, random() AS x, random() AS y,
                       now() - floor(random() * 525601) * interval '1 minute' AS published, random() AS status,
                       random() AS street, 1 + floor(random() * 999)::int AS number,
                       2005 + floor(random() * 21)::int AS year, floor(random() * 10000000)::int AS serial,
                       floor(random() * 501)::int AS views
                FROM generate_series(1, %(count)s)
            )
            INSERT INTO market_supplylisting ({names})
            SELECT {", ".join(values)}
            FROM r JOIN bench_county c ON c.i = r.county JOIN bench_use u ON u.i = r.use
            CROSS JOIN (SELECT * FROM market_supplylisting WHERE id = %(template)s) t
        """  # noqa: S608 (column names from the model, values bound)
        parameters: dict[str, Any] = {
            "counties": len(extents),
            "uses": len(uses),
            "count": count,
            "streets": STREETS,
            "street_count": len(STREETS),
            "srid": SRID,
            "template": template.pk,
        }
        cursor.execute(sql, parameters)
        cursor.execute("DELETE FROM market_supplylisting WHERE id = %s", [template.pk])
        cursor.execute("DROP TABLE bench_county, bench_use")
    print(f"listings: {count}")


def _region_path(county: "Region") -> str:
    """四川省成都市锦江区: the names up the tree, each once."""
    names: list[str] = []
    region: Region | None = county
    while region is not None:
        names.insert(0, region.name)
        region = region.parent
    return "".join(dict.fromkeys(names))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(int(len(ordered) * share) - 1, 0)], 2)


def bench_queries(rounds: int, cold_rounds: int) -> dict[str, Any]:
    """Each query `rounds` times on each path, the paths' order alternating; the engine's searches are request-cached
    (search/engines/elasticsearch.py), so the first of each query is answered by the index and the others mostly from
    Elasticsearch's request cache, as a popular search on an unchanged index. Then `cold_rounds` more of each query
    on each path with the request cache cleared before every request: what a search nobody asked since the index
    last changed costs."""
    from django.http import QueryDict
    from django.test import Client, override_settings

    from search.backends import elasticsearch_client
    from search.engines.database import DatabaseEngine
    from search.engines.elasticsearch import ElasticsearchEngine
    from search.indexing import index_alias
    from search.serializers import ListingQueryInput

    client = Client(HTTP_HOST="127.0.0.1")
    engine = ElasticsearchEngine()
    es = elasticsearch_client()
    api_ms: list[float] = []
    direct_ms: list[float] = []
    # Each API request's own Elasticsearch round trip, timed at the client's transport (which every client of the
    # pool shares): what the request spent beyond it is what our API adds.
    in_elasticsearch: list[float] = []
    perform_request = es.transport.perform_request

    def timed_request(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return perform_request(*args, **kwargs)
        finally:
            in_elasticsearch.append((time.perf_counter() - started) * 1000)

    es.transport.perform_request = timed_request  # type: ignore[method-assign]
    added_ms: list[float] = []
    database_ms: list[float] = []
    cold_api_ms: list[float] = []
    cold_direct_ms: list[float] = []
    totals = []
    for params in QUERIES:
        data = ListingQueryInput(data=QueryDict(urlencode(params)), context={"kind": "supply"})
        data.is_valid(raise_exception=True)
        query = data.query()
        searches = engine._searches(query)  # the msearch request our engine sends, sent straight to Elasticsearch
        for round_ in range(rounds):
            # Which path runs first alternates: the second of two identical searches finds Elasticsearch's caches warm.
            for path in ("api", "direct") if round_ % 2 == 0 else ("direct", "api"):
                started = time.perf_counter()
                if path == "api":
                    in_elasticsearch.clear()
                    response = client.get("/api/search/supply", params)
                    api_ms.append((time.perf_counter() - started) * 1000)
                    added_ms.append(api_ms[-1] - sum(in_elasticsearch))
                    if response.status_code != 200 or response.json()["backend"] != "elasticsearch":
                        raise SystemExit(f"search failed: {response.status_code} {response.content[:300]!r}")
                else:
                    es.msearch(searches=searches)
                    direct_ms.append((time.perf_counter() - started) * 1000)
        totals.append(response.json()["count"])
        for _ in range(cold_rounds):
            for path in ("api", "direct"):
                es.indices.clear_cache(index=index_alias("supply"), request=True)
                started = time.perf_counter()
                if path == "api":
                    client.get("/api/search/supply", params)
                    cold_api_ms.append((time.perf_counter() - started) * 1000)
                else:
                    es.msearch(searches=searches)
                    cold_direct_ms.append((time.perf_counter() - started) * 1000)
        with override_settings(ELASTICSEARCH_URL=""):
            for _ in range(2):
                started = time.perf_counter()
                DatabaseEngine().search(query)
                database_ms.append((time.perf_counter() - started) * 1000)
    return {
        "queries": len(QUERIES),
        "requests_per_path": len(api_ms),
        "query_set": QUERIES,
        "median_matches": statistics.median(totals),
        "api_p50_ms": percentile(api_ms, 0.5),
        "api_p95_ms": percentile(api_ms, 0.95),
        "elasticsearch_direct_p50_ms": percentile(direct_ms, 0.5),
        "elasticsearch_direct_p95_ms": percentile(direct_ms, 0.95),
        "api_cold_p50_ms": percentile(cold_api_ms, 0.5),
        "api_cold_p95_ms": percentile(cold_api_ms, 0.95),
        "elasticsearch_direct_cold_p50_ms": percentile(cold_direct_ms, 0.5),
        "elasticsearch_direct_cold_p95_ms": percentile(cold_direct_ms, 0.95),
        "cold": "each query with Elasticsearch's request cache cleared before the request",
        "api_p50_minus_direct_p50_ms": round(percentile(api_ms, 0.5) - percentile(direct_ms, 0.5), 2),
        "api_added_p50_ms": percentile(added_ms, 0.5),
        "api_added_p95_ms": percentile(added_ms, 0.95),
        "api_added": "per API request: its time minus its own Elasticsearch round trip",
        "goal": "api_added_p50_ms < 5",
        "database_engine_p50_ms": percentile(database_ms, 0.5),
        "database_engine_p95_ms": percentile(database_ms, 0.95),
        "api": "GET /api/search/supply (in-process Django client, facets and highlights included)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20, help="times each query runs on each path")
    parser.add_argument("--cold-rounds", type=int, default=4, help="times each query runs on each path, uncached")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    os.environ["SEARCH_INDEX_PREFIX"] = "bench_land"
    from run import bench_database_url, load_regions, setup_django  # bench/run.py, beside this file

    setup_django(bench_database_url())
    from elasticsearch.exceptions import GeneralAvailabilityWarning

    from market.models import SupplyListing
    from search.backends import elasticsearch_client_timing_out
    from search.indexing import reindex

    load_regions(args.seed)
    public = SupplyListing.objects.filter(status__in=SupplyListing.PUBLIC_STATUSES)
    if public.count() != args.listings:
        SupplyListing.objects.all().delete()
        generate_listings(args.listings, args.seed)
    started = time.monotonic()
    result = reindex("supply")
    seconds = time.monotonic() - started
    # The queries are measured on the index as it serves after its background merge into one segment.
    with warnings.catch_warnings(category=GeneralAvailabilityWarning, action="ignore"):  # tasks API: "preview"
        tasks = elasticsearch_client_timing_out(1800).tasks
        tasks.get(task_id=result.merge_task, wait_for_completion=True, timeout="30m")
    merged = time.monotonic() - started
    indexing = {
        "listings": args.listings,
        "reindex_seconds": round(seconds, 1),
        "reindex_documents_per_second": round(args.listings / seconds),
        "indexed": result.documents,
        "merged_seconds": round(merged, 1),
        "merged": "seconds from the reindex's start until its background merge into one segment ended",
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }
    queries = bench_queries(args.rounds, args.cold_rounds)
    machine = {
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_end": [round(value, 2) for value in os.getloadavg()],
    }
    output = indexing | queries | machine
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "search.json").write_text(json.dumps(output, indent=2, ensure_ascii=False))
    print(json.dumps(output, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
