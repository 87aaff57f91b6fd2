"""Consistency constraints (docs/recommendations.md): journeys, scenarios and recorded inputs that break one are
refused at the fact that completed the contradiction, with nothing run and no trail written; values gone stale
contradict nothing; lint finds a constraint no patient satisfies and the transitions only forbidden patients fire;
golden trails for the fixture's journeys, and replay reproduces each."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import pathway
from pathway.audit.replay import replay
from pathway.cli.main import main
from pathway.definition.analysis import Analysis
from pathway.definition.constraints import breaches
from pathway.definition.loader import load_analysis
from pathway.diagnostics import Diagnostic
from pathway.errors import InvalidInputError
from pathway.expr.durations import parse_duration
from pathway.journey.check import journey_from_data
from pathway.journey.constraints import Contradiction, Given, _contradiction, contradictions
from pathway.journey.model import Problem, check_fact_value
from pathway.linter import lint_file
from pathway.scenarios.generate import generate
from pathway.scenarios.run import load_scenarios
from pathway.trail.io import write_trail
from pathway.trail.records import InputRecord
from tests.conftest import GOLDEN, ROOT, assert_golden

FIXTURES = ROOT / "tests" / "fixtures" / "recommendations"
PATHWAY = FIXTURES / "constraints.yaml"
JOURNEYS = sorted((FIXTURES / "journeys").glob("constraints-*.yaml"))


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return load_analysis(PATHWAY)


def refused(analysis: Analysis, events: Sequence[Mapping[str, Any]]) -> list[Diagnostic]:
    with pytest.raises(InvalidInputError) as caught:
        journey_from_data({"journey": "j", "events": list(events)}, analysis)
    return caught.value.diagnostics


def accepted(analysis: Analysis, events: Sequence[Mapping[str, Any]]) -> None:
    journey_from_data({"journey": "j", "events": list(events)}, analysis)


@pytest.mark.parametrize("journey", JOURNEYS, ids=lambda p: p.stem)
def test_fixture_journey_matches_its_golden_trail_and_replays(journey: Path, tmp_path: Path) -> None:
    result = pathway.run(PATHWAY, journey)
    trail = tmp_path / "trail.jsonl"
    write_trail(trail, result.records)
    golden = GOLDEN / "recommendations" / f"{journey.stem}.jsonl"
    assert_golden(golden, trail.read_text(encoding="utf-8"))
    assert replay(golden, PATHWAY).status == "reproduced"


# Three-valued: broken only when definitely false ------------------------------------------------------------------


def test_a_constraint_is_broken_only_when_definitely_false(analysis: Analysis) -> None:
    assert [b.name for b in breaches(analysis, {"motor_weakness": "none", "motor_grade": 3})] == ["motor_consistent"]
    assert breaches(analysis, {"motor_weakness": "none"}) == []  # the grade is unknown: it may still hold
    assert breaches(analysis, {"motor_weakness": "symmetric", "motor_grade": 3}) == []
    assert breaches(analysis, {"motor_weakness": "none", "motor_grade": 2}) == []


def test_the_fact_that_completed_the_contradiction_is_the_one_located(analysis: Analysis) -> None:
    found = refused(
        analysis,
        [
            {"at": "2026-03-02", "facts": {"motor_weakness": "none"}},
            {"at": "2026-03-03", "facts": {"cycles_completed": 0, "motor_grade": 3}},
        ],
    )
    [only] = found
    assert only.code == "PW311"
    assert "constraint 'motor_consistent' is broken: no motor weakness but a motor grade of 3 or more" in only.message
    assert 'in this entry: motor_grade=3; from input 1: motor_weakness="none"' in only.message
    assert "give the new value of motor_weakness here too" in (only.hint or "")


def test_facts_from_different_inputs_are_checked_when_the_later_one_arrives(tmp_path: Path) -> None:
    journey = tmp_path / "j.yaml"
    journey.write_text(
        "journey: j\nevents:\n  - at: 2026-03-02\n    facts: {motor_grade: 4}\n"
        "  - at: 2026-03-05\n    facts: {bortezomib_status: never}\n"
        "  - at: 2026-03-06\n    facts:\n      motor_weakness: none\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as caught:
        pathway.run(PATHWAY, journey)
    [only] = caught.value.diagnostics
    assert (only.line, only.column) == (9, 7)  # the motor_weakness key of the third entry
    assert "from input 1 on line 3: motor_grade=4" in only.message  # the line its entry starts on


def test_a_value_gone_stale_contradicts_nothing_and_a_current_one_does(analysis: Analysis) -> None:
    grade = {"at": "2026-03-02", "facts": {"motor_weakness": "symmetric", "motor_grade": 3}}
    accepted(analysis, [grade, {"at": "2026-03-23", "facts": {"motor_weakness": "none"}}])  # 21 days: stale
    found = refused(analysis, [grade, {"at": "2026-03-22T23:59", "facts": {"motor_weakness": "none"}}])
    assert [d.code for d in found] == ["PW311"]


def test_a_newer_value_replaces_the_one_it_contradicted(analysis: Analysis) -> None:
    accepted(
        analysis,
        [
            {"at": "2026-03-02", "facts": {"motor_weakness": "none", "motor_grade": 1}},
            {"at": "2026-03-09", "facts": {"motor_weakness": "asymmetric", "motor_grade": 4}},
        ],
    )


def test_a_constraint_broken_for_several_inputs_is_reported_once_at_the_first(analysis: Analysis) -> None:
    found = refused(
        analysis,
        [
            {"at": "2026-03-02", "facts": {"bortezomib_status": "never", "cycles_completed": 1}},
            {"at": "2026-03-03", "facts": {"cycles_completed": 2}},
        ],
    )
    assert [d.code for d in found] == ["PW311"]


def test_a_broken_journey_runs_nothing_and_writes_no_trail(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "trail.jsonl"
    journey = "tests/fixtures/journeys/invalid/constraint_same_entry.yaml"
    code = main(["run", journey, "--pathway", str(PATHWAY), "--trail", str(out)])
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert "PW311" in captured.err
    assert "nothing was run and no trail was written" in captured.err
    assert not out.exists()


# The same check for scenarios and for the inputs a trail records -----------------------------------------------


def test_a_scenario_step_that_breaks_a_constraint_is_a_located_error(analysis: Analysis, tmp_path: Path) -> None:
    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text(
        "scenarios:\n  - name: contradiction\n    steps:\n      - at: 2026-03-02\n"
        "        facts: {motor_weakness: none}\n      - at: 2026-03-03\n        facts: {motor_grade: 3}\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as caught:
        load_scenarios(scenarios, analysis)
    [only] = caught.value.diagnostics
    assert (only.code, only.line) == ("PW311", 7)


def test_replay_refuses_recorded_inputs_that_break_a_constraint(tmp_path: Path) -> None:
    loose = tmp_path / "loose.yaml"  # the same pathway without its constraints wrote the trail
    text = PATHWAY.read_text(encoding="utf-8")
    loose.write_text(text.split("constraints:\n")[0] + "actions:" + text.split("\nactions:", 1)[1], encoding="utf-8")
    events = [
        {"at": "2026-03-02", "facts": {"motor_weakness": "none"}},
        {"at": "2026-03-03", "facts": {"motor_grade": 3}},
    ]
    trail = tmp_path / "trail.jsonl"
    run = pathway.run(loose, {"journey": "j", "events": events})
    run.write(trail)
    assert replay(trail, loose).status == "reproduced"
    result = replay(trail, PATHWAY)
    assert result.status == "invalid"
    [only] = result.diagnostics
    second = next(r for r in run.records if isinstance(r, InputRecord) and r.input == 2)
    assert (only.code, only.file, only.line) == ("PW311", str(trail), second.seq + 1)  # its line in the trail


# Lint ------------------------------------------------------------------------------------------------------------

STUCK = """\
pathway: stuck
version: 1.0.0
title: Stuck unless forbidden
status: draft
evidence:
  ev: {cite: Fixture}
