"""``pathway test``: run the designer scenarios of definitions and, when asked, measure what they cover.

:func:`run_tests` returns a :class:`ScenarioReport`: every scenario's result, each definition's coverage, and
whether a coverage floor was missed; it prints as text or JSON and carries its exit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pathway.definition.analysis import Analysis
from pathway.definition.workspace import Workspace
from pathway.engine.runner import Runner
from pathway.errors import ExitCode, UsageError
from pathway.scenarios.coverage import Coverage, coverage, render_coverage
from pathway.scenarios.run import ScenarioResult, render_results, run_file
from pathway.source.files import display_path
from pathway.source.reader import SourceDocument


@dataclass(frozen=True)
class DefinitionCoverage:
    """What the scenarios of one definition cover."""

    path: str
    scenarios: int
    coverage: Coverage
    analysis: Analysis = field(repr=False)
    document: SourceDocument = field(repr=False)

    def to_text(self) -> str:
        return render_coverage(self.coverage, self.analysis, self.document, self.scenarios)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "scenarios": self.scenarios} | self.coverage.to_json()


@dataclass(frozen=True)
class ScenarioReport:
    """The outcome of ``pathway test``: every scenario result, and each definition's coverage when measured."""

    results: tuple[ScenarioResult, ...]
    coverage: tuple[DefinitionCoverage, ...] = ()
    min_coverage: float | None = None

    @property
    def below_minimum(self) -> bool:
        """True when a definition's state or transition coverage is below ``min_coverage``."""
        floor = self.min_coverage
        return floor is not None and any(
            min(c.coverage.state_percent, c.coverage.transition_percent) < floor for c in self.coverage
        )

    @property
    def exit_code(self) -> ExitCode:
        """0 when every scenario passes and no coverage is below the minimum, else 1."""
        ok = all(r.passed for r in self.results) and not self.below_minimum
        return ExitCode.OK if ok else ExitCode.FINDINGS

    def to_json(self) -> dict[str, Any]:
        passed = sum(r.passed for r in self.results)
        return {
            "scenarios": [r.to_json() for r in self.results],
            "passed": passed,
            "failed": len(self.results) - passed,
            "coverage": [c.to_json() for c in self.coverage],
            "min_coverage": self.min_coverage,
            "below_min_coverage": self.below_minimum,
        }

    def to_text(self) -> str:
        return "\n\n".join([render_results(self.results), *(c.to_text() for c in self.coverage)])


def _definition_coverage(
    ws: Workspace, definition: Path, runner: Runner, results: Sequence[ScenarioResult]
) -> DefinitionCoverage:
    cov = coverage(
        runner.analysis,
        {s for r in results for s in r.states},
        {t for r in results for t in r.transitions},
        {o for r in results for o in r.outcomes},
    )
    doc = ws.document(definition)
    return DefinitionCoverage(doc.path, len(results), cov, runner.analysis, doc)


def run_tests(
    ws: Workspace,
    paths: Sequence[str | Path] = (),
    *,
    with_coverage: bool = False,
    min_coverage: float | None = None,
) -> ScenarioReport:
    """Run the scenarios (``scenarios/*.yaml`` beside each definition named by paths, default every definition of
    the workspace), each definition read and checked once; measure coverage when asked, or when a minimum is given.
    Raises :class:`~pathway.errors.UsageError` when there is no scenario at all."""
    results: list[ScenarioResult] = []
    covered: list[DefinitionCoverage] = []
    for definition in ws.definitions(paths):
        files = ws.scenario_files(definition)
        if not files:
            continue
        runner = Runner(ws.analysis(definition))
        mine = [r for path in files for r in run_file(path, runner, display_path(path))]
        results += mine
        if with_coverage or min_coverage is not None:
            covered.append(_definition_coverage(ws, definition, runner, mine))
    if not results:
        raise UsageError("no scenarios found (expected definitions/<id>/scenarios/*.yaml)")
    return ScenarioReport(tuple(results), tuple(covered), min_coverage)
