"""What every contract service shares: finding the contract under its lock as one of its parties or its authority,
checking a move against the state table, the progress trail and the messages to the parties."""

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import OperationSignature, User
from accounts.selectors import reviewer_covers
from accounts.services.messages import message_send
from accounts.signing import SignedInput, Verified, signature_check
from contracts.models import Contract, ContractEvent
from contracts.transitions import CONTRACT, allowed
from core.clock import db_now
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

C = Contract.Status


class WrongState(Conflict):
    """A step out of order: the contract's state does not allow it (nothing changed)."""

    default_code = "wrong_state"


def not_found() -> NotFound:
    return NotFound(_("No contract has this id."))


def link(contract: Contract) -> str:
    return f"/contracts/{contract.pk}/"


def require_verified(user: User) -> None:
    if not user.is_authenticated or not user.is_verified:
        raise PermissionDenied(
            _("Complete real-name verification (实名认证) in your personal centre before you do this."),
            code="verification_required",
        )


def _locked(contract_id: int) -> Contract | None:
    return Contract.objects.select_for_update(of=("self",)).filter(pk=contract_id).first()


def as_party_a(user: User, contract_id: int) -> Contract:
    """The contract under its lock when `user` started it (party A); 404 otherwise."""
    contract = _locked(contract_id)
    if contract is None or not user.is_authenticated or contract.initiator_id != user.pk:
        raise not_found()
    return contract


def as_party_b(user: User, contract_id: int) -> Contract:
    """The contract under its lock when `user` is its party B (resolved when it was sent, not a recalled draft); 404
    otherwise. Party A asking is a step out of order ("confirming one's own contract"): 409."""
    contract = _locked(contract_id)
    if contract is None or not user.is_authenticated:
        raise not_found()
    if contract.counterparty_id == user.pk and contract.initiator_id != user.pk and contract.status != C.DRAFT:
        return contract  # a recalled draft is party A's alone until it is sent again
    if contract.initiator_id == user.pk:
        raise WrongState(_("Party B does this, not the party who started the contract."), code="not_party_b")
    raise not_found()


def as_authority(user: User, contract_id: int) -> Contract:
    """The contract under its lock when `user` reviews its region (属地审核) or is an administrator; 404 otherwise."""
    contract = _locked(contract_id)
    if contract is None or not reviewer_covers(user, contract.region_id):
        raise not_found()
    return contract


def check(contract: Contract, to: str) -> None:
    """409 wrong_state unless the state table lets the contract move to `to`."""
    if not allowed(CONTRACT, contract.status, to):
        raise WrongState(
            _("This step is not possible while the contract is %(status)s.") % {"status": contract.get_status_display()}
        )


def move(
    contract: Contract,
    to: str,
    *,
    actor: User,
    action: str,
    note: str = "",
    fields: tuple[str, ...] = (),
    signature: OperationSignature | None = None,
) -> None:
    """Move the contract to `to` if the state table allows it (409 wrong_state otherwise, nothing changed), save it
    with `fields` and write the event (with the step's signature record, if signed), all in the caller's
    transaction."""
    check(contract, to)
    contract.status = to
    contract.updated_at = db_now()
    contract.save(update_fields=["status", "updated_at", *fields])
    event(contract, actor=actor, action=action, note=note, signature=signature)


def event(
    contract: Contract, *, actor: User, action: str, note: str = "", signature: OperationSignature | None = None
) -> ContractEvent:
    return ContractEvent.objects.create(
        contract=contract, action=action, actor=actor, note=note[:500], created_at=db_now(), signature=signature
    )


def step_signature(
    *, user: User, contract_id: int, action: str, signed: SignedInput | None, session_certificate_id: int | None
) -> Verified | None:
    """Check a contract step's signature (docs/signing.md: signed action contract.confirm, fields {contract,
    action}) before the contract's lock; required when settings.CONTRACTS_SIGNATURE_REQUIRED."""
    return signature_check(
        user=user,
        action="contract.confirm",
        fields={"contract": contract_id, "action": action},
        signed=signed,
        required=settings.CONTRACTS_SIGNATURE_REQUIRED,
        session_certificate_id=session_certificate_id,
    )


def tell(user: User | None, contract: Contract, title: str, body: str = "") -> None:
    """A business message about the contract to `user` (nothing when there is nobody yet)."""
    if user is not None:
        message_send(user=user, title=title, body=body, link=link(contract))


def label(contract: Contract) -> str:
    """How messages name a contract: its number once coded, else its kind and location."""
    return contract.number or f"{contract.get_kind_display()} {contract.address}".strip()


def reason_clean(reason: object, *, limit: int = 500) -> str:
    """A required reason of at most `limit` characters; a 400 naming `reason` otherwise."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise InvalidInput(fields={"reason": [{"code": "required", "message": _("Give the reason.")}]})
    if len(text) > limit or "\x00" in text:
        raise InvalidInput(
            fields={"reason": [{"code": "max_length", "message": _("At most %(n)d characters.") % {"n": limit}}]}
        )
    return text
