"""A patient's journey in words on the patient path: what each taken arrow says (its step, date and the values
that decided it), the clinical view's words for a timeline (:func:`glossary`), and the audit facts.

Step numbers are the ``seq`` of the trail records, the numbers the run output shows and ``explain --step`` takes,
and the numbers of :func:`pathway.audit.timeline.timeline` (one timeline, for the site's patient pages and the
cohort report): "#12" on an arrow and "#12" in the timeline are the same transition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pathway.audit.glossary import Glossary
from pathway.definition.analysis import Analysis
from pathway.render.clinical import build_clinical
from pathway.render.wording import humanize, name_words
from pathway.trail.records import (
    HeaderRecord,
    Record,
    SummaryRecord,
    TransitionRecord,
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


def glossary(analysis: Analysis) -> Glossary:
    """The clinical view's words for a pathway's ids, for a timeline (:mod:`pathway.audit.timeline`): each state's
    title and question, the words on each transition's arrow, each fact's words."""
    view = build_clinical(analysis)
    p = analysis.pathway
    return Glossary(
        states={s: step.title for s, step in view.steps.items()},
        questions={s: step.question for s, step in view.steps.items() if step.question},
        arrows={a.id: a.label for a in view.arrows},
        facts={n: name_words(analysis, n) for n in (*p.facts, *p.derived)},
        sources={a.id: a.source for a in view.arrows},
        answering=frozenset(a.id for a in view.arrows if a.style == "answer"),
    )


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
