"""Conformance of recorded care over a cohort run (``pathway cohort conformance``): per recommendation, the episodes
in which it was issued (the denominator), met, met late, declined or replaced with a documented reason (exceptions,
by reason code), not documented, still within its window at the end of the data; the care given that was never
recommended, with and without a reason, or while the pathway was still waiting (undetermined); per patient each
deviation, pointing at its trail record. Every rule is in docs/conformance.md; :mod:`pathway.cohort.episodes`
applies them to one journey.

The trails are read from the cohort's ``records.parquet`` (pyarrow: ``pip install 'pathway[cohort]'``); the pathway
is the bundled definition whose sha256 the cohort pins, or the one given.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from pathway.cohort.conformance_rows import Deviation, PatientConformance, RecommendationRow, days, rows_for
from pathway.cohort.conformance_text import text
from pathway.cohort.episodes import JourneyFindings, Rules, journey_findings
from pathway.cohort.tables import RECORDS, arrow
from pathway.cohort.verify import cohort_document, pinned_pathway
from pathway.definition.analysis import Analysis
from pathway.diagnostics.escape import escape_block
from pathway.errors import ExitCode, UsageError
from pathway.source.files import display_path

__all__ = [
    "GRACE",
    "TRANSIENT",
    "Conformance",
    "Deviation",
    "PatientConformance",
    "RecommendationRow",
    "conformance",
    "rules_of",
]

GRACE = timedelta(days=1)
"""CHOICE: care recorded up to one day after a recommendation was retired still counts for it (docs/conformance.md)."""
TRANSIENT = timedelta(days=1)
"""CHOICE: an episode retired less than a day after it was issued, with nothing recorded for it, is transient."""
STRATIFIERS = ("pathway_version",)
"""Stratifiers that are not facts."""


def rules_of(analysis: Analysis, grace: timedelta, transient: timedelta, by: str | None) -> Rules:
    """What the rules read of the pathway: each state's subtree's recommendations, each action's alternatives."""
    index = analysis.index
    recommends: dict[str, set[str]] = {s: set() for s in index.states}
    for state_id, info in index.states.items():
        for owner in (state_id, *index.ancestors(state_id)):
            recommends[owner] |= set(info.state.recommended)
    alternatives: dict[str, set[str]] = {a: set() for a in analysis.pathway.actions}
    for action_id, action in analysis.pathway.actions.items():
        for other in (*(action.supersedes or ()), *(action.conflicts or ())):
            alternatives[action_id].add(other)
            alternatives.setdefault(other, set()).add(action_id)
    return Rules(
        recommends={s: frozenset(a) for s, a in recommends.items()},
        alternatives={a: frozenset(o) for a, o in alternatives.items()},
        grace=grace,
        transient=transient,
        by=by,
    )


def journeys_of(folder: Path) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Each journey's parsed trail records, in journey order, read from records.parquet a batch at a time."""
    pa = arrow()
    path = folder / RECORDS
    if not path.is_file():
        raise UsageError(f"{display_path(folder)} has no {RECORDS}: run 'pathway cohort run' into it", parameter="dir")
    current: str | None = None
    records: list[dict[str, Any]] = []
    for batch in pa.parquet.ParquetFile(path).iter_batches(columns=["journey", "record"], batch_size=8192):
        for journey, line in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(), strict=True):
            if journey != current:
                if current is not None:
                    yield current, records
                current, records = journey, []
            records.append(json.loads(line))
    if current is not None:
        yield current, records


def conformance(
    folder: str | Path,
    *,
    by: str | None = None,
    pathway: Analysis | str | Path | None = None,
    grace: timedelta = GRACE,
    transient: timedelta = TRANSIENT,
) -> Conformance:
    """The conformance of the care recorded in a cohort folder (written by ``pathway cohort run``), stratified by
    a fact's value or ``pathway_version`` when ``by`` is given."""
    return conformance_findings(folder, by=by, pathway=pathway, grace=grace, transient=transient)[0]


