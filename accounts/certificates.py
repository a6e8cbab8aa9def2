"""Digital certificates (CA数字证书): binding one to an account, checking it at each use, verifying its signatures.

A certificate binds when it chains to an active TrustedCa, is within its validity, names the user's verified identity
(CN = the verified name, serialNumber 2.5.4.5 = the ID number or unified social credit code; for an enterprise's
sub-account, the staff member acting for it: CN = the sub-account's name, O 2.5.4.10 = the enterprise's verified name,
serialNumber = its credit code), carries an ECDSA P-256 or RSA ≥ 2048 key, and its CA says it is not revoked: OCSP
first (asked at each use), else the CRL (kept in the cache until its next update). A status that cannot be learnt
refuses (revocation_unknown). Each refusal has a stable code (docs/certificates.md) and writes nothing; a check that
finds a bound certificate revoked or expired marks it so in its own transaction, so the withdrawal stands even when
the caller's transaction rolls back. An enterprise sees its staff's certificates and may withdraw one.
"""

import hashlib
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any, NamedTuple

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import RealNameVerification, TrustedCa, User, UserCertificate
from core.errors import ApplicationError, Conflict, InvalidInput, NotFound, PermissionDenied, ServiceUnavailable

REVOCATION_TIMEOUT = 3.0  # seconds for the CA's OCSP responder or CRL to answer
RSA_MIN_BITS = 2048
P256_RAW_SIGNATURE_BYTES = 64  # WebCrypto's ECDSA signature: r ‖ s, 32 bytes each

MESSAGES = {
    "bad_certificate": _("This is not a readable X.509 certificate in PEM."),
    "key_not_allowed": _("The certificate's key must be ECDSA P-256 or RSA of at least 2048 bits."),
    "untrusted_ca": _("The certificate was not issued by a certificate authority the platform trusts."),
    "not_yet_valid": _("The certificate is not valid yet."),
    "expired": _("The certificate has expired."),
    "not_verified": _("Complete real-name verification before binding a certificate."),
    "identity_mismatch": _("The certificate's name and ID number are not those of your verified identity."),
    "enterprise_only": _("Only an enterprise account has staff certificates."),
    "already_bound": _("This certificate is already bound to an account."),
    "revoked": _("The certificate has been revoked by its certificate authority."),
    "revocation_unknown": _("The certificate authority could not be asked whether the certificate is revoked."),
    "bad_signature": _("The signature does not match the certificate and the signed data."),
    "not_active": _("This certificate is no longer active."),
}


def _refusal(code: str, *, at_use: bool = False) -> ApplicationError:
    """The error for a refusal code: bad input at binding, a refusal of the operation at use, 409 for a duplicate,
    503 when the CA cannot be asked, 403 for an unverified user."""
    fields = {"certificate": [{"code": code, "message": str(MESSAGES[code])}]}
    if code == "already_bound":
        return Conflict(MESSAGES[code], code=code, fields=fields)
    if code == "revocation_unknown":
        return ServiceUnavailable(MESSAGES[code], code=code, fields=fields)
    if code == "not_verified" or at_use:
        return PermissionDenied(MESSAGES[code], code=code, fields=fields)
    return InvalidInput(MESSAGES[code], code=code, fields=fields)


# ---------------------------------------------------------------- reading certificates
def certificate_parse(pem: str) -> x509.Certificate:
    """One X.509 certificate in PEM; bad_certificate otherwise."""
    try:
        return x509.load_pem_x509_certificate((pem or "").strip().encode())
    except (ValueError, UnicodeEncodeError) as error:
        raise _refusal("bad_certificate") from error


def key_algorithm(certificate: x509.Certificate) -> str:
    """The key's kind, "ec-p256" or "rsa", for the keys the platform accepts; key_not_allowed for any other."""
    try:
        key = certificate.public_key()
    except ValueError as error:
        raise _refusal("bad_certificate") from error
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return "ec-p256"
    if isinstance(key, rsa.RSAPublicKey) and key.key_size >= RSA_MIN_BITS:
        return "rsa"
    raise _refusal("key_not_allowed")


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def trusted_ca_certificate(trusted: TrustedCa) -> x509.Certificate:
    return x509.load_pem_x509_certificate(trusted.certificate.strip().encode())


