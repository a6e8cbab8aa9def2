"""A lot ready to trade, its qualified bidders and the clock, for the trading engine's scenario tests."""

import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Bank, Lot, Qualification
from auctions.services.applications import ApplicationForm, application_approve, application_submit, signed_fields
from auctions.services.deposits import Notice, arrival_record
from auctions.services.evidence import protocol_export
from auctions.services.lots import Terms
from auctions.services.rules import lot_rules_update
from auctions.services.trading import BidRefused, Placed, bid_place
from auctions.tests.factories import centre_create, centre_staff_create, sichuan_regions
from auctions.tests.test_lots_and_announcements import announced

if TYPE_CHECKING:
    from accounts.tests.signing_kit import Signer

DAY = timedelta(days=1)


def listing_schedule(t0: datetime) -> Terms:
    """Announced and applying from t0, deposits by t0 + 2 days, the listing from t0 + 3 days to t0 + 13 days."""
    return Terms(
        trading_mode="listing",
        process="full",
        start_price_wan=Decimal("1000"),
        increment_wan=Decimal("10"),
        deposit_wan=Decimal("100"),
        announcement_starts_at=t0,
        applications_open_at=t0,
        applications_close_at=t0 + 2 * DAY,
        deposit_deadline=t0 + 2 * DAY,
        listing_starts_at=t0 + 3 * DAY,
        listing_ends_at=t0 + 13 * DAY,
    )


def auction_schedule(t0: datetime) -> Terms:
    return Terms(
        trading_mode="auction",
        process="full",
        start_price_wan=Decimal("1000"),
        increment_wan=Decimal("10"),
        deposit_wan=Decimal("100"),
        announcement_starts_at=t0,
        applications_open_at=t0,
        applications_close_at=t0 + 2 * DAY,
        deposit_deadline=t0 + 2 * DAY,
        auction_starts_at=t0 + 3 * DAY,
    )


def trading_lot(*, mode: str = "listing", rules: dict[str, Any] | None = None, process: str = "full") -> dict[str, Any]:
    """An announced lot whose application window is open now, with its centre, staff and grantor (`process` semi: bid
    for on site, its result recorded by staff)."""
    regions = sichuan_regions()
    centre = centre_create(region=regions["chengdu"])
    bank = Bank.objects.create(code="ICBC", name="中国工商银行", account_prefix="6222")
    centre.banks.add(bank)
    world: dict[str, Any] = {
        "regions": regions,
        "centre": centre,
        "staff": centre_staff_create(centre),
        "grantor": user_create(role=User.Role.GRANTOR, regions=["510104"]),
    }
    t0 = timezone.now() - timedelta(hours=1)
    schedule = replace(listing_schedule(t0) if mode == "listing" else auction_schedule(t0), process=process)
    if rules:  # override before the announcement, as staff may
        from auctions.services.lots import Grant, lot_register_submitted, lot_submit_by_grantor

        lot = lot_submit_by_grantor(
            user=world["grantor"],
            grant=Grant(centre_id=centre.pk, region_code="510104", title="规则地块", transfer="grant"),
            terms=schedule,
        )
        lot.documents.create(
            title="须知", file="n.pdf", original_name="n.pdf", content_type="application/pdf", size=1, sha256="0" * 64
        )
        lot_register_submitted(user=world["staff"], lot_id=lot.pk)
        lot_rules_update(user=world["staff"], lot_id=lot.pk, **rules)
        from auctions.services.announcements import announcement_draft, announcement_publish

        draft = announcement_draft(user=world["staff"], lot_id=lot.pk, title="公告", body="正文")
        announcement_publish(user=world["staff"], announcement_id=draft.pk)
        world["lot"] = Lot.objects.get(pk=lot.pk)
    else:
        world["lot"] = announced(world, schedule)[0]
    return world


def qualified_bidder(world: dict[str, Any], name: str, *, signer: "Signer | None" = None) -> tuple[User, Qualification]:
    """A new bidder (or `signer`'s user, its application signed as a lot whose rules require certificates needs)
    applied, approved and with the deposit arrived."""
    user = signer.user if signer is not None else user_create(real_name=name)
    form = ApplicationForm(contact_name=name, contact_phone="13800138000", address="成都", bank_code="ICBC")
    signed = None
    if signer is not None:
        signed = signer.signed("application.submit", signed_fields(world["lot"].pk, form))
    application, _created = application_submit(
        user=user,
        lot_id=world["lot"].pk,
        form=form,
        signed=signed,
        session_certificate_id=signer.certificate.pk if signer is not None else None,
    )
    application_approve(user=world["staff"], application_id=application.pk)
    arrival_record(
        Notice(
            bank_code="ICBC",
            serial=f"Q{application.pk}",
            account_number=application.deposit_account.number,
            amount="1000000.00",
            payer_name=name,
            payer_account="",
            channel="transfer",
            arrived_at=timezone.now(),
        )
    )
    return user, Qualification.objects.get(application=application)


def shift_to(moment: datetime | None, *, plus: timedelta = timedelta(0)) -> timedelta:
    """The clock shift that makes the database time `moment` + `plus` now, against the database's own unshifted
    clock (inside a test's transaction `now()` stands still; outside, real time only moves it later)."""
    assert moment is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        (now,) = cursor.fetchone()
    return moment + plus - now


def bid(user: User, world: dict[str, Any], amount: str) -> Placed:
    return bid_place(user=user, lot_id=world["lot"].pk, client_bid_id=uuid.uuid4(), amount_wan=amount)


def verified(lot: Lot, tmp_path: Path) -> dict[str, Any]:
    """The lot's protocol, after the standalone verifier (scripts/verify_evidence.py) accepted it."""
    protocol = protocol_export(lot=lot)
    path = tmp_path / "protocol.json"
    path.write_text(json.dumps(protocol, ensure_ascii=False), encoding="utf-8")
    verifier = Path(settings.BASE_DIR) / "scripts" / "verify_evidence.py"
    assert subprocess.run([sys.executable, str(verifier), str(path)], check=False).returncode == 0  # noqa: S603
    return protocol


def race(
    world: dict[str, Any],
    bidders: list[tuple[User, Qualification]],
    *,
    rounds: int,
    others: tuple[Callable[[], None], ...] = (),
) -> list[BaseException]:
    """Every bidder bids `rounds` times from a thread of its own, with `others` in threads of their own, all let go
    together behind one barrier; the amounts interleave (bidder i's round r bids 1000 + 10·(r·n + i) 万元) so that
    bidders outbid each other. Being outbid (not_higher, below_increment) is expected; anything else is returned.
    Run it inside the clock shift the trade needs (core.clock.shifted is the process's, so every thread shares it)."""
    barrier = threading.Barrier(len(bidders) + len(others))
    errors: list[BaseException] = []

    def together(work: Callable[[], None]) -> None:
        try:
            barrier.wait()
            work()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    def bidder(user: User, offset: int) -> None:
        for round_ in range(rounds):
            try:
                bid(user, world, str(1000 + 10 * (round_ * len(bidders) + offset)))
            except BidRefused as refused:
                if refused.code not in ("not_higher", "below_increment"):
                    raise

    works = [lambda user=user, i=i: bidder(user, i) for i, (user, _q) in enumerate(bidders)] + list(others)
    threads = [threading.Thread(target=together, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
