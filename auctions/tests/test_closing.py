"""Staff procedures that end or undo a trade (auctions/services/closing.py): termination by announcement, the
result of a semi-process lot recorded after its on-site bidding, revocation of a deal, and a suspension published
with its supplementary announcement. After each, the lot's evidence chain verifies with the standalone verifier."""

import importlib.util
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from auctions.models import Announcement, Bank, EvidenceEntry, Lot, LotResult, LotTrading, TradingEvent
from auctions.services.announcements import announcement_draft, announcement_publish
from auctions.services.closing import OfflineResult, result_record, result_revoke, trading_suspend_announced
from auctions.services.evidence import protocol_export
from auctions.services.trading import BidRefused, lot_close, lots_to_close
from auctions.tests.factories import centre_create, centre_staff_create, sichuan_regions
from auctions.tests.test_lots_and_announcements import announced
from auctions.tests.trading_world import bid, listing_schedule, qualified_bidder, shift_to, trading_lot
from core.clock import shifted
from core.errors import Conflict, InvalidInput, NotFound
from core.tests.samples import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)
_spec = importlib.util.spec_from_file_location(
    "verify_evidence", Path(settings.BASE_DIR) / "scripts/verify_evidence.py"
)
assert _spec is not None
assert _spec.loader is not None
verifier = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(verifier)


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield tmp_path


def chain_verifies(lot: Lot) -> None:
    ok, message = verifier.verify(protocol_export(lot=lot))
    assert ok, message


def kinds(lot: Lot) -> list[str]:
    return list(EvidenceEntry.objects.filter(lot=lot).order_by("seq").values_list("kind", flat=True))


def semi_lot() -> dict[str, Any]:
    """An announced semi-process listing (bid for on site after the listing ends), applications open now."""
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    centre.banks.add(Bank.objects.create(code="ICBC", name="中国工商银行", account_prefix="6222"))
    world: dict[str, Any] = {"regions": regions, "centre": centre, "staff": centre_staff_create(centre)}
    from accounts.models import User
    from accounts.tests.factories import user_create

    world["grantor"] = user_create(role=User.Role.GRANTOR, regions=["510104"])
    schedule = replace(listing_schedule(timezone.now() - timedelta(hours=1)), process="semi")
    world["lot"] = announced(world, schedule)[0]
    return world


def after_trading(world: dict[str, Any]) -> Any:
    return shifted(shift_to(world["lot"].listing_ends_at, plus=SECOND))


