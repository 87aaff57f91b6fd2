"""One patient's journey for the clinician reviewer: a dated timeline (:func:`pathway.audit.timeline.timeline`'s
rows) with what this module adds to them: each recommendation and conclusion with the evidence it cites (the
evidence entries' citations, numbered, never ids), each deviation with its reason (the reason code's display
text), and where the journey stands at the end (what is recommended, concluded, overdue, and what the pathway is
waiting for).

The timeline's wording is the timeline's (its rows are shown as they are); this module only adds fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from pathway.audit.moments import moments
from pathway.audit.timeline import TimelineRow, timeline
from pathway.definition.model import Pathway
from pathway.diagnostics.escape import escape
from pathway.errors import ExitCode
from pathway.journey.reasons import REASON_CODES
from pathway.trail.records import (
    DeclinedRecord,
    DeviationRecord,
    IssuedRecord,
    Record,
    header_of,
    summary_of,
)


def said(item: object) -> str:
    """A timeline item's words (an item is text, or carries its words in ``text``)."""
    return str(getattr(item, "text", item))


@dataclass(frozen=True)
class Reference:
    """An evidence entry as a reader sees it: its number in this summary, its citation, section and link."""

    number: int
    cite: str
    section: str | None
    url: str | None


@dataclass(frozen=True)
class Cited:
    """A recommendation or conclusion issued, with the numbers of the references it cites."""

    title: str
    references: tuple[int, ...]
    due: str | None = None


@dataclass(frozen=True)
class Deviation:
    """Care that departs from the pathway: done while not recommended, declined, or overdue at the end."""

    at: str
    step: int | None
    kind: str  # "not recommended", "declined", "declined while not recommended", "overdue"
    action: str
    reason: str | None
    recommended: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """``declined: Start duloxetine; reason: ...`` (what was recommended instead is in the JSON)."""
        why = f"; reason: {self.reason}" if self.reason else "; no reason recorded"
        return f"{self.kind}: {self.action}{why}"


@dataclass(frozen=True)
class PatientRow:
    """A timeline row with its citations and deviations."""

    row: TimelineRow
    recommended: tuple[Cited, ...]
    concluded: tuple[Cited, ...]
    deviations: tuple[Deviation, ...]

    def to_json(self) -> dict[str, Any]:
        return self.row.to_json() | {
            "recommended_cited": [asdict(c) for c in self.recommended],
            "concluded_cited": [asdict(c) for c in self.concluded],
            "deviations": [asdict(d) | {"text": d.text} for d in self.deviations],
        }


@dataclass(frozen=True)
class PatientSummary:
    """A patient's journey for the reviewer: the rows, the references they cite, the deviations, the end."""

    journey: str
    description: str | None
    pathway: str
    rows: tuple[PatientRow, ...]
    references: tuple[Reference, ...]
    active: tuple[Cited, ...]
    findings: tuple[Cited, ...]
    waiting: tuple[str, ...]
    deviations: tuple[Deviation, ...]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {
            "journey": self.journey,
            "description": self.description,
            "pathway": self.pathway,
            "timeline": [r.to_json() for r in self.rows],
            "references": [asdict(r) for r in self.references],
            "recommended_at_end": [asdict(c) for c in self.active],
            "concluded_at_end": [asdict(c) for c in self.findings],
            "waiting_for": list(self.waiting),
            "deviations": [asdict(d) | {"text": d.text} for d in self.deviations],
            "exit_code": 0,
        }

    def to_text(self) -> str:
        lines = [f"{self.journey}: {self.pathway}"] + ([self.description] if self.description else [])
        before: tuple[str, ...] = ()
        for r in self.rows:
            lines += ["", *row_text(r, before)]
            before = tuple(said(w) for w in r.row.waiting)
        lines += ["", "Where the journey stands"]
        lines += [f"  recommended: {cited_text(c)}" for c in self.active] or ["  recommended: nothing"]
        lines += [f"  concluded: {cited_text(c)}" for c in self.findings]
        lines += [f"  waiting for: {'; '.join(self.waiting)}"] if self.waiting else ["  waiting for nothing"]
        lines += [f"  deviations: {len(self.deviations)}"]
        lines += ["", "References"] + [f"  [{r.number}] {reference_text(r)}" for r in self.references]
        return "\n".join(escape(line) for line in lines)


def cited_text(c: Cited) -> str:
    refs = "".join(f"[{n}]" for n in c.references)
    return f"{c.title}" + (f" (due {c.due})" if c.due else "") + (f" {refs}" if refs else "")


def reference_text(r: Reference) -> str:
    return r.cite + (f" ({r.section})" if r.section and r.section not in r.cite else "")


def waiting_words(row: TimelineRow, before: Sequence[str]) -> list[str]:
    """What the row waits for, or ``as before`` when that has not changed since the row before."""
    now = [said(w) for w in row.waiting]
    return ["as before"] if now and now == list(before) else now


