"""The trading engine: quotes in an online listing (挂牌), timed bidding (限时竞价) after it, online auctions (拍卖),
suspension, the sealed reserve and the close.

How it keeps its promises (docs/trading-engine.md):
- one clock: a bid's arrival time is the start of its transaction by the database clock, read before it waits for
  the lot's lock, and the phase is judged at that time;
- one lock per lot: every bid locks the lot's LotTrading row, checks, appends the bid and its evidence entry, moves
  the countdown and commits; bids on different lots never wait for each other;
- phases are computed from stored times and the clock, never scheduled; the close only finalises what the clock
  decided, so a late worker cannot let a bid in;
- a client bid id makes a retried bid idempotent.
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.selectors import scope_covers
from accounts.signing import SignedInput, evidence_data, signature_check, signature_record
from auctions.anomalies import late_close_note
from auctions.models import Announcement, Bid, Lot, LotTrading, Qualification, RuleProfile, TimedEntry
from auctions.nudges import publish_on_commit
from auctions.selectors import centre_staff_covers
from auctions.services import reserve as sealed
from auctions.services.events import record
from auctions.services.evidence import GENESIS, append, canonical_before_seq
from auctions.services.results import result_write
from core import money
from core.clock import db_now, db_now_read
from core.errors import Conflict, InvalidInput, NotFound

SALT = re.compile(r"[0-9a-f]{32}")  # a signed reserve's salt: 16 bytes, hex


class BidRefused(Conflict):
    """A bid the rules do not accept; `code` names the rule (not_qualified, late, not_higher …)."""

    default_code = "bid_refused"


@dataclass(frozen=True)
class Phase:
    """Where a lot's trade stands at a moment: `name`, whether bids are taken and in which stage, and the deadline
    that moment runs to."""

    name: str  # not_started | listing | quoting_stopped | confirming | preparing | timed | auction | suspended | ended
    # | closed
    stage: str = ""  # listing | timed | auction when bids are taken
    deadline: datetime | None = None
    entry: str = RuleProfile.TimedEntry.ALL_QUALIFIED  # who may bid in the stage (RuleProfile.TimedEntry's values)
    ended_at: datetime | None = None  # ended: the deadline the trade ended at (supervision notes a late close)


def _trading(lot: Lot) -> LotTrading:
    trading, _created = LotTrading.objects.get_or_create(lot=lot)
    return trading


def locked(lot: Lot) -> LotTrading:
    """The lot's trading row, locked; its highest bid read *after* the lock in a statement of its own, so a bid that
    committed while this one waited is seen (a join in the locking statement would read it from the old snapshot)."""
    trading = LotTrading.objects.select_for_update().get(lot=lot)
    if trading.highest_bid_id is not None:
        trading.highest_bid = Bid.objects.select_related("qualification").get(pk=trading.highest_bid_id)
    return trading


def _quoters(lot: Lot) -> int:
    return Bid.objects.filter(lot=lot, stage="listing").aggregate(n=Count("qualification", distinct=True))["n"]


def _converts(lot: Lot, listing_end: datetime) -> bool:
    """Whether the listing turns into an online auction: enough bidders quoted in the last window before its deadline
    (quotes are fixed once the listing has ended, so the answer never changes afterwards)."""
    rules = lot.rules
    window_start = listing_end - timedelta(seconds=rules.conversion_window_seconds)
    in_window = Bid.objects.filter(lot=lot, stage="listing", arrived_at__gte=window_start, arrived_at__lte=listing_end)
    return in_window.aggregate(n=Count("qualification", distinct=True))["n"] >= rules.conversion_min_bidders


def phase_at(lot: Lot, trading: LotTrading, now: datetime) -> Phase:
    """The phase at `now` from the lot's schedule, its rules and what the trading row holds."""
    rules: RuleProfile = lot.rules
    countdown = timedelta(seconds=rules.countdown_seconds)
    if trading.closed_at is not None:
        return Phase("closed")
    if lot.status == Lot.Status.TERMINATED:
        return Phase("closed")
    if trading.suspended_at is not None:
        return Phase("suspended")
    if lot.process == Lot.Process.SEMI:  # bid for on site; staff record the result (auctions/services/closing.py)
        return Phase("offline")
    if lot.trading_mode == Lot.TradingMode.AUCTION:
        assert lot.auction_starts_at is not None  # noqa: S101 - check_terms requires it
        if now < lot.auction_starts_at:
            return Phase("not_started", deadline=lot.auction_starts_at)
        end = trading.countdown_ends_at or lot.auction_starts_at + countdown
        return Phase("auction", "auction", end) if now <= end else Phase("ended", ended_at=end)
    assert lot.listing_starts_at is not None and lot.listing_ends_at is not None  # noqa: S101, PT018
    listing_end = lot.listing_ends_at + timedelta(seconds=trading.frozen_seconds)
    if now < lot.listing_starts_at:
        return Phase("not_started", deadline=lot.listing_starts_at)
    if now <= listing_end:
        stop = timedelta(seconds=rules.quoting_stop_seconds)
        if stop and now > listing_end - stop and _quoters(lot) >= rules.quoting_stop_min_bidders:
            return Phase("quoting_stopped", deadline=listing_end)
        return Phase("listing", "listing", listing_end)
    if _quoters(lot) < 2:  # no competition: the close decides on the quote there is, if any
        return Phase("ended", ended_at=listing_end)
    if rules.auction_conversion and _converts(lot, listing_end):  # 挂牌转拍卖: an auction after a preparation time
        auction_start = listing_end + timedelta(seconds=rules.conversion_preparation_seconds)
        if now < auction_start:
            return Phase("preparing", deadline=auction_start)
        end = trading.countdown_ends_at or auction_start + countdown
        auction = Phase("auction", "auction", end, RuleProfile.TimedEntry.QUOTED)
        return auction if now <= end else Phase("ended", ended_at=end)
    timed_start = listing_end
    if rules.timed_entry == RuleProfile.TimedEntry.CONFIRMED:
        timed_start = listing_end + timedelta(seconds=rules.timed_entry_confirm_seconds)
        if now <= timed_start:
            return Phase("confirming", deadline=timed_start)
    end = trading.countdown_ends_at or timed_start + countdown
    return Phase("timed", "timed", end, rules.timed_entry) if now <= end else Phase("ended", ended_at=end)


