"""Deterministic demo data for trading: banks, Sichuan's trading centres and their staff, lots in every state through
the services (schedules around today in Asia/Shanghai), announcements of every kind, and one lot whose rules require
CA digital certificates (docs/certificates.md, "Trying it in the demo")."""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from pypdf import PdfWriter

from accounts.checksums import credit_code_check_character, resident_id_check_character
from accounts.models import RealNameVerification, User
from auctions.models import Announcement, Bank, EntrustmentAttachment, Lot, RuleProfile, TradingCentre
from auctions.presets import ensure_presets
from auctions.selectors import serves
from auctions.services.announcements import announcement_draft, announcement_publish
from auctions.services.entrustments import (
    attachment_add,
    entrustment_accept,
    entrustment_create,
    entrustment_submit,
    entrustment_update,
)
from auctions.services.lots import (
    Grant,
    Terms,
    lot_document_add,
    lot_register_from_entrustment,
    lot_register_submitted,
    lot_return,
    lot_submit_by_grantor,
)
from auctions.services.rules import lot_rules_update
from core.clock import db_now
from core.formatting import SHANGHAI
from geo.models import Parcel, Region
from geo.reference import land_use_name
from geo.selectors import region_code_prefix
from market import demo as market_demo
from market.models import SupplyListing

BANKS = [
    ("ABC", "中国农业银行"),
    ("BOC", "中国银行"),
    ("BOCOM", "交通银行"),
    ("CCB", "中国建设银行"),
    ("CDRCB", "成都农商银行"),
    ("ICBC", "中国工商银行"),
    ("PSBC", "中国邮政储蓄银行"),
]
# Demo accounts of trading (phones 1360000000x; the password is the market demo's, see auctions_demo_load).
PROVINCE_STAFF, CHENGDU_STAFF, MIANYANG_STAFF = "13600000001", "13600000002", "13600000003"
CHENGDU_GRANTOR, SUPERVISOR = "13600000010", "13600000020"


@dataclass(frozen=True)
class Centre:
    name: str
    region: str
    preset: str
    address: str
    phone: str
    contact: str
    banks: tuple[str, ...]
    bond_bank: str
    bond_account: str
    staff_phone: str


CENTRES = [
    Centre(
        "四川省公共资源交易中心", "510000", "海南（默认）", "成都市高新区天府大道北段966号天府国际金融中心7号楼",
        "028-85000001", "土地交易部", ("ICBC", "CCB", "ABC", "BOC"), "中国工商银行成都高新支行",
        "4402 2090 0910 0000 001", PROVINCE_STAFF,
    ),
    Centre(
        "成都市公共资源交易中心", "510100", "海南（默认）", "成都市高新区锦城大道366号", "028-85000002",
        "土地矿权交易科", ("ICBC", "CCB", "ABC", "BOC", "CDRCB"), "成都农商银行营业部", "1001 0000 2026 0000 02",
        CHENGDU_STAFF,
    ),
    Centre(
        "绵阳市公共资源交易中心", "510700", "福建", "绵阳市涪城区绵兴东路76号", "0816-2000003", "交易服务科",
        ("ABC", "BOC", "PSBC"), "中国农业银行绵阳分行", "2248 0101 0400 0000 3", MIANYANG_STAFF,
    ),
]  # fmt: skip
TERM_YEARS = {"05": 40, "06": 50, "07": 70}  # the longest grant terms by first-level land use; else 50


@dataclass
class DemoLot:
    """One primary-market lot of the demo: its schedule (days from today, Shanghai) and where it ends."""

    key: str
    mode: str  # listing or auction
    state: str  # submitted, returned, registered, announced, changed, terminated
    schedule: dict[str, tuple[int, int, int]]  # Terms field → (days from today, hour, minute)
    certificates: bool = False  # its rules require certificates; traded by the province's centre


def _at(days: int, hour: int, minute: int = 0) -> tuple[int, int, int]:
    return (days, hour, minute)


