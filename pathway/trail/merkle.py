"""The Merkle tree of a cohort manifest, as in RFC 6962 (Certificate Transparency), section 2.1, with sha256.

The leaves are the manifest's trail entries in sorted path order, each as its canonical JSON (UTF-8). A leaf hashes
as ``sha256(0x00 || entry)``, an inner node as ``sha256(0x01 || left || right)``: the prefixes keep a leaf from
being passed off as a node (a second-preimage attack). A tree of n > 1 leaves splits at k, the largest power of
two smaller than n: the left subtree holds the first k leaves. The root of no leaves is ``sha256("")``.

Besides binding every entry in one hash that can be anchored outside the system (a timestamp, a transparency
log), the tree's shape is the one RFC 6962 audit paths are defined on: proving that one trail belongs to a sealed
cohort without showing the others (not offered yet) needs no change to the root.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

LEAF, NODE = b"\x00", b"\x01"


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _root(leaves: Sequence[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(_root(leaves[:k]), _root(leaves[k:]))


def merkle_root(data: Sequence[bytes]) -> str:
    """The root (hex) of the tree over these leaf data, in the order given."""
    if not data:
        return hashlib.sha256(b"").hexdigest()
    return _root([leaf_hash(d) for d in data]).hex()
