"""Run designer scenarios (``pathway test``): each scenario's steps go through the engine, and after every step
with an ``expect`` the active states, recommendations, findings, needs, deviations, and what is due and overdue
(:mod:`pathway.scenarios.due`) are compared with it.

Scenario steps are validated exactly like journey entries (same diagnostics, same positions), and every id an
expectation names must exist in the pathway (PW320), so a typo cannot make a scenario pass by accident.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pathway.definition.analysis import Analysis
from pathway.diagnostics import Diagnostic, did_you_mean, sorted_diagnostics
from pathway.diagnostics.escape import escape
from pathway.engine.runner import Runner
from pathway.errors import InvalidInputError
from pathway.journey.check import LoadedJourney, check_journey_document
from pathway.scenarios.coverage import guard_outcomes
from pathway.scenarios.due import check_due, due_failures
from pathway.scenarios.model import Expect, ScenarioFile
from pathway.source.files import display_path
from pathway.source.locate import located
from pathway.source.reader import SourceDocument, load_file
from pathway.source.schema_errors import diagnostics_from
from pathway.trail.records import DeviationRecord, Record, StartRecord, SummaryRecord, TransitionRecord

DocPath = tuple[str | int, ...]


@dataclass(frozen=True)
class ScenarioResult:
    """The outcome of one scenario: passed, or the failures with the step they belong to."""

    file: str
    name: str
    line: int
    failures: tuple[str, ...] = ()
    transitions: tuple[str, ...] = field(default=(), repr=False)  # ids fired, for coverage
    states: tuple[str, ...] = field(default=(), repr=False)  # states ever active, for coverage
    outcomes: frozenset[tuple[str, str]] = field(default=frozenset(), repr=False)  # guard outcomes seen

    @property
    def passed(self) -> bool:
        return not self.failures

    def to_json(self) -> dict[str, Any]:
        """Where the scenario is, whether it passed, and each failure."""
        return {
            "file": self.file,
            "name": self.name,
            "line": self.line,
            "passed": self.passed,
            "failures": [*self.failures],
        }


def _sub_document(doc: SourceDocument, prefix: DocPath, data: object) -> SourceDocument:
    """A view of the part of doc under prefix, re-rooted at ('events',) so the journey checker can read it."""

    def moved(marks: Mapping[DocPath, Any]) -> dict[DocPath, Any]:
        n = len(prefix)
        return {("events", *p[n:]): m for p, m in marks.items() if p[:n] == prefix}

    return SourceDocument(doc.path, doc.text, data, moved(doc.key_marks), moved(doc.value_marks), moved(doc.styles))


_KINDS = {
    "states": "state",
    "not_states": "state",
    "recommend": "action",
    "not_recommend": "action",
    "findings": "finding",
    "not_findings": "finding",
    "needs": "fact",
    "not_needs": "fact",
    "deviations": "action",
    "not_deviations": "action",
}


def _check_expect(doc: SourceDocument, path: DocPath, expect: Expect, analysis: Analysis) -> Iterator[Diagnostic]:
    p = analysis.pathway
    known = {"state": analysis.index.states, "action": p.actions, "finding": p.findings, "fact": p.facts}
    for key, kind in _KINDS.items():
        for i, name in enumerate(getattr(expect, key)):
            if name not in known[kind]:
                hint = did_you_mean(name, known[kind]) or f"no {kind} of that name in pathway {p.pathway}"
                yield located(
                    doc, (*path, "expect", key, i), "PW320", f"expectation names unknown {kind} '{name}'", hint=hint
                )
    yield from check_due(doc, (*path, "expect"), expect, analysis)


def load_scenarios(path: Path, analysis: Analysis) -> list[tuple[str, int, LoadedJourney, dict[int, Expect]]]:
    """Every scenario of a file as (name, line, journey, expectations by step number); raises with every
    diagnostic when the file is invalid."""
    doc = load_file(path, display=display_path(path))
    try:
        model = ScenarioFile.model_validate(doc.data)
    except ValidationError as err:
        raise InvalidInputError(diagnostics_from(err, doc, ScenarioFile)) from None
    found: list[Diagnostic] = []
    out = []
    raw: Any = doc.data
    for i, scenario in enumerate(model.scenarios):
        prefix: DocPath = ("scenarios", i, "steps")
        steps = [{k: v for k, v in s.items() if k != "expect"} for s in raw["scenarios"][i]["steps"]]
        journey, problems = check_journey_document(
            _sub_document(doc, prefix, {"journey": f"scenario-{i + 1}", "events": steps}), analysis
        )
        found += problems
        expects = {n + 1: s.expect for n, s in enumerate(scenario.steps) if s.expect is not None}
        for n, expect in expects.items():
            found += _check_expect(doc, (*prefix, n - 1), expect, analysis)
        if journey is not None:
            out.append((scenario.name, doc.mark(("scenarios", i), key=False).line, journey, expects))
    if found:
        raise InvalidInputError(sorted_diagnostics(found))
    return out


def _failures(step: int, at: str, expect: Expect, summary: SummaryRecord, deviations: list[str]) -> list[str]:
    have = {
        "state": list(summary.states),
        "action": [r.id for r in summary.recommendations],
        "finding": [f.id for f in summary.findings],
        "fact": list(summary.needs),
    }
    words = {"state": "state", "action": "recommendation", "finding": "finding", "fact": "needed fact"}
    out = []
    for key, kind in _KINDS.items():
        if key in ("deviations", "not_deviations"):
            continue
        present = key.startswith("not_")
        for name in getattr(expect, key):
            if (name in have[kind]) == present:
                verb = "not to be active" if present else "to be active"
                out.append(
                    f"after step {step} ({at}): expected {words[kind]} '{name}' {verb}; active: {have[kind] or 'none'}"
                )
    for name in expect.deviations:
        if name not in deviations:
            out.append(f"after step {step} ({at}): expected a deviation for '{name}'; recorded: {deviations or 'none'}")
    for name in expect.not_deviations:
        if name in deviations:
            out.append(f"after step {step} ({at}): expected no deviation for '{name}', but it was not recommended")
    return out + due_failures(f"after step {step} ({at}): ", expect, summary)


def run_scenario(
    runner: Runner, journey: LoadedJourney, expects: Mapping[int, Expect]
) -> tuple[list[str], list[Record]]:
    """Run a scenario once, checking each expectation against the state after its step: the failures, and every
    record of the run but its header and summary (what coverage reads)."""
    failures: list[str] = []
    records: list[Record] = []
    for step in runner.steps(journey):
        records += step.records
        expect = expects.get(step.input)
        if expect is not None:
            deviations = [r.action for r in step.records if isinstance(r, DeviationRecord)]
            failures += _failures(step.input, step.at, expect, step.summary, deviations)
    return failures, records


def run_file(path: Path, runner: Runner, shown: str) -> list[ScenarioResult]:
    results = []
    for name, line, journey, expects in load_scenarios(path, runner.analysis):
        failures, records = run_scenario(runner, journey, expects)
        fired = tuple(r.id for r in records if isinstance(r, TransitionRecord))
        states = tuple(sorted({s for r in records if isinstance(r, TransitionRecord | StartRecord) for s in r.entered}))
        outcomes = frozenset(guard_outcomes(runner.analysis, records))
        results.append(ScenarioResult(shown, name, line, tuple(failures), fired, states, outcomes))
    return results


def render_results(results: Sequence[ScenarioResult]) -> str:
    lines: list[str] = []
    current = None
    for r in results:
        if r.file != current:
            lines.append(r.file)
            current = r.file
        lines.append(f"  {'PASS' if r.passed else 'FAIL'}  {r.name}" + ("" if r.passed else f"  (line {r.line})"))
        lines += [f"        {f}" for f in r.failures]
    passed = sum(r.passed for r in results)
    lines.append(f"{len(results)} scenarios: {passed} passed, {len(results) - passed} failed")
    return "\n".join(map(escape, lines))