def conformance_findings(
    folder: str | Path,
    *,
    by: str | None = None,
    pathway: Analysis | str | Path | None = None,
    grace: timedelta = GRACE,
    transient: timedelta = TRANSIENT,
) -> tuple[Conformance, list[JourneyFindings]]:
    """:func:`conformance`, and each journey's findings it was worked out from (its episodes: for whoever needs
    more of them without reading records.parquet again)."""
    root = Path(folder)
    analysis = pinned_pathway(cohort_document(root), pathway)
    if by is not None and by not in analysis.pathway.facts and by not in STRATIFIERS:
        known = ", ".join([*STRATIFIERS, *sorted(analysis.pathway.facts)])
        raise UsageError(f"cannot stratify by {by!r}: it is not a fact of the pathway; stratify by one of {known}")
    rules = rules_of(analysis, grace, transient, by)
    found = [journey_findings(journey, records, rules) for journey, records in journeys_of(root)]
    return _collect(display_path(root), analysis, rules, found), found


@dataclass(frozen=True)
class Conformance:
    """The conformance of a cohort's recorded care: a row per recommendation, the strata, every patient."""

    folder: str
    pathway: Mapping[str, str]
    grace: timedelta
    transient: timedelta
    by: str | None
    journeys: int
    rows: tuple[RecommendationRow, ...]
    strata: Mapping[str, tuple[RecommendationRow, ...]] = field(default_factory=dict)
    patients: tuple[PatientConformance, ...] = ()
    period: tuple[str, str] | None = None
    """From the first input of any journey to the latest end of the data (the measurement period)."""

    @property
    def never_assessed(self) -> tuple[str, ...]:
        return tuple(p.journey for p in self.patients if p.never_assessed)

    def total(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.rows)

    @property
    def fitness(self) -> float | None:
        """Recorded care and decisions that fit the pathway, over everything either side recorded (docs)."""
        fit = self.total("met") + self.total("met_late") + self.total("exception_total")
        off = self.total("not_documented") + self.total("unrecommended_with_reason")
        off += self.total("unrecommended_without_reason")
        return fit / (fit + off) if fit + off else None

    @property
    def exit_code(self) -> ExitCode:
        """1 when a recommendation was not documented or care was given unrecommended without a reason."""
        undocumented = self.total("not_documented") + self.total("unrecommended_without_reason")
        return ExitCode.FINDINGS if undocumented else ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        fitness = self.fitness
        return {
            "folder": self.folder,
            "pathway": dict(self.pathway),
            "rules": {"grace": days(self.grace), "transient": days(self.transient)},
            "by": self.by,
            "journeys": self.journeys,
            "period": list(self.period) if self.period else None,
            "never_assessed": list(self.never_assessed),
            "fitness": None if fitness is None else round(fitness, 4),
            "recommendations": [r.to_json() for r in self.rows],
            "strata": {name: [r.to_json() for r in rows] for name, rows in self.strata.items()},
            "patients": [p.to_json() for p in self.patients],
            "exit_code": int(self.exit_code),
        }

    def to_text(self) -> str:
        return escape_block(text(self))


def _collect(folder: str, analysis: Analysis, rules: Rules, found: Sequence[JourneyFindings]) -> Conformance:
    strata: dict[str, tuple[RecommendationRow, ...]] = {}
    if rules.by is not None:
        names = sorted(
            {c.stratum or "" for f in found for c in f.episodes} | {g.stratum or "" for f in found for g in f.care}
        )
        strata = {name: rows_for(analysis, found, name) for name in names}
    return Conformance(
        folder=folder,
        pathway=_ref(analysis),
        grace=rules.grace,
        transient=rules.transient,
        by=rules.by,
        journeys=len(found),
        rows=rows_for(analysis, found, None),
        strata=strata,
        patients=tuple(PatientConformance.of(f) for f in found),
        period=_period(found),
    )


def _period(found: Sequence[JourneyFindings]) -> tuple[str, str] | None:
    starts = [f.start for f in found if f.start is not None]
    ends = [f.end for f in found if f.end is not None]
    return (min(starts).isoformat(), max(ends).isoformat()) if starts and ends else None


def _ref(analysis: Analysis) -> Mapping[str, str]:
    p = analysis.pathway
    return {"id": p.pathway, "version": p.version, "title": p.title}
