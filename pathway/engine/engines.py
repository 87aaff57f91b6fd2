"""The two engines a run can use. Both decide by the same rule and write the same records; they differ in how they
keep the configuration and how much they evaluate again at each microstep.

- ``reference``: python-statemachine keeps the configuration (:mod:`pathway.engine.compile`), and every microstep
  evaluates the guards of every active state (:func:`pathway.engine.selection.select`). The oracle, and what
  ``pathway run`` uses.
- ``compiled``: the configuration as plain data, with a table of what each transition leaves and enters
  (:mod:`pathway.engine.configuration`), and each state's outcome kept until something it reads changes
  (:mod:`pathway.engine.incremental`). What cohorts use; ``tests/test_compiled_engine.py`` proves its trails
  byte-identical to the reference engine's.

A trail's header names python-statemachine's version whichever engine wrote it: the trail follows its semantics
either way, and the bytes must not depend on the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Final, Literal, Protocol

from pathway.definition.analysis import Analysis
from pathway.engine.compile import compile_chart
from pathway.engine.configuration import PlainChart
from pathway.engine.dependencies import Dependencies
from pathway.engine.incremental import IncrementalSelector
from pathway.engine.recall import Recall
from pathway.engine.selection import Clock, Selection, select
from pathway.expr import Scope

EngineName = Literal["reference", "compiled"]
ENGINES: Final[tuple[EngineName, ...]] = ("reference", "compiled")

Selector = Callable[[frozenset[str], str | None, Scope, Clock], Selection]
"""One run's selection: (active states, trigger, scope, clock) -> the microstep's transitions and waits."""


class Machine(Protocol):
    """One run's configuration: the active states (pathway ids), a selected transition applied (by id)."""

    @property
    def terminated(self) -> bool: ...

    def active(self) -> frozenset[str]: ...

    def fire(self, transition: str) -> None: ...


class Engine(Protocol):
    """A pathway compiled for one engine: a fresh configuration and a fresh selector per run."""

    name: EngineName

    def machine(self) -> Machine: ...

    def selector(self) -> Selector: ...


class ReferenceEngine:
    """python-statemachine keeps the configuration; every guard of the active states is evaluated each microstep."""

    name: EngineName = "reference"

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.chart = compile_chart(analysis)

    def machine(self) -> Machine:
        return self.chart.new()

    def selector(self) -> Selector:
        return partial(select, self.analysis)


class CompiledEngine:
    """The configuration as tables, and outcomes kept until what they read changes."""

    name: EngineName = "compiled"

    def __init__(self, analysis: Analysis) -> None:
        if analysis.issues:
            raise ValueError("the compiled engine needs a pathway without issues; load it with pathway.definition")
        self.analysis = analysis
        self.chart = PlainChart(analysis)
        self.dependencies = Dependencies(analysis)
        self.recall = Recall(analysis)

    def machine(self) -> Machine:
        return self.chart.new()

    def selector(self) -> Selector:
        return IncrementalSelector(self.analysis, self.dependencies, self.recall).select


def engine_for(analysis: Analysis, name: str = "reference") -> Engine:
    """The pathway compiled for the engine called ``name`` (``reference`` or ``compiled``)."""
    if name == "reference":
        return ReferenceEngine(analysis)
    if name == "compiled":
        return CompiledEngine(analysis)
    raise ValueError(f"unknown engine {name!r}; the engines are {', '.join(ENGINES)}")