def issuer_of(certificate: x509.Certificate) -> tuple[TrustedCa, x509.Certificate]:
    """The active trusted CA whose key signed the certificate, and the CA's own certificate; untrusted_ca if none."""
    for trusted in TrustedCa.objects.filter(active=True):
        try:
            ca_certificate = trusted_ca_certificate(trusted)
            if ca_certificate.subject != certificate.issuer:
                continue
            certificate.verify_directly_issued_by(ca_certificate)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return trusted, ca_certificate
    raise _refusal("untrusted_ca")


def validity_check(certificate: x509.Certificate, now: datetime) -> None:
    if now < certificate.not_valid_before_utc:
        raise _refusal("not_yet_valid")
    if now > certificate.not_valid_after_utc:
        raise _refusal("expired")


def subject_attribute(certificate: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    values = certificate.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if len(values) == 1 else ""


class Identity(NamedTuple):
    """What a certificate's subject must name: CN, serialNumber and, for an enterprise's staff, O."""

    name: str
    id_number: str
    organization: str = ""  # the enterprise's verified name, for a sub-account's certificate; else not checked


def _approved_identity(user: User) -> tuple[str, str] | None:
    """The user's own verified name and ID number or credit code (latest approved application)."""
    if user.verified_at is None:
        return None
    verification = (
        RealNameVerification.objects.filter(user=user, status=RealNameVerification.Status.APPROVED)
        .order_by("-reviewed_at", "-id")
        .first()
    )
    return (verification.name, verification.id_number) if verification else None


def verified_identity(user: User) -> Identity | None:
    """The identity the user's certificate names: the user's own verified name and ID number or credit code; for a
    sub-account, the staff member acting for the enterprise (the name the enterprise gave the sub-account, the
    enterprise's credit code, the enterprise's verified name as O). None when the user (or the enterprise) is not
    verified, or the sub-account has no name."""
    if user.parent_id is None:
        own = _approved_identity(user)
        return Identity(*own) if own else None
    enterprise = _approved_identity(user.principal)
    name = user.real_name.strip()
    if enterprise is None or not name:
        return None
    enterprise_name, credit_code = enterprise
    return Identity(name=name, id_number=credit_code, organization=enterprise_name)


def names_identity(certificate: x509.Certificate, identity: Identity) -> bool:
    """Whether the certificate's subject names exactly the identity (O only checked for an enterprise's staff)."""
    name = subject_attribute(certificate, NameOID.COMMON_NAME)
    id_number = subject_attribute(certificate, NameOID.SERIAL_NUMBER)
    if (name, id_number) != (identity.name, identity.id_number):
        return False
    organization = subject_attribute(certificate, NameOID.ORGANIZATION_NAME)
    return not identity.organization or organization == identity.organization


# ---------------------------------------------------------------- revocation: OCSP, else the CRL
def _http(url: str, body: bytes | None = None, content_type: str = "") -> bytes | None:
    """The body of a 200 answer from the CA within the timeout; None for any failure."""
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST" if body else "GET")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=REVOCATION_TIMEOUT) as response:  # noqa: S310
            return response.read() if response.status == 200 else None
    except (OSError, ValueError):  # URLError, HTTPError, timeouts, refused connections
        return None


def _signed_by(signer: x509.Certificate, signature: bytes, data: bytes, algorithm: Any) -> bool:
    key = signer.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(algorithm))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), algorithm)
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _delegated_responder(candidate: x509.Certificate, ca_certificate: x509.Certificate) -> bool:
    """A responder certificate the CA issued for OCSP signing (RFC 6960 4.2.2.2)."""
    try:
        candidate.verify_directly_issued_by(ca_certificate)
        usage = candidate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
        return False
    return ExtendedKeyUsageOID.OCSP_SIGNING in usage


