"""Fixtures shared by the search tests: the market tests' region tree, owner, seeker and private cache; a varied
market of supply and demand listings to search."""

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.test import override_settings

from accounts.models import User
from accounts.tests.factories import user_create
from geo.models import SRID, Region
from geo.tests.factories import GEOD, outline, parcel_create, point_in, region_create, sichuan_tree, square, square_in
from market.models import Demand, SupplyListing
from market.tests.factories import supply_create
from search.engines import Engine
from search.engines.database import DatabaseEngine
from search.engines.elasticsearch import ElasticsearchEngine


@pytest.fixture(autouse=True)
def search_indexing(settings: Any) -> None:
    """Writes queue index changes in search's tests (off elsewhere in the test run, see config/settings/test.py)."""
    settings.SEARCH_INDEXING = True


@pytest.fixture
def regions() -> dict[str, Region]:
    """四川省 510000 → 成都市 510100 → 锦江区 510104 and 武侯区 510107, plus 绵阳市 510700 → 涪城区 510703, by code
    (geo.tests.factories.SICHUAN, with their real outlines)."""
    return sichuan_tree()


@pytest.fixture
def owner() -> User:
    """A verified individual who publishes land."""
    return user_create(real_name="王五")


@pytest.fixture
def seeker() -> User:
    """Another verified user, looking for land."""
    return user_create(real_name="赵六")


