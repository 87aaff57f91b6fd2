"""The public Python API: what ``import pathway`` offers is pinned, typed, and mirrors the CLI."""

from __future__ import annotations

import inspect
import typing
from pathlib import Path

import pytest

import pathway
from pathway.errors import ExitCode
from tests.conftest import ROOT

PUBLIC = [
    "Code",
    "CohortResult",
    "CohortVerification",
    "Diagnostic",
    "ExitCode",
    "Explanation",
    "Freshness",
    "InvalidInputError",
    "LintReport",
    "Pathway",
    "PathwayError",
    "ReplayError",
    "ReplayResult",
    "RunResult",
    "Runner",
    "ScenarioReport",
    "Severity",
    "UnreadableInputError",
    "UsageError",
    "__version__",
    "check",
    "diagram",
    "explain",
    "generate",
    "generate_key",
    "lint",
    "load",
    "replay",
    "run",
    "run_cohort",
    "seal",
    "test",
    "validate",
    "verify",
    "verify_cohort",
]
EXAMPLE = ROOT / "definitions" / "example"


def test_the_public_names_are_pinned_and_all_resolve() -> None:
    assert pathway.__all__ == PUBLIC
    for name in PUBLIC:
        assert getattr(pathway, name) is not None
    with pytest.raises(AttributeError):
        _ = pathway.no_such_thing  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", [n for n in PUBLIC if inspect.isfunction(getattr(pathway, n))])
def test_every_function_is_fully_typed(name: str) -> None:
    function = getattr(pathway, name)
    hints = function.__annotations__  # strings: the result classes are imported only for type checkers
    params = inspect.signature(function).parameters
    assert set(params) <= set(hints), f"pathway.{name} has untyped parameters"
    assert hints.get("return") not in (None, "Any", typing.Any), f"pathway.{name} returns Any"


def test_the_api_runs_what_the_cli_runs(tmp_path: Path) -> None:
    result = pathway.run(EXAMPLE, EXAMPLE / "journeys" / "grade2-then-grade3.yaml")
    assert isinstance(result, pathway.RunResult)
    trail = tmp_path / "trail.jsonl"
    result.write(trail)
    assert pathway.replay(trail, EXAMPLE / "pathway.yaml").status == "reproduced"
    assert isinstance(pathway.explain(trail, pathway=EXAMPLE / "pathway.yaml"), pathway.Explanation)
    assert pathway.lint([EXAMPLE]).exit_code is ExitCode.OK
    report = pathway.test([EXAMPLE], coverage=True)
    assert report.exit_code is ExitCode.OK
    assert report.coverage
    written = pathway.diagram(EXAMPLE, format="dot", out=tmp_path / "diagrams")
    assert sorted(p.name for p in written) == ["dose.dot", "overview.dot", "pain.dot"]


def test_generate_from_the_api_finds_a_stale_file(tmp_path: Path) -> None:
    for folder in ("definitions", "docs", "schema", "diagrams"):
        import shutil

        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "README.md").write_text((ROOT / "README.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert pathway.generate(check=True, root=tmp_path).exit_code is ExitCode.OK
    schema = tmp_path / "schema" / "pathway.schema.json"
    schema.write_text("{}", encoding="utf-8")
    stale = pathway.generate(check=True, root=tmp_path)
    assert stale.exit_code is ExitCode.FINDINGS
    assert stale.changed == (schema,)
    assert pathway.generate(root=tmp_path).changed == (schema,)
    assert pathway.generate(check=True, root=tmp_path).exit_code is ExitCode.OK
