"""Structural lint rules: reachability, dead ends, conflicts between parallel regions (eventless cycles:
:mod:`pathway.linter.cycles`)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from pathway.definition.analysis import Analysis
from pathway.definition.index import StateIndex, TransitionInfo
from pathway.diagnostics.codes import Code
from pathway.linter.base import LintFinding, rule


def _enter(index: StateIndex, state: str, into: set[str], fresh: list[str]) -> None:
    """Entering a state enters its ancestors, a compound state's initial child, every region of a parallel one;
    the states entered for the first time are added to ``into`` and appended to ``fresh``."""
    if state in into:
        return
    into.add(state)
    fresh.append(state)
    for ancestor in index.ancestors(state):
        if ancestor not in into:
            into.add(ancestor)
            fresh.append(ancestor)
    info = index.states[state]
    for child in info.children:
        if info.kind == "parallel" or index.states[child].state.initial:
            _enter(index, child, into, fresh)


def reachable(analysis: Analysis) -> set[str]:
    """States some sequence of transitions can enter, ignoring guards (a guard that can never be true is PW510).
    Each state's transitions are followed once (a worklist), so a long chain of states is linear."""
    index = analysis.index
    seen: set[str] = set()
    todo: list[str] = []
    for top, definition in analysis.pathway.states.items():
        if definition.initial:
            _enter(index, top, seen, todo)
    while todo:
        for t in index.outgoing(todo.pop()):
            _enter(index, t.target, seen, todo)
    return seen


@rule(Code.PW501)
def unreachable(analysis: Analysis) -> Iterator[LintFinding]:
    entered = reachable(analysis)
    for state_id, info in analysis.index.states.items():
        if state_id not in entered:
            yield LintFinding(
                info.path,
                f"state '{state_id}' can never be entered",
                "no transition leads to it or to a state that enters it; remove it or add a transition",
                key=True,
            )


@rule(Code.PW502)
def dead_ends(analysis: Analysis) -> Iterator[LintFinding]:
    index = analysis.index
    for state_id, info in index.states.items():
        if info.kind != "atomic":
            continue
        line = [state_id, *index.ancestors(state_id)]
        if not any(index.outgoing(s) for s in line):
            yield LintFinding(
                info.path,
                f"state '{state_id}' has no way out and is not final",
                "mark it 'final: true' if the patient is meant to stay there, or add a transition",
                key=True,
            )


def _subtree(index: StateIndex, state_id: str) -> Iterator[str]:
    """The state and its descendants in document order (preorder, without recursion)."""
    todo = [state_id]
    while todo:
        state = todo.pop()
        yield state
        todo.extend(reversed(index.states[state].children))


def _others(every: list[str], own: set[str], count: int, shown: int = 5) -> str:
    """The ids of ``every`` not in ``own`` (there are ``count``), the first few named."""
    first = list(itertools.islice((i for i in every if i not in own), shown))
    return ", ".join(first) + (f" and {count - len(first)} more" if count > len(first) else "")


ByEvent = dict[str, list[tuple[str, TransitionInfo]]]
"""An event -> the transitions on it, each with the region it starts in."""


def _regions(index: StateIndex, regions: tuple[str, ...]) -> tuple[set[str], ByEvent]:
    """The states inside the regions, and each event's transitions from inside them, with their region, in document
    order."""
    inside: set[str] = set()
    by_event: ByEvent = {}
    for region in regions:
        for source in _subtree(index, region):
            inside.add(source)
            for t in index.outgoing(source):
                if t.event is not None:
                    by_event.setdefault(t.event, []).append((region, t))
    return inside, by_event


@rule(Code.PW504)
def region_conflicts(analysis: Analysis) -> Iterator[LintFinding]:
    """Two regions of one parallel state react to the same event, and one of them leaves the parallel state."""
    index = analysis.index
    for state_id, info in index.states.items():
        if info.kind != "parallel":
            continue
        inside, by_event = _regions(index, info.children)
        for event, found in by_event.items():
            every = sorted({t.id for _, t in found})
            own: dict[str, set[str]] = {}
            for region, t in found:
                own.setdefault(region, set()).add(t.id)
            for region, t in found:
                count = len(every) - len(own[region])
                if t.target not in inside and count:
                    yield LintFinding(
                        (*t.path, "event"),
                        f"'{t.id}' leaves parallel state '{state_id}' on "
                        f"'{event}', which also moves {_others(every, own[region], count)} in another region",
                        "document order decides which wins; give them different events or one guard",
                    )
