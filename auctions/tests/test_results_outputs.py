"""What a result produces for the public and the parties: the lot's `result` (API and page) with the reserve only after
the close, the price hidden only when both sides opted out, the result page (成交公示) and the home page's 今日成交,
the 成交确认书 PDF for the winner and the centre's staff only, and the protocol download that the standalone verifier
accepts (and refuses once tampered with)."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import user_create
from auctions.models import BidApplication, EvidenceEntry, Lot, LotResult, Qualification
from auctions.pdf import confirmation_html
from auctions.selectors_home import home_broadcast
from auctions.services.trading import lot_close, reserve_enter
from auctions.tests.test_bidding_api import pdf_text
from auctions.tests.trading_world import bid, qualified_bidder, shift_to, trading_lot
from core.clock import shifted

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)
RESERVE = "1234.5"
VERIFIER = Path(__file__).resolve().parents[2] / "scripts" / "verify_evidence.py"


def client_of(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def closed(world: dict[str, Any], *, publish_result: bool = True, publish_price: bool = True) -> dict[str, Any]:
    """`甲` wins the world's listing at 1240 over a reserve of 1234.5 (entered before bidding); `乙` qualified too."""
    lot = world["lot"]
    Lot.objects.filter(pk=lot.pk).update(publish_result=publish_result)
    winner, qualification = qualified_bidder(world, "甲")
    loser, _other = qualified_bidder(world, "乙")
    BidApplication.objects.filter(pk=qualification.application_id).update(publish_price=publish_price)
    reserve_enter(user=world["grantor"], lot_id=lot.pk, amount_wan=RESERVE)
    with shifted(shift_to(lot.listing_starts_at, plus=SECOND)):
        bid(winner, world, "1240")
    with shifted(shift_to(lot.listing_ends_at, plus=SECOND)):
        assert lot_close(lot_id=lot.pk) is not None
    return {"winner": winner, "loser": loser, "qualification": qualification, "result": LotResult.objects.get(lot=lot)}


@pytest.fixture
def world() -> dict[str, Any]:
    return trading_lot()


def test_the_lot_shows_no_result_and_no_reserve_before_the_close_and_both_after(world):
    lot = world["lot"]
    a, _qa = qualified_bidder(world, "甲")
    reserve_enter(user=world["grantor"], lot_id=lot.pk, amount_wan=RESERVE)
    with shifted(shift_to(lot.listing_starts_at, plus=SECOND)):
        bid(a, world, "1240")
    for path in (f"/api/auctions/lots/{lot.pk}/", f"/lots/{lot.pk}/"):
        for client in (client_of(), client_of(world["staff"]), client_of(a)):
            assert RESERVE not in client.get(path).content.decode()
    assert client_of().get(f"/api/auctions/lots/{lot.pk}/").json()["result"] is None

    with shifted(shift_to(lot.listing_ends_at, plus=SECOND)):
        lot_close(lot_id=lot.pk)

    result = client_of().get(f"/api/auctions/lots/{lot.pk}/").json()["result"]
    number = Qualification.objects.get(application__applicant=a).bidder_number
    assert {key: result[key] for key in ("outcome", "price_wan", "winner_number", "winner_name", "reserve_wan")} == {
        "outcome": "deal",
        "price_wan": "1240.0000",
        "winner_number": number,
        "winner_name": "甲",
        "reserve_wan": "1234.5000",
    }
    assert (result["revoked"], result["page"], result["protocol"]) == (
        False,
        f"/results/{lot.pk}/",
        f"/api/auctions/lots/{lot.pk}/protocol/",
    )
    page = client_of().get(f"/lots/{lot.pk}/").content.decode()
    assert "1,234.5" in page  # the reserve, revealed
    assert "1,240" in page
    assert number in page
    assert f'href="/api/auctions/lots/{lot.pk}/protocol/"' in page
    assert f'href="/results/{lot.pk}/"' in page


@pytest.mark.parametrize(
    ("publish_result", "publish_price", "public"),
    [(False, False, False), (False, True, True), (True, False, True), (True, True, True)],
)
def test_the_price_is_hidden_only_when_both_sides_opted_out(world, publish_result, publish_price, public):
    done = closed(world, publish_result=publish_result, publish_price=publish_price)
    lot = world["lot"]

    result = client_of().get(f"/api/auctions/lots/{lot.pk}/").json()["result"]
    assert result["price_public"] is public
    assert (result["price_wan"] == "1240.0000") is public
    assert result["price_wan"] is None or public
    result_page = client_of().get(f"/results/{lot.pk}/").content.decode()
    assert ("1,240" in result_page) is public
    assert result["winner_name"] == "甲"  # the opt-out is of the price only
    # the parties' document always shows it
    assert "1,240.0000" in confirmation_html(done["result"])


