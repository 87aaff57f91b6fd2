"""The Python API of ``pathway run``: ``run(pathway, journey) -> RunResult``, and a reusable :class:`Runner`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.definition.analysis import Analysis
from pathway.definition.loader import analysis_of, load_analysis
from pathway.definition.model import Pathway
from pathway.engine.compile import compile_chart
from pathway.engine.execute import run_records
from pathway.errors import ExitCode
from pathway.journey.check import LoadedJourney, journey_from_data, load_journey
from pathway.trail.io import write_trail


@dataclass(frozen=True)
class RunResult:
    """The outcome of running one journey: every trail record, header to summary (plain JSON-ready dicts)."""

    records: tuple[Mapping[str, Any], ...]

    @property
    def header(self) -> Mapping[str, Any]:
        return self.records[0]

    @property
    def summary(self) -> Mapping[str, Any]:
        return self.records[-1]

    @property
    def ok(self) -> bool:
        """False when the run stopped on an engine error (an eventless cycle)."""
        return self.summary.get("error") is None

    def summary_json(self) -> dict[str, Any]:
        """The closing summary, in the shape ``pathway run --format json`` prints."""
        s, p = self.summary, self.header["pathway"]
        return {
            "journey": self.header["journey"]["id"],
            "pathway": {"id": p["id"], "version": p["version"], "sha256": p["sha256"]},
            "states": s["states"],
            "recommendations": s["recommendations"],
            "findings": s["findings"],
            "issued": s["issued"],
            "needs": s["needs"],
        }

    def write(self, path: str | Path) -> None:
        """Write the trail atomically (JSONL)."""
        write_trail(path, self.records)

    @property
    def exit_code(self) -> ExitCode:
        """0, or 1 when the run stopped on an engine error."""
        return ExitCode.OK if self.ok else ExitCode.FINDINGS

    def to_json(self) -> dict[str, Any]:
        """The closing summary (:meth:`summary_json`) and the engine error, if the run stopped on one."""
        return self.summary_json() | {"error": self.summary.get("error")}


class Runner:
    """Runs journeys against one checked pathway; compiles its chart once."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.chart = compile_chart(analysis)

    def run(self, journey: LoadedJourney) -> RunResult:
        return RunResult(tuple(run_records(self.analysis, self.chart, journey)))


def as_analysis(pathway: Analysis | Pathway | str | Path) -> Analysis:
    if isinstance(pathway, Analysis):
        return pathway
    if isinstance(pathway, Pathway):
        return analysis_of(pathway)
    path = Path(pathway)
    return load_analysis(path / "pathway.yaml" if path.is_dir() else path)


def run(pathway: Analysis | Pathway | str | Path, journey: LoadedJourney | Mapping[str, Any] | str | Path) -> RunResult:
    """Run one journey (a file, a mapping shaped like a journey file, or a loaded journey) through a pathway.

    Raises :class:`~pathway.errors.InvalidInputError` for an invalid pathway or journey, with every diagnostic.
    """
    analysis = as_analysis(pathway)
    if isinstance(journey, LoadedJourney):
        loaded = journey
    elif isinstance(journey, Mapping):
        loaded = journey_from_data(journey, analysis)
    else:
        loaded = load_journey(journey, analysis)
    return Runner(analysis).run(loaded)