def _amount(value: Any) -> Decimal:
    amount = money.wan(value)
    if amount is None:
        raise InvalidInput(
            fields={
                "amount_wan": [
                    {
                        "code": "invalid_amount",
                        "message": _("A positive amount in 10,000 yuan, to the yuan (four decimals)."),
                    }
                ]
            }
        )
    return amount


def _check_price(lot: Lot, highest: Decimal | None, amount: Decimal) -> None:
    rules = lot.rules
    if highest is None:
        if amount < lot.start_price_wan:
            raise BidRefused(_("The first bid must be at least the start price."), code="below_start")
        raise_ = amount - lot.start_price_wan
    else:
        if amount <= highest:
            raise BidRefused(_("A bid must be higher than the highest bid."), code="not_higher")
        if amount < highest + lot.increment_wan:
            raise BidRefused(_("A bid must raise the highest bid by at least the increment."), code="below_increment")
        raise_ = amount - highest
    if rules.increment_multiples and raise_ % lot.increment_wan != 0:
        raise BidRefused(_("The raise must be a whole multiple of the increment."), code="not_a_multiple")
    if rules.raise_cap_increments and highest is not None and raise_ > rules.raise_cap_increments * lot.increment_wan:
        raise BidRefused(_("The raise is larger than the rules allow."), code="raise_too_large")


REFUSAL = {
    "not_started": ("not_started", gettext_lazy("Bidding has not started.")),
    "suspended": ("suspended", gettext_lazy("Trading is suspended.")),
    "quoting_stopped": ("quoting_stopped", gettext_lazy("Quoting has stopped before the listing deadline.")),
    "confirming": ("not_started", gettext_lazy("Timed bidding has not started: bidders are confirming their entry.")),
    "preparing": ("not_started", gettext_lazy("The listing turns into an online auction: it has not started yet.")),
    "ended": ("late", gettext_lazy("The deadline has passed.")),
    "closed": ("late", gettext_lazy("The deadline has passed.")),
    "offline": ("offline_trading", gettext_lazy("This lot is bid for on site, not online.")),
}


