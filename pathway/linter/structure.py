"""Structural lint rules: reachability, dead ends, eventless cycles, conflicts between parallel regions."""

from __future__ import annotations

from collections.abc import Iterator

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.domains import assignments, combinations, fact_domains, facts_read
from pathway.definition.index import StateIndex, TransitionInfo
from pathway.diagnostics.codes import Code
from pathway.expr import Scope
from pathway.linter.base import LintFinding, rule


def _enter(index: StateIndex, state: str, into: set[str]) -> None:
    """Entering a state enters its ancestors, a compound state's initial child, every region of a parallel one."""
    if state in into:
        return
    into.add(state)
    for ancestor in index.ancestors(state):
        into.add(ancestor)
    info = index.states[state]
    for child in info.children:
        if info.kind == "parallel" or index.states[child].state.initial:
            _enter(index, child, into)


def reachable(analysis: Analysis) -> set[str]:
    """States some sequence of transitions can enter, ignoring guards (a guard that can never be true is PW510)."""
    index = analysis.index
    seen: set[str] = set()
    for top, definition in analysis.pathway.states.items():
        if definition.initial:
            _enter(index, top, seen)
    done: set[str] = set()
    while todo := [s for s in seen if s not in done]:
        for state in todo:
            done.add(state)
            for t in index.outgoing(state):
                _enter(index, t.transition.to, seen)
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


def _eventless_edges(index: StateIndex) -> dict[str, list[TransitionInfo]]:
    edges: dict[str, list[TransitionInfo]] = {}
    for t in index.transitions:
        if t.transition.event is None:
            edges.setdefault(t.source, []).append(t)
    return edges


def _cycle_from(start: str, edges: dict[str, list[TransitionInfo]]) -> list[TransitionInfo] | None:
    """A shortest cycle of eventless transitions back to start (breadth first), if any."""
    frontier: list[tuple[str, list[TransitionInfo]]] = [(start, [])]
    seen = {start}
    while frontier:
        nxt: list[tuple[str, list[TransitionInfo]]] = []
        for node, path in frontier:
            for t in edges.get(node, []):
                if t.transition.to == start:
                    return [*path, t]
                if t.transition.to not in seen:
                    seen.add(t.transition.to)
                    nxt.append((t.transition.to, [*path, t]))
        frontier = nxt
    return None


LIMIT = 200_000


def _taken(analysis: Analysis, t: TransitionInfo, scope: Scope) -> bool:
    """Whether the eventless transition t is enabled for these facts by the engine's rule (otherwise: every earlier
    eventless guard of its state is false)."""
    if t.transition.when is None:
        return True
    if t.transition.when == OTHERWISE:
        earlier = [e for e in analysis.index.outgoing(t.source)[: t.index] if e.transition.event is None]
        return all(_guard_value(analysis, e, scope) is False for e in earlier)
    return _guard_value(analysis, t, scope) is True


def _guard_value(analysis: Analysis, t: TransitionInfo, scope: Scope) -> object:
    if t.transition.when is None:
        return True
    if t.transition.when == OTHERWISE:
        return _taken(analysis, t, scope)
    return analysis.guards[t.id].evaluate(scope).value


def can_loop(analysis: Analysis, cycle: list[TransitionInfo]) -> bool:
    """Whether some known facts enable every transition around the cycle at once (facts do not change between the
    steps of one input, so only then can it loop). Undecidable cases (dates, too many combinations) count as yes."""
    involved = [e for t in cycle for e in analysis.index.outgoing(t.source)[: t.index + 1] if e.id in analysis.guards]
    names = facts_read(analysis, {n for e in involved for n in analysis.guards[e.id].names})
    domains = fact_domains(analysis)
    count = combinations(names, domains, include_unknown=False)
    if count is None or count > LIMIT:
        return True
    for facts in assignments(names, domains, include_unknown=False):
        scope = Scope(facts, analysis.derived, None)
        if all(_taken(analysis, t, scope) for t in cycle):
            return True
    return False


@rule(Code.PW503)
def eventless_cycles(analysis: Analysis) -> Iterator[LintFinding]:
    edges = _eventless_edges(analysis.index)
    reported: set[frozenset[str]] = set()
    for start in analysis.index.states:
        cycle = _cycle_from(start, edges)
        if cycle is None or frozenset(t.id for t in cycle) in reported or not can_loop(analysis, cycle):
            continue
        reported.add(frozenset(t.id for t in cycle))
        loop = " -> ".join([cycle[0].source, *(t.transition.to for t in cycle)])
        guards = "; ".join(f"{t.id}: {t.transition.when or 'always'}" for t in cycle)
        yield LintFinding(
            (*cycle[0].path, "to"),
            f"eventless cycle {loop}",
            f"it loops (and the engine stops with PW410) if these guards can all be true at once: {guards}",
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
