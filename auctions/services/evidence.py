"""The evidence log (存证) of a lot: append an entry in the caller's transaction, under the lot's row lock, so the
sequence is gapless and the chain has one next link; export the lot's protocol for the standalone verifier.

An entry's canonical form (docs/evidence.md): the UTF-8 bytes of the JSON object {"at", "data", "kind", "lot",
"seq"} with keys sorted, no spaces (separators "," and ":"), non-ASCII characters as they are, "at" the database
time in UTC as YYYY-MM-DDTHH:MM:SS.ffffffZ. hash = SHA-256(bytes of the previous hash ‖ canonical form), hex; the
first entry's previous hash is 64 zeros.
"""

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.signing import protocol_signatures
from auctions.models import EvidenceEntry, Lot
from auctions.nudges import LIVE_KINDS, publish_on_commit
from core.clock import db_now

GENESIS = "0" * 64


def canonical(*, lot_id: int, seq: int, kind: str, at: datetime, data: dict[str, Any]) -> bytes:
    entry = {"at": utc_text(at), "data": data, "kind": kind, "lot": lot_id, "seq": seq}
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def utc_text(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_hash(prev_hash: str, entry: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + entry).hexdigest()


def plain(value: Any) -> Any:
    """Values as canonical JSON holds them: Decimals and times as text, tuples as lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"not a canonical JSON value: {value!r}")


def append(*, lot_id: int, kind: str, data: dict[str, Any]) -> EvidenceEntry:
    """Append an entry to the lot's log; must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("evidence is written in the transaction of the change it records")
    Lot.objects.select_for_update().filter(pk=lot_id).values_list("pk", flat=True).get()  # one writer per lot
    last = EvidenceEntry.objects.filter(lot_id=lot_id).order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = db_now()
    content = plain(data)
    entry_hash = chain_hash(prev_hash, canonical(lot_id=lot_id, seq=seq, kind=kind, at=at, data=content))
    if kind in LIVE_KINDS:
        publish_on_commit(lot_id)  # the live channel's nudge (auctions/live.py), sent only if this commits
    return EvidenceEntry.objects.create(
        lot_id=lot_id, seq=seq, kind=kind, data=content, created_at=at, prev_hash=prev_hash, hash=entry_hash
    )


def canonical_before_seq(*, lot_id: int, kind: str, at: datetime, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """An entry's stored content and its canonical form up to its number, which comes last (keys sorted): for a writer
    that lets the database number the entry and hash it in the statement that inserts it, as
    SHA-256(previous hash ‖ UTF-8 of prefix + seq + "}") — the same bytes canonical() gives."""
    content = plain(data)
    text = canonical(lot_id=lot_id, seq=0, kind=kind, at=at, data=content).decode("utf-8")
    if not text.endswith('"seq":0}'):
        raise AssertionError("the canonical form no longer ends with its number")
    return content, text[: -len("0}")]


def protocol_export(*, lot: Lot, signatures: bool = False) -> dict[str, Any]:
    """The lot's protocol: every entry in order with its hashes, for scripts/verify_evidence.py. With `signatures`
    (for staff in scope: it names the signers), the signature records the entries commit to and their CAs'
    certificates (accounts.signing.protocol_signatures); the public protocol has only the records' hashes."""
    entries = [
        {
            "seq": entry.seq,
            "kind": entry.kind,
            "at": utc_text(entry.created_at),
            "data": entry.data,
            "prev_hash": entry.prev_hash,
            "hash": entry.hash,
        }
        for entry in EvidenceEntry.objects.filter(lot=lot).order_by("seq")
    ]
    protocol = {"format": "land-evidence/1", "lot": lot.pk, "lot_number": lot.number, "entries": entries}
    if signatures:
        signed = [entry["data"]["signature"] for entry in entries if isinstance(entry["data"].get("signature"), str)]
        protocol.update(protocol_signatures(signed))
    return protocol
