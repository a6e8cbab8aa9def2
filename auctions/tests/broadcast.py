"""Announced lots at chosen times for the broadcast tabs' tests (selector, page and browser)."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Lot
from auctions.services.announcements import announcement_draft, announcement_publish
from auctions.services.lots import Grant, Terms, lot_register_submitted, lot_submit_by_grantor
from auctions.tests.factories import centre_create, centre_staff_create, sichuan_regions

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of December 2026 in Asia/Shanghai (UTC+8: 2026-12-06 23:00 here is 15:00 UTC on the 6th)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


def day_at(days: int, hour: int, minute: int = 0) -> datetime:
    """A moment `days` from today (the real today, in Asia/Shanghai), for pages that read the real clock."""
    today = timezone.now().astimezone(SHANGHAI).date()
    return datetime.combine(today + timedelta(days=days), time(hour, minute), tzinfo=SHANGHAI)


def broadcast_world() -> dict[str, Any]:
    """成都's centre with its staff and 锦江区's grantor."""
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    return {
        "centre": centre,
        "staff": centre_staff_create(centre),
        "grantor": user_create(role=User.Role.GRANTOR, regions=["510104"], real_name="成都市锦江区自然资源局"),
    }


def listing(starts: datetime, ends: datetime, *, closes: datetime | None = None) -> Terms:
    """A listing from `starts` to `ends`; applications close at `closes` (default: three hours before the end)."""
    closes = closes or ends - timedelta(hours=3)
    opens = min(starts, closes) - timedelta(days=10)
    return Terms(
        trading_mode="listing", process="full", start_price_wan=Decimal("1200"), increment_wan=Decimal("10"),
        deposit_wan=Decimal("240"), announcement_starts_at=opens, applications_open_at=opens,
        applications_close_at=closes, deposit_deadline=closes + timedelta(hours=1), listing_starts_at=starts,
        listing_ends_at=ends,
    )  # fmt: skip


def auction(starts: datetime) -> Terms:
    opens = starts - timedelta(days=20)
    return Terms(
        trading_mode="auction", process="full", start_price_wan=Decimal("3000"), increment_wan=Decimal("50"),
        deposit_wan=Decimal("600"), announcement_starts_at=opens, applications_open_at=opens,
        applications_close_at=starts - timedelta(days=2), deposit_deadline=starts - timedelta(days=1),
        auction_starts_at=starts,
    )  # fmt: skip


def lot(world: dict[str, Any], title: str, terms: Terms, *, announce: bool = True) -> Lot:
    """A grantor's lot registered by the centre and, unless `announce` is false, announced."""
    grant = Grant(centre_id=world["centre"].pk, region_code="510104", title=title, transfer="grant")
    created = lot_submit_by_grantor(user=world["grantor"], grant=grant, terms=terms)
    created.documents.create(
        title="出让须知", file="n.pdf", original_name="n.pdf", content_type="application/pdf", size=1, sha256="0" * 64
    )
    created = lot_register_submitted(user=world["staff"], lot_id=created.pk)
    if announce:
        draft = announcement_draft(user=world["staff"], lot_id=created.pk, title=f"{title}出让公告", body="正文")
        announcement_publish(user=world["staff"], announcement_id=draft.pk)
    return created