LISTING, AUCTION = Lot.TradingMode.LISTING, Lot.TradingMode.AUCTION
PRIMARY_LOTS = [
    # 今日交易: listing running today (it ends in 5 days)
    DemoLot("today_listing", LISTING, "announced", {
        "announcement_starts_at": _at(-20, 9), "applications_close_at": _at(4, 17), "deposit_deadline": _at(4, 19),
        "listing_starts_at": _at(-10, 9), "listing_ends_at": _at(5, 15)}),
    # 今日交易: an auction today
    DemoLot("today_auction", AUCTION, "announced", {
        "announcement_starts_at": _at(-25, 9), "applications_close_at": _at(-2, 17), "deposit_deadline": _at(-2, 19),
        "auction_starts_at": _at(0, 15)}),
    # 今日交易 and 即将截止: the listing ends in two days
    DemoLot("closing_listing", LISTING, "announced", {
        "announcement_starts_at": _at(-22, 9), "applications_close_at": _at(1, 17), "deposit_deadline": _at(1, 19),
        "listing_starts_at": _at(-8, 9), "listing_ends_at": _at(2, 15)}),
    # 即将截止: applications close in two days, the listing starts in four
    DemoLot("closing_applications", LISTING, "announced", {
        "announcement_starts_at": _at(-10, 9), "applications_close_at": _at(2, 17), "deposit_deadline": _at(2, 19),
        "listing_starts_at": _at(4, 9), "listing_ends_at": _at(14, 15)}),
    # 明日交易: a listing starting tomorrow and an auction tomorrow
    DemoLot("tomorrow_listing", LISTING, "announced", {
        "announcement_starts_at": _at(-15, 9), "applications_close_at": _at(9, 17), "deposit_deadline": _at(9, 19),
        "listing_starts_at": _at(1, 9, 30), "listing_ends_at": _at(11, 15)}),
    DemoLot("tomorrow_auction", AUCTION, "announced", {
        "announcement_starts_at": _at(-20, 9), "applications_close_at": _at(-1, 17), "deposit_deadline": _at(-1, 19),
        "auction_starts_at": _at(1, 10)}),
    # 须使用CA数字证书: a listing running today whose rules require certificates; applications close in four days
    DemoLot("certificates_listing", LISTING, "announced", {
        "announcement_starts_at": _at(-12, 9), "applications_close_at": _at(4, 17), "deposit_deadline": _at(4, 19),
        "listing_starts_at": _at(-2, 9), "listing_ends_at": _at(6, 15)}, certificates=True),
    # A change announcement (变更公告) superseding the original, and a termination (终止公告)
    DemoLot("changed", LISTING, "changed", {
        "announcement_starts_at": _at(0, 9), "applications_close_at": _at(19, 17), "deposit_deadline": _at(19, 19),
        "listing_starts_at": _at(10, 9), "listing_ends_at": _at(21, 15)}),
    DemoLot("terminated", LISTING, "terminated", {
        "announcement_starts_at": _at(-5, 9), "applications_close_at": _at(14, 17), "deposit_deadline": _at(14, 19),
        "listing_starts_at": _at(5, 9), "listing_ends_at": _at(16, 15)}),
    # Not announced: registered (numbered), submitted and awaiting the centre, returned to the grantor
    DemoLot("registered", LISTING, "registered", {
        "announcement_starts_at": _at(3, 9), "applications_close_at": _at(22, 17), "deposit_deadline": _at(22, 19),
        "listing_starts_at": _at(13, 9), "listing_ends_at": _at(24, 15)}),
    DemoLot("submitted", AUCTION, "submitted", {
        "announcement_starts_at": _at(5, 9), "applications_close_at": _at(24, 17), "deposit_deadline": _at(24, 19),
        "auction_starts_at": _at(26, 10)}),
    DemoLot("returned", LISTING, "returned", {
        "announcement_starts_at": _at(6, 9), "applications_close_at": _at(25, 17), "deposit_deadline": _at(25, 19),
        "listing_starts_at": _at(16, 9), "listing_ends_at": _at(27, 15)}),
]  # fmt: skip
SECONDARY_SCHEDULE = {
    "announcement_starts_at": _at(-3, 9), "applications_close_at": _at(12, 17), "deposit_deadline": _at(12, 19),
    "listing_starts_at": _at(7, 9), "listing_ends_at": _at(17, 15),
}  # fmt: skip


