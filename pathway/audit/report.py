"""Readable terminal text for trail records: each step with its time, the guard and the facts that decided it,
what was recommended or retired with its evidence, what the pathway waits for, and what went wrong. What the engine
did at a wake-up between two inputs (a timer, a recurrence, a fact going stale) is shown under that moment."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from pathway.definition.analysis import Analysis
from pathway.definition.summary import DISCLAIMER
from pathway.diagnostics.escape import escape
from pathway.trail.parts import ActiveItem, Due, Read, ReadDerived, ReadError, ReadFact
from pathway.trail.records import (
    DeviationRecord,
    ErrorRecord,
    ExpiredRecord,
    HeaderRecord,
    InputRecord,
    IssuedRecord,
    Record,
    RetiredRecord,
    StartRecord,
    Step,
    SummaryRecord,
    TransitionRecord,
    WaitingRecord,
    header_of,
    summary_of,
)

INDENT = " " * 14


def value_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str | bool) or value is None else str(value)


def read_text(read: Mapping[str, Read]) -> str:
    parts = []
    for name, entry in read.items():
        if isinstance(entry, ReadFact):
            parts.append(f"{name}={value_text(entry.value)} (#{entry.from_})")
        elif isinstance(entry, ReadDerived):
            parts.append(f"{name}={value_text(entry.value)} (derived)")
        elif isinstance(entry, ReadError):
            parts.append(f"{name} could not be evaluated")
        else:
            parts.append(f"{name} unknown")
    return ", ".join(parts)


def _input(r: InputRecord) -> list[str]:
    parts = [f"{k}={value_text(v)}" for k, v in r.facts.items()]
    if r.event:
        parts.append(f"event {r.event}")
    if r.done:
        parts.append(f"done {r.done}" + (f" ({r.reason})" if r.reason else ""))
    if r.until:
        return [f"{r.at:<10} #{r.input:<2} until: the clock advanced to here (--until)"]
    return [f"{r.at:<10} #{r.input:<2} input: {', '.join(parts) or 'clock tick'}"]


def _wake_up(at: str) -> list[str]:
    return [f"{at:<10}     wake-up (between inputs)"]


def _transition(r: TransitionRecord) -> list[str]:
    trigger = f" on {r.trigger}" if r.trigger else f" after {r.after} (timer)" if r.after else ""
    lines = [f"{INDENT}{r.source} -> {r.target}{trigger}"]
    if r.outcome == "true":
        lines.append(f"{INDENT}    because {r.guard}")
        lines.append(f"{INDENT}    with {read_text(r.read)}")
    elif r.outcome == "otherwise":
        lines.append(f"{INDENT}    because no earlier guard was true (otherwise)")
    for alt in r.alternatives:
        why = f"{alt.guard} was {alt.outcome}"
        detail = f" ({read_text(alt.read)})" if alt.read else ""
        lines.append(f"{INDENT}    not {alt.target}: {why}{detail}")
    if r.evidence:
        lines.append(f"{INDENT}    evidence: {', '.join(r.evidence)}")
    return lines


def _item(r: IssuedRecord | RetiredRecord) -> list[str]:
    verb = {"recommendation": "recommend", "finding": "conclude"}[r.item]
    if isinstance(r, IssuedRecord):
        again = f" again (issue {r.occurrence}, every {r.every})" if r.occurrence else ""
        due = f" (due {r.due})" if r.due else ""
        return [f"{INDENT}+ {verb} {r.id}{again}: {r.title}{due}  [evidence: {', '.join(r.evidence) or 'none'}]"]
    return [f"{INDENT}- no longer {verb} {r.id}"]


def _expired(r: ExpiredRecord) -> list[str]:
    value = value_text(r.value)
    return [f"{INDENT}- {r.fact}={value} (#{r.from_}, given {r.given}) is no longer current (valid for {r.valid_for})"]


def _waiting(r: WaitingRecord) -> list[str]:
    return [f"{INDENT}waiting in {r.state} for: {', '.join(r.needs) or '(nothing: see the blocked guards)'}"]


def _error(r: ErrorRecord) -> list[str]:
    lines = [f"{INDENT}! error {r.code}: {r.message}"]
    for check in r.blocked or ():
        lines.append(f"{INDENT}    {check.id}: {check.guard}" + (f"  [{read_text(check.read)}]" if check.read else ""))
    return lines


def _step(r: Record) -> list[str]:
    if isinstance(r, InputRecord):
        return _input(r)
    if isinstance(r, TransitionRecord):
        return _transition(r)
    if isinstance(r, IssuedRecord | RetiredRecord):
        return _item(r)
    if isinstance(r, WaitingRecord):
        return _waiting(r)
    if isinstance(r, StartRecord):
        return [f"{INDENT}start in {', '.join(r.entered)}"]
    if isinstance(r, DeviationRecord):
        return [
            f"{INDENT}! deviation: {r.action} was done but is not recommended now"
            + (f" (reason: {r.reason})" if r.reason else "")
        ]
    if isinstance(r, ErrorRecord):
        return _error(r)
    if isinstance(r, ExpiredRecord):
        return _expired(r)
    return []  # header and summary are shown apart


def _in_passing(records: Sequence[Record]) -> set[int]:
    """The seq of each issued record whose item is retired again while the same input is processed (a state the
    run passed through), and of that retired record: such an item is shown once."""
    open_: dict[tuple[int, str, str], int] = {}
    paired: set[int] = set()
    for r in records:
        if isinstance(r, IssuedRecord):
            open_[(r.input, r.item, r.id)] = r.seq
        elif isinstance(r, RetiredRecord) and (issued := open_.pop((r.input, r.item, r.id), None)) is not None:
            paired |= {issued, r.seq}
    return paired


def _passing(r: IssuedRecord) -> list[str]:
    verb = {"recommendation": "recommend", "finding": "conclude"}[r.item]
    return [f"{INDENT}~ {verb} {r.id} only in passing: {r.state} was left in the same step  ({r.title})"]


def render_steps(records: Sequence[Record]) -> str:
    """Each record as its lines, every line escaped: a reason or a title cannot move the cursor, clear the
    screen or start a line of its own. An item issued and retired while one input is processed is shown once."""
    passing = _in_passing(records)
    lines: list[str] = []
    moment: str | None = None  # the time of the input or wake-up whose records are being shown
    for r in records:
        if isinstance(r, InputRecord):
            moment = r.at
        elif isinstance(r, Step) and not isinstance(r, SummaryRecord) and moment is not None and r.at != moment:
            moment = r.at
            lines += _wake_up(r.at)
        if r.seq in passing:
            lines += _passing(r) if isinstance(r, IssuedRecord) else []
        else:
            lines += _step(r)
    return "\n".join(escape(line) for line in lines)


def _carrier(item: ActiveItem, kind: str, active: Sequence[str], analysis: Analysis | None) -> str:
    """An active state that carries the item: the one that issued it while it is active, else the first active
    state (document order) that recommends or concludes it."""
    if item.state in active or analysis is None:
        return item.state
    for state in active:
        info = analysis.index.states[state].state
        if item.id in (info.recommended if kind == "recommendation" else info.conclude):
            return state
    return item.state


def _due(d: Due) -> str:
    if d.kind == "timer":
        return f"timer {d.id} (after {d.after} in {d.state}) at {d.at}"
    return f"{d.id} (in {d.state}) at {d.at}"


def render_summary(header: HeaderRecord, summary: SummaryRecord, analysis: Analysis | None = None) -> str:
    """The closing summary: the innermost active states, and each recommendation and finding with the active
    state that carries it."""

    def ids(items: Sequence[ActiveItem], kind: str) -> str:
        shown = [f"{i.id} (since {i.since}, in {_carrier(i, kind, summary.states, analysis)})" for i in items]
        return ", ".join(shown) or "none"

    states = analysis.index.leaves(summary.states) if analysis else summary.states
    lines = [
        f"Now ({summary.at}):",
        f"  states:          {', '.join(states) or 'none'}",
        f"  recommendations: {ids(summary.recommendations, 'recommendation')}",
        f"  findings:        {ids(summary.findings, 'finding')}",
    ]
    for wait in summary.waiting:
        lines.append(f"  waiting in {wait.state} for: {', '.join(wait.needs)}")
    if summary.due:
        lines.append(f"  due:             {'; '.join(map(_due, summary.due))}")
    if summary.overdue:
        lines.append(f"  overdue:         {'; '.join(map(_due, summary.overdue))}")
    for failed in summary.errors or ():
        lines.append(f"  guard error in {failed.state} ({failed.id}, since {failed.first}): {failed.message}")
    if summary.error:
        lines.append(f"  stopped: {summary.error}")
    return "\n".join(map(escape, lines))


def render_run(records: Sequence[Record], analysis: Analysis | None = None) -> str:
    """The whole run for a terminal; with the pathway's ``analysis``, the summary keeps only the innermost states
    and names the active state that carries each item."""
    header, summary = header_of(records), summary_of(records)
    p, j = header.pathway, header.journey
    head = [
        escape(f"Journey {j.id} on pathway {p.id} {p.version} (sha256 {p.sha256[:12]})"),
        DISCLAIMER,
        "",
    ]
    return "\n".join([*head, render_steps(records), "", render_summary(header, summary, analysis)])
