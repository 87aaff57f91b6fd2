"""PW503: eventless cycles, found in time linear in the state chart and checked within the lint budget.

Only states on some cycle of eventless transitions can start one: they are found first, with their strongly
connected components (Tarjan's algorithm, without recursion). From each such state, in document order, a breadth
first search inside its component finds a shortest cycle back to it (with parent links, not copied paths); a state
on a cycle already found starts no search of its own. A cycle is reported when some known facts enable every
transition around it at once (facts do not change between the steps of one input, so only then can it loop),
decided over the finite fact domains. The searches and the checks share one budget of
:data:`~pathway.linter.exhaustive.MAX_PER_FILE` steps (an edge followed, or a guard evaluated for one patient); a
check beyond :data:`~pathway.linter.exhaustive.MAX_PER_CHECK`, or beyond what is left, is not made and the cycle
counts as one that can loop, which its hint says; a search stopped by the budget is reported by PW519.

A timer (``after``) is on no such cycle: it fires only once its state has been active for a while, never in the
same instant the state was entered, and inside a loop a timer counts as false, as one not yet due.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.domains import assignments, combinations
from pathway.definition.index import StateIndex, TransitionInfo
from pathway.diagnostics.codes import Code
from pathway.expr import Scope
from pathway.linter.base import LintFinding, rule
from pathway.linter.exhaustive import MAX_PER_CHECK, MAX_PER_FILE, read_by, scope_of, tables

Edges = Mapping[str, list[TransitionInfo]]


@dataclass(frozen=True)
class Loops:
    """PW503's findings for one definition: each cycle that can loop (with why it was not checked exhaustively,
    or None), and why the search stopped early (None when it did not)."""

    cycles: tuple[tuple[tuple[TransitionInfo, ...], str | None], ...]
    stopped: str | None
    steps: int


def _eventless_edges(index: StateIndex) -> dict[str, list[TransitionInfo]]:
    edges: dict[str, list[TransitionInfo]] = {}
    for t in index.transitions:
        if t.event is None and t.transition.after is None:
            edges.setdefault(t.source, []).append(t)
    return edges


class _Tarjan:
    """Strongly connected components of the eventless transitions, with an explicit stack (no recursion)."""

    def __init__(self, edges: Edges) -> None:
        self.edges = edges
        self.order: dict[str, int] = {}
        self.low: dict[str, int] = {}
        self.stack: list[str] = []
        self.on_stack: set[str] = set()
        self.found: dict[str, int] = {}

    def open(self, node: str) -> Iterator[TransitionInfo]:
        self.order[node] = self.low[node] = len(self.order)
        self.stack.append(node)
        self.on_stack.add(node)
        return iter(self.edges.get(node, []))

    def close(self, node: str) -> None:
        """Pop node's component off the stack when node is its root; keep it when it holds a cycle."""
        if self.low[node] != self.order[node]:
            return
        members: list[str] = []
        while not members or members[-1] != node:
            members.append(self.stack.pop())
            self.on_stack.discard(members[-1])
        if len(members) > 1 or any(t.target == node for t in self.edges.get(node, [])):
            self.found.update(dict.fromkeys(members, len(self.found)))

    def visit(self, root: str) -> None:
        work = [(root, self.open(root))]
        while work:
            node, targets = work[-1]
            step = next(targets, None)
            if step is None:
                work.pop()
                if work:
                    self.low[work[-1][0]] = min(self.low[work[-1][0]], self.low[node])
                self.close(node)
            elif step.target not in self.order:
                work.append((step.target, self.open(step.target)))
            elif step.target in self.on_stack:
                self.low[node] = min(self.low[node], self.order[step.target])


def _components(states: list[str], edges: Edges) -> dict[str, int]:
    """State -> its strongly connected component, for every state on some cycle of eventless transitions."""
    tarjan = _Tarjan(edges)
    for root in states:
        if root not in tarjan.order:
            tarjan.visit(root)
    return tarjan.found


