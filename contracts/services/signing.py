"""Steps 1 to 4 between the parties: party A sends the contract (online) and party B confirms or returns it; party A
uploads the signed, sealed copy and party B confirms or disputes it, which puts it in the authority's review. An
offline contract (合同赋码申请) goes to review in one submission with its signed copy. Party A may recall a sent
contract and cancel one before the review. Each step is one transaction that checks the state table, writes the
event and tells the other party."""

from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.signing import SignedInput, signature_record
from contracts.models import Contract
from contracts.services.common import (
    WrongState,
    as_party_a,
    as_party_b,
    check,
    event,
    label,
    move,
    reason_clean,
    step_signature,
    tell,
)
from contracts.services.drafting import contract_missing
from contracts.transitions import EDITABLE
from core.clock import db_now
from core.errors import FieldErrors, InvalidInput
from core.uploads import uploads_atomic

C = Contract.Status
O = Contract.Origin  # noqa: E741 - the model's Origin, as C is its Status
SCAN_TYPES = frozenset({"pdf", "jpg", "png"})
SCAN_MAX_BYTES = 16 * 1024 * 1024


def _counterparty(contract: Contract, user: User) -> User:
    """Party B's user: registered with b_phone, real-name verified, with b_name as verified name, not party A;
    a 400 naming b_phone or b_name otherwise."""
    found = User.objects.filter(phone=contract.b_phone, is_active=True).first()
    problem: tuple[str, str, str] | None = None
    if found is None:
        problem = ("b_phone", "not_registered", _("Nobody is registered with this phone number."))
    elif found.pk == user.pk:
        problem = ("b_phone", "self", _("Party B cannot be the party who starts the contract."))
    elif not found.is_verified:
        problem = ("b_phone", "not_verified", _("Party B has not completed real-name verification."))
    elif found.real_name != contract.b_name:
        problem = ("b_name", "name_mismatch", _("The name does not match the verified name of this phone's user."))
    if problem is not None:
        name, code, message = problem
        raise InvalidInput(
            _("Party B must be a registered, verified user."), fields={name: [{"code": code, "message": message}]}
        )
    assert found is not None  # noqa: S101 - checked above
    return found


def _complete(contract: Contract, *, signed_copy: bool = False) -> None:
    """Every required field and document present (and the signed copy when asked); one 400 naming all that lack."""
    missing: FieldErrors = contract_missing(contract)
    if signed_copy and not contract.signed_scan:
        missing["signed_copy"] = [{"code": "required", "message": _("Upload the signed, sealed contract.")}]
    if missing:
        raise InvalidInput(_("The contract is not complete."), fields=missing)


def _online(contract: Contract) -> None:
    if contract.origin != O.ONLINE:
        raise WrongState(_("An offline contract is submitted with its signed copy, not sent."), code="offline")


def _offline(contract: Contract) -> None:
    if contract.origin != O.OFFLINE:
        raise WrongState(_("An online contract is sent to party B, not submitted."), code="online")


@transaction.atomic
def contract_send(*, user: User, contract_id: int) -> Contract:
    """Online, step 1 → 2: party A sends a complete contract to party B, found by the name and phone given."""
    contract = as_party_a(user, contract_id)
    _online(contract)
    check(contract, C.AWAITING_CONFIRMATION)
    _complete(contract)
    contract.counterparty = _counterparty(contract, user)
    contract.submitted_at = db_now()
    contract.reason = ""
    move(
        contract,
        C.AWAITING_CONFIRMATION,
        actor=user,
        action="sent",
        fields=("counterparty", "submitted_at", "reason"),
    )
    tell(
        contract.counterparty,
        contract,
        _("A contract awaits your confirmation: %(label)s") % {"label": label(contract)},
    )
    return contract


@transaction.atomic
def contract_recall(*, user: User, contract_id: int) -> Contract:
    """Party A takes a sent contract back to the draft before party B answers."""
    contract = as_party_a(user, contract_id)
    move(contract, C.DRAFT, actor=user, action="recalled")
    tell(
        contract.counterparty,
        contract,
        _("The contract was recalled by party A: %(label)s") % {"label": label(contract)},
    )
    return contract


@transaction.atomic
def contract_confirm(
    *,
    user: User,
    contract_id: int,
    publish_price: Any = None,
    signed: SignedInput | None = None,
    session_certificate_id: int | None = None,
) -> Contract:
    """Step 2: party B confirms the content; `publish_price` false keeps the price out of the public 直接交易 list.
    A signed confirmation ({contract, action: "confirm"}) is verified before the contract's lock and its event keeps
    the signature record; settings.CONTRACTS_SIGNATURE_REQUIRED requires it."""
    verified = step_signature(
        user=user,
        contract_id=contract_id,
        action="confirm",
        signed=signed,
        session_certificate_id=session_certificate_id,
    )
    contract = as_party_b(user, contract_id)
    check(contract, C.CONFIRMED)
    if publish_price is not None:
        if not isinstance(publish_price, bool):
            raise InvalidInput(fields={"publish_price": [{"code": "invalid", "message": _("Must be true or false.")}]})
        contract.b_publish_price = publish_price
    contract.confirmed_at = db_now()
    move(
        contract,
        C.CONFIRMED,
        actor=user,
        action="confirmed",
        fields=("confirmed_at", "b_publish_price"),
        signature=signature_record(verified),
    )
    tell(
        contract.initiator,
        contract,
        _("Party B confirmed the contract; upload the signed copy: %(label)s") % {"label": label(contract)},
    )
    return contract


