"""The conformance of a cohort as FHIR R4 MeasureReports (``pathway cohort conformance --format measurereport``):
a ``summary`` report and a ``subject-list`` report, each with a group per recommendation, validated with
``fhir.resources`` (R4B models) before they are written.

The populations follow the eCQM proportion measure (measure-population code system): initial population and
denominator are the recommendation's episodes, denominator exclusions the transient ones and those still within
their window, denominator exceptions those declined or replaced with a documented reason, the numerator those met
on time; the measure score is the numerator over the denominator less exclusions and exceptions, the rate of the
conformance table. The subject-list report lists, for each population, the journeys in a contained List (a
journey counts once in a list, however many episodes it has). Everything is read from the result: no clock, no
random id, so the same cohort gives the same bytes. The period is given in days (the first input's date to the
last end of the data): trail times carry no time zone, and a FHIR dateTime with a time needs one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.cohort.conformance import Conformance
from pathway.cohort.conformance_rows import RecommendationRow
from pathway.errors import UsageError
from pathway.fhir.cpg_terms import DEFAULT_BASE, check_base, fhir_id
from pathway.fhir.validate import problem, require
from pathway.journey.reasons import REASON_CODES, SYSTEM
from pathway.source.files import write_atomically

POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population"
KINDS = ("summary", "subject-list")
_POPULATIONS = (
    ("initial-population", "Initial Population"),
    ("denominator", "Denominator"),
    ("denominator-exclusion", "Denominator Exclusion"),
    ("denominator-exception", "Denominator Exception"),
    ("numerator", "Numerator"),
)
_OUTCOMES = {  # population -> the episode outcomes it holds (journeys for the subject list)
    "initial-population": ("met", "met_late", "exception", "transient", "open", "not_documented"),
    "denominator": ("met", "met_late", "exception", "transient", "open", "not_documented"),
    "denominator-exclusion": ("transient", "open"),
    "denominator-exception": ("exception",),
    "numerator": ("met",),
}


def _counts(row: RecommendationRow) -> dict[str, int]:
    return {
        "initial-population": row.issued,
        "denominator": row.issued,
        "denominator-exclusion": row.transient + row.open,
        "denominator-exception": row.exception_total,
        "numerator": row.met,
    }


def _score(row: RecommendationRow) -> dict[str, Any] | None:
    rate = row.rate
    return None if rate is None else {"value": round(rate, 4)}


@dataclass(frozen=True)
class MeasureReports:
    """The MeasureReports written: one file per kind."""

    out: str
    files: tuple[str, ...]
    groups: int

    def to_json(self) -> dict[str, Any]:
        return {"out": self.out, "files": list(self.files), "groups": self.groups}

    def to_text(self) -> str:
        return f"wrote {len(self.files)} MeasureReports ({', '.join(self.files)}), {self.groups} group(s) each"


class _Builder:
    def __init__(self, result: Conformance, base: str, subjects: Mapping[str, Mapping[str, list[str]]]) -> None:
        self.result, self.base, self.subjects = result, base, subjects
        self.pathway = result.pathway["id"]
        self.contained: list[dict[str, Any]] = []

    def report(self, kind: str) -> dict[str, Any]:
        if self.result.period is None:
            raise UsageError(f"{self.result.folder}: the cohort has no journey with an input; nothing to report")
        start, end = (moment[:10] for moment in self.result.period)  # trail times have no zone: FHIR needs one
        ident = fhir_id(self.pathway, "conformance", kind)
        groups = [self.group(row, kind) for row in self.result.rows]
        report: dict[str, Any] = {
            "resourceType": "MeasureReport",
            "id": ident,
            "status": "complete",
            "type": kind,
            "measure": f"{self.base}/Measure/{fhir_id(self.pathway, 'conformance')}|{self.result.pathway['version']}",
            "date": end,
            "period": {"start": start, "end": end},
            "improvementNotation": {
                "coding": [
                    {"system": "http://terminology.hl7.org/CodeSystem/measure-improvement-notation", "code": "increase"}
                ]
            },  # fmt: skip
            "group": groups,
        }
        if self.contained:
            report["contained"] = self.contained
        return report

    def group(self, row: RecommendationRow, kind: str) -> dict[str, Any]:
        counts = _counts(row)
        populations = []
        for code, display in _POPULATIONS:
            population: dict[str, Any] = {"code": _coding(POPULATION, code, display), "count": counts[code]}
            if kind == "subject-list":
                population["subjectResults"] = {"reference": "#" + self.subject_list(row.action, code)}
            populations.append(population)
        group: dict[str, Any] = {
            "id": fhir_id(row.action),
            "code": {
                "coding": [
                    {
                        "system": f"{self.base}/CodeSystem/{fhir_id(self.pathway, 'actions')}",
                        "code": row.action,
                        "display": row.title,
                    }
                ],
                "text": row.title,
            },  # fmt: skip
            "population": populations,
        }
        score = _score(row)
        if score is not None:
            group["measureScore"] = score
        stratifiers = [s for s in (self.reasons(row), self.strata(row.action)) if s]
        if stratifiers:
            group["stratifier"] = stratifiers
        return group

    def reasons(self, row: RecommendationRow) -> dict[str, Any] | None:
        """The exceptions by reason code: a stratum per code, with the denominator-exception count alone."""
        if not row.exceptions:
            return None
        strata = []
        for code, count in row.exceptions.items():
            value = (
                {"text": "a reason in free text only"}
                if code not in REASON_CODES
                else _coding(SYSTEM, code, REASON_CODES[code])
            )
            exception = _coding(POPULATION, "denominator-exception", "Denominator Exception")
            strata.append({"value": value, "population": [{"code": exception, "count": count}]})
        return {"code": [{"text": "non-adherence reason"}], "stratum": strata}

    def strata(self, action: str) -> dict[str, Any] | None:
        if not self.result.strata:
            return None
        strata = []
        for name, rows in self.result.strata.items():
            row = next((r for r in rows if r.action == action), None)
            if row is None:
                continue
            counts = _counts(row)
            stratum: dict[str, Any] = {
                "value": {"text": name},
                "population": [{"code": _coding(POPULATION, c, d), "count": counts[c]} for c, d in _POPULATIONS],
            }
            if (score := _score(row)) is not None:
                stratum["measureScore"] = score
            strata.append(stratum)
        return {"code": [{"text": str(self.result.by)}], "stratum": strata}

    def subject_list(self, action: str, population: str) -> str:
        ident = fhir_id(action, population)
        journeys = self.subjects.get(action, {}).get(population, [])
        entry = [
            {"item": {"identifier": {"system": f"{self.base}/journey", "value": j}, "display": j}} for j in journeys
        ]
        listing: dict[str, Any] = {"resourceType": "List", "id": ident, "status": "current", "mode": "snapshot"}
        if entry:
            listing["entry"] = entry
        else:
            listing["emptyReason"] = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/list-empty-reason",
                                                  "code": "nilknown"}]}  # fmt: skip
        self.contained.append(listing)
        return ident


def _coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}]}


def _subjects(result: Conformance) -> dict[str, dict[str, list[str]]]:
    """action -> population -> the journeys with an episode in it, sorted, each once."""
    found: dict[str, dict[str, set[str]]] = {}
    for patient in result.patients:
        for action, outcome in patient.outcomes:
            for population, outcomes in _OUTCOMES.items():
                if outcome in outcomes:
                    found.setdefault(action, {}).setdefault(population, set()).add(patient.journey)
    return {a: {p: sorted(j) for p, j in by.items()} for a, by in found.items()}


def measurereports(result: Conformance, base: str = DEFAULT_BASE) -> dict[str, dict[str, Any]]:
    """The summary and subject-list MeasureReports of a conformance result, by kind, each valid FHIR R4."""
    if (why := check_base(base)) is not None:
        raise UsageError(why, parameter="base")
    require()
    subjects = _subjects(result)
    reports = {kind: _Builder(result, base, subjects).report(kind) for kind in KINDS}
    for kind, report in reports.items():
        if (found := problem(report)) is not None:
            raise RuntimeError(f"the {kind} MeasureReport is not valid FHIR R4 at {found[0]}: {found[1]} (a bug)")
    return reports


def export_measurereports(result: Conformance, out: str | Path, base: str = DEFAULT_BASE) -> MeasureReports:
    """Write ``measurereport-summary.json`` and ``measurereport-subject-list.json`` into ``out``, atomically."""
    reports = measurereports(result, base)
    names = []
    for kind, report in reports.items():
        name = f"measurereport-{kind}.json"
        write_atomically(Path(out) / name, json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        names.append(name)
    return MeasureReports(str(out), tuple(names), len(result.rows))


def populations_of(report: Mapping[str, Any]) -> Iterable[tuple[str, str, int]]:
    """(group id, population code, count) of each population of a MeasureReport: what a reader checks."""
    for group in report.get("group", []):
        for population in group["population"]:
            yield group["id"], population["code"]["coding"][0]["code"], population["count"]
