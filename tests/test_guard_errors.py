"""A guard that cannot be evaluated (a division by zero) is never silent: its check has outcome ``error``, the state
is blocked by the error rather than waiting for facts, the trail records it (PW411) and the summary lists it, the
run is not ok, and replay, explain and the terminal report show it.

The fixture ``tests/fixtures/engine/guard_errors/`` divides in a guard (``a / b > 1``) and in a derived fact read
by an evented guard (``ratio > 2``); its journeys give a zero and a non-zero divisor.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import pathway
from pathway.cli.main import main
from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.engine.runner import RunResult
from pathway.trail.parts import GuardError
from tests.conftest import ROOT

FOLDER = Path("tests/fixtures/engine/guard_errors")
DEFINITION = FOLDER / "pathway.yaml"
MESSAGE = "division by zero in 'a / b > 1'"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return load_analysis(DEFINITION)


def run(analysis: Analysis, *events: Mapping[str, Any]) -> RunResult:
    return pathway.run(analysis, {"journey": "t", "events": list(events)})


def of_kind(result: RunResult, kind: str) -> list[dict[str, Any]]:
    """The records of one kind, as the trail file holds them."""
    return [r.to_dict() for r in result.records if r.kind == kind]


def test_a_zero_divisor_blocks_the_state_with_an_error(analysis: Analysis) -> None:
    result = pathway.run(analysis, FOLDER / "zero-divisor.yaml")
    (error,) = of_kind(result, "error")
    assert (error["code"], error["state"], error["input"]) == ("PW411", "check", 1)
    assert error["message"] == f"state 'check' is blocked: the guard of 'check->high' could not be evaluated: {MESSAGE}"
    assert error["blocked"] == [
        {
            "id": "check->high",
            "target": "high",
            "guard": "a / b > 1",
            "outcome": "error",
            "read": {"a": {"value": 3, "from": 1}, "b": {"value": 0, "from": 1}},
            "error": {"kind": "ZeroDivisionError", "message": MESSAGE},
        }
    ]
    assert of_kind(result, "transition") == []  # neither high nor the later 'otherwise' (low) fires
    assert of_kind(result, "waiting") == []  # blocked by an error is not waiting for facts
    summary = result.summary
    assert (summary.states, summary.needs, summary.waiting, summary.error) == (("check",), (), (), None)
    assert summary.errors == (
        GuardError(id="check->high", state="check", kind="ZeroDivisionError", message=MESSAGE, first="2026-01-01"),
    )
    assert not result.ok


def test_the_same_guard_with_a_divisor_that_is_not_zero_fires(analysis: Analysis) -> None:
    result = pathway.run(analysis, FOLDER / "divisor.yaml")
    (move,) = of_kind(result, "transition")
    assert (move["id"], move["outcome"]) == ("check->high", "true")
    assert of_kind(result, "error") == []
    assert "errors" not in result.summary.to_dict()  # absent, so summaries without guard errors keep their bytes
    assert result.ok


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_pathway_run_prints_the_error_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run_cli(capsys, "run", "--pathway", str(DEFINITION), str(FOLDER / "zero-divisor.yaml"))
    assert code == 1
    assert (
        f"! error PW411: state 'check' is blocked: the guard of 'check->high' could not be evaluated: {MESSAGE}" in text
    )
    assert "check->high: a / b > 1  [a=3 (#1), b=0 (#1)]" in text
    assert f"guard error in check (check->high, since 2026-01-01): {MESSAGE}" in text
    code, text = run_cli(capsys, "run", "--pathway", str(DEFINITION), str(FOLDER / "divisor.yaml"))
    assert (code, "PW411" in text, "guard error" in text) == (0, False, False)


def test_an_unknown_guard_before_the_error_still_waits_and_can_fire(analysis: Analysis) -> None:
    blocked = run(analysis, {"at": "2026-01-01", "facts": {"a": 3, "b": 0}})
    (wait,) = of_kind(blocked, "waiting")
    assert (wait["needs"], [c["id"] for c in wait["blocked"]]) == (["urgent"], ["check->urgent_care"])
    assert [e["state"] for e in of_kind(blocked, "error")] == ["check"]
    moved = run(
        analysis, {"at": "2026-01-01", "facts": {"a": 3, "b": 0}}, {"at": "2026-01-02", "facts": {"urgent": True}}
    )
    assert [t["id"] for t in of_kind(moved, "transition")] == ["check->urgent_care"]


def test_the_error_is_recorded_after_each_input_while_it_lasts_and_once_in_the_summary(analysis: Analysis) -> None:
    result = run(
        analysis,
        {"at": "2026-01-01", "facts": {"a": 3, "b": 0, "urgent": False}},
        {"at": "2026-01-02", "facts": {"a": 4}},
        {"at": "2026-01-03", "facts": {"b": 2}},
    )
    assert [e["input"] for e in of_kind(result, "error")] == [1, 2]
    (move,) = of_kind(result, "transition")
    assert (move["id"], move["input"]) == ("check->high", 3)
    assert [(e.id, e.first) for e in result.summary.errors or ()] == [("check->high", "2026-01-01")]
    assert not result.ok  # the run met a broken guard, even though it moved on later


def test_a_derived_fact_that_fails_blocks_the_event_that_reads_it(analysis: Analysis) -> None:
    result = run(analysis, {"at": "2026-01-01", "facts": {"a": 1, "b": 0, "urgent": False}, "event": "review"})
    (error,) = of_kind(result, "error")
    assert [(c["id"], c["error"]["message"]) for c in error["blocked"]] == [
        ("check->high", "division by zero in 'a / b > 1'"),
        ("check->reviewed", "division by zero in 'a / b'"),
    ]
    assert error["blocked"][1]["read"]["ratio"] == {"error": True}
    assert [e.id for e in result.summary.errors or ()] == ["check->high", "check->reviewed"]


@pytest.fixture
def trail(tmp_path: Path, analysis: Analysis) -> Path:
    out = tmp_path / "blocked.jsonl"
    pathway.run(analysis, FOLDER / "zero-divisor.yaml").write(out)
    return out


def test_a_trail_with_guard_errors_replays_and_validates(trail: Path) -> None:
    result = pathway.replay(trail, DEFINITION)
    assert result.status == "reproduced", result.message
    assert [r.kind for r in result.replayed][-2:] == ["error", "summary"]
    schema = json.loads((ROOT / "schema/trail.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for line in trail.read_text(encoding="utf-8").splitlines():
        assert [e.message for e in validator.iter_errors(json.loads(line))] == []


def test_explain_says_why_a_state_is_blocked(trail: Path) -> None:
    answer = pathway.explain(trail, pathway=DEFINITION)
    assert answer.states == ("check",)
    lines = list(answer.lines)
    at = lines.index("Blocked by an error (more facts will not help: the values its guard reads must change):")
    assert lines[at + 1 : at + 3] == [
        f"  #3  2026-01-01  state 'check' is blocked: the guard of 'check->high' could not be evaluated: {MESSAGE}",
        "      check->high: a / b > 1  [a=3 (#1), b=0 (#1)]",
    ]


def test_pathway_run_json_lists_the_guard_error_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", "--pathway", str(DEFINITION), str(FOLDER / "zero-divisor.yaml"), "--format", "json"]
    code, text = run_cli(capsys, *argv)
    summary = json.loads(text)
    assert code == 1
    assert [(e["id"], e["kind"], e["message"]) for e in summary["errors"]] == [
        ("check->high", "ZeroDivisionError", MESSAGE)
    ]