@dataclass
class AuctionsDemoReport:
    banks: int = 0
    centres: list[str] = field(default_factory=list)
    accounts: dict[str, str] = field(default_factory=dict)  # phone → role
    lots: dict[str, int] = field(default_factory=dict)  # status → count
    announcements: dict[str, int] = field(default_factory=dict)  # kind → count
    notes: list[str] = field(default_factory=list)
    skipped: str = ""  # why nothing was loaded


def _moment(today: date, at: tuple[int, int, int]) -> datetime:
    days, hour, minute = at
    return datetime.combine(today + timedelta(days=days), time(hour, minute), tzinfo=SHANGHAI)


def _terms(today: date, mode: str, schedule: dict[str, tuple[int, int, int]], price: Decimal) -> Terms:
    moments = {name: _moment(today, at) for name, at in schedule.items()}
    return Terms(
        trading_mode=mode,
        process=Lot.Process.FULL,
        start_price_wan=price,
        increment_wan=Decimal(10) if price < 2000 else Decimal(50),
        deposit_wan=(price * Decimal("0.2")).quantize(Decimal(1)),
        applications_open_at=moments["announcement_starts_at"],
        **moments,
    )


def _user(phone: str, password_hash: str, **fields: Any) -> User:
    return User.objects.create(phone=phone, password=password_hash, **fields)


