"""Published roots over the evidence chains (auctions/services/roots.py, docs/evidence.md "Published roots"): the
RFC 6962 tree, a root at each close and once a day, the protocol's inclusion proof checked by
scripts/verify_evidence.py as a subprocess, and the public API and page."""

import hashlib
import importlib.util
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery.schedules import crontab
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.conf import settings
from django.db import transaction
from django.test import Client

from auctions import merkle
from auctions.models import EvidenceEntry, LotResult, SignedRoot
from auctions.roots_tasks import sign_daily_root
from auctions.services import evidence
from auctions.services.roots import new_key_pair, root_sign, statement
from auctions.services.trading import lot_close
from auctions.tests.test_lots_and_announcements import announced
from auctions.tests.trading_world import bid, qualified_bidder, shift_to, trading_lot
from config.celery import app
from core.clock import shifted

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)
VERIFIER = Path(__file__).resolve().parents[2] / "scripts" / "verify_evidence.py"

# RFC 6962's test leaves as Certificate Transparency's reference tests use them, and the roots of their first 1..8
# leaves published with those tests; the test below also recomputes them by the RFC's definition.
VECTOR_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
VECTOR_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def rfc_mth(leaves: list[bytes]) -> bytes:
    """MTH by the RFC's text, written here again: SHA-256(0x00 ‖ d) for one leaf, the split at the largest power of
    two below n, SHA-256(0x01 ‖ left ‖ right)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + rfc_mth(leaves[:k]) + rfc_mth(leaves[k:])).digest()


def rfc_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) by the RFC's text."""
    if len(leaves) <= 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return [*rfc_path(m, leaves[:k]), rfc_mth(leaves[k:])]
    return [*rfc_path(m - k, leaves[k:]), rfc_mth(leaves[:k])]


def script_module() -> Any:
    spec = importlib.util.spec_from_file_location("verify_evidence", VERIFIER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_tree_gives_rfc_6962s_roots_and_proofs_for_1_to_8_leaves():
    script = script_module()
    assert merkle.root_of([]).hex() == hashlib.sha256(b"").hexdigest()
    for size in range(1, 9):
        leaves = VECTOR_LEAVES[:size]
        hashes = [merkle.leaf_hash(leaf) for leaf in leaves]
        root = merkle.root_of(hashes)
        assert root.hex() == VECTOR_ROOTS[size - 1] == rfc_mth(leaves).hex()
        for index in range(size):
            proof = merkle.proof_of(index, hashes)
            assert proof == rfc_path(index, leaves)
            for verify in (merkle.proof_verify, script.proof_verify):
                assert verify(index=index, size=size, leaf=hashes[index], proof=proof, root=root)
                other = merkle.leaf_hash(b"another leaf")
                assert not verify(index=index, size=size, leaf=other, proof=proof, root=root)
                assert not verify(index=index, size=index, leaf=hashes[index], proof=proof, root=root)
                if proof:
                    wrong = [bytes(32), *proof[1:]]
                    assert not verify(index=index, size=size, leaf=hashes[index], proof=wrong, root=root)
                    assert not verify(index=index, size=size, leaf=hashes[index], proof=proof[:-1], root=root)


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks run at once, in the test's thread (as the worker would run them)."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def close_deal(world: dict[str, Any], hooks: Callable[..., Any]) -> list[Callable[[], None]]:
    """`甲` wins the world's listing at 1240; the close's on-commit hooks (not run)."""
    lot = world["lot"]
    winner, _qualification = qualified_bidder(world, "甲")
    qualified_bidder(world, "乙")
    with shifted(shift_to(lot.listing_starts_at, plus=SECOND)):
        bid(winner, world, "1240")
    with shifted(shift_to(lot.listing_ends_at, plus=SECOND)), hooks() as captured:
        assert lot_close(lot_id=lot.pk) is not None
    return list(captured)


def other_chain(world: dict[str, Any]) -> int:
    """Another lot of the world's centre with an entry in its log: a second leaf of the tree; its id."""
    lot, _announcement = announced(world)
    with transaction.atomic():
        evidence.append(lot_id=lot.pk, kind="note", data={"text": "另一宗地"})
    return int(lot.pk)


def run_root_hook(captured: list[Callable[[], None]]) -> SignedRoot:
    """Run the close's root hook as the worker would; the root it made."""
    (hook,) = [hook for hook in captured if hook.__qualname__.startswith("sign_on_commit")]
    before = SignedRoot.objects.count()
    hook()
    assert SignedRoot.objects.count() == before + 1
    return SignedRoot.objects.order_by("-pk").first()  # type: ignore[return-value]


def public_key() -> ed25519.Ed25519PublicKey:
    key = serialization.load_pem_public_key(Path(settings.ROOTS_PUBLIC_KEY_FILE).read_bytes())
    assert isinstance(key, ed25519.Ed25519PublicKey)
    return key


def verify(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, str(VERIFIER), *extra, str(path)], capture_output=True, text=True, check=False
    )


