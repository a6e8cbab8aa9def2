"""Signed operations in tests: a user's certificate from the local CA (over HTTP) and signatures made as the
browser makes them (docs/signing.md)."""

import base64
import secrets
import urllib.request
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from accounts.certificates import certificate_bind
from accounts.models import RealNameVerification, User, UserCertificate
from accounts.signing import SignedInput, message_text
from accounts.tests.test_certificates import csr_pem, requested, revoke_over_http
from tests.fakes.ca import FakeCa

__all__ = ["Signer", "revoke_over_http", "staff_requested"]


def staff_requested(ca: FakeCa, key: ec.EllipticCurvePrivateKey, *, name: str, enterprise: RealNameVerification) -> str:
    """A staff certificate the CA issues over HTTP (POST /csr): CN = the staff member's name, O = the enterprise's
    verified name, serialNumber = its credit code."""
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, enterprise.name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, enterprise.id_number),
        ]
    )
    request = urllib.request.Request(f"{ca.url}/csr", data=csr_pem(key, subject), method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - the local CA
        return response.read().decode()


class Signer:
    """A user's bound certificate and its key: `block(action, fields)` is what a page sends as `signed`. For an
    enterprise's sub-account the certificate is a staff certificate (CN = its name, O = the enterprise's name,
    serialNumber = the enterprise's credit code)."""

    def __init__(self, ca: FakeCa, user: User, *, id_number: str = "") -> None:
        principal = user.principal
        verification = RealNameVerification.objects.filter(user=principal, status="approved").order_by("-id").first()
        if verification is None:
            verification = RealNameVerification.objects.create(
                user=principal,
                kind=principal.kind,
                name=principal.real_name,
                id_number=id_number or f"51010419900101{principal.pk % 10000:04d}",
                status="approved",
                reviewed_at=principal.verified_at,
            )
        self.user = user
        self.key = ec.generate_private_key(ec.SECP256R1())
        if user.parent_id is None:
            pem = requested(ca, self.key, name=verification.name, id_number=verification.id_number)
        else:
            pem = staff_requested(ca, self.key, name=user.real_name, enterprise=verification)
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
