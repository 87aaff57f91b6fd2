"""What a move of the clock can have changed, for the compiled engine's selector (:mod:`pathway.engine.incremental`):
the derived facts and guards that read the clock themselves, where the move passes one of their crossings
(:mod:`pathway.engine.crossings`), and the states whose timers fell due.

Each clocked guard or derived fact keeps the quiet stretch of time around the clock in which no crossing of it lies
(:func:`~pathway.engine.dependencies.quiet_stretch`), worked out again when the clock leaves it and dropped when a
fact it reads changes; a move inside the stretch common to all of them is dismissed at once.
"""

from __future__ import annotations

from datetime import datetime

from pathway.engine.crossings import Crossing
from pathway.engine.dependencies import Dependencies, passes, quiet_stretch, timer_falls
from pathway.engine.selection import Clock
from pathway.expr import Scope


class ClockWatch:
    """One run's quiet stretches of the clock, and what each move of it can have changed."""

    def __init__(self, dependencies: Dependencies) -> None:
        self.deps = dependencies
        self.quiet: dict[str, tuple[datetime, datetime]] = {}  # clocked guard or derived fact -> its quiet stretch
        self.calm: tuple[datetime, datetime] | None = None  # inside every quiet stretch (each one there is)

    def moved(self, scope: Scope, clock: Clock, before: datetime | None) -> tuple[list[str], list[str], list[str]]:
        """The clock moved from ``before`` to ``clock.now``: the derived facts (with the derived facts that read
        them), the guards (with those that read those derived facts) and the states with a timer (one that fell due
        or, the clock going back, is pending again) whose evaluation or outcome the move can have changed."""
        deps, now = self.deps, clock.now
        derived: list[str] = []
        guards: list[str] = []
        calm = self.calm
        if calm is None or before is None or not (calm[0] < before < calm[1] and calm[0] < now < calm[1]):
            for name, crossed in deps.derived_clocked.items():
                if self._moved(name, crossed, scope, before, now):
                    derived += (name, *deps.derived_by_fact.get(name, ()))
                    guards += deps.by_fact.get(name, ())
            guards += [t for t, crossed in deps.clocked.items() if self._moved(t, crossed, scope, before, now)]
            self.calm = self._common_stretch()
        entered = clock.entered
        states = [s for s, afters in deps.timers.items() if timer_falls(afters, entered.get(s), before, now)]
        return derived, guards, states

    def fact_changed(self, fact: str) -> None:
        """A fact changed: the quiet stretches of what reads it no longer hold."""
        keys = self.deps.clocked_by_fact.get(fact)
        if keys:
            for key in keys:
                self.quiet.pop(key, None)
            self.calm = None

    def _common_stretch(self) -> tuple[datetime, datetime] | None:
        """The stretch inside every clocked guard's and derived fact's quiet stretch, when each has one: a move of
        the clock inside it is dismissed for all at once, as :meth:`_moved` would dismiss it for each."""
        quiet = self.quiet
        if not quiet or len(quiet) < len(self.deps.derived_clocked) + len(self.deps.clocked):
            return None
        stretches = quiet.values()
        low, high = max(s[0] for s in stretches), min(s[1] for s in stretches)
        return (low, high) if low < high else None

    def _moved(
        self, key: str, crossed: tuple[Crossing, ...] | None, scope: Scope, before: datetime | None, now: datetime
    ) -> bool:
        """Whether the clock's move can have changed this clocked guard's or derived fact's evaluation
        (:func:`~pathway.engine.dependencies.passes`): not while it stays inside the quiet stretch worked out the
        last time (dropped when a fact it reads changes); the stretch around ``now`` is worked out again when it
        leaves it."""
        stretch = self.quiet.get(key)
        if stretch is not None and before is not None and stretch[0] < before < stretch[1]:
            if stretch[0] < now < stretch[1]:
                return False
            moved = True  # a moment at an end of the stretch lies between before and now
        else:
            moved = passes(crossed, scope, before, now)
        found = quiet_stretch(crossed, scope, now)
        if found is None:
            self.quiet.pop(key, None)
        else:
            self.quiet[key] = found
        return moved
