"""The assumptions of one run (a fact's ``assume``, ``docs/recommendations.md``): the assumed values the guards' scope
holds now, and the assumptions in force, with since when.

An assumption is in force from the first recorded read of its assumed value (a transition, a checked alternative, a
timer, a wait, an error), or from the first moment it decides an eventless guard of an active state that does not
fire (which no record shows, yet keeps the patient where they are), until an input gives the fact. The summary lists
the ones still assumed; the facts given may have come to contradict one (:mod:`pathway.definition.constraints`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pathway.definition.analysis import Analysis
from pathway.definition.constraints import assumed_values
from pathway.definition.domains import facts_read
from pathway.definition.index import TransitionInfo
from pathway.engine.checks import json_value
from pathway.engine.selection import Clock, check_timer
from pathway.expr import Scope
from pathway.trail.parts import Assumed, Read, ReadAssumed

_UNSET = object()


class Assumptions:
    """The assumed values of a run's scope (``now``) and the assumptions in force (fact -> since when)."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.now: dict[str, object] = {}
        self.in_force: dict[str, str] = {}
        assumed = frozenset(analysis.assumptions)
        # What the assumed values depend on: the assumed facts and the facts the constraints read (exactly what
        # assumed_values reads), so that they are worked out again only when one of those changes.
        constrained = facts_read(analysis, {n for c in analysis.constraints.values() for n in c.names})
        self._inputs = tuple(sorted(assumed | constrained))
        self._last: tuple[object, ...] | None = None
        # The eventless guards an assumed value can decide: those that read an assumed fact (through derived facts).
        self._deciding = frozenset(
            t.id
            for t in analysis.index.transitions
            if (guard := analysis.guards.get(t.id)) is not None and facts_read(analysis, guard.names) & assumed
        )

    def current(self, facts: Mapping[str, object]) -> dict[str, object]:
        """The assumed values that hold with these facts given: what the next scope holds (worked out again only
        when a fact they depend on changed)."""
        if not self.analysis.assumptions:
            return self.now
        key = tuple(facts.get(name, _UNSET) for name in self._inputs)
        if key != self._last:
            self._last, self.now = key, assumed_values(self.analysis, facts)
        return self.now

    def given(self, fact: str) -> None:
        """An input gave the fact: its assumption, if any, is no longer in force."""
        self.in_force.pop(fact, None)

    def note(self, read: Mapping[str, Read] | None, at: str) -> None:
        """A recorded read: each assumed value it took is in force from ``at`` (unless it already was)."""
        for name, entry in (read or {}).items():
            if isinstance(entry, ReadAssumed):
                self.in_force.setdefault(name, at)

    def standing(self, transitions: Iterable[TransitionInfo], scope: Scope, clock: Clock, at: str) -> None:
        """Each assumed value that decides one of these eventless transitions' guards now is in force from ``at``
        (a timer not due yet reads nothing)."""
        if not self.analysis.assumptions:
            return
        for t in transitions:
            if t.event is None and t.id in self._deciding:
                checked = check_timer(t, self.analysis, scope, clock)
                for name in checked.evaluation.assumed if checked.evaluation is not None else ():
                    self.in_force.setdefault(name, at)

    def summary(self, facts: Mapping[str, object]) -> tuple[Assumed, ...]:
        """The assumptions in force and still assumed with these facts given, by fact name, with their notes."""
        live = assumed_values(self.analysis, facts)
        declared = self.analysis.pathway.facts
        return tuple(
            Assumed(fact=name, value=json_value(live[name]), since=since, note=" ".join(assume.note.split()))
            for name, since in sorted(self.in_force.items())
            if name in live and (assume := declared[name].assume) is not None
        )
