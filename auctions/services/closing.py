"""Staff procedures that end or undo a trade: the termination (终止) that a published termination announcement
brings, the result of a semi-process lot recorded after its on-site bidding (成交 or 流拍), the revocation of a deal
(撤销成交结果), and a suspension (中止) published with its supplementary announcement.

Each runs in one transaction that first locks the lot's trading row (LotTrading, SELECT … FOR UPDATE), the same row
every bid and the close lock, so a bid, the close and these procedures never interleave; the evidence entry, the
trail and the result are written in that transaction, and `results.result_settled` (refunds, publicity) runs after
its commit. The procedure for a deployer is in docs/results.md.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.signing import SignedInput, evidence_data, signature_check, signature_record
from auctions.models import Announcement, Lot, LotResult, LotTrading, Qualification
from auctions.selectors import centre_staff_covers
from auctions.services import announcements
from auctions.services.events import record
from auctions.services.evidence import append
from auctions.services.results import result_settled, result_write
from auctions.services.trading import phase_at, trading_suspend
from core import money
from core.clock import db_now
from core.errors import Conflict, FieldErrors, InvalidInput, NotFound
from core.uploads import StoredFile, UploadStore, uploads_atomic

OUTCOME = LotTrading.Outcome
CONFIRMATION_TYPES = frozenset({"pdf", "jpg", "png"})  # the signed confirmation's scan
DECISION_TYPES = frozenset({"pdf"})  # the revocation decision
FILE_MAX_BYTES = 20 * 1024 * 1024
REASON_MAX = 500


def _lock(lot: Lot) -> LotTrading:
    """The lot's trading row, created if missing, then locked: what every bid and the close lock first."""
    LotTrading.objects.get_or_create(lot=lot)
    return LotTrading.objects.select_for_update().get(lot=lot)


def _centre_lot(user: User, lot_id: int) -> Lot:
    """The lot if `user` acts for its centre (else 404, as for a lot that does not exist), not locked."""
    lot = Lot.objects.select_related("rules", "centre").filter(pk=lot_id).first()
    if lot is None or not centre_staff_covers(user, lot.centre):
        raise NotFound(_("No lot has this id."))
    return lot


def _staff_lot(user: User, lot_id: int) -> tuple[Lot, LotTrading]:
    """The lot if `user` acts for its centre (else 404), with its trading row locked."""
    lot = _centre_lot(user, lot_id)
    return lot, _lock(lot)


def _error(fields: FieldErrors, name: str, code: str, message: str) -> None:
    fields.setdefault(name, []).append({"code": code, "message": message})


def _settle_after_commit(lot_id: int) -> None:
    transaction.on_commit(lambda: result_settled(lot_id))


def _store(store: UploadStore, file: UploadedFile, *, types: frozenset[str], field: str) -> StoredFile:
    return store(file, types=types, max_bytes=FILE_MAX_BYTES, folder="results", field=field)


# ------------------------------------------------------------------------------------------ termination (终止)


def termination_lock(*, lot_id: int) -> LotTrading:
    """Before a termination announcement is published: lock the lot's trading row (before the lot's own row, in the
    order bids take them) and refuse if the trade already closed — a closed deal is undone only by revocation."""
    lot = Lot.objects.get(pk=lot_id)
    trading = _lock(lot)
    if trading.closed_at is not None:
        raise Conflict(
            _("The trade has closed with a result: it can no longer be terminated, only its result revoked."),
            code="already_closed",
        )
    return trading


def trading_terminate(*, user: User, lot: Lot, trading: LotTrading, announcement: Announcement) -> LotResult:
    """The trade's side of a published termination announcement (called by announcement_publish in its
    transaction, with the row `termination_lock` locked): closed as terminated, in the evidence log and the results;
    from now on every bid is refused (the phase of a terminated lot is `closed`)."""
    now = db_now()
    reason = f"{announcement.number} {announcement.title}".strip()[:REASON_MAX]
    trading.closed_at = now
    trading.outcome = OUTCOME.TERMINATED
    trading.save(update_fields=["closed_at", "outcome"])
    append(lot_id=lot.pk, kind="trading.terminated", data={"reason": reason, "announcement": announcement.number})
    return result_write(lot=lot, outcome=OUTCOME.TERMINATED, decided_at=now, reason=reason, recorded_by=user)


# ------------------------------------------------------------------------------------------ semi-process result


def trading_time(lot: Lot, trading: LotTrading) -> datetime:
    """When a semi-process lot's on-site bidding takes place: the auction's start, or the listing's end grown by any
    time suspended; its result is recorded from then on."""
    if lot.trading_mode == Lot.TradingMode.AUCTION:
        assert lot.auction_starts_at is not None  # noqa: S101 - check_terms requires it
        return lot.auction_starts_at
    assert lot.listing_ends_at is not None  # noqa: S101 - check_terms requires it
    return lot.listing_ends_at + timedelta(seconds=trading.frozen_seconds)


