"""Reads of the published roots (auctions/services/roots.py): the list anyone reads, newest first, and the `root`
block of a lot's protocol: the newest root that covers the lot's chain at or after its close, with the inclusion
proof of the lot's leaf. A root's leaves (every lot's id and chain head) are not published as such: a protocol
carries only its own leaf and the sibling hashes of its proof."""

from typing import Any

from django.db.models import QuerySet

from auctions.merkle import leaf_hash, proof_of
from auctions.models import SignedRoot
from auctions.services.evidence import utc_text
from auctions.services.roots import leaf_bytes

PUBLISHED = ("id", "tree_size", "root", "signed_at", "signature", "key_id")


def roots_published() -> QuerySet[SignedRoot]:
    """Every root, newest first, without its leaves."""
    return SignedRoot.objects.only(*PUBLISHED).order_by("-pk")


def root_public(root: SignedRoot) -> dict[str, Any]:
    """A root as published: `signed_at` in the exact text its signature covers (UTC, microseconds, Z)."""
    return {
        "id": root.pk,
        "tree_size": root.tree_size,
        "root": root.root,
        "signed_at": utc_text(root.signed_at),
        "signature": root.signature,
        "key_id": root.key_id,
    }


def protocol_root(*, lot_id: int, since_seq: int) -> dict[str, Any] | None:
    """The `root` block of the lot's protocol: the newest root, when its leaf for the lot is entry `since_seq` (the
    close's) or later, with the leaf, its index and its inclusion proof; None while no root covers it. Only the newest
    root need be read: every root holds every chain there is, and roots are made one at a time, so no older root
    holds a later entry of the lot's chain."""
    root = SignedRoot.objects.order_by("-pk").first()
    if root is None:
        return None
    index = next((i for i, leaf in enumerate(root.leaves) if leaf["lot"] == lot_id), None)
    if index is None or root.leaves[index]["seq"] < since_seq:
        return None
    hashes = [leaf_hash(leaf_bytes(leaf)) for leaf in root.leaves]
    leaf = root.leaves[index]
    published = {name: value for name, value in root_public(root).items() if name != "id"}
    return published | {
        "leaf": {"lot": leaf["lot"], "seq": leaf["seq"], "hash": leaf["hash"]},
        "index": index,
        "proof": [sibling.hex() for sibling in proof_of(index, hashes)],
    }
