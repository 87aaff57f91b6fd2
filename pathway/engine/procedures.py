"""The compiled engine's decision procedure for a state, worked out once per pathway: the rule of
:func:`pathway.engine.selection.decide` laid out as tables, so that deciding a state walks a tuple instead of asking
the state index, the transitions' models and the guards' table again for every transition.

For each state and trigger, its transitions with that trigger in document order, each as a :class:`Step`: the
transition, its timer (``after``), what its ``when`` is (none, ``otherwise`` or a guard) and the guard's compiled
form. For each transition, the states it exits when it is selected (:func:`exits`), to resolve two selected
transitions leaving a common state as :func:`~pathway.engine.selection.select` does. The differential test
(``tests/test_compiled_engine.py``) holds both to the reference rule, record for record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Final, NamedTuple

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.index import StateIndex, TransitionInfo
from pathway.engine.selection import Fire, Selection, Wait
from pathway.expr import Compiled

ALWAYS: Final = 0
"""A transition without ``when``."""
ELSE: Final = 1
"""A transition whose ``when`` is ``otherwise``."""
GUARD: Final = 2
"""A transition with a guard."""


class Step(NamedTuple):
    """One transition as the procedure checks it: its timer, the kind of its ``when`` and its compiled guard."""

    transition: TransitionInfo
    after: timedelta | None
    kind: int
    guard: Compiled | None


def steps(analysis: Analysis) -> Mapping[tuple[str, str | None], tuple[Step, ...]]:
    """For each state and trigger (an event name, or None for eventless transitions) that has transitions, those
    transitions in document order (:meth:`~pathway.definition.index.StateIndex.outgoing`, filtered by trigger)."""
    found: dict[tuple[str, str | None], list[Step]] = {}
    for state in analysis.index.states:
        for t in analysis.index.outgoing(state):
            when = t.when
            kind = ALWAYS if when is None else ELSE if when == OTHERWISE else GUARD
            guard = analysis.guards[t.id] if kind == GUARD else None
            found.setdefault((state, t.event), []).append(Step(t, t.after, kind, guard))
    return {key: tuple(found_steps) for key, found_steps in found.items()}


def exits(index: StateIndex) -> Mapping[str, frozenset[str] | None]:
    """For each transition, the states whose active ones it exits when selected: every state strictly inside the
    innermost ancestor of its target that contains its source (and is not the source); None when that is the root
    (it exits every active state). What :func:`~pathway.engine.selection.select` works out per microstep."""
    inside: dict[str, set[str]] = {s: set() for s in index.states}
    for s in index.states:
        for ancestor in index.ancestors(s):
            inside[ancestor].add(s)
    found: dict[str, frozenset[str] | None] = {}
    for t in index.transitions:
        source_line = {t.source, *index.ancestors(t.source)}
        domain = next((a for a in index.ancestors(t.target) if a in source_line and a != t.source), None)
        found[t.id] = None if domain is None else frozenset(inside[domain])
    return found


def preempting(
    fires: Sequence[Fire],
    waits: Sequence[Wait],
    active: frozenset[str],
    exited: Mapping[str, frozenset[str] | None],
) -> Selection:
    """The selection from the states that fire, in scan order: when two would exit a common state, the earlier
    wins and the later is recorded as preempted by it (:func:`~pathway.engine.selection.select`'s rule)."""
    if len(fires) < 2:
        return Selection(tuple(fires), tuple(waits))
    kept: list[tuple[Fire, frozenset[str]]] = []
    preempted: list[tuple[Fire, str]] = []
    for f in fires:
        inside = exited[f.chosen.transition.id]
        leaving = active if inside is None else active & inside
        winner = next((k for k, left in kept if left & leaving), None)
        if winner is not None:
            preempted.append((f, winner.chosen.transition.id))
        else:
            kept.append((f, leaving))
    return Selection(tuple(k for k, _ in kept), tuple(waits), tuple(preempted))
