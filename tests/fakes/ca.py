"""A small local certificate authority speaking a real CA's HTTP protocol, in a thread on 127.0.0.1.

See docs/certificates.md.

POST /csr (body: a PEM PKCS#10 request) → the PEM certificate, its subject taken from the request, valid one year
unless the test-only query parameters `not_before`/`not_after` (ISO times) say otherwise; GET /ca.pem → the CA's own
certificate; GET /crl → a DER CRL signed by the CA, next update in one hour, made fresh at each request;
POST /ocsp (application/ocsp-request) → application/ocsp-response (RFC 6960) signed by the CA; POST /revoke
{"serial": hex} with `Authorization: Bearer <operator key>` → the CA's operator revokes a certificate (401 without
the key). Switches for tests: `ocsp_down` and `crl_down` (500 on that endpoint), `hang` (no answer on /ocsp and /crl
for a while). Tests may also issue directly (`issue`), with any key and subject.

Run as a program (`python -m tests.fakes.ca --port 8791 --state var/devca`) it is the development CA of `make run`:
its key, certificate and revocations are kept under --state so a restart keeps the same CA; the operator key comes
from DEV_CA_OPERATOR_KEY.
"""

import argparse
import hmac
import json
import os
import secrets
import threading
import urllib.parse
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509 import ocsp
from cryptography.x509.oid import NameOID

from tests.fakes.server import LocalServer

CRL_LIFETIME = timedelta(hours=1)
CERTIFICATE_LIFETIME = timedelta(days=365)


def subject_name(name: str, id_number: str) -> x509.Name:
    """The subject the platform expects: CN = the verified name, serialNumber (2.5.4.5) = the ID number or code."""
    return x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, name), x509.NameAttribute(NameOID.SERIAL_NUMBER, id_number)]
    )