@pytest.fixture
def private_cache() -> Iterator[None]:
    """The real Redis cache under a key prefix of this test only (view counts and throttles start from nothing)
    without clearing the database other test runs share."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    with override_settings(CACHES=caches):
        yield


# ------------------------------------------------------------------------------ a varied market to search


@dataclass
class Market:
    """The listings of the `listings` fixture by name: public supply and demand, and the ones no search may find."""

    supply: dict[str, SupplyListing]
    demand: dict[str, Demand]
    hidden_supply: list[SupplyListing]
    hidden_demand: list[Demand]

    def supply_ids(self, *names: str) -> set[int]:
        return {self.supply[name].pk for name in names}

    def demand_ids(self, *names: str) -> set[int]:
        return {self.demand[name].pk for name in names}

    def supply_names(self, ids: Iterable[int]) -> set[str]:
        by_id = {listing.pk: name for name, listing in self.supply.items()}
        return {by_id.get(pk, f"#{pk}") for pk in ids}

    def demand_names(self, ids: Iterable[int]) -> set[str]:
        by_id = {demand.pk: name for name, demand in self.demand.items()}
        return {by_id.get(pk, f"#{pk}") for pk in ids}


SHANGHAI = ZoneInfo("Asia/Shanghai")
# lon, lat of `gaoxin`: the point distances are measured from in the search tests; the factories' INSIDE point of
# real 锦江区 (1.7 km from its edge), so the points 1500 m and 2600 m from it below are in 锦江区 too.
CENTRE = point_in("510104")
# A point in real 锦江区 (1.4 km from its edge, 4.1 km from CENTRE, south-east of every other 锦江 listing's point)
# whose coordinates Elasticsearch's geo_point stores exactly (multiples of 45/2**29 degrees of longitude and of
# 45/2**30 of latitude: 104.139404296875 = 9479 × 2**17 × 360/2**32, 30.5859375 = 174 × 2**22 × 180/2**32), so a
# bounding box with this corner holds it in both engines.
EXACT_POINT = (104.139404296875, 30.5859375)
# The GRS80 ellipsoid is CGCS2000's (geo.tests.factories.GEOD): points at known geodesic distances from CENTRE.
LOT12_CENTRE = GEOD.fwd(*CENTRE, 200, 1500)[:2]  # 1500 m towards 200°
NEGOTIABLE2_POINT = GEOD.fwd(*CENTRE, 45, 2600)[:2]  # 2600 m towards 45°


def shanghai(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


def at(lon: float, lat: float) -> Point:
    return Point(lon, lat, srid=SRID)


@pytest.fixture
def listings(regions: dict[str, Region], owner: User) -> Market:
    """Ten public supply listings and four public demands in 四川 (锦江, 武侯, 涪城) and 云南 (五华), every hidden
    state next to them, both modes, with and without a price (面议), a point, a parcel's centroid or no point. The
    regions have their real outlines and each point lies in its listing's real county (in 成都 and in 四川 for
    want_chengdu and want_sichuan), except negotiable2's parcel, in 涪城 far from its 锦江 point.

    Public supply (region, land use, area m², price 万元, mode, status, point, published Asia/Shanghai):
      gaoxin      锦江 0501 5000  1200     transfer certified CENTRE                    2026-11-01 10:00
      xindu       武侯 0601 12000 面议      lease    published (104.00, 30.60)          2026-11-05 09:00
      lot12       锦江 0505 3000  800      transfer published parcel centroid LOT12     2026-11-10 23:30
      wuhou_home  武侯 0701 6500  5000     transfer certified (104.04, 30.60)         2026-11-11 00:10
      mianyang    涪城 0604 15000 50       lease    published (104.70, 31.45)          2026-10-20 10:00
      cheap       涪城 0501 800   100      transfer certified none                    2026-09-15 10:00
      decimal     锦江 0503 3000  499.9999 lease    published EXACT_POINT               2026-11-15 10:00
      kunming     五华 0507 2026  1200     transfer certified (102.70, 25.04)         2026-11-20 08:00
      negotiable2 锦江 0601 10000 面议      transfer published NEGOTIABLE2 (its parcel in 涪城) 2026-11-12 10:00
      ascii       武侯 0804 2000  1000     lease    published (104.02, 30.62)          2026-11-18 10:00
    Public demand (kind, region, land use, area range, price range, point, registered):
      want_jinjiang purchase 锦江 0501 3000–6000 500–1500 (104.10, 30.61) 2026-11-02
      want_chengdu  lease    成都 0601 10000–    –          none           2026-11-08
      want_sichuan  purchase 四川 0701 –5000     2000–      (104.80, 31.50) 2026-11-15
      want_kunming  lease    五华 0604 1000–2000 10–50      (102.70, 25.05) 2026-11-19
    Every hidden one has text, region and point that would match the broadest searches.
    """
    yunnan = region_create(code="530000", name="云南省", abbreviation="滇", boundary=outline("530000"))
    kunming_city = region_create(code="530100", name="昆明市", parent=yunnan, abbreviation="滇")
    wuhua = region_create(code="530102", name="五华区", parent=kunming_city, abbreviation="滇")
    jinjiang, wuhou, fucheng = regions["510104"], regions["510107"], regions["510703"]
    S, D = SupplyListing.Status, Demand.Status

    def supply(region: Region, **fields: Any) -> SupplyListing:
        fields.setdefault("certificate_type", "real_estate")
        return supply_create(owner=owner, region=region, **fields)

    lot12_parcel = parcel_create(code="510104-LOT12", geometry=square(*LOT12_CENTRE, 0.002), region=jinjiang)
    far_parcel = parcel_create(code="510703-FAR", geometry=square_in("510703", 0.002), region=fucheng)  # (104.7, 31.4)
    public = {
        "gaoxin": supply(
            jinjiang,
            status=S.CERTIFIED,
            title="成都高新区5000平米商服用地转让",
            address="锦江区天府大道中段1号",
            certificate_number="川(2020)成都市不动产权第0012345号",
            land_use="0501",
            area_m2=Decimal(5000),
            price_wan=Decimal(1200),
            location=at(*CENTRE),
            published_at=shanghai("2026-11-01"),
        ),
        "xindu": supply(
            wuhou,
            mode=SupplyListing.Mode.LEASE,
            title="新都工业园12000平方米工业用地出租",
            address="武侯大道双楠段",
            certificate_number="川DZR[2026]0001",
            land_use="0601",
            area_m2=Decimal(12000),
            price_wan=None,
            location=at(104.00, 30.60),
            published_at=shanghai("2026-11-05", "09:00"),
        ),
        "lot12": supply(
            jinjiang,
            title="锦江区3000平米商服用地转让",
            address="东大街下东大街段88号",
            certificate_number="川DZR[2026]0012",
            land_use="0505",
            area_m2=Decimal(3000),
            price_wan=Decimal(800),
            parcel=lot12_parcel,
            published_at=shanghai("2026-11-10", "23:30"),
        ),
        "wuhou_home": supply(
            wuhou,
            status=S.CERTIFIED,
            title="武侯区6500平方米住宅用地转让",
            address="武侯大道双楠段",
            certificate_number="川(2021)不动产权第0000002号",
            land_use="0701",
            area_m2=Decimal(6500),
            price_wan=Decimal(5000),
            location=at(104.04, 30.60),
            published_at=shanghai("2026-11-11", "00:10"),
        ),
        "mianyang": supply(
            fucheng,
            mode=SupplyListing.Mode.LEASE,
            title="绵阳15000平方米仓储用地出租",
            address="高新技术产业开发区",
            certificate_number="川(2019)不动产权第0000003号",
            land_use="0604",
            area_m2=Decimal(15000),
            price_wan=Decimal(50),
            location=at(104.70, 31.45),
            published_at=shanghai("2026-10-20"),
        ),
        "cheap": supply(
            fucheng,
            status=S.CERTIFIED,
            title="涪城区800平方米零售商业用地转让",
            address="临园路东段",
            certificate_number="川(2018)不动产权第0000004号",
            land_use="0501",
            area_m2=Decimal(800),
            price_wan=Decimal(100),
            published_at=shanghai("2026-09-15"),
        ),
        "decimal": supply(
            jinjiang,
            mode=SupplyListing.Mode.LEASE,
            title="锦江区5000.5平方米餐饮用地出租",
            address="春熙路",
            certificate_number="川(2022)不动产权第0000005号",
            land_use="0503",
            area_m2=Decimal(3000),
            price_wan=Decimal("499.9999"),
            location=at(*EXACT_POINT),
            published_at=shanghai("2026-11-15"),
        ),
        "kunming": supply(
            wuhua,
            status=S.CERTIFIED,
            title="昆明五华区2026平米商服用地转让",
            address="人民中路",
            certificate_number="滇(2026)昆明市不动产权第0000001号",
            land_use="0507",
            area_m2=Decimal(2026),
            price_wan=Decimal(1200),
            location=at(102.70, 25.04),
            published_at=shanghai("2026-11-20", "08:00"),
        ),
        "negotiable2": supply(
            jinjiang,
            title="锦江区10000平方米工业用地转让",
            address="三圣乡",
            certificate_number="川(2023)不动产权第0000006号",
            land_use="0601",
            area_m2=Decimal(10000),
            price_wan=None,
            location=at(*NEGOTIABLE2_POINT),
            parcel=far_parcel,
            published_at=shanghai("2026-11-12"),
        ),
        "ascii": supply(
            wuhou,
            mode=SupplyListing.Mode.LEASE,
            title="ABC科技园A区2000平米科研用地出租",
            address="武侯新城",
            certificate_number="川(2024)不动产权第0000007号",
            land_use="0804",
            area_m2=Decimal(2000),
            price_wan=Decimal(1000),
            location=at(104.02, 30.62),
            published_at=shanghai("2026-11-18"),
        ),
    }
    hidden = [
        supply(
            jinjiang,
            status=status,
            mode=mode,
            title=f"成都高新区新都5000平米商服用地转让ABC 2026 {status}",
            address="锦江区天府大道中段1号",
            certificate_number="川DZR[2026]0001",
            land_use="0501",
            area_m2=Decimal(5000),
            price_wan=Decimal(1200),
            location=at(*CENTRE),
            published_at=shanghai("2026-11-21") if status in (S.DELISTED, S.EXPIRED) else None,
        )
        for status, mode in (
            (S.DRAFT, SupplyListing.Mode.TRANSFER),
            (S.IN_REVIEW, SupplyListing.Mode.LEASE),
            (S.REJECTED, SupplyListing.Mode.TRANSFER),
            (S.DELISTED, SupplyListing.Mode.LEASE),
            (S.EXPIRED, SupplyListing.Mode.TRANSFER),
        )
    ]

    def demand(region: Region, **fields: Any) -> Demand:
        fields.setdefault("status", D.REGISTERED)
        return Demand.objects.create(owner=owner, created_by=owner, region=region, **fields)

    demands = {
        "want_jinjiang": demand(
            jinjiang,
            kind=Demand.Kind.PURCHASE,
            title="求购锦江区商服用地",
            description="临街 5000平米左右",
            land_use="0501",
            area_min_m2=Decimal(3000),
            area_max_m2=Decimal(6000),
            price_min_wan=Decimal(500),
            price_max_wan=Decimal(1500),
            location=at(104.10, 30.61),
            registered_at=shanghai("2026-11-02"),
        ),
        "want_chengdu": demand(
            regions["510100"],
            kind=Demand.Kind.LEASE,
            title="求租成都工业厂房用地",
            description="高新区优先",
            land_use="0601",
            area_min_m2=Decimal(10000),
            registered_at=shanghai("2026-11-08"),
        ),
        "want_sichuan": demand(
            regions["510000"],
            kind=Demand.Kind.PURCHASE,
            title="四川省内住宅用地",
            description="",
            land_use="0701",
            area_max_m2=Decimal(5000),
            price_min_wan=Decimal(2000),
            location=at(104.80, 31.50),
            registered_at=shanghai("2026-11-15"),
        ),
        "want_kunming": demand(
            wuhua,
            kind=Demand.Kind.LEASE,
            title="昆明仓储用地求租",
            description="靠近绕城高速",
            land_use="0604",
            area_min_m2=Decimal(1000),
            area_max_m2=Decimal(2000),
            price_min_wan=Decimal(10),
            price_max_wan=Decimal(50),
            location=at(102.70, 25.05),
            registered_at=shanghai("2026-11-19"),
        ),
    }
    hidden_demand = [
        demand(
            jinjiang,
            status=status,
            kind=Demand.Kind.PURCHASE,
            title=f"求购锦江区商服用地 临街 {status}",
            description="高新区优先",
            land_use="0501",
            area_min_m2=Decimal(3000),
            area_max_m2=Decimal(6000),
            location=at(104.10, 30.61),
            registered_at=shanghai("2026-11-21") if status != D.DRAFT else None,
        )
        for status in (D.DRAFT, D.DELISTED, D.EXPIRED, D.DELETED)
    ]
    return Market(supply=public, demand=demands, hidden_supply=hidden, hidden_demand=hidden_demand)


# ------------------------------------------------------------------------------ Elasticsearch indices of one test


@pytest.fixture
def search_prefix(settings: Any) -> Iterator[str]:
    """A SEARCH_INDEX_PREFIX of this test only (aliases `{prefix}_supply` and `{prefix}_demand`, for the outbox,
    the reindex and the engine alike); every index built under it is deleted afterwards."""
    from search.indexing import delete_indices

    prefix = f"{settings.SEARCH_INDEX_PREFIX}_{uuid.uuid4().hex[:10]}"
    settings.SEARCH_INDEX_PREFIX = prefix
    yield prefix
    delete_indices(prefix=prefix)


# ------------------------------------------------------------------------------ both engines on the `listings`


@pytest.fixture
def elasticsearch_engine(listings: Market) -> Iterator[ElasticsearchEngine]:
    """The Elasticsearch engine on indices of this test only (aliases of its own prefix), given the listings of
    every state (indexing leaves the hidden ones out), deleted afterwards."""
    engine = ElasticsearchEngine(alias=f"{settings.SEARCH_INDEX_PREFIX}_engines_{uuid.uuid4().hex[:8]}")
    engine.ensure_indices()
    try:
        engine.index_now("supply", [row.pk for row in [*listings.supply.values(), *listings.hidden_supply]])
        engine.index_now("demand", [row.pk for row in [*listings.demand.values(), *listings.hidden_demand]])
        yield engine
    finally:
        engine.delete_indices()


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request: pytest.FixtureRequest, listings: Market) -> Engine:
    """Each engine in turn, answering over the `listings`."""
    if request.param == "database":
        return DatabaseEngine()
    return request.getfixturevalue("elasticsearch_engine")


# ------------------------------------------------------------------------------ the engine behind the API


@pytest.fixture(params=["database", "elasticsearch"])
def api_engine(request: pytest.FixtureRequest, listings: Market) -> Iterator[str]:
    """The engine `listing_search` (so the API) answers with, by name: the database (ELASTICSEARCH_URL empty), or the
    real Elasticsearch on indices of this test only (a SEARCH_INDEX_PREFIX of its own) holding the `listings` of
    every state, deleted afterwards."""
    if request.param == "database":
        with override_settings(ELASTICSEARCH_URL=""):
            yield "database"
        return
    from search import indexing

    with override_settings(SEARCH_INDEX_PREFIX=f"{settings.SEARCH_INDEX_PREFIX}_api_{uuid.uuid4().hex[:8]}"):
        indexing.ensure_indices()
        try:
            indexing.index_now("supply", [row.pk for row in [*listings.supply.values(), *listings.hidden_supply]])
            indexing.index_now("demand", [row.pk for row in [*listings.demand.values(), *listings.hidden_demand]])
            yield "elasticsearch"
        finally:
            indexing.delete_indices()


@pytest.fixture
def elasticsearch_at(settings: Any) -> Iterator[Any]:
    """`elasticsearch_at(url, timeout)` points the Elasticsearch client (and ELASTICSEARCH_TIMEOUT) at another
    address for the rest of the test, e.g. a closed port; the configured cluster is restored afterwards."""
    from elasticsearch.dsl import connections

    def point(url: str, timeout: float) -> None:
        settings.ELASTICSEARCH_TIMEOUT = timeout
        connections.configure(default={"hosts": url, "request_timeout": timeout})

    yield point
    connections.configure(**settings.ELASTICSEARCH_DSL)
