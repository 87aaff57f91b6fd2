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


def explored(analysis: Analysis, holders: Iterable[str]) -> frozenset[str]:
    """The states whose configurations are explored: the regions (children of parallel states) that hold the
    ``holders``, when every transition that enters or leaves their states starts inside them; else every state."""
    index = analysis.index
    roots: set[str] = set()
    for holder in holders:
        line = [holder, *index.ancestors(holder)]
        root = next((s for s in line if (p := index.states[s].parent) and index.states[p].kind == "parallel"), None)
        if root is None:
            return frozenset(index.states)
        roots.add(root)
    inside = {s for s in index.states if s in roots or roots & set(index.ancestors(s))}
    above = {a for r in roots for a in index.ancestors(r)}
    if any((d := domain(index, t)) is None or d in above for t in index.transitions):
        return frozenset(index.states)  # a transition leaves or enters those regions from outside
    return frozenset(inside)
