"""Plain functions that create trading centres, lots and announcements in any state, for tests of any app."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import BidApplication, Lot, LotResult, LotTrading, Qualification, RuleProfile, TradingCentre
from auctions.presets import ensure_presets
from auctions.services.lots import Terms
from geo.models import Region
from geo.tests.factories import region_create


def sichuan_regions() -> dict[str, Region]:
    """四川省 → 成都市 → 锦江区 and 武侯区, without boundaries (the trading tests need codes, not places)."""
    sichuan = region_create(code="510000", name="四川省")
    chengdu = region_create(code="510100", name="成都市", parent=sichuan)
    return {
        "sichuan": sichuan,
        "chengdu": chengdu,
        "jinjiang": region_create(code="510104", name="锦江区", parent=chengdu),
        "wuhou": region_create(code="510107", name="武侯区", parent=chengdu),
    }


def preset(name: str = "海南（默认）") -> RuleProfile:
    ensure_presets()
    return RuleProfile.objects.get(is_preset=True, name=name)


def centre_create(*, region: Region, name: str = "成都市公共资源交易中心", **fields: Any) -> TradingCentre:
    values: dict[str, Any] = {
        "address": "成都市高新区天府大道北段966号",
        "phone": "028-85000000",
        "rule_profile": preset(),
    } | fields
    return TradingCentre.objects.create(name=name, region=region, **values)


def centre_staff_create(centre: TradingCentre) -> User:
    staff = user_create(role=User.Role.CENTRE_STAFF, regions=[centre.region_id])
    centre.staff.add(staff)
    return staff


def listing_terms(*, start: datetime | None = None, **changes: Any) -> Terms:
    """A listing (挂牌) schedule in order from `start` (default: one hour from now): announcement, applications and
    deposit, then ten days of listing."""
    t0 = start or timezone.now() + timedelta(hours=1)
    values: dict[str, Any] = {
        "trading_mode": "listing",
        "process": "full",
        "start_price_wan": Decimal("1200"),
        "increment_wan": Decimal("10"),
        "deposit_wan": Decimal("240"),
        "announcement_starts_at": t0,
        "applications_open_at": t0,
        "applications_close_at": t0 + timedelta(days=20),
        "deposit_deadline": t0 + timedelta(days=20, hours=2),
        "listing_starts_at": t0 + timedelta(days=10),
        "listing_ends_at": t0 + timedelta(days=21),
    } | changes
    return Terms(**values)


def won_deal(
    lot: Lot,
    *,
    name: str = "钱七",
    number: str = "731905",
    price: str = "1560.5",
    at: datetime | None = None,
    applicant: User | None = None,
    publish_price: bool = True,
    closed: bool = True,
    reserve_wan: str | None = None,
    **result: Any,
) -> LotResult:
    """The lot's trade won by `applicant` (a new verified user named `name` unless given) as bidder `number` at
    `price` (万元), decided at `at` (now): its approved application, qualification and result; with `closed`, the
    trading row closed in a deal as the engine leaves it (the reserve revealed as `reserve_wan`). `result` sets other
    LotResult fields (price_public, revoked_at, …)."""
    at = at or timezone.now()
    user = applicant or user_create(real_name=name)
    application = BidApplication.objects.create(
        lot=lot,
        applicant=user,
        created_by=user,
        contact_name=name,
        contact_phone="13800138000",
        address="成都",
        status=BidApplication.Status.APPROVED,
        publish_price=publish_price,
        submitted_at=at,
        decided_at=at,
    )
    winner = Qualification.objects.create(application=application, lot=lot, bidder_number=number, issued_at=at)
    if closed:
        revealed = Decimal(reserve_wan) if reserve_wan is not None else None
        LotTrading.objects.update_or_create(
            lot=lot, defaults={"closed_at": at, "outcome": LotTrading.Outcome.DEAL, "reserve_revealed_wan": revealed}
        )
    values = {"outcome": LotTrading.Outcome.DEAL, "winner": winner, "price_wan": Decimal(price), "decided_at": at}
    return LotResult.objects.create(lot=lot, **(values | result))
