"""What the compiled engine's kept work depends on (:mod:`pathway.engine.incremental`): for a pathway, once, which
guards and derived facts read each fact, decision and the clock, and the scan over each active configuration; per
run, what the scope held at the last microstep, to find what changed since.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import is_
from typing import Final

from pathway.definition.analysis import Analysis
from pathway.definition.domains import names_read
from pathway.engine.crossings import Crossing, crossings, quiet
from pathway.engine.procedures import exits, steps
from pathway.engine.selection import Clock
from pathway.expr import Compiled, Scope
from pathway.expr.durations import later
from pathway.expr.types import same_value

_ABSENT: Final = object()
MAX_LAYOUTS: Final = 4096


def _changed(old: Mapping[str, object], new: Mapping[str, object]) -> set[str]:
    """The keys whose value differs between two snapshots (as :func:`~pathway.expr.types.same_value` compares), a
    key present in one only included. Most microsteps change nothing, and a value left alone keeps its identity:
    equal mappings whose values are the very same objects, in the same order, are found so at C speed; otherwise
    each key costs one ``is``."""
    if old == new and all(map(is_, old.values(), new.values())):
        return set()
    changed = {
        key for key, value in new.items() if (was := old.get(key, _ABSENT)) is not value and not same_value(was, value)
    }
    changed.update(old.keys() - new.keys())
    return changed


@dataclass(frozen=True)
class Reads:
    """What one guard reads, through the derived facts it reads: facts (value, given time, assumed value),
    decisions, whether it reads the clock, and whether it reads when a fact was last given (``last()``)."""

    facts: frozenset[str]
    decisions: frozenset[str]
    clock: bool
    last: bool = False


def guard_reads(analysis: Analysis, compiled: Compiled) -> Reads:
    """Everything a compiled guard's evaluation can depend on, derived facts followed to the facts they read."""
    names = names_read(analysis, compiled.names)
    subs = [analysis.derived[n] for n in names if n in analysis.derived]
    facts = names.union(compiled.last, *(sub.last for sub in subs))  # a derived name too: harmless
    clock = compiled.clock or compiled.in_state or any(sub.clock or sub.in_state for sub in subs)
    return Reads(facts, compiled.recorded, clock, bool(compiled.last) or any(sub.last for sub in subs))