def _refuse_phase(phase: Phase) -> None:
    code, message = REFUSAL[phase.name]
    raise BidRefused(str(message), code=code)


def _may_enter(lot: Lot, qualification: Qualification, entry: str) -> bool:
    """Whether the bidder may bid in this stage: every qualified bidder, those who quoted in the listing, or those who
    confirmed their entry in the window."""
    if entry == RuleProfile.TimedEntry.QUOTED:
        return Bid.objects.filter(lot=lot, qualification=qualification, stage="listing").exists()
    if entry == RuleProfile.TimedEntry.CONFIRMED:
        return TimedEntry.objects.filter(qualification=qualification).exists()
    return True


@dataclass(frozen=True)
class Placed:
    bid: Bid
    deadline: datetime | None
    replayed: bool


def bid_place(
    *,
    user: User,
    lot_id: int,
    client_bid_id: UUID,
    amount_wan: Any,
    signed: SignedInput | None = None,
    session_certificate_id: int | None = None,
) -> Placed:
    """Place a bid. Accepted: the bid with its arrival time, evidence number and the new deadline. Refused:
    BidRefused with the rule's code, nothing changed. A retry with the same client bid id returns the first bid.

    Counted in round trips (docs/trading-engine.md, "The bid's path"): the arrival time comes with the bidder's
    qualification, before the lock; under the trading row's lock the lot's row lock and the highest price come in one
    statement, and the bid, its evidence entry (with the new deadline) and the trading row are written in one more; a
    retry is looked for only when the bid would be refused or its insert meets the idempotency constraint.

    A signed bid (docs/signing.md: fields lot, client_bid_id, amount_wan with four places) is verified after the
    arrival time is read and before the lock, so the CA's answer never holds the lot; the lot's rules may require it."""
    amount = _amount(amount_wan)
    with transaction.atomic():
        qualification = (
            Qualification.objects.select_related("lot__rules")
            .annotate(db_now=RawSQL("now()", ()))  # the transaction's start: before any wait for the lock
            .filter(lot_id=lot_id, application__applicant=user.principal)
            .first()
        )
        if qualification is None:
            if not Lot.objects.filter(pk=lot_id).exists():
                raise NotFound(_("No lot has this id."))
            raise BidRefused(_("You are not qualified to bid for this lot."), code="not_qualified")
        arrived_at = db_now_read(qualification.db_now)
        lot = qualification.lot
        verified = signature_check(
            user=user,
            action="bid.place",
            fields={"lot": lot.pk, "client_bid_id": str(client_bid_id), "amount_wan": money.text(amount, 4)},
            signed=signed,
            required=lot.rules.certificates_required,
            session_certificate_id=session_certificate_id,
        )
        trading, highest = _bid_lock(lot)
        try:
            phase = phase_at(lot, trading, arrived_at)
            if not phase.stage:
                _refuse_phase(phase)
            if not _may_enter(lot, qualification, phase.entry):
                raise BidRefused(_("You did not enter timed bidding."), code="not_in_timed_bidding")
            _check_price(lot, highest, amount)
        except BidRefused:
            replay = _replay(lot, trading, qualification, client_bid_id, amount, arrived_at)
            if replay is None:
                raise
            return replay
        bid = Bid(
            lot=lot,
            qualification=qualification,
            client_bid_id=client_bid_id,
            amount_wan=amount,
            stage=phase.stage,
            arrived_at=arrived_at,
        )
        entry: dict[str, Any] = {
            "bidder": qualification.bidder_number,
            "amount_wan": amount,
            "stage": phase.stage,
            "arrived_at": arrived_at,
            **evidence_data(verified),
        }
        deadline, countdown = phase.deadline, (trading.countdown_ends_at, trading.timed_started_at)
        if phase.stage in ("timed", "auction"):  # the countdown restarts in full from the arrival
            deadline = arrived_at + timedelta(seconds=lot.rules.countdown_seconds)
            if trading.countdown_ends_at is not None and trading.countdown_ends_at > deadline:
                deadline = trading.countdown_ends_at  # a bid that arrived first but got the lock after a later one
            entry["deadline"] = deadline
            countdown = (deadline, trading.timed_started_at or arrived_at)
        if not _bid_write(bid, trading, entry, countdown):  # the idempotency constraint: this id, another amount
            replay = _replay(lot, trading, qualification, client_bid_id, amount, arrived_at)
            if replay is None:  # an equal price cannot get here past _check_price
                raise BidRefused(_("A bid must be higher than the highest bid."), code="not_higher")
            return replay
        signature_record(verified)
        return Placed(bid, deadline, replayed=False)


