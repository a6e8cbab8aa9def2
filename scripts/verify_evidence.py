#!/usr/bin/env python3
"""Verify a lot's exported evidence protocol offline, with Python's standard library alone.

    python3 scripts/verify_evidence.py protocol.json

Checks that the sequence numbers run 1, 2, 3 … without a gap, that each entry's previous hash is the hash before it
(64 zeros for the first), and that each hash is SHA-256(previous hash bytes ‖ the entry's canonical form), where the
canonical form is the UTF-8 JSON of {"at", "data", "kind", "lot", "seq"} with sorted keys and no spaces. Prints
"ok: N entries, head <hash>" and exits 0, or names the first entry that fails and exits 1.
"""

import hashlib
import json
import sys

GENESIS = "0" * 64


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
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        digest = hashlib.sha256(bytes.fromhex(prev_hash) + canonical).hexdigest()
        if digest != entry.get("hash"):
            return False, f"entry {seq} ({entry['kind']}): its content does not give its hash"
        prev_hash = digest
    return True, f"ok: {len(entries)} entries, head {prev_hash}"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        ok, message = verify(json.load(handle))
    print(message)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
