"""Reads on contracts for their parties and their authority: my contracts, one contract with the step it is at, whom
it waits for and what the viewer may do, the authority's queues of contracts and revocations. (The public reads, the
verification and 直接交易, are C2's contracts/selectors_public.py.)"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import reviewer_covers, scope_filter
from contracts.models import Contract, ContractAttachment, ContractEvent, Revocation, RevocationDocument
from contracts.services.common import not_found
from contracts.transitions import CONTRACT, EDITABLE, allowed
from core.errors import NotFound

C = Contract.Status
R = User.Role
# What the authority sees: a contract from its first submission to review on.
REVIEWED_STATES = (C.IN_REVIEW, C.REJECTED, C.CODED, C.REVOKED)
# The seed's five steps (1 编制, 2 内容确认, 3 签字版上传, 4 签字版确认, 5 赋码) by state.
STEPS = {
    C.DRAFT: 1,
    C.RETURNED: 1,
    C.CANCELLED: 1,
    C.AWAITING_CONFIRMATION: 2,
    C.CONFIRMED: 3,
    C.SCAN_UPLOADED: 4,
    C.IN_REVIEW: 5,
    C.REJECTED: 5,
    C.CODED: 5,
    C.REVOKED: 5,
}
# The region chain a contract's output names (四川省成都市锦江区), without the outlines.
REGION_CHAIN = ("region__parent__parent",)
NO_OUTLINES = tuple(
    f"{level}{field}"
    for level in ("region__", "region__parent__", "region__parent__parent__")
    for field in ("boundary", "boundary_simplified")
)
ACTIONS = (
    "edit", "send", "recall", "confirm", "return", "upload_signed", "confirm_signed", "dispute_signed", "submit",
    "cancel", "approve", "reject", "apply_revocation",
)  # fmt: skip


@dataclass(frozen=True)
class Waiting:
    party: str  # a | b | authority | none
    action: str


def _is_a(contract: Contract, user: User) -> bool:
    return bool(user.is_authenticated and contract.initiator_id == user.pk)


def _is_b(contract: Contract, user: User) -> bool:
    return bool(
        user.is_authenticated
        and contract.counterparty_id == user.pk
        and contract.initiator_id != user.pk
        and contract.status != C.DRAFT
    )


def _is_authority(contract: Contract, user: User) -> bool:
    return contract.status in REVIEWED_STATES and reviewer_covers(user, contract.region_id)


def _with_output(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """What the API's output reads of each contract, in a fixed number of queries whatever their number."""
    return (
        contracts.select_related(*REGION_CHAIN)
        .defer(*NO_OUTLINES)
        .prefetch_related(
            "attachments",
            Prefetch("events", queryset=ContractEvent.objects.select_related("signature__certificate")),
            "revocations__documents",
        )
    )


def contract_get(*, user: User, contract_id: int) -> Contract:
    """A contract its parties or the authority of its region (once submitted to review) may see; 404 otherwise."""
    contract = _with_output(Contract.objects.all()).filter(pk=contract_id).first()
    if contract is None or not (_is_a(contract, user) or _is_b(contract, user) or _is_authority(contract, user)):
        raise not_found()
    return contract


def attachment_get(*, user: User, attachment_id: int) -> ContractAttachment:
    """An attachment of a contract the user may see; 404 otherwise."""
    attachment = ContractAttachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No attachment has this id."))
    contract_get(user=user, contract_id=attachment.contract_id)
    return attachment


def contract_list_mine(*, user: User, status: str | None = None, role: str | None = None) -> QuerySet[Contract]:
    """The user's contracts as party A (any state) or party B (once sent), newest change first."""
    as_a = Q(initiator=user)
    as_b = Q(counterparty=user) & ~Q(initiator=user) & ~Q(status=C.DRAFT)
    mine = as_a if role == "a" else as_b if role == "b" else as_a | as_b
    found = _with_output(Contract.objects.filter(mine))
    return found.filter(status=status) if status else found


def review_queue(*, user: User, status: str | None = None) -> QuerySet[Contract]:
    """The contracts of the authority's regions in `status` (default in_review), oldest submission first."""
    found = Contract.objects.filter(scope_filter(user, R.REVIEWER, field="region__code"))
    found = found.filter(status=status or C.IN_REVIEW, status__in=REVIEWED_STATES)
    return _with_output(found).order_by("updated_at", "id")


def revocation_queue(*, user: User) -> QuerySet[Revocation]:
    """The pending revocation applications of contracts in the authority's regions, oldest first."""
    return (
        Revocation.objects.filter(
            scope_filter(user, R.REVIEWER, field="contract__region__code"), status=Revocation.Status.PENDING
        )
        .select_related("contract__region")
        .prefetch_related("documents")
        .order_by("created_at", "id")
    )


def revocation_document_get(*, user: User, document_id: int) -> RevocationDocument:
    """A document of a revocation application: for its applicant, the contract's parties and the authority of the
    contract's region; 404 otherwise."""
    document = RevocationDocument.objects.select_related("revocation__contract").filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("No document has this id."))
    contract = document.revocation.contract
    if not (_is_a(contract, user) or _is_b(contract, user) or reviewer_covers(user, contract.region_id)):
        raise NotFound(_("No document has this id."))
    return document


def step(contract: Contract) -> int:
    """The step of the seed's progress bar (1–5) the contract is at."""
    return STEPS[C(contract.status)]


def waiting_for(contract: Contract) -> Waiting:
    """Whom the contract waits for and for what."""
    online = contract.origin == Contract.Origin.ONLINE
    by_state = {
        C.DRAFT: Waiting("a", "send" if online else "submit"),
        C.RETURNED: Waiting("a", "send"),
        C.REJECTED: Waiting("a", "send" if online else "submit"),
        C.AWAITING_CONFIRMATION: Waiting("b", "confirm"),
        C.CONFIRMED: Waiting("a", "upload_signed"),
        C.SCAN_UPLOADED: Waiting("b", "confirm_signed"),
        C.IN_REVIEW: Waiting("authority", "approve"),
    }
    return by_state.get(C(contract.status), Waiting("none", ""))


def may(contract: Contract, user: User) -> dict[str, bool]:
    """What the viewer may do now, by the state table and who they are to the contract."""
    status = contract.status
    online = contract.origin == Contract.Origin.ONLINE
    a, b, authority = _is_a(contract, user), _is_b(contract, user), _is_authority(contract, user)
    pending = any(r.status == Revocation.Status.PENDING for r in contract.revocations.all())
    allowed_now = {
        "edit": a and status in EDITABLE,
        "send": a and online and allowed(CONTRACT, status, C.AWAITING_CONFIRMATION),
        "recall": a and allowed(CONTRACT, status, C.DRAFT),
        "confirm": b and status == C.AWAITING_CONFIRMATION,
        "return": b and status == C.AWAITING_CONFIRMATION,
        "upload_signed": a and (status == C.CONFIRMED if online else status in (C.DRAFT, C.REJECTED)),
        "confirm_signed": b and status == C.SCAN_UPLOADED,
        "dispute_signed": b and status == C.SCAN_UPLOADED,
        "submit": a and not online and status in (C.DRAFT, C.REJECTED),
        "cancel": a and allowed(CONTRACT, status, C.CANCELLED),
        "approve": authority and status == C.IN_REVIEW,
        "reject": authority and status == C.IN_REVIEW,
        "apply_revocation": (a or b) and status == C.CODED and not pending,
    }
    return {action: bool(allowed_now[action]) for action in ACTIONS}
