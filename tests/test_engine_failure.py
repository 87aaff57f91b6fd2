"""An unexpected exception inside the engine (python-statemachine refusing a transition, a bug of ours) never
escapes as a traceback: the run stops with an error record (PW412), like an eventless cycle, and is not ok."""

from __future__ import annotations

from pathlib import Path

import pytest
from statemachine.exceptions import TransitionNotAllowed

import pathway
from pathway.cli.main import main
from pathway.engine.compile import Machine
from pathway.trail.records import ErrorRecord
from tests.conftest import ROOT

DEFINITION = ROOT / "definitions" / "example" / "pathway.yaml"
JOURNEY = ROOT / "definitions" / "example" / "journeys" / "grade2-then-grade3.yaml"


@pytest.fixture
def refusing_library(monkeypatch: pytest.MonkeyPatch) -> None:
    def fire(self: Machine, event: str) -> None:
        raise TransitionNotAllowed(None, set())

    monkeypatch.setattr(Machine, "fire", fire)


@pytest.mark.usefixtures("refusing_library")
def test_an_unexpected_failure_in_the_engine_is_an_error_record() -> None:
    result = pathway.run(DEFINITION, JOURNEY)
    errors = [r for r in result.records if isinstance(r, ErrorRecord)]
    assert [e.code for e in errors] == ["PW412"]
    assert errors[0].message.startswith("the engine failed unexpectedly (TransitionNotAllowed: ")
    assert result.summary.error == errors[0].message
    assert not result.ok
    assert int(result.exit_code) == 1
    assert result.records[-1].kind == "summary"
    assert len([r for r in result.records if r.kind == "input"]) == 1  # the run stopped at the first input


@pytest.mark.usefixtures("refusing_library")
def test_the_cli_reports_it_and_writes_a_trail_that_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trail = tmp_path / "trail.jsonl"
    assert main(["run", str(JOURNEY), "--trail", str(trail)]) == 1
    out = capsys.readouterr().out
    assert "! error PW412: the engine failed unexpectedly" in out
    assert "stopped: the engine failed" in out
    assert pathway.replay(trail).status == "reproduced"  # under the same failure, the same records
