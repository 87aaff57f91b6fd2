"""Model-based scenario generation: generated scenarios pass, cover every reachable transition, are deterministic,
never overwrite a hand-written file, and report transitions that cannot fire; date and date-time facts take values
relative to the clock that cross their guards' thresholds, and timers fire at a time point added at their due
time."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from pathway.cli.main import main
from pathway.definition.loader import load_analysis
from pathway.definition.workspace import Workspace
from pathway.engine.runner import Runner
from pathway.errors import UsageError
from pathway.scenarios.generate import _Search, generate
from pathway.scenarios.generated_file import MARKER, generate_file
from pathway.scenarios.run import run_file

FIXTURE = Path("tests/fixtures/scenario_gen")
TIMED = Path("tests/fixtures/scenario_gen_time")


@pytest.fixture
def definition(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "scenario_gen")
    return tmp_path / "scenario_gen" / "pathway.yaml"


@pytest.fixture
def timed(tmp_path: Path) -> Path:
    shutil.copytree(TIMED, tmp_path / "scenario_gen_time")
    return tmp_path / "scenario_gen_time" / "pathway.yaml"


def fired_by(definition: Path) -> set[str]:
    runner = Runner(load_analysis(definition))
    results = [r for path in Workspace.scenario_files(definition) for r in run_file(path, runner, path.name)]
    assert all(r.passed for r in results), [r.failures for r in results if not r.passed]
    return {t for r in results for t in r.transitions}


def test_generated_scenarios_pass_and_cover_every_reachable_transition(definition: Path) -> None:
    analysis = load_analysis(definition)
    generation, written = generate_file(analysis, definition)
    assert written == definition.parent / "scenarios" / "generated.yaml"
    results = run_file(written, Runner(analysis), "generated.yaml")
    assert [r.name for r in results] == ["fires triage->watch", "fires watch->triage", "fires treat->done"]
    assert all(r.passed for r in results)
    assert all(r.name.removeprefix("fires ") in r.transitions for r in results)
    every = {t.id for t in analysis.index.transitions}
    assert fired_by(definition) == every - {"watch->done"}
    assert written.read_text(encoding="utf-8").startswith(MARKER)


def test_a_guard_that_is_never_true_is_reported_not_generated(definition: Path) -> None:
    generation, written = generate_file(load_analysis(definition), definition)
    assert [(u.transition, "no assignment" in u.reason) for u in generation.unreachable] == [("watch->done", True)]
    assert written is not None
    assert "watch->done" not in written.read_text(encoding="utf-8")


@pytest.mark.parametrize("fixture", ["definition", "timed"])
def test_regenerating_gives_identical_bytes(fixture: str, request: pytest.FixtureRequest) -> None:
    definition: Path = request.getfixturevalue(fixture)
    _, first = generate_file(load_analysis(definition), definition)
    assert first is not None
    before = first.read_bytes()
    _, second = generate_file(load_analysis(definition), definition)
    assert second == first
    assert second.read_bytes() == before


def test_refuses_to_overwrite_a_hand_written_file(definition: Path) -> None:
    hand = definition.parent / "scenarios" / "hand.yaml"
    text = hand.read_text(encoding="utf-8")
    with pytest.raises(UsageError, match="refusing to overwrite"):
        generate_file(load_analysis(definition), definition, hand)
    assert hand.read_text(encoding="utf-8") == text


def test_nothing_is_written_when_all_are_fired(definition: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = definition.parent.parent / "example"
    shutil.copytree("definitions/example", example)
    out = example / "scenarios" / "generated.yaml"
    assert main(["scenarios", "generate", str(example)]) == 0
    assert "every transition (8) is already fired by a scenario; nothing written" in capsys.readouterr().out
    assert not out.exists()


def test_every_transition_of_the_example_is_generated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree("definitions/example", tmp_path / "example", ignore=shutil.ignore_patterns("scenarios"))
    definition = tmp_path / "example" / "pathway.yaml"
    assert main(["scenarios", "generate", str(definition)]) == 0
    out = capsys.readouterr().out
    assert "wrote " in out
    assert "could not be reached" not in out
    analysis = load_analysis(definition)
    assert fired_by(definition) == {t.id for t in analysis.index.transitions}


def test_the_cli_refuses_with_a_clear_message(definition: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hand = definition.parent / "scenarios" / "hand.yaml"
    assert main(["scenarios", "generate", str(definition), "--out", str(hand)]) == 2
    assert "was not written by 'pathway scenarios generate'" in capsys.readouterr().err


# Time: dates relative to the clock, timers fired by a time point ----------------------------------------------


def test_date_facts_take_values_around_the_thresholds_their_guards_test() -> None:
    """The values the search gives a date fact at a step's clock: that day, and 89 to 91 days before it for
    days_since(last_dose) > 90 (read through a derived fact); 13 to 15 days for days_between(surgery, biopsy) >= 14;
    for hours_since(seen_at) >= 6, 5 to 7 hours (and days) before the clock, whose time of day it keeps."""
    search = _Search(load_analysis(TIMED / "pathway.yaml"), set())
    clock = datetime(2026, 1, 4, 9, 30)
    dates = search.dates_at(clock)
    today = clock.date()
    assert dates["last_dose"] == tuple(today - timedelta(days=d) for d in (0, 89, 90, 91))
    assert dates["surgery"] == dates["biopsy"] == tuple(today - timedelta(days=d) for d in (0, 13, 14, 15))
    assert {clock - timedelta(hours=h) for h in (0, 5, 6, 7)} <= set(dates["seen_at"])
    assert all(type(d) is date for d in dates["last_dose"])  # typed as a journey types a date fact


def test_generated_scenarios_cross_date_thresholds_and_fire_every_timer(timed: Path) -> None:
    analysis = load_analysis(timed)
    generation, written = generate_file(analysis, timed)
    assert written is not None
    assert generation.unreachable == ()
    assert fired_by(timed) == {t.id for t in analysis.index.transitions}
    text = written.read_text(encoding="utf-8")
    assert 'facts: {last_dose: "2025-10-02"}\n        expect: {states: [remote]}' in text  # 91 days before
    assert 'facts: {last_dose: "2026-01-01"}\n        expect: {states: [recent]}' in text
    assert 'facts: {seen_at: "2026-01-01T18:00"}' in text  # hours_since(seen_at) >= 6 at 2026-01-02


def test_a_timer_fires_at_a_time_point_added_at_its_due_time(timed: Path) -> None:
    _, written = generate_file(load_analysis(timed), timed)
    assert written is not None
    scenario = written.read_text(encoding="utf-8").split("  - name: ")[1]
    assert scenario.startswith('"fires triage->review"')
    assert scenario.endswith(
        "    steps:\n"
        "      - at: 2026-01-01\n"
        '        expect: {due: [{timer: "triage->review", at: 2026-01-15}]}\n'
        "      - at: 2026-01-15\n"
        "        expect: {states: [review]}\n"
    )


def test_a_timer_whose_facts_go_stale_by_its_due_time_gets_them_at_that_time(timed: Path) -> None:
    """'response' is current for two days and the timer of 'recent' falls due after three: given a day after the
    state is entered, it is stale when the timer falls due, so the journey gives it at the due time itself."""
    generation = generate(load_analysis(timed), [])
    (found,) = [g for g in generation.generated if g.transition.id == "recent->review"]
    first, last = found.steps
    assert last.at - first.at == timedelta(hours=72)
    assert dict(last.facts)["response"] == "poor"


def test_json_gives_each_step_as_a_journey_entry(timed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "generate", str(timed), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (found,) = [g for g in out["generated"] if g["transition"] == "triage->review"]
    assert found["steps"] == [{"at": "2026-01-01"}, {"at": "2026-01-15"}]
    (remote,) = [g for g in out["generated"] if g["transition"] == "triage->remote"]
    assert remote["steps"] == [{"at": "2026-01-01", "facts": {"last_dose": "2025-10-02"}}]