facts:
  grade: {type: int, min: 0, max: 4}
  weakness: {type: enum, values: [none, some]}
constraints:
  consistent:
    expr: not (weakness == "none" and grade >= 3)
    message: no weakness but a grade of 3 or more
states:
  start:
    initial: true
    transitions:
      - {to: done, when: weakness == "some", evidence: [ev]}
      - {to: done, id: mild, when: grade < 3, evidence: [ev]}
  done:
    final: true
"""


def test_stuck_and_overlap_checks_name_only_patients_the_constraints_allow(tmp_path: Path) -> None:
    path = tmp_path / "stuck.yaml"
    path.write_text(STUCK, encoding="utf-8")
    codes = {d.code: d.message for d in lint_file(path).diagnostics}
    assert "PW512" not in codes  # {grade: 3, weakness: none} is stuck, but no journey can give it
    assert "{grade: 0, weakness: some}" in codes["PW513"]
    path.write_text(STUCK.split("constraints:")[0] + "states:" + STUCK.split("states:")[1], encoding="utf-8")
    unconstrained = {d.code: d.message for d in lint_file(path).diagnostics}
    assert "grade: 3, weakness: none" in unconstrained["PW512"]  # without the constraint, the patient is named


def test_scenario_generation_never_gives_facts_that_break_a_constraint(analysis: Analysis) -> None:
    found = generate(analysis, [])
    for g in found.generated:
        given: dict[str, object] = {}
        for step in g.steps:
            given |= dict(step.facts)
            assert breaches(analysis, given) == []
    assert {g.transition.id for g in found.generated} >= {"assess->severe", "assess->mild", "mild->severe"}


def test_show_lists_the_constraints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(PATHWAY)]) == 0
    text = capsys.readouterr().out
    assert "Constraints (2):" in text
    assert 'motor_consistent             not (motor_weakness == "none" and severe_motor)' in text
    assert main(["show", str(PATHWAY), "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)["constraints"]
    assert shown["never_treated"]["message"] == "never on bortezomib but bortezomib cycles completed"


def _from_scratch(analysis: Analysis, inputs: list[Given]) -> list[Contradiction]:
    """Every constraint evaluated after every input (what :func:`contradictions` skips when no fact it reads
    changed)."""
    lasting = {n: parse_duration(f.valid_for) for n, f in analysis.pathway.facts.items() if f.valid_for}
    current: dict[str, tuple[object, int, datetime]] = {}
    broken: set[str] = set()
    found = []
    for index, given in enumerate(inputs):
        current.update((name, (value, index, given.at)) for name, value in given.facts.items())
        live = {n: e for n, e in current.items() if n not in lasting or given.at < e[2] + lasting[n]}
        now = breaches(analysis, {n: value for n, (value, _, _) in live.items()})
        found += [_contradiction(analysis, inputs, index, b, live) for b in now if b.name not in broken]
        broken = {b.name for b in now}
    return found


@pytest.mark.parametrize(("backwards", "again"), [(False, False), (True, False), (False, True), (True, True)])
def test_constraints_are_evaluated_again_only_when_a_fact_they_read_changed(backwards: bool, again: bool) -> None:
    """The same contradictions as evaluating every constraint after every input, over the bench's cohort (which
    breaks constraints), also with times that go backwards (a stale value fresh again), and with values given
    again as they were (``again``: unchanged, or of another type or sign, which counts as a change)."""
    import random

    from pathway.cohort.generate import cohort, fact_value

    bipn = load_analysis(ROOT / "definitions/bipn/pathway.yaml")
    rng = random.Random(7)
    read = sorted({n for c in bipn.constraints.values() for n in c.names if n in bipn.pathway.facts})
    found = 0
    for journey in cohort(bipn, 60, 20, seed=5):
        inputs = []
        for n, event in enumerate(journey["events"]):
            given = dict(event.get("facts", {}))
            for name in rng.sample(read, 2):  # values that may contradict the earlier ones
                given[name] = fact_value(rng, bipn.pathway.facts[name])
            if again and inputs:
                for name, value in rng.sample(sorted(inputs[-1].facts.items()), min(2, len(inputs[-1].facts))):
                    given[name] = float(value) if type(value) is int and rng.random() < 0.3 else value
                    given[name] = -0.0 if value == 0 and rng.random() < 0.3 else given[name]
            typed = {k: check_fact_value(k, bipn.pathway.facts[k], v) for k, v in given.items()}
            facts = {k: v for k, v in typed.items() if not isinstance(v, Problem)}
            at = datetime(2026, 1, 1) + timedelta(days=rng.randrange(60) if backwards else n * rng.randrange(4))
            inputs.append(Given(at, facts, n + 1))
        expected = _from_scratch(bipn, inputs)
        assert contradictions(bipn, inputs) == expected
        found += len(expected)
    assert found > 0
