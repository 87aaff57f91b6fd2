"""Lint of conflicting recommendations (PW550, PW551): the witness journey it prints reaches the conflict when run;
what it proves unreachable never happens in random journeys; its model of the state chart is the engine's; it says
when it stopped at its bound; and a recommendation with `until` is not bounded by its state (PW541)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import pathway
from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.engine.configuration import effect, initial_states
from pathway.engine.runner import Runner
from pathway.journey.check import journey_from_data
from pathway.linter import conflicts, lint_file, together
from pathway.linter.chart import explored
from pathway.trail.records import ConflictRecord, StartRecord, TransitionRecord
from tests.conftest import FIXTURES, ROOT

LINT = FIXTURES / "lint"
PERSISTENCE = FIXTURES / "recommendations" / "persistence.yaml"


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def witnesses(path: Path) -> dict[str, str]:
    """Each PW550 finding's pair (as written in its message) -> the journey its hint gives."""
    found = {}
    for d in lint_file(_rel(path)).diagnostics:
        if d.code == "PW550":
            assert d.hint is not None
            found[d.message.split(" are declared")[0]] = d.hint.split("a journey that reaches it:\n", 1)[1]
    return found


@pytest.mark.parametrize("path", [LINT / "trigger" / "PW550.yaml", PERSISTENCE], ids=lambda p: p.name)
def test_the_journey_in_the_hint_reaches_the_conflict_when_pasted_and_run(path: Path) -> None:
    found = witnesses(path)
    assert found
    for pair, text in found.items():
        events = yaml.safe_load(text)
        events = [
            {**e, "at": str(e["at"]), "facts": {k: str(v) if k in _dates(path) else v for k, v in e["facts"].items()}}
            for e in events
        ]
        result = pathway.run(path, {"journey": "pasted", "events": events})
        recorded = {"'" + "' and '".join(r.actions) + "'" for r in result.records if isinstance(r, ConflictRecord)}
        assert pair in recorded


def _dates(path: Path) -> set[str]:
    facts = load_analysis(path).pathway.facts
    return {name for name, fact in facts.items() if fact.type in ("date", "datetime")}


def test_the_persistence_witness_waits_for_the_grade_to_go_stale() -> None:
    (journey,) = witnesses(PERSISTENCE).values()
    assert journey == (
        "- at: 2026-01-01\n  facts: {grade: 2, steroid_response: improving}\n"
        "- at: 2026-01-02\n  facts: {grade: 3, steroid_response: partial}\n"
        "- at: 2026-01-16\n  facts: {steroid_response: improving}"
    )  # grade is valid for 14 days: given on 01-02, unknown from 01-16


def test_a_conflict_the_search_rules_out_is_not_reported_and_one_it_cannot_follow_is_pw551() -> None:
    clean = load_analysis(LINT / "clean" / "PW550.yaml")
    assert [(v.pair, v.witness, v.undecided) for v in conflicts.verdicts(clean)] == [
        (("continue_drug", "stop_drug"), None, None),
        (("reduce_drug", "stop_drug"), None, None),
    ]
    (undecided,) = conflicts.verdicts(load_analysis(LINT / "trigger" / "PW551.yaml"))
    assert undecided.undecided == "lint finds ways that could reach it, but no journey it made from them does"
    assert undecided.closest == ("running->stopped", "waiting->giving")


def test_a_search_that_reaches_its_bound_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(together, "MAX_STEPS", 3)
    (verdict, *_) = conflicts.verdicts(load_analysis(LINT / "clean" / "PW550.yaml"))
    assert verdict.undecided is not None
    assert "reached its bound" in verdict.undecided


def test_persistence_is_followed_through_the_regions_that_carry_the_actions_only() -> None:
    bipn = load_analysis(ROOT / "definitions" / "bipn" / "pathway.yaml")
    dose = explored(bipn, ["high_grade", "reduce_dose"])
    assert {"care", "dose", "grade_check", "high_grade"} <= dose
    assert not {"pain_check", "workup", "assessing", "monitoring_check"} & dose
    everything = explored(load_analysis(PERSISTENCE), ["grade_2"])
    assert everything == frozenset(load_analysis(PERSISTENCE).index.states)


def _journeys() -> list[tuple[Path, Path]]:
    pairs = [
        (d / "pathway.yaml", j)
        for d in sorted((ROOT / "definitions").iterdir())
        for j in sorted(d.glob("journeys/*.yaml"))
    ]
    pairs += [
        (FIXTURES / "time" / f"{name}.yaml", j)
        for name in ("timers", "recurrence", "clock")
        for j in sorted((FIXTURES / "time" / "journeys").glob("*.yaml"))
        if yaml.safe_load(j.read_text())["pathway"].split("@")[0] == name
    ]
    pairs += [(PERSISTENCE, j) for j in sorted((FIXTURES / "recommendations" / "journeys").glob("persistence-*.yaml"))]
    return pairs


