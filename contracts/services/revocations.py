"""Revocation (合同撤销): party A or B of a coded contract applies with reasons and documents; the authority of the
contract's region approves (the contract revoked; it keeps its number) or rejects with a reason."""

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import reviewer_covers
from contracts.models import Contract, Revocation, RevocationDocument
from contracts.services.common import WrongState, check, event, move, not_found, reason_clean, tell
from core.clock import db_now
from core.errors import Conflict, InvalidInput, NotFound
from core.uploads import uploads_atomic

C = Contract.Status
R = Revocation.Status
DOCUMENT_TYPES = frozenset({"pdf", "jpg", "png"})
DOCUMENT_MAX_BYTES = 16 * 1024 * 1024
DOCUMENTS_MAX = 10


def _other_party(contract: Contract, user: User) -> User | None:
    return contract.counterparty if contract.initiator_id == user.pk else contract.initiator


def revocation_apply(*, user: User, contract_id: int, reason: Any, documents: list[UploadedFile]) -> Revocation:
    """Party A or B applies to revoke a coded contract with the reason and one to ten documents (pdf, jpg or png by
    content, at most 16 MB each); one pending application per contract."""
    with uploads_atomic() as store:
        contract = Contract.objects.select_for_update(of=("self",)).filter(pk=contract_id).first()
        if contract is None or user.pk not in (contract.initiator_id, contract.counterparty_id):
            raise not_found()
        if contract.status != C.CODED:
            raise WrongState(_("Only a coded contract can be revoked."), code="not_coded")
        text = reason_clean(reason, limit=1000)
        if not documents:
            raise InvalidInput(fields={"documents": [{"code": "required", "message": _("Attach the documents.")}]})
        if len(documents) > DOCUMENTS_MAX:
            message = _("At most %(n)d files.") % {"n": DOCUMENTS_MAX}
            raise InvalidInput(fields={"documents": [{"code": "too_many", "message": message}]})
        if contract.revocations.filter(status=R.PENDING).exists():
            raise Conflict(_("A revocation of this contract is already pending."), code="revocation_pending")
        revocation = Revocation.objects.create(contract=contract, applicant=user, reason=text, created_at=db_now())
        for document in documents:
            stored = store(
                document,
                types=DOCUMENT_TYPES,
                max_bytes=DOCUMENT_MAX_BYTES,
                folder="contracts/revocations",
                field="documents",
            )
            RevocationDocument.objects.create(revocation=revocation, **stored.document_fields())
        event(contract, actor=user, action="revocation.applied", note=text)
        tell(
            _other_party(contract, user),
            contract,
            _("A revocation of contract %(number)s was applied for") % {"number": contract.number},
            text,
        )
        return revocation


def _pending(user: User, revocation_id: int) -> tuple[Revocation, Contract]:
    """The pending application and its contract, both under lock, when `user` reviews the contract's region."""
    revocation = Revocation.objects.select_for_update().filter(pk=revocation_id).first()
    if revocation is None:
        raise NotFound(_("No revocation has this id."))
    contract = Contract.objects.select_for_update(of=("self",)).get(pk=revocation.contract_id)
    if not reviewer_covers(user, contract.region_id):
        raise NotFound(_("No revocation has this id."))
    if revocation.status != R.PENDING:
        raise WrongState(_("This revocation was already decided."))
    return revocation, contract


@transaction.atomic
def revocation_approve(*, user: User, revocation_id: int) -> Revocation:
    """Approve: the contract is revoked and keeps its number; both parties are told."""
    revocation, contract = _pending(user, revocation_id)
    check(contract, C.REVOKED)
    now = db_now()
    revocation.status, revocation.decided_by, revocation.decided_at = R.APPROVED, user, now
    revocation.save(update_fields=["status", "decided_by", "decided_at"])
    contract.revoked_at = now
    move(contract, C.REVOKED, actor=user, action="revoked", note=revocation.reason, fields=("revoked_at",))
    title = _("Contract %(number)s was revoked") % {"number": contract.number}
    tell(contract.initiator, contract, title, revocation.reason)
    tell(contract.counterparty, contract, title, revocation.reason)
    return revocation


@transaction.atomic
def revocation_reject(*, user: User, revocation_id: int, reason: Any) -> Revocation:
    """Reject the application with a reason; the contract stays coded; both parties are told."""
    revocation, contract = _pending(user, revocation_id)
    revocation.decision_reason = reason_clean(reason)
    revocation.status, revocation.decided_by, revocation.decided_at = R.REJECTED, user, db_now()
    revocation.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    event(contract, actor=user, action="revocation.rejected", note=revocation.decision_reason)
    title = _("The revocation of contract %(number)s was rejected") % {"number": contract.number}
    tell(contract.initiator, contract, title, revocation.decision_reason)
    tell(contract.counterparty, contract, title, revocation.decision_reason)
    return revocation
