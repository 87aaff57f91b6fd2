"""pathway test --coverage: what the scenarios reach, with path:line for what they do not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import pathway
from pathway.cli.main import main
from pathway.definition.loader import load_analysis
from pathway.scenarios.coverage import guard_outcomes
from tests.conftest import ROOT


def test_guard_outcomes_come_from_the_trail_and_from_the_states_at_rest() -> None:
    analysis = load_analysis("tests/fixtures/engine/semantics.yaml")
    result = pathway.run(
        analysis,
        {
            "journey": "t",
            "events": [
                {"at": "2026-01-01"},
                {"at": "2026-01-02", "facts": {"a": False}},
                {"at": "2026-01-03", "facts": {"b": True}},
            ],
        },
    )
    seen = guard_outcomes(analysis, result.records)
    assert ("first->on_a", "unknown") in seen  # blocked at input 1
    assert ("first->on_a", "false") in seen  # an alternative of the move at input 3
    assert ("first->on_b", "true") in seen  # the move at input 3
    assert ("on_b->first", "true") not in seen  # no such transition: ids are real
    assert {tid for tid, _ in seen} <= set(analysis.guards)


def test_bundled_definitions_reach_every_state_and_transition(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--min-coverage", "100"]) == 0
    out = capsys.readouterr().out
    assert "  states          84/84 (100%)" in out  # bipn 2.0.0
    assert "  transitions     85/85 (100%)" in out
    assert "  states          82/82 (100%)" in out  # bipn_label 1.0.0
    assert "  transitions     88/88 (100%)" in out


def test_what_no_scenario_reaches_is_listed_with_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "example"
    shutil.copytree(ROOT / "definitions" / "example", copy)
    dose = copy / "scenarios" / "dose.yaml"
    text = dose.read_text()
    dose.write_text(text[: text.index("  - name: grade 0 - regraded at the next cycle")])
    code = main(["test", "--min-coverage", "100", str(copy)])
    out, err = capsys.readouterr()
    assert code == 1
    line = next(
        n for n, t in enumerate((copy / "pathway.yaml").read_text().splitlines(), 1) if "- to: grade_check" in t
    )
    assert f"{copy / 'pathway.yaml'}:{line}: transition 'no_neuropathy->grade_check' never fires" in out
    assert "below --min-coverage 100%" in err
    assert main(["test", "--coverage", str(copy)]) == 0  # reporting alone does not fail