def ocsp_status(certificate: x509.Certificate, ca_certificate: x509.Certificate, url: str) -> str | None:
    """The OCSP responder's word: "good", "revoked" or None (no answer, an answer not signed by the CA or not about
    this certificate, or the responder does not know it)."""
    request = ocsp.OCSPRequestBuilder().add_certificate(certificate, ca_certificate, hashes.SHA1()).build()  # noqa: S303
    body = _http(url, request.public_bytes(serialization.Encoding.DER), "application/ocsp-request")
    if body is None:
        return None
    try:
        response = ocsp.load_der_ocsp_response(body)
        if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            return None
        signers = [ca_certificate] + [c for c in response.certificates if _delegated_responder(c, ca_certificate)]
        data, signature, algorithm = response.tbs_response_bytes, response.signature, response.signature_hash_algorithm
        if not any(_signed_by(signer, signature, data, algorithm) for signer in signers):
            return None
        now = timezone.now()
        for single in response.responses:
            if single.serial_number != certificate.serial_number:
                continue
            expected = ocsp.OCSPRequestBuilder().add_certificate(certificate, ca_certificate, single.hash_algorithm)
            if single.issuer_key_hash != expected.build().issuer_key_hash:
                continue
            if single.next_update_utc is not None and single.next_update_utc < now:
                return None  # a stale answer
            if single.certificate_status == ocsp.OCSPCertStatus.GOOD:
                return "good"
            if single.certificate_status == ocsp.OCSPCertStatus.REVOKED:
                return "revoked"
    except ValueError:
        return None
    return None


def crl_status(certificate: x509.Certificate, ca_certificate: x509.Certificate, url: str) -> str | None:
    """The CRL's word: "good", "revoked" or None (no CRL, or one not signed by the CA, or past its next update). A
    CRL is kept in the cache until its next update."""
    key = f"certificates:crl:{hashlib.sha256(url.encode()).hexdigest()}:{fingerprint(ca_certificate)}"
    der = cache.get(key)
    crl = _crl_checked(der, ca_certificate) if der else None
    if crl is None:
        der = _http(url)
        crl = _crl_checked(der, ca_certificate) if der else None
        if crl is None:
            return None
        if crl.next_update_utc is not None:
            cache.set(key, der, timeout=max(1, int((crl.next_update_utc - timezone.now()).total_seconds())))
    return "revoked" if crl.get_revoked_certificate_by_serial_number(certificate.serial_number) else "good"


def _crl_checked(der: bytes, ca_certificate: x509.Certificate) -> x509.CertificateRevocationList | None:
    try:
        crl = x509.load_pem_x509_crl(der) if der.lstrip().startswith(b"-----") else x509.load_der_x509_crl(der)
        valid = crl.issuer == ca_certificate.subject and crl.is_signature_valid(ca_certificate.public_key())  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return None
    if not valid or (crl.next_update_utc is not None and crl.next_update_utc < timezone.now()):
        return None
    return crl


def revocation_status(certificate: x509.Certificate, ca_certificate: x509.Certificate, trusted: TrustedCa) -> str:
    """The status the CA gives now, "good" or "revoked" (OCSP, else the CRL); revocation_unknown when neither
    answers."""
    status = ocsp_status(certificate, ca_certificate, trusted.ocsp_url) if trusted.ocsp_url else None
    if status is None and trusted.crl_url:
        status = crl_status(certificate, ca_certificate, trusted.crl_url)
    if status is None:
        raise _refusal("revocation_unknown")
    return status


