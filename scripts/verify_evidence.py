#!/usr/bin/env python3
"""Verify a lot's exported evidence protocol offline, and the published root it carries.

    python3 scripts/verify_evidence.py [--public-key FILE] protocol.json

The chain (Python's standard library alone): the sequence numbers run 1, 2, 3 … without a gap, each entry's previous
hash is the hash before it (64 zeros for the first), and each hash is SHA-256(previous hash bytes ‖ the entry's
canonical form), where the canonical form is the UTF-8 JSON of {"at", "data", "kind", "lot", "seq"} with sorted keys
and no spaces. Prints "ok: N entries, head <hash>", or names the first entry that fails.

The root (when the protocol has a `root` block; docs/evidence.md, "Published roots"): the root's leaf is an entry of
this chain (its lot, number and hash; the head, or an earlier entry when entries were written after the root was
signed); the inclusion proof leads from the leaf to the root (RFC 6962 hashing); the Ed25519 signature of the root's
statement is valid for the public key given with --public-key (this check needs the `cryptography` package). Each
check prints a line "ok: …" or "FAILED: …".

Exits 0 when every check passes, 1 on any failure (a root whose signature could not be checked for want of a key
is a failure), 2 on a usage error.
"""

import argparse
import hashlib
import json
import sys
from typing import Any

GENESIS = "0" * 64
ROOTS_FORMAT = "land-roots/1"


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def verify(protocol: dict) -> tuple[bool, str]:
    prev_hash = GENESIS
    entries = protocol.get("entries", [])
    for expected_seq, entry in enumerate(entries, start=1):
        seq = entry.get("seq")
        if seq != expected_seq:
            return False, f"entry {expected_seq}: sequence number {seq} (a gap or a reordering)"
        if entry.get("prev_hash") != prev_hash:
            return False, f"entry {seq}: its previous hash is not the hash of entry {seq - 1}"
        body = {"at": entry["at"], "data": entry["data"], "kind": entry["kind"], "lot": protocol["lot"], "seq": seq}
        digest = hashlib.sha256(bytes.fromhex(prev_hash) + canonical(body)).hexdigest()
        if digest != entry.get("hash"):
            return False, f"entry {seq} ({entry['kind']}): its content does not give its hash"
        prev_hash = digest
    return True, f"ok: {len(entries)} entries, head {prev_hash}"


# RFC 6962 hashing (the same as auctions/merkle.py, repeated so that this script stands alone)
def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def proof_verify(*, index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> bool:
    """Whether the proof leads from the leaf hash at `index` of a tree of `size` leaves to `root` (RFC 9162,
    2.1.3.2)."""
    if not 0 <= index < size:
        return False
    fn, sn, value = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            value = node_hash(sibling, value)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            value = node_hash(value, sibling)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and value == root


def check_leaf(protocol: dict, block: dict) -> tuple[bool, str]:
    """The root's leaf is an entry of this chain: the same lot, a number the chain has, that entry's hash."""
    leaf, entries = block["leaf"], protocol.get("entries", [])
    if leaf.get("lot") != protocol.get("lot"):
        return False, f"FAILED: the root's leaf is lot {leaf.get('lot')}'s, not this protocol's lot {protocol['lot']}"
    seq = leaf.get("seq")
    if not isinstance(seq, int) or not 1 <= seq <= len(entries) or entries[seq - 1]["hash"] != leaf.get("hash"):
        return False, f"FAILED: the root's leaf (entry {seq}, hash {leaf.get('hash')}) is not an entry of this chain"
    if seq == len(entries):
        return True, f"ok: the root's leaf is entry {seq}, the chain's head"
    return True, (
        f"ok: the root's leaf is entry {seq} of {len(entries)}; entries {seq + 1}-{len(entries)} were written after"
        " the root was signed and a later root covers them"
    )


def check_proof(block: dict) -> tuple[bool, str]:
    leaf = block["leaf"]
    data = canonical({"hash": leaf["hash"], "lot": leaf["lot"], "seq": leaf["seq"]})
    try:
        proof = [bytes.fromhex(sibling) for sibling in block["proof"]]
        root = bytes.fromhex(block["root"])
    except ValueError:
        return False, "FAILED: the proof or the root is not hexadecimal"
    if proof_verify(index=block["index"], size=block["tree_size"], leaf=leaf_hash(data), proof=proof, root=root):
        return True, f"ok: the inclusion proof leads to root {block['root']} (tree size {block['tree_size']})"
    return False, f"FAILED: the inclusion proof does not lead to root {block['root']}"


def check_signature(block: dict, public_key_file: str | None) -> tuple[bool, str]:
    if public_key_file is None:
        return False, "FAILED: the signature was not checked: give the platform's public key with --public-key FILE"
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:
        return False, "FAILED: checking the signature needs the cryptography package (pip install cryptography)"
    with open(public_key_file, "rb") as handle:
        key = serialization.load_pem_public_key(handle.read())
    if not isinstance(key, ed25519.Ed25519PublicKey):
        return False, f"FAILED: {public_key_file} is not an Ed25519 public key"
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key_id = hashlib.sha256(raw).hexdigest()[:16]
    if key_id != block["key_id"]:
        return False, f"FAILED: the public key given is key {key_id}, the root was signed with key {block['key_id']}"
    statement = canonical(
        {
            "format": ROOTS_FORMAT,
            "key_id": block["key_id"],
            "root": block["root"],
            "signed_at": block["signed_at"],
            "tree_size": block["tree_size"],
        }
    )
    try:
        key.verify(bytes.fromhex(block["signature"]), statement)
    except (InvalidSignature, ValueError):
        return False, "FAILED: the signature does not match the root, its time, its size and its key"
    return True, f"ok: the signature of {block['signed_at']} by key {key_id} is valid"


def verify_root(protocol: dict, public_key_file: str | None) -> tuple[bool, list[str]]:
    """Every check of the root block, each reported; whether all passed."""
    block = protocol["root"]
    lines = [f"root: signed at {block.get('signed_at')}, tree size {block.get('tree_size')}, key {block.get('key_id')}"]
    passed = True
    for check in (lambda: check_leaf(protocol, block), lambda: check_proof(block)):
        ok, message = check()
        passed &= ok
        lines.append(message)
    ok, message = check_signature(block, public_key_file)
    lines.append(message)
    return passed and ok, lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Verify a lot's evidence protocol and the published root it carries.")
    parser.add_argument("--public-key", metavar="FILE", help="the platform's roots public key (PEM, Ed25519)")
    parser.add_argument("protocol", help="the protocol downloaded from the lot's page (JSON)")
    args = parser.parse_args(argv[1:])
    with open(args.protocol, encoding="utf-8") as handle:
        protocol = json.load(handle)
    ok, message = verify(protocol)
    print(message)
    if not ok:
        return 1
    if "root" not in protocol:
        if args.public_key:
            print("note: the protocol carries no published root yet (one is signed at the close and once a day)")
        return 0
    try:
        ok, lines = verify_root(protocol, args.public_key)
    except (KeyError, TypeError, AttributeError):
        ok, lines = False, ["FAILED: the root block lacks a field or holds one of the wrong type"]
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