def _document(name: str = "出让须知.pdf") -> SimpleUploadedFile:
    """A one-page PDF standing for a document (the demo's files are blank pages)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "演示文件"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def _attach_document(grantor: User, lot: Lot) -> None:
    lot_document_add(user=grantor, lot_id=lot.pk, title="出让须知", file=_document())


def _publish(staff: User, lot: Lot, title: str, body: str, kind: str = Announcement.Kind.NORMAL) -> Announcement:
    draft = announcement_draft(user=staff, lot_id=lot.pk, title=title, body=body, kind=kind)
    return announcement_publish(user=staff, announcement_id=draft.pk)


def _announce(staff: User, lot: Lot) -> None:
    _publish(
        staff,
        lot,
        f"{lot.title}挂牌出让公告" if lot.trading_mode == LISTING else f"{lot.title}拍卖出让公告",
        f"经批准，{lot.centre.name}受{lot.transferor}委托，以网上{lot.get_trading_mode_display()}方式出让"
        f"{lot.title}。\n\n起始价{lot.start_price_wan}万元，竞买保证金{lot.deposit_wan}万元。（演示数据）",
    )


def _centres(report: AuctionsDemoReport, password_hash: str) -> dict[str, tuple[TradingCentre, User]]:
    banks = {code: Bank.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in BANKS}
    report.banks = len(banks)
    found: dict[str, tuple[TradingCentre, User]] = {}
    for spec in CENTRES:
        region = Region.objects.filter(code=spec.region).first()
        if region is None:
            report.notes.append(f"{spec.name}: region {spec.region} is not loaded, centre skipped")
            continue
        centre, _created = TradingCentre.objects.get_or_create(
            name=spec.name,
            defaults={
                "region": region,
                "address": spec.address,
                "phone": spec.phone,
                "contact": spec.contact,
                "rule_profile": RuleProfile.objects.get(is_preset=True, name=spec.preset),
                "bond_payee": spec.name,
                "bond_bank": spec.bond_bank,
                "bond_account": spec.bond_account,
            },
        )
        centre.banks.add(*(banks[code] for code in spec.banks))
        staff = _user(
            spec.staff_phone,
            password_hash,
            role=User.Role.CENTRE_STAFF,
            regions=[spec.region],
            real_name=f"{spec.name}工作人员",
            is_staff=True,
        )
        centre.staff.add(staff)
        report.centres.append(spec.name)
        report.accounts[spec.staff_phone] = f"trading-centre staff ({spec.name})"
        found[spec.region] = (centre, staff)
    return found


def _primary_lots(
    report: AuctionsDemoReport,
    centres: dict[str, tuple[TradingCentre, User]],
    grantor: User,
    today: date,
) -> None:
    """The grantor's door: submitted with a document, registered by the centre, announced, changed, terminated. The
    lots go to 成都市's centre, the one requiring certificates to the province's (so that only the province's staff,
    the grantor and its bidders are asked to sign in with a certificate)."""
    parcels = list(Parcel.objects.filter(region__code__startswith="5101").exclude(land_use="").order_by("code"))
    counties = list(Region.objects.filter(level=Region.Level.COUNTY, code__startswith="5101").order_by("code"))
    if not counties:
        report.notes.append("no county of 成都市 is loaded: no grantor lots")
        return
    if len(parcels) < len(PRIMARY_LOTS):
        report.notes.append(f"{len(parcels)} parcels in 成都市: the other lots have no parcel")
    for index, spec in enumerate(PRIMARY_LOTS):
        centre, staff = centres.get("510000", centres["510100"]) if spec.certificates else centres["510100"]
        parcel = parcels[index] if index < len(parcels) else None
        region = parcel.region if parcel and parcel.region else counties[index % len(counties)]
        use = parcel.land_use if parcel else "0601"
        area = parcel.area_m2 if parcel else Decimal(20000 + 1000 * index)
        unit_yuan = 800 + 150 * index  # 元/平方米
        price = (area * unit_yuan / 10000).quantize(Decimal(1)) or Decimal(1)
        grant = Grant(
            centre_id=centre.pk,
            region_code=region.code,
            title=f"{region.name}{parcel.code[-4:] if parcel else f'DEMO-{index + 1:02d}'}号地块",
            transfer=Lot.Transfer.LEASE if spec.key == "tomorrow_auction" else Lot.Transfer.GRANT,
            address=(parcel.address if parcel else "") or f"{region.name}（演示地址）",
            parcel_id=parcel.pk if parcel else None,
            area_m2=area,
            land_use=use,
            term_years=TERM_YEARS.get(use[:2], 50),
            conditions=f"{land_use_name(use) or '建设用地'}；容积率不大于2.5；竞得人须在签订合同后12个月内开工。",
        )
        terms = _terms(today, spec.mode, spec.schedule, price)
        lot = lot_submit_by_grantor(user=grantor, grant=grant, terms=terms)  # on a parcel: at its centroid
        if spec.state == "submitted":
            _attach_document(grantor, lot)
            continue
        if spec.state == "returned":
            lot_return(user=staff, lot_id=lot.pk, reason="缺少宗地图和规划条件，请补正后重新提交。")
            continue
        _attach_document(grantor, lot)
        lot = lot_register_submitted(user=staff, lot_id=lot.pk)
        if spec.state == "registered":
            continue
        if spec.certificates:
            lot_rules_update(user=staff, lot_id=lot.pk, certificates_required=True)
        _announce(staff, lot)
        if spec.state == "changed":
            body = "挂牌截止时间及竞买申请截止时间延后，其余内容不变。（演示数据）"
            _publish(staff, lot, f"{lot.title}变更公告", body, kind=Announcement.Kind.CHANGE)
        elif spec.state == "terminated":
            body = "因规划条件调整，终止本次挂牌出让活动。（演示数据）"
            _publish(staff, lot, f"{lot.title}终止公告", body, kind=Announcement.Kind.TERMINATION)


def _certificate_holders(report: AuctionsDemoReport) -> None:
    """The people of the lot requiring certificates get the approved verification a certificate's subject is checked
    against (accounts/certificates.py), so they can get a demo certificate in 我的证书: the market demo's bidder and
    enterprise (its sub-account then gets a staff certificate), the province centre's staff and the grantor."""
    holders = [  # the first 17 characters of a resident ID number or a credit code
        (market_demo.SEEKER, "51010419850612002"),  # 赵六
        (market_demo.ENTERPRISE, "91510100MA61R2XK7"),  # 成都天府置业有限公司
        (PROVINCE_STAFF, "51010419800101003"),
        (CHENGDU_GRANTOR, "51010019750301004"),
    ]
    for phone, first17 in holders:
        user = User.objects.filter(phone=phone).first()
        if user is None or user.verifications.filter(status=RealNameVerification.Status.APPROVED).exists():
            continue
        if user.verified_at is None:
            user.verified_at = db_now()
            user.save(update_fields=["verified_at"])
        enterprise = user.kind == User.Kind.ENTERPRISE
        check = credit_code_check_character(first17) if enterprise else resident_id_check_character(first17)
        RealNameVerification.objects.create(
            user=user,
            kind=user.kind,
            name=user.real_name,
            id_number=first17 + check,
            status=RealNameVerification.Status.APPROVED,
            reviewed_at=user.verified_at,
        )
        report.notes.append(f"{phone}: an approved real-name verification for demo certificates")


