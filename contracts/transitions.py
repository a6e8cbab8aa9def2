"""The contract's state machine as plain data: {state: {states it may move to}}. Services check a move with
`allowed(CONTRACT, from, to)` (market/transitions.py) before they save it; the table is tested exhaustively.

Online (合同网签), the seed's five steps: 1 party A drafts (draft) and sends it → 2 party B confirms the content
(awaiting_confirmation → confirmed) or returns it with a reason (returned) → 3 party A uploads the signed, sealed copy
(scan_uploaded) → 4 party B confirms the copy (in_review) or disputes it with a reason (back to confirmed, for a new
copy) → 5 the authority approves (coded, the number given) or rejects with a reason (rejected). Offline (合同赋码申请):
party A submits the signed copy with the same data (draft → in_review). A coded contract is revoked on an approved
application (revoked); party A may cancel before the review (cancelled)."""

from contracts.models import Contract
from market.transitions import allowed

__all__ = ["CONTRACT", "EDITABLE", "allowed"]

C = Contract.Status
CONTRACT: dict[str, frozenset[str]] = {
    C.DRAFT: frozenset({C.AWAITING_CONFIRMATION, C.IN_REVIEW, C.CANCELLED}),  # send (online); submit (offline)
    C.AWAITING_CONFIRMATION: frozenset({C.CONFIRMED, C.RETURNED, C.DRAFT}),  # B confirms or returns; A recalls
    C.RETURNED: frozenset({C.AWAITING_CONFIRMATION, C.CANCELLED}),  # edited and sent again
    C.CONFIRMED: frozenset({C.SCAN_UPLOADED, C.CANCELLED}),  # A uploads the signed copy
    C.SCAN_UPLOADED: frozenset({C.IN_REVIEW, C.CONFIRMED}),  # B confirms the copy, or disputes it
    C.IN_REVIEW: frozenset({C.CODED, C.REJECTED}),  # the authority decides
    C.REJECTED: frozenset({C.AWAITING_CONFIRMATION, C.IN_REVIEW, C.CANCELLED}),  # edited, sent (online) or submitted
    C.CODED: frozenset({C.REVOKED}),  # on an approved revocation
    C.REVOKED: frozenset(),
    C.CANCELLED: frozenset(),
}
# States in which party A edits the contract's data and attachments.
EDITABLE = frozenset({C.DRAFT, C.RETURNED, C.REJECTED})