def pdf(name: str = "确认书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def terminate(world: dict[str, Any]) -> Announcement:
    draft = announcement_draft(
        user=world["staff"],
        lot_id=world["lot"].pk,
        title="终止公告",
        body="因故终止",
        kind=Announcement.Kind.TERMINATION,
    )
    return announcement_publish(user=world["staff"], announcement_id=draft.pk)


def other_centre_staff(world: dict[str, Any]) -> Any:
    return centre_staff_create(centre_create(region=world["regions"]["chengdu"], name="另一交易中心"))


# ------------------------------------------------------------------------------------------ termination


def test_termination_of_a_running_lot_refuses_further_bids_and_records_the_result():
    world = trading_lot()
    (a, _qa), (b, _qb) = qualified_bidder(world, "甲"), qualified_bidder(world, "乙")
    with shifted(shift_to(world["lot"].listing_starts_at, plus=SECOND)):
        bid(a, world, "1000")
        announcement = terminate(world)
        with pytest.raises(BidRefused) as refused:
            bid(b, world, "1010")
    assert refused.value.code == "late"
    trading = LotTrading.objects.get(lot=world["lot"])
    assert trading.outcome == LotTrading.Outcome.TERMINATED
    assert trading.closed_at is not None
    result = LotResult.objects.get(lot=world["lot"])
    assert (result.outcome, result.recorded_by, result.winner) == ("terminated", world["staff"], None)
    assert announcement.number in result.reason
    assert kinds(world["lot"])[-1] == "trading.terminated"
    assert EvidenceEntry.objects.filter(lot=world["lot"], kind="trading.terminated").get().data["announcement"] == (
        announcement.number
    )
    assert lot_close(lot_id=world["lot"].pk) is not None  # the close sees it closed and writes nothing
    assert LotResult.objects.filter(lot=world["lot"]).count() == 1
    chain_verifies(world["lot"])


def test_termination_after_a_deal_is_refused_and_changes_nothing():
    world = trading_lot(mode="auction")
    a, _qa = qualified_bidder(world, "甲")
    with shifted(shift_to(world["lot"].auction_starts_at, plus=SECOND)):
        placed = bid(a, world, "1000")
    with shifted(shift_to(placed.deadline, plus=SECOND)):
        closed = lot_close(lot_id=world["lot"].pk)
        assert closed is not None
        assert closed.outcome == "deal"
        draft = announcement_draft(
            user=world["staff"], lot_id=world["lot"].pk, title="终止", body="终止", kind=Announcement.Kind.TERMINATION
        )
        before = kinds(world["lot"])
        with pytest.raises(Conflict) as refused:
            announcement_publish(user=world["staff"], announcement_id=draft.pk)
    assert refused.value.code == "already_closed"
    draft.refresh_from_db()
    assert draft.status == Announcement.Status.DRAFT
    assert Lot.objects.get(pk=world["lot"].pk).status == Lot.Status.ANNOUNCED
    assert LotResult.objects.get(lot=world["lot"]).outcome == "deal"
    assert kinds(world["lot"]) == before
    chain_verifies(world["lot"])


# ------------------------------------------------------------------------------------------ semi-process result


def test_a_semi_process_lot_refuses_online_bids_and_the_close_leaves_it_to_staff():
    world = semi_lot()
    a, _qa = qualified_bidder(world, "甲")
    with shifted(shift_to(world["lot"].listing_starts_at, plus=SECOND)), pytest.raises(BidRefused) as refused:
        bid(a, world, "1000")
    assert refused.value.code == "offline_trading"
    with after_trading(world):
        assert world["lot"].pk not in lots_to_close()
        assert lot_close(lot_id=world["lot"].pk) is None
    assert LotTrading.objects.get(lot=world["lot"]).closed_at is None


def test_an_offline_deal_is_recorded_once_with_its_confirmation_and_evidence():
    world = semi_lot()
    _a, qa = qualified_bidder(world, "甲")
    entered = OfflineResult(outcome="deal", bidder_number=qa.bidder_number, price_wan="1234.5", confirmation=pdf())
    with shifted(shift_to(world["lot"].listing_ends_at, plus=-SECOND)), pytest.raises(Conflict) as early:
        result_record(user=world["staff"], lot_id=world["lot"].pk, entered=entered)
    assert early.value.code == "not_yet"
    with after_trading(world):
        with pytest.raises(NotFound):
            result_record(user=other_centre_staff(world), lot_id=world["lot"].pk, entered=entered)
        result = result_record(
            user=world["staff"], lot_id=world["lot"].pk, entered=replace(entered, confirmation=pdf())
        )
        with pytest.raises(Conflict) as twice:
            result_record(user=world["staff"], lot_id=world["lot"].pk, entered=replace(entered, confirmation=pdf()))
    assert twice.value.code == "already_closed"
    assert (result.outcome, result.source, result.winner, result.price_wan) == (
        "deal",
        "offline",
        qa,
        Decimal("1234.5"),
    )
    assert len(result.confirmation_sha256) == 64
    assert result.confirmation.read() == pdf_bytes()
    trading = LotTrading.objects.get(lot=world["lot"])
    assert (trading.outcome, trading.closed_at is not None) == ("deal", True)
    entry = EvidenceEntry.objects.filter(lot=world["lot"], kind="result").get()
    assert entry.data == {
        "outcome": "deal",
        "winner": qa.bidder_number,
        "price_wan": "1234.5",
        "source": "offline",
        "confirmation_sha256": result.confirmation_sha256,
        "reason": "",
    }
    assert TradingEvent.objects.filter(lot=world["lot"], action="result.recorded").count() == 1
    chain_verifies(world["lot"])


def test_a_failed_offline_result_needs_a_reason():
    world = semi_lot()
    with after_trading(world):
        with pytest.raises(InvalidInput) as missing:
            result_record(user=world["staff"], lot_id=world["lot"].pk, entered=OfflineResult(outcome="failed"))
        assert set(missing.value.fields) == {"reason"}
        result = result_record(
            user=world["staff"], lot_id=world["lot"].pk, entered=OfflineResult(outcome="failed", reason="无人竞买")
        )
    assert (result.outcome, result.winner, result.price_wan, result.reason) == ("failed", None, None, "无人竞买")
    chain_verifies(world["lot"])


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"bidder_number": "000000"}, "bidder_number", "unknown_bidder"),
        ({"price_wan": "999.99"}, "price_wan", "below_start"),
        (
            {"confirmation": SimpleUploadedFile("确认书.pdf", b"not a pdf at all", "application/pdf")},
            "confirmation",
            "file_type",
        ),
        (
            {"confirmation": SimpleUploadedFile("确认书.docx", b"PK\x03\x04 zip", "application/zip")},
            "confirmation",
            "file_type",
        ),
        ({"outcome": "won"}, "outcome", "invalid_choice"),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_recorded(change: dict[str, Any], field: str, code: str, media: Path):
    world = semi_lot()
    _a, qa = qualified_bidder(world, "甲")
    before = kinds(world["lot"])
    entered = replace(
        OfflineResult(outcome="deal", bidder_number=qa.bidder_number, price_wan="1000", confirmation=pdf()), **change
    )
    with after_trading(world), pytest.raises(InvalidInput) as refused:
        result_record(user=world["staff"], lot_id=world["lot"].pk, entered=entered)
    assert [e["code"] for e in refused.value.fields[field]] == [code]
    assert set(refused.value.fields) == {field}
    assert kinds(world["lot"]) == before
    assert not LotResult.objects.filter(lot=world["lot"]).exists()
    assert not LotTrading.objects.filter(lot=world["lot"], closed_at__isnull=False).exists()
    assert not list(media.rglob("results/**/*.*"))