@pytest.mark.parametrize(("definition", "journey"), _journeys(), ids=lambda p: p.stem)
def test_the_model_of_the_state_chart_takes_each_transition_as_the_engine_does(definition: Path, journey: Path) -> None:
    analysis = load_analysis(definition)
    by_id = {t.id: t for t in analysis.index.transitions}
    active: frozenset[str] = frozenset()
    for r in pathway.run(analysis, journey).records:
        if isinstance(r, StartRecord):
            active = frozenset(r.entered)
            assert active == initial_states(analysis)
        elif isinstance(r, TransitionRecord):
            after = (active - set(r.exited)) | set(r.entered)
            assert effect(analysis.index, active, by_id[r.id]) == after, r.id
            active = after


CROSS = """
pathway: cross
version: 1.0.0
title: Transitions across regions, into a parent and onto itself
status: draft
facts: {a: {type: bool}, b: {type: bool}, c: {type: bool}}
events: {go: {description: go}, back: {description: back}}
states:
  top:
    initial: true
    parallel: true
    states:
      r1:
        states:
          p: {initial: true, transitions: [{to: q, when: a}]}
          q: {transitions: [{to: w, when: b}]}
      r2:
        states:
          w: {initial: true, transitions: [{to: v, when: c}]}
          v:
            transitions: [{to: v, event: go}, {to: v1, event: back}]
            states:
              v1: {initial: true, transitions: [{to: v2, when: a}]}
              v2: {}
"""


def test_the_model_takes_transitions_across_regions_into_a_child_and_onto_itself_as_the_engine_does(
    tmp_path: Path,
) -> None:
    definition = tmp_path / "cross.yaml"
    definition.write_text(CROSS, encoding="utf-8")
    analysis = load_analysis(definition)
    events = [
        {"at": "2026-01-01", "facts": {"a": True, "b": False, "c": True}},
        {"at": "2026-01-02", "event": "go"},
        {"at": "2026-01-03", "event": "back"},
        {"at": "2026-01-04", "facts": {"a": False, "b": True}},
    ]
    by_id = {t.id: t for t in analysis.index.transitions}
    active: frozenset[str] = frozenset()
    taken = []
    for r in pathway.run(analysis, {"journey": "x", "events": events}).records:
        if isinstance(r, StartRecord):
            active = frozenset(r.entered)
        elif isinstance(r, TransitionRecord):
            after = (active - set(r.exited)) | set(r.entered)
            assert effect(analysis.index, active, by_id[r.id]) == after, r.id
            active, taken = after, [*taken, r.id]
    assert {"q->w", "v->v", "v->v1"} <= set(taken)


FACTS = {
    "on_drug": st.booleans(),
    "grade": st.integers(min_value=0, max_value=4),
}


@pytest.mark.slow
@given(st.lists(st.fixed_dictionaries({}, optional=FACTS), min_size=1, max_size=8))
def test_what_lint_proves_unreachable_never_happens(entries: list[dict[str, Any]]) -> None:
    analysis = _clean()
    events = [{"at": f"2026-01-{n + 1:02d}", "facts": facts} for n, facts in enumerate(entries)]
    result = Runner(analysis).run(journey_from_data({"journey": "random", "events": events}, analysis))
    assert not [r for r in result.records if isinstance(r, ConflictRecord)]
    assert result.summary.conflicts is None


_CLEAN: list[Analysis] = []


def _clean() -> Analysis:
    if not _CLEAN:
        _CLEAN.append(load_analysis(LINT / "clean" / "PW550.yaml"))
    return _CLEAN[0]


def test_a_deadline_or_period_on_a_recommendation_that_persists_is_not_bounded_by_its_state(tmp_path: Path) -> None:
    text = (LINT / "trigger" / "PW541.yaml").read_text(encoding="utf-8")
    assert "PW541" in {d.code for d in lint_file(_rel(LINT / "trigger" / "PW541.yaml")).diagnostics}
    persisting = tmp_path / "p.yaml"
    persisting.write_text(text.replace("due: 2w}", "due: 2w, until: improved}"), encoding="utf-8")
    before = [d.message for d in lint_file(_rel(LINT / "trigger" / "PW541.yaml")).diagnostics if d.code == "PW541"]
    after = [d.message for d in lint_file(persisting).diagnostics if d.code == "PW541"]
    assert len(after) == len(before) - 1


def test_bipn_conflicts_are_proved_unreachable_and_weakening_the_stop_makes_lint_find_a_patient(
    tmp_path: Path,
) -> None:
    bipn = ROOT / "definitions" / "bipn" / "pathway.yaml"
    verdicts = conflicts.verdicts(load_analysis(bipn))
    assert len(verdicts) == 4
    assert [(v.witness, v.undecided) for v in verdicts] == [(None, None)] * 4
    weakened = tmp_path / "pathway.yaml"
    text = bipn.read_text(encoding="utf-8")
    stop = "- action: discontinue_bortezomib\n                    until: on_bortezomib"
    assert stop in text
    weakened.write_text(text.replace(stop, stop.replace("on_bortezomib", 'bortezomib_status == "never"')), "utf-8")
    found = {v.pair: v for v in conflicts.verdicts(load_analysis(weakened)) if v.witness is not None}
    assert set(found) == {("switch_to_weekly_sc", "discontinue_bortezomib"), ("dose_reduce", "discontinue_bortezomib")}
    restarted = found[("dose_reduce", "discontinue_bortezomib")].witness
    assert restarted is not None
    assert [e["facts"].get("bortezomib_status") for e in restarted] == ["active", "discontinued", "active"]  # type: ignore[union-attr]
