"""Signed operations in tests: a user's certificate from the local CA (over HTTP) and signatures made as the
browser makes them (docs/signing.md)."""

import base64
import secrets
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from accounts.certificates import certificate_bind
from accounts.models import RealNameVerification, User, UserCertificate
from accounts.signing import SignedInput, message_text
from accounts.tests.test_certificates import requested, revoke_over_http
from tests.fakes.ca import FakeCa

__all__ = ["Signer", "revoke_over_http"]


class Signer:
    """A user's bound certificate and its key: `block(action, fields)` is what a page sends as `signed`."""

    def __init__(self, ca: FakeCa, user: User, *, id_number: str = "") -> None:
        verification = RealNameVerification.objects.filter(user=user, status="approved").order_by("-id").first()
        if verification is None:
            verification = RealNameVerification.objects.create(
                user=user,
                kind=user.kind,
                name=user.real_name,
                id_number=id_number or f"51010419900101{user.pk % 10000:04d}",
                status="approved",
                reviewed_at=user.verified_at,
            )
        self.user = user
        self.key = ec.generate_private_key(ec.SECP256R1())
        pem = requested(ca, self.key, name=verification.name, id_number=verification.id_number)
        self.certificate: UserCertificate = certificate_bind(user=user, pem=pem)

    def message(self, action: str, fields: dict[str, Any], nonce: str) -> bytes:
        text = message_text(action=action, certificate=self.certificate.fingerprint_sha256, nonce=nonce, fields=fields)
        return text.encode("utf-8")

    def block(
        self, action: str, fields: dict[str, Any], *, nonce: str = "", over: bytes | None = None
    ) -> dict[str, Any]:
        """The `signed` member of a request: a fresh nonce, the signature over the message (or over `over`)."""
        nonce = nonce or secrets.token_urlsafe(16)
        data = over if over is not None else self.message(action, fields, nonce)
        signature = self.key.sign(data, ec.ECDSA(hashes.SHA256()))
        return {
            "certificate_id": self.certificate.pk,
            "nonce": nonce,
            "signature": base64.b64encode(signature).decode("ascii"),
        }

    def signed(self, action: str, fields: dict[str, Any], **options: Any) -> SignedInput:
        """The same block as a service takes it."""
        block = self.block(action, fields, **options)
        return SignedInput(block["certificate_id"], block["nonce"], base64.b64decode(block["signature"]))