class Dependencies:
    """For a pathway, once: which guards read each fact and each decision (through derived facts too: a derived
    fact's name counts as a fact it reads), which guards and derived facts read the clock themselves and when the
    clock can change them (:mod:`pathway.engine.crossings`), which read when their state was entered; the states
    each guard belongs to, and the states with timers."""

    def __init__(self, analysis: Analysis) -> None:
        by_fact: dict[str, set[str]] = defaultdict(set)
        by_decision: dict[str, set[str]] = defaultdict(set)
        clocked: dict[str, tuple[Crossing, ...] | None] = {}
        in_state: dict[str, set[str]] = defaultdict(set)
        declared = analysis.pathway.facts
        for t in analysis.index.transitions:
            compiled = analysis.guards.get(t.id)
            if compiled is None:
                continue
            reads = guard_reads(analysis, compiled)
            for fact in reads.facts:
                by_fact[fact].add(t.id)
            for key in reads.decisions:
                by_decision[key].add(t.id)
            if compiled.clock:
                clocked[t.id] = crossings(compiled, declared)
            if compiled.in_state:
                in_state[t.source].add(t.id)
        self.by_fact: Mapping[str, frozenset[str]] = {f: frozenset(ts) for f, ts in by_fact.items()}
        self.by_decision: Mapping[str, frozenset[str]] = {k: frozenset(ts) for k, ts in by_decision.items()}
        self.clocked: Mapping[str, tuple[Crossing, ...] | None] = clocked  # guards reading the clock themselves
        self.in_state: Mapping[str, frozenset[str]] = {s: frozenset(ts) for s, ts in in_state.items()}
        self.source: Mapping[str, str] = {t.id: t.source for t in analysis.index.transitions}
        derived_by_fact: dict[str, set[str]] = defaultdict(set)
        derived_clocked: dict[str, tuple[Crossing, ...] | None] = {}
        for name, compiled in analysis.derived.items():
            reads = guard_reads(analysis, compiled)
            for fact in reads.facts:
                derived_by_fact[fact].add(name)
            if compiled.clock:
                derived_clocked[name] = crossings(compiled, declared)
        self.derived_by_fact: Mapping[str, frozenset[str]] = {f: frozenset(d) for f, d in derived_by_fact.items()}
        self.derived_clocked: Mapping[str, tuple[Crossing, ...] | None] = derived_clocked  # reading it themselves
        self.clocked_by_fact = _clocked_by_fact((by_fact, derived_by_fact), clocked.keys() | derived_clocked.keys())
        self.timers = _timers(analysis)
        self.timed: frozenset[str] = frozenset(self.timers)
        index = analysis.index
        self._order: Mapping[str, int] = {s: n for n, s in enumerate(index.states)}  # document order
        self._chain: Mapping[str, tuple[str, ...]] = {s: (s, *index.ancestors(s)) for s in index.states}
        self._children: Mapping[str, frozenset[str]] = {
            s: frozenset(c for c in info.children) for s, info in index.states.items()
        }
        self._layouts: dict[frozenset[str], Layout] = {}
        self.steps = steps(analysis)  # each state's decision procedure per trigger
        self.exits = exits(index)  # what each selected transition exits

    def layout(self, active: frozenset[str]) -> Layout:
        """The scan over an active configuration (kept for the configurations met most: a cohort meets the same
        ones again and again; at most :data:`MAX_LAYOUTS` are kept, so memory stays bounded)."""
        found = self._layouts.get(active)
        if found is None:
            children, chain_of = self._children, self._chain
            atomic = sorted((s for s in active if children[s].isdisjoint(active)), key=self._order.__getitem__)
            chains = [chain_of[s] for s in atomic]  # what selection.leaves gives, from tables made once
            visits: dict[str, int] = {}
            for chain in chains:
                for state in chain:
                    visits.setdefault(state, len(visits))
            found = Layout(chains, visits)
            if len(self._layouts) >= MAX_LAYOUTS:
                self._layouts.clear()
            self._layouts[active] = found
        return found


def _timers(analysis: Analysis) -> Mapping[str, tuple[timedelta, ...]]:
    """The states with timers, each with its timers' durations (``after``)."""
    found: dict[str, list[timedelta]] = defaultdict(list)
    for t in analysis.index.transitions:
        if t.after is not None:
            found[t.source].append(t.after)
    return {state: tuple(afters) for state, afters in found.items()}


def _clocked_by_fact(readers: Iterable[Mapping[str, set[str]]], clocked: Set[str]) -> Mapping[str, frozenset[str]]:
    """For each fact, the clocked guards and derived facts that read it (whose quiet stretch it can move)."""
    found: dict[str, set[str]] = defaultdict(set)
    for by_fact in readers:
        for fact, names in by_fact.items():
            found[fact].update(names & clocked)
    return {fact: frozenset(names) for fact, names in found.items() if names}


@dataclass(frozen=True)
class Layout:
    """The scan over one active configuration: the active atomic states with their ancestors
    (:func:`~pathway.engine.selection.leaves`), and every active state in the order the scan first meets it when
    no state fires (then it meets every active state, once)."""

    chains: list[tuple[str, ...]]
    visits: Mapping[str, int]


class Mark:
    """Where a log of names changed stood when it was last read (a log only ever appended to, kept by a run: the
    facts it gave or forgot, the states it entered or left)."""

    __slots__ = ("log", "at")

    def __init__(self) -> None:
        self.log: Sequence[str] | None = None
        self.at = 0

    def since(self, changes: tuple[Sequence[str], int] | None) -> set[str] | None:
        """The names logged since the last reading, when ``changes`` (a log and its length now) is the same log;
        None when it is not (or there is none): then only comparing snapshots can say what changed."""
        if changes is None:
            self.log, self.at = None, 0
            return None
        log, length = changes
        if log is self.log:
            found = set(log[self.at : length])
            self.at = length
            return found
        self.log, self.at = log, length
        return None


