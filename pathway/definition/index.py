"""A flat, read-only index of a pathway's state tree, shared by the checks, the engine, lint and the renderers.

State ids are unique across the whole pathway, so the index maps each id to where it sits: its parent, its kind,
its children, and its path in the YAML document (for located diagnostics). Transitions get stable ids:
``<source>-><target>`` by default, with ``#2``, ``#3`` appended to repeats, or the explicit ``id:``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Literal

from pathway.definition.model import Pathway, State, Transition
from pathway.expr.durations import parse_duration

DocPath = tuple[str | int, ...]
StateKind = Literal["atomic", "compound", "parallel", "final"]


@dataclass(frozen=True)
class StateInfo:
    """Where one state sits in the tree."""

    id: str
    state: State
    parent: str | None
    path: DocPath
    depth: int

    @property
    def kind(self) -> StateKind:
        if self.state.final:
            return "final"
        if self.state.parallel:
            return "parallel"
        return "compound" if self.state.states else "atomic"

    @property
    def children(self) -> tuple[str, ...]:
        return tuple(self.state.states or ())

    @cached_property
    def recommended(self) -> tuple[str, ...]:
        """The action ids the state recommends, in order (the engine asks after every transition)."""
        return self.state.recommended


@dataclass(frozen=True)
class TransitionInfo:
    """One transition with its stable id, source state and position in the document."""

    id: str
    source: str
    index: int
    transition: Transition
    path: DocPath

    @property
    def target(self) -> str:
        """The state it leads to."""
        return self.transition.to

    @property
    def event(self) -> str | None:
        """The event that triggers it; None for an eventless transition."""
        return self.transition.event

    @property
    def when(self) -> str | None:
        """Its guard text ('otherwise' included); None when it has no guard."""
        return self.transition.when

    @property
    def evidence(self) -> tuple[str, ...]:
        """The evidence ids it cites."""
        return tuple(self.transition.evidence)

    @cached_property
    def after(self) -> timedelta | None:
        """For a timer: how long its source state must have been active before it may fire; else None."""
        text = self.transition.after
        return None if text is None else parse_duration(text)


@dataclass(frozen=True)
class StateIndex:
    """Every state (document order, parents before children) and every transition of a pathway."""

    states: Mapping[str, StateInfo]
    transitions: tuple[TransitionInfo, ...]
    duplicates: tuple[StateInfo, ...]
    by_source: Mapping[str, tuple[TransitionInfo, ...]]

    def ancestors(self, state_id: str) -> Iterator[str]:
        """The ids of the state's ancestors, nearest first."""
        parent = self.states[state_id].parent
        while parent is not None:
            yield parent
            parent = self.states[parent].parent

    def leaves(self, active: Iterable[str]) -> list[str]:
        """The innermost of the given active states, in the order given."""
        states = list(active)
        parents = {self.states[s].parent for s in states if s in self.states}
        return [s for s in states if s not in parents]

    def outgoing(self, state_id: str) -> tuple[TransitionInfo, ...]:
        """The state's transitions in document order (precomputed: the engine asks on every microstep)."""
        return self.by_source.get(state_id, ())


def _walk(states: Mapping[str, State], parent: str | None, base: DocPath, depth: int) -> Iterator[StateInfo]:
    for state_id, state in states.items():
        info = StateInfo(state_id, state, parent, (*base, state_id), depth)
        yield info
        if state.states:
            yield from _walk(state.states, state_id, (*info.path, "states"), depth + 1)


def build_index(pathway: Pathway) -> StateIndex:
    """Index the state tree. Repeated state ids are kept aside in ``duplicates`` (the checks report them)."""
    states: dict[str, StateInfo] = {}
    duplicates: list[StateInfo] = []
    for info in _walk(pathway.states, None, ("states",), 0):
        if info.id in states:
            duplicates.append(info)
        else:
            states[info.id] = info
    transitions: list[TransitionInfo] = []
    seen: dict[str, int] = {}
    for info in states.values():
        for index, transition in enumerate(info.state.transitions):
            base = transition.id or f"{info.id}->{transition.to}"
            seen[base] = seen.get(base, 0) + 1
            tid = base if seen[base] == 1 else f"{base}#{seen[base]}"
            transitions.append(TransitionInfo(tid, info.id, index, transition, (*info.path, "transitions", index)))
    by_source: dict[str, list[TransitionInfo]] = {}
    for t in transitions:
        by_source.setdefault(t.source, []).append(t)
    return StateIndex(states, tuple(transitions), tuple(duplicates), {s: tuple(ts) for s, ts in by_source.items()})
