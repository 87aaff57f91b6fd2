"""A trail as the CarePlan and Provenance exports read it: its records as the file holds them (plain JSON objects,
so that fields newer than this reader, such as an input's ``sources``, are seen as written), and the definition it
was run against, found by the sha256 its header names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.audit.replay import find_by_sha, intact_records
from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis, resolve
from pathway.errors import UsageError
from pathway.fhir.cpg_terms import fhir_id


@dataclass(frozen=True)
class TrailRun:
    """A trail's records (as JSON objects) and the analysis of the definition it ran."""

    records: tuple[Mapping[str, Any], ...]
    analysis: Analysis

    @property
    def header(self) -> Mapping[str, Any]:
        return self.records[0]

    @property
    def summary(self) -> Mapping[str, Any]:
        return self.records[-1]

    @property
    def inputs(self) -> list[Mapping[str, Any]]:
        return [r for r in self.records if r.get("kind") == "input"]

    @property
    def journey(self) -> str:
        return str(self.header["journey"]["id"])

    @property
    def final_hash(self) -> str:
        """The hash of the summary: it seals the whole chain."""
        return str(self.summary["hash"])

    @property
    def started(self) -> str:
        inputs = self.inputs
        return str(inputs[0]["at"] if inputs else self.summary["at"])

    def resource_id(self, kind: str) -> str:
        """The id of the resource of this kind made from this trail: journey and the first 12 digits of its hash."""
        return fhir_id(kind, self.journey, self.final_hash[:12])


def definition_for(sha: str, pathway: str | None) -> Analysis:
    """The definition with this canonical sha256: the one given (checked), or the bundled one."""
    if pathway is not None:
        analysis = load_analysis(resolve(pathway))
        found = analysis.sha256
        if not analysis.named_by(sha):
            raise UsageError(
                f"the trail was run against the definition with sha256 {sha[:16]}..., and {pathway} has "
                f"{found[:16]}...: pass the version the trail ran",
                parameter="pathway",
            )
        return analysis
    bundled = find_by_sha(sha)
    if bundled is None:
        raise UsageError(
            f"no bundled definition has the trail's sha256 {sha[:16]}...: pass --pathway with the version it ran",
            parameter="pathway",
        )
    return bundled


def read_run(trail: str | Path, pathway: str | None = None) -> TrailRun:
    """An intact trail and its definition (ReplayError when tampered or unreadable, UsageError without it)."""
    records = tuple(r.to_dict() for r in intact_records(trail))
    return from_records(records, pathway)


def from_records(records: Sequence[Mapping[str, Any]], pathway: str | None = None) -> TrailRun:
    """A trail run from records already read (as JSON objects): the header's sha256 finds the definition."""
    return TrailRun(tuple(records), definition_for(str(records[0]["pathway"]["sha256"]), pathway))
