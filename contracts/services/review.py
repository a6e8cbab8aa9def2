"""Step 5 (合同赋码): the authority of the contract's region approves it (coded, its number given in the same
transaction) or rejects it with a reason (party A edits and sends or submits it again)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.signing import SignedInput, signature_record
from contracts.models import Contract
from contracts.services.common import as_authority, check, label, move, reason_clean, step_signature, tell
from contracts.services.numbering import coding_number
from core.clock import db_now

C = Contract.Status


@transaction.atomic
def contract_approve(
    *,
    user: User,
    contract_id: int,
    signed: SignedInput | None = None,
    session_certificate_id: int | None = None,
) -> Contract:
    """Code the contract: the next number of its county, kind and year, taken under the series' lock here. A signed
    approval ({contract, action: "approve"}) is verified before the contract's lock and its event keeps the
    signature record; settings.CONTRACTS_SIGNATURE_REQUIRED requires it."""
    verified = step_signature(
        user=user,
        contract_id=contract_id,
        action="approve",
        signed=signed,
        session_certificate_id=session_certificate_id,
    )
    contract = as_authority(user, contract_id)
    check(contract, C.CODED)
    assert contract.region_id is not None  # noqa: S101 - send and submit require the county
    now = db_now()
    contract.number = coding_number(county_code=contract.region_id, kind=contract.kind, coded_at=now)
    contract.coded_at = now
    contract.reviewed_by = user
    contract.reason = ""
    move(
        contract,
        C.CODED,
        actor=user,
        action="coded",
        note=contract.number,
        fields=("number", "coded_at", "reviewed_by", "reason"),
        signature=signature_record(verified),
    )
    title = _("Contract coded: %(number)s") % {"number": contract.number}
    tell(contract.initiator, contract, title)
    tell(contract.counterparty, contract, title)
    return contract


@transaction.atomic
def contract_reject(*, user: User, contract_id: int, reason: Any) -> Contract:
    """Reject the contract with the reason; party A may correct it and send or submit it again."""
    contract = as_authority(user, contract_id)
    check(contract, C.REJECTED)
    contract.reason = reason_clean(reason)
    contract.reviewed_by = user
    move(contract, C.REJECTED, actor=user, action="rejected", note=contract.reason, fields=("reason", "reviewed_by"))
    title = _("Contract rejected by the authority: %(label)s") % {"label": label(contract)}
    tell(contract.initiator, contract, title, contract.reason)
    tell(contract.counterparty, contract, title, contract.reason)
    return contract
