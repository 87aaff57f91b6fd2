"""The CLI: exit codes, text and JSON output, help for every command, and no tracebacks for bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pathway.cli.main import build_parser, main

INVALID = "tests/fixtures/definitions/invalid"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_defaults_to_every_bundled_definition(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0
    bundled = sorted(Path("definitions").glob("*/pathway.yaml"))
    assert out.count(": valid (") == len(bundled) >= 1
    assert f"{len(bundled)} file" in out.splitlines()[-1]


def test_validate_reports_every_file_and_exits_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "validate", f"{INVALID}/unknown_key.yaml", f"{INVALID}/guard_enum_value.yaml", "definitions/example"
    )
    assert code == 1
    assert f"{INVALID}/unknown_key.yaml:26:9: PW010 unknown key 'whenn' in a transition" in out
    assert f"{INVALID}/guard_enum_value.yaml:26:24: PW207 'route' has no value 'oral'" in out
    assert "definitions/example/pathway.yaml: valid" in out
    assert out.splitlines()[-1] == "3 files checked: 2 error(s), 0 warning(s)"


def test_validate_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--format", "json", f"{INVALID}/many_errors.yaml", "definitions/example")
    assert code == 1
    report = json.loads(out)
    assert report["errors"] == 3
    first, second = report["files"]
    assert (first["path"], first["valid"], second["valid"]) == (f"{INVALID}/many_errors.yaml", False, True)
    assert [(d["code"], d["line"], d["column"]) for d in first["diagnostics"]] == [
        ("PW203", 26, 15),
        ("PW106", 32, 17),
        ("PW109", 37, 16),
    ]
    assert first["diagnostics"][0]["hint"] == "did you mean 'grade'?"


@pytest.mark.parametrize("name", ["not_utf8", "alias_bomb", "deep_nesting"])
def test_unreadable_input_exits_two(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, _ = run(capsys, "validate", f"{INVALID}/{name}.yaml")
    assert code == 2
    assert "Traceback" not in out


def test_a_missing_path_is_unreadable_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "no/such/file.yaml")
    assert code == 2
    assert "no/such/file.yaml:1:1: PW007 does not exist" in out


def test_show_prints_summary_with_disclaimer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "example")
    assert code == 0
    assert "pathway example 0.1.0 (draft)" in out
    assert "Decision support for clinicians" in out
    assert "-> high_grade: when effective_grade >= 3" in out
    assert "-> grade_check: on cycle_start\n" in out
    assert "start_duloxetine" in out


def test_show_invalid_definition_prints_diagnostics(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", f"{INVALID}/unknown_target.yaml")
    assert code == 1
    assert "PW102 undeclared state 'hihg'" in err
    assert "did you mean 'high'?" in err


def test_show_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", "nosuch")
    assert code == 2
    assert "no pathway 'nosuch'" in err


def test_schema_check_detects_stale_and_write_fixes_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_schema, out_ref = tmp_path / "s.json", tmp_path / "ref.md"
    args = ["--out", str(out_schema), "--reference", str(out_ref)]
    assert run(capsys, "schema", "--check", *args)[0] == 1
    assert run(capsys, "schema", *args)[0] == 0
    assert run(capsys, "schema", "--check", *args)[0] == 0
    out_schema.write_text(out_schema.read_text() + " ")
    code, _, err = run(capsys, "schema", "--check", *args)
    assert code == 1
    assert "s.json is stale" in err


def test_generate_check_names_every_stale_file_and_generate_fixes_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one freshness check of ``make test``, on a copy: it sees an edited, and a missing, generated file."""
    shutil.copytree("definitions/example", tmp_path / "definitions" / "example")
    (tmp_path / "README.md").write_text("# no generated overview here\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "generate")[0] == 0
    code, out, _ = run(capsys, "generate", "--check")
    assert (code, out.endswith(" generated files are up to date\n")) == (0, True)
    trail = Path("definitions/example/trails/grade2-then-grade3.jsonl")
    trail.write_text(trail.read_text(encoding="utf-8").replace('"sensory_grade":2', '"sensory_grade":1', 1))
    Path("diagrams/example/dose.svg").unlink()
    code, out, err = run(capsys, "generate", "--check")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{path} is stale: run 'pathway generate' and commit the result"
        for path in ("definitions/example/trails/grade2-then-grade3.jsonl", "diagrams/example/dose.svg")
    ]
    assert run(capsys, "generate")[0] == 0
    assert run(capsys, "generate", "--check")[0] == 0


def test_bad_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", "--format", "xml")
    assert code == 2
    assert "invalid choice: 'xml'" in err


def test_every_command_has_help_and_is_documented() -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    readme = Path("README.md").read_text(encoding="utf-8")
    for name, sub in commands.items():
        assert sub.description, f"'{name}' has no description"
        assert f"`pathway {name}" in readme, f"'{name}' is not in the README"


@pytest.mark.slow
def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pathway", "validate", "definitions/example"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "definitions/example/pathway.yaml: valid" in done.stdout


def test_readme_example_output_is_real() -> None:
    readme = Path("README.md").read_text(encoding="utf-8")
    block = readme.split("Example of what a designer sees:\n\n```text\n", 1)[1].split("```", 1)[0]
    assert block == Path("tests/golden/validate/guard_unknown_name.txt").read_text(encoding="utf-8")


def test_mermaid_overview_of_the_example() -> None:
    from pathway.definition.loader import load_analysis
    from pathway.render.mermaid import render_overview

    assert render_overview(load_analysis("definitions/example/pathway.yaml")) == (
        "stateDiagram-v2\n"
        "    [*] --> assess\n"
        "    assess\n"
        "    state managing {\n"
        "        dose\n"
        "        --\n"
        "        pain\n"
        "    }\n"
        "    not_applicable --> [*]\n"
        "    assess --> not_applicable : bortezomib_status in ['never', 'compl...\n"
        "    assess --> managing : bortezomib_status in ['planned', 'act...\n"
    )  # Mermaid labels cannot hold double quotes, and are cut at 40 characters


@pytest.mark.slow
def test_starting_the_cli_does_not_import_the_engine_or_graphviz() -> None:
    """Start-up cost is paid by every command: the engine, python-statemachine and graphviz load on demand."""
    heavy = ("statemachine", "graphviz", "pathway.engine")
    code = f"import sys, pathway.cli.main; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
