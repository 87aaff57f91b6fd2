"""Diagrams on the site: each one a :class:`Figure` (a title, a slug and its SVG), embedded inline at a readable size
with zoom and pan (``docs/assets/pathway-diagrams.js``, over the vendored Panzoom), an "open full size" link to
the SVG file written beside the page, and its text kept out of the search index.

A page lists its figures in sections (:class:`FigureSection`): a heading, a sentence saying what the diagrams are,
and the figures: the pages of the clinical algorithm (:func:`clinical_figures`) and a journey's path on them
(:func:`path_figures`), from :mod:`pathway.render.clinical_pages`, with their links pointed where the site serves
their targets (:data:`SITE_LINKS`, :func:`point_evidence`); the state-chart views (:func:`statechart_figures`),
from :mod:`pathway.render.diagrams`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pathway.definition.analysis import Analysis
from pathway.render.clinical_dot import Links
from pathway.render.clinical_pages import clinical_pages, patient_pages
from pathway.render.diagrams import svg, views
from pathway.trail.records import Record

DIAGRAMS = "diagrams"
"""The folder, beside a page, that holds the full-size SVG of each of its figures."""
_EVIDENCE_LINK = re.compile(r'(?P<attr>href)="(?:[^"#]*evidence(?:\.md|\.html)?/?)?#ev-')
PATHWAY_PAGE = "@pathway/"
"""A link's prefix, in an SVG made for the site, that stands for the pathway's overview page wherever the SVG sits
(``@pathway/#dose``: the state chart of ``dose`` on the overview)."""
SITE_LINKS = Links(evidence="#ev-{id}", detail=PATHWAY_PAGE + "#{region}", page=PATHWAY_PAGE + "#clinical-{number}")
"""The clinical view's links on the site: footnotes to the evidence page, checklist rows to the region's state
chart on the overview, "see page N" to that page's figure on the overview."""


def point_evidence(text: str, pathway_folder: str) -> str:
    """An SVG whose links lead where the site serves their targets, from where the SVG sits: ``pathway_folder`` is
    the relative URL of the pathway's folder from there (``""`` from its overview page, ``"../"`` from its
    ``diagrams/`` folder). Links to evidence entries (``evidence.md#ev-<id>``, ``#ev-<id>``, however the renderer
    wrote them) lead to the evidence trace (the site serves pages as folders: ``evidence/``); links starting with
    :data:`PATHWAY_PAGE` to the overview page."""
    text = _EVIDENCE_LINK.sub(lambda m: f'{m["attr"]}="{pathway_folder}evidence/#ev-', text)
    return text.replace(f'href="{PATHWAY_PAGE}', f'href="{pathway_folder}')


@dataclass(frozen=True)
class Figure:
    """One diagram: its title (a heading on the page), its slug (the SVG's file name and the heading's anchor: a
    lowercase id, unique on its page) and the SVG text."""

    title: str
    slug: str
    svg: str


@dataclass(frozen=True)
class FigureSection:
    """Figures under one heading, with a sentence that says what they show."""

    heading: str
    intro: str
    figures: tuple[Figure, ...]


def svg_element(text: str) -> str:
    """The ``<svg>`` element alone (no XML prolog, doctype or comments before it), without blank lines, so that
    Markdown keeps it as one raw HTML block."""
    start = text.find("<svg")
    body = text[start:] if start >= 0 else text
    return "\n".join(line for line in body.splitlines() if line.strip())


def embed(figure: Figure, folder: str = DIAGRAMS, pathway_folder: str = "") -> list[str]:
    """The Markdown of one figure: a heading, the SVG inline in a zoomable frame kept out of search, and the link
    to its full-size file (``folder/<slug>.svg``, relative to the page). ``pathway_folder``: the pathway's folder
    as the page's URL reaches it, for the SVG's evidence links (:func:`point_evidence`)."""
    title = html.escape(figure.title, quote=False)
    return [
        f"### {title} {{#{figure.slug}}}",
        "",
        f'<div class="pathway-diagram" data-search-exclude markdown="0" aria-label="diagram: {html.escape(title)}">',
        svg_element(point_evidence(figure.svg, pathway_folder)),
        "</div>",
        "",
        f"[Open full size]({folder}/{figure.slug}.svg){{ .pathway-full-size }}",
        "",
    ]


def sections_markdown(sections: Sequence[FigureSection], folder: str = DIAGRAMS, pathway_folder: str = "") -> list[str]:
    """Every section: its heading, its sentence, a line of links to its figures when it has several, the
    figures."""
    lines: list[str] = []
    for section in sections:
        if not section.figures:
            continue
        lines += [f"## {section.heading}", "", section.intro, ""]
        if len(section.figures) > 1:
            lines += [" · ".join(f"[{html.escape(f.title, quote=False)}](#{f.slug})" for f in section.figures), ""]
        for figure in section.figures:
            lines += embed(figure, folder, pathway_folder)
    return lines


def figure_files(sections: Sequence[FigureSection], folder: str, pathway_folder: str = "../") -> dict[str, str]:
    """The full-size SVG file of every figure, by its path in the site (``folder/<slug>.svg``); ``pathway_folder``:
    the pathway's folder as reached from there. A link to another figure of the same page (``#path-2``) leads to
    that figure's file beside it (``path-2.svg``)."""
    slugs = [f.slug for section in sections for f in section.figures]

    def beside(text: str) -> str:
        for slug in slugs:
            text = text.replace(f'href="#{slug}"', f'href="{slug}.svg"')
        return text

    return {
        f"{folder}/{f.slug}.svg": beside(point_evidence(f.svg, pathway_folder))
        for section in sections
        for f in section.figures
    }


def statechart_figures(analysis: Analysis) -> tuple[Figure, ...]:
    """Each view of the state chart: the overview, then each region."""
    return tuple(Figure(view, view, svg(analysis, view)) for view in views(analysis))


def clinical_figures(analysis: Analysis) -> tuple[Figure, ...]:
    """Each page of the clinical algorithm (slug ``clinical-<n>``, as its file in ``diagrams/<id>/``)."""
    return tuple(
        Figure(f"Page {p.number}: {p.title}", f"clinical-{p.number}", p.svg)
        for p in clinical_pages(analysis, SITE_LINKS)
    )


PATH_LINKS = replace(SITE_LINKS, path="#path-{number}")
"""A patient's path on the site: "see page N" leads to the path's own page N, on the patient's page, when the path
is drawn on it; else to the clinical algorithm's page N on the pathway's overview."""


def path_figures(analysis: Analysis, records: Sequence[Record]) -> tuple[tuple[Figure, ...], str]:
    """A journey on the clinical algorithm: the overview and each page it passes through (slug ``path-<n>``, the
    clinical algorithm's page numbers), and a sentence that says which pages are left out: the journey never
    reaches them (linked to the pathway's page, from a patient's page in ``patients/``)."""
    pages = patient_pages(analysis, records, PATH_LINKS)
    figures = tuple(
        Figure(f"Page {p.number}: {p.title.removeprefix('Patient path: ')}", f"path-{p.number}", p.svg) for p in pages
    )
    total = pages[0].of if pages else 0
    left = [n for n in range(1, total + 1) if n not in {p.number for p in pages}]
    if not left:
        return figures, f"The path passes through every page of the clinical algorithm (1 to {total})."
    listed = ", ".join(f"[{n}](../index.md#clinical-{n})" for n in left)
    return figures, (
        f"The pages keep the clinical algorithm's numbers (1 to {total}); page{'s' if len(left) > 1 else ''} "
        f"{listed} {'are' if len(left) > 1 else 'is'} left out: this journey never reaches "
        f"{'them' if len(left) > 1 else 'it'} (the link opens it on the pathway's page)."
    )
