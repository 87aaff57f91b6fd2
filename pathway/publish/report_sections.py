"""The sections of the cohort report as HTML: the conformance table, the impact of a change, the patient index and
a patient's page (the reviewer's timeline, the deviations, the path drawn on the clinical view). Every text from
the trails or the definition is escaped here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape

from pathway.audit.impact import WORDS, JourneyImpact
from pathway.audit.summary import PatientSummary, cited_text, reference_text, said, waiting_words
from pathway.cohort.conformance_rows import PatientConformance, RecommendationRow
from pathway.cohort.diff import CohortDiff
from pathway.journey.reasons import REASON_CODES


def anchor(journey: str) -> str:
    """A patient's section id (journey ids hold letters, digits, '-', '_' and '.': valid in an id)."""
    return f"patient-{journey}"


def table(head: Sequence[str], rows: Iterable[Sequence[str]], css: str = "") -> str:
    """A table; the cells are HTML already (escape what comes from input before)."""
    cls = f' class="{css}"' if css else ""
    top = "".join(f"<th>{h}</th>" for h in head)
    body = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table{cls}><thead><tr>{top}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _stance(row: RecommendationRow) -> str:
    words = " ".join(w for w in (row.strength, row.direction) if w) or "–"
    qualities = sorted({e.quality for e in row.evidence if e.quality})
    return escape(words + (f"; {'/'.join(qualities)} quality evidence" if qualities else ""))


def reason_words(code: str) -> str:
    return REASON_CODES.get(code, "free-text reason" if code == "free-text" else code)


def _exceptions(row: RecommendationRow) -> str:
    if not row.exceptions:
        return "0"
    parts = "".join(f"<li>{escape(reason_words(code))}: {n}</li>" for code, n in sorted(row.exceptions.items()))
    return f'{row.exception_total}<ul class="reasons">{parts}</ul>'


def conformance_table(rows: Sequence[RecommendationRow]) -> str:
    head = ("recommendation", "strength, evidence", "patients", "denominator", "met", "met late", "exceptions",
            "not documented", "still open", "rate")  # fmt: skip
    shown = [r for r in rows if r.issued]
    body = [
        (
            escape(r.title),
            _stance(r),
            str(r.patients),
            str(r.denominator),
            str(r.met),
            str(r.met_late),
            _exceptions(r),
            str(r.not_documented),
            str(r.open),
            _rate(r.rate),
        )  # fmt: skip
        for r in shown
    ]
    return table(head, body, "conformance")


def unrecommended_table(rows: Sequence[RecommendationRow]) -> str:
    shown = [r for r in rows if r.unrecommended_with_reason or r.unrecommended_without_reason or r.undetermined]
    if not shown:
        return "<p>No care was recorded that the pathway did not recommend.</p>"
    head = ("care given", "not recommended, with a reason", "not recommended, no reason", "while the pathway waited")
    body = [
        (escape(r.title), str(r.unrecommended_with_reason), str(r.unrecommended_without_reason), str(r.undetermined))
        for r in shown
    ]
    return table(head, body)


