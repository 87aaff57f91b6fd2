"""A journey's path over the diagram, read from its trail records (plain data, no rendering).

Each taken transition is numbered by its step: the ``seq`` of its ``transition`` record, the number the run output
shows (``#12``) and ``explain --step`` takes; a transition taken twice carries both numbers. Visited states are
those of ``start.entered`` and of every transition's ``entered``; current states are the summary record's
``states`` (what was active when the journey ended).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pathway.trail.records import Record, StartRecord, SummaryRecord, TransitionRecord


@dataclass(frozen=True)
class Step:
    """One taken transition: its step (the record's seq), when and on which input."""

    number: int
    transition: str
    at: str
    input: int


@dataclass(frozen=True)
class Overlay:
    """The steps of a journey, the states it visited (first visit order) and the states active at its end."""

    steps: tuple[Step, ...] = ()
    visited: tuple[str, ...] = ()
    current: frozenset[str] = field(default_factory=frozenset)

    def steps_of(self, transition_id: str) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.transition == transition_id)


def overlay_from_records(records: Sequence[Record]) -> Overlay:
    """The overlay of a trail's records (a run's, or those :func:`pathway.trail.io.read_trail` returns)."""
    steps: list[Step] = []
    visited: dict[str, None] = {}
    current: tuple[str, ...] = ()
    for record in records:
        if isinstance(record, StartRecord):
            visited.update(dict.fromkeys(record.entered))
        elif isinstance(record, TransitionRecord):
            steps.append(Step(record.seq, record.id, record.at, record.input))
            visited.update(dict.fromkeys(record.entered))
        elif isinstance(record, SummaryRecord):
            current = record.states
    return Overlay(tuple(steps), tuple(visited), frozenset(current))