def _price(value: Any, lot: Lot, fields: FieldErrors) -> Decimal | None:
    price = money.wan(value)
    if price is None:
        _error(
            fields, "price_wan", "invalid_amount", _("A positive amount in 10,000 yuan, to the yuan (four decimals).")
        )
        return None
    if price < lot.start_price_wan:
        _error(fields, "price_wan", "below_start", _("The price must be at least the start price."))
        return None
    return price


@dataclass(frozen=True)
class OfflineResult:
    """What staff enter after the on-site bidding: 成交 with the winner's bidder number, the price and the signed
    confirmation's scan, or 流拍 with the reason."""

    outcome: str  # deal | failed
    bidder_number: str = ""
    price_wan: Any = None
    confirmation: UploadedFile | None = None
    reason: str = ""


def _check_offline(lot: Lot, entered: OfflineResult) -> tuple[Qualification | None, Decimal | None]:
    """The entered result checked as a whole: every wrong field named in one refusal, before anything is stored."""
    fields: FieldErrors = {}
    winner = price = None
    reason = (entered.reason or "").strip()
    if len(reason) > REASON_MAX:
        _error(fields, "reason", "max_length", _("At most %(n)d characters.") % {"n": REASON_MAX})
    if entered.outcome == OUTCOME.DEAL:
        number = (entered.bidder_number or "").strip()
        winner = Qualification.objects.select_related("application").filter(lot=lot, bidder_number=number).first()
        if not number:
            _error(fields, "bidder_number", "required", _("This field is required."))
        elif winner is None:
            _error(fields, "bidder_number", "unknown_bidder", _("No qualified bidder of this lot has this number."))
        if entered.price_wan in (None, ""):
            _error(fields, "price_wan", "required", _("This field is required."))
        else:
            price = _price(entered.price_wan, lot, fields)
        if entered.confirmation is None:
            _error(fields, "confirmation", "required", _("Attach the scan of the signed confirmation."))
    elif entered.outcome == OUTCOME.FAILED:
        if not reason:
            _error(fields, "reason", "required", _("Give the reason."))
    else:
        _error(fields, "outcome", "invalid_choice", _("Not one of the choices."))
    if fields:
        raise InvalidInput(fields=fields)
    return winner, price


def result_fields(lot_id: int, entered: OfflineResult) -> dict[str, Any]:
    """What a signed result signs (docs/signing.md): the lot, the outcome, and for a deal the winner's bidder number
    and the price with four places ("" for 流拍, whose entry has neither)."""
    winner = price = ""
    if entered.outcome == OUTCOME.DEAL:
        winner = (entered.bidder_number or "").strip()
        amount = money.wan(entered.price_wan)
        price = money.text(amount, money.WAN_PLACES) if amount is not None else str(entered.price_wan or "").strip()
    return {"lot": lot_id, "outcome": entered.outcome, "winner": winner, "price_wan": price}


def result_record(
    *,
    user: User,
    lot_id: int,
    entered: OfflineResult,
    signed: SignedInput | None = None,
    session_certificate_id: int | None = None,
) -> LotResult:
    """Record the result of a semi-process lot's on-site bidding, once, after its trading time. Refused as a whole
    (nothing stored, no evidence, no result) if any field is wrong. A signed result is verified before the lot's
    lock (the lot's rules may require it); its evidence entry carries the signature record's hash."""
    lot = _centre_lot(user, lot_id)
    verified = signature_check(
        user=user,
        action="result.record",
        fields=result_fields(lot.pk, entered),
        signed=signed,
        required=lot.rules.certificates_required,
        session_certificate_id=session_certificate_id,
    )
    with uploads_atomic() as store:
        lot, trading = _staff_lot(user, lot_id)
        if lot.process != Lot.Process.SEMI:
            raise Conflict(_("Only a semi-process lot's result is recorded by staff."), code="not_semi_process")
        if trading.closed_at is not None or lot.status == Lot.Status.TERMINATED:
            raise Conflict(_("The trade has already closed with a result."), code="already_closed")
        if lot.status != Lot.Status.ANNOUNCED:
            raise Conflict(_("The lot is not announced."), code="not_announced")
        now = db_now()
        if trading.suspended_at is not None:
            raise Conflict(_("Trading is suspended."), code="suspended")
        if now < trading_time(lot, trading):
            raise Conflict(_("The result is recorded after the trading time."), code="not_yet")
        winner, price = _check_offline(lot, entered)
        stored: StoredFile | None = None
        if entered.confirmation is not None:
            stored = _store(store, entered.confirmation, types=CONFIRMATION_TYPES, field="confirmation")
        reason = (entered.reason or "").strip()
        trading.closed_at = now
        trading.outcome = entered.outcome
        trading.save(update_fields=["closed_at", "outcome"])
        append(
            lot_id=lot.pk,
            kind="result",
            data={
                "outcome": entered.outcome,
                "winner": winner.bidder_number if winner else None,
                "price_wan": price,
                "source": LotResult.Source.OFFLINE,
                "confirmation_sha256": stored.sha256 if stored else None,
                "reason": reason,
                **evidence_data(verified),
            },
        )
        signature_record(verified)
        result = result_write(
            lot=lot,
            outcome=entered.outcome,
            decided_at=now,
            winner=winner,
            price_wan=price,
            source=LotResult.Source.OFFLINE,
            reason=reason,
            recorded_by=user,
        )
        if stored is not None:
            result.confirmation = stored.name
            result.confirmation_name = stored.original_name
            result.confirmation_sha256 = stored.sha256
            result.save(update_fields=["confirmation", "confirmation_name", "confirmation_sha256"])
        record("result.recorded", actor=user, lot=lot, note=f"{entered.outcome} {reason}".strip())
        return result