def row_text(p: PatientRow, before: Sequence[str] = ()) -> list[str]:
    """A row as lines; ``before``: what the previous row waited for (not repeated)."""
    r = p.row
    head = f"{r.at}" + (f"  (input {r.input})" if r.input is not None else "  (the clock moved on)")
    lines = [head + (f"  note: {r.note}" if r.note else "")]
    parts: list[tuple[str, Sequence[object]]] = [
        ("arrived", r.arrived),
        ("care", r.care),
        ("recommended", [cited_text(c) for c in p.recommended]),
        ("concluded", [cited_text(c) for c in p.concluded]),
        ("stopped", r.stopped),
        ("deviation", [d.text for d in p.deviations]),
        ("waiting for", waiting_words(r, before)),
        ("problem", r.problems),
    ]
    lines += [f"  {label}: {'; '.join(said(i) for i in items)}" for label, items in parts if items]
    return lines


class _References:
    """Evidence ids numbered in the order a reader first meets them."""

    def __init__(self, pathway: Pathway | None) -> None:
        self.pathway = pathway
        self.numbers: dict[str, int] = {}

    def cite(self, ids: Sequence[str]) -> tuple[int, ...]:
        return tuple(self.numbers.setdefault(i, len(self.numbers) + 1) for i in ids)

    def listed(self) -> tuple[Reference, ...]:
        out = []
        for ident, n in self.numbers.items():
            entry = self.pathway.evidence.get(ident) if self.pathway is not None else None
            if entry is None:
                out.append(Reference(n, ident, None, None))
            else:
                out.append(Reference(n, entry.cite, entry.section, entry.url))
        return tuple(out)


def _reason(code: str | None, text: str | None) -> str | None:
    shown = REASON_CODES.get(code, code) if code else None
    return "; ".join(p for p in (shown, text) if p) or None


def _deviations(records: Sequence[Record], titles: dict[str, str]) -> list[Deviation]:
    out = []
    for r in records:
        if isinstance(r, DeviationRecord):
            then = tuple(titles.get(a, a) for a in r.recommended)
            reason = _reason(r.reason_code, r.reason)
            out.append(Deviation(r.at, r.seq, "not recommended", titles.get(r.action, r.action), reason, then))
        elif isinstance(r, DeclinedRecord):
            kind = "declined" if r.recommended else "declined while not recommended"
            out.append(Deviation(r.at, r.seq, kind, titles.get(r.action, r.action), _reason(r.reason_code, r.reason)))
    return out


def _fact_words(pathway: Pathway | None, name: str) -> str:
    """``Sensory grade (sensory_grade)``: a fact's description up to its first sentence's end, and its name."""
    fact = pathway.facts.get(name) if pathway is not None else None
    text = fact.description if fact is not None else None
    if not text:
        return name
    return f"{text.strip().split('. ')[0].rstrip('.')} ({name})"


def patient_summary(records: Sequence[Record], pathway: Pathway | None = None) -> PatientSummary:
    """The reviewer's summary of one intact trail; ``pathway`` (the one it ran) supplies titles, descriptions and
    the evidence's citations (without it, evidence is shown by id)."""
    header, end = header_of(records), summary_of(records)
    titles = {r.id: r.title for r in records if isinstance(r, IssuedRecord)}
    if pathway is not None:
        titles = (
            {a: x.title for a, x in pathway.actions.items()}
            | {f: x.title for f, x in pathway.findings.items()}
            | titles
        )
    refs = _References(pathway)
    rows = []
    by_seq = {row.seq: row for row in timeline(records, pathway)}
    for m in moments(records):
        seq = m.input.seq if m.input is not None else (m.records[0].seq if m.records else 0)
        row = by_seq.get(seq)
        if row is None:
            continue
        issued = [r for r in m.records if isinstance(r, IssuedRecord)]
        cite = [(r.item, Cited(r.title, refs.cite(r.evidence), r.due)) for r in issued]
        recommended = tuple(c for item, c in cite if item == "recommendation")
        concluded = tuple(c for item, c in cite if item == "finding")
        rows.append(PatientRow(row, recommended, concluded, tuple(_deviations(m.records, titles))))
    overdue = [
        Deviation(d.at, None, "overdue", titles.get(d.id, d.id), None) for d in end.overdue or () if d.kind == "action"
    ]
    deviations = tuple(d for r in rows for d in r.deviations) + tuple(overdue)
    waiting = tuple(_fact_words(pathway, n) for n in end.needs)
    active = tuple(Cited(a.title, refs.cite(a.evidence), a.due) for a in end.recommendations)
    findings = tuple(Cited(f.title, refs.cite(f.evidence)) for f in end.findings)
    p = header.pathway
    return PatientSummary(
        journey=header.journey.id,
        description=header.journey.description,
        pathway=f"{p.title} ({p.id} {p.version})",
        rows=tuple(rows),
        references=refs.listed(),
        active=active,
        findings=findings,
        waiting=waiting,
        deviations=deviations,
    )
