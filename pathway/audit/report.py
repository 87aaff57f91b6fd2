"""Readable terminal text for trail records: each moment with its time (an input, or a wake-up and why the
engine woke), each record on a line of its own labelled with its step (``#12``, the record's ``seq``: the number
``explain --step`` takes and the diagram overlay draws), the guard and the facts that decided a transition, what
was recommended or retired with its evidence and due time, what the pathway waits for, and what went wrong; then
the closing summary with what falls due and what is overdue."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from pathway.audit.moments import Moment, moments, timer_due, wake_reasons
from pathway.audit.recommendations import VERB, conflict_text, persisting_text, retired_why, until_now
from pathway.audit.timing import StateClock, input_steps
from pathway.definition.analysis import Analysis
from pathway.definition.summary import DISCLAIMER
from pathway.diagnostics.escape import escape
from pathway.trail.parts import ActiveItem, Check, Due, Read, ReadClock, ReadDerived, ReadError, ReadFact
from pathway.trail.records import (
    ConflictRecord,
    DeviationRecord,
    ErrorRecord,
    ExpiredRecord,
    HeaderRecord,
    InputRecord,
    IssuedRecord,
    PersistingRecord,
    Record,
    RetiredRecord,
    StartRecord,
    SummaryRecord,
    TimerRecord,
    TransitionRecord,
    WaitingRecord,
    header_of,
    summary_of,
)

DETAIL = " " * 4
"""How far a record's details (guard, facts, alternatives) are indented below it."""


def value_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str | bool) or value is None else str(value)


def step_of(number: int, steps: Mapping[int, int]) -> str:
    """Input ``number`` as the step of its input record (``#7``), or in words when the trail lacks it."""
    return f"#{steps[number]}" if number in steps else f"input {number}"


def read_text(read: Mapping[str, Read], steps: Mapping[int, int]) -> str:
    """What a guard read: each value with the step of the input that gave it (``steps``: input -> step)."""
    parts = []
    for name, entry in read.items():
        if isinstance(entry, ReadFact):
            parts.append(f"{name}={value_text(entry.value)} ({step_of(entry.from_, steps)})")
        elif isinstance(entry, ReadDerived):
            parts.append(f"{name}={value_text(entry.value)} (derived)")
        elif isinstance(entry, ReadError):
            parts.append(f"{name} could not be evaluated")
        elif isinstance(entry, ReadClock):
            parts.append(f"{name}={entry.value}")
        else:
            parts.append(f"{name} unknown")
    return ", ".join(parts)


