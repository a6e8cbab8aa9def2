"""Signed operations (签名操作): a bid, a bid application, a reserve entry, a suspension, a result or a contract's
confirmation carries a signature by the actor's certificate over a canonical byte form of what it says, made in the
browser and verified here before anything is written (docs/signing.md).

The signed message is the UTF-8 of the JSON object

    {"action": …, "certificate": <SHA-256 fingerprint of the signer's certificate, hex>, "fields": {…},
     "format": "land-signed/1", "nonce": <16–64 base64url characters, the client's random>}

with keys sorted at every level, no spaces (separators "," and ":"), non-ASCII characters as they are; `fields` holds
integers and strings only (amounts as text with their unit's places, e.g. "1200.5000" 万元). The server rebuilds
the bytes from what it is about to write, so a signature over anything else fails.

Two steps, so that the CA is asked outside any lock: `signature_check` (before the transaction: the certificate is
the user's, active, valid and not revoked now — OCSP or the CRL — and the signature holds) and `signature_record`
(in the operation's transaction: the record is stored, its nonce used once). The operation's evidence entry carries
`record_sha256`, SHA-256 of the canonical JSON {"certificate": fingerprint, "message": text, "signature": base64}:
the log commits to the signature without naming the signer, and the protocol for staff carries the record itself.
"""

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.certificates import certificate_check, signature_verify
from accounts.models import OperationSignature, User, UserCertificate
from core.errors import ApplicationError, Conflict, InvalidInput, PermissionDenied

FORMAT = "land-signed/1"
NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_SIGNATURE_BYTES = 1024  # an RSA-4096 signature is 512 bytes

# The signed operations and where each is written (docs/signing.md lists their fields).
ACTIONS = frozenset(
    {
        "bid.place",
        "application.submit",
        "reserve.enter",
        "trading.suspend",
        "result.record",
        "contract.confirm",
    }
)

MESSAGES = {
    "signature_required": _("This operation must be signed with your digital certificate."),
    "certificate_sign_in_required": _("Sign in with the certificate that signs this operation."),
    "unknown_certificate": _("The signing certificate is not one of yours."),
    "signature_replayed": _("This signature was used already: sign the operation again."),
    "bad_signed": _(
        "The signature block must have certificate_id, a nonce of 16–64 base64url characters and a base64 signature."
    ),
}


@dataclass(frozen=True)
class SignedInput:
    """What a client sends beside an operation: which of its certificates signed, the nonce and the signature."""

    certificate_id: int
    nonce: str
    signature: bytes


@dataclass(frozen=True)
class Verified:
    """A signature that holds, not yet stored."""

    certificate: UserCertificate
    signer: User
    action: str
    message: str
    signature: str  # base64
    nonce: str

    @property
    def record_sha256(self) -> str:
        return record_hash(
            certificate=self.certificate.fingerprint_sha256, message=self.message, signature=self.signature
        )


def _refuse(code: str, error: type[ApplicationError] = PermissionDenied) -> ApplicationError:
    return error(MESSAGES[code], code=code, fields={"signed": [{"code": code, "message": str(MESSAGES[code])}]})


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def message_text(*, action: str, certificate: str, nonce: str, fields: dict[str, Any]) -> str:
    """The signed message's text (its UTF-8 bytes are what is signed)."""
    if action not in ACTIONS:
        raise ValueError(f"not a signed action: {action}")
    for name, value in fields.items():
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise TypeError(f"a signed field is an integer or a string: {name}={value!r}")
    return canonical({"action": action, "certificate": certificate, "fields": fields, "format": FORMAT, "nonce": nonce})


