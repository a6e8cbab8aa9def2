"""Reads of a trade's result for the public and the parties: the result as the lot page shows it, the results the
notices search publishes (成交公示), the 成交确认书 for the winner and the lot's centre staff, and the protocol.

Who sees what (docs/results.md):
- anyone: the outcome, the decided time, a revocation and its reason; for a deal that is not revoked the winner's
  bidder number and published name (the applicant's verified name) and the price unless both sides opted out
  (LotResult.price_public); the reserve (底价) only once the trade is closed (LotTrading.closed_at);
- the winner (the applicant of the winning qualification) and the lot's centre staff: the confirmation PDF, always
  with the price;
- anyone once the trade is closed, the lot's centre staff and the supervisors of its region at any time: the
  protocol (the evidence log).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import OperationSignature, User
from auctions.models import EvidenceEntry, Lot, LotResult, LotTrading, Qualification
from auctions.selectors import centre_staff_covers, watches
from auctions.selectors_public import public_lots
from auctions.selectors_roots import protocol_root
from auctions.services.evidence import protocol_export
from core.errors import NotFound


def winner_name(winner: Qualification) -> str:
    """The winner's published name: the applicant's verified name (a person's or an enterprise's), as the
    qualification certificate names the bidder."""
    return str(winner.application.applicant.real_name)


def published_results() -> QuerySet[LotResult]:
    """The results the public reads as 成交公示: deals that are not revoked, of lots that are public."""
    return LotResult.objects.filter(
        outcome=LotTrading.Outcome.DEAL, revoked_at__isnull=True, winner__isnull=False, lot__in=public_lots()
    ).select_related("lot__centre", "lot__region__parent__parent", "winner__application__applicant")


@dataclass(frozen=True)
class PublicResult:
    """A lot's result as anyone sees it. Winner and price are None unless shown (see the module's docstring)."""

    outcome: str
    outcome_name: str
    source: str
    decided_at: datetime
    revoked: bool
    revoked_at: datetime | None
    revoked_reason: str
    price_public: bool
    price_wan: Decimal | None
    winner_number: str | None
    winner_name: str | None
    reserve_wan: Decimal | None  # the revealed reserve: only once the trade is closed

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def result_public(lot: Lot) -> PublicResult | None:
    """The lot's result for the public, or None before there is one."""
    result = LotResult.objects.filter(lot=lot).select_related("winner__application__applicant").first()
    if result is None:
        return None
    trading = LotTrading.objects.filter(lot=lot).only("closed_at", "reserve_revealed_wan").first()
    reserve = trading.reserve_revealed_wan if trading is not None and trading.closed_at is not None else None
    revoked = result.revoked_at is not None
    shown = result.outcome == LotTrading.Outcome.DEAL and not revoked and result.winner is not None
    return PublicResult(
        outcome=result.outcome,
        outcome_name=str(result.get_outcome_display()),
        source=result.source,
        decided_at=result.decided_at,
        revoked=revoked,
        revoked_at=result.revoked_at,
        revoked_reason=result.revoked_reason,
        price_public=result.price_public,
        price_wan=result.price_wan if shown and result.price_public else None,
        winner_number=result.winner.bidder_number if shown and result.winner else None,
        winner_name=winner_name(result.winner) if shown and result.winner else None,
        reserve_wan=reserve,
    )


def result_notice_get(*, lot_id: int) -> LotResult:
    """A published result (a deal, not revoked, of a public lot) for its page; NotFound otherwise."""
    result = published_results().filter(lot_id=lot_id).first()
    if result is None:
        raise NotFound(_("No result has been published for this lot."))
    return result