@pytest.fixture
def world() -> dict[str, Any]:
    return trading_lot()


def test_a_close_signs_a_root_over_every_chains_head_with_the_lots_head_at_its_close(
    world, eager, django_capture_on_commit_callbacks
):
    other = other_chain(world)
    captured = close_deal(world, lambda: django_capture_on_commit_callbacks(execute=False))
    root = run_root_hook(captured)

    lot = world["lot"]
    result_entry = EvidenceEntry.objects.get(lot=lot, kind="result")
    assert EvidenceEntry.objects.filter(lot=lot).order_by("-seq").first() == result_entry
    heads = {leaf["lot"]: (leaf["seq"], leaf["hash"]) for leaf in root.leaves}  # every lot with a chain, by lot id
    assert [leaf["lot"] for leaf in root.leaves] == sorted(heads)
    assert heads[lot.pk] == (result_entry.seq, result_entry.hash)
    assert other in heads
    assert root.tree_size == len(root.leaves) == EvidenceEntry.objects.values("lot").distinct().count()
    leaf_bytes = [
        json.dumps({"hash": leaf["hash"], "lot": leaf["lot"], "seq": leaf["seq"]}, separators=(",", ":")).encode()
        for leaf in root.leaves
    ]
    assert root.root == rfc_mth(leaf_bytes).hex()
    signed = statement(
        tree_size=root.tree_size, root=root.root, signed_at=evidence.utc_text(root.signed_at), key_id=root.key_id
    )
    public_key().verify(bytes.fromhex(root.signature), signed)  # raises if it is not the key's signature


def signed(root_id: int | None) -> int:
    assert root_id is not None, "the task found no signing key"
    return root_id


def test_a_root_is_signed_once_a_day_and_a_later_root_covers_more(world):
    schedule = settings.CELERY_BEAT_SCHEDULE["auctions-roots-daily"]
    assert schedule["task"] == "auctions.roots.sign_daily"
    assert isinstance(schedule["schedule"], crontab)
    assert "auctions.roots_tasks" in settings.CELERY_IMPORTS

    with transaction.atomic():
        evidence.append(lot_id=world["lot"].pk, kind="note", data={"text": "记录"})
    first = SignedRoot.objects.get(pk=signed(sign_daily_root()))
    with transaction.atomic():
        evidence.append(lot_id=world["lot"].pk, kind="note", data={"text": "后来的记录"})
    second = SignedRoot.objects.get(pk=signed(sign_daily_root()))

    def seq_of(root: SignedRoot) -> int:
        return next(leaf["seq"] for leaf in root.leaves if leaf["lot"] == world["lot"].pk)

    assert seq_of(second) == seq_of(first) + 1
    assert second.root != first.root
    assert second.signed_at >= first.signed_at


def test_the_protocol_carries_its_proof_and_the_verifier_checks_it(
    world, eager, django_capture_on_commit_callbacks, tmp_path
):
    lot = world["lot"]
    path = f"/api/auctions/lots/{lot.pk}/protocol/"
    other_chain(world)
    other_chain(world)  # three leaves: a proof of two hashes
    captured = close_deal(world, lambda: django_capture_on_commit_callbacks(execute=False))
    assert "root" not in json.loads(Client().get(path).content)  # no root covers the close yet
    root = run_root_hook(captured)

    answer = Client().get(path)
    assert answer.status_code == 200
    protocol = json.loads(answer.content)
    block = protocol["root"]
    head = protocol["entries"][-1]
    assert block["leaf"] == {"lot": lot.pk, "seq": head["seq"], "hash": head["hash"]}
    assert {key: block[key] for key in ("tree_size", "root", "signature", "key_id")} == {
        "tree_size": root.tree_size,
        "root": root.root,
        "signature": root.signature,
        "key_id": root.key_id,
    }
    saved = tmp_path / "protocol.json"
    saved.write_bytes(answer.content)
    key = ["--public-key", settings.ROOTS_PUBLIC_KEY_FILE]

    ok = verify(saved, *key)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    lines = ok.stdout.splitlines()
    assert lines[0].startswith(f"ok: {len(protocol['entries'])} entries")
    assert f"ok: the root's leaf is entry {head['seq']}, the chain's head" in lines
    assert f"ok: the inclusion proof leads to root {root.root} (tree size {root.tree_size})" in lines
    assert f"ok: the signature of {block['signed_at']} by key {root.key_id} is valid" in lines

    def fails(changed: dict[str, Any], *args: str) -> str:
        saved.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
        failed = verify(saved, *args)
        assert failed.returncode == 1, failed.stdout + failed.stderr
        return failed.stdout

    tampered = json.loads(answer.content)
    tampered["entries"][0]["data"] = {**tampered["entries"][0]["data"], "tampered": True}
    assert "does not give its hash" in fails(tampered, *key)
    forged = json.loads(answer.content)
    forged["root"]["signature"] = ed25519.Ed25519PrivateKey.generate().sign(b"forged").hex()
    assert "FAILED: the signature does not match" in fails(forged, *key)
    moved = json.loads(answer.content)
    moved["root"]["tree_size"] += 1  # a statement the key never signed
    assert "FAILED: the signature does not match" in fails(moved, *key)
    bent = json.loads(answer.content)
    bent["root"]["proof"][0] = "00" * 32
    assert "FAILED: the inclusion proof does not lead" in fails(bent, *key)
    other_public, _other_private = new_key_pair(tmp_path)
    assert "FAILED: the public key given is key" in fails(protocol, "--public-key", str(other_public))
    assert "FAILED: the signature was not checked" in fails(protocol)
    wrong_leaf = json.loads(answer.content)
    wrong_leaf["root"]["leaf"]["hash"] = protocol["entries"][0]["hash"]
    assert "is not an entry of this chain" in fails(wrong_leaf, *key)