def _cycle_from(start: str, edges: Edges, component: Mapping[str, int]) -> tuple[list[TransitionInfo] | None, int]:
    """A shortest cycle of eventless transitions back to start within its component (breadth first), and the
    number of transitions followed to find it."""
    came: dict[str, TransitionInfo | None] = {start: None}
    frontier, steps, home = [start], 0, component[start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for t in edges.get(node, []):
                steps += 1
                target = t.target
                if target == start:
                    cycle = [t]
                    while (back := came[cycle[-1].source]) is not None:
                        cycle.append(back)
                    return cycle[::-1], steps
                if target not in came and component.get(target) == home:
                    came[target] = t
                    following.append(target)
        frontier = following
    return None, steps


def _taken(analysis: Analysis, t: TransitionInfo, scope: Scope) -> bool:
    """Whether the eventless transition t is enabled for these facts by the engine's rule (otherwise: every earlier
    eventless guard of its state is false), in the instant its state is entered (a timer is not yet due)."""
    if t.transition.after is not None:
        return False
    if t.when is None:
        return True
    if t.when == OTHERWISE:
        earlier = [e for e in analysis.index.outgoing(t.source)[: t.index] if e.event is None]
        return all(_guard_value(analysis, e, scope) is False for e in earlier)
    return _guard_value(analysis, t, scope) is True


def _guard_value(analysis: Analysis, t: TransitionInfo, scope: Scope) -> object:
    if t.transition.after is not None:
        return False
    if t.when is None:
        return True
    if t.when == OTHERWISE:
        return _taken(analysis, t, scope)
    return analysis.guards[t.id].evaluate(scope).value


def can_loop(analysis: Analysis, cycle: list[TransitionInfo], left: int) -> tuple[bool, int, str | None]:
    """Whether some known facts enable every transition around the cycle at once; the evaluations it took; and
    why it was not decided (dates, or more than ``left`` or :data:`MAX_PER_CHECK` evaluations), which counts as
    yes."""
    involved = [e for t in cycle for e in analysis.index.outgoing(t.source)[: t.index + 1] if e.id in analysis.guards]
    read = read_by(analysis, involved)
    if read is None:
        return True, 0, "a guard did not compile"
    names, derived = read
    known = tables(analysis)
    why = next((why for t in involved if (why := known.time(t)[1]) is not None), None)
    if why is not None:
        return True, 0, f"its guards read {why}, which lint does not enumerate"
    domains = known.domains(involved, derived)
    count = combinations(names, domains, include_unknown=False)
    if count is None:
        return True, 0, "its guards read a fact with no finite set of values"
    cost = count * max(len(involved), 1)
    if cost > min(MAX_PER_CHECK, left):
        limit = f"{MAX_PER_CHECK:,} per check" if cost > MAX_PER_CHECK else f"{MAX_PER_FILE:,} for the file"
        return True, 0, f"checking them would take {cost:,} evaluations, past the limit of {limit}"
    for facts in assignments(names, domains, include_unknown=False):
        scope = scope_of(analysis, facts)
        if all(_taken(analysis, t, scope) for t in cycle):
            return True, cost, None
    return False, cost, None


def _find(analysis: Analysis) -> Loops:
    index = analysis.index
    edges = _eventless_edges(index)
    component = _components(list(index.states), edges)
    covered: set[str] = set()
    cycles: list[tuple[tuple[TransitionInfo, ...], str | None]] = []
    steps = 0
    for start in index.states:
        if start not in component or start in covered:
            continue
        cycle, followed = _cycle_from(start, edges, component)
        steps += followed
        if steps > MAX_PER_FILE:
            stopped = f"took {MAX_PER_FILE:,} steps, the limit for the file; PW503 did not search from here on"
            return Loops(tuple(cycles), stopped, steps)
        if cycle is None:
            continue
        covered.update(t.source for t in cycle)
        loops, cost, unchecked = can_loop(analysis, cycle, MAX_PER_FILE - steps)
        steps += cost
        if loops:
            cycles.append((tuple(cycle), unchecked))
    return Loops(tuple(cycles), None, steps)


def loops(analysis: Analysis) -> Loops:
    """The eventless cycles of a checked definition, found once (PW503 reports them, PW519 an early stop)."""
    known = tables(analysis)
    found = known.memo.get("loops")
    if not isinstance(found, Loops):
        found = known.memo["loops"] = _find(analysis)
    return found


@rule(Code.PW503)
def eventless_cycles(analysis: Analysis) -> Iterator[LintFinding]:
    for cycle, unchecked in loops(analysis).cycles:
        loop = " -> ".join([cycle[0].source, *(t.target for t in cycle)])
        guards = "; ".join(f"{t.id}: {t.when or 'always'}" for t in cycle)
        hint = f"it loops (and the engine stops with PW410) if these guards can all be true at once: {guards}"
        if unchecked is not None:
            hint += f" (not checked exhaustively: {unchecked})"
        yield LintFinding((*cycle[0].path, "to"), f"eventless cycle {loop}", hint)
