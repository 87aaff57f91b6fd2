"""The output and exit-code contract of the CLI: ``--format json`` prints exactly one JSON document on every command
that prints results, failures included; the same situation gives the same exit code in every command; library
errors name parameters and the CLI names flags."""

from __future__ import annotations

import importlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import pathway
from pathway.audit import ReplayError
from pathway.cli.main import main
from pathway.errors import ExitCode, InvalidInputError, UnreadableInputError, UsageError
from tests.conftest import ROOT

TRAIL = "definitions/example/trails/grade2-then-grade3.jsonl"
JOURNEY = "definitions/example/journeys/waiting-for-grades.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def document(out: str) -> dict[str, object]:
    """The single JSON document on stdout (json.loads refuses anything after it)."""
    doc = json.loads(out)
    assert isinstance(doc, dict)
    return doc


@pytest.fixture
def trail(tmp_path: Path) -> Path:
    copy = tmp_path / "trail.jsonl"
    shutil.copyfile(TRAIL, copy)
    return copy


SUCCESS = {
    "validate": (["validate", "definitions/example"], "files"),
    "lint": (["lint", "definitions/example"], "files"),
    "show": (["show", "example"], "states"),
    "run": (["run", JOURNEY], "recommendations"),
    "replay": (["replay", TRAIL], "status"),
    "explain": (["explain", TRAIL, "--why-not", "dose_reduce"], "lines"),
    "test": (["test", "definitions/example", "--coverage"], "coverage"),
    "verify": (["verify", TRAIL], "trails"),
    "scenarios generate": (["scenarios", "generate", "example", "--out", "{tmp}/generated.yaml"], "already_fired"),
}


@pytest.mark.parametrize("command", SUCCESS)
def test_every_command_that_prints_results_prints_one_json_document(
    command: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv, key = SUCCESS[command]
    code, out, err = run(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in argv], "--format", "json")
    assert (code, err) == (0, "")
    assert key in document(out)


def _journey_with_a_bad_value(tmp: Path) -> str:
    bad = tmp / "bad.yaml"
    bad.write_text("journey: bad\npathway: example\nevents:\n  - at: 2026-01-02\n    facts: {sensory_grade: 7}\n")
    return str(bad)


def _hand_written(tmp: Path) -> str:
    hand = tmp / "hand.yaml"
    hand.write_text("pathway: example\nscenarios: []\n")
    return str(hand)


FAILURES: dict[str, tuple[Callable[[Path], list[str]], int, str, object]] = {
    "validate unreadable": (
        lambda t: ["validate", "tests/fixtures/definitions/invalid/not_utf8.yaml"],
        2,
        "errors",
        1,
    ),
    "lint invalid": (
        lambda t: ["lint", "tests/fixtures/definitions/invalid/unknown_key.yaml"],
        1,
        "files",
        None,
    ),
    "show unknown id": (lambda t: ["show", "nosuch"], 2, "error", "usage"),
    "run bad journey": (lambda t: ["run", _journey_with_a_bad_value(t)], 1, "error", "invalid"),
    "replay missing trail": (lambda t: ["replay", str(t / "missing.jsonl")], 2, "status", "invalid"),
    "explain bad time": (lambda t: ["explain", TRAIL, "--at", "yesterday"], 2, "parameter", "at"),
    "verify a missing manifest": (lambda t: ["verify", "--manifest", str(t / "none.json")], 2, "error", "unreadable"),
    "keys generate with a bad id": (
        lambda t: ["keys", "generate", "--out", str(t), "--id", "a b"],
        2,
        "parameter",
        "name",
    ),
    "test no scenarios": (lambda t: ["test", "tests/fixtures/definitions/valid"], 2, "error", "usage"),
    "scenarios generate over a hand-written file": (
        lambda t: ["scenarios", "generate", "example", "--out", _hand_written(t)],
        2,
        "error",
        "usage",
    ),
}


@pytest.mark.parametrize("case", FAILURES)
def test_a_failure_is_one_json_document_too(case: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv, expected, key, value = FAILURES[case]
    code, out, err = run(capsys, *argv(tmp_path), "--format", "json")
    assert (code, err) == (expected, "")
    doc = document(out)
    assert key in doc
    if value is not None:
        assert doc[key] == value


def _tampered(path: Path) -> None:
    lines = path.read_text().splitlines()
    path.write_text(
        "\n".join([lines[0], lines[1].replace('"sensory_grade":2', '"sensory_grade":1'), *lines[2:]]) + "\n"
    )


def _truncated(path: Path) -> None:
    path.write_text("\n".join(path.read_text().splitlines()[:-1]) + "\n")


def _missing(path: Path) -> None:
    path.unlink()


def _not_json(path: Path) -> None:
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines[:3], lines[3][:-1], *lines[4:]]) + "\n")


