"""A fixed set of notices to search: lots in 四川 (锦江, 武侯, 涪城) and 云南 (五华) of two centres, their published,
superseded and draft announcements at known moments, and the engines on an index of the test's own."""

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from auctions.models import Announcement, AnnouncementDocument, Lot, RuleProfile, TradingCentre
from auctions.tests.factories import centre_create
from core.tests.samples import pdf_bytes
from geo.models import Region
from geo.tests.factories import region_create, sichuan_tree
from search import indexing
from search.engines.notice_elasticsearch import NoticeElasticsearchEngine

SHANGHAI = ZoneInfo("Asia/Shanghai")
A = Announcement.Status
K = Announcement.Kind


def shanghai(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@dataclass
class Notices:
    """The announcements by name (a1 … a6 public; draft, draft_change never public), their lots and centres.

    a1  川DZR[2026]0012 锦江 normal      superseded 川自然资源字[2026]0001号 2026-10-31 23:30 (Asia/Shanghai)
    a2  川DZR[2026]0012 锦江 change      published  川自然资源字[2026]0002号 2026-11-01 00:10, supersedes a1
    a3  川DZR[2026]0003 武侯 normal      published  川自然资源字[2026]0003号 an hour ago (auction)
    a4  川DCR[2026]0001 涪城 normal      superseded 川自然资源字[2026]0012号 20 days ago
    a6  川DCR[2026]0001 涪城 termination published  川自然资源字[2026]0013号 5 days ago, supersedes a4
    a5  云KTK[2025]0007 五华 normal      published  云自然资源字[2025]0003号 2025-12-20 09:00 (mining, auction, 云南)
    draft        川DZR[2026]0099 锦江 a draft whose title holds 0012, DZR[2026] and 锦江
    draft_change a draft change of a3 (supersedes it): never its successor in public
    """

    announcements: dict[str, Announcement]
    lots: dict[str, Lot]
    centres: dict[str, TradingCentre]

    def ids(self, *names: str) -> set[int]:
        return {self.announcements[name].pk for name in names}

    def names(self, ids: list[int]) -> set[str]:
        by_id = {item.pk: name for name, item in self.announcements.items()}
        return {by_id.get(pk, f"#{pk}") for pk in ids}


PUBLIC = ("a1", "a2", "a3", "a4", "a5", "a6")


def lot_create(centre: TradingCentre, region: str, number: str, **fields: Any) -> Lot:
    now = timezone.now()
    values: dict[str, Any] = {
        "door": Lot.Door.SECONDARY,
        "kind": Lot.Kind.LAND_USE_RIGHT,
        "transfer": Lot.Transfer.TRANSFER,
        "trading_mode": Lot.TradingMode.LISTING,
        "status": Lot.Status.ANNOUNCED,
        "title": f"{number}地块",
        "start_price_wan": Decimal("1200"),
        "increment_wan": Decimal("10"),
        "deposit_wan": Decimal("240"),
        "announcement_starts_at": now,
        "applications_open_at": now,
        "applications_close_at": now + timedelta(days=20),
        "deposit_deadline": now + timedelta(days=20, hours=2),
        "listing_starts_at": now + timedelta(days=10),
        "listing_ends_at": now + timedelta(days=21),
        "transferor": "成都某公司",
    } | fields
    rules = RuleProfile.objects.create(name=f"{number} rules")
    return Lot.objects.create(centre=centre, region_id=region, number=number, rules=rules, **values)


def announcement_create(lot: Lot, number: str, published_at: datetime | None, **fields: Any) -> Announcement:
    values: dict[str, Any] = {"kind": K.NORMAL, "status": A.PUBLISHED, "title": f"{lot.title}挂牌公告", "body": "正文"}
    return Announcement.objects.create(lot=lot, number=number, published_at=published_at, **(values | fields))


def notices_create(regions: dict[str, Region] | None = None) -> Notices:
    """The notices of `Notices`, in the given SICHUAN regions (geo.tests.factories.sichuan_tree) or new ones."""
    regions = regions or sichuan_tree(boundaries=False)
    yunnan = region_create(code="530000", name="云南省", abbreviation="云")
    kunming = region_create(code="530100", name="昆明市", parent=yunnan, abbreviation="云")
    region_create(code="530102", name="五华区", parent=kunming, abbreviation="云")
    centres = {
        "chengdu": centre_create(region=regions["510100"]),
        "yunnan": centre_create(region=yunnan, name="云南省公共资源交易中心", address="昆明市", phone="0871-1"),
    }
    now = timezone.now()
    lots = {
        "jinjiang": lot_create(centres["chengdu"], "510104", "川DZR[2026]0012", title="锦江区A-01地块"),
        "wuhou": lot_create(
            centres["chengdu"], "510107", "川DZR[2026]0003", title="武侯区B-02地块", trading_mode="auction"
        ),
        "fucheng": lot_create(
            centres["chengdu"], "510703", "川DCR[2026]0001", title="涪城区C-03地块", transfer="grant"
        ),
        "wuhua": lot_create(
            centres["yunnan"],
            "530102",
            "云KTK[2025]0007",
            title="五华区采矿权",
            kind="mining_right",
            transfer="exploration",
            trading_mode="auction",
            start_price_wan=Decimal("300"),
        ),
        "drafted": lot_create(centres["chengdu"], "510104", "川DZR[2026]0099", status=Lot.Status.REGISTERED),
    }
    made: dict[str, Announcement] = {}
    made["a1"] = announcement_create(
        lots["jinjiang"],
        "川自然资源字[2026]0001号",
        shanghai("2026-10-31T23:30"),
        status=A.SUPERSEDED,
        title="锦江区A-01地块国有建设用地使用权转让公告",
        body="宗地位于锦江区三圣乡，面积5000平方米。",
    )
    made["a2"] = announcement_create(
        lots["jinjiang"],
        "川自然资源字[2026]0002号",
        shanghai("2026-11-01T00:10"),
        kind=K.CHANGE,
        supersedes=made["a1"],
        title="锦江区A-01地块转让变更公告",
        body="变更竞买申请截止时间。ＡＢＣ全角字母。",
    )
    made["a3"] = announcement_create(
        lots["wuhou"], "川自然资源字[2026]0003号", now - timedelta(hours=1), title="武侯区B-02地块拍卖出让公告"
    )
    made["a4"] = announcement_create(
        lots["fucheng"],
        "川自然资源字[2026]0012号",
        now - timedelta(days=20),
        status=A.SUPERSEDED,
        title="涪城区C-03地块出让公告",
    )
    made["a6"] = announcement_create(
        lots["fucheng"],
        "川自然资源字[2026]0013号",
        now - timedelta(days=5),
        kind=K.TERMINATION,
        supersedes=made["a4"],
        title="涪城区C-03地块终止公告",
    )
    made["a5"] = announcement_create(
        lots["wuhua"],
        "云自然资源字[2025]0003号",
        shanghai("2025-12-20T09:00"),
        title="五华区探矿权出让公告",
        body="本次出让采矿权一宗（第*号）。" + "长" * 9000 + "尾部片段XYZ789",
    )
    made["draft"] = announcement_create(
        lots["drafted"], "", None, status=A.DRAFT, title="锦江区DZR[2026]0012草稿", body="0012 DZR[2026]"
    )
    made["draft_change"] = announcement_create(
        lots["wuhou"], "", None, status=A.DRAFT, kind=K.CHANGE, supersedes=made["a3"], title="武侯区变更草稿"
    )
    return Notices(announcements=made, lots=lots, centres=centres)


def notice_with_document(region_code: str) -> tuple[Announcement, AnnouncementDocument]:
    """A published announcement of a new lot in the region, with one PDF document (for routes that need one)."""
    centre = centre_create(region=Region.objects.get(pk=region_code), name=f"交易中心{uuid.uuid4().hex[:6]}")
    lot = lot_create(centre, region_code, f"川DZR[2026]{uuid.uuid4().int % 10000:04d}")
    announcement = announcement_create(lot, "", None, status=A.DRAFT)
    document = AnnouncementDocument(
        announcement=announcement,
        title="出让须知",
        original_name="须知.pdf",
        content_type="application/pdf",
        size=len(pdf_bytes()),
        sha256=hashlib.sha256(pdf_bytes()).hexdigest(),
    )
    document.file.save("notice.pdf", ContentFile(pdf_bytes()), save=True)
    announcement.status = A.PUBLISHED
    announcement.number = "川自然资源字[2026]9999号"
    announcement.published_at = timezone.now()
    announcement.save(update_fields=["status", "number", "published_at"])
    return announcement, document


@pytest.fixture
def notices() -> Notices:
    return notices_create()


def index_notices(notices: Notices, prefix: str) -> None:
    """Index every announcement of the world (drafts too: indexing must leave them out) under the prefix."""
    indexing.ensure_indices(["notice"], prefix=prefix)
    indexing.index_now("notice", [item.pk for item in notices.announcements.values()], prefix=prefix)


@pytest.fixture
def notice_elasticsearch(notices: Notices) -> Iterator[NoticeElasticsearchEngine]:
    """The Elasticsearch engine on a notice index of this test only."""
    prefix = f"{settings.SEARCH_INDEX_PREFIX}_{uuid.uuid4().hex[:10]}"
    try:
        index_notices(notices, prefix)
        yield NoticeElasticsearchEngine(alias=prefix)
    finally:
        indexing.delete_indices(["notice"], prefix=prefix)
