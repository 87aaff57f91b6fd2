"""What a run reads of its pathway, worked out once per pathway rather than once per journey (a cohort runs thousands
of journeys over one pathway), and what lets a run keep a result while nothing it was worked out from changed.

A guard, an ``until``, an ``applies_to`` or a computed value is a function of what it reads: the facts (through
derived facts: their values, when they were given, their assumed values), the decisions recorded, the clock, and
when its state was entered. :class:`Watch` names those once per expression; a run takes a snapshot of them
(:meth:`pathway.engine.items.RunState.seen`: when each of them last changed, as counts the run keeps: a fact given
again, even with an equal value, counts as a change) and :class:`Kept` gives back the result worked out from the same
snapshot, so a kept result is the result the expression gives now.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from pathway.definition.analysis import Analysis
from pathway.definition.constraints import assumed_values
from pathway.definition.domains import facts_read
from pathway.definition.index import TransitionInfo
from pathway.definition.model import Recommendation
from pathway.definition.values import ValueRule
from pathway.engine.dependencies import guard_reads
from pathway.expr import Compiled
from pathway.expr.durations import parse_duration

V = TypeVar("V")


@dataclass(frozen=True)
class Watch:
    """What one or more expressions read: the facts (derived facts followed), the decisions, whether the clock, and
    the state whose entry time they read (``time_in_state()``, a timer), if any."""

    facts: tuple[str, ...]
    decisions: tuple[str, ...]
    clock: bool
    entered: str | None = None


def watch(analysis: Analysis, compiled: Iterable[Compiled], source: str | None = None, timer: bool = False) -> Watch:
    """What these expressions read; ``source`` is the state of a guard (read for ``time_in_state()``, or when the
    transition is a timer)."""
    reads = [guard_reads(analysis, c) for c in compiled]
    in_state = timer or any(c.in_state for c in compiled)
    return Watch(
        tuple(sorted({f for r in reads for f in r.facts})),
        tuple(sorted({k for r in reads for k in r.decisions})),
        timer or any(r.clock for r in reads),
        source if in_state else None,
    )


Seen = tuple[int | None, ...]
"""A snapshot of what an expression reads: when each of its inputs last changed (a count the run keeps)."""


def same(old: Seen | None, new: Seen) -> bool:
    """Whether nothing a snapshot names changed between the two."""
    return old == new


class Kept(Generic[V]):
    """Results kept by key, each with the snapshot of what it was worked out from."""

    def __init__(self) -> None:
        self.kept: dict[object, tuple[Seen, V]] = {}

    def get(self, key: object, seen: Seen) -> V | None:
        """The result kept for ``key`` if nothing it read changed since it was worked out, else None."""
        found = self.kept.get(key)
        if found is not None and same(found[0], seen):
            return found[1]
        return None

    def put(self, key: object, seen: Seen, result: V) -> V:
        self.kept[key] = (seen, result)
        return result


class RunTables:
    """What every run of one pathway reads of it (build with :func:`tables`)."""

    def __init__(self, analysis: Analysis) -> None:
        index = analysis.index
        self.order = {state: n for n, state in enumerate(index.states)}
        self.rules: dict[tuple[str, str], Recommendation] = {
            (state, rule.action): rule for state, info in index.states.items() for rule in info.state.recommendations
        }
        # state -> (the actions it recommends, the findings it concludes)
        self.offers = {state: (info.recommended, tuple(info.state.conclude)) for state, info in index.states.items()}
        self.valid_for = {
            name: parse_duration(fact.valid_for)
            for name, fact in analysis.pathway.facts.items()
            if fact.valid_for is not None
        }
        self.fulfilling = frozenset(f for a in analysis.pathway.actions.values() for f in a.fulfilled_by or ())
        # The timers of each state that has any, in document order.
        self.timed = {
            state: found
            for state in index.states
            if (found := tuple(t for t in index.outgoing(state) if t.after is not None))
        }
        self.untils = {key: watch(analysis, [c]) for key, c in analysis.untils.items()}
        self.applies = {action: watch(analysis, [c]) for action, c in analysis.applies_to.items()}
        self.values = {
            action: watch(analysis, [c for rule in rules.values() for c in _value_exprs(rule)])
            for action, rules in analysis.values.items()
        }
        self._assumptions(analysis)

    def _assumptions(self, analysis: Analysis) -> None:
        assumed = frozenset(analysis.assumptions)
        # A constraint that reads no assumed fact (through derived facts) breaks or holds alike with or without an
        # assumption, so it never withholds one: the assumed values depend on the assumed facts and on the facts the
        # other constraints read (exactly what assumed_values reads of them). Without such constraints, an
        # assumption holds while its fact is not given.
        deciding = [c for c in analysis.constraints.values() if facts_read(analysis, c.names) & assumed]
        self.constrained = bool(deciding)
        self.assumed_inputs = tuple(sorted(assumed | facts_read(analysis, {n for c in deciding for n in c.names})))
        # The eventless guards an assumed value can decide, by state in document order: those that read an assumed
        # fact (through derived facts), each with what it reads.
        self.deciding: dict[str, tuple[tuple[TransitionInfo, Watch], ...]] = {}
        for state in analysis.index.states:
            found = tuple(
                (t, watch(analysis, [guard], t.source, t.after is not None))
                for t in analysis.index.outgoing(state)
                if t.event is None
                and (guard := analysis.guards.get(t.id)) is not None
                and facts_read(analysis, guard.names) & assumed
            )
            if found:
                self.deciding[state] = found

    def assumed(self, analysis: Analysis, facts: Mapping[str, object]) -> dict[str, object]:
        """The assumed values that hold with these facts given (:func:`pathway.definition.constraints.assumed_values`,
        without evaluating the constraints when none could withhold an assumption)."""
        if self.constrained:
            return assumed_values(analysis, facts)
        return {name: value for name, value in analysis.assumptions.items() if name not in facts}


def _value_exprs(rule: ValueRule) -> list[Compiled]:
    """The expressions a computed value evaluates: its expression, or its cases' guards."""
    if rule.expr is not None:
        return [rule.expr]
    return [case.when for case in rule.cases if case.when is not None]


_TABLES: weakref.WeakKeyDictionary[Analysis, RunTables] = weakref.WeakKeyDictionary()


def tables(analysis: Analysis) -> RunTables:
    """The run tables of a pathway, built once (kept while the analysis lives)."""
    found = _TABLES.get(analysis)
    if found is None:
        found = _TABLES[analysis] = RunTables(analysis)
    return found