# ---------------------------------------------------------------- services
def certificate_bind(*, user: User, pem: str) -> UserCertificate:
    """Bind a certificate to the user's account after every check (module docstring); one transaction, nothing
    written on a refusal."""
    certificate = certificate_parse(pem)
    algorithm = key_algorithm(certificate)
    trusted, ca_certificate = issuer_of(certificate)
    now = timezone.now()
    validity_check(certificate, now)
    identity = verified_identity(user)
    if identity is None:
        raise _refusal("not_verified")
    if not names_identity(certificate, identity):
        raise _refusal("identity_mismatch")
    digest = fingerprint(certificate)
    if UserCertificate.objects.filter(fingerprint_sha256=digest).exists():
        raise _refusal("already_bound")
    if revocation_status(certificate, ca_certificate, trusted) == "revoked":
        raise _refusal("revoked")
    try:
        with transaction.atomic():
            return UserCertificate.objects.create(
                user=user,
                issuer=trusted,
                certificate=certificate.public_bytes(serialization.Encoding.PEM).decode(),
                serial=f"{certificate.serial_number:x}",
                subject=certificate.subject.rfc4514_string()[:500],
                fingerprint_sha256=digest,
                key_algorithm=algorithm,
                not_before=certificate.not_valid_before_utc,
                not_after=certificate.not_valid_after_utc,
                bound_at=now,
                checked_at=now,
            )
    except IntegrityError as error:  # bound by someone else at the same moment
        raise _refusal("already_bound") from error


def _certificate_end(certificate: UserCertificate, status: str, reason: str) -> None:
    """Mark the certificate ended in a transaction of its own: inside the caller's transaction the update goes
    through a connection of its own (autocommit), so it stands even when the caller's transaction rolls back. The
    caller must not hold the certificate's row lock."""
    now = timezone.now()
    if not transaction.get_connection().in_atomic_block:
        UserCertificate.objects.filter(pk=certificate.pk, status=UserCertificate.Status.ACTIVE).update(
            status=status, ended_at=now, ended_reason=reason
        )
    else:
        own = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with own.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {UserCertificate._meta.db_table} SET status = %s, ended_at = %s, ended_reason = %s"  # noqa: S608
                    " WHERE id = %s AND status = %s",
                    [status, now, reason, certificate.pk, UserCertificate.Status.ACTIVE],
                )
        finally:
            own.close()
    certificate.status, certificate.ended_at, certificate.ended_reason = status, now, reason


def certificate_check(certificate: UserCertificate) -> None:
    """At each use: the certificate is active, within its validity and not revoked now. Revoked or expired marks it
    so (its own transaction) and raises the refusal; an unknown status raises revocation_unknown."""
    if certificate.status != UserCertificate.Status.ACTIVE:
        ended: dict[str, str] = {UserCertificate.Status.EXPIRED: "expired", UserCertificate.Status.REVOKED: "revoked"}
        raise _refusal(ended.get(certificate.status, "not_active"), at_use=True)
    parsed = certificate_parse(certificate.certificate)
    now = timezone.now()
    if now < parsed.not_valid_before_utc:
        raise _refusal("not_yet_valid", at_use=True)
    if now > parsed.not_valid_after_utc:
        _certificate_end(certificate, UserCertificate.Status.EXPIRED, "expired")
        raise _refusal("expired", at_use=True)
    trusted = certificate.issuer
    if not trusted.active:
        raise _refusal("untrusted_ca", at_use=True)
    if revocation_status(parsed, trusted_ca_certificate(trusted), trusted) == "revoked":
        _certificate_end(certificate, UserCertificate.Status.REVOKED, "revoked by its certificate authority")
        raise _refusal("revoked", at_use=True)
    UserCertificate.objects.filter(pk=certificate.pk).update(checked_at=now)
    certificate.checked_at = now


@transaction.atomic
def certificate_unbind(*, user: User, certificate_id: int) -> UserCertificate:
    """The holder unbinds one of their certificates (it no longer signs for the account); 404 for anyone else's."""
    certificate = UserCertificate.objects.select_for_update().filter(pk=certificate_id, user=user).first()
    if certificate is None:
        raise NotFound()
    return _unbind(certificate, "unbound by its holder")


