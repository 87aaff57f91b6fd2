"""Evaluations recalled across journeys (:mod:`pathway.engine.recall`): recalled only for guards that read the facts'
values alone, under the values' types and a float's sign too, never over a value whose equal values are written
differently, never an evaluation that failed, within a bounded store; and over every scope the reference engine
meets on random journeys of every bundled pathway and fixture, the evaluation recalled is the one evaluating anew
gives, written alike. The differential test (tests/test_compiled_engine.py) checks the trails of runs that share
one engine, and so its recalled evaluations."""

from __future__ import annotations

from datetime import UTC, datetime
from math import copysign
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.engine.recall import Recall, recallable
from pathway.expr import Evaluation, Scope
from tests.conftest import ROOT
from tests.test_engine_properties import journeys
from tests.test_expr_value import ANALYSES, IDS, PATHWAYS, fresh, scopes_met

FIXTURE = ROOT / "tests/fixtures/engine/recall.yaml"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return load_analysis(FIXTURE)


def written(evaluation: Evaluation) -> str:
    """An evaluation as a record would show it: each value with its type (``1`` is not ``True`` nor ``1.0``, and
    ``-0.0`` is not ``0.0``)."""
    shown: list[Any] = [evaluation.value, sorted(evaluation.missing), evaluation.error, sorted(evaluation.assumed)]
    shown += [(name, type(value).__name__, repr(value)) for name, value in evaluation.read.items()]
    return repr(shown)


def at(facts: dict[str, object], **assumed: object) -> Scope:
    return Scope(facts, load_analysis(FIXTURE).derived, datetime(2026, 1, 1, tzinfo=UTC), assumed=assumed)


def test_only_guards_that_read_the_facts_values_alone_are_recalled(analysis: Analysis) -> None:
    """Not those that read the clock (themselves, through a derived fact, or time_in_state()), when a fact was last
    given, or a decision; each recalled guard under the facts it reads through derived facts, not the derived."""
    assert recallable(analysis) == {
        "start->plain": ("ok", "x"),
        "start->through_derived": ("n", "x"),
        "start->dated": ("at",),
    }


def test_equal_values_of_another_type_or_sign_are_not_recalled(analysis: Analysis) -> None:
    recall, guard = Recall(analysis), analysis.guards["start->plain"]
    first = recall.evaluate("start->plain", guard, at({"x": 0.0, "ok": True}))
    assert first is not None
    assert recall.evaluate("start->plain", guard, at({"x": 0.0, "ok": True})) is first
    for facts in ({"x": -0.0, "ok": True}, {"x": 0, "ok": True}, {"x": 0.0, "ok": 1}):
        found = recall.evaluate("start->plain", guard, at(facts))
        assert found is not None
        assert found is not first, facts
        assert written(found) == written(guard.evaluate(at(facts))), facts
    negative = recall.evaluate("start->plain", guard, at({"x": -0.0, "ok": True}))
    assert negative is not None
    assert copysign(1.0, negative.read["x"]) == -1.0  # type: ignore[arg-type]
    assert len(recall.kept) == 4


def test_a_missing_fact_and_its_assumed_value_are_part_of_what_is_recalled_over(analysis: Analysis) -> None:
    recall, guard = Recall(analysis), analysis.guards["start->plain"]
    missing = recall.evaluate("start->plain", guard, at({"x": 2}))
    assumed = recall.evaluate("start->plain", guard, at({"x": 2}, ok=True))
    assert missing is not None
    assert assumed is not None
    assert missing.missing == {"ok"}
    assert assumed.value is True
    assert assumed.assumed == {"ok"}
    assert written(assumed) == written(guard.evaluate(at({"x": 2}, ok=True)))


def test_a_value_whose_equal_values_are_written_differently_is_not_recalled(analysis: Analysis) -> None:
    """Equal date-times can carry different offsets: a guard reading one is evaluated anew."""
    recall = Recall(analysis)
    scope = at({"at": datetime(2025, 1, 1, tzinfo=UTC)})
    assert recall.evaluate("start->dated", analysis.guards["start->dated"], scope) is None
    assert recall.evaluate("start->timed", analysis.guards["start->timed"], scope) is None  # not recallable
    assert not recall.kept


def test_an_evaluation_that_failed_is_not_kept(analysis: Analysis) -> None:
    recall, guard = Recall(analysis), analysis.guards["start->through_derived"]
    failed = recall.evaluate("start->through_derived", guard, at({"x": 1, "n": 0}))
    assert failed is not None
    assert failed.error is not None
    assert not recall.kept
    assert recall.evaluate("start->through_derived", guard, at({"x": 4, "n": 2})) is not None
    assert len(recall.kept) == 1


def test_the_store_is_bounded(analysis: Analysis) -> None:
    recall, guard = Recall(analysis, limit=3), analysis.guards["start->plain"]
    for x in range(10):
        assert recall.evaluate("start->plain", guard, at({"x": x, "ok": True})) is not None
        assert 1 <= len(recall.kept) <= 3


RANDOM = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHWAYS, ids=IDS)
def test_a_recalled_evaluation_is_the_one_evaluating_anew_gives(path: Any) -> None:
    """One store for every scope met (as one engine serves a cohort), so evaluations are recalled across journeys."""
    analysis = ANALYSES[path]
    recall = Recall(analysis)
    recalled = 0

    @RANDOM
    @given(st.data())
    def check(data: st.DataObject) -> None:
        nonlocal recalled
        guards = {id(g): t for t, g in analysis.guards.items()}
        for guard, scope, entered in scopes_met(analysis, data.draw(journeys(analysis))):
            transition = guards.get(id(guard))
            if transition is None:  # a derived fact's evaluation
                continue
            kept = len(recall.kept)
            found = recall.evaluate(transition, guard, fresh(scope))
            if found is None:
                continue
            recalled += len(recall.kept) == kept and found.error is None
            assert written(found) == written(guard.evaluate(fresh(scope), entered)), (transition, scope.facts)

    check()
    if recallable(analysis):
        assert recalled, "no evaluation was recalled: the test compared nothing recalled"
