"""Every invalid fixture gives its exact located diagnostics (golden text); the valid ones give none."""

from __future__ import annotations

from pathlib import Path

import pytest

import pathway
from pathway.diagnostics import render_text
from pathway.diagnostics.codes import CODES
from tests.conftest import FIXTURES, GOLDEN, assert_golden

INVALID = sorted((FIXTURES / "definitions" / "invalid").glob("*.yaml"))
VALID = sorted((FIXTURES / "definitions" / "valid").glob("*.yaml")) + sorted(Path("definitions").glob("*/pathway.yaml"))


def _rel(path: Path) -> str:
    return str(path.relative_to(FIXTURES.parent.parent)) if path.is_absolute() else str(path)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_matches_golden(path: Path) -> None:
    diagnostics = pathway.validate(_rel(path))
    assert diagnostics, f"{path.name} should be invalid"
    assert all(d.code in CODES for d in diagnostics)
    assert all(d.file == _rel(path) for d in diagnostics)
    assert_golden(GOLDEN / "validate" / f"{path.stem}.txt", render_text(diagnostics) + "\n")


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.parent.name if p.name == "pathway.yaml" else p.stem)
def test_valid_definition_has_no_diagnostics(path: Path) -> None:
    assert pathway.validate(_rel(path)) == []


def test_there_are_at_least_twenty_invalid_fixtures() -> None:
    assert len(INVALID) >= 20


def test_many_errors_are_all_reported_in_file_order() -> None:
    diagnostics = pathway.validate("tests/fixtures/definitions/invalid/many_errors.yaml")
    assert [(d.code, d.line) for d in diagnostics] == [("PW203", 26), ("PW106", 32), ("PW109", 37)]


def test_load_raises_one_error_with_every_diagnostic() -> None:
    with pytest.raises(pathway.InvalidInputError) as caught:
        pathway.load("tests/fixtures/definitions/invalid/many_errors.yaml")
    assert [d.code for d in caught.value.diagnostics] == ["PW203", "PW106", "PW109"]
    assert "PW203" in str(caught.value)
    assert "2 more" in str(caught.value)
    assert caught.value.exit_code == 1


def test_unreadable_file_raises_with_exit_code_two() -> None:
    with pytest.raises(pathway.UnreadableInputError) as caught:
        pathway.load("tests/fixtures/definitions/invalid/not_utf8.yaml")
    assert caught.value.exit_code == 2
    assert caught.value.diagnostics[0].code == "PW007"


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("pathway: tiny\n" + "# padding\n" * 500_000, encoding="utf-8")
    diagnostics = pathway.validate(big)
    assert [d.code for d in diagnostics] == ["PW003"]


def test_load_returns_the_frozen_model() -> None:
    model = pathway.load("tests/fixtures/definitions/valid/tiny.yaml")
    assert model.pathway == "tiny"
    assert list(model.states) == ["start", "high", "low"]
    with pytest.raises(Exception, match="frozen"):
        model.title = "changed"  # type: ignore[misc]


def test_a_missing_path_does_not_stop_the_others_from_being_checked(capsys: pytest.CaptureFixture[str]) -> None:
    from pathway.cli.main import main

    bad = _rel(FIXTURES / "definitions" / "invalid" / "teach_single_equals.yaml")
    code = main(["validate", "definitions/example", "no/such/pathway.yaml", bad])
    out = capsys.readouterr().out
    assert code == 2  # unreadable input wins over findings
    assert "definitions/example/pathway.yaml: valid" in out
    assert "no/such/pathway.yaml:1:1: PW007 does not exist" in out
    assert f"{bad}:26:21: PW201" in out
    assert "3 files checked" in out
