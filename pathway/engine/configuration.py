"""The configuration of a state chart as plain data: which states are active, and what a transition does to them,
the way python-statemachine 3 takes it (SCXML semantics), without python-statemachine.

The compiled engine keeps its configuration here; lint's search of runs (:mod:`pathway.linter.chart`) takes a
transition's effect from here too. Everything a transition does is worked out once per pathway
(:class:`PlainChart`): the states it may leave (those inside its domain) and the states it enters (its target, the
states around it down from the domain, and the default entry of each: the initial child of a compound state, every
region of a parallel one). Firing is then two set operations.

Termination follows python-statemachine: entering a top-level final state ends the run, and so does entering a
final state that leaves every region of a top-level parallel state resting in a final child. The differential
test (``tests/test_compiled_engine.py``) holds this module to the reference engine, record for record.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pathway.definition.analysis import Analysis
from pathway.definition.index import StateIndex, TransitionInfo


def default_entry(index: StateIndex, state: str) -> set[str]:
    """The state and what entering it enters: the initial child of a compound state, every region of a parallel
    one, and so on down."""
    entered, todo = set(), [state]
    while todo:
        current = todo.pop()
        entered.add(current)
        info = index.states[current]
        if info.kind == "parallel":
            todo.extend(info.children)
        elif info.children:
            todo.extend(c for c in info.children if index.states[c].state.initial)
    return entered


def domain(index: StateIndex, t: TransitionInfo) -> str | None:
    """The state a transition stays inside (None: the root): the nearest proper ancestor of its source that is not
    parallel and contains its target, as python-statemachine takes it (a state left and entered again counts as
    neither, in the trail)."""
    above = set(index.ancestors(t.target))
    for ancestor in index.ancestors(t.source):
        if index.states[ancestor].kind != "parallel" and ancestor in above:
            return ancestor
    return None


def entered_by(index: StateIndex, t: TransitionInfo) -> frozenset[str]:
    """The states a transition enters: its target with the states around it down from its domain, and the default
    entry of each (a parallel state on the way enters its other regions too)."""
    inside = domain(index, t)
    chain = [t.target, *itertools.takewhile(lambda s: s != inside, index.ancestors(t.target))]
    entered = set(chain) | default_entry(index, t.target)
    for state in chain[1:]:
        if index.states[state].kind == "parallel":
            for child in index.states[state].children:
                if child not in chain:
                    entered |= default_entry(index, child)
    return frozenset(entered)


def subtree(index: StateIndex, state: str) -> set[str]:
    """The state and every state inside it."""
    return {s for s in index.states if s == state or state in set(index.ancestors(s))}


def effect(index: StateIndex, active: frozenset[str], t: TransitionInfo) -> frozenset[str]:
    """The active states after taking ``t`` from ``active`` (python-statemachine's configuration): every active
    state inside its domain is left, then its target is entered with the states around it down from the domain."""
    inside = domain(index, t)
    left = set(active) if inside is None else {s for s in active if inside in set(index.ancestors(s))}
    return frozenset((active - left) | entered_by(index, t))


def initial_states(analysis: Analysis) -> frozenset[str]:
    """The configuration a run starts in: the top-level initial state and its default entry."""
    top = next(s for s, st in analysis.pathway.states.items() if st.initial)
    return frozenset(default_entry(analysis.index, top))


@dataclass(frozen=True)
class Move:
    """What one transition does: the states it leaves when active (None: every active state, its domain being the
    root), the states it enters, and the final states among them."""

    inside: frozenset[str] | None
    entered: frozenset[str]
    finals: tuple[str, ...]


class PlainChart:
    """A pathway's configuration rules as tables, built once: a :class:`Move` per transition id, the initial
    configuration, and what termination looks at."""

    def __init__(self, analysis: Analysis) -> None:
        index = analysis.index
        self.parent: Mapping[str, str | None] = {s: info.parent for s, info in index.states.items()}
        self.children: Mapping[str, tuple[str, ...]] = {s: info.children for s, info in index.states.items()}
        self.parallel = frozenset(s for s, info in index.states.items() if info.kind == "parallel")
        self.final = frozenset(s for s, info in index.states.items() if info.kind == "final")
        self.moves: Mapping[str, Move] = {t.id: self._move(index, t) for t in index.transitions}
        self.initial = initial_states(analysis)
        self.initial_finals = tuple(s for s in index.states if s in self.initial and s in self.final)

    def _move(self, index: StateIndex, t: TransitionInfo) -> Move:
        inside = domain(index, t)
        entered = entered_by(index, t)
        left = None if inside is None else frozenset(subtree(index, inside) - {inside})
        return Move(left, entered, tuple(s for s in index.states if s in entered and s in self.final))

    def new(self) -> PlainMachine:
        """A run's configuration, at the start."""
        machine = PlainMachine(self, self.initial)
        machine.check_final(self.initial_finals)
        return machine

    def resting(self, state: str, active: frozenset[str]) -> bool:
        """Whether a state rests in a final child: every region of a parallel state does, or a compound state's
        active child is final (python-statemachine's ``is_in_final_state``)."""
        if state in self.parallel:
            return all(self.resting(child, active) for child in self.children[state])
        return any(child in self.final and child in active for child in self.children[state])


class PlainMachine:
    """One run's configuration: fire a selected transition (by id), read the active states."""

    __slots__ = ("_chart", "_active", "terminated")

    def __init__(self, chart: PlainChart, active: frozenset[str]) -> None:
        self._chart = chart
        self._active = active
        self.terminated = False

    def active(self) -> frozenset[str]:
        return self._active

    def fire(self, transition: str) -> None:
        move = self._chart.moves[transition]
        kept = frozenset() if move.inside is None else self._active - move.inside
        self._active = kept | move.entered
        if move.finals:
            self.check_final(move.finals)

    def check_final(self, finals: Iterable[str]) -> None:
        """Terminate when a final state just entered is top-level, or leaves a top-level parallel state resting."""
        chart = self._chart
        for state in finals:
            parent = chart.parent[state]
            if parent is None:
                self.terminated = True
                return
            grandparent = chart.parent[parent]
            if grandparent in chart.parallel and chart.parent[grandparent] is None:
                if chart.resting(grandparent, self._active):
                    self.terminated = True
                    return
