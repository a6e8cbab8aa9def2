"""A Merkle tree with the hashing of RFC 6962 (Certificate Transparency, section 2.1), over byte strings given in order.

    leaf hash  = SHA-256(0x00 ‖ leaf bytes)
    node hash  = SHA-256(0x01 ‖ left ‖ right)
    MTH({})    = SHA-256()                       (the empty tree)
    MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n]))  k the largest power of two smaller than n

An inclusion proof (the RFC's audit path) is the list of sibling hashes from the leaf up to the root. The distinct
prefixes keep a leaf from passing for a node. scripts/verify_evidence.py checks proofs with its own copy of
`proof_verify` (it runs without this project).
"""

import hashlib
from collections.abc import Sequence


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than size (size >= 2): where the RFC splits a tree."""
    return 1 << ((size - 1).bit_length() - 1)


def root_of(hashes: Sequence[bytes]) -> bytes:
    """MTH of the leaves whose leaf hashes are given, in order."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = _split(len(hashes))
    return node_hash(root_of(hashes[:k]), root_of(hashes[k:]))


def proof_of(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    """The inclusion proof of leaf `index` (0-based) among the leaf hashes given: PATH(m, D[n]) of RFC 6962."""
    if not 0 <= index < len(hashes):
        raise IndexError(f"leaf {index} is not in a tree of {len(hashes)}")
    if len(hashes) == 1:
        return []
    k = _split(len(hashes))
    if index < k:
        return [*proof_of(index, hashes[:k]), root_of(hashes[k:])]
    return [*proof_of(index - k, hashes[k:]), root_of(hashes[:k])]


def proof_verify(*, index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """Whether `proof` leads from the leaf hash at `index` of a tree of `size` leaves to `root` (RFC 9162, 2.1.3.2)."""
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
