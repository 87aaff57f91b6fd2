"""The site's patient pages: one per bundled example journey (``definitions/<id>/journeys/<name>.yaml``), at
``pathways/<id>/patients/<name>.md``.

Each page shows the patient's path on the diagrams (the journey's steps numbered on the arrows), a timeline keyed
to the same step numbers (:mod:`pathway.audit.timeline`: each moment's date, what arrived, the care recorded, the
steps taken, what was recommended, concluded and stopped, what the pathway waited for), and the audit facts: the
pathway version and content hash, the committed trail and its final hash, and the command that replays it.

The journey is run when the page is built, so the page always shows what the engine does today; when the
committed trail differs (``pathway generate`` not run since the last change), the page says so.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pathway.audit.glossary import Cited, Said
from pathway.audit.timeline import Step, TimelineRow, timeline
from pathway.definition.analysis import Analysis
from pathway.definition.canonical import sha256_of
from pathway.definition.workspace import Workspace
from pathway.engine.runner import Runner
from pathway.journey.check import load_journey
from pathway.publish.figures import FigureSection, path_figures, sections_markdown
from pathway.publish.pathway_docs import GENERATED, prose
from pathway.publish.site_pages import cell, table
from pathway.render.patient import glossary
from pathway.trail.io import canonical
from pathway.trail.records import HeaderRecord, Record

FOLDER = "patients"
"""Where a pathway's patient pages sit, beside its other pages."""


