"""Answer an auditor's questions from a trail: why is the patient in these states, why was this recommended, why was
that not, and what is due when.

``explain(trail, step=N | at=TIME, why_not=ACTION)`` reads the records up to that point (``N`` is a step as the
run output numbers it: a record's ``seq``). For each active state it walks back the chain of transitions that led
there, with the question its state asks, the guard, the fact values that made it true and the guards that blocked
the alternatives; a timer says why it fired then (its duration, when its state was entered, its due time). For
each active state blocked by a guard that could not be evaluated after the latest input, the error and what the
guard read; for each active recommendation, its strength and direction, the state that issued it and how that
state was entered, and its evidence with the quality each entry states. Then what the pathway expects next at that
moment: each timer of the active states with its due time and what its guard says now, and each deadline due or
overdue. ``why_not`` looks the action up in the pinned pathway (found by sha256, or given): the states that would
recommend it, the transitions into them and their last recorded outcome with the facts they read.
A guard that read a fact at its assumed value (not recorded) says so, and the assumptions in force at
that moment are listed with why (from the pathway when it is available).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pathway.audit.assumptions import assumed_reads, assuming, assumption_notes, in_force
from pathway.audit.recommendations import conflicts_at, retired_why, standing
from pathway.audit.replay import find_by_sha, intact_records
from pathway.audit.report import evidence_text, read_text, stance_of
from pathway.audit.timing import (
    DeadlineAt,
    TimerAt,
    declined_by,
    done_by,
    due_time,
    input_sources,
    input_steps,
    latest_issues,
    moment,
    record_time,
    same_time,
)
from pathway.audit.upcoming import upcoming
from pathway.audit.values import value_reasons
from pathway.definition.analysis import Analysis
from pathway.diagnostics.escape import escape
from pathway.engine.runner import as_analysis
from pathway.errors import ExitCode, UsageError
from pathway.journey.model import parse_time, time_hint
from pathway.trail.records import (
    DeclinedRecord,
    ErrorRecord,
    HeaderRecord,
    InapplicableRecord,
    InputRecord,
    Record,
    RetiredRecord,
    StartRecord,
    SummaryRecord,
    TransitionRecord,
    checks_in,
    header_of,
    summary_of,
)

Moves = StartRecord | TransitionRecord


@dataclass(frozen=True)
class Explanation:
    """The answer, as readable lines; ``upto`` is the step (seq) of the last record taken into account, ``at``
    the moment explained (the time asked with ``at``, else that record's time); ``timers`` and ``deadlines`` are
    what stands then (timers only when the pathway is available)."""

    upto: int
    at: str
    states: tuple[str, ...]
    lines: tuple[str, ...]
    timers: tuple[TimerAt, ...] = field(default=())
    deadlines: tuple[DeadlineAt, ...] = field(default=())
    assumed: Mapping[str, tuple[object, str]] = field(default_factory=dict)
    """The assumptions in force then: fact -> (the assumed value, when a guard first read it)."""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def exit_code(self) -> ExitCode:
        """Always 0: a trail that cannot be explained raises instead (see :func:`explain`)."""
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        """The answer as JSON-ready data: the step and time it is at, the active states, the timers and deadlines
        standing then, the assumptions in force, the lines."""
        return {
            "upto": self.upto,
            "at": self.at,
            "states": list(self.states),
            "timers": [t.to_json() for t in self.timers],
            "deadlines": [d.to_json() for d in self.deadlines],
            "assumed": [{"fact": n, "value": v, "since": since} for n, (v, since) in self.assumed.items()],
            "lines": list(self.lines),
        }


def _cut(records: Sequence[Record], step: int | None, at: str | None) -> list[Record]:
    body: list[Record] = [r for r in records if not isinstance(r, SummaryRecord)]
    if step is not None:
        if not 0 <= step < len(records):
            raise UsageError(f"{step} is outside the trail (steps 0 to {len(records) - 1})", parameter="step")
        return [r for r in body if r.seq <= step]
    if at is not None:
        asked = moment(at)
        kept = [r for r in body if isinstance(r, HeaderRecord) or _not_after(r.at, at, asked)]
        if len(kept) == 1:
            first = record_time(body[1]) if len(body) > 1 else "none"
            raise UsageError(f"{at} is before the first input ({first})", parameter="at")
        return kept
    return body


def _not_after(text: str, at: str, asked: datetime | None) -> bool:
    """Whether a record's time is at or before the asked time (as times: ``2026-03-09T00:00:00`` is not after
    ``2026-03-09``); a time a forged trail spells otherwise is compared as text."""
    when = moment(text)
    return when <= asked if when is not None and asked is not None else text <= at


def _active(records: Sequence[Record]) -> list[str]:
    active: list[str] = []
    for r in records:
        if isinstance(r, StartRecord):
            active = list(r.entered)
        elif isinstance(r, TransitionRecord):
            active = [s for s in active if s not in r.exited] + list(r.entered)
    return active


def _in_document_order(active: list[str], analysis: Analysis | None) -> list[str]:
    """The active states as the trail's summary lists them, in document order (parents before children); in the
    order the trail entered them when the pathway, which knows the order, is not available."""
    if analysis is None:
        return active
    order = {state: n for n, state in enumerate(analysis.index.states)}
    return sorted(active, key=lambda state: order.get(state, len(order)))


def _entered_by(records: Sequence[Record], state: str) -> Moves | None:
    for r in reversed(records):
        if isinstance(r, TransitionRecord | StartRecord) and state in r.entered:
            return r
    return None


class _Reader:
    """Lines about records, with inputs shown as the steps of their input records."""

    def __init__(
        self, records: Sequence[Record], analysis: Analysis | None = None, notes: Mapping[str, str] | None = None
    ) -> None:
        self.analysis = analysis
        self.notes = notes or {}
        self.steps = input_steps(records)
        self.sources = input_sources(records)
        self.until = {r.input for r in records if isinstance(r, InputRecord) and r.until}
        self.width = len(f"#{records[-1].seq}")

    def label(self, r: Moves | ErrorRecord) -> str:
        """A record's step and time, as the run output shows them (``#12  2026-03-16``), in a column."""
        return f"{f'#{r.seq}':<{self.width}}  {r.at}  "

    def read(self, read: Mapping[str, Any] | None) -> str:
        return read_text(read or {}, self.steps, self.sources)

    def why_transition(self, r: TransitionRecord, before: Sequence[Record]) -> list[str]:
        lines = [f"  {self.label(r)}{r.source} -> {r.target} ({r.id})"]
        question = self.question(r.source)
        if question is not None:
            lines.append(f"      question: {question}")
        if r.after is not None:
            lines.append(f"      why now: {self.why_now(r, before)}")
        if r.outcome == "true":
            lines.append(f"      because {r.guard}  [{self.read(r.read)}]")
        elif r.outcome == "otherwise":
            lines.append("      because every earlier guard was false (otherwise)")
        elif r.after is None:
            lines.append("      unconditionally" + (f" on event {r.trigger}" if r.trigger else ""))
        for alt in r.alternatives:
            if alt.outcome == "pending":
                lines.append(f"      not {alt.target}: a timer after {alt.after}, not due until {alt.due}")
            else:
                lines.append(f"      not {alt.target}: {alt.guard} was {alt.outcome}  [{self.read(alt.read)}]")
        for name, value in assumed_reads(r.read, *(alt.read for alt in r.alternatives)).items():
            lines.append(f"      {assuming(name, value, self.notes.get(name))}")
        if r.evidence:
            lines.append(f"      evidence: {evidence_text(r.evidence, self.analysis)}")
        return lines

    def question(self, state: str) -> str | None:
        """The question the state states, when the pathway is available and has the state."""
        info = self.analysis.index.states.get(state) if self.analysis is not None else None
        return info.state.question if info is not None else None

    def why_now(self, r: TransitionRecord, before: Sequence[Record]) -> str:
        """A timer's firing: its duration, when its state was entered, its due time, and when it fired."""
        entry = _entered_by(before, r.source)
        if entry is None:
            return f"a timer after {r.after} in {r.source}"
        due = due_time(entry.at, r.after)
        timer = f"a timer after {r.after} in {r.source}, entered {entry.at} (#{entry.seq})"
        if due is None:  # a forged trail's time
            return timer
        timer += f", due {due}"
        if same_time(r.at, due):
            wake = r.input in self.steps and r.seq < self.steps[r.input]
            ahead = "--until" if r.input in self.until else f"input {r.input}"
            return f"{timer}; it fired at its due time ({f'a wake-up before {ahead}' if wake else f'input {r.input}'})"
        return f"{timer}; it fired later, at input {r.input}, the first moment its state could take it"

    def chain(self, records: Sequence[Record], state: str) -> list[str]:
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
                out[:0] = [f"  {self.label(r)}start in {', '.join(r.entered)}"]
                break
            records = [x for x in records if x.seq < r.seq]
            out[:0] = self.why_transition(r, records)
            current = r.source
        return out

    def blocked(self, records: Sequence[Record], active: Sequence[str]) -> list[str]:
        """The active states a guard error blocked after the latest input (PW411 is recorded after each input
        while it lasts), with the failing guards and what they read."""
        latest = max((r.input for r in records if isinstance(r, InputRecord)), default=None)
        lines: list[str] = []
        for r in records:
            if isinstance(r, ErrorRecord) and r.state in active and r.input == latest:
                lines.append(f"  {self.label(r)}{r.message}")
                lines += [f"      {c.id}: {c.guard}  [{self.read(c.read)}]" for c in r.blocked or ()]
        return lines

    def last_outcome(self, records: Sequence[Record], transition_id: str) -> str | None:
        for r in reversed(records):
            if isinstance(r, TransitionRecord) and r.id == transition_id:
                return f"fired at #{r.seq} ({r.at})"
            for c in checks_in(r):
                if c.id == transition_id and not isinstance(r, HeaderRecord):
                    return f"{c.guard} was {c.outcome} at #{r.seq} ({r.at})  [{self.read(c.read)}]"
        return None

    def why_not(self, records: Sequence[Record], analysis: Analysis, action: str) -> list[str]:
        if action not in analysis.pathway.actions:
            raise UsageError(f"the pathway has no action '{action}'", parameter="why_not")
        entry = analysis.pathway.actions[action]
        title = entry.title + (f"; a {entry.stance.words}" if entry.stance.words else "")
        live = latest_issues(records)
        if action in live:
            r = live[action]
            kept = standing(records)[action].persisting
            persists = f"; it persists after {r.state} was left (#{kept.seq}), until {kept.until}" if kept else ""
            return [f"{action} ({title}) IS recommended: issued at #{r.seq} ({r.at}) by state {r.state}{persists}."]
        lines = [f"{action} ({title}) is not recommended now."]
        lines += [line for past in records if (line := self.gone(past, action, records)) is not None]
        index = analysis.index
        ever = {s for r in records if isinstance(r, TransitionRecord | StartRecord) for s in r.entered}
        for state in (s for s, info in index.states.items() if action in info.state.recommended):
            lines.append(f"  State {state} would recommend it; it is entered by:")
            into = [t for t in index.transitions if t.target == state]
            for t in into:
                seen = "never active" if t.source not in ever else (self.last_outcome(records, t.id) or "not evaluated")
                lines.append(f"    {t.id} (when {t.when or 'always'}): {seen}")
            if not into:
                lines.append("    no transition (only as an initial state)")
        return lines

    def gone(self, r: Record, action: str, records: Sequence[Record]) -> str | None:
        """What a record says of why an action is not recommended: retired, withheld because it does not apply
        (``applies_to``), or declined."""
        if isinstance(r, RetiredRecord) and r.id == action:
            if r.cause == "applies_to":
                return f"  It was withheld at #{r.seq} ({r.at}): its applies_to became false in state {r.state}."
            return f"  It was retired at #{r.seq} ({r.at}){self.retired(r)}."
        if isinstance(r, InapplicableRecord) and r.id == action:
            why = f"{r.guard} is false ({read_text(r.read, input_steps(records), input_sources(records))})"
            return f"  State {r.state} recommends it, but it does not apply since #{r.seq} ({r.at}): {why}."
        if isinstance(r, DeclinedRecord) and r.action == action:
            code = f", reason code {r.reason_code}" if r.reason_code else ""
            return f"  It was declined at #{r.seq} ({r.at}){code}."
        return None

    def retired(self, r: RetiredRecord) -> str:
        """Why an item was retired (the end of a sentence), with what the guard that retired it read."""
        if r.why == "condition":
            return f": {retired_why(r)}  [{self.read(r.read)}]"
        if r.why == "superseded":
            return f": {retired_why(r)} (issued by {r.cause})"
        return f" when {r.cause} left state {r.state}"

    def recommended(self, records: Sequence[Record], analysis: Analysis | None) -> list[str]:
        lines = []
        persisting = {a: s.persisting for a, s in standing(records).items() if s.persisting is not None}
        for action, r in latest_issues(records).items():
            cause = f"issue {r.occurrence or 1}, every {r.every}" if r.every else f"cause {r.cause}"
            due = f"; due {r.due}" if r.due else ""
            done = done_by(records, r)
            due += f", done at #{done.seq} ({done.at})" if done is not None and r.due else ""
            stance = stance_of(r).words
            declined = declined_by(records, r)
            due += f", declined at #{declined.seq} ({declined.at})" if declined is not None else ""
            lines.append(
                f"  {action}: {r.title}" + (f" [{stance}]" if stance else "") + f" - issued at #{r.seq} ({r.at}) "
                f"by state {r.state} ({cause}{due}); evidence: {evidence_text(r.evidence, self.analysis)}"
            )
            lines += value_reasons(records, action, self.read, analysis)
            kept = persisting.get(action)
            if kept is not None:
                lines.append(
                    f"      {kept.state} was left at #{kept.seq} ({kept.at}, {kept.cause}); it persists until "
                    f"{kept.until}, which is not true yet"
                )
        return lines

    def conflicts(self, records: Sequence[Record]) -> list[str]:
        """The conflicting recommendations active together, each since the record that noted it."""
        return [
            f"  {c.actions[0]} (from {c.states[0]}) and {c.actions[1]} (from {c.states[1]}), since #{c.seq} ({c.at})"
            for c in conflicts_at(records)
        ]


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
    """Explain a trail at the end, after step ``step`` (a record's seq, as the run output numbers it) or at time
    ``at`` (a journey time, inclusive).

    Only an intact trail is explained: one that is tampered, truncated, unreadable or not a trail raises
    :class:`~pathway.audit.replay.ReplayError` with the result replay would give. A bad ``step``, ``at`` or
    ``why_not`` raises :class:`~pathway.errors.UsageError` naming that parameter.
    """
    _check_time(at)
    records = intact_records(trail)
    analysis = as_analysis(pathway) if pathway is not None else find_by_sha(header_of(records).pathway.sha256, root)
    cut = _cut(records, step, at)
    reader = _Reader(records, analysis, assumption_notes(analysis, summary_of(records)))
    active = _in_document_order(_active(cut), analysis)
    last = cut[-1]
    now = at if at is not None else record_time(last)
    when = f"{now}, after step #{last.seq}" + (f" ({record_time(last)})" if at is not None else "")
    lines = [f"At {when}, the patient is in: {', '.join(active) or 'no state'}."]
    for state in _leaves(active, analysis):
        lines += ["", f"Why {state}:", *reader.chain(cut, state)]
    blocked = reader.blocked(cut, active)
    if blocked:
        lines += [
            "",
            "Blocked by an error (more facts will not help: the values its guard reads must change):",
            *blocked,
        ]
    recommended = reader.recommended(cut, analysis)
    if recommended:
        lines += ["", "Recommended now:", *recommended]
    assumed = in_force(cut)
    if assumed:
        lines += ["", "Assumed, not recorded (the pathway still asks for these):"]
        lines += [f"  {assuming(n, value, reader.notes.get(n), since)}" for n, (value, since) in assumed.items()]
    conflicts = reader.conflicts(cut)
    if conflicts:
        lines += ["", "! Recommended together although the pathway says they conflict:", *conflicts]
    standing = upcoming(cut, active, now, analysis, reader.steps)
    lines += standing.lines
    if why_not is not None:
        if analysis is None:
            message = "needs the pinned pathway, which is not available: pass it with --pathway"
            raise UsageError(message, parameter="why_not")
        lines += ["", *reader.why_not(cut, analysis, why_not)]
    return Explanation(
        last.seq, now, tuple(active), tuple(map(escape, lines)), standing.timers, standing.deadlines, assumed
    )
