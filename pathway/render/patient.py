"""A patient's journey in words, keyed to the step numbers of the patient path: what each taken arrow says (its
step, date and the values that decided it) and the timeline table (date, what happened) beside the chart.

Step numbers are the ``seq`` of the trail records, the numbers the run output shows and ``explain --step`` takes;
a timeline row carries the number of the record it tells, so "#12" on an arrow and "#12" in the table are the same
moment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pathway.definition.analysis import Analysis
from pathway.render.wording import humanize, name_words
from pathway.trail.records import (
    DeclinedRecord,
    ExpiredRecord,
    FulfilledRecord,
    HeaderRecord,
    InputRecord,
    IssuedRecord,
    Record,
    RetiredRecord,
    SummaryRecord,
    TransitionRecord,
    WaitingRecord,
)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return humanize(str(value)) if isinstance(value, str) else f"{value}"


def deciding_values(analysis: Analysis, record: TransitionRecord) -> str:
    """The values a taken transition's guard read, in words: ``sensory grade 3, motor grade 1``."""
    parts = []
    for name, read in record.read.items():
        value = getattr(read, "value", None)
        if value is None or getattr(read, "derived", False):
            continue
        shown = humanize(name) if name in analysis.pathway.facts else name
        parts.append(f"{shown} {_value(value)}")
    return ", ".join(parts)


def step_labels(analysis: Analysis, records: Sequence[Record]) -> dict[str, tuple[tuple[int, str], ...]]:
    """transition id -> each time it was taken: (step number, ``#12 · 2024-03-01 · sensory grade 3``)."""
    found: dict[str, list[tuple[int, str]]] = {}
    for record in records:
        if isinstance(record, TransitionRecord):
            values = deciding_values(analysis, record)
            text = " · ".join(p for p in (f"#{record.seq}", record.at[:10], values) if p)
            found.setdefault(record.id, []).append((record.seq, text))
    return {k: tuple(v) for k, v in found.items()}


@dataclass(frozen=True)
class TimelineRow:
    """One line of the timeline: the record's step number, when, the input it belongs to, what happened."""

    step: int
    at: str
    input: int
    what: str
    kind: str


def _title(analysis: Analysis, action: str) -> str:
    act = analysis.pathway.actions.get(action)
    return act.title if act is not None else action


def _input(analysis: Analysis, r: InputRecord) -> str:
    parts = [
        f"{name_words(analysis, k) if k in analysis.pathway.facts else k}: {_value(v)}" for k, v in r.facts.items()
    ]
    parts += [f"event: {humanize(r.event)}"] if r.event else []
    parts += [f"done: {_title(analysis, r.done)}"] if r.done else []
    parts += (
        [f"declined: {_title(analysis, r.declined)}" + (f" ({r.reason})" if r.reason else "")] if r.declined else []
    )
    return "Recorded " + "; ".join(parts) if parts else "Visit (nothing new recorded)"


def _words(analysis: Analysis, record: Record) -> tuple[str, str] | None:
    """What one record says, and its kind, or None for records the timeline leaves out."""
    states = analysis.index.states
    if isinstance(record, InputRecord):
        return _input(analysis, record), "input"
    if isinstance(record, TransitionRecord):
        name = states[record.target].state.description if record.target in states else None
        why = deciding_values(analysis, record)
        return f"To: {name or humanize(record.target)}" + (f" (because {why})" if why else ""), "step"
    if isinstance(record, IssuedRecord):
        what = "Working diagnosis" if record.item == "finding" else "Recommended"
        return f"{what}: {record.text or record.title}", record.item
    if isinstance(record, RetiredRecord):
        verb = "recommended" if record.item == "recommendation" else "concluded"
        return f"No longer {verb}: {_title(analysis, record.id)}", "retired"
    if isinstance(record, FulfilledRecord):
        return f"Done: {_title(analysis, record.action)} ({humanize(record.fact)} {_value(record.value)})", "done"
    if isinstance(record, DeclinedRecord):
        return f"Declined: {_title(analysis, record.action)}", "declined"
    if isinstance(record, WaitingRecord):
        return "Waiting for: " + ", ".join(
            name_words(analysis, n) for n in record.needs if n in analysis.pathway.facts
        ) if record.needs else "Waiting", "wait"
    if isinstance(record, ExpiredRecord):
        return f"No longer current: {name_words(analysis, record.fact)}", "expired"
    return None


def timeline(analysis: Analysis, records: Sequence[Record]) -> list[TimelineRow]:
    """The timeline of a journey, one row per thing that happened, keyed to the step numbers of its path."""
    rows = []
    for record in records:
        said = _words(analysis, record)
        if said is not None and hasattr(record, "at"):
            rows.append(TimelineRow(record.seq, record.at, getattr(record, "input", 0), said[0], said[1]))
    return rows


def audit_facts(records: Sequence[Record]) -> Mapping[str, str]:
    """The facts an auditor checks a patient page against: pathway, version, its sha256, the trail's last hash."""
    facts: dict[str, str] = {}
    for record in records:
        if isinstance(record, HeaderRecord):
            facts |= {
                "pathway": record.pathway.id,
                "version": record.pathway.version,
                "pathway sha256": record.pathway.sha256,
            }
        if isinstance(record, SummaryRecord):
            facts["trail hash"] = record.hash
    return facts