def test_a_suspended_semi_process_lot_is_recorded_only_after_it_resumes():
    world = semi_lot()
    lot = world["lot"]
    with shifted(shift_to(lot.listing_ends_at, plus=-timedelta(hours=1))):
        trading_suspend_announced(user=world["staff"], lot_id=lot.pk, reason="现场秩序")
    with after_trading(world), pytest.raises(Conflict) as suspended:
        result_record(user=world["staff"], lot_id=lot.pk, entered=OfflineResult(outcome="failed", reason="无"))
    assert suspended.value.code == "suspended"
    assert not LotResult.objects.filter(lot=lot).exists()


def test_a_full_process_lot_cannot_be_recorded_by_staff():
    world = trading_lot()
    with pytest.raises(Conflict) as refused:
        result_record(user=world["staff"], lot_id=world["lot"].pk, entered=OfflineResult(outcome="failed", reason="x"))
    assert refused.value.code == "not_semi_process"


def test_the_api_records_a_result_and_names_wrong_fields_in_chinese():
    world = semi_lot()
    _a, qa = qualified_bidder(world, "甲")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world["staff"])
    url = f"/api/auctions/work/lots/{world['lot'].pk}/result/"
    with after_trading(world):
        state = client.get(url).json()
        assert (state["phase"], state["recordable"], state["result"]) == ("offline", True, None)
        bad = client.post(
            url, {"outcome": "deal", "bidder_number": qa.bidder_number, "price_wan": "10", "confirmation": pdf()}
        )
        assert bad.status_code == 400
        assert bad.json()["error"]["fields"]["price_wan"][0]["message"] == "成交价不得低于起始价。"
        good = client.post(
            url, {"outcome": "deal", "bidder_number": qa.bidder_number, "price_wan": "1000", "confirmation": pdf()}
        )
        assert good.status_code == 201, good.content
        assert (good.json()["winner"], good.json()["source"]) == (qa.bidder_number, "offline")
        again = client.post(url, {"outcome": "failed", "reason": "x"})
        assert (again.status_code, again.json()["error"]["code"]) == (409, "already_closed")
        assert client.get(url).json()["result"]["outcome"] == "deal"
    other = Client()
    other.force_login(other_centre_staff(world))
    assert other.get(url).status_code == 404
    assert other.post(url, {"outcome": "failed", "reason": "x"}).status_code == 404


# ------------------------------------------------------------------------------------------ revocation


def recorded_deal(world: dict[str, Any]) -> LotResult:
    _a, qa = qualified_bidder(world, "甲")
    entered = OfflineResult(outcome="deal", bidder_number=qa.bidder_number, price_wan="1000", confirmation=pdf())
    with after_trading(world):
        return result_record(user=world["staff"], lot_id=world["lot"].pk, entered=entered)