def _bid_lock(lot: Lot) -> tuple[LotTrading, Decimal | None]:
    """The lot's two locks in the order every writer takes them (its trading row, then the lot's row, which guards
    the evidence log) and the highest price, read in the second lock's statement: it starts after the trading row's
    lock was granted and only a holder of that lock changes the highest bid, so the price is current (locked()'s
    rule). Two round trips."""
    rows = LotTrading.objects.raw("SELECT * FROM auctions_lottrading WHERE lot_id = %s FOR UPDATE", [lot.pk])
    trading = next(iter(rows), None)
    if trading is None:  # the first bid of the lot
        trading = locked(_trading(lot).lot)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT amount_wan FROM auctions_bid WHERE id = %s) FROM auctions_lot WHERE id = %s FOR UPDATE",
            [trading.highest_bid_id, lot.pk],
        )
        (highest,) = cursor.fetchone()
    return trading, highest


_BID_WRITE = """
WITH last AS (
    SELECT seq, hash FROM auctions_evidenceentry WHERE lot_id = %(lot)s ORDER BY seq DESC LIMIT 1
), link AS (
    SELECT COALESCE((SELECT seq FROM last), 0) + 1 AS seq, COALESCE((SELECT hash FROM last), %(genesis)s) AS prev_hash
), bid AS (
    INSERT INTO auctions_bid (lot_id, qualification_id, client_bid_id, amount_wan, stage, arrived_at, evidence_seq)
    SELECT %(lot)s, %(qualification)s, %(client_bid_id)s, %(amount)s, %(stage)s, %(at)s, link.seq FROM link
    ON CONFLICT DO NOTHING RETURNING id, evidence_seq
), entry AS (
    INSERT INTO auctions_evidenceentry (lot_id, seq, kind, data, created_at, prev_hash, hash)
    SELECT %(lot)s, link.seq, 'bid.accepted', %(data)s::jsonb, %(at)s, link.prev_hash,
        encode(sha256(decode(link.prev_hash, 'hex')
            || convert_to(%(canonical)s || link.seq::text || '}', 'UTF8')), 'hex')
    FROM link, bid
), trading AS (
    UPDATE auctions_lottrading SET highest_bid_id = bid.id, bid_count = %(bid_count)s,
        countdown_ends_at = %(countdown_ends_at)s, timed_started_at = %(timed_started_at)s
    FROM bid WHERE lot_id = %(lot)s
)
SELECT id, evidence_seq FROM bid
"""


def _bid_write(
    bid: Bid, trading: LotTrading, entry: dict[str, Any], countdown: tuple[datetime | None, datetime | None]
) -> bool:
    """Write the accepted bid, its evidence entry `bid.accepted` and the trading row (with `countdown`: its new
    countdown_ends_at and timed_started_at) in one statement, no savepoint. The statement reads the chain's head
    itself: it starts after the lot's row lock was granted, so its snapshot holds every entry committed before (the
    rule evidence.append follows), and the database hashes the entry from the canonical form Python wrote up to its
    number. False when a unique constraint already holds the bid's id (or, never past _check_price, its price): then
    the statement wrote nothing and `trading` is as it was."""
    content, prefix = canonical_before_seq(lot_id=bid.lot_id, kind="bid.accepted", at=bid.arrived_at, data=entry)
    with connection.cursor() as cursor:
        cursor.execute(
            _BID_WRITE,
            {
                "lot": bid.lot_id,
                "genesis": GENESIS,
                "qualification": bid.qualification_id,
                "client_bid_id": bid.client_bid_id,
                "amount": bid.amount_wan,
                "stage": bid.stage,
                "at": bid.arrived_at,
                "data": json.dumps(content, ensure_ascii=False),
                "canonical": prefix,
                "bid_count": trading.bid_count + 1,
                "countdown_ends_at": countdown[0],
                "timed_started_at": countdown[1],
            },
        )
        row = cursor.fetchone()
    if row is None:
        return False
    bid.pk, bid.evidence_seq = row
    publish_on_commit(bid.lot_id)  # the live channel's nudge, sent once this commits
    trading.highest_bid, trading.bid_count = bid, trading.bid_count + 1
    trading.countdown_ends_at, trading.timed_started_at = countdown
    return True


