"""The evidence chain's verification status, as staff and supervisors see it: the server recomputes a lot's chain
from the stored entries (the same check scripts/verify_evidence.py makes on an exported protocol) and looks whether
the newest published root holds the chain's head or an earlier entry of it."""

from typing import Any

from auctions.models import EvidenceEntry, SignedRoot
from auctions.services.evidence import GENESIS, canonical, chain_hash, utc_text


def chain_check(lot_id: int) -> dict[str, Any]:
    """{"ok", "entries", "head", "failure", "root"}: `failure` names the first entry that breaks the chain (its number
    and why) or is None; `root` is the newest root's leaf for the lot ({"id", "signed_at", "seq", "matches"}) or None
    while no root holds the lot. Reads the entries in order in one query, a few columns at a time."""
    prev_hash, count, failure = GENESIS, 0, None
    rows = (
        EvidenceEntry.objects.filter(lot_id=lot_id)
        .order_by("seq")
        .values_list("seq", "kind", "created_at", "data", "prev_hash", "hash")
    )
    hashes: dict[int, str] = {}
    for seq, kind, at, data, stored_prev, stored_hash in rows.iterator(chunk_size=2000):
        count += 1
        if failure is None:
            failure = _entry_failure(lot_id, count, seq, kind, at, data, stored_prev, stored_hash, prev_hash)
        prev_hash = stored_hash
        hashes[seq] = stored_hash
    return {
        "ok": failure is None,
        "entries": count,
        "head": prev_hash if count else None,
        "failure": failure,
        "root": _root_leaf(lot_id, hashes),
    }


def _entry_failure(
    lot_id: int, expected: int, seq: int, kind: str, at: Any, data: Any, stored_prev: str, stored_hash: str, prev: str
) -> dict[str, Any] | None:
    if seq != expected:
        return {"seq": expected, "reason": "gap", "detail": f"sequence number {seq} where {expected} was due"}
    if stored_prev != prev:
        return {"seq": seq, "reason": "link", "detail": "its previous hash is not the hash of the entry before"}
    if chain_hash(prev, canonical(lot_id=lot_id, seq=seq, kind=kind, at=at, data=data)) != stored_hash:
        return {"seq": seq, "reason": "content", "detail": "its content does not give its hash"}
    return None


def _root_leaf(lot_id: int, hashes: dict[int, str]) -> dict[str, Any] | None:
    root = SignedRoot.objects.order_by("-pk").only("pk", "signed_at", "leaves").first()
    leaf = next((leaf for leaf in root.leaves if leaf["lot"] == lot_id), None) if root else None
    if root is None or leaf is None:
        return None
    return {
        "id": root.pk,
        "signed_at": utc_text(root.signed_at),
        "seq": leaf["seq"],
        "matches": hashes.get(leaf["seq"]) == leaf["hash"],
    }
