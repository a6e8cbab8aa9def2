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
import base64
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


# Signed operations (docs/signing.md): which entry kind each signed action is recorded as.
SIGNED_KINDS = {
    "bid.place": "bid.accepted",
    "application.submit": "application.submitted",
    "reserve.enter": "reserve.committed",
    "trading.suspend": "trading.suspended",
    "result.record": "result",
}


def _same(signed: object, recorded: object) -> bool:
    """A signed field and the entry's value agree: equal, or equal amounts written with other places; a signed ""
    stands for the entry's null (a result without winner or price) and "yes"/"no" for its true/false (joint
    bidding), as signed fields are integers and strings only."""
    if signed == recorded:
        return True
    if recorded is None:
        return signed == ""
    if isinstance(recorded, bool):
        return signed == ("yes" if recorded else "no")
    try:
        from decimal import Decimal, InvalidOperation

        return isinstance(signed, str) and isinstance(recorded, str) and Decimal(signed) == Decimal(recorded)
    except (InvalidOperation, ValueError):
        return False


def check_signed_entry(protocol: dict, entry: dict, record: dict, cas: dict, trusted: set[str]) -> str:
    """One signed entry's checks; "" when all pass, else what failed. Needs the cryptography package."""
    from datetime import datetime

    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    certificate = x509.load_pem_x509_certificate(record["certificate"].encode())
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    body = {"certificate": fingerprint, "message": record["message"], "signature": record["signature"]}
    if hashlib.sha256(canonical(body)).hexdigest() != entry["data"]["signature"]:
        return "the signature record does not give the hash the entry carries"
    message = json.loads(record["message"])
    if canonical(message).decode("utf-8") != record["message"] or message.get("format") != "land-signed/1":
        return "the signed message is not in the canonical land-signed/1 form"
    if message.get("certificate") != fingerprint:
        return "the signed message names another certificate"
    if SIGNED_KINDS.get(message.get("action")) != entry["kind"]:
        return f"a signed {message.get('action')} cannot stand for a {entry['kind']} entry"
    fields = message.get("fields", {})
    if fields.get("lot") != protocol["lot"]:
        return "the signed message is about another lot"
    for name, value in fields.items():
        if name in entry["data"] and not _same(value, entry["data"][name]):
            return f"the signed {name} ({value}) is not the entry's ({entry['data'][name]})"
    signature, key = base64.b64decode(record["signature"]), certificate.public_key()
    data = record["message"].encode("utf-8")
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            if len(signature) == 64:
                signature = encode_dss_signature(int.from_bytes(signature[:32]), int.from_bytes(signature[32:]))
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            return "the certificate's key is neither ECDSA nor RSA"
    except (InvalidSignature, ValueError):
        return "the signature does not match the message and the certificate's key"
    issuers = []
    for pem in cas.values():
        ca = x509.load_pem_x509_certificate(pem.encode())
        try:
            certificate.verify_directly_issued_by(ca)
        except (ValueError, TypeError, InvalidSignature):
            continue
        issuers.append(ca.fingerprint(hashes.SHA256()).hex())
    if not issuers:
        return "the certificate was issued by none of the CAs the protocol carries"
    if not trusted & set(issuers):
        return f"the certificate's CA ({issuers[0]}) is not one given with --ca"
    at = datetime.fromisoformat(entry["at"].replace("Z", "+00:00"))
    if not certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc:
        return "the certificate was not valid at the entry's time"
    return ""


def verify_signatures(protocol: dict, ca_files: list[str]) -> tuple[bool, list[str]]:
    """Every signed entry's signature (docs/signing.md): its record gives the hash the entry carries, the message is
    about this entry, the signature holds for the certificate's key, the certificate was issued by a CA given with
    --ca and was valid at the entry's time. The public protocol carries only the hashes: then nothing is checked and
    a note says so."""
    signed = [entry for entry in protocol.get("entries", []) if isinstance(entry["data"].get("signature"), str)]
    if not signed:
        return True, []
    if "signatures" not in protocol:
        return True, [f"note: {len(signed)} signed entries; their signatures are in the staff's copy of the protocol"]
    if not ca_files:
        return False, ["FAILED: the signatures were not checked: give the trusted CA certificates with --ca FILE"]
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
    except ImportError:
        return False, ["FAILED: checking signatures needs the cryptography package (pip install cryptography)"]
    trusted = set()
    for name in ca_files:
        with open(name, "rb") as handle:
            trusted.add(x509.load_pem_x509_certificate(handle.read()).fingerprint(hashes.SHA256()).hex())
    lines, passed = [], True
    for entry in signed:
        record = protocol["signatures"].get(entry["data"]["signature"])
        try:
            failure = (
                "its signature record is missing"
                if record is None
                else check_signed_entry(protocol, entry, record, protocol.get("cas", {}), trusted)
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            failure = f"its signature record is malformed ({error.__class__.__name__})"
        if failure:
            passed = False
            lines.append(f"FAILED: entry {entry['seq']} ({entry['kind']}): {failure}")
        else:
            subject = x509.load_pem_x509_certificate(record["certificate"].encode()).subject.rfc4514_string()
            lines.append(f"ok: entry {entry['seq']} ({entry['kind']}) signed by {subject}")
    return passed, lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Verify a lot's evidence protocol and the published root it carries.")
    parser.add_argument("--public-key", metavar="FILE", help="the platform's roots public key (PEM, Ed25519)")
    parser.add_argument(
        "--ca", metavar="FILE", action="append", default=[], help="a CA certificate (PEM) trusted for signatures"
    )
    parser.add_argument("protocol", help="the protocol downloaded from the lot's page (JSON)")
    args = parser.parse_args(argv[1:])
    with open(args.protocol, encoding="utf-8") as handle:
        protocol = json.load(handle)
    ok, message = verify(protocol)
    print(message)
    if not ok:
        return 1
    signed_ok, lines = verify_signatures(protocol, args.ca)
    if lines:
        print("\n".join(lines))
    if "root" not in protocol:
        if args.public_key:
            print("note: the protocol carries no published root yet (one is signed at the close and once a day)")
        return 0 if signed_ok else 1
    try:
        ok, lines = verify_root(protocol, args.public_key)
    except (KeyError, TypeError, AttributeError):
        ok, lines = False, ["FAILED: the root block lacks a field or holds one of the wrong type"]
    print("\n".join(lines))
    return 0 if ok and signed_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
