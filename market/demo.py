"""Deterministic demo data for accounts and market: users of every role, listings in every state on demo parcels,
quotes, viewings, favourites, messages, demand, grants, a pre-announcement and policies."""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.gis.db.models.functions import PointOnSurface
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Message, User
from accounts.services.messages import message_send
from geo.models import Parcel, Region
from geo.reference import LAND_USE_MAJOR, region_name
from market.grants import DEFAULT_CSV, primary_grants_load
from market.models import (
    ComparisonItem,
    Demand,
    Favourite,
    IntentionQuote,
    PolicyDocument,
    PreAnnouncement,
    PrimaryGrant,
    ReviewEvent,
    SupplyListing,
    ViewingAppointment,
)

# Demo accounts by phone (their password is given to the command or generated and printed once).
ADMIN, REVIEWER, CENTRE_STAFF = "13800000000", "13800000001", "13800000002"
GIS_STAFF, SUPERVISOR, GRANTOR = "13800000003", "13800000004", "13800000005"
OWNER, ENTERPRISE, SUB_ACCOUNT, SEEKER, UNVERIFIED = (
    "13900000001",
    "13900000002",
    "13900000003",
    "13900000004",
    "13900000005",
)
STATES = [  # how many listings of each state
    (SupplyListing.Status.CERTIFIED, 12),
    (SupplyListing.Status.PUBLISHED, 12),
    (SupplyListing.Status.IN_REVIEW, 4),
    (SupplyListing.Status.DRAFT, 3),
    (SupplyListing.Status.REJECTED, 2),
    (SupplyListing.Status.DELISTED, 2),
    (SupplyListing.Status.EXPIRED, 1),
]


@dataclass
class DemoReport:
    users: int = 0
    supply: int = 0
    demand: int = 0
    quotes: int = 0
    appointments: int = 0
    skipped: bool = False
    moved: int = 0


def _user(phone: str, password: str, **fields: Any) -> User:
    return User.objects.create_user(phone=phone, password=password, **fields)


def _region_path(code: str) -> str:
    names = [region_name(code[:2] + "0000"), region_name(code[:4] + "00"), region_name(code)]
    return "".join(dict.fromkeys(name for name in names if name))


