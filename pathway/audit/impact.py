"""The clinical impact of a pathway change on one journey: the same recorded inputs run under two versions, told in
clinical terms rather than state names.

For each recommendation and finding, the times it was issued and withdrawn under each version are compared:

- **added**: issued under the new version, never under the old one; **removed**: the other way round;
- **moved**: issued under both, but at other times (or withdrawn at other times);

then the closing summaries (what ``pathway run`` prints): **waiting changed** when the facts the pathway waits for at
the end differ, and **path changed** when nothing above differs but the summaries still do (the states reached,
what falls due). Each change names the step where it was decided and the facts that decided it (the transition's
``read``), on both sides; the journey names its first divergent decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from pathway.audit.replay import decisions
from pathway.trail.parts import Read, ReadAssumed, ReadClock, ReadDecision, ReadDerived, ReadError, ReadUnknown
from pathway.trail.records import (
    IssuedRecord,
    Record,
    RetiredRecord,
    SummaryRecord,
    TransitionRecord,
    WaitingRecord,
    header_of,
)

Kind = Literal[
    "recommendation_added",
    "recommendation_removed",
    "recommendation_moved",
    "finding_added",
    "finding_removed",
    "finding_moved",
    "waiting_changed",
    "path_changed",
]
KINDS: tuple[Kind, ...] = get_args(Kind)
WORDS: dict[Kind, str] = {
    "recommendation_added": "recommendation added",
    "recommendation_removed": "recommendation removed",
    "recommendation_moved": "recommendation moved in time",
    "finding_added": "finding added",
    "finding_removed": "finding removed",
    "finding_moved": "finding moved in time",
    "waiting_changed": "waits for other facts",
    "path_changed": "other states or deadlines only",
}
SUMMARY_FIELDS = ("states", "recommendations", "findings", "issued", "needs", "assumed", "due", "overdue", "conflicts")
"""The fields of the closing summary that ``pathway run`` prints (its pathway and journey left out)."""


def read_text(read: Read) -> str:
    """What a guard read, as a person reads it: ``3``, ``unknown``, ``false (assumed)``, ``done``."""
    if isinstance(read, ReadUnknown):
        return "unknown"
    if isinstance(read, ReadError):
        return "could not be evaluated"
    if isinstance(read, ReadDecision):
        return "recorded" if read.value else "not recorded"
    text = str(read.value).lower() if isinstance(read.value, bool) else str(read.value)
    if isinstance(read, ReadAssumed):
        return f"{text} (assumed)"
    if isinstance(read, ReadDerived):
        return f"{text} (derived)"
    if isinstance(read, ReadClock):
        return f"{text} (time in state)"
    return text


@dataclass(frozen=True)
class Decision:
    """A decision of one run: the step (the record's seq), its time and input, the state deciding, what it did
    (``-> target``, ``waits for x``) and the facts its guard read."""

    step: int
    at: str
    input: int
    state: str
    outcome: str
    read: tuple[tuple[str, str], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "at": self.at,
            "input": self.input,
            "state": self.state,
            "outcome": self.outcome,
            "read": dict(self.read),
        }

    @property
    def text(self) -> str:
        read = ", ".join(f"{name} {value}" for name, value in self.read)
        return f"step #{self.step}, {self.state} {self.outcome}" + (f" (read {read})" if read else "")


def _decision(record: Record) -> Decision | None:
    if isinstance(record, TransitionRecord):
        read = tuple((n, read_text(r)) for n, r in record.read.items())
        return Decision(record.seq, record.at, record.input, record.source, f"-> {record.target}", read)
    if isinstance(record, WaitingRecord):
        missing = ", ".join(record.needs)
        read = tuple({n: read_text(r) for c in record.blocked for n, r in (c.read or {}).items()}.items())
        return Decision(record.seq, record.at, record.input, record.state, f"waits for {missing}", read)
    return None


def decision_at(records: Sequence[Record], input: int, state: str) -> Decision | None:
    """What ``state`` decided while input ``input`` was processed: its transition taken, or its wait."""
    for record in records:
        if record.kind in ("transition", "waiting") and record.input == input:
            found = _decision(record)
            if found is not None and found.state == state:
                return found
    return None


@dataclass(frozen=True)
class ItemChange:
    """One recommendation or finding whose course differs: when it was issued (and withdrawn) under each version,
    and the decisions at the first time that differs (the one that issued it, and what the other version decided
    in the same state at the same input)."""

    kind: Kind
    id: str
    title: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    at: str
    old: Decision | None
    new: Decision | None
    withdrawn: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())

    @property
    def when(self) -> str:
        """``issued 2026-03-02 -> never``, and the withdrawals when only they differ."""
        text = f"issued {', '.join(self.before) or 'never'} -> {', '.join(self.after) or 'never'}"
        a, b = self.withdrawn
        if self.before == self.after:
            text += f"; withdrawn {', '.join(a) or 'never'} -> {', '.join(b) or 'never'}"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "issued_before": list(self.before),
            "issued_after": list(self.after),
            "withdrawn_before": list(self.withdrawn[0]),
            "withdrawn_after": list(self.withdrawn[1]),
            "at": self.at,
            "old": self.old.to_json() if self.old else None,
            "new": self.new.to_json() if self.new else None,
        }


@dataclass(frozen=True)
class JourneyImpact:
    """How one journey changes: its item changes, the summary fields that differ, its first divergent decision."""

    journey: str
    changes: tuple[ItemChange, ...]
    summary: tuple[str, ...]
    first: tuple[Decision | None, Decision | None] | None
    waits: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())

    @property
    def kinds(self) -> tuple[Kind, ...]:
        found: list[Kind] = [c.kind for c in self.changes]
        if self.waits[0] != self.waits[1]:
            found.append("waiting_changed")
        if self.summary and not found:
            found.append("path_changed")
        return tuple(k for k in KINDS if k in found)

    @property
    def changed(self) -> bool:
        return bool(self.kinds)

    def to_json(self) -> dict[str, Any]:
        old, new = self.first or (None, None)
        return {
            "journey": self.journey,
            "kinds": list(self.kinds),
            "changes": [c.to_json() for c in self.changes],
            "summary_differs": list(self.summary),
            "needs_before": list(self.waits[0]),
            "needs_after": list(self.waits[1]),
            "first": {"old": old.to_json() if old else None, "new": new.to_json() if new else None}
            if self.first
            else None,
        }


Course = dict[tuple[str, str], tuple[list[IssuedRecord], list[str]]]
"""(item, id) -> its issued records and the times it was withdrawn."""


def _course(records: Sequence[Record]) -> Course:
    course: Course = {}
    for r in records:
        if isinstance(r, IssuedRecord):
            course.setdefault((r.item, r.id), ([], []))[0].append(r)
        elif isinstance(r, RetiredRecord):
            course.setdefault((r.item, r.id), ([], []))[1].append(r.at)
    return course


def _issuer(records: Sequence[Record], issued: IssuedRecord) -> Decision | None:
    """The decision that issued a record: the transition its ``cause`` names, the last one before it."""
    for r in reversed(records[: issued.seq]):
        if isinstance(r, TransitionRecord) and r.id == issued.cause:
            return _decision(r)
    return None


def _item_change(
    key: tuple[str, str], old: Sequence[Record], new: Sequence[Record], a: Course, b: Course
) -> ItemChange | None:
    (ia, ra), (ib, rb) = a.get(key, ([], [])), b.get(key, ([], []))
    before, after = tuple(r.at for r in ia), tuple(r.at for r in ib)
    if before == after and ra == rb:
        return None
    item, ident = key
    kind: Kind = f"{item}_{'added' if not before else 'removed' if not after else 'moved'}"  # type: ignore[assignment]
    differing = [(x, y) for x, y in zip(ia, ib, strict=False) if x.at != y.at]
    first = differing[0] if differing else None
    if first is None:  # one side issued it more often, or withdrew it at other times
        extra = ia[len(ib) :] or ib[len(ia) :]
        pick = extra[0] if extra else (ia or ib)[0]
    else:
        pick = min(first, key=lambda r: r.at)
    mine, other = (old, new) if any(pick is r for r in ia) else (new, old)
    decided = _issuer(mine, pick)
    counterpart = decision_at(other, decided.input, decided.state) if decided else None
    old_side, new_side = (decided, counterpart) if mine is old else (counterpart, decided)
    title = pick.title
    return ItemChange(kind, ident, title, before, after, pick.at, old_side, new_side, (tuple(ra), tuple(rb)))


def _first(old: Sequence[Record], new: Sequence[Record]) -> tuple[Decision | None, Decision | None] | None:
    """The earliest decision (by input, then step) that differs between the two runs: a transition taken on one
    side and not the other first (a state that waits for other facts on each side is a lesser difference, shown
    only when no transition differs)."""
    a, b = decisions(old), decisions(new)
    steps: dict[tuple[int, str], int] = {}
    for d in (_decision(r) for r in (*old, *new)):
        if d is not None:
            steps[(d.input, d.state)] = min(d.step, steps.get((d.input, d.state), d.step))
    differing = [k for k in set(a) | set(b) if a.get(k, ("", ""))[1] != b.get(k, ("", ""))[1]]
    taken = [k for k in differing if a.get(k, ("", ""))[1].startswith("->") or b.get(k, ("", ""))[1].startswith("->")]
    if not differing:
        return None
    key = min(taken or differing, key=lambda k: (k[0], steps.get(k, 0)))
    return decision_at(old, *key), decision_at(new, *key)


def _summary(records: Sequence[Record]) -> dict[str, Any]:
    last = records[-1]
    data = last.to_dict() if isinstance(last, SummaryRecord) else {}
    return {name: data.get(name, []) for name in SUMMARY_FIELDS}


def impact(old: Sequence[Record], new: Sequence[Record]) -> JourneyImpact:
    """How the run ``new`` (the recorded inputs under another version) differs from the recorded run ``old``."""
    a, b = _course(old), _course(new)
    keys = sorted(set(a) | set(b), key=lambda k: (k[0] != "recommendation", k[1]))
    changes = tuple(c for k in keys if (c := _item_change(k, old, new, a, b)) is not None)
    sa, sb = _summary(old), _summary(new)
    differs = tuple(name for name in SUMMARY_FIELDS if sa[name] != sb[name])
    waits = (tuple(sa["needs"]), tuple(sb["needs"]))
    first = _first(old, new) if changes or differs else None
    return JourneyImpact(header_of(old).journey.id, changes, differs, first, waits)
