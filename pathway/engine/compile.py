"""Compile a checked pathway into a python-statemachine ``StateChart`` class. The only module importing it.

The split of work: python-statemachine owns the *configuration* — which states are active, entering a compound
state's initial child, all regions of a parallel state, final states and termination. pathway's engine owns the
*decisions* — it evaluates our three-valued guards in document order and records why each transition fired or
waited. So every transition of the pathway becomes its own event here (``tr_<n>``, no guard), and the engine sends
exactly the transitions it selected. Guards are never handed to the library as strings, and the library's
error-swallowing and activation-order conflict resolution never decide anything.

State ids are prefixed (``s_<id>``) so that a state named like a ``StateChart`` attribute cannot shadow it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import statemachine
from statemachine import StateChart
from statemachine.io import StateDefinition, create_machine_class_from_definition

from pathway.definition.analysis import Analysis
from pathway.definition.index import StateIndex
from pathway.definition.model import State

STATEMACHINE_VERSION: str = statemachine.__version__
_PREFIX = "s_"


@dataclass(frozen=True)
class CompiledChart:
    """The generated class and the names that connect it to the pathway."""

    cls: type[StateChart[Any]]
    event_of: Mapping[str, str]  # transition id -> event name in the chart

    def new(self) -> Machine:
        return Machine(self.cls(), self.event_of)


class Machine:
    """One running chart: send a selected transition (by id), read the active states (pathway ids)."""

    __slots__ = ("_sm", "_event_of")

    def __init__(self, sm: StateChart[Any], event_of: Mapping[str, str]) -> None:
        self._sm = sm
        self._event_of = event_of

    def active(self) -> frozenset[str]:
        return frozenset(state.id[len(_PREFIX) :] for state in self._sm.configuration)

    def fire(self, transition: str) -> None:
        self._sm.send(self._event_of[transition])

    @property
    def terminated(self) -> bool:
        return bool(self._sm.is_terminated)


def _state_definition(state_id: str, state: State, index: StateIndex, events: Mapping[str, str]) -> dict[str, Any]:
    definition: dict[str, Any] = {"name": state_id}
    if state.initial and not _in_parallel(state_id, index):
        definition["initial"] = True
    if state.final:
        definition["final"] = True
    if state.parallel:
        definition["parallel"] = True
    if state.states:
        definition["states"] = {
            _PREFIX + child: _state_definition(child, child_state, index, events)
            for child, child_state in state.states.items()
        }
    on: dict[str, list[dict[str, Any]]] = {}
    for t in index.outgoing(state_id):
        on[events[t.id]] = [{"target": _PREFIX + t.target}]
    if on:
        definition["on"] = on
    return definition


def _in_parallel(state_id: str, index: StateIndex) -> bool:
    parent = index.states[state_id].parent
    return parent is not None and index.states[parent].state.parallel


def compile_chart(analysis: Analysis) -> CompiledChart:
    """Build the StateChart class for a checked pathway (its analysis must have no issues)."""
    if analysis.issues:
        raise ValueError("compile_chart needs a pathway without issues; load it with pathway.definition.loader first")
    index = analysis.index
    events = {t.id: f"tr_{n}" for n, t in enumerate(index.transitions)}
    states = {
        _PREFIX + state_id: _state_definition(state_id, state, index, events)
        for state_id, state in analysis.pathway.states.items()
    }
    cls = create_machine_class_from_definition(
        f"Pathway_{analysis.pathway.id}",
        states=cast("dict[str, StateDefinition]", states),
        catch_errors_as_events=False,
        allow_event_without_transition=False,
        validate_disconnected_states=False,
        validate_trap_states=False,
        validate_final_reachability=False,
    )
    return CompiledChart(cls, events)
