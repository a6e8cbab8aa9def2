"""Published roots over the evidence chains (docs/evidence.md, "Published roots"): a Merkle tree (RFC 6962 hashing,
auctions/merkle.py) whose leaves are the heads of every lot's chain, its root signed with the platform's Ed25519 key.

The leaf of a lot is the UTF-8 of the canonical JSON {"hash": <hex of its last entry>, "lot": <lot id>, "seq": <its
number>} (keys sorted, no spaces), the leaves ordered by lot id. The signature covers the root's statement, the
canonical JSON {"format": "land-roots/1", "key_id", "root", "signed_at", "tree_size"}. Only the process given
ROOTS_SIGNING_KEY_FILE (the Celery worker) signs; every process reads ROOTS_PUBLIC_KEY_FILE.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.db import connection, transaction

from auctions.merkle import leaf_hash, root_of
from auctions.models import EvidenceEntry, SignedRoot
from auctions.services.evidence import utc_text
from core.clock import db_now_read
from core.errors import ServiceUnavailable
from core.keys import read_key_file, write_key_pair

FORMAT = "land-roots/1"
LOCK = 0x726F6F7473  # "roots": the advisory lock that makes roots one at a time, so the newest has the highest id


def canonical(value: dict[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def leaf_bytes(leaf: dict[str, Any]) -> bytes:
    """A lot's leaf: the canonical JSON of its chain's head, {"hash":"<hex>","lot":<id>,"seq":<n>}, written directly
    (a hex hash and two integers need no escaping: the same bytes as canonical(), ten times faster for a protocol's
    proof, which hashes every leaf)."""
    entry_hash, lot, seq = str(leaf["hash"]), int(leaf["lot"]), int(leaf["seq"])
    if len(entry_hash) != 64 or entry_hash.strip("0123456789abcdef"):
        raise ValueError("a chain's hash is 64 lowercase hex digits")
    return b'{"hash":"%s","lot":%d,"seq":%d}' % (entry_hash.encode("ascii"), lot, seq)


def statement(*, tree_size: int, root: str, signed_at: str, key_id: str) -> bytes:
    """The bytes the signature covers."""
    return canonical({"format": FORMAT, "key_id": key_id, "root": root, "signed_at": signed_at, "tree_size": tree_size})


def key_id_of(public_key: ed25519.Ed25519PublicKey) -> str:
    """A key's id: the first 16 hex digits of SHA-256 of its raw 32 bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _key_file(setting: str) -> bytes:
    return read_key_file(setting, missing_code="roots_key_missing")


def public_key_pem() -> bytes:
    """The published public key (ROOTS_PUBLIC_KEY_FILE) as PEM; ServiceUnavailable when it is not configured."""
    key = serialization.load_pem_public_key(_key_file("ROOTS_PUBLIC_KEY_FILE"))
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise ServiceUnavailable(code="roots_key_invalid")
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _signing_key() -> ed25519.Ed25519PrivateKey:
    key = serialization.load_pem_private_key(_key_file("ROOTS_SIGNING_KEY_FILE"), password=None)
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise ServiceUnavailable(code="roots_key_invalid")
    return key


def chain_heads() -> list[dict[str, Any]]:
    """The last entry of every lot's chain, by lot id, in one statement (one snapshot)."""
    heads = EvidenceEntry.objects.order_by("lot_id", "-seq").distinct("lot_id").values_list("lot_id", "seq", "hash")
    return [{"lot": lot, "seq": seq, "hash": entry_hash} for lot, seq, entry_hash in heads]


@transaction.atomic
def root_sign() -> SignedRoot:
    """Make, sign and store the root over every chain's head as it stands now (the worker only: it holds the key).
    Roots are made one at a time (an advisory lock), so a later root never covers less of a chain than an earlier
    one and the newest root is the one with the highest id."""
    key = _signing_key()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s), clock_timestamp()", [LOCK])
        (_locked, now) = cursor.fetchone()
    signed_at = db_now_read(now)
    leaves = chain_heads()
    root = root_of([leaf_hash(leaf_bytes(leaf)) for leaf in leaves]).hex()
    key_id = key_id_of(key.public_key())
    signature = key.sign(statement(tree_size=len(leaves), root=root, signed_at=utc_text(signed_at), key_id=key_id))
    return SignedRoot.objects.create(
        tree_size=len(leaves), root=root, leaves=leaves, signed_at=signed_at, signature=signature.hex(), key_id=key_id
    )


def sign_on_commit() -> None:
    """After the commit of a result (auctions/services/results.py result_settled): the worker signs a new root, so
    the lot's chain head at its close is published. Losing it is harmless: the daily root covers it."""
    from auctions.roots_tasks import sign_root

    transaction.on_commit(lambda: sign_root.delay(), robust=True)


def new_key_pair(directory: Path) -> tuple[Path, Path]:
    """A roots key pair as PEM files (deployment: scripts/stack; the private one goes only to the worker)."""
    return write_key_pair(
        ed25519.Ed25519PrivateKey.generate(),
        private=directory / "roots_signing.pem",
        public=directory / "roots_public.pem",
    )
