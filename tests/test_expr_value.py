"""The value path of the guard language (:meth:`Compiled.value`, :meth:`Scope.derived_value`), which the compiled
engine uses to judge a guard without working out what it read and needs, against the full evaluation: over every
scope the reference engine meets on random journeys (hypothesis) of every bundled pathway and the engine, time and
guard-error fixtures, the value is the evaluation's value whenever it is given (never for an unknown or failed
guard), a derived fact's value is its evaluation's value or error, and a lazily worked out ``read`` is the one an
eager evaluation gives. The differential test (tests/test_compiled_engine.py) checks the trails that result."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.engine.runner import Runner
from pathway.expr import UNKNOWN, EvalError, Evaluation, Scope
from pathway.expr.evaluate import UNSURE, Compiled
from pathway.journey.check import journey_from_data
from tests.conftest import ROOT
from tests.test_engine_properties import journeys

PATHWAYS = [
    *sorted((ROOT / "definitions").glob("*/pathway.yaml")),
    ROOT / "tests/fixtures/engine/semantics.yaml",
    ROOT / "tests/fixtures/engine/guard_errors/pathway.yaml",
    *sorted((ROOT / "tests/fixtures/time").glob("*.yaml")),
]
ANALYSES = {path: load_analysis(path) for path in PATHWAYS}


def fresh(scope: Scope) -> Scope:
    """The same moment, with nothing worked out yet."""
    return Scope(
        scope.facts, scope.derived, scope.now, given=scope.given, recorded=scope.recorded, assumed=scope.assumed
    )


def scopes_met(analysis: Analysis, data: dict[str, Any]) -> Iterator[tuple[Compiled, Scope, datetime | None]]:
    """Every guard evaluation of the reference engine's run of a journey: the guard, a copy of its scope (the
    run changes its own facts in place afterwards) and when its state was entered."""
    met: list[tuple[Compiled, Scope, datetime | None]] = []
    original = Compiled.evaluate

    def spy(self: Compiled, scope: Scope, entered: datetime | None = None) -> Evaluation:
        copy = Scope(
            dict(scope.facts),
            scope.derived,
            scope.now,
            given=dict(scope.given),
            recorded=dict(scope.recorded),
            assumed=dict(scope.assumed),
        )
        met.append((self, copy, entered))
        return original(self, scope, entered)

    Compiled.evaluate = spy  # type: ignore[method-assign]
    try:
        Runner(analysis).run(journey_from_data(data, analysis))
    finally:
        Compiled.evaluate = original  # type: ignore[method-assign]
    return iter(met)


def check_agrees(compiled: Compiled, scope: Scope, entered: datetime | None) -> None:
    full = compiled.evaluate(fresh(scope), entered)
    value = compiled.value(fresh(scope), entered)
    if value is UNSURE:  # the facts alone leave it unknown (assumed values may decide it), or it fails
        alone = compiled.evaluate_once(fresh(scope), entered)
        assert alone.value is UNKNOWN or alone.error is not None, compiled.text
    else:
        assert full.error is None, compiled.text
        assert full.value is not UNKNOWN, compiled.text
        assert full.value == value, compiled.text
        assert type(full.value) is type(value)
    eager, lazy = fresh(scope), fresh(scope)
    for name in scope.derived:
        evaluation = eager.derived_evaluation(name)
        expected = evaluation.value if evaluation.error is None else evaluation.error
        got = lazy.derived_value(name)
        assert got == expected, name
        assert type(got) is type(expected), name
        assert isinstance(got, EvalError) == (evaluation.error is not None)


IDS = [p.stem if p.stem != "pathway" else p.parent.name for p in PATHWAYS]


@pytest.mark.parametrize("path", PATHWAYS, ids=IDS)
def test_a_guards_value_is_its_evaluations_value_on_generated_journeys(path: Path) -> None:
    """The cohort generator's journeys (seeded): the quick run's share."""
    from pathway.cohort.generate import cohort

    analysis = ANALYSES[path]
    count = 0
    for journey in cohort(analysis, 8, 20, seed=5):
        for compiled, scope, entered in scopes_met(analysis, journey):
            check_agrees(compiled, scope, entered)
            count += 1
    assert count > 0


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHWAYS, ids=IDS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_a_guards_value_is_its_evaluations_value(path: Path, data: st.DataObject) -> None:
    analysis = ANALYSES[path]
    journey = data.draw(journeys(analysis))
    for compiled, scope, entered in scopes_met(analysis, journey):
        check_agrees(compiled, scope, entered)


def test_a_failing_guard_has_no_value_but_its_evaluation_carries_the_error() -> None:
    analysis = ANALYSES[ROOT / "tests/fixtures/engine/guard_errors/pathway.yaml"]
    failing = [
        (t, c)
        for t, c in analysis.guards.items()
        if "/" in c.text  # the fixture's division guards
    ]
    assert failing
    zero = {name: 0 for name in analysis.pathway.facts if analysis.pathway.facts[name].type in ("int", "number")}
    scope = Scope(zero, analysis.derived, datetime(2026, 1, 1))
    errors = [t for t, c in failing if c.evaluate(fresh(scope)).error is not None]
    assert errors, "dividing by zero fails"
    for t in errors:
        assert analysis.guards[t].value(fresh(scope)) is UNSURE


def test_a_lazy_read_is_worked_out_once_and_compares_and_pickles_like_an_eager_one() -> None:
    calls: list[int] = []

    def reader() -> dict[str, object]:
        calls.append(1)
        return {"a": 1, "b": True}

    lazy = Evaluation(True, missing=frozenset(), reader=reader)
    assert calls == []
    eager = Evaluation(True, {"a": 1, "b": True}, frozenset())
    assert lazy == eager
    assert lazy.read == {"a": 1, "b": True}
    assert calls == [1]
    assert pickle.loads(pickle.dumps(lazy)) == eager
    assert lazy != Evaluation(True, {"a": 2, "b": True}, frozenset())
    with pytest.raises(AttributeError):
        lazy.value = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        Evaluation(True, {}, frozenset(), reader=reader)
