"""Answer an auditor's questions from a trail: why is the patient in these states, why was this recommended,
why was that not.

``explain(trail, step=N | at=TIME, why_not=ACTION)`` reads the records up to that point. For each active state it
walks back the chain of transitions that led there, with the guard, the fact values that made it true and the
guards that blocked the alternatives; for each active state blocked by a guard that could not be evaluated after
the latest input, the error and what the guard read; for each active recommendation, the state that issued it and
how that state was entered. ``why_not`` looks the action up in the pinned pathway (found by sha256, or given):
the states that would recommend it, the transitions into them and their last recorded outcome with the facts they
read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.audit.replay import find_by_sha, intact_records
from pathway.audit.report import read_text
from pathway.definition.analysis import Analysis
from pathway.diagnostics.escape import escape
from pathway.engine.runner import as_analysis
from pathway.errors import ExitCode, UsageError
from pathway.journey.model import parse_time, time_hint
from pathway.trail.records import (
    ErrorRecord,
    HeaderRecord,
    InputRecord,
    IssuedRecord,
    Record,
    RetiredRecord,
    StartRecord,
    SummaryRecord,
    TransitionRecord,
    checks_in,
    header_of,
)

Moves = StartRecord | TransitionRecord


@dataclass(frozen=True)
class Explanation:
    """The answer, as readable lines; ``upto`` is the seq of the last record taken into account."""

    upto: int
    at: str
    states: tuple[str, ...]
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def exit_code(self) -> ExitCode:
        """Always 0: a trail that cannot be explained raises instead (see :func:`explain`)."""
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        """The answer as JSON-ready data: the record and time it is at, the active states, the lines."""
        return {"upto": self.upto, "at": self.at, "states": list(self.states), "lines": list(self.lines)}


def _at(record: Record) -> str:
    return "" if isinstance(record, HeaderRecord) else record.at


def _cut(records: Sequence[Record], step: int | None, at: str | None) -> list[Record]:
    body: list[Record] = [r for r in records if not isinstance(r, SummaryRecord)]
    if step is not None:
        if not 0 <= step < len(records):
            raise UsageError(f"{step} is outside the trail (records 0 to {len(records) - 1})", parameter="step")
        return [r for r in body if r.seq <= step]
    if at is not None:
        kept = [r for r in body if isinstance(r, HeaderRecord) or r.at <= at]
        if len(kept) == 1:
            first = _at(body[1]) if len(body) > 1 else "none"
            raise UsageError(f"{at} is before the first input ({first})", parameter="at")
        return kept
    return body


def _active(records: Sequence[Record]) -> list[str]:
    active: list[str] = []
    for r in records:
        if isinstance(r, StartRecord):
            active = list(r.entered)
        elif isinstance(r, TransitionRecord):
            active = [s for s in active if s not in r.exited] + list(r.entered)
    return active


def _entered_by(records: Sequence[Record], state: str) -> Moves | None:
    for r in reversed(records):
        if isinstance(r, TransitionRecord | StartRecord) and state in r.entered:
            return r
    return None


def _why_transition(r: TransitionRecord) -> list[str]:
    lines = [f"  {r.at} #{r.input}: {r.source} -> {r.target} ({r.id})"]
    if r.outcome == "true":
        lines.append(f"      because {r.guard}  [{read_text(r.read)}]")
    elif r.outcome == "otherwise":
        lines.append("      because every earlier guard was false (otherwise)")
    else:
        lines.append("      unconditionally" + (f" on event {r.trigger}" if r.trigger else ""))
    for alt in r.alternatives:
        lines.append(f"      not {alt.target}: {alt.guard} was {alt.outcome}  [{read_text(alt.read or {})}]")
    if r.evidence:
        lines.append(f"      evidence: {', '.join(r.evidence)}")
    return lines


def _chain(records: Sequence[Record], state: str) -> list[str]:
    """The transitions that led into state, most recent last."""
    out: list[str] = []
    seen: set[int] = set()
    current: str | None = state
    while current is not None:
        r = _entered_by(records, current)
        if r is None or r.seq in seen:
            break
        seen.add(r.seq)
        if isinstance(r, StartRecord):
            out[:0] = [f"  {r.at} #{r.input}: start in {', '.join(r.entered)}"]
            break
        out[:0] = _why_transition(r)
        current = r.source
        records = [x for x in records if x.seq < r.seq]
    return out


def _blocked(records: Sequence[Record], active: Sequence[str]) -> list[str]:
    """The active states a guard error blocked after the latest input (PW411 is recorded after each input while
    it lasts), with the failing guards and what they read."""
    latest = max((r.input for r in records if isinstance(r, InputRecord)), default=None)
    lines: list[str] = []
    for r in records:
        if isinstance(r, ErrorRecord) and r.state in active and r.input == latest:
            lines.append(f"  at {r.at} #{r.input}: {r.message}")
            lines += [f"      {c.id}: {c.guard}  [{read_text(c.read or {})}]" for c in r.blocked or ()]
    return lines


def _issued(records: Sequence[Record]) -> dict[str, IssuedRecord]:
    live: dict[str, IssuedRecord] = {}
    for r in records:
        if isinstance(r, IssuedRecord) and r.item == "recommendation":
            live[r.id] = r
        elif isinstance(r, RetiredRecord) and r.item == "recommendation":
            live.pop(r.id, None)
    return live


def _last_outcome(records: Sequence[Record], transition_id: str) -> str | None:
    for r in reversed(records):
        if isinstance(r, TransitionRecord) and r.id == transition_id:
            return f"fired at {r.at} #{r.input}"
        for c in checks_in(r):
            if c.id == transition_id and not isinstance(r, HeaderRecord):
                return f"{c.guard} was {c.outcome} at {_at(r)} #{r.input}  [{read_text(c.read or {})}]"
    return None


def _why_not(records: Sequence[Record], analysis: Analysis, action: str) -> list[str]:
    if action not in analysis.pathway.actions:
        raise UsageError(f"the pathway has no action '{action}'", parameter="why_not")
    title = analysis.pathway.actions[action].title
    live = _issued(records)
    if action in live:
        r = live[action]
        return [f"{action} ({title}) IS recommended: issued at {r.at} by state {r.state}."]
    lines = [f"{action} ({title}) is not recommended now."]
    past = [r for r in records if isinstance(r, RetiredRecord) and r.id == action]
    for gone in past:
        lines.append(f"  It was retired at {gone.at} #{gone.input} when {gone.cause} left state {gone.state}.")
    index = analysis.index
    sources = [s for s, info in index.states.items() if action in info.state.recommended]
    ever = {s for r in records if isinstance(r, TransitionRecord | StartRecord) for s in r.entered}
    for state in sources:
        lines.append(f"  State {state} would recommend it; it is entered by:")
        into = [t for t in index.transitions if t.target == state]
        for t in into:
            seen = "never active" if t.source not in ever else (_last_outcome(records, t.id) or "not evaluated")
            lines.append(f"    {t.id} (when {t.when or 'always'}): {seen}")
        if not into:
            lines.append("    no transition (only as an initial state)")
    return lines


def _leaves(active: Sequence[str], analysis: Analysis | None) -> list[str]:
    """The innermost active states (all of them when the pathway, which knows the tree, is not available)."""
    return list(active) if analysis is None else analysis.index.leaves(active)


def _check_time(at: str | None) -> None:
    """Refuse an ``at`` that is not a journey time, as a journey would (``yesterday``, a time zone)."""
    if at is None:
        return
    try:
        parse_time(at)
    except ValueError as problem:
        raise UsageError(f"{problem}; {time_hint(at)}", parameter="at") from None


def explain(
    trail: str | Path,
    *,
    step: int | None = None,
    at: str | None = None,
    why_not: str | None = None,
    pathway: Analysis | str | Path | None = None,
    root: Path | None = None,
) -> Explanation:
    """Explain a trail at the end, at record ``step`` or at time ``at`` (a journey time, inclusive).

    Only an intact trail is explained: one that is tampered, truncated, unreadable or not a trail raises
    :class:`~pathway.audit.replay.ReplayError` with the result replay would give. A bad ``step``, ``at`` or
    ``why_not`` raises :class:`~pathway.errors.UsageError` naming that parameter.
    """
    _check_time(at)
    records = intact_records(trail)
    analysis = as_analysis(pathway) if pathway is not None else find_by_sha(header_of(records).pathway.sha256, root)
    cut = _cut(records, step, at)
    active = _active(cut)
    last = cut[-1]
    lines = [f"At {_at(last)} (record {last.seq}), the patient is in: {', '.join(active) or 'no state'}."]
    for state in _leaves(active, analysis):
        lines += ["", f"Why {state}:", *_chain(cut, state)]
    blocked = _blocked(cut, active)
    if blocked:
        lines += [
            "",
            "Blocked by an error (more facts will not help: the values its guard reads must change):",
            *blocked,
        ]
    live = _issued(cut)
    if live:
        lines += ["", "Recommended now:"]
        for action, r in live.items():
            lines.append(
                f"  {action}: {r.title} - issued at {r.at} by state {r.state} "
                f"(cause {r.cause}); evidence: {', '.join(r.evidence) or 'none'}"
            )
    if why_not is not None:
        if analysis is None:
            message = "needs the pinned pathway, which is not available: pass it with --pathway"
            raise UsageError(message, parameter="why_not")
        lines += ["", *_why_not(cut, analysis, why_not)]
    return Explanation(last.seq, _at(last), tuple(active), tuple(map(escape, lines)))
