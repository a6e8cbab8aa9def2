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
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    from geo.models import Region

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

STREETS = ["天府大道", "人民南路", "蜀都大道", "科华北路", "剑南大道", "益州大道", "东大街", "建设路", "沙湾路"]
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
    """`count` public supply listings in the demo counties (bulk_create: no signals, so no outbox rows)."""
    from django.contrib.gis.geos import Point
    from django.utils import timezone

    from accounts.models import User
    from geo.models import SRID, Region
    from geo.reference import LAND_USE_MAJOR
    from market.models import SupplyListing

    rng = random.Random(seed)  # noqa: S311 (reproducible bench data)
    owner, _ = User.objects.get_or_create(
        phone="13000000000", defaults={"real_name": "基准测试", "verified_at": timezone.now()}
    )
    counties = list(Region.objects.filter(level=Region.Level.COUNTY).select_related("parent__parent"))
    extents = {county.code: county.boundary.extent for county in counties if county.boundary}
    now = timezone.now()
    batch: list[SupplyListing] = []
    for index in range(count):
        county = rng.choice(counties)
        names = _region_path(county)
        use = rng.choice(LAND_USES)
        mode = "lease" if rng.random() < 0.25 else "transfer"
        area = Decimal(rng.randint(500, 80000))
        unit_yuan = Decimal(rng.randint(200, 4000))  # 元/m²; one listing in ten is 面议 (no price)
        price = None if rng.random() < 0.1 else (area * unit_yuan / 10000).quantize(Decimal("0.0001"))
        west, south, east, north = extents.get(county.code, (103.9, 30.5, 104.2, 30.8))
        published = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        status = "certified" if rng.random() < 0.3 else "published"
        batch.append(
            SupplyListing(
                owner=owner,
                created_by=owner,
                mode=mode,
                status=status,
                title=f"{names}{int(area)}平米{LAND_USE_MAJOR[use[:2]]}{'出租' if mode == 'lease' else '转让'}",
                land_nature="state_owned",
                region_id=county.code,
                use_right_type="granted",
                land_type="enterprise",
                land_use=use,
                area_m2=area,
                address=f"{county.name}{rng.choice(STREETS)}{rng.randint(1, 999)}号",
                location=Point(rng.uniform(west, east), rng.uniform(south, north), srid=SRID),
                price_wan=price,
                certificate_number=f"川({rng.randint(2005, 2025)})不动产权第{rng.randint(0, 9999999):07d}号",
                published_at=published,
                certified_at=published if status == "certified" else None,
                expires_at=published + timedelta(days=183),
                view_count=rng.randint(0, 500),
            )
        )
        if len(batch) == 5000 or index == count - 1:
            SupplyListing.objects.bulk_create(batch)
            batch = []
            print(f"\rlistings: {index + 1}/{count}", end="", flush=True)
    print()


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


def bench_queries(rounds: int) -> dict[str, Any]:
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
    totals = []
    for params in QUERIES:
        data = ListingQueryInput(data=QueryDict(urlencode(params)), context={"kind": "supply"})
        data.is_valid(raise_exception=True)
        query = data.query()
        body = engine._body(query)  # the request our engine sends, sent straight to Elasticsearch
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
                    es.search(index=index_alias("supply"), **body)
                    direct_ms.append((time.perf_counter() - started) * 1000)
        totals.append(response.json()["count"])
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
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    os.environ["SEARCH_INDEX_PREFIX"] = "bench_land"
    from run import bench_database_url, load_regions, setup_django  # bench/run.py, beside this file

    setup_django(bench_database_url())
    from market.models import SupplyListing
    from search.indexing import reindex

    load_regions(args.seed)
    public = SupplyListing.objects.filter(status__in=SupplyListing.PUBLIC_STATUSES)
    if public.count() != args.listings:
        SupplyListing.objects.all().delete()
        generate_listings(args.listings, args.seed)
    started = time.monotonic()
    result = reindex("supply")
    seconds = time.monotonic() - started
    indexing = {
        "listings": args.listings,
        "reindex_seconds": round(seconds, 1),
        "reindex_documents_per_second": round(args.listings / seconds),
        "indexed": result.documents,
    }
    machine = {"machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version()}
    output = indexing | bench_queries(args.rounds) | machine
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "search.json").write_text(json.dumps(output, indent=2, ensure_ascii=False))
    print(json.dumps(output, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
