"""The state chart as python-statemachine takes it, for lint's search of runs (:mod:`pathway.linter.together`):
what entering a state enters, the state a transition stays inside, the configuration after a transition, and which
regions a search can explore on their own. A test checks :func:`effect` against the engine's trails."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

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


def effect(index: StateIndex, active: frozenset[str], t: TransitionInfo) -> frozenset[str]:
    """The active states after taking ``t`` from ``active`` (python-statemachine's configuration): every active
    state inside its domain is left, then its target is entered with the states around it down from the domain."""
    inside = domain(index, t)
    left = set(active) if inside is None else {s for s in active if inside in set(index.ancestors(s))}
    chain = [t.target, *itertools.takewhile(lambda s: s != inside, index.ancestors(t.target))]
    entered = set(chain) | default_entry(index, t.target)
    for state in chain[1:]:
        if index.states[state].kind == "parallel":
            for child in index.states[state].children:
                if child not in chain:
                    entered |= default_entry(index, child)
    return frozenset((active - left) | entered)


def initial_states(analysis: Analysis) -> frozenset[str]:
    top = next(s for s, st in analysis.pathway.states.items() if st.initial)
    return frozenset(default_entry(analysis.index, top))


def subtree(index: StateIndex, state: str) -> set[str]:
    """The state and every state inside it."""
    return {s for s in index.states if s == state or state in set(index.ancestors(s))}


def explored(analysis: Analysis, holders: Iterable[str]) -> frozenset[str]:
    """The states whose configurations are explored: every state but the regions (children of parallel states)
    that hold none of the ``holders`` and whose transitions all stay inside them. Such a region changes nothing of
    the others: its states are entered and left with its parallel state, by transitions that start elsewhere."""
    index = analysis.index
    held = set(holders)
    dropped: set[str] = set()
    for info in index.states.values():
        if info.kind != "parallel":
            continue
        for region in info.children:
            inside = subtree(index, region)
            if held & inside:
                continue
            leaving = (t for s in inside for t in index.outgoing(s))
            if all((d := domain(index, t)) is not None and d in inside for t in leaving):
                dropped |= inside
    return frozenset(index.states) - frozenset(dropped)
