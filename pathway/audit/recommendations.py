"""How a trail's records about recommendations read, for the run report and ``explain``: why one was retired (its
state was left, it was superseded, or its ``until`` guard became true), why one persists after its state was left,
and which conflicting recommendations are recommended together (``docs/recommendations.md``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pathway.trail.records import ConflictRecord, IssuedRecord, PersistingRecord, Record, RetiredRecord

VERB = {"recommendation": "recommend", "finding": "conclude"}


def retired_why(r: RetiredRecord) -> str:
    """Why an item was retired, in words: ``its state grade_2 was left``, ``superseded by discontinue_drug``,
    ``resolved (grade <= 1)``."""
    if r.why == "superseded":
        return f"superseded by {r.by}"
    if r.why == "condition":
        return f"resolved ({r.until})"
    return f"its state {r.state} was left"


def persisting_text(r: PersistingRecord) -> str:
    """A recommendation kept after its state was left, in words."""
    return f"still recommend {r.id} after {r.state} was left: it persists until {r.until}"


def until_now(outcome: str, missing: Sequence[str] | None, read: str) -> str:
    """What the ``until`` guard gave: ``which is false: grade=3 (#8)``, ``which is unknown: missing grade``."""
    if outcome == "unknown":
        return f"which is unknown: missing {', '.join(missing or ()) or 'a fact'}"
    if outcome == "error":
        return "which could not be evaluated" + (f" ({read})" if read else "")
    return f"which is {outcome}" + (f": {read}" if read else "")


def conflict_text(r: ConflictRecord) -> str:
    (a, b), (sa, sb) = r.actions, r.states
    return f"! conflict: {a} (from {sa}) and {b} (from {sb}) are recommended together; the pathway says they conflict"


@dataclass(frozen=True)
class Standing:
    """A recommendation active at a point of a trail: its latest issue and, when its states were all left since,
    the record that says it persists."""

    issue: IssuedRecord
    persisting: PersistingRecord | None = None


def standing(records: Sequence[Record], before: Mapping[str, Standing] | None = None) -> dict[str, Standing]:
    """Each active recommendation after ``records`` (its latest issue; a recurring one is issued again each
    period), with the record of its persistence when its states were left; ``before``: those active before."""
    live: dict[str, Standing] = dict(before or {})
    for r in records:
        if isinstance(r, IssuedRecord) and r.item == "recommendation":
            live[r.id] = Standing(r)
        elif isinstance(r, RetiredRecord) and r.item == "recommendation":
            live.pop(r.id, None)
        elif isinstance(r, PersistingRecord) and r.id in live:
            live[r.id] = Standing(live[r.id].issue, r)
    return live


def conflicts_at(records: Sequence[Record]) -> list[ConflictRecord]:
    """The conflicts that stand after ``records``: each recorded when its pair became active together, and kept
    while both were active at the end of every moment (an input or a wake-up) since, as the engine has it."""
    live: dict[str, Standing] = {}
    found: dict[tuple[str, str], ConflictRecord] = {}
    moment: tuple[int, str] | None = None
    for r in records:
        here = (getattr(r, "input", 0), getattr(r, "at", ""))
        if here != moment:
            found = {pair: c for pair, c in found.items() if pair[0] in live and pair[1] in live}
            moment = here
        live = standing([r], live)
        if isinstance(r, ConflictRecord):
            found[r.actions] = r
    return [c for pair, c in found.items() if pair[0] in live and pair[1] in live]
