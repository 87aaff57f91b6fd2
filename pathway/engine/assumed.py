"""The assumptions of one run (a fact's ``assume``, ``docs/recommendations.md``): the assumed values the guards' scope
holds now, and the assumptions in force, with since when.

An assumption is in force from the first recorded read of its assumed value (a transition, a checked alternative, a
timer, a wait, an error), or from the first moment it decides an eventless guard of an active state that does not
fire (which no record shows, yet keeps the patient where they are), until an input gives the fact. The summary lists
the ones still assumed; the facts given may have come to contradict one (:mod:`pathway.definition.constraints`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from pathway.definition.analysis import Analysis
from pathway.definition.index import TransitionInfo
from pathway.engine.checks import json_value
from pathway.engine.selection import Clock, check_timer
from pathway.engine.tables import Kept, Seen, Watch, tables
from pathway.expr import Scope
from pathway.trail.parts import Assumed, Read, ReadAssumed
from pathway.trail.plain import trusted

_UNSET = object()


class Assumptions:
    """The assumed values of a run's scope (``now``) and the assumptions in force (fact -> since when)."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.tables = tables(analysis)
        self.now: dict[str, object] = {}
        self.in_force: dict[str, str] = {}
        self.changes = 0  # how many times the assumed values were worked out again
        self._last: tuple[object, ...] | None = None
        self._decided: Kept[frozenset[str]] = Kept()  # transition -> the assumed facts that decide it

    def current(self, facts: Mapping[str, object]) -> dict[str, object]:
        """The assumed values that hold with these facts given: what the next scope holds (worked out again only
        when a fact they depend on changed: :class:`~pathway.engine.tables.RunTables`)."""
        if not self.analysis.assumptions:
            return self.now
        key = tuple(facts.get(name, _UNSET) for name in self.tables.assumed_inputs)
        if key != self._last:
            self._last, self.now = key, self.tables.assumed(self.analysis, facts)
            self.changes += 1
        return self.now

    def given(self, fact: str) -> None:
        """An input gave the fact: its assumption, if any, is no longer in force."""
        self.in_force.pop(fact, None)

    def note(self, read: Mapping[str, Read] | None, at: str) -> None:
        """A recorded read: each assumed value it took is in force from ``at`` (unless it already was)."""
        for name, entry in (read or {}).items():
            if isinstance(entry, ReadAssumed):
                self.in_force.setdefault(name, at)

    def deciding(self, active: Collection[str]) -> list[tuple[TransitionInfo, Watch]]:
        """The eventless transitions of the active states (in document order) whose guards an assumed value could
        decide now (:meth:`current` worked out), with what they read: none when every value assumed now is in force
        already, since :meth:`standing` could then bring nothing more into force."""
        if self.now.keys() <= self.in_force.keys():
            return []
        return [found for state, of in self.tables.deciding.items() if state in active for found in of]

    def standing(
        self,
        transitions: Iterable[tuple[TransitionInfo, Seen]],
        scope: Scope,
        clock: Clock,
        at: str,
    ) -> None:
        """Each assumed value that decides one of these eventless transitions' guards now is in force from ``at``
        (a timer not due yet reads nothing). Each transition comes with the snapshot of what its guard reads: the
        facts that decided it are kept while that does not change."""
        for t, seen in transitions:
            names = self._decided.get(t.id, seen)
            if names is None:
                checked = check_timer(t, self.analysis, scope, clock)
                names = checked.evaluation.assumed if checked.evaluation is not None else frozenset()
                self._decided.put(t.id, seen, names)
            for name in names:
                self.in_force.setdefault(name, at)

    def summary(self, facts: Mapping[str, object]) -> tuple[Assumed, ...]:
        """The assumptions in force and still assumed with these facts given, by fact name, with their notes."""
        live = self.tables.assumed(self.analysis, facts)
        declared = self.analysis.pathway.facts
        return tuple(
            trusted(Assumed, fact=name, value=json_value(live[name]), since=since, note=" ".join(assume.note.split()))
            for name, since in sorted(self.in_force.items())
            if name in live and (assume := declared[name].assume) is not None
        )
