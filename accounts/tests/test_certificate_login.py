"""Sign-in with the certificate after the password, and demo certificates, through the local CA over real HTTP."""

import base64
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.test import Client

from accounts.certificates import certificate_bind
from accounts.models import TrustedCa, User, UserCertificate
from accounts.services import certificate_login
from accounts.tests.factories import user_create
from accounts.tests.test_certificates import csr_pem, p256, requested, revoke_over_http, verified_user
from tests.fakes.ca import FakeCa, subject_name

CHALLENGE = "/api/auth/certificate-challenge/"
LOGIN = "/api/auth/certificate-login/"
LIST = "/api/auth/certificates/"
DEMO = "/api/auth/certificates/demo-request/"

pytestmark = pytest.mark.usefixtures("clear_cache")


def holder(ca: FakeCa, **identity: str) -> tuple[User, ec.EllipticCurvePrivateKey, UserCertificate]:
    """A verified user with a bound certificate from the local CA, and its key."""
    user = verified_user(**identity)
    key = p256()
    certificate = certificate_bind(user=user, pem=requested(ca, key, **identity))
    return user, key, certificate


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def signature(key: ec.EllipticCurvePrivateKey, challenge: str) -> str:
    """What the browser sends: the signature of the login bytes for the challenge, base64url."""
    der = key.sign(certificate_login.login_bytes(challenge), ec.ECDSA(hashes.SHA256()))
    return base64.urlsafe_b64encode(der).decode().rstrip("=")


def challenge_for(client: Client) -> str:
    response = client.post(CHALLENGE)
    assert response.status_code == 201, response.content
    return str(response.json()["challenge"])


def certified(client: Client) -> bool:
    """Whether the session is certificate-authenticated, as the list of my certificates says."""
    return client.get(LIST).json()["session_certificate_id"] is not None


def test_the_challenge_signed_by_the_certificates_key_certifies_the_session(
    trusted_ca: TrustedCa, local_ca: FakeCa
) -> None:
    user, key, certificate = holder(local_ca)
    client = signed_in(user)
    answer = client.post(CHALLENGE).json()
    assert answer["certificate_id"] == certificate.pk
    assert len(base64.urlsafe_b64decode(answer["challenge"] + "=")) == 32
    assert not certified(client)

    response = client.post(LOGIN, {"challenge": answer["challenge"], "signature": signature(key, answer["challenge"])})

    assert response.status_code == 200, response.content
    assert client.session["certificate_id"] == certificate.pk
    assert response.json() == {"certificate_id": certificate.pk}
    assert client.get(LIST).json()["session_certificate_id"] == certificate.pk


def test_a_challenge_is_good_once(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    user, key, _ = holder(local_ca)
    client = signed_in(user)
    challenge = challenge_for(client)
    assert client.post(LOGIN, {"challenge": challenge, "signature": signature(key, challenge)}).status_code == 200
    other = signed_in(user)  # the same signed challenge replayed in another session

    replay = other.post(LOGIN, {"challenge": challenge, "signature": signature(key, challenge)})

    assert replay.status_code == 400
    assert replay.json()["error"]["code"] == "challenge_invalid"
    assert "challenge" in replay.json()["error"]["fields"]
    assert not certified(other)


def test_an_expired_challenge_is_refused(
    trusted_ca: TrustedCa, local_ca: FakeCa, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(certificate_login, "CHALLENGE_SECONDS", 1)
    user, key, _ = holder(local_ca)
    client = signed_in(user)
    challenge = challenge_for(client)
    time.sleep(1.5)  # the cache (Redis) lets the challenge go after its second

    response = client.post(LOGIN, {"challenge": challenge, "signature": signature(key, challenge)})

    assert response.json()["error"]["code"] == "challenge_invalid"
    assert not certified(client)


def test_a_signature_over_other_bytes_is_refused_and_uses_the_challenge_up(
    trusted_ca: TrustedCa, local_ca: FakeCa
) -> None:
    user, key, _ = holder(local_ca)
    client = signed_in(user)
    challenge = challenge_for(client)

    response = client.post(LOGIN, {"challenge": challenge, "signature": signature(key, challenge_for(client))})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "bad_signature"
    assert not certified(client)
    again = client.post(LOGIN, {"challenge": challenge, "signature": signature(key, challenge)})
    assert again.json()["error"]["code"] == "challenge_invalid"


def test_another_users_challenge_is_refused(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    user, key, _ = holder(local_ca)
    other, _, _ = holder(local_ca, name="李四", id_number="11010519491231002X")
    theirs = challenge_for(signed_in(other))
    client = signed_in(user)

    response = client.post(LOGIN, {"challenge": theirs, "signature": signature(key, theirs)})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "challenge_invalid"
    assert not certified(client)


def test_without_an_active_certificate_there_is_no_challenge(trusted_ca: TrustedCa) -> None:
    response = signed_in(verified_user()).post(CHALLENGE)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_active_certificate"


@pytest.mark.django_db(transaction=True)  # the mark is written in its own transaction, on its own connection
def test_after_the_ca_revokes_the_certificate_sign_in_is_refused_and_it_is_marked_revoked(
    trusted_ca: TrustedCa, local_ca: FakeCa
) -> None:
    user, key, certificate = holder(local_ca)
    client = signed_in(user)
    challenge = challenge_for(client)
    revoke_over_http(local_ca, certificate.certificate)

    response = client.post(LOGIN, {"challenge": challenge, "signature": signature(key, challenge)})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "revoked"
    certificate.refresh_from_db()
    assert certificate.status == UserCertificate.Status.REVOKED
    assert not certified(client)


# ---------------------------------------------------------------- demo certificates


def test_the_demo_ca_certifies_a_csr_for_the_verified_identity(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    user = verified_user()
    client = signed_in(user)
    subject = client.get(DEMO).json()
    key = p256()

    response = client.post(
        DEMO, {"csr": csr_pem(key, subject_name(subject["common_name"], subject["serial_number"])).decode()}
    )

    assert response.status_code == 201, response.content
    issued = x509.load_pem_x509_certificate(response.json()["certificate"].encode())
    assert issued.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == subject["common_name"]
    assert issued.public_key() == key.public_key()
    assert issued.issuer == local_ca.certificate.subject


def test_the_demo_ca_certifies_no_other_identity_and_no_garbage(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    client = signed_in(verified_user())

    other = client.post(DEMO, {"csr": csr_pem(p256(), subject_name("李四", "11010519491231002X")).decode()})
    garbage = client.post(DEMO, {"csr": "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"})
    unverified = signed_in(user_create(verified=False)).get(DEMO)

    assert (other.status_code, other.json()["error"]["code"]) == (400, "identity_mismatch")
    assert "csr" in other.json()["error"]["fields"]
    assert (garbage.status_code, garbage.json()["error"]["code"]) == (400, "bad_csr")
    assert (unverified.status_code, unverified.json()["error"]["code"]) == (403, "not_verified")


def test_without_a_development_ca_there_are_no_demo_certificates(settings, db: None) -> None:
    settings.DEV_CA_URL = ""
    client = signed_in(verified_user())

    assert client.get(DEMO).status_code == 404
    assert client.post(DEMO, {"csr": csr_pem(p256(), subject_name("张三", "1")).decode()}).status_code == 404