def _change_items(j: JourneyImpact) -> str:
    items = []
    for c in j.changes:
        decided = c.new or c.old
        why = f"<br><small>decided at {escape(decided.text)}</small>" if decided else ""
        when = escape(c.when.replace(" -> ", " → "))
        items.append(f"<li>{escape(WORDS[c.kind])}: <b>{escape(c.title)}</b> ({when}){why}</li>")
    old, new = j.waits
    if set(old) != set(new):
        more, fewer = [n for n in new if n not in old], [n for n in old if n not in new]
        text = "; ".join(p for p in (f"now also {', '.join(more)}" if more else "",
                                     f"no longer {', '.join(fewer)}" if fewer else "") if p)  # fmt: skip
        items.append(f"<li>waits for: {escape(text)}</li>")
    if j.first is not None:
        a, b = j.first
        items.append(
            f"<li>first divergence: old {escape(a.text if a else 'no decision')}; "
            f"new {escape(b.text if b else 'no decision')}</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def impact_section(diff: CohortDiff, pages: set[str]) -> str:
    old, new = f"{diff.old['id']} {diff.old['version']}", f"{diff.new['id']} {diff.new['version']}"
    counts = "".join(f"<li>{escape(WORDS[k])}: {n} patient(s)</li>" for k, n in diff.counts.items() if n)
    head = f'<p>{escape(diff.headline())}</p><ul class="counts">{counts}</ul>'
    rows = [(_patient_link(j.journey, pages), escape(", ".join(WORDS[k] for k in j.kinds)), _change_items(j))
            for j in diff.changed]  # fmt: skip
    unfit = [(_patient_link(u.journey, pages), escape("; ".join(d.message for d in u.diagnostics))) for u in diff.unfit]
    parts = [head, f"<h3>Patients whose pathway changes ({old} → {new})</h3>"]
    parts.append(table(("patient", "kind of change", "what changes"), rows, "impact") if rows else "<p>None.</p>")
    if unfit:
        parts += ["<h3>Journeys whose recorded inputs do not fit the new version</h3>",
                  table(("patient", "problems"), unfit)]  # fmt: skip
    return "\n".join(parts)


def _patient_link(journey: str, pages: set[str]) -> str:
    name = escape(journey)
    return f'<a href="#{escape(anchor(journey))}">{name}</a>' if journey in pages else name


def patient_index(
    journeys: Sequence[str],
    conformance: Mapping[str, PatientConformance],
    changed: Mapping[str, JourneyImpact],
    pages: set[str],
) -> str:
    rows = []
    for j in journeys:
        p = conformance.get(j)
        deviations = str(len(p.deviations)) if p else "–"
        kinds = ", ".join(WORDS[k] for k in changed[j].kinds) if j in changed else ""
        assessed = "never assessed" if p and p.never_assessed else ""
        rows.append((_patient_link(j, pages), deviations, escape(kinds), assessed))
    return table(("patient", "deviations", "changes with the new version", ""), rows, "index")


def _cell(items: Iterable[object]) -> str:
    return "<br>".join(escape(said(i)) for i in items)


def _description(text: str | None) -> str:
    return f"<br>{escape(text)}" if text else ""


def patient_section(
    summary: PatientSummary, conformance: PatientConformance | None, svgs: Sequence[tuple[str, str]]
) -> str:
    """A patient's page: the timeline, the deviations (conformance's, pointing at trail records), the references,
    where the journey stands, the path drawn on the pathway (``svgs``: each page's title and SVG)."""
    head = ("date", "what arrived", "care recorded", "deviations", "steps", "recommended", "concluded", "stopped",
            "waiting for")  # fmt: skip
    rows = []
    before: list[str] = []
    for r in summary.rows:
        row = r.row
        rows.append((
            escape(row.at.replace("T", " ")), _cell(row.arrived), _cell(row.care), _cell(d.text for d in r.deviations),
            _cell(row.steps), _cell(cited_text(c) for c in r.recommended), _cell(cited_text(c) for c in r.concluded),
            _cell(row.stopped), _cell(waiting_words(row, before)),
        ))  # fmt: skip
        before = [said(w) for w in row.waiting]
    refs = "".join(f'<li value="{r.number}">{escape(reference_text(r))}</li>' for r in summary.references)
    stands = [f"<li>recommended: {escape(cited_text(c))}</li>" for c in summary.active]
    stands += [f"<li>concluded: {escape(cited_text(c))}</li>" for c in summary.findings]
    stands += [f"<li>waiting for: {escape('; '.join(summary.waiting))}</li>"] if summary.waiting else []
    deviations = (
        "<ul>" + "".join(f"<li>{escape(d.to_text())}</li>" for d in conformance.deviations) + "</ul>"
        if conformance and conformance.deviations
        else "<p>No deviation.</p>"
    )
    drawn = "\n".join(
        f'<details{" open" if i == 0 else ""}><summary>{escape(title)}</summary><div class="path">{svg}</div></details>'
        for i, (title, svg) in enumerate(svgs)
    )
    return "\n".join([
        f'<section class="patient" id="{escape(anchor(summary.journey))}">',
        f"<h2>Patient {escape(summary.journey)}</h2>",
        f"<p>{escape(summary.pathway)}{_description(summary.description)}</p>",
        table(head, rows, "timeline"),
        "<h3>Where the journey stands</h3>", f"<ul>{''.join(stands) or '<li>nothing recommended</li>'}</ul>",
        "<h3>Deviations</h3>", deviations,
        "<h3>References</h3>", f"<ol class=\"refs\">{refs}</ol>",
        "<h3>The path on the pathway</h3>", drawn or "<p>Not drawn (see the report's options).</p>",
        '<p><a href="#patients">back to the patients</a></p>',
        "</section>",
    ])  # fmt: skip