def confirmation_get(*, user: User, lot_id: int) -> LotResult:
    """The deal whose 成交确认书 the user may download: the winner's (the applicant of the winning qualification)
    or the lot's centre staff's. NotFound for anyone else, before a deal and after a revocation."""
    result = (
        LotResult.objects.filter(lot_id=lot_id, outcome=LotTrading.Outcome.DEAL, revoked_at__isnull=True)
        .select_related("lot__centre", "lot__region__parent__parent", "winner__application__applicant")
        .first()
    )
    allowed = (
        result is not None
        and result.winner is not None
        and (
            result.winner.application.applicant_id == user.principal.pk
            or (user.is_authenticated and centre_staff_covers(user, result.lot.centre))
        )
    )
    if result is None or not allowed:
        raise NotFound(_("No transaction confirmation has this id."))
    return result


def close_evidence(result: LotResult) -> EvidenceEntry | None:
    """The evidence entry of the result's decision (the close's `result` entry, or the last entry written up to the
    decision): its sequence number and hash fix the chain as it stood at the close."""
    entries = EvidenceEntry.objects.filter(lot_id=result.lot_id)
    return (
        entries.filter(kind="result").order_by("-seq").first()
        or entries.filter(created_at__lte=result.decided_at).order_by("-seq").first()
    )


def _party(user: User | None, lot: Lot, result: LotResult) -> bool:
    """Whether the user is a party to the deal: its winner, or its seller (the entrustment's owner or the grantor)."""
    if user is None or not user.is_authenticated:
        return False
    principal = user.principal
    if result.winner is not None and result.winner.application.applicant_id == principal.pk:
        return True
    if lot.entrustment is not None and lot.entrustment.owner_id == principal.pk:
        return True
    return lot.grantor_id == user.pk


def protocol_signers(hashes: list[str]) -> dict[str, dict[str, str]]:
    """Who signed the signed entries, for the lot's centre staff and supervisors only (their evidence log shows it;
    the public protocol names nobody): {record hash: {"name", "subject", "serial", "ca"}}."""
    records = OperationSignature.objects.select_related("signer", "certificate__issuer").filter(
        record_sha256__in=hashes
    )
    return {
        record.record_sha256: {
            "name": record.signer.real_name,
            "subject": record.certificate.subject,
            "serial": record.certificate.serial,
            "ca": record.certificate.issuer.name,
        }
        for record in records
    }


def protocol_get(*, user: User | None, lot_id: int) -> dict[str, Any]:
    """The lot's protocol (auctions.services.evidence.protocol_export) plus, after a deal that is not revoked, a
    `result` block naming the winner by bidder number and published name. Anyone once the trade is closed (a result
    exists) — but where both sides opted out of the price's publicity, only the parties (the winner, the seller)
    since the entries carry every price; the lot's centre staff and the supervisors of its region at any time, their
    copy with the signature records and who signed (`signers`); NotFound otherwise."""
    lot = Lot.objects.select_related("centre", "entrustment").filter(pk=lot_id).first()
    if lot is None:
        raise NotFound(_("No lot has this id."))
    watcher = user is not None and user.is_authenticated and watches(user, lot)
    result = LotResult.objects.filter(lot=lot).select_related("winner__application").first()
    closed = result is not None and public_lots().filter(pk=lot.pk).exists()
    if closed and result is not None and not result.price_public and not _party(user, lot, result):
        closed = False
    if not (closed or watcher):
        raise NotFound(_("No lot has this id."))
    protocol = protocol_export(lot=lot, signatures=watcher)
    if watcher:
        protocol["signers"] = protocol_signers(list(protocol["signatures"]))
    public = result_public(lot)
    if public is not None:
        protocol["result"] = {
            "outcome": public.outcome,
            "decided_at": public.decided_at.isoformat(),
            "revoked": public.revoked,
            "winner": None
            if public.winner_number is None
            else {"bidder_number": public.winner_number, "name": public.winner_name},
        }
    close = close_evidence(result) if result is not None else None
    root = protocol_root(lot_id=lot.pk, since_seq=close.seq) if close is not None else None
    if root is not None:  # the newest published root covering the chain at or after the close (docs/evidence.md)
        protocol["root"] = root
    return protocol
