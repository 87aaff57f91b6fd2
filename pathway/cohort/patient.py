"""``pathway cohort patient``: one patient of a cohort run for the clinician reviewer
(:func:`pathway.audit.summary.patient_summary`), read from either store, with the pathway the cohort ran."""

from __future__ import annotations

import tempfile
from pathlib import Path

from pathway.audit.replay import intact_records
from pathway.audit.summary import PatientSummary, patient_summary
from pathway.cohort.extract import trail_data
from pathway.cohort.verify import cohort_document, pinned_pathway
from pathway.definition.analysis import Analysis
from pathway.trail.records import Record


def cohort_records(out: str | Path, journey: str) -> tuple[Record, ...]:
    """The records of one journey's trail in a cohort folder, its chain checked (raises ReplayError when it is
    not intact, UsageError for a journey the cohort does not hold)."""
    data = trail_data(Path(out), journey)
    with tempfile.TemporaryDirectory(prefix="pathway-patient-") as scratch:
        path = Path(scratch) / f"{journey}.jsonl"
        path.write_bytes(data)
        return intact_records(path)


def cohort_pathway(out: str | Path, pathway: Analysis | str | Path | None = None) -> Analysis:
    """The pathway a cohort ran: ``pathway`` when given, else the bundled definition with its sha256 (UsageError
    when neither is available)."""
    return pinned_pathway(cohort_document(Path(out)), pathway)


def cohort_patient(out: str | Path, journey: str, pathway: Analysis | str | Path | None = None) -> PatientSummary:
    """The reviewer's summary of one journey of the cohort folder ``out``."""
    analysis = cohort_pathway(out, pathway)
    return patient_summary(cohort_records(out, journey), analysis.pathway)