def _replay(
    lot: Lot, trading: LotTrading, qualification: Qualification, client_bid_id: UUID, amount: Decimal, now: datetime
) -> Placed | None:
    """A retry of an accepted bid: the first bid (same amount) or bid_id_reused (another amount); None if this bid
    id is new. Looked for only on the way to a refusal, so an accepted bid spends no query on it."""
    earlier = Bid.objects.filter(qualification=qualification, client_bid_id=client_bid_id).first()
    if earlier is None:
        return None
    if earlier.amount_wan != amount:
        raise BidRefused(_("This bid id was used for another amount."), code="bid_id_reused")
    return Placed(earlier, phase_at(lot, trading, now).deadline, replayed=True)


@transaction.atomic
def timed_entry_confirm(*, user: User, lot_id: int) -> TimedEntry:
    """Confirm entering timed bidding within the window after the listing deadline (where the rules ask for it)."""
    now = db_now()
    qualification = Qualification.objects.filter(lot_id=lot_id, application__applicant=user.principal).first()
    if qualification is None:
        raise BidRefused(_("You are not qualified to bid for this lot."), code="not_qualified")
    lot = Lot.objects.select_related("rules").get(pk=lot_id)
    trading = LotTrading.objects.select_for_update().get(lot=_trading(lot).lot)
    if phase_at(lot, trading, now).name != "confirming":
        raise BidRefused(_("Entry to timed bidding is confirmed only in its window."), code="not_confirming")
    entry, created = TimedEntry.objects.get_or_create(
        lot=lot, qualification=qualification, defaults={"confirmed_at": now}
    )
    if created:
        append(lot_id=lot.pk, kind="timed.confirmed", data={"bidder": qualification.bidder_number})
    return entry


def _centre_lot(user: User, lot_id: int) -> Lot:
    """The lot if `user` acts for its centre, not locked; 404 otherwise, as for a lot that does not exist."""
    lot = Lot.objects.select_related("rules", "centre").filter(pk=lot_id).first()
    if lot is None or not centre_staff_covers(user, lot.centre):
        raise NotFound(_("No lot has this id."))
    return lot


def _staff_lot(user: User, lot_id: int) -> tuple[Lot, LotTrading]:
    lot = _centre_lot(user, lot_id)
    _trading(lot)
    return lot, LotTrading.objects.select_for_update().get(lot=lot)


def trading_suspend(
    *,
    user: User,
    lot_id: int,
    reason: str,
    signed: SignedInput | None = None,
    session_certificate_id: int | None = None,
) -> LotTrading:
    """Suspend (中止): no bid is accepted until it resumes; the reason goes to the log and the trail.

    A signed suspension (docs/signing.md: fields lot and reason, stripped and at most 500 characters as stored) is
    verified before the lot's lock; the lot's rules may require it. The evidence entry carries the record's hash."""
    lot = _centre_lot(user, lot_id)
    reason = (reason or "").strip()[:500]
    if not reason:
        raise InvalidInput(fields={"reason": [{"code": "required", "message": _("Give the reason.")}]})
    verified = signature_check(
        user=user,
        action="trading.suspend",
        fields={"lot": lot.pk, "reason": reason},
        signed=signed,
        required=lot.rules.certificates_required,
        session_certificate_id=session_certificate_id,
    )
    with transaction.atomic():
        lot, trading = _staff_lot(user, lot_id)
        now = db_now()
        if phase_at(lot, trading, now).name in ("suspended", "closed", "ended"):
            raise Conflict(_("Only a lot in trading can be suspended."), code="not_trading")
        trading.suspended_at = now
        trading.suspended_reason = reason
        trading.save(update_fields=["suspended_at", "suspended_reason"])
        append(lot_id=lot.pk, kind="trading.suspended", data={"reason": reason, **evidence_data(verified)})
        record("lot.suspended", actor=user, lot=lot, note=reason)
        signature_record(verified)
        return trading


