"""Which recommendations can be active together: an over-approximation of every run, for the conflict rules.

The engine changes its facts only at inputs, but an input can give any fact any value; so each *moment* (an input
or a wake-up) here has any facts: each fact known with any value of its finite domain, or unknown, the same for the
whole moment. Within a moment, transitions fire as the engine's rule allows them (a guard true, every earlier guard
of its state and trigger false; a timer may always be due), one event at most, and the moment may end once every
active state is stable (no eventless transition would fire); recommendations are issued, persist, are superseded
and retired by the rules of :mod:`pathway.engine.items`, with each ``until`` guard read on the moment's facts. What
a run needs of the facts in one moment are *constraints* (a guard true, false or not true); a moment is possible
when one assignment of the facts satisfies them all, checked by enumerating the facts they read over their domains
(:mod:`pathway.definition.domains`) with unknown, one group of constraints sharing facts at a time. A guard lint
cannot enumerate (a date other than through ``days_since``, ``time_in_state()``) constrains nothing.

Every run of the engine is a path of this search (facts, timers and priorities only add possibilities), so what
the search cannot reach no run reaches. The converse does not hold: a path found here may need a fact unknown after
it was given, or a timer that the next input preempts; :mod:`pathway.linter.conflicts` looks for a journey that
follows it.

A region of a parallel state that recommends none of the actions followed, and whose transitions all stay inside
it, is left out (:func:`pathway.linter.chart.explored`): it changes nothing of the others. The search is bounded
(:data:`MAX_NODES`, :data:`MAX_STEPS`); beyond, it says so rather than conclude. The state chart's rules are in
:mod:`pathway.engine.configuration`, the constraints' in :mod:`pathway.linter.constraints`.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.index import TransitionInfo
from pathway.engine.configuration import effect, initial_states
from pathway.linter.chart import explored
from pathway.linter.constraints import Constraint, Constraints, Facts, Key

MAX_NODES = 5_000
"""The most combinations of states and recommendations one search visits."""
MAX_STEPS = 200_000
"""The most transitions and moment ends one search tries."""


@dataclass(frozen=True)
class Item:
    """A followed recommendation: the state whose rule it was last issued with (None: not active), whether it
    persists after its states were left, and the active states that may not issue it again (it was superseded
    while they were active)."""

    issuer: str | None = None
    persisting: bool = False
    blocked: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Node:
    """The active states (of the regions explored) and the followed recommendations, after a moment."""

    states: frozenset[str]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Moment:
    """One moment of a path: the event sent (if any), the transitions taken, and facts that allow it."""

    event: str | None
    transitions: tuple[TransitionInfo, ...]
    facts: Facts


@dataclass(frozen=True)
class Found:
    """What a search found: each node where the goal holds (first found first) with the moments that lead there
    from the start, and whether the search ran to its end (``stopped``: why not, else None)."""

    paths: tuple[tuple[Node, tuple[Moment, ...]], ...]
    stopped: str | None


@dataclass
class _Micro:
    states: frozenset[str]
    items: tuple[Item, ...]
    wants: frozenset[Constraint]
    event: str | None = None
    taken: tuple[TransitionInfo, ...] = ()
    sources: frozenset[str] = field(default_factory=frozenset)


# --- the search ---------------------------------------------------------------------------------------------


class Search:
    """Paths of moments from the start of a run, following the recommendations ``followed``."""

    def __init__(self, analysis: Analysis, followed: Sequence[str]) -> None:
        self.analysis = analysis
        self.index = analysis.index
        self.followed = tuple(followed)
        self.holders = {
            a: tuple(s for s, info in self.index.states.items() if a in info.state.recommended) for a in followed
        }
        self.states = explored(analysis, (s for hs in self.holders.values() for s in hs))
        self.facts = Constraints(analysis)
        self.order = {s: n for n, s in enumerate(self.index.states)}
        self.rules = {(s, r.action): r for s, info in self.index.states.items() for r in info.state.recommendations}
        self.steps = 0
        self.finals = frozenset(s for s in analysis.pathway.states if self.index.states[s].kind == "final")

    # the recommendations, as the engine keeps them

    def issuer(self, action: str, states: frozenset[str], item: Item) -> str | None:
        return next((s for s in self.holders[action] if s in states and s not in item.blocked), None)

    def sync(
        self, states: frozenset[str], items: tuple[Item, ...], wants: frozenset[Constraint]
    ) -> Iterator[tuple[tuple[Item, ...], frozenset[Constraint]]]:
        """The engine's sync after a transition: items left persist or are retired (both, when the until guard
        could go either way), wanted ones are issued (again, when persisting), then supersession."""
        items = tuple(replace(i, blocked=i.blocked & states) for i in items)
        wanted = [self.issuer(a, states, i) for a, i in zip(self.followed, items, strict=True)]
        issuing = [
            n for n, (i, w) in enumerate(zip(items, wanted, strict=True)) if w and (not i.issuer or i.persisting)
        ]
        superseding = {s for n in issuing for s in self.analysis.pathway.actions[self.followed[n]].supersedes or ()}
        leaving = [
            n
            for n, (i, w) in enumerate(zip(items, wanted, strict=True))
            if i.issuer and not w and not i.persisting and self.followed[n] not in superseding
        ]
        for outcome in self.leave_all(items, leaving, wants):
            left, with_wants = outcome
            issued = list(left)
            for n in issuing:
                issued[n] = Item(wanted[n], False, issued[n].blocked)
            yield self.supersede(tuple(issued), issuing, states), with_wants

    def leave_all(
        self, items: tuple[Item, ...], leaving: Sequence[int], wants: frozenset[Constraint]
    ) -> Iterator[tuple[tuple[Item, ...], frozenset[Constraint]]]:
        """Every way the items leaving can go: retired, or persisting while their until guard is not true."""
        branches: list[list[tuple[Item, Constraint | None]]] = []
        for n in leaving:
            item, action = items[n], self.followed[n]
            until = self.rules[(item.issuer or "", action)].until
            if until is None:
                branches.append([(Item(blocked=item.blocked), None)])
                continue
            key: Key = ("until", item.issuer or "", action)
            branches.append(
                [(Item(blocked=item.blocked), (key, "true")), (replace(item, persisting=True), (key, "not true"))]
            )
        for choice in itertools.product(*branches):
            new = list(items)
            added = set(wants)
            for n, (item, constraint) in zip(leaving, choice, strict=True):
                new[n] = item
                if constraint is not None:
                    added.add(constraint)
            frozen = frozenset(added)
            if self.facts.solve(frozen) is not None:
                yield tuple(new), frozen

    def supersede(self, items: tuple[Item, ...], issuing: Sequence[int], states: frozenset[str]) -> tuple[Item, ...]:
        new = list(items)
        for n in issuing:
            for other in self.analysis.pathway.actions[self.followed[n]].supersedes or ():
                if other in self.followed:
                    m = self.followed.index(other)
                    if new[m].issuer:
                        holders = frozenset(s for s in self.holders[other] if s in states)
                        new[m] = Item(blocked=new[m].blocked | holders)
        return tuple(new)

    def start(self) -> Node:
        states = initial_states(self.analysis) & self.states
        items = tuple(Item() for _ in self.followed)
        synced = next(self.sync(states, items, frozenset()))[0]
        return Node(states, synced)

    # one moment

    def guard_wants(self, t: TransitionInfo) -> frozenset[Constraint] | None:
        """What taking ``t`` needs of the facts: its guard true, every earlier guard of its state and trigger
        false (a timer may always be not yet due); None when an earlier transition always fires first."""
        wants: set[Constraint] = set()
        for earlier in self.index.outgoing(t.source)[: t.index]:
            if earlier.event != t.event or earlier.transition.after is not None:
                continue
            if earlier.when is None:
                return None
            wants.add((("guard", earlier.id), "false"))
        if t.when is not None and t.when != OTHERWISE:
            wants.add((("guard", t.id), "true"))
        return frozenset(wants)

    def terminated(self, states: frozenset[str]) -> bool:
        """Whether a final top-level state is active: the chart has stopped."""
        return not self.finals.isdisjoint(states)

    def takeable(self, micro: _Micro) -> Iterator[TransitionInfo]:
        if self.terminated(micro.states):
            return
        for state in sorted(micro.states, key=self.order.__getitem__):
            for t in self.index.outgoing(state):
                if t.event is None or (
                    micro.event in (None, t.event) and (not micro.sources or state in micro.sources)
                ):
                    yield t

    def end(self, micro: _Micro) -> Iterator[tuple[Node, Moment]]:
        """The ways the moment can end: every active state stable, each persisting item kept or retired."""
        stable: frozenset[Constraint] = frozenset(
            (("stable", s), "stable") for s in micro.states if not self.terminated(micro.states)
        )
        branches: list[list[tuple[Item, Constraint | None]]] = []
        for action, item in zip(self.followed, micro.items, strict=True):
            if not item.persisting:
                branches.append([(item, None)])
                continue
            key: Key = ("until", item.issuer or "", action)
            branches.append([(Item(blocked=item.blocked), (key, "true")), (item, (key, "not true"))])
        for choice in itertools.product(*branches):
            wants = micro.wants | stable | {c for _, c in choice if c is not None}
            facts = self.facts.solve(wants)
            if facts is not None:
                items = tuple(item for item, _ in choice)
                yield Node(micro.states, items), Moment(micro.event, micro.taken, facts)

    def moments(self, node: Node) -> Iterator[tuple[Node, Moment]]:
        """Every way one moment can go from ``node`` (each resulting node once, with the first way found)."""
        todo = [_Micro(node.states, node.items, frozenset())]
        seen: set[tuple[object, ...]] = set()
        done: set[Node] = set()
        while todo:
            micro = todo.pop()
            key = (micro.states, micro.items, micro.wants, micro.event, micro.sources)
            if key in seen or self.steps >= MAX_STEPS:
                continue
            seen.add(key)
            self.steps += 1
            for found, moment in self.end(micro):
                if found not in done:
                    done.add(found)
                    yield found, moment
            todo.extend(reversed(list(self.take(micro))))

    def take(self, micro: _Micro) -> Iterator[_Micro]:
        for t in self.takeable(micro):
            needs = self.guard_wants(t)
            if needs is None or self.facts.solve(micro.wants | needs) is None:
                continue
            states = effect(self.index, micro.states, t) & self.states
            event, sources = micro.event, micro.sources
            if t.event is not None and event is None:
                event, sources = t.event, micro.states
            for items, wants in self.sync(states, micro.items, micro.wants | needs):
                yield _Micro(states, items, wants, event, (*micro.taken, t), sources)

    def search(self, goal: Callable[[Node], bool], wanted: int = 8) -> Found:
        """Breadth first from the start: up to ``wanted`` nodes where ``goal`` holds, each with the first path
        found to it."""
        start = self.start()
        parents: dict[Node, tuple[Node, Moment] | None] = {start: None}
        hits = [start] if goal(start) else []
        queue = deque([start])
        while queue and len(hits) < wanted:
            if len(parents) >= MAX_NODES or self.steps >= MAX_STEPS:
                return Found(tuple(self._paths(hits, parents)), "it reached its bound")
            node = queue.popleft()
            for child, moment in self.moments(node):
                if child not in parents:
                    parents[child] = (node, moment)
                    queue.append(child)
                    if goal(child):
                        hits.append(child)
        stopped = "it reached its bound" if self.steps >= MAX_STEPS else None
        return Found(tuple(self._paths(hits, parents)), stopped)

    def _paths(
        self, hits: Sequence[Node], parents: Mapping[Node, tuple[Node, Moment] | None]
    ) -> Iterator[tuple[Node, tuple[Moment, ...]]]:
        for hit in hits:
            path: list[Moment] = []
            step = parents[hit]
            while step is not None:
                path.append(step[1])
                step = parents[step[0]]
            yield hit, tuple(reversed(path))
