"""Who signed a signed entry (docs/signing.md): the lot's centre staff read it in their protocol's `signers` (their
evidence log shows it); the public protocol names nobody."""

import uuid
from datetime import timedelta
from typing import Any

from django.test import Client

from accounts.models import OperationSignature, TrustedCa
from accounts.tests.signing_kit import Signer
from auctions.models import EvidenceEntry
from auctions.services.trading import lot_close
from auctions.tests.trading_world import qualified_bidder, shift_to, trading_lot
from core.clock import shifted
from tests.fakes.ca import FakeCa


def protocol(lot_id: int, user: Any = None) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(f"/api/auctions/lots/{lot_id}/protocol/")


def test_the_staff_protocol_names_the_signer_of_a_signed_bid_and_the_public_one_nobody(
    trusted_ca: TrustedCa, local_ca: FakeCa
) -> None:
    world = trading_lot(mode="auction")
    lot = world["lot"]
    bidder, _qualification = qualified_bidder(world, "张三")
    signer = Signer(local_ca, bidder)
    body: dict[str, Any] = {"client_bid_id": str(uuid.uuid4()), "amount_wan": "1000"}
    fields = {"lot": lot.pk, "client_bid_id": body["client_bid_id"], "amount_wan": "1000.0000"}
    body["signed"] = signer.block("bid.place", fields)
    client = Client()
    client.force_login(bidder)
    with shifted(shift_to(lot.auction_starts_at, plus=timedelta(seconds=1))):
        placed = client.post(f"/api/auctions/lots/{lot.pk}/bids/", body, content_type="application/json")
    assert placed.status_code == 201, placed.json()
    record = OperationSignature.objects.get(action="bid.place")
    assert EvidenceEntry.objects.get(lot=lot, kind="bid.accepted").data["signature"] == record.record_sha256

    staff_copy = protocol(lot.pk, world["staff"])
    assert staff_copy.status_code == 200
    assert staff_copy.json()["signers"] == {
        record.record_sha256: {
            "name": "张三",
            "subject": signer.certificate.subject,
            "serial": signer.certificate.serial,
            "ca": trusted_ca.name,
        }
    }

    with shifted(shift_to(lot.auction_starts_at, plus=timedelta(days=1))):
        lot_close(lot_id=lot.pk)
    public = protocol(lot.pk)
    assert public.status_code == 200
    assert "signers" not in public.json()
    assert signer.certificate.serial not in public.content.decode()  # the winner is public after a deal, the signer not
