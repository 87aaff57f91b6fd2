"""Every bundled scenario passes under pytest too; the runner reports failures and bad expectations precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathway.cli.main import main
from pathway.definition.loader import load_analysis
from pathway.definition.workspace import Workspace
from pathway.engine.runner import Runner
from pathway.errors import InvalidInputError
from pathway.scenarios.run import ScenarioResult, run_file
from tests.conftest import ROOT


def _bundled() -> list[ScenarioResult]:
    results = []
    for definition in sorted((ROOT / "definitions").glob("*/pathway.yaml")):
        files = Workspace.scenario_files(definition)
        if files:
            runner = Runner(load_analysis(definition))
            for path in files:
                results += run_file(path, runner, str(path.relative_to(ROOT)))
    return results


RESULTS = _bundled()


@pytest.mark.parametrize("result", RESULTS, ids=[f"{r.file}::{r.name}" for r in RESULTS])
def test_bundled_scenario_passes(result: ScenarioResult) -> None:
    assert result.passed, "\n".join(result.failures)


SCENARIO = """pathway: example
scenarios:
  - name: wrong expectation
    steps:
      - at: 2026-03-02
        facts: {bortezomib_status: active, sensory_grade: 1, motor_grade: 3}
        expect:
          states: [low_grade]
          not_recommend: [discontinue_bortezomib]
"""


def test_a_failing_expectation_says_what_was_expected_and_what_was_there(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    (result,) = run_file(path, Runner(load_analysis("definitions/example/pathway.yaml")), "s.yaml")
    assert not result.passed
    assert result.failures == (
        "after step 1 (2026-03-02): expected state 'low_grade' to be active; "
        "active: ['managing', 'dose', 'high_grade', 'pain', 'pain_check']",
        "after step 1 (2026-03-02): expected recommendation 'discontinue_bortezomib' not to be active; "
        "active: ['discontinue_bortezomib', 'consider_carfilzomib']",
    )
    assert "grade_check->high_grade" in result.transitions


def test_an_expectation_naming_an_unknown_id_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.replace("[low_grade]", "[low_grde]").replace("sensory_grade: 1", "sensory_grade: 9"))
    with pytest.raises(InvalidInputError) as caught:
        run_file(path, Runner(load_analysis("definitions/example/pathway.yaml")), "s.yaml")
    assert [(d.code, d.line, d.column) for d in caught.value.diagnostics] == [("PW303", 6, 59), ("PW320", 8, 20)]
    assert caught.value.diagnostics[1].hint == "did you mean 'low_grade'?"


def test_cli_test_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == f"{len(RESULTS)} scenarios: {len(RESULTS)} passed, 0 failed"


@pytest.mark.parametrize("definition", ["definitions/bipn/pathway.yaml"])
def test_scenarios_visit_every_state_and_fire_every_transition(definition: str) -> None:
    runner = Runner(load_analysis(definition))
    results = [r for path in Workspace.scenario_files(Path(definition)) for r in run_file(path, runner, str(path))]
    fired = {t for r in results for t in r.transitions}
    visited = {s for r in results for s in r.states}
    index = runner.analysis.index
    assert [t.id for t in index.transitions if t.id not in fired] == []
    assert [s for s in index.states if s not in visited] == []
    assert len(results) >= 30
