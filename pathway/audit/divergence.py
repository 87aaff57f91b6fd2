"""Where a replayed trail first differs from the recorded one: the record, the field and both values.

Chain fields never count (they differ whenever content does), nor do the engine versions in the header (a run
reproduced by a newer release is still a reproduction) or the summary's signature (checked on its own).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pathway.trail.records import Record


@dataclass(frozen=True)
class Divergence:
    """The first record that differs: its number, the field, and both values."""

    seq: int
    field: str
    recorded: object
    replayed: object


def _content(record: Record) -> dict[str, Any]:
    """What a record says, without its chain fields, the engine versions in the header (a run reproduced by a
    newer pathway or python-statemachine release is still a reproduction) and the summary's signature (checked
    on its own: a replay never signs)."""
    skip = {"hash", "prev", *{"header": ("engine",), "summary": ("signature",)}.get(record.kind, ())}
    return {k: v for k, v in record.to_dict().items() if k not in skip}


def first_divergence(recorded: Sequence[Record], replayed: Sequence[Record]) -> Divergence | None:
    """The first record whose content differs (chain fields and engine versions aside)."""
    mine = [_content(r) for r in recorded]
    theirs = [_content(r) for r in replayed]
    for seq in range(max(len(mine), len(theirs))):
        if seq >= len(mine) or seq >= len(theirs):
            a_kind = mine[seq]["kind"] if seq < len(mine) else None
            b_kind = theirs[seq]["kind"] if seq < len(theirs) else None
            return Divergence(seq, "kind", a_kind, b_kind)
        a, b = mine[seq], theirs[seq]
        if a != b:
            return Divergence(seq, *_first_difference(a, b, ""))
    return None


_MISSING = object()


def _first_difference(a: object, b: object, where: str) -> tuple[str, object, object]:
    """The dotted path of the first differing leaf (hash and prev last: they differ whenever content does)."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        keys = sorted(set(a) | set(b), key=lambda k: (k in ("prev", "hash"), str(k)))
        key = next(k for k in keys if a.get(k, _MISSING) != b.get(k, _MISSING))
        path = f"{where}.{key}" if where else str(key)
        if key in a and key in b:
            return _first_difference(a[key], b[key], path)
        return path, a.get(key), b.get(key)
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        index = next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
        return _first_difference(a[index], b[index], f"{where}[{index}]")
    return where, a, b