class _Steps:
    """Renders records one after the other: what each needs to know of the records before it (the steps of the
    inputs, when each state was entered, the items shown only in passing)."""

    def __init__(self, records: Sequence[Record]) -> None:
        self.steps = input_steps(records)
        self.clock = StateClock()
        self.passing = _in_passing(records)
        self.retired = {r.seq: r for r in records if isinstance(r, RetiredRecord)}
        self.until = {r.input for r in records if isinstance(r, InputRecord) and r.until}

    def record(self, r: Record) -> list[str]:
        """The record's lines: the first is the record itself, the others its details."""
        if isinstance(r, TransitionRecord):
            return self.transition(r)
        if isinstance(r, IssuedRecord | RetiredRecord | PersistingRecord | ConflictRecord):
            return self.item(r)
        if isinstance(r, WaitingRecord):
            return [f"waiting in {r.state} for: {', '.join(r.needs) or '(nothing: see the blocked guards)'}"]
        if isinstance(r, ExpiredRecord):
            given = f"given {r.given} by {step_of(r.from_, self.steps)}, valid for {r.valid_for}"
            return [f"{r.fact}={value_text(r.value)} went stale ({given})"]
        if isinstance(r, StartRecord):
            return [f"start in {', '.join(r.entered)}"]
        if isinstance(r, TimerRecord):
            c = r.check
            read = f" ({self.read(c.read)})" if c.read else ""
            return [
                f"timer {c.id} fell due (after {c.after}) but its guard is false: {c.guard}{read}",
                f"it stays armed: it fires when its guard becomes true while {r.state} is active",
            ]
        if isinstance(r, DeviationRecord):
            reason = f" (reason: {r.reason})" if r.reason else ""
            return [f"! deviation: {r.action} was done but is not recommended now{reason}"]
        if isinstance(r, ErrorRecord):
            blocked = [f"{c.id}: {c.guard}" + (f"  [{self.read(c.read)}]" if c.read else "") for c in r.blocked or ()]
            return [f"! error {r.code}: {r.message}", *blocked]
        return []  # an input heads its moment; header and summary are shown apart

    def read(self, read: Mapping[str, Read] | None) -> str:
        return read_text(read or {}, self.steps)

    def transition(self, r: TransitionRecord) -> list[str]:
        trigger = f" on {r.trigger}" if r.trigger else ""
        timer = ""
        if r.after is not None:
            due = timer_due(r, self.clock)
            entered = self.clock.at(r.source)
            when = f" (entered {entered}, due {due})" if entered and due else ""
            timer = f"  after {r.after} in {r.source}{when}"
        lines = [f"{r.source} -> {r.target}{trigger}{timer}"]
        if r.outcome == "true":
            lines += [f"because {r.guard}", f"with {self.read(r.read)}"]
        elif r.outcome == "otherwise":
            lines.append("because no earlier guard was true (otherwise)")
        lines += [self.alternative(alt) for alt in r.alternatives]
        if r.evidence:
            lines.append(f"evidence: {', '.join(r.evidence)}")
        return lines

    def alternative(self, alt: Check) -> str:
        if alt.outcome == "pending":
            return f"not {alt.target}: after {alt.after}, due {alt.due}"
        detail = f" ({self.read(alt.read)})" if alt.read else ""
        return f"not {alt.target}: {alt.guard} was {alt.outcome}{detail}"

    def item(self, r: IssuedRecord | RetiredRecord | PersistingRecord | ConflictRecord) -> list[str]:
        if isinstance(r, PersistingRecord):
            return [f"= {persisting_text(r)}", until_now(r.outcome, r.missing, self.read(r.read))]
        if isinstance(r, ConflictRecord):
            return [conflict_text(r)]
        verb = VERB[r.item]
        if isinstance(r, RetiredRecord):
            if r.seq in self.passing:
                return []
            read = [f"with {self.read(r.read)}"] if r.why == "condition" and r.read else []
            return [f"- no longer {verb} {r.id}: {retired_why(r)}", *read]
        if r.seq in self.passing:
            left = self.retired[self.passing[r.seq]]
            how = f"{r.state} was left again" if left.why is None else retired_why(left)
            return [f"~ {verb} {r.id} only in passing: {how} at #{left.seq}  ({r.title})"]
        due = f"  due {r.due}" if r.due else ""
        if r.every:
            due += f" (every {r.every}, issue {r.occurrence})" if r.occurrence else f" (every {r.every})"
        due += f"  persists until {r.until}" if r.until else ""
        return [f"+ {verb} {r.id}: {r.title}  [evidence: {', '.join(r.evidence) or 'none'}]{due}"]

    def heading(self, m: Moment) -> str:
        """The line a moment starts with: the input, or why the engine woke."""
        if m.input is not None:
            return f"{m.at}  " + _input_text(m.input)
        before = "--until" if m.before in self.until else f"input {m.before}"
        reasons = wake_reasons(m, self.clock)
        return f"{m.at}  wake-up before {before}" + (f": {'; '.join(reasons)}" if reasons else "")


def _input_text(r: InputRecord) -> str:
    if r.until:
        return f"clock advanced to {r.at} (--until)"
    parts = [f"{k}={value_text(v)}" for k, v in r.facts.items()]
    if r.event:
        parts.append(f"event {r.event}")
    if r.done:
        parts.append(f"done {r.done}" + (f" ({r.reason})" if r.reason else ""))
    return f"input {r.input}: {', '.join(parts) or 'clock tick'}"