@transaction.atomic
def trading_resume(*, user: User, lot_id: int) -> LotTrading:
    """Resume: the listing period grows by the frozen time; timed bidding or an auction gets a fresh countdown."""
    lot, trading = _staff_lot(user, lot_id)
    now = db_now()
    if trading.suspended_at is None:
        raise Conflict(_("The lot is not suspended."), code="not_suspended")
    frozen = now - trading.suspended_at
    trading.frozen_seconds += int(frozen.total_seconds()) + (1 if frozen.microseconds else 0)  # at least the frozen
    trading.suspended_at = None
    trading.suspended_reason = ""
    resumed = phase_at(lot, trading, now)
    if resumed.stage in ("timed", "auction") or trading.countdown_ends_at is not None:
        trading.countdown_ends_at = now + timedelta(seconds=lot.rules.countdown_seconds)
    trading.save(update_fields=["frozen_seconds", "suspended_at", "suspended_reason", "countdown_ends_at"])
    append(
        lot_id=lot.pk,
        kind="trading.resumed",
        data={"frozen_seconds": trading.frozen_seconds, "countdown_ends_at": trading.countdown_ends_at},
    )
    record("lot.resumed", actor=user, lot=lot)
    return trading


def _reserve_deadline(lot: Lot) -> tuple[datetime | None, datetime]:
    """(opens, closes) of reserve entry by the lot's rules."""
    end = lot.listing_ends_at if lot.trading_mode == Lot.TradingMode.LISTING else lot.auction_starts_at
    assert end is not None  # noqa: S101 - check_terms requires it
    rules = lot.rules
    if rules.reserve_entry == RuleProfile.ReserveEntry.FINAL_WINDOW:
        return end - timedelta(seconds=rules.reserve_final_window_seconds), end
    return None, end - timedelta(seconds=rules.reserve_lead_seconds)


def _may_enter_reserve(user: User, lot: Lot) -> bool:
    if lot.door == Lot.Door.PRIMARY:
        return scope_covers(user, lot.region_id, User.Role.GRANTOR)
    return lot.entrustment is not None and user.is_authenticated and lot.entrustment.owner_id == user.principal.pk


def _reserve_salt(salt: str | None, signed: SignedInput | None) -> str | None:
    """The client's salt of a signed reserve entry: 32 hex characters, required with a signature and only then."""
    if signed is None:
        if salt:
            raise InvalidInput(
                fields={"salt": [{"code": "unsigned_salt", "message": _("A salt is sent only with a signed reserve.")}]}
            )
        return None
    text = (salt or "").strip().lower()
    if not SALT.fullmatch(text):
        raise InvalidInput(
            fields={"salt": [{"code": "invalid_salt", "message": _("The salt is 32 hexadecimal characters.")}]}
        )
    return text