def _secondary_lot(report: AuctionsDemoReport, centres: dict[str, tuple[TradingCentre, User]], today: date) -> None:
    """The entrustment door: a published demo supply listing entrusted to the centre serving it, then a lot."""
    listing = (
        SupplyListing.objects.filter(status__in=SupplyListing.PUBLIC_STATUSES, parcel__isnull=False)
        .exclude(entrustments__isnull=False)
        .order_by("id")
        .first()
    )
    if listing is None:
        report.notes.append("no published supply listing: no entrustment lot")
        return
    served = [code for code, (centre, _staff) in centres.items() if serves(centre, listing.region_id or "")]
    if not served:
        report.notes.append(f"no demo centre serves {listing.region_id}: no entrustment lot")
        return
    centre, staff = centres[max(served, key=lambda code: len(region_code_prefix(code)))]
    owner = listing.owner
    price = listing.price_wan or ((listing.area_m2 or Decimal(10000)) * Decimal(600) / 10000).quantize(Decimal(1))
    entrustment = entrustment_create(user=owner, listing_id=listing.pk)
    entrustment_update(
        user=owner, entrustment_id=entrustment.pk, step=1, centre=centre.pk, term_years=40, price_wan=str(price)
    )
    entrustment_update(
        user=owner,
        entrustment_id=entrustment.pk,
        step=2,
        owner_address=listing.owner_address or "成都市高新区天府大道1号",
        agent_name=listing.agent_name or owner.real_name,
        agent_phone=listing.agent_phone or owner.phone,
    )
    for kind in EntrustmentAttachment.REQUIRED_KINDS:
        attachment_add(user=owner, entrustment_id=entrustment.pk, kind=kind, file=_document(f"{kind}.pdf"))
    entrustment_submit(user=owner, entrustment_id=entrustment.pk)
    entrustment_accept(user=staff, entrustment_id=entrustment.pk, bond_yuan="50000.00")
    terms = _terms(today, LISTING, SECONDARY_SCHEDULE, price.quantize(Decimal(1)) or Decimal(1))
    lot = lot_register_from_entrustment(user=staff, entrustment_id=entrustment.pk, terms=terms)
    _announce(staff, lot)


@transaction.atomic
def auctions_demo_load(*, password: str = "") -> AuctionsDemoReport:
    """Load the demo once; a second run finds its first centre's staff account and changes nothing.

    Without `password` the accounts take the market demo administrator's password (the same hash), so every demo
    account signs in with one password; without a market demo either, the caller must pass one.
    """
    report = AuctionsDemoReport()
    if User.objects.filter(phone=PROVINCE_STAFF).exists():
        report.skipped = "already loaded"
        return report
    if not Region.objects.filter(code="510000").exists():
        report.skipped = "四川省 (510000) is not loaded: run seed_demo first"
        return report
    if password:
        password_hash = make_password(password)
    else:
        admin = User.objects.filter(phone=market_demo.ADMIN).first()
        if admin is None:
            report.skipped = "no password given and no market demo administrator to share one with"
            return report
        password_hash = admin.password
    ensure_presets()
    now = db_now()
    today = now.astimezone(SHANGHAI).date()
    centres = _centres(report, password_hash)
    grantor = _user(
        CHENGDU_GRANTOR, password_hash, role=User.Role.GRANTOR, regions=["510100"], real_name="成都市规划和自然资源局"
    )
    _user(SUPERVISOR, password_hash, role=User.Role.SUPERVISOR, regions=["510000"], real_name="四川省交易监管人员")
    report.accounts[CHENGDU_GRANTOR] = "grantor (成都市)"
    report.accounts[SUPERVISOR] = "supervisor (四川省)"
    if "510100" in centres:
        _primary_lots(report, centres, grantor, today)
    else:
        report.notes.append("成都市 (510100) is not loaded: no grantor lots")
    _secondary_lot(report, centres, today)
    _certificate_holders(report)
    for status in Lot.Status.values:
        report.lots[status] = Lot.objects.filter(status=status).count()
    for kind in Announcement.Kind.values:
        report.announcements[kind] = Announcement.objects.filter(kind=kind).count()
    return report