def signed_input(value: Any) -> SignedInput | None:
    """The request's `signed` member ({"certificate_id", "nonce", "signature"}), None when absent; bad_signed (400)
    for anything malformed."""
    if value in (None, "", {}):
        return None
    try:
        certificate_id = value["certificate_id"]
        nonce, signature = value["nonce"], value["signature"]
        if isinstance(certificate_id, bool) or not isinstance(certificate_id, int) or certificate_id <= 0:
            raise ValueError
        if not isinstance(nonce, str) or not NONCE.match(nonce) or not isinstance(signature, str):
            raise ValueError
        text = signature.strip().replace("-", "+").replace("_", "/")
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        if not 0 < len(raw) <= MAX_SIGNATURE_BYTES:
            raise ValueError
    except (KeyError, TypeError, ValueError, binascii.Error) as error:
        raise _refuse("bad_signed", InvalidInput) from error
    return SignedInput(certificate_id=certificate_id, nonce=nonce, signature=raw)


def signature_check(
    *,
    user: User,
    action: str,
    fields: dict[str, Any],
    signed: SignedInput | None,
    required: bool,
    session_certificate_id: int | None = None,
) -> Verified | None:
    """Before the operation's transaction (it may ask the CA over HTTP). None when nothing was signed and nothing
    is required. A required signature must come from the certificate the session signed in with. Refusals carry a
    stable code (docs/signing.md) and write nothing, except that a certificate found revoked or expired is marked so
    (accounts.certificates.certificate_check)."""
    if signed is None:
        if required:
            raise _refuse("signature_required")
        return None
    certificate = UserCertificate.objects.select_related("issuer").filter(pk=signed.certificate_id, user=user).first()
    if certificate is None:
        raise _refuse("unknown_certificate")
    if required and session_certificate_id != certificate.pk:
        raise _refuse("certificate_sign_in_required")
    certificate_check(certificate)
    text = message_text(action=action, certificate=certificate.fingerprint_sha256, nonce=signed.nonce, fields=fields)
    signature_verify(certificate, text.encode("utf-8"), signed.signature)
    return Verified(
        certificate=certificate,
        signer=user,
        action=action,
        message=text,
        signature=base64.b64encode(signed.signature).decode("ascii"),
        nonce=signed.nonce,
    )


def record_hash(*, certificate: str, message: str, signature: str) -> str:
    """SHA-256 (hex) of the record's canonical form: what the operation's evidence entry carries."""
    record = {"certificate": certificate, "message": message, "signature": signature}
    return hashlib.sha256(canonical(record).encode("utf-8")).hexdigest()


def signature_record(verified: Verified | None) -> OperationSignature | None:
    """Store a verified signature in the operation's transaction; a nonce used before is signature_replayed (409)
    and the caller's transaction must roll back."""
    if verified is None:
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a signature is stored in the transaction of the operation it signs")
    if OperationSignature.objects.filter(nonce=verified.nonce).exists():
        raise _refuse("signature_replayed", Conflict)
    digest = verified.record_sha256
    try:
        with transaction.atomic():  # a savepoint: the same nonce stored at the same moment by another request
            return OperationSignature.objects.create(
                certificate=verified.certificate,
                signer=verified.signer,
                action=verified.action,
                message=verified.message,
                signature=verified.signature,
                nonce=verified.nonce,
                record_sha256=digest,
                created_at=timezone.now(),
            )
    except IntegrityError as error:
        raise _refuse("signature_replayed", Conflict) from error


def evidence_data(verified: Verified | None) -> dict[str, str]:
    """The member an operation's evidence entry gets when it was signed: {"signature": record hash}, else nothing."""
    return {"signature": verified.record_sha256} if verified is not None else {}


def protocol_signatures(hashes: list[str]) -> dict[str, Any]:
    """For the staff's protocol: the signature records the entries name, and the certificates of their CAs:
    {"signatures": {record hash: {"certificate", "message", "signature"}}, "cas": {fingerprint: PEM}}, the
    certificate as PEM. scripts/verify_evidence.py checks them offline."""
    records = OperationSignature.objects.select_related("certificate__issuer").filter(record_sha256__in=hashes)
    signatures: dict[str, Any] = {}
    cas: dict[str, str] = {}
    for record in records:
        issuer = record.certificate.issuer
        signatures[record.record_sha256] = {
            "certificate": record.certificate.certificate,
            "message": record.message,
            "signature": record.signature,
        }
        cas[issuer.fingerprint_sha256] = issuer.certificate
    return {"signatures": signatures, "cas": cas}