def test_the_result_page_and_todays_results_list_a_deal_and_a_revocation_takes_it_out(world):
    done = closed(world)
    lot = world["lot"]
    decided = done["result"].decided_at

    page = client_of().get(f"/results/{lot.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"{lot.title} 成交公示" in text or f"{lot.title} result announcement" in text
    assert done["qualification"].bidder_number in text
    tabs = {tab.key: tab.lots for tab in home_broadcast(now=decided)}
    assert [row.pk for row in tabs["results"]] == [lot.pk]
    assert getattr(tabs["results"][0], "deal_price_wan") == done["result"].price_wan  # noqa: B009 - set by the selector
    assert home_broadcast(now=decided + timedelta(days=1))[3].lots == []  # the next day in Shanghai

    LotResult.objects.filter(lot=lot).update(revoked_at=timezone.now(), revoked_reason="竞得人提供虚假材料")
    assert client_of().get(f"/results/{lot.pk}/").status_code == 404
    assert home_broadcast(now=decided)[3].lots == []
    result = client_of().get(f"/api/auctions/lots/{lot.pk}/").json()["result"]
    assert (result["revoked"], result["revoked_reason"], result["winner_name"], result["price_wan"]) == (
        True,
        "竞得人提供虚假材料",
        None,
        None,
    )
    lot_page = client_of().get(f"/lots/{lot.pk}/").content.decode()
    assert 'id="result-revoked"' in lot_page
    assert "竞得人提供虚假材料" in lot_page


def test_the_confirmation_is_the_winners_and_the_centre_staffs_only(world, tmp_path):
    lot = world["lot"]
    path = f"/api/auctions/lots/{lot.pk}/result/confirmation.pdf"
    early_winner = user_create(real_name="未成交")
    assert client_of(world["staff"]).get(path).status_code == 404  # before a deal
    done = closed(world, publish_result=False, publish_price=False)

    answer = client_of(done["winner"]).get(path)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"].startswith('attachment; filename="confirmation-')
    assert answer.content.startswith(b"%PDF")
    text = pdf_text(answer.content, tmp_path)
    flat = "".join(text.split())
    head = EvidenceEntry.objects.filter(lot=lot, kind="result").get()
    for expected in ("成交确认书", lot.number, lot.title, "甲", done["qualification"].bidder_number, "1,240.0000万元"):
        assert expected in flat, expected
    assert head.hash in flat
    assert f"第{head.seq}条" in flat
    assert "竞买保证金" in flat  # the deposit's conversion
    assert client_of(world["staff"]).get(path).status_code == 200
    for stranger in (done["loser"], early_winner, world["grantor"]):
        assert client_of(stranger).get(path).status_code == 404
    assert client_of().get(path).status_code == 401

    mine = client_of(done["winner"]).get("/api/auctions/applications/").json()["results"]
    assert mine[0]["qualification"]["confirmation"] == path
    theirs = client_of(done["loser"]).get("/api/auctions/applications/").json()["results"]
    assert theirs[0]["qualification"]["confirmation"] is None

    LotResult.objects.filter(lot=lot).update(revoked_at=timezone.now(), revoked_reason="撤销")
    assert client_of(done["winner"]).get(path).status_code == 404


def verify(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, check=False
    )


def test_the_protocol_is_the_staffs_before_the_close_anyones_after_and_it_verifies(world, tmp_path):
    lot = world["lot"]
    path = f"/api/auctions/lots/{lot.pk}/protocol/"
    assert client_of().get(path).status_code == 404
    assert client_of(user_create()).get(path).status_code == 404
    early = client_of(world["staff"]).get(path)
    assert early.status_code == 200
    assert "result" not in early.json()
    done = closed(world)

    answer = client_of().get(path)
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith('attachment; filename="protocol-')
    protocol = json.loads(answer.content)
    assert protocol["result"]["winner"] == {"bidder_number": done["qualification"].bidder_number, "name": "甲"}
    entries = json.dumps(protocol["entries"], ensure_ascii=False)
    assert "甲" not in entries  # the entries name bidders by bidder number only
    assert "乙" not in entries
    assert RESERVE in entries  # revealed at the close, with its salt
    saved = tmp_path / "protocol.json"
    saved.write_bytes(answer.content)
    ok = verify(saved)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith(f"ok: {len(protocol['entries'])} entries")

    tampered = answer.content.replace(b'"1240', b'"1340', 1)  # one byte of a bid's amount
    assert tampered != answer.content
    saved.write_bytes(tampered)
    failed = verify(saved)
    assert failed.returncode == 1
    assert "does not give its hash" in failed.stdout


def test_where_both_sides_opted_out_of_the_price_only_the_parties_and_staff_download_the_protocol(world):
    done = closed(world, publish_result=False, publish_price=False)
    path = f"/api/auctions/lots/{world['lot'].pk}/protocol/"

    assert client_of().get(path).status_code == 404  # the entries carry every price
    assert client_of(done["loser"]).get(path).status_code == 404
    assert client_of(done["winner"]).get(path).status_code == 200
    assert client_of(world["grantor"]).get(path).status_code == 200
    assert client_of(world["staff"]).get(path).status_code == 200
