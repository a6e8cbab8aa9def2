"""Certificates in trading (docs/certificates.md): who must sign in with a certificate because a lot's rules require
certificates (and the lot's public page says so), and an enterprise's staff certificate that signs its bids until the
enterprise withdraws it."""

import uuid
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from accounts.models import OperationSignature, TrustedCa, User
from accounts.tests.factories import user_create
from accounts.tests.signing_kit import Signer
from auctions.models import Bid, BidApplication, Lot, LotResult, Qualification
from auctions.services.applications import ApplicationForm, application_approve, application_submit
from auctions.services.deposits import Notice, arrival_record
from auctions.tests.factories import centre_create, centre_staff_create
from auctions.tests.test_lots_and_announcements import announced
from auctions.tests.trading_world import shift_to, trading_lot
from core.clock import shifted
from tests.fakes.ca import FakeCa

LIST = "/api/auth/certificates/"


def requirement(user: User) -> tuple[bool, str]:
    client = Client()
    client.force_login(user)
    body = client.get(LIST).json()
    return body["certificate_required"], body["required_because"]


def enterprise_qualified(world: dict[str, Any]) -> tuple[User, User]:
    """A verified enterprise whose sub-account applied for the lot and whose deposit made it qualified."""
    enterprise = user_create(kind=User.Kind.ENTERPRISE, real_name="成都示例置业有限公司")
    staff_member = user_create(kind=User.Kind.ENTERPRISE, parent=enterprise, real_name="王五")
    form = ApplicationForm(contact_name="王五", contact_phone="13800138001", address="成都", bank_code="ICBC")
    application, _created = application_submit(user=staff_member, lot_id=world["lot"].pk, form=form)
    application_approve(user=world["staff"], application_id=application.pk)
    notice = Notice(
        bank_code="ICBC",
        serial=f"E{application.pk}",
        account_number=application.deposit_account.number,
        amount="1000000.00",
        payer_name=enterprise.real_name,
        payer_account="",
        channel="transfer",
        arrived_at=timezone.now(),
    )
    arrival_record(notice)
    assert Qualification.objects.filter(application=application).exists()
    return enterprise, staff_member


def applying(lot: Lot, user: User, status: str = BidApplication.Status.SUBMITTED) -> BidApplication:
    """A bid application in the principal's name as `user` left it (the state only: no deposit account)."""
    return BidApplication.objects.create(
        lot=lot,
        applicant=user.principal,
        created_by=user,
        status=status,
        contact_name=user.real_name,
        contact_phone="13800138001",
        address="成都",
        submitted_at=timezone.now(),
    )


def test_the_staff_grantor_and_bidders_of_a_lot_requiring_certificates_must_sign_in_with_one(db: None) -> None:
    world = trading_lot(rules={"certificates_required": True})
    lot = world["lot"]
    plain_lot, _announcement = announced(world)  # its rules do not require certificates
    enterprise = user_create(kind=User.Kind.ENTERPRISE, real_name="成都示例置业有限公司")
    users = {
        "staff": world["staff"],
        "grantor": world["grantor"],
        "qualified": user_create(),
        "enterprise": enterprise,
        "staff_member": user_create(kind=User.Kind.ENTERPRISE, parent=enterprise, real_name="王五"),
        "rejected": user_create(),
        "plain_bidder": user_create(),
        "stranger": user_create(),
        "other_centre_staff": centre_staff_create(centre_create(region=world["regions"]["chengdu"], name="另一中心")),
        "other_grantor": user_create(role=User.Role.GRANTOR, regions=["110000"]),
    }
    applying(lot, users["qualified"], BidApplication.Status.APPROVED)
    applying(lot, users["staff_member"])  # in the enterprise's name
    applying(lot, users["rejected"], BidApplication.Status.REJECTED)
    applying(plain_lot, users["plain_bidder"])

    required = {name: requirement(user) for name, user in users.items()}

    assert required == {
        "staff": (True, "centre_staff"),
        "grantor": (True, "grantor"),
        "qualified": (True, "bidder"),
        "enterprise": (True, "bidder"),
        "staff_member": (True, "bidder"),
        "rejected": (False, ""),
        "plain_bidder": (False, ""),
        "stranger": (False, ""),
        "other_centre_staff": (False, ""),
        "other_grantor": (False, ""),
    }
    assert 'id="lot-certificates-required"' in Client().get(f"/lots/{lot.pk}/").content.decode()  # the public page
    assert 'id="lot-certificates-required"' not in Client().get(f"/lots/{plain_lot.pk}/").content.decode()
    LotResult.objects.create(lot=lot, outcome="failed", decided_at=timezone.now())
    assert {name: requirement(user) for name, user in users.items()} == {name: (False, "") for name in users}


def test_a_staff_certificate_signs_the_enterprises_bid_until_the_enterprise_withdraws_it(
    trusted_ca: TrustedCa, local_ca: FakeCa
) -> None:
    world = trading_lot(mode="auction")
    lot = world["lot"]
    enterprise, staff_member = enterprise_qualified(world)
    signer = Signer(local_ca, staff_member)
    client = Client()
    client.force_login(staff_member)
    enterprise_client = Client()
    enterprise_client.force_login(enterprise)

    def signed_bid(amount: str) -> Any:
        body: dict[str, Any] = {"client_bid_id": str(uuid.uuid4()), "amount_wan": amount}
        fields = {"lot": lot.pk, "client_bid_id": body["client_bid_id"], "amount_wan": f"{float(amount):.4f}"}
        body["signed"] = signer.block("bid.place", fields)
        return client.post(f"/api/auctions/lots/{lot.pk}/bids/", body, content_type="application/json")

    with shifted(shift_to(lot.auction_starts_at, plus=timedelta(seconds=1))):
        accepted = signed_bid("1000")
        withdrawn = enterprise_client.post(f"/api/auth/enterprise/certificates/{signer.certificate.pk}/withdraw/")
        refused = signed_bid("1010")

    assert accepted.status_code == 201, accepted.json()
    assert withdrawn.status_code == 200, withdrawn.json()
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "not_active")
    assert Bid.objects.filter(lot=lot).count() == 1
    assert OperationSignature.objects.get().signer == staff_member