def reserve_enter(
    *,
    user: User,
    lot_id: int,
    amount_wan: Any,
    salt: str | None = None,
    signed: SignedInput | None = None,
    session_certificate_id: int | None = None,
) -> None:
    """The grantor (primary) or the transferor (secondary) enters the reserve, sealed; re-entry is allowed until the
    rules' deadline, never after. Nothing returned or raised carries the amount.

    A signed entry (docs/signing.md) signs {lot, commitment}: the browser chose the salt and computed the commitment
    SHA-256(salt ‖ amount with four places); the server seals with that salt and rebuilds the message from the
    commitment it computed itself, so a wrong amount or salt fails the signature and the signature record never holds
    the amount. Verified before the lot's lock; the lot's rules may require it."""
    amount = _amount(amount_wan)
    lot = Lot.objects.select_related("rules", "entrustment").filter(pk=lot_id).first()
    if lot is None or not _may_enter_reserve(user, lot):
        raise NotFound(_("No lot has this id."))
    client_salt = _reserve_salt(salt, signed)
    commitment = sealed.commitment(client_salt, Decimal(money.text(amount, 4))) if client_salt else ""
    verified = signature_check(
        user=user,
        action="reserve.enter",
        fields={"lot": lot.pk, "commitment": commitment},
        signed=signed,
        required=lot.rules.certificates_required,
        session_certificate_id=session_certificate_id,
    )
    with transaction.atomic():
        now = db_now()
        if not Announcement.objects.filter(lot=lot).exclude(status=Announcement.Status.DRAFT).exists():
            raise Conflict(_("The reserve is entered once the lot is announced."), code="not_announced")
        opens, closes = _reserve_deadline(lot)
        if opens is not None and now < opens:
            raise Conflict(
                _("The reserve is entered in the final window before the deadline."), code="reserve_too_early"
            )
        if now > closes:
            raise Conflict(_("The time to enter the reserve has passed."), code="reserve_too_late")
        _trading(lot)
        trading = LotTrading.objects.select_for_update().get(lot=lot)
        if trading.closed_at is not None:
            raise Conflict(_("The time to enter the reserve has passed."), code="reserve_too_late")
        box = sealed.seal(amount, salt=client_salt)
        trading.reserve_ciphertext = box.ciphertext
        trading.reserve_commitment = box.commitment
        trading.reserve_entered_at = now
        trading.save(update_fields=["reserve_ciphertext", "reserve_commitment", "reserve_entered_at"])
        append(lot_id=lot.pk, kind="reserve.committed", data={"commitment": box.commitment, **evidence_data(verified)})
        record("lot.reserve_entered", actor=user, lot=lot)
        signature_record(verified)


@dataclass(frozen=True)
class Result:
    outcome: str
    winner: str | None  # bidder number
    price_wan: Decimal | None
    reserve_wan: Decimal | None


def lot_close(*, lot_id: int) -> Result | None:
    """Finalise what the clock decided (the closing worker: it alone has the reserve's private key). None while the
    trade still runs; a second close returns the first result and changes nothing."""
    with transaction.atomic():
        lot = Lot.objects.select_related("rules").get(pk=lot_id)
        _trading(lot)
        trading = locked(lot)
        highest = trading.highest_bid
        if trading.closed_at is not None:
            return Result(
                trading.outcome,
                highest.qualification.bidder_number if highest and trading.outcome == "deal" else None,
                highest.amount_wan if highest else None,
                trading.reserve_revealed_wan,
            )
        now = db_now()
        phase = phase_at(lot, trading, now)
        if phase.name != "ended":
            return None
        reserve = None
        if trading.reserve_ciphertext:
            reserve, salt = sealed.unseal(bytes(trading.reserve_ciphertext))
            if sealed.commitment(salt, reserve) != trading.reserve_commitment:
                raise Conflict(_("The sealed reserve does not match its commitment."), code="reserve_mismatch")
            append(lot_id=lot.pk, kind="reserve.revealed", data={"amount_wan": reserve, "salt": salt})
        deal = highest is not None and (reserve is None or highest.amount_wan >= reserve)
        trading.closed_at = now
        trading.outcome = LotTrading.Outcome.DEAL if deal else LotTrading.Outcome.FAILED
        trading.reserve_revealed_wan = reserve
        trading.save(update_fields=["closed_at", "outcome", "reserve_revealed_wan"])
        late_close_note(lot_id=lot.pk, deadline=phase.ended_at, closed_at=now)  # a warning for supervision, if late
        winner = highest.qualification.bidder_number if deal and highest else None
        append(
            lot_id=lot.pk,
            kind="result",
            data={"outcome": trading.outcome, "winner": winner, "price_wan": highest.amount_wan if highest else None},
        )
        result_write(
            lot=lot,
            outcome=trading.outcome,
            decided_at=now,
            winner=highest.qualification if deal and highest else None,
            price_wan=highest.amount_wan if deal and highest else None,
        )
        return Result(trading.outcome, winner, highest.amount_wan if highest else None, reserve)


def lots_to_close() -> list[int]:
    """Lots whose trade may have ended: announced, trading not closed (the close checks the clock itself)."""
    return list(
        Lot.objects.filter(status=Lot.Status.ANNOUNCED)
        .exclude(process=Lot.Process.SEMI)  # staff record its result
        .exclude(trading__closed_at__isnull=False)
        .values_list("pk", flat=True)
    )