def _in_passing(records: Sequence[Record]) -> dict[int, int]:
    """Each item issued and retired again at the same moment (a state the run passed through): the seq of its
    issued record -> the seq of its retired record, and the retired seq -> the issued one. Such an item is shown
    once."""
    open_: dict[tuple[int, str, str, str], int] = {}
    paired: dict[int, int] = {}
    for r in records:
        if isinstance(r, IssuedRecord):
            open_[(r.input, r.at, r.item, r.id)] = r.seq
        elif isinstance(r, RetiredRecord) and (issued := open_.pop((r.input, r.at, r.item, r.id), None)) is not None:
            paired |= {issued: r.seq, r.seq: issued}
    return paired


def render_steps(records: Sequence[Record]) -> str:
    """Every moment with its time, then each of its records labelled with its step (``#12``: the record's seq).
    Every line is escaped: a reason or a title cannot move the cursor, clear the screen or start a line of its
    own. An item issued and retired at one moment is shown once."""
    width = len(f"#{records[-1].seq}") if records else 2
    steps = _Steps(records)
    lines: list[str] = []
    for m in moments(records):
        label = f"#{m.input.seq}" if m.input is not None else ""
        lines.append(f"{label:<{width}}  {steps.heading(m)}")
        for r in m.records:
            shown = steps.record(r)
            steps.clock.see(r)
            if shown:
                lines.append(f"{f'#{r.seq}':<{width}}    {shown[0]}")
                lines += [f"{'':<{width}}    {DETAIL}{detail}" for detail in shown[1:]]
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


def _due_lines(summary: SummaryRecord, analysis: Analysis | None) -> list[str]:
    """The summary's due and overdue lists: each with its time, what it is and the state it belongs to."""
    items = {i.id: i for i in summary.recommendations}

    def entry(d: Due) -> str:
        if d.kind == "timer":
            return f"    {d.at}  timer {d.id}: after {d.after} in {d.state}"
        item = items.get(d.id)
        state = _carrier(item, "recommendation", summary.states, analysis) if item else d.state
        return f"    {d.at}  {d.id}" + (f": {item.title}" if item else "") + f", in {state}"

    lines = []
    if summary.due:
        lines.append("  due next (decision support: what the pathway expects, from the journey's times):")
        lines += map(entry, summary.due)
    if summary.overdue:
        lines.append("  ! OVERDUE (past its due time and not recorded as done):")
        lines += map(entry, summary.overdue)
    return lines


def render_summary(header: HeaderRecord, summary: SummaryRecord, analysis: Analysis | None = None) -> str:
    """The closing summary: the innermost active states, each recommendation and finding with the active state
    that carries it, what the pathway waits for, what falls due and what is overdue."""

    def ids(items: Sequence[ActiveItem], kind: str) -> str:
        def one(i: ActiveItem) -> str:
            done = f", done {i.done}" if i.done else ""
            if i.persisting:
                return f"{i.id} (since {i.since}, persisting after {i.state} until {i.until}{done})"
            return f"{i.id} (since {i.since}, in {_carrier(i, kind, summary.states, analysis)}{done})"

        return ", ".join(map(one, items)) or "none"

    states = analysis.index.leaves(summary.states) if analysis else summary.states
    lines = [
        f"Now ({summary.at}):",
        f"  states:          {', '.join(states) or 'none'}",
        f"  recommendations: {ids(summary.recommendations, 'recommendation')}",
        f"  findings:        {ids(summary.findings, 'finding')}",
    ]
    for c in summary.conflicts or ():
        (a, b), (sa, sb) = c.actions, c.states
        lines.append(
            f"  ! CONFLICT: {a} (from {sa}) and {b} (from {sb}) are recommended together since {c.since}; "
            "the pathway says they conflict"
        )
    for wait in summary.waiting:
        lines.append(f"  waiting in {wait.state} for: {', '.join(wait.needs)}")
    lines += _due_lines(summary, analysis)
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