@transaction.atomic
def market_demo_load(*, password: str, seed: int = 2026) -> DemoReport:
    """Load the demo once; a second run finds the demo administrator and changes nothing, except that demo listings
    no longer in their county (seed_demo moved the parcels) move onto their parcel's centroid."""
    report = DemoReport()
    if User.objects.filter(phone=ADMIN).exists():
        report.skipped = True
        report.moved = _listings_follow_parcels()
        return report
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not secrets)
    now = timezone.now()
    verified = {"verified_at": now}
    admin = _user(ADMIN, password, role=User.Role.ADMIN, is_staff=True, is_superuser=True, real_name="平台管理员")
    sichuan = {"regions": ["510000"]}  # every demo staff role acts in Sichuan
    _user(REVIEWER, password, role=User.Role.REVIEWER, real_name="属地审核员", **sichuan)
    _user(CENTRE_STAFF, password, role=User.Role.CENTRE_STAFF, real_name="交易中心工作人员", **sichuan)
    _user(GIS_STAFF, password, role=User.Role.GIS_STAFF, real_name="GIS数据管理员", **sichuan)
    _user(SUPERVISOR, password, role=User.Role.SUPERVISOR, real_name="监管人员", **sichuan)
    _user(GRANTOR, password, role=User.Role.GRANTOR, real_name="出让人(自然资源局)", **sichuan)
    owner = _user(OWNER, password, real_name="王五", **verified)
    enterprise = _user(ENTERPRISE, password, kind=User.Kind.ENTERPRISE, real_name="成都天府置业有限公司", **verified)
    _user(SUB_ACCOUNT, password, kind=User.Kind.ENTERPRISE, parent=enterprise, real_name="天府置业-经办人")
    seeker = _user(SEEKER, password, real_name="赵六", **verified)
    _user(UNVERIFIED, password)
    report.users = User.objects.count()

    parcels = list(
        Parcel.objects.filter(region__isnull=False).exclude(land_use="").order_by("code")[: sum(n for _s, n in STATES)]
    )
    rng.shuffle(parcels)
    states = [status for status, count in STATES for _ in range(count)]
    listings = [
        _supply(parcel=parcel, status=status, owner=rng.choice([owner, enterprise]), rng=rng)
        for parcel, status in zip(parcels, states, strict=False)
    ]
    report.supply = len(listings)
    _reviewing_authorities_seed(listings)  # 审核机构 (docs/publishing.md)

    public = [listing for listing in listings if listing.status in SupplyListing.PUBLIC_STATUSES]
    for listing in public[:10]:
        for quoter in (seeker, owner if listing.owner != owner else enterprise):
            amount = (listing.price_wan or Decimal(500)) * Decimal(rng.randint(85, 105)) / 100
            IntentionQuote.objects.create(listing=listing, user=quoter, amount_wan=amount.quantize(Decimal("0.0001")))
            report.quotes += 1
        listing.quote_count = 2
        listing.view_count = rng.randint(5, 200)
        listing.save(update_fields=["quote_count", "view_count"])
    for listing in public[:4]:
        ViewingAppointment.objects.create(
            listing=listing, user=seeker, name="赵六", phone=SEEKER, visit_at=now + timedelta(days=rng.randint(1, 20))
        )
        listing.appointment_count = 1
        listing.save(update_fields=["appointment_count"])
        report.appointments += 1
    for listing in public[:3]:
        Favourite.objects.create(user=seeker, target=Favourite.Target.SUPPLY, target_id=listing.pk)
        ComparisonItem.objects.create(user=seeker, listing=listing)
        SupplyListing.objects.filter(pk=listing.pk).update(favourite_count=1)

    # A demand's preferred location is a point inside its county's outline (none where the county has no outline).
    counties = list(
        Region.objects.filter(level=Region.Level.COUNTY)
        .annotate(inside=PointOnSurface("boundary"))
        .order_by("code")[:6]
    )
    for index, county in enumerate(counties):
        Demand.objects.create(
            owner=seeker,
            created_by=seeker,
            kind=Demand.Kind.PURCHASE if index % 2 == 0 else Demand.Kind.LEASE,
            status=Demand.Status.REGISTERED if index < 4 else Demand.Status.DRAFT,
            title=f"求{'购' if index % 2 == 0 else '租'}{county.name}工业用地",
            region=county,
            location=county.inside,
            land_use="0601",
            land_nature="state_owned",
            area_min_m2=Decimal(5000 + index * 1000),
            area_max_m2=Decimal(20000 + index * 5000),
            price_min_wan=Decimal(300),
            price_max_wan=Decimal(2000),
            years=30,
            industry="通用设备制造业",
            description="交通便利，水电配套齐全。",
            contact_name="赵六",
            contact_phone=SEEKER,
            registered_at=now if index < 4 else None,
            expires_at=now + timedelta(days=183) if index < 4 else None,
        )
        report.demand += 1

    if Region.objects.filter(code="510104").exists() and not PrimaryGrant.objects.exists():
        primary_grants_load(path=DEFAULT_CSV)
    grant = PrimaryGrant.objects.filter(investment_ratio__lt=25).order_by("contract_number").first()
    if grant:
        PreAnnouncement.objects.create(
            owner=owner,
            status=PreAnnouncement.Status.PUBLISHED,
            title=f"{grant.address}闲置土地预公告",
            contract_number=grant.contract_number,
            region=grant.region,
            address=grant.address,
            area_m2=grant.area_m2,
            land_use=grant.land_use,
            use_years=grant.use_years,
            supply_method=grant.supply_method,
            industry=grant.industry,
            land_grade=grant.land_grade,
            transferor=grant.grantee,
            contact_phone=OWNER,
            id_type=grant.grantee_id_type,
            id_number=grant.grantee_id_number,
            published_at=now,
            expires_at=now + timedelta(days=183),
        )
    for title, category, number in [
        ("国务院办公厅关于完善建设用地使用权转让、出租、抵押二级市场的指导意见", "national", "国办发〔2019〕34号"),
        ("四川省土地二级市场交易规则（试行）", "local", ""),
        ("中华人民共和国城市房地产管理法", "law", ""),
    ]:
        PolicyDocument.objects.create(
            title=title,
            category=category,
            document_number=number,
            issuer="演示数据",
            body=f"{title}\n\n（演示数据：正文从略。）",
            published_at=now,
            created_by=admin,
        )
    message_send(user=seeker, title="欢迎使用土地二级市场交易服务平台", category=Message.Category.SYSTEM)
    return report


def _listings_follow_parcels() -> int:
    """Put the demo owners' listings whose location lies outside their county (the demo's parcels were elsewhere
    when they were made: seed_demo once drew made-up county boundaries) back on their parcel's centroid."""
    stray = (
        SupplyListing.objects.filter(owner__phone__in=(OWNER, ENTERPRISE), parcel__isnull=False, location__isnull=False)
        .filter(region__boundary__isnull=False)
        .exclude(region__boundary__covers=F("location"))
        .select_related("parcel")
    )
    moved = 0
    for listing in stray:
        if listing.parcel is None:  # not after the filter; for the type checker
            continue
        listing.location = listing.parcel.centroid
        listing.save(update_fields=["location", "updated_at"])  # signals: the search index and tiles follow
        moved += 1
    return moved


