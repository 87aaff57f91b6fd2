"""Incremental selection for the compiled engine: each state's outcome (:func:`pathway.engine.selection.decide`)
is kept and worked out again only when something it reads has changed.

What a state's outcome reads is known from the pathway: the facts its guards read (through derived facts too,
their values, whether and when they were given, and their assumed values), the decisions they read (``done(a)``
...), the clock (a timer, ``time_in_state()``, ``days_since`` ... in a guard or a derived fact it reads), and when
the state was entered. Before each microstep the selector compares what the scope holds with what it held at the
last one and forgets the outcomes of the states that read what changed; every other outcome is the one
:func:`~pathway.engine.selection.decide` gave over the same values, so it is the outcome it would give now. The
scan over the active states and the choice among them (:func:`~pathway.engine.selection.select_with`) are the
reference rule's own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.domains import names_read
from pathway.engine.selection import Clock, Fire, Selection, Wait, decide, leaves, select_with
from pathway.expr import Compiled, Scope

_ABSENT: Final = object()


def _same(old: object, new: object) -> bool:
    """The same value for every purpose a guard has, the type included (``1`` is not ``1.0``, nor ``True``)."""
    return old is new or (type(old) is type(new) and old == new)


def _changed(old: Mapping[str, object], new: Mapping[str, object]) -> set[str]:
    """The keys whose value differs between two snapshots, a key present in one only included."""
    changed = {key for key, value in new.items() if not _same(old.get(key, _ABSENT), value)}
    changed.update(old.keys() - new.keys())
    return changed


@dataclass(frozen=True)
class Reads:
    """What one guard reads, through the derived facts it reads: facts (value, given time, assumed value),
    decisions, and whether it reads the clock."""

    facts: frozenset[str]
    decisions: frozenset[str]
    clock: bool


def guard_reads(analysis: Analysis, compiled: Compiled) -> Reads:
    """Everything a compiled guard's evaluation can depend on, derived facts followed to the facts they read."""
    names = names_read(analysis, compiled.names)
    subs = [analysis.derived[n] for n in names if n in analysis.derived]
    facts = names.union(compiled.last, *(sub.last for sub in subs))  # a derived name too: harmless
    clock = compiled.clock or compiled.in_state or any(sub.clock or sub.in_state for sub in subs)
    return Reads(facts, compiled.recorded, clock)


class Dependencies:
    """For a pathway, once: which states' outcomes read each fact and each decision, and which read the clock."""

    def __init__(self, analysis: Analysis) -> None:
        by_fact: dict[str, set[str]] = defaultdict(set)
        by_decision: dict[str, set[str]] = defaultdict(set)
        clocked: set[str] = set()
        for t in analysis.index.transitions:
            if t.after is not None:
                clocked.add(t.source)
            if t.when is None or t.when == OTHERWISE:
                continue
            reads = guard_reads(analysis, analysis.guards[t.id])
            for fact in reads.facts:
                by_fact[fact].add(t.source)
            for key in reads.decisions:
                by_decision[key].add(t.source)
            if reads.clock:
                clocked.add(t.source)
        self.by_fact: Mapping[str, frozenset[str]] = {f: frozenset(s) for f, s in by_fact.items()}
        self.by_decision: Mapping[str, frozenset[str]] = {k: frozenset(s) for k, s in by_decision.items()}
        self.clocked: frozenset[str] = frozenset(clocked)


class Seen:
    """What the scope and the clock held at the last microstep (copies: the run changes its own in place)."""

    def __init__(self) -> None:
        self.facts: dict[str, object] = {}
        self.given: dict[str, datetime] = {}
        self.assumed: dict[str, object] = {}
        self.recorded: dict[str, datetime] = {}
        self.entered: dict[str, datetime] = {}
        self.now: datetime | None = None

    def update(self, scope: Scope, clock: Clock) -> tuple[set[str], set[str], set[str], bool]:
        """Take the new values; return the facts, decisions and states whose inputs changed, and whether the clock
        moved."""
        facts = _changed(self.facts, scope.facts) | _changed(self.given, scope.given)
        facts |= _changed(self.assumed, scope.assumed)
        decisions = _changed(self.recorded, scope.recorded)
        entered = _changed(self.entered, clock.entered)
        moved = not _same(self.now, clock.now)
        self.facts, self.given, self.assumed = dict(scope.facts), dict(scope.given), dict(scope.assumed)
        self.recorded, self.entered, self.now = dict(scope.recorded), dict(clock.entered), clock.now
        return facts, decisions, entered, moved


class IncrementalSelector:
    """One run's selection with kept outcomes: the same :class:`~pathway.engine.selection.Selection` as
    :func:`~pathway.engine.selection.select`, each state decided again only when what it reads has changed (and the
    whole selection kept while no state's outcome, the active states and the trigger change)."""

    def __init__(self, analysis: Analysis, dependencies: Dependencies) -> None:
        self.analysis = analysis
        self.deps = dependencies
        self.kept: dict[tuple[str, str | None], Fire | Wait | None] = {}
        self.by_state: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        self.seen = Seen()
        self._active: frozenset[str] | None = None
        self._leaves: list[tuple[str, ...]] = []
        self._last: tuple[frozenset[str], str | None, Selection] | None = None

    def forget(self, states: Iterable[str]) -> None:
        by_state, kept = self.by_state, self.kept
        for state in states:
            keys = by_state.pop(state, None)
            if keys:
                for key in keys:
                    del kept[key]
                self._last = None

    def refresh(self, scope: Scope, clock: Clock) -> None:
        """Forget the outcomes of the states that read what changed since the last microstep."""
        facts, decisions, entered, moved = self.seen.update(scope, clock)
        if moved:
            self.forget(self.deps.clocked)
        self.forget(entered)
        by_fact, by_decision = self.deps.by_fact, self.deps.by_decision
        for fact in facts:
            self.forget(by_fact.get(fact, ()))
        for key in decisions:
            self.forget(by_decision.get(key, ()))

    def select(self, active: frozenset[str], trigger: str | None, scope: Scope, clock: Clock) -> Selection:
        """Every transition to fire in this microstep, the states that wait, and the transitions preempted."""
        self.refresh(scope, clock)
        last = self._last
        if last is not None and last[0] is active and last[1] == trigger:
            return last[2]
        index, analysis = self.analysis.index, self.analysis
        if active is not self._active:
            self._active, self._leaves = active, leaves(index, active)
        kept, by_state = self.kept, self.by_state

        def outcome_of(state: str) -> Fire | Wait | None:
            key = (state, trigger)
            if key in kept:
                return kept[key]
            result = kept[key] = decide(index, analysis, state, trigger, scope, clock)
            by_state[state].append(key)
            return result

        selection = select_with(index, active, self._leaves, outcome_of)
        self._last = (active, trigger, selection)
        return selection