def _not_a_trail(path: Path) -> None:
    path.write_text('{"kind": "input"}\n')


BAD_TRAILS = {  # how to spoil the trail, the exit code, and the problem as the text output states it
    "tampered": (_tampered, ExitCode.FINDINGS, "tampered: record 1 (line 2)"),
    "truncated": (_truncated, ExitCode.FINDINGS, "does not end with its summary"),
    "missing": (_missing, ExitCode.USAGE, "PW401 file not found"),
    "not JSON": (_not_json, ExitCode.USAGE, "PW402 line 4 is not valid JSON"),
    "not a trail": (_not_a_trail, ExitCode.USAGE, "PW402 not a pathway trail"),
}


@pytest.mark.parametrize("case", BAD_TRAILS)
def test_replay_and_explain_agree_on_a_bad_trail(case: str, capsys: pytest.CaptureFixture[str], trail: Path) -> None:
    spoil, expected, problem = BAD_TRAILS[case]
    spoil(trail)
    codes = {}
    for command in ("replay", "explain"):
        code, out, err = run(capsys, command, str(trail))
        codes[command] = code
        assert (out + err).count(problem) == 1, (command, out + err)
        assert "Traceback" not in out + err
    assert codes == {"replay": expected, "explain": expected}
    documents = [document(run(capsys, command, str(trail), "--format", "json")[1]) for command in ("replay", "explain")]
    assert documents[0] == documents[1]
    assert problem.removeprefix("PW401 ").removeprefix("PW402 ") in json.dumps(documents[0])


def test_explain_refuses_a_time_that_is_not_a_journey_time(capsys: pytest.CaptureFixture[str], trail: Path) -> None:
    code, out, err = run(capsys, "explain", str(trail), "--at", "yesterday")
    assert (code, out) == (2, "")
    assert err.startswith("pathway: --at: 'yesterday' is not a date or date-time")
    assert "'YYYY-MM-DD'" in err
    with pytest.raises(UsageError) as caught:
        pathway.explain(trail, at="yesterday")
    assert caught.value.parameter == "at"
    assert str(caught.value).startswith("at: 'yesterday' is not a date")
    assert pathway.explain(trail, at="2026-03-02T23:59").states == pathway.explain(trail, at="2026-03-02").states


def test_explain_does_not_explain_a_tampered_trail(trail: Path) -> None:
    _tampered(trail)
    with pytest.raises(ReplayError) as caught:
        pathway.explain(trail)
    assert caught.value.exit_code is ExitCode.FINDINGS
    assert caught.value.result.tamper is not None


def test_a_bug_is_an_internal_error_in_json_too(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(importlib.import_module("pathway.cli.main"), "validate_paths", broken)
    code, out, err = run(capsys, "validate", "--format", "json")
    assert (code, err) == (70, "")
    assert document(out)["error"] == "internal"
    code, out, err = run(capsys, "validate")
    assert (code, out) == (ExitCode.INTERNAL, "")
    assert "This is a bug in pathway" in err


def test_errors_carry_their_exit_code() -> None:
    assert UsageError("x").exit_code is ExitCode.USAGE
    assert InvalidInputError([]).exit_code is ExitCode.FINDINGS
    assert UnreadableInputError([]).exit_code is ExitCode.USAGE
    assert [int(c) for c in ExitCode] == [0, 1, 2, 70, 130]


def test_the_cli_reference_documents_every_exit_code() -> None:
    page = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    for code in ExitCode:
        assert f"| {int(code)} | `{code.name}` | {code.description} |" in page
    assert "--json" not in page


@pytest.mark.parametrize("flag", [["--format", "json"], ["--format=json"]])
def test_arguments_argparse_refuses_are_one_json_document_with_format_json(
    flag: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "replay", *flag)
    assert (code, err) == (2, "")
    assert document(out)["message"] == "the following arguments are required: TRAIL"
    code, out, err = run(capsys, "replay")
    assert (code, out) == (2, "")
    assert err.endswith("pathway replay: error: the following arguments are required: TRAIL\n")
    assert err.startswith("usage: pathway replay")


def test_version_says_the_version_and_which_build_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """``--version`` prints to stdout and exits 0; this checkout runs as pure Python (the native build says how many
    hot modules are compiled: tests/test_native_build.py)."""
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"pathway {pathway.__version__} (pure Python)\n"
