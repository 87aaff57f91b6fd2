"""Time as a trail records it, read back: when each active state was entered, when a timer falls due, which
timers and deadlines stand at a moment, and what a pending timer's guard reads then.

The engine's rules are in ``docs/time.md``; this module only reads records (and, for timers, the pathway that
wrote them), so the run report and explain show time the same way. A forged trail may hold times that are not
times: every function here then leaves the time out rather than fail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.constraints import assumed_values
from pathway.engine.checks import read_entries
from pathway.engine.decisions import Decisions
from pathway.engine.selection import outcome
from pathway.errors import InvalidInputError
from pathway.expr import Scope
from pathway.expr.durations import format_time, later, parse_duration
from pathway.journey.check import input_from_record
from pathway.journey.model import parse_time
from pathway.trail.parts import Read
from pathway.trail.records import (
    DeclinedRecord,
    ExpiredRecord,
    FulfilledRecord,
    HeaderRecord,
    InputRecord,
    IssuedRecord,
    Record,
    RetiredRecord,
    StartRecord,
    TransitionRecord,
)


def moment(text: str) -> datetime | None:
    """The time a trail writes (a journey's date or date-time, or a time the engine computed), or None."""
    try:
        return parse_time(text)[0]
    except ValueError:
        return None


def due_time(entered: str | None, after: str | None) -> str | None:
    """When a timer of ``after`` falls due in a state entered at ``entered``, as the engine writes it."""
    start = moment(entered) if entered is not None else None
    if start is None or after is None:
        return None
    try:
        due = later(start, parse_duration(after))
    except ValueError:
        return None
    return None if due == datetime.max else format_time(due)


def same_time(a: str | None, b: str | None) -> bool:
    """Whether two trail times are the same moment (``2026-03-09`` is ``2026-03-09T00:00:00``)."""
    first, second = (moment(a) if a else None), (moment(b) if b else None)
    return first is not None and first == second


def input_steps(records: Sequence[Record]) -> dict[int, int]:
    """Each input's number -> the step (record seq) of its ``input`` record: how a run shows an input."""
    return {r.input: r.seq for r in records if isinstance(r, InputRecord)}


def input_sources(records: Sequence[Record]) -> dict[int, dict[str, str]]:
    """Each input's number -> where its fact values came from (``pathway import fhir``), as words:
    ``{"sensory_grade": "Observation/obs-12 valueCodeableConcept"}``; inputs without sources are left out."""
    return {
        r.input: {fact: f"{s.resource} {s.element}" for fact, s in r.sources.items()}
        for r in records
        if isinstance(r, InputRecord) and r.sources
    }


class StateClock:
    """When each active state was last entered (the ``at`` and step of that record), fed one record at a time."""

    def __init__(self) -> None:
        self.entered: dict[str, tuple[str, int]] = {}

    def see(self, record: Record) -> None:
        if isinstance(record, StartRecord):
            self.entered = {state: (record.at, record.seq) for state in record.entered}
        elif isinstance(record, TransitionRecord):
            for state in record.exited:
                self.entered.pop(state, None)
            self.entered.update({state: (record.at, record.seq) for state in record.entered})

    def at(self, state: str) -> str | None:
        entry = self.entered.get(state)
        return entry[0] if entry else None

    @classmethod
    def of(cls, records: Sequence[Record]) -> StateClock:
        clock = cls()
        for record in records:
            clock.see(record)
        return clock


@dataclass(frozen=True)
class TimerAt:
    """A timer of an active state at a moment: not due yet (``pending``), or fallen due and waiting for its guard
    (``armed``); with its guard's outcome then, what it read and what it misses."""

    id: str
    state: str
    target: str
    after: str
    entered: str
    entered_step: int
    due: str
    status: Literal["pending", "armed"]
    guard: str | None
    outcome: str
    read: Mapping[str, Read] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        data = {k: v for k, v in self.__dict__.items() if k != "read"}
        return data | {"missing": list(self.missing), "read": {k: v.to_dict() for k, v in self.read.items()}}


@dataclass(frozen=True)
class DeadlineAt:
    """An active recommendation with a due time, not done, at a moment: ``due`` or ``overdue``."""

    id: str
    title: str
    state: str
    due: str
    status: Literal["due", "overdue"]
    issued_step: int

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class _Facts:
    """The facts known at a moment, rebuilt from the records: each input's values, less those gone stale; and the
    decisions recorded so far."""

    values: dict[str, object] = field(default_factory=dict)
    supplied: dict[str, int] = field(default_factory=dict)
    given: dict[str, datetime] = field(default_factory=dict)
    decisions: Decisions = field(default_factory=Decisions)
    readable: bool = True

    @classmethod
    def of(cls, records: Sequence[Record], analysis: Analysis) -> _Facts:
        facts = cls()
        for r in records:
            if isinstance(r, InputRecord):
                try:
                    typed = input_from_record(r.to_dict(), analysis, r.input)
                except InvalidInputError:  # a trail written against another version: its values do not fit
                    facts.readable = False
                    continue
                for name, value in typed.facts.items():
                    facts.values[name], facts.supplied[name], facts.given[name] = value, r.input, typed.at
                facts.decisions.see(r, typed)
            elif isinstance(r, FulfilledRecord):
                facts.decisions.see(r)
            elif isinstance(r, ExpiredRecord):
                facts.values.pop(r.fact, None)
                facts.supplied.pop(r.fact, None)
        return facts


def timers_at(records: Sequence[Record], active: Sequence[str], now: datetime, analysis: Analysis) -> list[TimerAt]:
    """Every timer of the active states at ``now``, in document order, with its guard evaluated on the facts
    the records give at that moment."""
    clock = StateClock.of(records)
    facts = _Facts.of(records, analysis)
    assumed = assumed_values(analysis, facts.values)  # what the engine's guards would read too
    scope = Scope(facts.values, analysis.derived, now, given=facts.given, recorded=facts.decisions.at, assumed=assumed)
    found: list[TimerAt] = []
    for state in analysis.index.states:
        entry = clock.entered.get(state)
        if state not in active or entry is None:
            continue
        for t in analysis.index.outgoing(state):
            after = t.transition.after
            due = due_time(entry[0], after)
            if after is None or due is None:
                continue
            status: Literal["pending", "armed"] = "pending" if now < (moment(due) or now) else "armed"
            shown = TimerAt(t.id, state, t.target, after, entry[0], entry[1], due, status, t.when, "always")
            if t.when == OTHERWISE:
                shown = _with(shown, "otherwise")
            elif t.when is not None and facts.readable:
                evaluation = analysis.guards[t.id].evaluate(scope, moment(entry[0]))
                read = read_entries(
                    evaluation, analysis.derived, facts.supplied, assumed=assumed, recorded_by=facts.decisions.by
                )
                missing = tuple(sorted(evaluation.missing)) if outcome(evaluation) == "unknown" else ()
                shown = _with(shown, outcome(evaluation), read, missing)
            elif t.when is not None:
                shown = _with(shown, "unknown")
            found.append(shown)
    return found


def _with(
    timer: TimerAt, result: str, read: Mapping[str, Read] | None = None, missing: tuple[str, ...] = ()
) -> TimerAt:
    return TimerAt(**(timer.__dict__ | {"outcome": result, "read": read or {}, "missing": missing}))


def latest_issues(records: Sequence[Record]) -> dict[str, IssuedRecord]:
    """Each active recommendation -> its latest issue (a recurring one is issued again each period)."""
    live: dict[str, IssuedRecord] = {}
    for r in records:
        if isinstance(r, IssuedRecord) and r.item == "recommendation":
            live[r.id] = r
        elif isinstance(r, RetiredRecord) and r.item == "recommendation":
            live.pop(r.id, None)
    return live


def done_by(records: Sequence[Record], issue: IssuedRecord) -> InputRecord | FulfilledRecord | None:
    """What recorded an issued recommendation as done, if anything: the input (``done:``) processed with that issue
    or after it (a wake-up's issue carries the number of the input that follows it), or the ``fulfilled`` record of
    a result that arrived after it."""
    for r in records:
        if isinstance(r, InputRecord) and r.done == issue.id and r.input >= issue.input:
            return r
        if isinstance(r, FulfilledRecord) and r.action == issue.id and r.seq > issue.seq:
            return r
    return None


def declined_by(records: Sequence[Record], issue: IssuedRecord) -> DeclinedRecord | None:
    """The ``declined`` record of an issued recommendation declined while it was active (after that issue), if any:
    a recorded decision, so that it is neither due nor overdue."""
    return next(
        (
            r
            for r in records
            if isinstance(r, DeclinedRecord) and r.action == issue.id and r.state is not None and r.seq > issue.seq
        ),
        None,
    )


def deadlines_at(records: Sequence[Record], now: datetime) -> list[DeadlineAt]:
    """Every active recommendation with a due time that is neither done nor declined at ``now``: ``overdue`` when
    the clock has passed it (strictly), else ``due``; in time order."""
    found: list[tuple[datetime, DeadlineAt]] = []
    for action, issue in latest_issues(records).items():
        due = moment(issue.due) if issue.due is not None else None
        if issue.due is None or due is None or done_by(records, issue) is not None:
            continue
        if declined_by(records, issue) is not None:
            continue
        status: Literal["due", "overdue"] = "overdue" if now > due else "due"
        found.append((due, DeadlineAt(action, issue.title, issue.state, issue.due, status, issue.seq)))
    return [d for _, d in sorted(found, key=lambda pair: (pair[0], pair[1].id))]


def record_time(record: Record) -> str:
    """A record's ``at`` (the header has none)."""
    return "" if isinstance(record, HeaderRecord) else record.at
