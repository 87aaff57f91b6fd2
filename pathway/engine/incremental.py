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

from pathway.definition.analysis import Analysis
from pathway.definition.domains import names_read
from pathway.definition.index import TransitionInfo
from pathway.engine.selection import Clock, Fire, Selection, Wait, decide, leaves, select_with
from pathway.expr import Compiled, Evaluation, Scope

_ABSENT: Final = object()


def _same(old: object, new: object) -> bool:
    """The same value for every purpose a guard has, the type included (``1`` is not ``1.0``, nor ``True``)."""
    return old is new or (type(old) is type(new) and old == new)


def _changed(old: Mapping[str, object], new: Mapping[str, object]) -> set[str]:
    """The keys whose value differs between two snapshots (as :func:`_same` compares), a key present in one only
    included. Most microsteps change nothing: equal mappings whose values have the same types, key by key, are
    found so at C speed; otherwise a value left alone keeps its identity, so most keys cost one ``is``."""
    if old == new and list(old) == list(new) and list(map(type, old.values())) == list(map(type, new.values())):
        return set()
    changed = {
        key
        for key, value in new.items()
        if (was := old.get(key, _ABSENT)) is not value and (type(was) is not type(value) or was != value)
    }
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
    """For a pathway, once: which guards read each fact and each decision, which read the clock, which read when
    their state was entered; the states each guard belongs to, and the states with timers."""

    def __init__(self, analysis: Analysis) -> None:
        by_fact: dict[str, set[str]] = defaultdict(set)
        by_decision: dict[str, set[str]] = defaultdict(set)
        clocked: set[str] = set()
        in_state: dict[str, set[str]] = defaultdict(set)
        for t in analysis.index.transitions:
            compiled = analysis.guards.get(t.id)
            if compiled is None:
                continue
            reads = guard_reads(analysis, compiled)
            for fact in reads.facts:
                by_fact[fact].add(t.id)
            for key in reads.decisions:
                by_decision[key].add(t.id)
            if reads.clock:
                clocked.add(t.id)
            if compiled.in_state:
                in_state[t.source].add(t.id)
        self.by_fact: Mapping[str, frozenset[str]] = {f: frozenset(ts) for f, ts in by_fact.items()}
        self.by_decision: Mapping[str, frozenset[str]] = {k: frozenset(ts) for k, ts in by_decision.items()}
        self.clocked: frozenset[str] = frozenset(clocked)
        self.in_state: Mapping[str, frozenset[str]] = {s: frozenset(ts) for s, ts in in_state.items()}
        self.source: Mapping[str, str] = {t.id: t.source for t in analysis.index.transitions}
        derived_by_fact: dict[str, set[str]] = defaultdict(set)
        derived_clocked: set[str] = set()
        for name, compiled in analysis.derived.items():
            reads = guard_reads(analysis, compiled)
            for fact in reads.facts:
                derived_by_fact[fact].add(name)
            if reads.clock:
                derived_clocked.add(name)
        self.derived_by_fact: Mapping[str, frozenset[str]] = {f: frozenset(d) for f, d in derived_by_fact.items()}
        self.derived_clocked: frozenset[str] = frozenset(derived_clocked)
        self.timed: frozenset[str] = frozenset(t.source for t in analysis.index.transitions if t.after is not None)


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
        facts = self._take("facts", scope.facts) | self._take("given", scope.given)
        facts |= self._take("assumed", scope.assumed)
        decisions = self._take("recorded", scope.recorded)
        entered = self._take("entered", clock.entered)
        moved = not _same(self.now, clock.now)
        self.now = clock.now
        return facts, decisions, entered, moved

    def _take(self, name: str, new: Mapping[str, object]) -> set[str]:
        """The keys of one snapshot that changed; the snapshot is copied again only then."""
        changed = _changed(getattr(self, name), new)
        if changed:
            setattr(self, name, dict(new))
        return changed


class IncrementalSelector:
    """One run's selection with kept work: the same :class:`~pathway.engine.selection.Selection` as
    :func:`~pathway.engine.selection.select`. A guard is evaluated again only when what it reads has changed; a
    state is decided again only when one of its guards was, or (a state with a timer) the clock moved or it was
    entered again; the whole selection is kept while no state's outcome, the active states and the trigger change."""

    def __init__(self, analysis: Analysis, dependencies: Dependencies) -> None:
        self.analysis = analysis
        self.deps = dependencies
        self.evaluations: dict[str, Evaluation] = {}
        self.derived: dict[str, Evaluation] = {}  # derived fact -> its evaluation, kept like the guards'
        self.kept: dict[tuple[str, str | None], Fire | Wait | None] = {}
        self.by_state: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        self.seen = Seen()
        self._active: frozenset[str] | None = None
        self._leaves: list[tuple[str, ...]] = []
        self._last: tuple[frozenset[str], str | None, Selection] | None = None

    def forget_states(self, states: Iterable[str]) -> None:
        by_state, kept = self.by_state, self.kept
        for state in states:
            keys = by_state.pop(state, None)
            if keys:
                for key in keys:
                    del kept[key]
                self._last = None

    def forget_guards(self, transitions: Iterable[str]) -> None:
        evaluations, source = self.evaluations, self.deps.source
        self.forget_states(source[t] for t in transitions if evaluations.pop(t, None) is not None)

    def refresh(self, scope: Scope, clock: Clock) -> None:
        """Forget the evaluations and outcomes that read what changed since the last microstep."""
        facts, decisions, entered, moved = self.seen.update(scope, clock)
        deps, derived = self.deps, self.derived
        if moved:
            for name in deps.derived_clocked:
                derived.pop(name, None)
            self.forget_guards(deps.clocked)
            self.forget_states(deps.timed)
        if entered:
            self.forget_guards(t for state in entered for t in deps.in_state.get(state, ()))
            self.forget_states(entered & deps.timed)
        for fact in facts:
            for name in deps.derived_by_fact.get(fact, ()):
                derived.pop(name, None)
            self.forget_guards(deps.by_fact.get(fact, ()))
        for key in decisions:
            self.forget_guards(deps.by_decision.get(key, ()))

    def select(self, active: frozenset[str], trigger: str | None, scope: Scope, clock: Clock) -> Selection:
        """Every transition to fire in this microstep, the states that wait, and the transitions preempted."""
        self.refresh(scope, clock)
        scope.keep_derived(self.derived)
        last = self._last
        if last is not None and last[0] is active and last[1] == trigger:
            return last[2]
        index, analysis = self.analysis.index, self.analysis
        if active is not self._active:
            self._active, self._leaves = active, leaves(index, active)
        kept, by_state, evaluations = self.kept, self.by_state, self.evaluations
        guards, entered = analysis.guards, clock.entered

        def evaluate(t: TransitionInfo) -> Evaluation:
            found = evaluations.get(t.id)
            if found is None:
                found = evaluations[t.id] = guards[t.id].evaluate(scope, entered.get(t.source))
            return found

        def outcome_of(state: str) -> Fire | Wait | None:
            key = (state, trigger)
            if key in kept:
                return kept[key]
            result = kept[key] = decide(index, analysis, state, trigger, scope, clock, evaluate)
            by_state[state].append(key)
            return result

        selection = select_with(index, active, self._leaves, outcome_of)
        self._last = (active, trigger, selection)
        return selection
