"""Structural lint rules: reachability, dead ends, conflicts between parallel regions (eventless cycles:
:mod:`pathway.linter.cycles`)."""

from __future__ import annotations

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
            _enter(index, t.transition.to, seen, todo)
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


@rule(Code.PW504)
def region_conflicts(analysis: Analysis) -> Iterator[LintFinding]:
    """Two regions of one parallel state react to the same event, and one of them leaves the parallel state."""
    index = analysis.index
    for state_id, info in index.states.items():
        if info.kind != "parallel":
            continue
        inside = {s for s in index.states if state_id in index.ancestors(s)}
        by_event: dict[str, list[tuple[str, TransitionInfo]]] = {}
        for t in index.transitions:
            if t.source in inside and t.transition.event is not None:
                region = next(r for r in info.children if r == t.source or r in index.ancestors(t.source))
                by_event.setdefault(t.transition.event, []).append((region, t))
        for event, found in by_event.items():
            leaving = [(r, t) for r, t in found if t.transition.to not in inside]
            for region, t in leaving:
                others = sorted({t2.id for r2, t2 in found if r2 != region})
                if others:
                    yield LintFinding(
                        (*t.path, "event"),
                        f"'{t.id}' leaves parallel state '{state_id}' on "
                        f"'{event}', which also moves {', '.join(others)} in another region",
                        "document order decides which wins; give them different events or one guard",
                    )