@dataclass(frozen=True)
class Patient:
    """One bundled journey, run: its file, its committed trail, the records of today's run."""

    journey: Path
    trail: Path
    records: tuple[Record, ...]
    root: Path

    @property
    def name(self) -> str:
        return self.journey.stem

    def shown(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else path.as_posix()

    @property
    def committed(self) -> str:
        """``same`` when the committed trail holds exactly today's run, ``stale``, or ``missing``."""
        if not self.trail.is_file():
            return "missing"
        today = "".join(canonical(r) + "\n" for r in self.records)
        return "same" if self.trail.read_text(encoding="utf-8") == today else "stale"


def patients(ws: Workspace, definition: Path, analysis: Analysis) -> list[Patient]:
    """Every bundled journey of a definition, run in-process."""
    journeys = ws.journeys(definition)
    if not journeys:
        return []
    runner = Runner(analysis)
    return [
        Patient(j, ws.trail_of(definition, j), tuple(runner.run(load_journey(j, analysis)).records), ws.root)
        for j in journeys
    ]


def patient_title(pathway_id: str, patient: Patient) -> str:
    return f"{pathway_id} — patient: {patient.name}"


def said(item: Said) -> str:
    """One thing in words for a table cell, the trail's terms (ids) in its tooltip, for an auditor."""
    return f'<span class="pathway-said" title="{_attribute(item.code)}">{cell(item.text)}</span>'


def _attribute(text: str) -> str:
    return html.escape(" ".join(text.split())).replace("|", "&#124;")


def _lines(label: str, items: Sequence[Said]) -> list[str]:
    return [f"**{label}**: " + "; ".join(said(i) for i in items)] if items else []


def evidence_links(cited: Sequence[Cited], evidence_page: str) -> str:
    """Each citation once, linked to its evidence entry (``evidence_page#ev-<id>``), its ids in the tooltip."""
    by_cite: dict[str, list[str]] = {}
    for c in cited:
        by_cite.setdefault(c.cite, []).append(c.id)
    return "; ".join(
        f'[{cell(cite)}]({evidence_page}#ev-{ids[0]} "{_attribute(", ".join(ids))}")' for cite, ids in by_cite.items()
    )


def timeline_table(
    rows: Sequence[TimelineRow],
    where: Callable[[Step], str | None] = lambda _: None,
    evidence_page: str = "../evidence.md",
) -> list[str]:
    """The timeline as a table: the moment's step, its date, what happened in words (the ids in tooltips), the
    evidence cited, and the steps taken (the numbers on the diagrams) in words, each number linked to the figure
    that draws it when ``where`` names one (its anchor)."""

    def step(s: Step) -> str:
        anchor = where(s)
        number = f"[#{s.number}](#{anchor})" if anchor else f"#{s.number}"
        return f'**{number}** <span class="pathway-said" title="{_attribute(s.code)}">{cell(s.words)}</span>'

    def happened(row: TimelineRow) -> str:
        parts = [
            *([f"*{cell(row.note)}*"] if row.note else []),
            *_lines("arrived" if row.input is not None else "the engine woke", row.arrived),
            *_lines("care", row.care),
            *_lines("recommended", row.recommended),
            *_lines("concluded", row.concluded),
            *_lines("stopped", row.stopped),
            *_lines("waiting for", row.waiting),
            *(["**problems**: " + "; ".join(cell(p) for p in row.problems)] if row.problems else []),
            *([f"**evidence**: {evidence_links(row.evidence, evidence_page)}"] if row.evidence else []),
        ]
        return "<br>".join(parts) or "-"

    def moment(row: TimelineRow) -> str:
        what = f"input {row.input}" if row.input is not None else "wake-up"
        return f"**#{row.seq}**<br>{cell(row.at.replace('T00:00:00', ''))}<br>{what}"

    return table(
        ["when", "what happened", "pathway steps"],
        ([moment(r), happened(r), "<br>".join(step(s) for s in r.steps) or "-"] for r in rows),
    )


def _audit(analysis: Analysis, patient: Patient) -> list[str]:
    p = analysis.pathway
    trail = patient.shown(patient.trail)
    final = patient.records[-1].hash if patient.records else "-"
    lines = table(
        ["audit fact", "value"],
        [
            ["journey", f"`{patient.shown(patient.journey)}`"],
            ["pathway", f"`{p.pathway}` version {p.version} ({p.status})"],
            ["pathway sha256 (canonical)", f"`{sha256_of(p)}`"],
            ["trail", f"`{trail}` ({len(patient.records)} records)"],
            ["trail final hash", f"`{final}`"],
            ["replay it", f"`pathway replay {trail}`"],
        ],
    )
    if patient.committed != "same":
        lines += [
            "",
            '!!! warning "The committed trail is not today\'s run"',
            f"    `{trail}` is {patient.committed}: run `pathway generate` and review the trail's diff.",
        ]
    return lines


def patient_page(analysis: Analysis, patient: Patient, sections: Sequence[FigureSection]) -> str:
    """The page of one patient: what the journey is, its path on the diagrams beside its timeline (below it on a
    narrow screen), its audit facts."""
    description = next((r.journey.description for r in patient.records if isinstance(r, HeaderRecord)), None)
    lines = ["---", "hide:", "  - toc", "---", "", f"# {prose(patient_title(analysis.pathway.id, patient))}", ""]
    lines += [GENERATED, "", cell(description) if description else "", ""]
    lines += [
        "An example journey bundled with the pathway, run through the engine when this page was built. The step "
        "numbers (`#12`) are the trail's record numbers: the same on the diagrams' arrows, in the timeline, in "
        "`pathway run`'s output and in `pathway explain --step`. The [audit facts](#audit-facts) say how to "
        "replay it.",
        "",
    ]
    figures = [f for section in sections for f in section.figures]

    def where(step: Step) -> str | None:
        drawn = re.compile(rf"(?<![0-9])#{step.number} \u00b7")  # the label of a taken arrow: "#12 · 2026-..."
        return next((f.slug for f in figures if drawn.search(f.svg)), None)

    lines += ['<div class="pathway-patient" markdown="1">', '<div class="pathway-patient__path" markdown="1">', ""]
    lines += [*sections_markdown(sections, f"{patient.name}-diagrams", "../../"), "</div>"]
    lines += ['<div class="pathway-patient__timeline pathway-timeline" markdown="1">', "", "## Timeline", ""]
    rows = timeline(patient.records, analysis.pathway, glossary(analysis))
    lines += [*timeline_table(rows, where), "", "</div>", "</div>", ""]
    lines += ["## Audit facts", "", *_audit(analysis, patient)]
    return "\n".join(lines).rstrip("\n") + "\n"


def patient_sections(analysis: Analysis, patient: Patient) -> tuple[FigureSection, ...]:
    """The figures of a patient's page: the patient's path on the clinical algorithm, the overview and each page
    it passes through, with the pages it never reaches named. (The path over the state chart, for designers, is
    ``pathway diagram --trail``.)"""
    figures, pages = path_figures(analysis, patient.records)
    return (
        FigureSection(
            "The path on the clinical algorithm",
            "The journey drawn on the clinical algorithm: each arrow it took carries its step number, date and the "
            "values that decided it (the same numbers as the timeline); the steps it reached are outlined in blue, "
            f"where the patient is now is filled, the rest is grey. {pages}",
            figures,
        ),
    )
