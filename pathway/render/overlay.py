"""A journey's path over the diagram, read from its trail records (plain data, no rendering).

Steps are numbered 1, 2, ... in the order of the trail's ``transition`` records; a transition taken twice carries
both numbers. Visited states are those of ``start.entered`` and of every transition's ``entered``; current states
are the summary record's ``states`` (what was active when the journey ended).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Step:
    """One taken transition: its number in the journey, when and on which input."""

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


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def overlay_from_records(records: Sequence[Mapping[str, Any]]) -> Overlay:
    """The overlay of a trail's records (as returned by :func:`pathway.engine.trail.read_trail`)."""
    steps: list[Step] = []
    visited: dict[str, None] = {}
    current: list[str] = []
    for record in records:
        kind = record.get("kind")
        if kind == "start":
            visited.update(dict.fromkeys(_strings(record.get("entered"))))
        elif kind == "transition":
            steps.append(Step(len(steps) + 1, str(record.get("id")), str(record.get("at")), int(record["input"])))
            visited.update(dict.fromkeys(_strings(record.get("entered"))))
        elif kind == "summary":
            current = _strings(record.get("states"))
    return Overlay(tuple(steps), tuple(visited), frozenset(current))
