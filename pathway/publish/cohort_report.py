"""``pathway cohort report``: one self-contained HTML file a quality committee reads in a browser, offline: the
conformance of the recorded care (:mod:`pathway.cohort.conformance`), three charts as inline SVG (conformance per
recommendation, deviations by reason, days from a recommendation's issue to the care that met it), the impact of a
change (``--diff NEW``: :mod:`pathway.cohort.diff`), an index of every patient, and a page per patient (the
reviewer's timeline, the deviations, the path drawn on the clinical view).

Size: a patient's path is about 250 KB of SVG and takes about half a second to draw, so pages are given to at most
``patients`` patients (default :data:`PAGES`): those the change moves first, then those with the most deviations,
then the rest in journey order. Every patient is in the index; the others' summaries are one command away
(``pathway cohort patient DIR JOURNEY``). Nothing in the file depends on the time or place it was written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from pathlib import Path
from typing import Any

from pathway.audit.summary import patient_summary
from pathway.cohort.conformance import Conformance, conformance_findings
from pathway.cohort.diff import CohortDiff, diff_cohort
from pathway.cohort.episodes import JourneyFindings
from pathway.cohort.patient import cohort_pathway, cohort_records
from pathway.cohort.store import write_atomic
from pathway.definition.analysis import Analysis
from pathway.errors import ExitCode
from pathway.publish.report_charts import Bar, Segment, bars, stacked
from pathway.publish.report_sections import (
    conformance_table,
    impact_section,
    patient_index,
    patient_section,
    reason_words,
    unrecommended_table,
)
from pathway.render.clinical_pages import patient_pages
from pathway.source.files import display_path

PAGES = 25
"""How many patients get a page by default."""
DAYS = ((0, 0, "same day"), (1, 1, "1 day"), (2, 3, "2-3 days"), (4, 7, "4-7 days"), (8, 14, "8-14 days"),
        (15, 28, "15-28 days"), (29, 10**6, "more than 28 days"))  # fmt: skip
CSS = """
body { font-family: system-ui, sans-serif; margin: 0 2rem 4rem; color: #222; max-width: 1300px; }
header { border-bottom: 2px solid #5c6bc0; margin-bottom: 1rem; }
nav a { margin-right: 1rem; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: #eef; position: sticky; top: 0; }
td ul { margin: 0; padding-left: 1.1rem; }
.timeline { table-layout: fixed; width: 100%; }
.timeline td { overflow-wrap: anywhere; }
.timeline th:first-child { width: 6rem; }
section.patient { border-top: 2px solid #5c6bc0; margin-top: 2rem; }
section.patient:target { background: #fffde7; }
.path { overflow-x: auto; }
.chart { display: block; margin: .5rem 0 1.5rem; }
small { color: #555; }
"""


@dataclass(frozen=True)
class ReportResult:
    """What ``cohort report`` wrote: the file, its size, how many patients it lists and how many have a page."""

    out: str
    bytes: int
    journeys: int
    pages: tuple[str, ...]
    changed: int | None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {"out": self.out, "bytes": self.bytes, "journeys": self.journeys, "pages": list(self.pages),
                "changed": self.changed, "exit_code": 0}  # fmt: skip

    def to_text(self) -> str:
        impact = f", {self.changed} changed by the new version" if self.changed is not None else ""
        return (
            f"wrote {self.out} ({self.bytes // 1024} KB): {self.journeys} patients, {len(self.pages)} with a page"
            f"{impact}"
        )


def days_to_action(found: Sequence[JourneyFindings]) -> list[int]:
    """For each episode met (on time or late), the whole days from its issue to the care that met it."""
    out = []
    for journey in found:
        for c in journey.episodes:
            if c.outcome in ("met", "met_late"):
                out.append(max((c.at - c.issued_at) // timedelta(days=1), 0))
    return out


def charts(conf: Conformance, waited: Sequence[int]) -> str:
    shown = [r for r in conf.rows if r.denominator]
    per = [
        Bar(r.title, (Segment("met", r.met), Segment("met late", r.met_late), Segment("exception", r.exception_total),
                      Segment("not documented", r.not_documented), Segment("open", r.open)))
        for r in shown
    ]  # fmt: skip
    reasons: Counter[str] = Counter()
    for p in conf.patients:
        for d in p.deviations:
            if d.kind in ("exception", "unrecommended_with_reason"):
                reasons[reason_words(d.reason_code) if d.reason_code else "free-text reason only"] += 1
            elif d.kind == "unrecommended_without_reason":
                reasons["care not recommended, no reason recorded"] += 1
            elif d.kind == "not_documented":
                reasons["recommendation not documented (no reason)"] += 1
            elif d.kind == "met_late":
                reasons["done after its deadline"] += 1
    binned = [(label, sum(low <= d <= high for d in waited)) for low, high, label in DAYS]
    return "\n".join([
        "<h3>Conformance per recommendation (share of its episodes)</h3>",
        stacked("Conformance per recommendation", per, chart_id="chart-conformance"),
        "<h3>Deviations by reason</h3>",
        bars("Deviations by reason", reasons.most_common(), chart_id="chart-reasons"),
        "<h3>Time from a recommendation's issue to the care that met it</h3>",
        bars("Days from issue to action", binned, chart_id="chart-time"),
    ])  # fmt: skip


def _chosen(conf: Conformance, diff: CohortDiff | None, limit: int) -> list[str]:
    changed = [j.journey for j in diff.changed] if diff else []
    deviating = sorted((p for p in conf.patients if p.deviations), key=lambda p: (-len(p.deviations), p.journey))
    order = [*changed, *(p.journey for p in deviating), *(p.journey for p in conf.patients)]
    return list(dict.fromkeys(order))[:limit]


def _pages(folder: Path, analysis: Analysis, chosen: Sequence[str], conf: Conformance) -> list[str]:
    by_journey = {p.journey: p for p in conf.patients}
    out = []
    for journey in chosen:
        records = cohort_records(folder, journey)
        drawn = [(f"Page {p.number}: {p.title}", p.svg) for p in patient_pages(analysis, records)]
        out.append(patient_section(patient_summary(records, analysis.pathway), by_journey.get(journey), drawn))
    return out


def build_report(
    out: str | Path,
    target: str | Path,
    *,
    new: Analysis | None = None,
    executor: Executor | None = None,
    workers: int = 1,
    patients: int = PAGES,
    pathway: Analysis | str | Path | None = None,
) -> ReportResult:
    """Write the report of the cohort folder ``out`` to ``target`` (atomically); with ``new``, the impact of
    running its journeys under that version (on ``executor``)."""
    folder = Path(out)
    analysis = cohort_pathway(folder, pathway)
    conf, found = conformance_findings(folder, pathway=analysis)  # records.parquet read once
    diff = diff_cohort(folder, new, executor, workers=workers) if new is not None and executor is not None else None
    chosen = _chosen(conf, diff, patients)
    pages = set(chosen)
    changed = {j.journey: j for j in diff.changed} if diff else {}
    journeys = [p.journey for p in conf.patients]
    p = conf.pathway
    fitness = "–" if conf.fitness is None else f"{100 * conf.fitness:.0f}%"
    period = f"{conf.period[0]} to {conf.period[1]}" if conf.period else "–"
    nav = ["summary", "conformance", "charts", *(["impact"] if diff else []), "patients"]
    body = [
        f"<header><h1>Cohort audit: {escape(p['title'])}</h1>",
        f"<p>{escape(p['id'])} {escape(p['version'])} · {conf.journeys} patients · {escape(period)} · cohort "
        f"{escape(display_path(folder))}</p>",
        "<nav>" + "".join(f'<a href="#{n}">{n}</a>' for n in nav) + "</nav></header>",
        '<section id="summary"><h2>Summary</h2><ul>',
        f"<li>fitness (recorded care that fits the pathway): {fitness}</li>",
        f"<li>patients never assessed: {len(conf.never_assessed)}</li>",
        f"<li>deviations: {sum(len(x.deviations) for x in conf.patients)} in "
        f"{sum(bool(x.deviations) for x in conf.patients)} patients</li>",
        f"<li>patient pages in this file: {len(chosen)} (of {len(journeys)}; the others: "
        "<code>pathway cohort patient DIR JOURNEY</code>)</li></ul></section>",
        '<section id="conformance"><h2>Conformance per recommendation</h2>',
        conformance_table(conf.rows),
        "<h3>Care given that the pathway did not recommend</h3>",
        unrecommended_table(conf.rows),
        "</section>",
        f'<section id="charts"><h2>Charts</h2>{charts(conf, days_to_action(found))}</section>',
    ]
    if diff is not None:
        body.append(f'<section id="impact"><h2>Impact of the change</h2>{impact_section(diff, pages)}</section>')
    body.append('<section id="patients"><h2>Patients</h2>')
    body.append(patient_index(journeys, {x.journey: x for x in conf.patients}, changed, pages) + "</section>")
    body += _pages(folder, analysis, chosen, conf)
    html = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Cohort audit: {escape(p['title'])}</title><style>{CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
    data = html.encode("utf-8")
    write_atomic(Path(target), data)
    return ReportResult(
        display_path(Path(target)), len(data), len(journeys), tuple(chosen), len(changed) if diff else None
    )
