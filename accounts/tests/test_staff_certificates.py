"""Enterprise staff certificates (docs/certificates.md), through the local CA over HTTP: a sub-account binds a
certificate naming the staff member, the enterprise's name and its credit code; one naming another enterprise or
another person is refused; the enterprise lists its staff's certificates and withdraws one; the demo CSR's subject."""

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.test import Client

from accounts.models import RealNameVerification, TrustedCa, User, UserCertificate
from accounts.tests.factories import user_create
from accounts.tests.signing_kit import staff_requested
from accounts.tests.test_certificates import csr_pem, requested
from tests.fakes.ca import FakeCa

ENTERPRISE, CREDIT_CODE = "成都示例置业有限公司", "91510100MA61234567"
BIND = "/api/auth/certificates/"
STAFF = "/api/auth/enterprise/certificates/"
DEMO = "/api/auth/certificates/demo-request/"


def enterprise_with_staff(name: str = ENTERPRISE, code: str = CREDIT_CODE, staff: str = "王五") -> tuple[User, User]:
    """A verified enterprise (its approved verification) and one sub-account named `staff`."""
    enterprise = user_create(kind=User.Kind.ENTERPRISE, real_name=name)
    RealNameVerification.objects.create(
        user=enterprise,
        kind=enterprise.kind,
        name=name,
        id_number=code,
        status="approved",
        reviewed_at=enterprise.verified_at,
    )
    sub_account = user_create(kind=User.Kind.ENTERPRISE, parent=enterprise, real_name=staff)
    return enterprise, sub_account


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def bind(user: User, pem: str) -> dict:
    """The answer's body to binding `pem` as `user`, with its HTTP status as "http"."""
    answer = signed_in(user).post(BIND, {"certificate": pem}, content_type="application/json")
    return {**answer.json(), "http": answer.status_code}


def test_a_staff_certificate_binds_and_the_enterprise_sees_it(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    enterprise, sub_account = enterprise_with_staff()
    verification = RealNameVerification.objects.get(user=enterprise)

    bound = bind(sub_account, staff_requested(local_ca, key(), name="王五", enterprise=verification))

    assert bound["http"] == 201, bound
    assert f"O={ENTERPRISE}" in bound["subject"]
    listed = signed_in(enterprise).get(STAFF)
    assert listed.status_code == 200
    assert [(c["id"], c["holder"]["id"], c["holder"]["name"]) for c in listed.json()] == [
        (bound["id"], sub_account.pk, "王五")
    ]
    other_enterprise, _staff = enterprise_with_staff("另一家公司", "91510100MA6XXXXXX1", "赵六")
    assert signed_in(other_enterprise).get(STAFF).json() == []
    individual = signed_in(user_create()).get(STAFF)
    assert (individual.status_code, individual.json()["error"]["code"]) == (403, "enterprise_only")


def test_a_staff_certificate_naming_another_enterprise_or_another_person_is_refused(
    trusted_ca: TrustedCa, local_ca: FakeCa
) -> None:
    enterprise, sub_account = enterprise_with_staff()
    other, _staff = enterprise_with_staff("另一家公司", "91510100MA6XXXXXX1", "赵六")
    own = RealNameVerification.objects.get(user=enterprise)
    foreign = RealNameVerification.objects.get(user=other)

    another_enterprise = bind(sub_account, staff_requested(local_ca, key(), name="王五", enterprise=foreign))
    another_person = bind(sub_account, staff_requested(local_ca, key(), name="李四", enterprise=own))
    without_organization = bind(sub_account, requested(local_ca, key(), name="王五", id_number=CREDIT_CODE))
    the_enterprises_own = bind(sub_account, requested(local_ca, key(), name=ENTERPRISE, id_number=CREDIT_CODE))
    sub_account.real_name = ""
    sub_account.save(update_fields=["real_name"])
    nameless = bind(sub_account, staff_requested(local_ca, key(), name="王五", enterprise=own))

    for refused in (another_enterprise, another_person, without_organization, the_enterprises_own):
        assert (refused["http"], refused["error"]["code"]) == (400, "identity_mismatch")
    assert (nameless["http"], nameless["error"]["code"]) == (403, "not_verified")
    assert not UserCertificate.objects.exists()


def test_a_sub_account_of_an_unverified_enterprise_cannot_bind(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    enterprise, sub_account = enterprise_with_staff()
    verification = RealNameVerification.objects.get(user=enterprise)
    User.objects.filter(pk=enterprise.pk).update(verified_at=None)

    refused = bind(sub_account, staff_requested(local_ca, key(), name="王五", enterprise=verification))

    assert (refused["http"], refused["error"]["code"]) == (403, "not_verified")
    assert not UserCertificate.objects.exists()


def test_the_enterprise_withdraws_a_staff_certificate_and_no_one_else_can(
    trusted_ca: TrustedCa, local_ca: FakeCa
) -> None:
    enterprise, sub_account = enterprise_with_staff()
    verification = RealNameVerification.objects.get(user=enterprise)
    bound = bind(sub_account, staff_requested(local_ca, key(), name="王五", enterprise=verification))
    withdraw = f"{STAFF}{bound['id']}/withdraw/"
    other_enterprise, _staff = enterprise_with_staff("另一家公司", "91510100MA6XXXXXX1", "赵六")

    by_another_enterprise = signed_in(other_enterprise).post(withdraw)
    by_the_staff_member = signed_in(sub_account).post(withdraw)
    withdrawn = signed_in(enterprise).post(withdraw)
    again = signed_in(enterprise).post(withdraw)

    assert by_another_enterprise.status_code == 404
    assert (by_the_staff_member.status_code, by_the_staff_member.json()["error"]["code"]) == (403, "enterprise_only")
    assert withdrawn.status_code == 200, withdrawn.content
    assert (withdrawn.json()["status"], withdrawn.json()["ended_reason"]) == ("unbound", "withdrawn by the enterprise")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "not_active")
    certificate = UserCertificate.objects.get(pk=bound["id"])
    assert (certificate.status, certificate.ended_reason) == ("unbound", "withdrawn by the enterprise")


def test_the_demo_subject_of_a_staff_member_names_the_enterprise(trusted_ca: TrustedCa, local_ca: FakeCa) -> None:
    _enterprise, sub_account = enterprise_with_staff()
    client = signed_in(sub_account)
    subject = client.get(DEMO).json()
    staff_key = key()
    names = [
        x509.NameAttribute(NameOID.COMMON_NAME, subject["common_name"]),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, subject["organization_name"]),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, subject["serial_number"]),
    ]

    without_organization = client.post(DEMO, {"csr": csr_pem(key(), x509.Name(names[::2])).decode()})
    issued = client.post(DEMO, {"csr": csr_pem(staff_key, x509.Name(names)).decode()})

    assert subject == {"common_name": "王五", "serial_number": CREDIT_CODE, "organization_name": ENTERPRISE}
    assert (without_organization.status_code, without_organization.json()["error"]["code"]) == (
        400,
        "identity_mismatch",
    )
    assert issued.status_code == 201, issued.content
    assert bind(sub_account, issued.json()["certificate"])["http"] == 201
