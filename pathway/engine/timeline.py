"""The engine's clock: when each active state was entered, when each fact was given and when it goes stale, and
the next moment the engine must wake between two inputs (a timer, a recurrence, a stale fact).

The rules are in ``docs/time.md``; :mod:`pathway.engine.execute` drives the clock, this module only keeps time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from pathway.definition.analysis import Analysis
from pathway.definition.index import TransitionInfo
from pathway.engine.selection import Clock
from pathway.engine.tables import tables
from pathway.expr.durations import later


@dataclass(frozen=True)
class Timer:
    """A timer of an active state that has not fallen due yet."""

    due: datetime
    transition: TransitionInfo
    entered: datetime  # when its state was entered


class Timeline:
    """The times one run keeps: state entries, facts given and going stale. ``now`` is the clock."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.now = datetime.min
        self.moments = 0  # how many times the clock was set (each input, each wake-up): what kept results compare
        self.entries: dict[str, int] = {}  # state -> the moment it was (last) entered
        self.entered: dict[str, datetime] = {}
        self.entry_log: list[str] = []  # every state entered or left, in order (what Clock.changes carries)
        self.given: dict[str, datetime] = {}
        self.stale_at: dict[str, datetime] = {}
        self.valid_for = tables(analysis).valid_for
        self.timed = tables(analysis).timed  # the timers of each state that has any: the only states timers() reads

    def set(self, now: datetime) -> None:
        """The clock moves (or stays) at ``now``: a new moment."""
        self.now = now
        self.moments += 1

    def clock(self) -> Clock:
        return Clock(self.now, self.entered, (self.entry_log, len(self.entry_log)))

    def enter(self, states: Iterable[str]) -> None:
        for state in states:
            self.entered[state] = self.now
            self.entries[state] = self.moments
            self.entry_log.append(state)

    def leave(self, states: Iterable[str]) -> None:
        for state in states:
            self.entered.pop(state, None)
            self.entries.pop(state, None)
            self.entry_log.append(state)

    def give(self, name: str) -> None:
        """Fact ``name`` was given a value now: it is current until its ``valid_for`` runs out."""
        self.given[name] = self.now
        length = self.valid_for.get(name)
        if length is not None:
            self.stale_at[name] = later(self.now, length)

    def going_stale(self) -> list[str]:
        """The facts whose value goes stale at or before now, by name; they are forgotten here."""
        names = sorted(name for name, at in self.stale_at.items() if at <= self.now)
        for name in names:
            del self.stale_at[name]
        return names

    def timers(self, active: Iterable[str]) -> Iterator[Timer]:
        """The timers of the active states that fall due after now, in document order."""
        for state, timed in self.timed.items():
            entered = self.entered.get(state)
            if entered is None or state not in active:
                continue
            for t in timed:
                assert t.after is not None  # only timers are kept
                due = later(entered, t.after)
                if due > self.now:
                    yield Timer(due, t, entered)

    def next_wake(self, active: Iterable[str], recurrences: Iterable[datetime], limit: datetime) -> datetime | None:
        """The first moment after now and at or before ``limit`` when something falls due, or None."""
        moments = [t.due for t in self.timers(active)]
        moments += [at for at in self.stale_at.values()]
        moments += list(recurrences)
        due = [at for at in moments if self.now < at <= limit]
        return min(due) if due else None