def test_a_deal_is_revoked_once_with_the_reason_and_the_decision_in_the_evidence(django_capture_on_commit_callbacks):
    world = semi_lot()
    recorded_deal(world)
    client = Client()
    client.force_login(world["staff"])
    url = f"/api/auctions/work/lots/{world['lot'].pk}/result/revoke/"
    png = SimpleUploadedFile("决定.png", png_bytes(), content_type="image/png")
    refused = client.post(url, {"reason": "", "document": png})
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"reason"}
    not_pdf = client.post(
        url, {"reason": "竞得人提供虚假材料", "document": SimpleUploadedFile("决定.png", png_bytes())}
    )
    assert not_pdf.json()["error"]["fields"]["document"][0]["code"] == "file_type"
    assert client.post(url, {"reason": "x" * 501, "document": pdf()}).json()["error"]["fields"]["reason"]
    assert LotResult.objects.get(lot=world["lot"]).revoked_at is None
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"reason": "竞得人提供虚假材料", "document": pdf("撤销决定.pdf")})
    assert response.status_code == 200, response.content
    assert callbacks  # result_settled after the commit
    result = LotResult.objects.get(lot=world["lot"])
    assert (result.revoked_by, result.revoked_reason, result.revocation_name) == (
        world["staff"],
        "竞得人提供虚假材料",
        "撤销决定.pdf",
    )
    entry = EvidenceEntry.objects.filter(lot=world["lot"]).order_by("-seq").first()
    assert entry is not None
    assert (entry.kind, entry.data) == (
        "result.revoked",
        {"reason": "竞得人提供虚假材料", "document_sha256": result.revocation_sha256},
    )
    assert TradingEvent.objects.filter(lot=world["lot"], action="result.revoked").exists()
    chain_verifies(world["lot"])
    again = client.post(url, {"reason": "再次", "document": pdf()})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_revoked")
    other = Client()
    other.force_login(other_centre_staff(world))
    assert other.post(url, {"reason": "x", "document": pdf()}).status_code == 404


def test_only_a_deal_can_be_revoked():
    world = semi_lot()
    with pytest.raises(Conflict) as no_result:
        result_revoke(user=world["staff"], lot_id=world["lot"].pk, reason="x", document=pdf())
    assert no_result.value.code == "not_a_deal"
    with after_trading(world):
        result_record(user=world["staff"], lot_id=world["lot"].pk, entered=OfflineResult(outcome="failed", reason="无"))
    with pytest.raises(Conflict) as failed:
        result_revoke(user=world["staff"], lot_id=world["lot"].pk, reason="x", document=pdf())
    assert failed.value.code == "not_a_deal"


# ------------------------------------------------------------------------------------------ suspension


def test_a_suspension_publishes_its_supplementary_announcement_in_the_same_transaction():
    world = trading_lot()
    lot = world["lot"]
    with shifted(shift_to(lot.listing_starts_at, plus=SECOND)):
        with pytest.raises(InvalidInput) as half:
            trading_suspend_announced(
                user=world["staff"], lot_id=lot.pk, reason="系统维护", announcement_title="中止公告"
            )
        assert set(half.value.fields) == {"announcement_body"}
        assert not LotTrading.objects.filter(lot=lot, suspended_at__isnull=False).exists()
        suspended = trading_suspend_announced(
            user=world["staff"],
            lot_id=lot.pk,
            reason="系统维护",
            announcement_title="中止公告",
            announcement_body="本标的交易活动中止。",
        )
    assert suspended.trading.suspended_reason == "系统维护"
    assert suspended.announcement is not None
    current = Announcement.objects.get(lot=lot, status=Announcement.Status.PUBLISHED)
    assert (current.pk, current.kind, current.title) == (suspended.announcement.pk, "change", "中止公告")
    assert current.supersedes is not None
    assert Lot.objects.get(pk=lot.pk).status == Lot.Status.ANNOUNCED
    assert "trading.suspended" in kinds(lot)
    chain_verifies(lot)


def test_the_suspension_api_without_an_announcement_only_suspends():
    world = trading_lot()
    client = Client()
    client.force_login(world["staff"])
    with shifted(shift_to(world["lot"].listing_starts_at, plus=SECOND)):
        response = client.post(
            f"/api/auctions/work/lots/{world['lot'].pk}/suspension/",
            {"reason": "网络故障"},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["announcement_id"] is None
    assert LotTrading.objects.get(lot=world["lot"]).suspended_reason == "网络故障"