def _supply(*, parcel: Parcel, status: str, owner: User, rng: random.Random) -> SupplyListing:
    """A listing of `parcel` in `status`, with its review trail."""
    region_code = parcel.region_id or ""
    mode = SupplyListing.Mode.LEASE if rng.random() < 0.25 else SupplyListing.Mode.TRANSFER
    area = parcel.area_m2
    major = LAND_USE_MAJOR.get(parcel.land_use[:2], "土地")
    price = (
        (area * Decimal(rng.randint(300, 3000)) / 10000).quantize(Decimal("0.0001")) if rng.random() < 0.85 else None
    )
    published = timezone.now() - timedelta(days=rng.randint(1, 150))
    is_public = status in (*SupplyListing.PUBLIC_STATUSES, SupplyListing.Status.DELISTED, SupplyListing.Status.EXPIRED)
    listing = SupplyListing.objects.create(
        owner=owner,
        created_by=owner,
        mode=mode,
        status=status,
        title=f"{_region_path(region_code)}{int(area)}平米{major}{'出租' if mode == 'lease' else '转让'}",
        land_nature="state_owned",
        region_id=region_code,
        use_right_type="granted",
        land_type="enterprise" if owner.kind == User.Kind.ENTERPRISE else "personal",
        land_use=parcel.land_use,
        area_m2=area,
        right_end_date=(timezone.localdate() + timedelta(days=365 * rng.randint(10, 45))),
        lease_term_years=rng.randint(5, 20) if mode == "lease" else None,
        address=parcel.address or "演示地址",
        location=parcel.centroid,
        parcel=parcel,
        boundary_east=parcel.boundary_east,
        boundary_west=parcel.boundary_west,
        boundary_south=parcel.boundary_south,
        boundary_north=parcel.boundary_north,
        price_wan=price,
        certificate_type="real_estate",
        certificate_number=parcel.certificate_number or "川(2020)不动产权第0000001号",
        registration_authority=parcel.registration_authority or "不动产登记中心",
        with_buildings=False,
        investment_over_25=True,
        floor_area_ratio=parcel.floor_area_ratio,
        institution="自然资源和规划局",
        owner_nature=owner.kind,
        owner_name=owner.real_name,
        owner_id_type="营业执照" if owner.kind == User.Kind.ENTERPRISE else "居民身份证",
        owner_id_number="91510100MA61234560" if owner.kind == User.Kind.ENTERPRISE else "11010519491231002X",
        owner_address="成都市高新区天府大道1号",
        owner_phone=owner.phone,
        agent_name=owner.real_name,
        agent_phone=owner.phone,
        reason="资料不全，请补充不动产权证书" if status == SupplyListing.Status.REJECTED else "",
        submitted_at=published if status != SupplyListing.Status.DRAFT else None,
        published_at=published if is_public else None,
        certified_at=published if status == SupplyListing.Status.CERTIFIED else None,
        expires_at=published + timedelta(days=183) if is_public else None,
    )
    if status != SupplyListing.Status.DRAFT:
        ReviewEvent.objects.create(
            subject=ReviewEvent.Subject.SUPPLY, subject_id=listing.pk, action="submit", from_status="draft",
            to_status="in_review", actor=owner,
        )  # fmt: skip
    return listing


# --- reviewing authorities (审核机构): named for the demo's province and cities (docs/publishing.md) -----------------
def _reviewing_authorities_seed(listings: list[SupplyListing]) -> None:
    """四川省自然资源厅 and each demo city's 自然资源和规划局 (成都: 规划和自然资源局), as a deployer would name them in
    the admin site; each demo listing names the first authority its county is offered (the city's, nearest)."""
    from geo.services_listing import county_get
    from market.models import ReviewingAuthority
    from market.services.institutions import institution_options

    named = {"510000": "四川省自然资源厅", "510100": "成都市规划和自然资源局"}
    levels = [Region.Level.PROVINCE, Region.Level.CITY]
    regions = Region.objects.filter(level__in=levels, code__startswith="51").values_list("code", "name")
    for code, city in regions:
        name = named.get(code, f"{city}自然资源和规划局")
        ReviewingAuthority.objects.get_or_create(region_id=code, defaults={"name": name})
    for listing in listings:
        county = county_get(code=listing.region_id) if listing.region_id else None
        if county is not None:
            listing.institution = institution_options(county=county)[0]
            listing.save(update_fields=["institution"])