class Seen:
    """What the scope and the clock held at the last microstep (copies: the run changes its own in place), or
    where the logs of facts changed and of states entered stood (a scope and a clock that carry the run's logs:
    :class:`~pathway.expr.Scope`'s and :class:`~pathway.engine.selection.Clock`'s ``changes``). A name logged
    counts as changed even if its value came back to what it was: forgetting too much costs work, never an
    outcome."""

    def __init__(self) -> None:
        self.facts_logged = Mark()
        self.entries_logged = Mark()
        self.facts: dict[str, object] = {}
        self.given: dict[str, datetime] = {}
        self.assumed: dict[str, object] = {}
        self.recorded: dict[str, datetime] = {}
        self.entered: dict[str, datetime] = {}
        self.now: datetime | None = None
        self.scope: Scope | None = None

    def update(self, scope: Scope, clock: Clock) -> tuple[set[str], set[str], set[str], bool, datetime | None]:
        """Take the new values; return the facts, decisions and states whose inputs changed, whether the clock
        moved, and where from."""
        if scope is self.scope:  # a scope shows one moment: the run builds a new one when what it shows changes
            facts, decisions = set(), set()
        else:
            facts = self._facts(scope)
            facts |= self._take("assumed", scope.assumed)
            decisions = self._take("recorded", scope.recorded)
            self.scope = scope
        entered = self.entries_logged.since(clock.changes)
        if entered is None:
            entered = self._take("entered", clock.entered)
        elif entered:  # the snapshot stays current (copied at C speed) for a clock without the log
            self.entered = dict(clock.entered)
        before = self.now
        moved = before is not clock.now and not same_value(before, clock.now)
        self.now = clock.now
        return facts, decisions, entered, moved, before

    def _facts(self, scope: Scope) -> set[str]:
        """The facts whose value or given time changed: read from the log when the last scope carried the same
        one, else by comparing snapshots."""
        changed = self.facts_logged.since(scope.changes)
        if changed is None:
            return self._take("facts", scope.facts) | self._take("given", scope.given)
        if changed:  # the snapshots stay current (copied at C speed) for a scope without the log
            self.facts, self.given = dict(scope.facts), dict(scope.given)
        return changed

    def _take(self, name: str, new: Mapping[str, object]) -> set[str]:
        """The keys of one snapshot that changed; the snapshot is copied again only then."""
        changed = _changed(getattr(self, name), new)
        if changed:
            setattr(self, name, dict(new))
        return changed


def timer_falls(
    afters: tuple[timedelta, ...], entered: datetime | None, before: datetime | None, now: datetime
) -> bool:
    """Whether a state's timers (their ``after``), the state entered at ``entered``, can have changed from pending
    to due or back as the clock moved from ``before`` to ``now``: a timer is pending while the clock is before its
    due time (:func:`~pathway.engine.selection.decide`), and a state not entered has none pending."""
    if entered is None:
        return False
    if before is None:
        return True
    return any((before < (due := later(entered, after))) != (now < due) for after in afters)


def passes(crossed: tuple[Crossing, ...] | None, scope: Scope, before: datetime | None, now: datetime | None) -> bool:
    """Whether the clock, moving from ``before`` to ``now``, can have changed an evaluation with these crossings
    (None: any move can), over the facts and the assumed values of ``scope`` (an assumed value is read where the
    facts leave a guard unknown)."""
    if crossed is None or before is None or now is None:
        return True
    return any(c.between(scope.facts, before, now) or c.between(scope.assumed, before, now) for c in crossed)


def quiet_stretch(
    crossed: tuple[Crossing, ...] | None, scope: Scope, now: datetime
) -> tuple[datetime, datetime] | None:
    """The stretch of time around ``now`` in which the clock can move without changing an evaluation with these
    crossings (:func:`passes` is false for any move inside it, both ends left out), over the facts and the assumed
    values of ``scope``; None when there is none (any move can change it, or a crossing falls at ``now``)."""
    if crossed is None:
        return None
    by_facts, by_assumed = quiet(crossed, scope.facts, now), quiet(crossed, scope.assumed, now)
    if by_facts is None or by_assumed is None:
        return None
    return max(by_facts[0], by_assumed[0]), min(by_facts[1], by_assumed[1])
