"""Pydantic models: the definition format (pathway.py). Journeys and trails join here with the engine."""

from pathway.model.pathway import (
    Action,
    Code,
    Derived,
    EventDef,
    Evidence,
    Fact,
    Finding,
    Pathway,
    State,
    Transition,
)

__all__ = [
    "Action",
    "Code",
    "Derived",
    "EventDef",
    "Evidence",
    "Fact",
    "Finding",
    "Pathway",
    "State",
    "Transition",
]