# ------------------------------------------------------------------------------------------ revocation


def result_revoke(*, user: User, lot_id: int, reason: str, document: UploadedFile | None) -> LotResult:
    """Revoke a deal (撤销成交结果) with the reason and the decision document (pdf): the result keeps its row,
    marked revoked; the evidence log and the trail record it; refunds and publicity follow after the commit."""
    with uploads_atomic() as store:
        lot, _trading = _staff_lot(user, lot_id)
        result = LotResult.objects.select_for_update().filter(lot=lot).first()
        if result is None or result.outcome != OUTCOME.DEAL:
            raise Conflict(_("Only a deal can be revoked."), code="not_a_deal")
        if result.revoked_at is not None:
            raise Conflict(_("The result is already revoked."), code="already_revoked")
        fields: FieldErrors = {}
        reason = (reason or "").strip()
        if not reason:
            _error(fields, "reason", "required", _("Give the reason."))
        elif len(reason) > REASON_MAX:
            _error(fields, "reason", "max_length", _("At most %(n)d characters.") % {"n": REASON_MAX})
        if document is None:
            _error(fields, "document", "required", _("Attach the revocation decision (PDF)."))
        if fields:
            raise InvalidInput(fields=fields)
        assert document is not None  # noqa: S101 - checked above
        stored = _store(store, document, types=DECISION_TYPES, field="document")
        now = db_now()
        result.revoked_at = now
        result.revoked_by = user
        result.revoked_reason = reason
        result.revocation = stored.name
        result.revocation_name = stored.original_name
        result.revocation_sha256 = stored.sha256
        result.save(
            update_fields=[
                "revoked_at",
                "revoked_by",
                "revoked_reason",
                "revocation",
                "revocation_name",
                "revocation_sha256",
            ]
        )
        append(
            lot_id=lot.pk,
            kind="result.revoked",
            data={"reason": reason, "document_sha256": stored.sha256},
        )
        record("result.revoked", actor=user, lot=lot, note=reason)
        _settle_after_commit(lot.pk)
        return result


# ------------------------------------------------------------------------------------------ suspension


@dataclass(frozen=True)
class Suspended:
    trading: LotTrading
    announcement: Announcement | None


@transaction.atomic
def trading_suspend_announced(
    *,
    user: User,
    lot_id: int,
    reason: str,
    announcement_title: str = "",
    announcement_body: str = "",
    signed: SignedInput | None = None,
    session_certificate_id: int | None = None,
) -> Suspended:
    """Suspend trading (中止) and, with a title and a text, publish the supplementary announcement the rules ask for
    in the same transaction: a change announcement (变更公告) that supersedes the lot's current one. Either both
    happen or neither. The suspension may be signed as trading_suspend's is (the announcement is not signed)."""
    title, body = (announcement_title or "").strip(), (announcement_body or "").strip()
    if bool(title) != bool(body):
        missing = "announcement_body" if title else "announcement_title"
        raise InvalidInput(fields={missing: [{"code": "required", "message": _("This field is required.")}]})
    trading = trading_suspend(
        user=user, lot_id=lot_id, reason=reason, signed=signed, session_certificate_id=session_certificate_id
    )
    published = None
    if title:
        draft = announcements.announcement_draft(
            user=user, lot_id=lot_id, title=title, body=body, kind=Announcement.Kind.CHANGE
        )
        published = announcements.announcement_publish(user=user, announcement_id=draft.pk)
    return Suspended(trading, published)


# ------------------------------------------------------------------------------------------ the console's read


@dataclass(frozen=True)
class Closing:
    """What the console needs to offer the procedures: the phase, whether a result may be recorded now, the
    result if any."""

    phase: str
    suspended_reason: str
    trading_time: datetime
    recordable: bool
    result: LotResult | None


def closing_state(*, user: User, lot_id: int) -> Closing:
    lot = Lot.objects.select_related("rules", "centre").filter(pk=lot_id).first()
    if lot is None or not centre_staff_covers(user, lot.centre):
        raise NotFound(_("No lot has this id."))
    trading = LotTrading.objects.filter(lot=lot).first() or LotTrading(lot=lot)
    now = db_now()
    moment = trading_time(lot, trading)
    recordable = (
        lot.process == Lot.Process.SEMI
        and lot.status == Lot.Status.ANNOUNCED
        and trading.closed_at is None
        and trading.suspended_at is None
        and now >= moment
    )
    result = LotResult.objects.select_related("winner").filter(lot=lot).first()
    return Closing(phase_at(lot, trading, now).name, trading.suspended_reason, moment, recordable, result)
