"""Binding, checking and using certificates, through the local CA over real HTTP (tests/fakes/ca.py)."""

import io
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from accounts.certificates import (
    active_certificate,
    certificate_bind,
    certificate_check,
    certificate_unbind,
    signature_verify,
    trusted_ca_save,
)
from accounts.models import RealNameVerification, TrustedCa, User, UserCertificate
from accounts.tests.factories import user_create
from core.errors import ApplicationError
from tests.fakes.ca import FakeCa, subject_name

NAME, ID_NUMBER = "张三", "510104199003071237"
BIND = "/api/auth/certificates/"


def verified_user(name: str = NAME, id_number: str = ID_NUMBER) -> User:
    user = user_create(real_name=name)
    RealNameVerification.objects.create(
        user=user, kind=user.kind, name=name, id_number=id_number, status="approved", reviewed_at=user.verified_at
    )
    return user


def csr_pem(key: CertificateIssuerPrivateKeyTypes, subject: x509.Name) -> bytes:
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM)


def requested(
    ca: FakeCa, key: CertificateIssuerPrivateKeyTypes, *, name: str = NAME, id_number: str = ID_NUMBER, **bounds: str
) -> str:
    """A certificate the CA issues over HTTP for a CSR (POST /csr), as a browser's would be."""
    query = "&".join(f"{k}={v}" for k, v in bounds.items())
    request = urllib.request.Request(  # noqa: S310 - the local CA
        f"{ca.url}/csr?{query}", data=csr_pem(key, subject_name(name, id_number)), method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - the local CA
        return response.read().decode()


def revoke_over_http(ca: FakeCa, pem: str) -> None:
    serial = x509.load_pem_x509_certificate(pem.encode()).serial_number
    request = urllib.request.Request(  # noqa: S310 - the local CA
        f"{ca.url}/revoke",
        data=f'{{"serial": "{serial:x}"}}'.encode(),
        headers={"Authorization": f"Bearer {ca.operator_key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - the local CA
        assert response.status == 200


def p256() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def refusal(user: User, pem: str) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        certificate_bind(user=user, pem=pem)
    assert not UserCertificate.objects.exists()
    return caught.value


# ---------------------------------------------------------------- binding
def test_a_certificate_naming_the_verified_identity_binds(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    user = verified_user()
    client = Client()
    client.force_login(user)
    pem = requested(local_ca, p256())

    answer = client.post(BIND, {"certificate": pem}, content_type="application/json")

    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["status"] == "active"
    assert body["key_algorithm"] == "ec-p256"
    assert body["issuer"]["id"] == trusted_ca.pk
    assert "CN=张三" in body["subject"]
    assert ID_NUMBER in body["subject"]
    assert local_ca.ocsp_requests == 1  # its revocation status was asked
    listed = client.get(BIND).json()
    assert [c["id"] for c in listed["certificates"]] == [body["id"]]
    assert active_certificate(user).pk == body["id"]  # type: ignore[union-attr]


def test_a_certificate_of_a_ca_the_platform_does_not_trust_is_refused(trusted_ca: TrustedCa) -> None:
    other = FakeCa(name="另一个CA").start()
    try:
        error = refusal(verified_user(), requested(other, p256()))
    finally:
        other.stop()
    assert error.code == "untrusted_ca"
    assert error.status_code == 400
    assert error.fields["certificate"][0]["code"] == "untrusted_ca"


@pytest.mark.parametrize(
    ("bounds", "code"),
    [
        ({"not_before": "2020-01-01T00:00:00+00:00", "not_after": "2021-01-01T00:00:00+00:00"}, "expired"),
        ({"not_before": "2099-01-01T00:00:00+00:00", "not_after": "2100-01-01T00:00:00+00:00"}, "not_yet_valid"),
    ],
)
def test_a_certificate_outside_its_validity_is_refused(
    trusted_ca: TrustedCa, local_ca: FakeCa, bounds: dict[str, str], code: str
) -> None:
    bounds = {k: v.replace("+", "%2B") for k, v in bounds.items()}
    assert refusal(verified_user(), requested(local_ca, p256(), **bounds)).code == code


def test_a_revoked_certificate_is_refused_by_ocsp(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    pem = requested(local_ca, p256())
    revoke_over_http(local_ca, pem)
    assert refusal(verified_user(), pem).code == "revoked"
    assert local_ca.ocsp_requests == 1
    assert local_ca.crl_requests == 0


def test_with_ocsp_down_the_crl_says_revoked(trusted_ca: TrustedCa, local_ca: FakeCa, clear_cache: None) -> None:
    pem = requested(local_ca, p256())
    revoke_over_http(local_ca, pem)
    local_ca.ocsp_down = True
    assert refusal(verified_user(), pem).code == "revoked"
    assert local_ca.crl_requests == 1


def test_the_crl_is_kept_until_its_next_update(trusted_ca: TrustedCa, local_ca: FakeCa, clear_cache: None) -> None:
    local_ca.ocsp_down = True
    certificate_bind(user=verified_user(), pem=requested(local_ca, p256()))
    certificate_bind(
        user=verified_user("李四", "11010519491231002X"),
        pem=requested(local_ca, p256(), name="李四", id_number="11010519491231002X"),
    )
    assert UserCertificate.objects.count() == 2
    assert local_ca.crl_requests == 1


def test_with_the_ca_unreachable_the_status_is_unknown(
    trusted_ca: TrustedCa, local_ca: FakeCa, clear_cache: None
) -> None:
    local_ca.ocsp_down = local_ca.crl_down = True
    error = refusal(verified_user(), requested(local_ca, p256()))
    assert error.code == "revocation_unknown"
    assert error.status_code == 503


@pytest.mark.parametrize(("name", "id_number"), [("李四", ID_NUMBER), (NAME, "11010519491231002X")])
def test_a_certificate_of_another_name_or_id_is_refused(
    trusted_ca: TrustedCa, local_ca: FakeCa, name: str, id_number: str
) -> None:
    error = refusal(verified_user(), requested(local_ca, p256(), name=name, id_number=id_number))
    assert error.code == "identity_mismatch"


def test_an_unverified_user_binds_nothing(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    error = refusal(user_create(verified=False), requested(local_ca, p256()))
    assert error.code == "not_verified"
    assert error.status_code == 403


def test_garbage_is_not_a_certificate(trusted_ca: TrustedCa) -> None:
    client = Client()
    client.force_login(verified_user())
    answer = client.post(
        BIND, {"certificate": "-----BEGIN CERTIFICATE-----\nbm9wZQ==\n"}, content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "bad_certificate"
    assert answer.json()["error"]["fields"]["certificate"][0]["code"] == "bad_certificate"
    assert answer.json()["error"]["message"] == "这不是可读取的 PEM 格式 X.509 证书。"
    english = client.post(BIND, {"certificate": "x"}, "application/json", headers={"Accept-Language": "en"})
    assert english.json()["error"]["message"] == "This is not a readable X.509 certificate in PEM."
    assert not UserCertificate.objects.exists()


def test_an_rsa_1024_key_is_not_allowed(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - the refused key
    assert refusal(verified_user(), requested(local_ca, weak)).code == "key_not_allowed"


def test_the_same_certificate_binds_once(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    user = verified_user()
    client = Client()
    client.force_login(user)
    pem = requested(local_ca, p256())
    assert client.post(BIND, {"certificate": pem}, content_type="application/json").status_code == 201
    again = client.post(BIND, {"certificate": pem}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_bound"
    assert UserCertificate.objects.count() == 1


# ---------------------------------------------------------------- at each use
@pytest.mark.django_db(transaction=True)
def test_a_check_after_revocation_marks_it_revoked_even_when_the_callers_transaction_rolls_back(
    local_ca: FakeCa,
) -> None:
    """certificate_check marks it in a transaction of its own (committed tables: a transactional test)."""
    trusted_ca_save(name="CA", pem=local_ca.certificate_pem, ocsp_url=local_ca.ocsp_url)
    pem = requested(local_ca, p256())
    bound = certificate_bind(user=verified_user(), pem=pem)
    certificate_check(bound)  # good: passes
    revoke_over_http(local_ca, pem)

    with pytest.raises(ApplicationError) as caught, transaction.atomic():
        certificate_check(bound)  # the refusal rolls the caller's transaction back

    assert caught.value.code == "revoked"
    assert caught.value.status_code == 403
    stored = UserCertificate.objects.get(pk=bound.pk)
    assert stored.status == "revoked"
    assert stored.ended_at is not None
    assert active_certificate(bound.user) is None


def test_the_holder_unbinds_a_certificate(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    user = verified_user()
    bound = certificate_bind(user=user, pem=requested(local_ca, p256()))
    client = Client()
    client.force_login(verified_user("李四", "11010519491231002X"))
    assert client.post(f"{BIND}{bound.pk}/unbind/").status_code == 404  # another's: not found
    client.force_login(user)
    answer = client.post(f"{BIND}{bound.pk}/unbind/")
    assert answer.status_code == 200
    assert answer.json()["status"] == "unbound"
    assert active_certificate(user) is None
    with pytest.raises(ApplicationError) as again:
        certificate_unbind(user=user, certificate_id=bound.pk)
    assert again.value.code == "not_active"
    bound.refresh_from_db()
    with pytest.raises(ApplicationError) as used:
        certificate_check(bound)
    assert used.value.code == "not_active"


# ---------------------------------------------------------------- signatures
def test_signatures_by_the_certificates_key_verify(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    key = p256()
    bound = certificate_bind(user=verified_user(), pem=requested(local_ca, key))
    data = "竞价 lot 12 price 120.5".encode()
    der = key.sign(data, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")  # as WebCrypto gives it

    signature_verify(bound, data, raw)
    signature_verify(bound, data, der)
    for wrong in (raw, der):
        with pytest.raises(ApplicationError) as caught:
            signature_verify(bound, data + b"0", wrong)
        assert caught.value.code == "bad_signature"


def test_rsa_signatures_verify(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    bound = certificate_bind(user=verified_user(), pem=requested(local_ca, key))
    assert bound.key_algorithm == "rsa"
    signature = key.sign(b"data", padding.PKCS1v15(), hashes.SHA256())
    signature_verify(bound, b"data", signature)
    with pytest.raises(ApplicationError) as caught:
        signature_verify(bound, b"other data", signature)
    assert caught.value.code == "bad_signature"


def test_the_trusted_cas_are_public(trusted_ca: TrustedCa) -> None:
    answer = Client().get("/api/auth/trusted-cas/")
    assert answer.status_code == 200
    assert [ca["fingerprint_sha256"] for ca in answer.json()] == [trusted_ca.fingerprint_sha256]
    assert "created_at" not in answer.json()[0]


@pytest.mark.django_db(transaction=True)
def test_an_expired_bound_certificate_is_marked_expired_at_use(local_ca: FakeCa) -> None:
    trusted_ca_save(name="CA", pem=local_ca.certificate_pem, ocsp_url=local_ca.ocsp_url)
    bound = certificate_bind(user=verified_user(), pem=requested(local_ca, p256()))
    issued = local_ca.issue(
        p256().public_key(),
        subject_name(NAME, ID_NUMBER),
        not_before=datetime.now(UTC) - timedelta(days=2),
        not_after=datetime.now(UTC) - timedelta(days=1),
    )
    UserCertificate.objects.filter(pk=bound.pk).update(
        certificate=issued.public_bytes(serialization.Encoding.PEM).decode()
    )
    bound.refresh_from_db()
    with pytest.raises(ApplicationError) as caught:
        certificate_check(bound)
    assert caught.value.code == "expired"
    assert UserCertificate.objects.get(pk=bound.pk).status == "expired"


# ---------------------------------------------------------------- trust anchors
def test_ca_trust_trusts_a_ca_once_by_its_published_certificate(local_ca: FakeCa, db: None) -> None:
    for _ in range(2):
        call_command(
            "ca_trust",
            "--name",
            "本地CA",
            "--pem-url",
            f"{local_ca.url}/ca.pem",
            "--crl-url",
            local_ca.crl_url,
            "--ocsp-url",
            local_ca.ocsp_url,
            stdout=io.StringIO(),
        )
    trusted = TrustedCa.objects.get()
    assert trusted.name == "本地CA"
    assert trusted.ocsp_url == local_ca.ocsp_url
    assert trusted.certificate.strip() == local_ca.certificate_pem.strip()


def test_an_administrator_adds_a_ca_by_its_pem_in_the_admin(local_ca: FakeCa, db: None) -> None:
    administrator = user_create(role=User.Role.ADMIN)
    client = Client()
    client.force_login(administrator)
    form = {"name": "本地CA", "certificate": local_ca.certificate_pem, "crl_url": local_ca.crl_url, "active": "on"}

    assert client.post("/admin/accounts/trustedca/add/", form).status_code == 302
    again = client.post("/admin/accounts/trustedca/add/", form)
    leaf = client.post("/admin/accounts/trustedca/add/", form | {"certificate": requested(local_ca, p256())})

    trusted = TrustedCa.objects.get()
    assert trusted.subject == local_ca.certificate.subject.rfc4514_string()
    assert again.status_code == leaf.status_code == 200  # the form again, with the error
    assert client.get("/admin/accounts/usercertificate/add/").status_code == 403  # certificates: read-only
