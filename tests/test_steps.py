"""``Runner.steps``: the state after each input from one run, proven identical to running the journey cut there."""

from __future__ import annotations

from pathlib import Path

import pytest

import pathway.engine.execute as execute
from pathway.definition.loader import load_analysis
from pathway.definition.workspace import Workspace
from pathway.engine.runner import Runner
from pathway.journey.check import LoadedJourney, journey_from_data, load_journey
from pathway.scenarios.model import ScenarioFile
from pathway.scenarios.run import run_file
from pathway.source.reader import load_file
from tests.conftest import ROOT

JOURNEYS = [(d, j) for d in Workspace(ROOT).definitions() for j in Workspace.journeys(d)]
GUARD_ERRORS = ROOT / "tests" / "fixtures" / "engine" / "guard_errors"


def _cut(journey: LoadedJourney, n: int) -> LoadedJourney:
    return LoadedJourney(journey.id, journey.path, journey.pin, journey.description, journey.inputs[:n])


@pytest.mark.parametrize(
    ("definition", "journey_file"),
    [*JOURNEYS, (GUARD_ERRORS / "pathway.yaml", GUARD_ERRORS / "zero-divisor.yaml")],
    ids=lambda p: p.parent.name if p.name == "pathway.yaml" else p.stem,
)
def test_each_step_is_the_run_cut_after_that_input(definition: Path, journey_file: Path) -> None:
    runner = Runner(load_analysis(definition))
    journey = load_journey(journey_file, runner.analysis)
    steps = list(runner.steps(journey))
    assert [s.input for s in steps] == [i.seq for i in journey.inputs]
    for n, step in enumerate(steps, start=1):
        cut = runner.run(_cut(journey, n)).records
        assert step.summary.to_dict() == cut[-1].to_dict()
        assert step.summary.hash == cut[-1].hash
    whole = runner.run(journey).records
    assert [r.hash for r in whole[1:-1]] == [r.hash for s in steps for r in s.records]


def test_a_scenario_file_runs_each_scenario_once(monkeypatch: pytest.MonkeyPatch) -> None:
    definition = ROOT / "definitions" / "bipn" / "pathway.yaml"
    path = definition.parent / "scenarios" / "dose.yaml"
    scenarios = ScenarioFile.model_validate(load_file(path).data).scenarios
    expectations = sum(1 for s in scenarios for step in s.steps if step.expect is not None)
    assert expectations > len(scenarios), "the file must have scenarios with several expectations"
    runs = 0
    original = execute._Run.__init__

    def counting(self: execute._Run, *args: object) -> None:
        nonlocal runs
        runs += 1
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(execute._Run, "__init__", counting)
    results = run_file(path, Runner(load_analysis(definition)), path.name)
    assert all(r.passed for r in results)
    assert runs == len(scenarios)


def test_after_an_engine_error_the_later_steps_repeat_the_summary_like_a_cut_run() -> None:
    analysis = load_analysis(ROOT / "tests" / "fixtures" / "engine" / "semantics.yaml")
    data = {
        "journey": "t",
        "events": [
            {"at": "2026-01-01", "facts": {"a": True, "n": 1, "stop": False, "loop": True}},
            {"at": "2026-01-02", "facts": {"loop": False}},
        ],
    }
    journey = journey_from_data(data, analysis)
    runner = Runner(analysis)
    first, second = runner.steps(journey)
    assert first.summary.error is not None
    assert second.records == ()
    assert second.summary.to_dict() == first.summary.to_dict() == runner.run(journey).records[-1].to_dict()
