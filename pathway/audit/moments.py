"""A trail's records grouped by the moment that wrote them: each input, and each wake-up between two inputs
(a timer falling due, a recurring recommendation due again, a fact going stale), with why the engine woke.

A wake-up's records come before the input whose arrival moved the clock past it and carry that input's number
(``docs/time.md``); they are a moment of their own here, at their own time, so a reader never takes them for
something the next input did.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pathway.audit.timing import StateClock, due_time, same_time
from pathway.trail.records import (
    ErrorRecord,
    ExpiredRecord,
    HeaderRecord,
    InputRecord,
    IssuedRecord,
    Record,
    SummaryRecord,
    TimerRecord,
    TransitionRecord,
    WaitingRecord,
)


@dataclass
class Moment:
    """The records written at one time: an input's (``input`` is its record), or a wake-up's (``input`` is
    None and ``before`` is the number of the input that moved the clock past it)."""

    at: str
    before: int
    input: InputRecord | None = None
    records: list[Record] = field(default_factory=list)


def moments(records: Sequence[Record]) -> list[Moment]:
    """The header and summary left out, every record in its moment, in trail order."""
    out: list[Moment] = []
    for r in records:
        if isinstance(r, HeaderRecord | SummaryRecord):
            continue
        if isinstance(r, InputRecord):
            out.append(Moment(r.at, r.input, r))
        elif not out or out[-1].at != r.at or out[-1].before != r.input:
            out.append(Moment(r.at, r.input))
        if not isinstance(r, InputRecord):
            out[-1].records.append(r)
    return out


def timer_due(record: TransitionRecord, clock: StateClock) -> str | None:
    """When a timer transition fell due: its duration after its source state was entered (``clock`` as it stood
    before the record)."""
    return due_time(clock.at(record.source), record.after)


def _timers_due(records: Sequence[Record], at: str, clock: StateClock) -> Iterator[str]:
    """The timers that fell due at ``at``: those that fired, and those whose guard was unknown (the state waits)
    or could not be evaluated then."""
    for r in records:
        if isinstance(r, TransitionRecord) and r.after is not None and same_time(timer_due(r, clock), at):
            yield r.id
        if isinstance(r, TimerRecord):
            yield r.check.id
        if isinstance(r, WaitingRecord | ErrorRecord) and r.state is not None:
            entered = clock.at(r.state)
            yield from (c.id for c in r.blocked or () if c.after and same_time(due_time(entered, c.after), at))
        clock.see(r)


@dataclass(frozen=True)
class Wake:
    """One reason the engine woke: ``kind`` ``stale`` (``id`` a fact), ``timer`` (``id`` a transition) or ``again``
    (``id`` a recurring action, ``every`` its period)."""

    kind: str
    id: str
    every: str | None = None

    @property
    def text(self) -> str:
        """In the trail's terms: ``sensory_grade went stale``, ``timer t3 fell due``, ``x due again (every 3w)``."""
        if self.kind == "stale":
            return f"{self.id} went stale"
        return f"timer {self.id} fell due" if self.kind == "timer" else f"{self.id} due again (every {self.every})"


def wakes(moment: Moment, clock: StateClock) -> list[Wake]:
    """Why the engine woke at a moment with no input, from its records: facts gone stale, timers fallen due,
    recommendations due again. ``clock`` is the state entries as they stood before the moment."""
    found = [Wake("stale", r.fact) for r in moment.records if isinstance(r, ExpiredRecord)]
    replay = StateClock()
    replay.entered = dict(clock.entered)
    found += [Wake("timer", t) for t in dict.fromkeys(_timers_due(moment.records, moment.at, replay))]
    found += [
        Wake("again", r.id, r.every) for r in moment.records if isinstance(r, IssuedRecord) and r.cause == "every"
    ]
    return list(dict.fromkeys(found))


def wake_reasons(moment: Moment, clock: StateClock) -> list[str]:
    """:func:`wakes` in the trail's terms."""
    return [w.text for w in wakes(moment, clock)]
