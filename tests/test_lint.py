"""pathway lint: every rule has a fixture that triggers it (golden output) and one that does not; suppressions need
reasons; the bundled definitions lint clean."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pathway.cli.main import main
from pathway.diagnostics import render_text
from pathway.diagnostics.codes import CODES
from pathway.linter import RULES, lint_file
from tests.conftest import FIXTURES, GOLDEN, ROOT, assert_golden

LINT = FIXTURES / "lint"
TRIGGER = sorted((LINT / "trigger").glob("*.yaml"))
CLEAN = sorted((LINT / "clean").glob("*.yaml"))


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", TRIGGER, ids=lambda p: p.stem)
def test_trigger_fixture_reports_its_code(path: Path) -> None:
    result = lint_file(_rel(path))
    assert path.stem in {d.code for d in result.diagnostics}
    assert_golden(GOLDEN / "lint" / f"{path.stem}.txt", render_text(result.diagnostics) + "\n")


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.stem)
def test_clean_fixture_does_not(path: Path) -> None:
    result = lint_file(_rel(path))
    assert path.stem not in {d.code for d in result.diagnostics}
    assert result.valid


def test_every_lint_code_is_registered_documented_and_has_both_fixtures() -> None:
    doc = (ROOT / "docs" / "reference" / "diagnostics.md").read_text(encoding="utf-8")
    lint_codes = {c for c in CODES if c.startswith("PW5")}
    assert set(RULES) | {"PW530", "PW531"} == lint_codes
    for code in lint_codes:
        assert re.search(rf"^### {code}$", doc, flags=re.MULTILINE), code
        assert (LINT / "trigger" / f"{code}.yaml").is_file(), code
        assert (LINT / "clean" / f"{code}.yaml").is_file(), code


@pytest.mark.parametrize(
    "definition", sorted((ROOT / "definitions").glob("*/pathway.yaml")), ids=lambda p: p.parent.name
)
def test_bundled_definitions_lint_clean(definition: Path) -> None:
    result = lint_file(_rel(definition))
    assert render_text(result.diagnostics) == ""
    assert result.ok


def test_a_suppression_silences_only_its_code_on_its_line(tmp_path: Path) -> None:
    text = (LINT / "trigger" / "PW521.yaml").read_text()
    path = tmp_path / "p.yaml"
    path.write_text(
        text.replace("  b: {type: bool}\n", "  b: {type: bool}  # pathway: allow PW522 because wrong code\n")
    )
    on_b = [d.code for d in lint_file(path).diagnostics if d.line == 10]
    assert on_b == ["PW521", "PW531"]  # PW521 still reported; the PW522 suppression suppressed nothing
    path.write_text(text.replace("  b: {type: bool}\n", "  b: {type: bool}  # pathway: allow PW521 because recorded\n"))
    result = lint_file(path)
    assert ([d.code for d in result.diagnostics if d.line == 10], result.suppressed) == ([], 1)


def test_cli_lint_exit_codes_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", _rel(LINT / "trigger" / "PW530.yaml")]) == 1  # an error
    assert main(["lint", _rel(LINT / "trigger" / "PW521.yaml")]) == 0  # warnings only
    capsys.readouterr()
    assert main(["lint", "--format", "json", _rel(LINT / "trigger" / "PW502.yaml")]) == 0
    report = json.loads(capsys.readouterr().out)
    (entry,) = report["files"]
    assert ("PW502", "warning") in [(d["code"], d["severity"]) for d in entry["diagnostics"]]
    assert entry["ok"] is True
    assert main(["lint", _rel(FIXTURES / "definitions" / "invalid" / "unknown_key.yaml")]) == 1
