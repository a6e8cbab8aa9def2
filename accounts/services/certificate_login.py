"""Sign-in with a certificate (证书登录): a single-use challenge the browser's key signs; demo certificates from the
development CA through a CSR the browser made (docs/certificates.md)."""

import base64
import binascii
import secrets
import urllib.error
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from accounts.certificates import (
    MESSAGES,
    Identity,
    active_certificate,
    certificate_check,
    certificate_parse,
    signature_verify,
    verified_identity,
)
from accounts.models import User, UserCertificate
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, ServiceUnavailable

CHALLENGE_SECONDS = 120
CHALLENGE_BYTES = 32
# What the browser signs is this prefix and the challenge as sent (base64url text): a login signature can never be
# taken for the signature of anything else (a bid, a confirmation), whose byte forms start otherwise.
LOGIN_PREFIX = "land-certificate-login:"
SESSION_KEY = "certificate_id"
DEV_CA_TIMEOUT = 5.0  # seconds, the development CA's answer to a CSR


def login_bytes(challenge: str) -> bytes:
    """The bytes the browser's key signs for `challenge`."""
    return (LOGIN_PREFIX + challenge).encode("ascii")


def spki_sha256(certificate: UserCertificate) -> str:
    """SHA-256 of the certificate's SubjectPublicKeyInfo (DER), hex: how the browser finds the key it keeps for it."""
    public_key = certificate_parse(certificate.certificate).public_key()
    spki = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(spki)
    return digest.finalize().hex()


def _challenge_key(user_id: int, challenge: str) -> str:
    return f"certificate-challenge:{user_id}:{challenge}"


def certificate_challenge_create(*, user: User) -> tuple[str, UserCertificate, str]:
    """A random 32-byte challenge (base64url) for the user's active certificate, kept in the cache for two minutes;
    with the certificate and its key's spki_sha256 (how the browser finds its key). 409 no_active_certificate when
    the user has none."""
    certificate = active_certificate(user)
    if certificate is None:
        raise Conflict(_("You have no active certificate to sign in with."), code="no_active_certificate")
    key_id = spki_sha256(certificate)
    challenge = base64.urlsafe_b64encode(secrets.token_bytes(CHALLENGE_BYTES)).decode().rstrip("=")
    cache.set(_challenge_key(user.pk, challenge), certificate.pk, CHALLENGE_SECONDS)
    return challenge, certificate, key_id


def certificate_login(*, user: User, session: SessionBase, challenge: str, signature: str) -> UserCertificate:
    """Mark the session certificate-authenticated (session["certificate_id"]) when `signature` (base64) is the
    user's certificate's signature over login_bytes(challenge).

    The challenge must be one this user was given, not yet used and not older than two minutes; it is used up by
    this call whatever follows. The certificate is checked now (validity, revocation: a revoked one is marked so and
    refused with `revoked`), then the signature (`bad_signature`)."""
    key = _challenge_key(user.pk, challenge)
    certificate_id = cache.get(key)
    if certificate_id is None or not cache.delete(key):  # delete: only one of two racing uses gets True
        raise InvalidInput(
            _("This challenge is unknown, used or expired; ask for a new one."),
            code="challenge_invalid",
            fields={"challenge": [{"code": "challenge_invalid", "message": str(_("Ask for a new challenge."))}]},
        )
    try:
        raw = base64.b64decode(signature + "=" * (-len(signature) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            _("The signature is not base64."),
            code="bad_signature",
            fields={"signature": [{"code": "bad_signature", "message": str(_("The signature is not base64."))}]},
        ) from None
    certificate = UserCertificate.objects.filter(pk=certificate_id, user=user).first()
    if certificate is None or certificate.status != UserCertificate.Status.ACTIVE:
        raise Conflict(_("You have no active certificate to sign in with."), code="no_active_certificate")
    certificate_check(certificate)
    signature_verify(certificate, login_bytes(challenge), raw)
    session[SESSION_KEY] = certificate.pk
    return certificate


# ------------------------------------------------------------------------------ demo certificates (development CA)


def _identity(user: User) -> Identity:
    """The verified name and ID number or credit code (and, for an enterprise's staff, the enterprise's name) a
    certificate's subject must carry; 403 not_verified."""
    identity = verified_identity(user)
    if identity is None:
        raise PermissionDenied(MESSAGES["not_verified"], code="not_verified")
    return identity


def _dev_ca_url() -> str:
    url = getattr(settings, "DEV_CA_URL", "")
    if not url:
        raise NotFound()
    return str(url).rstrip("/")


def certificate_demo_subject(*, user: User) -> Identity:
    """The subject (CN, serialNumber, O for an enterprise's staff) a demo CSR must carry; 404 when no development
    CA is configured."""
    _dev_ca_url()
    return _identity(user)


def _csr_refused(message: object, code: str) -> InvalidInput:
    return InvalidInput(message, code=code, fields={"csr": [{"code": code, "message": str(message)}]})


def certificate_demo_request(*, user: User, csr: str) -> str:
    """Have the development CA (settings.DEV_CA_URL) certify the browser's CSR; the certificate's PEM.

    Only for the user's own verified identity: the CSR must be well signed and its subject exactly CN = the verified
    name and serialNumber = the verified ID number or credit code, and for an enterprise's staff O = the enterprise's
    verified name (else no O). 404 when no development CA is configured; 503
    ca_unavailable when it does not answer."""
    url = _dev_ca_url()
    identity = _identity(user)
    try:
        request = x509.load_pem_x509_csr(csr.encode())
        well_signed = request.is_signature_valid
    except ValueError:
        raise _csr_refused(_("This is not a PEM certificate signing request."), "bad_csr") from None
    if not well_signed:
        raise _csr_refused(_("The request's signature does not verify."), "bad_csr")
    subject = request.subject
    common_names = [a.value for a in subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    serials = [a.value for a in subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)]
    organizations = [a.value for a in subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    expected_organizations = [identity.organization] if identity.organization else []
    if common_names != [identity.name] or serials != [identity.id_number] or organizations != expected_organizations:
        raise _csr_refused(_("The request's subject is not your verified name and ID number."), "identity_mismatch")
    pem = request.public_bytes(serialization.Encoding.PEM)
    outgoing = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting, http(s) only
        url + "/csr", data=pem, method="POST", headers={"Content-Type": "application/pkcs10"}
    )
    try:
        with urllib.request.urlopen(outgoing, timeout=DEV_CA_TIMEOUT) as response:  # noqa: S310
            certificate = response.read().decode("ascii")
    except (urllib.error.URLError, OSError, UnicodeDecodeError):
        raise ServiceUnavailable(_("The development CA does not answer."), code="ca_unavailable") from None
    if "-----BEGIN CERTIFICATE-----" not in certificate:
        raise ServiceUnavailable(_("The development CA does not answer."), code="ca_unavailable")
    return certificate