def test_entries_after_the_root_leave_its_leaf_an_earlier_entry_of_the_chain(
    world, eager, django_capture_on_commit_callbacks, tmp_path
):
    lot = world["lot"]
    captured = close_deal(world, lambda: django_capture_on_commit_callbacks(execute=False))
    root = run_root_hook(captured)
    with transaction.atomic():
        evidence.append(lot_id=lot.pk, kind="note", data={"text": "结果之后"})

    protocol = json.loads(Client().get(f"/api/auctions/lots/{lot.pk}/protocol/").content)
    leaf_seq = protocol["root"]["leaf"]["seq"]
    assert protocol["root"]["root"] == root.root
    assert leaf_seq == len(protocol["entries"]) - 1
    saved = tmp_path / "protocol.json"
    saved.write_text(json.dumps(protocol, ensure_ascii=False), encoding="utf-8")
    ok = verify(saved, "--public-key", settings.ROOTS_PUBLIC_KEY_FILE)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"ok: the root's leaf is entry {leaf_seq} of {leaf_seq + 1}" in ok.stdout


def test_a_root_from_before_the_close_is_not_the_protocols(world, eager, django_capture_on_commit_callbacks):
    root_sign()  # the lot's chain before its close
    close_deal(world, lambda: django_capture_on_commit_callbacks(execute=False))  # its root hook lost

    protocol = json.loads(Client().get(f"/api/auctions/lots/{world['lot'].pk}/protocol/").content)
    assert "root" not in protocol
    assert LotResult.objects.filter(lot=world["lot"]).exists()


def test_the_roots_the_public_key_and_the_page_are_public_and_carry_no_private_key(world):
    older, newer = root_sign(), root_sign()
    private_pem = Path(settings.ROOTS_SIGNING_KEY_FILE).read_text()
    private_body = "".join(private_pem.strip().splitlines()[1:-1])
    anonymous = Client()

    listing = anonymous.get("/api/auctions/roots/")
    assert listing.status_code == 200
    body = listing.json()
    assert [item["id"] for item in body["results"]][:2] == [newer.pk, older.pk]
    assert set(body["results"][0]) == {"id", "tree_size", "root", "signed_at", "signature", "key_id"}
    assert body["results"][0]["root"] == newer.root
    assert body["results"][0]["signed_at"] == evidence.utc_text(newer.signed_at)

    key = anonymous.get("/api/auctions/roots/public-key")
    assert key.status_code == 200
    assert key["Content-Type"].startswith("application/x-pem-file")
    assert key.content == Path(settings.ROOTS_PUBLIC_KEY_FILE).read_bytes()

    page = anonymous.get("/roots/")
    assert page.status_code == 200
    text = page.content.decode()
    assert newer.root in text
    assert newer.signature in text
    assert "".join(key.content.decode().strip().splitlines()[1:-1]) in text.replace("\n", "")
    assert "scripts/verify_evidence.py --public-key" in text
    for answer in (listing, key, page):
        assert private_body not in answer.content.decode().replace("\n", "")
        assert "PRIVATE KEY" not in answer.content.decode()


def test_the_lots_result_links_the_roots_page(world, eager, django_capture_on_commit_callbacks):
    close_deal(world, lambda: django_capture_on_commit_callbacks(execute=False))
    page = Client().get(f"/lots/{world['lot'].pk}/")
    assert page.status_code == 200
    assert 'href="/roots/"' in page.content.decode()


def test_without_a_public_key_the_api_says_so_and_the_page_too(settings_override):
    assert Client().get("/api/auctions/roots/public-key").status_code == 503
    page = Client().get("/roots/")
    assert page.status_code == 200
    assert 'id="roots-public-key-missing"' in page.content.decode()


@pytest.fixture
def settings_override(settings: Any) -> None:
    settings.ROOTS_PUBLIC_KEY_FILE = ""