@transaction.atomic
def contract_return(*, user: User, contract_id: int, reason: Any) -> Contract:
    """Step 2: party B returns the content with a reason; party A edits and sends it again."""
    contract = as_party_b(user, contract_id)
    check(contract, C.RETURNED)
    contract.reason = reason_clean(reason)
    move(contract, C.RETURNED, actor=user, action="returned", note=contract.reason, fields=("reason",))
    tell(
        contract.initiator,
        contract,
        _("Party B returned the contract: %(label)s") % {"label": label(contract)},
        contract.reason,
    )
    return contract


def signed_copy_upload(*, user: User, contract_id: int, file: UploadedFile | None) -> Contract:
    """Step 3: party A uploads the signed, sealed copy (pdf, jpg or png by content, at most 16 MB). Online, once party
    B confirmed the content (→ scan_uploaded); offline, while a draft or rejected (kept, the state unchanged). A
    replaced copy's file goes once the transaction commits."""
    with uploads_atomic() as store:
        contract = as_party_a(user, contract_id)
        if contract.origin == O.ONLINE:
            check(contract, C.SCAN_UPLOADED)
        elif contract.status not in EDITABLE:
            raise WrongState(_("The signed copy of an offline contract is changed only before its submission."))
        if file is None:
            raise InvalidInput(fields={"file": [{"code": "required", "message": _("Attach the file.")}]})
        stored = store(file, types=SCAN_TYPES, max_bytes=SCAN_MAX_BYTES, folder="contracts")
        old = contract.signed_scan.name
        contract.signed_scan = stored.name
        contract.signed_scan_name = stored.original_name
        contract.signed_scan_content_type = stored.content_type
        contract.signed_scan_sha256 = stored.sha256
        fields = ("signed_scan", "signed_scan_name", "signed_scan_content_type", "signed_scan_sha256")
        if contract.origin == O.ONLINE:
            contract.reason = ""
            move(contract, C.SCAN_UPLOADED, actor=user, action="scan.uploaded", fields=(*fields, "reason"))
            tell(
                contract.counterparty,
                contract,
                _("The signed copy awaits your confirmation: %(label)s") % {"label": label(contract)},
            )
        else:
            contract.updated_at = db_now()
            contract.save(update_fields=[*fields, "updated_at"])
            event(contract, actor=user, action="scan.uploaded")
        if old and old != stored.name:
            transaction.on_commit(lambda: default_storage.delete(old))
        return contract


@transaction.atomic
def signed_copy_confirm(*, user: User, contract_id: int) -> Contract:
    """Step 4: party B confirms the signed copy; the contract goes to the authority's review."""
    contract = as_party_b(user, contract_id)
    check(contract, C.IN_REVIEW)
    contract.scan_confirmed_at = db_now()
    move(contract, C.IN_REVIEW, actor=user, action="scan.confirmed", fields=("scan_confirmed_at",))
    tell(
        contract.initiator,
        contract,
        _("Party B confirmed the signed copy; the contract is in review: %(label)s") % {"label": label(contract)},
    )
    return contract


@transaction.atomic
def signed_copy_dispute(*, user: User, contract_id: int, reason: Any) -> Contract:
    """Step 4: party B disputes the signed copy with a reason; party A uploads a new one."""
    contract = as_party_b(user, contract_id)
    check(contract, C.CONFIRMED)
    contract.reason = reason_clean(reason)
    move(contract, C.CONFIRMED, actor=user, action="scan.disputed", note=contract.reason, fields=("reason",))
    tell(
        contract.initiator,
        contract,
        _("Party B disputed the signed copy; upload a new one: %(label)s") % {"label": label(contract)},
        contract.reason,
    )
    return contract


@transaction.atomic
def contract_submit(*, user: User, contract_id: int) -> Contract:
    """Offline (合同赋码申请): party A submits the data, documents and signed copy to the authority's review; party B
    is found by the name and phone given, as when an online contract is sent."""
    contract = as_party_a(user, contract_id)
    _offline(contract)
    check(contract, C.IN_REVIEW)
    _complete(contract, signed_copy=True)
    contract.counterparty = _counterparty(contract, user)
    contract.submitted_at = db_now()
    contract.reason = ""
    move(contract, C.IN_REVIEW, actor=user, action="submitted", fields=("counterparty", "submitted_at", "reason"))
    tell(
        contract.counterparty,
        contract,
        _("A signed contract naming you was submitted for coding: %(label)s") % {"label": label(contract)},
    )
    return contract


@transaction.atomic
def contract_cancel(*, user: User, contract_id: int) -> Contract:
    """Party A withdraws the contract before the review (a draft, returned, confirmed or rejected contract)."""
    contract = as_party_a(user, contract_id)
    move(contract, C.CANCELLED, actor=user, action="cancelled")
    tell(
        contract.counterparty,
        contract,
        _("The contract was cancelled by party A: %(label)s") % {"label": label(contract)},
    )
    return contract