def _unbind(certificate: UserCertificate, reason: str) -> UserCertificate:
    """End a locked, active certificate's binding (status unbound, with the reason); not_active (409) otherwise."""
    if certificate.status != UserCertificate.Status.ACTIVE:
        raise Conflict(MESSAGES["not_active"], code="not_active")
    certificate.status = UserCertificate.Status.UNBOUND
    certificate.ended_at = timezone.now()
    certificate.ended_reason = reason
    certificate.save(update_fields=["status", "ended_at", "ended_reason"])
    return certificate


def _check_enterprise(user: User) -> None:
    if user.kind != User.Kind.ENTERPRISE or user.parent_id is not None:
        raise PermissionDenied(MESSAGES["enterprise_only"], code="enterprise_only")


def staff_certificates(*, enterprise: User) -> QuerySet[UserCertificate]:
    """The certificates of the enterprise's sub-accounts (its staff), newest first; enterprise_only (403) for any
    other account."""
    _check_enterprise(enterprise)
    return UserCertificate.objects.select_related("issuer", "user").filter(user__parent=enterprise)


@transaction.atomic
def staff_certificate_withdraw(*, enterprise: User, certificate_id: int) -> UserCertificate:
    """The enterprise withdraws a staff member's certificate: it no longer signs for the enterprise (status unbound).
    404 for a certificate that is not its staff's; 409 not_active when it is no longer active."""
    _check_enterprise(enterprise)
    certificate = (
        UserCertificate.objects.select_for_update(of=("self",))
        .select_related("issuer", "user")
        .filter(pk=certificate_id, user__parent=enterprise)
        .first()
    )
    if certificate is None:
        raise NotFound()
    return _unbind(certificate, "withdrawn by the enterprise")


def active_certificate(user: User) -> UserCertificate | None:
    """The user's active certificate, the latest bound; None when there is none."""
    return (
        UserCertificate.objects.select_related("issuer")
        .filter(user=user, status=UserCertificate.Status.ACTIVE)
        .order_by("-bound_at", "-id")
        .first()
    )


def signature_verify(certificate: UserCertificate, data: bytes, signature: bytes) -> None:
    """The signature over `data` was made by the certificate's key: ECDSA P-256 with SHA-256 (WebCrypto's raw r‖s,
    64 bytes, or DER) or RSA PKCS#1 v1.5 with SHA-256; bad_signature otherwise."""
    key = certificate_parse(certificate.certificate).public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            if len(signature) == P256_RAW_SIGNATURE_BYTES:
                half = P256_RAW_SIGNATURE_BYTES // 2
                r, s = int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
                signature = encode_dss_signature(r, s)
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            raise _refusal("bad_signature", at_use=True)
    except (InvalidSignature, ValueError) as error:
        raise _refusal("bad_signature", at_use=True) from error


# ---------------------------------------------------------------- trust anchors
def trusted_ca_fields(pem: str) -> dict[str, str]:
    """The certificate, subject and fingerprint of a CA certificate the platform may trust (a CA certificate with an
    ECDSA P-256 or RSA ≥ 2048 key); InvalidInput otherwise."""
    certificate = certificate_parse(pem)
    key_algorithm(certificate)
    try:
        is_ca = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca:
        raise InvalidInput(
            fields={"certificate": [{"code": "not_a_ca", "message": str(_("This is not a CA certificate."))}]}
        )
    return {
        "certificate": certificate.public_bytes(serialization.Encoding.PEM).decode(),
        "subject": certificate.subject.rfc4514_string()[:500],
        "fingerprint_sha256": fingerprint(certificate),
    }


def trusted_ca_save(*, name: str, pem: str, crl_url: str = "", ocsp_url: str = "") -> TrustedCa:
    """Trust a CA's certificate, or give one already trusted (found by fingerprint) the name and endpoints and make
    it active again."""
    fields = trusted_ca_fields(pem)
    trusted, _created = TrustedCa.objects.update_or_create(
        fingerprint_sha256=fields["fingerprint_sha256"],
        defaults={**fields, "name": name, "crl_url": crl_url, "ocsp_url": ocsp_url, "active": True},
    )
    return trusted
