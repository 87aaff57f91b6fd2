"""Model-based scenario generation: generated scenarios pass, cover every reachable transition, are deterministic,
never overwrite a hand-written file, and report transitions that cannot fire."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pathway.cli.main import main
from pathway.definition.loader import load_analysis
from pathway.definition.workspace import Workspace
from pathway.engine.runner import Runner
from pathway.errors import UsageError
from pathway.scenarios.generate import MARKER, generate_file
from pathway.scenarios.run import run_file

FIXTURE = Path("tests/fixtures/scenario_gen")


@pytest.fixture
def definition(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "scenario_gen")
    return tmp_path / "scenario_gen" / "pathway.yaml"


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


def test_regenerating_gives_identical_bytes(definition: Path) -> None:
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