class FakeCa(LocalServer):
    """Start it, trust `certificate_pem` with its `crl_url` and `ocsp_url`, issue and revoke, stop it."""

    def __init__(
        self, *, name: str = "本地测试CA", port: int = 0, operator_key: str = "", state: Path | None = None
    ) -> None:
        self.name = name
        self.operator_key = operator_key or secrets.token_hex(16)
        self.state = state
        self.revoked: dict[int, datetime] = {}  # serial → when
        self.ocsp_down = False
        self.crl_down = False
        self.hang = False
        self.ocsp_requests = 0
        self.crl_requests = 0
        self._lock = threading.Lock()
        self.key, self.certificate = self._load_or_create()
        self._serve(self._handler(), port=port, name="fake-ca")

    # ---------------------------------------------------------------- the CA itself
    def _load_or_create(self) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        if self.state and (self.state / "ca.key").exists():
            key = serialization.load_pem_private_key((self.state / "ca.key").read_bytes(), password=None)
            assert isinstance(key, ec.EllipticCurvePrivateKey)
            certificate = x509.load_pem_x509_certificate((self.state / "ca.pem").read_bytes())
            revoked_file = self.state / "revoked.json"
            revoked = json.loads(revoked_file.read_text()) if revoked_file.exists() else {}
            self.revoked = {int(serial, 16): datetime.fromisoformat(when) for serial, when in revoked.items()}
            return key, certificate
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, self.name)])
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        if self.state:
            self.state.mkdir(parents=True, exist_ok=True)
            old = os.umask(0o077)
            try:
                (self.state / "ca.key").write_bytes(
                    key.private_bytes(
                        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                    )
                )
            finally:
                os.umask(old)
            (self.state / "ca.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        return key, certificate

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def crl_url(self) -> str:
        return f"{self.url}/crl"

    @property
    def ocsp_url(self) -> str:
        return f"{self.url}/ocsp"

    def issue(
        self,
        public_key: CertificatePublicKeyTypes,
        subject: x509.Name,
        *,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
    ) -> x509.Certificate:
        """A certificate for the key and subject, signed by the CA, pointing at its CRL and OCSP responder."""
        now = datetime.now(UTC)
        not_before = not_before or now - timedelta(minutes=5)
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after or not_before + CERTIFICATE_LIFETIME)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            x509.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(self.ocsp_url)
                        )
                    ]
                ),
                critical=False,
            )
            .add_extension(
                x509.CRLDistributionPoints(
                    [x509.DistributionPoint([x509.UniformResourceIdentifier(self.crl_url)], None, None, None)]
                ),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )

    def issue_from_csr(
        self, csr_pem: bytes, *, not_before: datetime | None = None, not_after: datetime | None = None
    ) -> x509.Certificate:
        """A certificate for a PKCS#10 request whose own signature holds; ValueError otherwise."""
        csr = x509.load_pem_x509_csr(csr_pem)
        if not csr.is_signature_valid:
            raise ValueError("the request's signature does not hold")
        return self.issue(csr.public_key(), csr.subject, not_before=not_before, not_after=not_after)

    def revoke(self, serial: int) -> None:
        with self._lock:
            self.revoked.setdefault(serial, datetime.now(UTC))
            if self.state:
                revoked = {f"{s:x}": when.isoformat() for s, when in self.revoked.items()}
                (self.state / "revoked.json").write_text(json.dumps(revoked))

    def crl(self) -> bytes:
        """A CRL listing every revoked serial, signed now, next update in an hour (DER)."""
        now = datetime.now(UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(now)
            .next_update(now + CRL_LIFETIME)
        )
        for serial, when in list(self.revoked.items()):
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
            )
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp_answer(self, body: bytes) -> bytes:
        """The signed OCSP response to a request for one of this CA's serials (good, revoked or unknown)."""
        try:
            request = ocsp.load_der_ocsp_request(body)
        except ValueError:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST).public_bytes(
                serialization.Encoding.DER
            )
        now = datetime.now(UTC)
        serial = request.serial_number
        revoked_at = self.revoked.get(serial)
        status = ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD
        if request.issuer_key_hash != self._key_hash(request.hash_algorithm):
            status, revoked_at = ocsp.OCSPCertStatus.UNKNOWN, None
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=serial,
            algorithm=request.hash_algorithm,
            cert_status=status,
            this_update=now,
            next_update=now + timedelta(minutes=10),
            revocation_time=revoked_at,
            revocation_reason=None,
        )
        builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, self.certificate)
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def _key_hash(self, algorithm: hashes.HashAlgorithm) -> bytes:
        """The hash of the CA's public key bits, as an OCSP request names its issuer."""
        spki = self.certificate.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        digest = hashes.Hash(algorithm)
        digest.update(spki)
        return digest.finalize()

    # ---------------------------------------------------------------- the CA's HTTP side
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        ca = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urllib.parse.urlsplit(self.path).path
                if path == "/ca.pem":
                    self._answer(200, "application/x-pem-file", ca.certificate_pem.encode())
                elif path == "/crl":
                    ca.crl_requests += 1
                    if self._unavailable(ca.crl_down):
                        return
                    self._answer(200, "application/pkix-crl", ca.crl())
                else:
                    self._answer(404, "text/plain", b"not found")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = urllib.parse.urlsplit(self.path)
                if parts.path == "/ocsp":
                    ca.ocsp_requests += 1
                    if self._unavailable(ca.ocsp_down):
                        return
                    self._answer(200, "application/ocsp-response", ca.ocsp_answer(body))
                elif parts.path == "/csr":
                    self._csr(body, urllib.parse.parse_qs(parts.query))
                elif parts.path == "/revoke":
                    self._revoke(body)
                else:
                    self._answer(404, "text/plain", b"not found")

            def _csr(self, body: bytes, query: dict[str, list[str]]) -> None:
                try:
                    bounds = {k: datetime.fromisoformat(query[k][0]) for k in ("not_before", "not_after") if k in query}
                    certificate = ca.issue_from_csr(body, **bounds)
                except ValueError as error:
                    self._answer(400, "text/plain", f"bad request: {error}".encode())
                    return
                self._answer(201, "application/x-pem-file", certificate.public_bytes(serialization.Encoding.PEM))

            def _revoke(self, body: bytes) -> None:
                given = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if not hmac.compare_digest(given.encode(), ca.operator_key.encode()):
                    self._answer(401, "application/json", b'{"error": "unauthorised"}')
                    return
                try:
                    serial = int(str(json.loads(body or b"{}")["serial"]), 16)
                except (ValueError, KeyError, TypeError):
                    self._answer(400, "application/json", b'{"error": "serial (hex) required"}')
                    return
                ca.revoke(serial)
                self._answer(200, "application/json", json.dumps({"revoked": f"{serial:x}"}).encode())

            def _unavailable(self, down: bool) -> bool:
                if ca.hang:
                    ca._release.wait(timeout=10)
                if down or ca.hang:
                    self._answer(500, "text/plain", b"unavailable")
                    return True
                return False

            def _answer(self, status: int, content_type: str, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

        return Handler


def main() -> None:
    """The development CA: serves until stopped; its state under --state, the operator key from DEV_CA_OPERATOR_KEY."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=int(os.environ.get("LAND_CA_PORT", "8791")))
    parser.add_argument("--state", type=Path, default=Path("var/devca"))
    parser.add_argument("--name", default="本地开发CA (development)")
    options = parser.parse_args()
    ca = FakeCa(
        name=options.name, port=options.port, operator_key=os.environ["DEV_CA_OPERATOR_KEY"], state=options.state
    )
    print(f"development CA on {ca.url}/ (ca.pem, crl, ocsp, csr, revoke)", flush=True)
    ca._server.serve_forever()


if __name__ == "__main__":
    main()
