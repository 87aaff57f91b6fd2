"""The Python API of ``pathway run``: ``run(pathway, journey) -> RunResult``, and a reusable :class:`Runner`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.definition.analysis import Analysis
from pathway.definition.loader import analysis_of, load_analysis
from pathway.definition.model import Pathway
from pathway.diagnostics import Diagnostic
from pathway.engine.engines import EngineName, engine_for
from pathway.engine.execute import Step, run_steps, run_trail
from pathway.engine.values import value_errors
from pathway.errors import ExitCode, invalid_input
from pathway.journey.check import LoadedJourney, journey_from_data, load_journey
from pathway.journey.until import with_until
from pathway.trail.io import write_trail
from pathway.trail.keys import SigningKey, as_signing_key
from pathway.trail.records import SCHEMA, HeaderRecord, Record, SummaryRecord, header_of, summary_of
from pathway.trail.signing import sign_trail


@dataclass(frozen=True)
class RunResult:
    """The outcome of running one journey: every trail record, header to summary (typed models; each one's
    ``to_dict()`` is what the trail file holds)."""

    records: tuple[Record, ...]
    lines: tuple[str, ...] | None = None  # each record's canonical line, when the engine kept them

    @property
    def header(self) -> HeaderRecord:
        return header_of(self.records)

    @property
    def summary(self) -> SummaryRecord:
        return summary_of(self.records)

    @property
    def ok(self) -> bool:
        """False when the run stopped on an engine error (an eventless cycle), met a guard that could not be
        evaluated, or worked out a recommendation's value that could not be evaluated."""
        return self.summary.error is None and not self.summary.errors and not value_errors(self.records)

    def summary_json(self) -> dict[str, Any]:
        """The closing summary, in the shape ``pathway run --format json`` prints."""
        s, p = self.summary.to_dict(), self.header.pathway
        return {
            "journey": self.header.journey.id,
            "pathway": {"id": p.id, "version": p.version, "sha256": p.sha256},
            "states": s["states"],
            "recommendations": s["recommendations"],
            "findings": s["findings"],
            "issued": s["issued"],
            "needs": s["needs"],
            "assumed": s.get("assumed", []),
            "due": s.get("due", []),
            "overdue": s.get("overdue", []),
            "conflicts": s.get("conflicts", []),
        }

    def write(self, path: str | Path, *, sign_key: SigningKey | str | Path | None = None) -> None:
        """Write the trail atomically (JSONL); with ``sign_key`` (a key file or a loaded key), signed in its summary
        (see :mod:`pathway.trail.signing`). Raises for a key that cannot be read, before writing anything."""
        if sign_key is None:
            write_trail(path, self.records, lines=self.lines)
        else:
            write_trail(path, sign_trail(self.records, as_signing_key(sign_key)))

    @property
    def exit_code(self) -> ExitCode:
        """0, or 1 when the run stopped on an engine error or a guard could not be evaluated."""
        return ExitCode.OK if self.ok else ExitCode.FINDINGS

    def to_json(self) -> dict[str, Any]:
        """The closing summary (:meth:`summary_json`), the engine error if the run stopped on one, the guards that
        could not be evaluated (``errors``) and the recommendations' values that could not be worked out
        (``value_errors``: the action, the value, the step and time, the error), each empty when there were none."""
        summary = self.summary.to_dict()
        failed = [
            {"id": r.id, "value": name, "state": r.state, "step": r.seq, "at": r.at, **value.error.to_dict()}
            for r, name, value in value_errors(self.records)
        ]
        return self.summary_json() | {
            "error": summary["error"],
            "errors": summary.get("errors", []),
            "value_errors": failed,
        }


class Runner:
    """Runs journeys against one checked pathway; compiles it once, for the reference engine (python-statemachine
    keeps the configuration; what ``pathway run`` uses) or the compiled one (what cohorts use; its trails are
    byte-identical): see :mod:`pathway.engine.engines`."""

    def __init__(self, analysis: Analysis, engine: EngineName | str = "reference") -> None:
        self.analysis = analysis
        self.engine = engine_for(analysis, engine)

    def run(self, journey: LoadedJourney, schema: str = SCHEMA) -> RunResult:
        """Run the whole journey: every trail record, header to summary (``schema``: the trail format, the legacy
        one to reproduce a trail written by it)."""
        records, lines = run_trail(self.analysis, self.engine, journey, schema)
        return RunResult(tuple(records), tuple(lines))

    def steps(self, journey: LoadedJourney) -> Iterator[Step]:
        """The state after each input of the journey, from one run: the records the input produced, and the
        summary as it stands (what a run of the journey cut after that input would close with)."""
        return run_steps(self.analysis, self.engine, journey)


def as_analysis(pathway: Analysis | Pathway | str | Path) -> Analysis:
    if isinstance(pathway, Analysis):
        return pathway
    if isinstance(pathway, Pathway):
        return analysis_of(pathway)
    path = Path(pathway)
    return load_analysis(path / "pathway.yaml" if path.is_dir() else path)


def run(
    pathway: Analysis | Pathway | str | Path,
    journey: LoadedJourney | Mapping[str, Any] | str | Path,
    *,
    until: str | None = None,
) -> RunResult:
    """Run one journey (a file, a mapping shaped like a journey file, or a loaded journey) through a pathway; with
    ``until``, advance the clock to that time after the last entry (:mod:`pathway.journey.until`).

    Raises :class:`~pathway.errors.InvalidInputError` for an invalid pathway or journey, or a bad ``until``, with
    every diagnostic.
    """
    analysis = as_analysis(pathway)
    if isinstance(journey, LoadedJourney):
        loaded = journey
    elif isinstance(journey, Mapping):
        loaded = journey_from_data(journey, analysis)
    else:
        loaded = load_journey(journey, analysis)
    if until is not None:
        extended = with_until(loaded, until)
        if isinstance(extended, Diagnostic):
            raise invalid_input([extended])
        loaded = extended
    return Runner(analysis).run(loaded)
