"""The pages of the clinical-algorithm view, and a patient's path drawn on them.

Pages: with parallel states, page 1 is the overview (who the chart is for, the top-level steps, the lanes that run
side by side as boxes and the small screens as one checklist), then one page per lane drawn as a flow. Without
parallel states, one page draws everything. A page wider than :data:`MAX_WIDTH` px is split: its largest compound
step moves to a page of its own, appended at the end, and a "Continued on page N" box stands in for it; again
until the page fits or nothing is left to move.

SVG: graphviz's points become pixels (``width="640px"``, the viewBox unchanged), so a 13-point font is 13 px at
1:1 and the width in the file is the width on screen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pathway.definition.analysis import Analysis
from pathway.render.clinical import Clinical, build_clinical
from pathway.render.clinical_dot import Links, Page, PathMark
from pathway.render.clinical_draw import draw_page
from pathway.render.clinical_lanes import lane_title
from pathway.render.layout import clean_svg, run_dot
from pathway.render.overlay import overlay_from_records
from pathway.render.patient import step_labels
from pathway.trail.records import Record

MAX_WIDTH = 1000
"""The widest a page may be, in px at 1:1."""
_SIZE = re.compile(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')


@dataclass(frozen=True)
class ClinicalPage:
    """One page: ``slug`` is stable (``overview``, a lane's id, ``<lane>-<step>`` for a continuation)."""

    number: int
    slug: str
    title: str
    dot: str
    svg: str
    roots: tuple[str, ...] = ()
    of: int = 0
    """How many pages the clinical view has (a patient's path may leave some out)."""

    @property
    def width(self) -> float:
        """The width in px at 1:1."""
        match = re.search(r'<svg width="([0-9.]+)px"', self.svg)
        return float(match.group(1)) if match else 0.0


def to_pixels(svg: str) -> str:
    """SVG whose width and height are in px (one graphviz point to one pixel), without the version comment."""
    return _SIZE.sub(lambda m: f'<svg width="{m.group(1)}px" height="{m.group(2)}px"', clean_svg(svg), count=1)


def plan(view: Clinical) -> list[Page]:
    """The pages before any split."""
    flows = [lane for lane, kind in view.lanes.items() if kind == "flow" and view.steps[lane].kind != "parallel"]
    if not view.lanes:
        roots = tuple(s for s in view.steps if view.steps[s].parent is None)
        return [Page("algorithm", "The algorithm", 1, roots, {}, True)]
    away = {lane: 2 + i for i, lane in enumerate(flows)}
    away |= {lane: 1 for lane, kind in view.lanes.items() if kind == "screen"}
    roots = tuple(s for s in view.steps if view.steps[s].parent is None)
    pages = [Page("overview", "Overview", 1, roots, away, True)]
    pages += [Page(lane, lane_title(view, lane), 2 + i, (lane,), {}, False) for i, lane in enumerate(flows)]
    return pages


def _owners(pages: Sequence[Page]) -> dict[str, int]:
    """The page that draws each lane or continued step."""
    return {root: p.number for p in pages[1:] for root in p.roots} if len(pages) > 1 else {}


def _movable(view: Clinical, page: Page) -> str | None:
    """The compound step with the most steps inside it, drawn in full on the page (not the page's own root)."""
    sizes = {}
    for state_id, step in view.steps.items():
        own = len(page.roots) == 1 and state_id in page.roots
        if step.kind != "compound" or own or state_id in page.away or state_id in view.lanes:
            continue
        if any(view.contains(r, state_id) for r in page.roots) and not any(
            view.contains(a, state_id) for a in page.away
        ):
            sizes[state_id] = sum(1 for s in view.steps if view.contains(state_id, s))
    return max(sizes, key=lambda s: (sizes[s], s)) if sizes else None


def _render(
    view: Clinical, pages: list[Page], cites: dict[str, str], links: Links, mark: PathMark | None, split: bool = True
) -> list[ClinicalPage]:
    """Draw the pages, splitting one that is too wide (unless ``split`` is False: a patient's path keeps the pages
    of the clinical view, so that page numbers mean the same on both). ``pages`` is updated with the splits."""
    done: list[ClinicalPage] = []
    i = 0
    while i < len(pages):
        page = pages[i]
        source = draw_page(view, page, len(pages), _owners(pages), cites, links, mark)
        svg = to_pixels(run_dot(source, "svg").decode("utf-8"))
        result = ClinicalPage(page.number, page.slug, page.title, source, svg, page.roots, len(pages))
        moved = _movable(view, page) if split and result.width > MAX_WIDTH else None
        if moved is None:
            done.append(result)
            i += 1
            continue
        number = len(pages) + 1
        title = f"{view.steps[moved].title} (continued from page {page.number})"
        pages[i] = replace(page, away={**page.away, moved: number})
        pages.append(Page(f"{page.slug}-{moved}", title, number, (moved,), {}, False))
        done, i = [], 0  # page counts changed: draw every page again
    return done


def clinical_pages(analysis: Analysis, links: Links | None = None) -> list[ClinicalPage]:
    """The clinical-algorithm view of a pathway, page by page."""
    view = build_clinical(analysis)
    cites = {k: e.cite for k, e in analysis.pathway.evidence.items()}
    return _render(view, plan(view), cites, links or Links(), None)


def patient_pages(analysis: Analysis, records: Sequence[Record], links: Links | None = None) -> list[ClinicalPage]:
    """A patient's path on the clinical view: the overview and each page the path passes through, every taken arrow
    numbered with its step, date and deciding values, what was reached marked, the rest dimmed.

    The pages keep the clinical view's numbers, so that "page 7" is page 7 on both; the pages the patient never
    reached are left out, and each page says which pages the path is drawn on ("path on pages 1, 2, 6 and 7 of
    9"). A "see page N" link leads to the path's own page N when it is drawn (``links.path``), else to the clinical
    view's page N."""
    view = build_clinical(analysis)
    overlay = overlay_from_records(records)
    visited = frozenset(overlay.visited)
    cites = {k: e.cite for k, e in analysis.pathway.evidence.items()}
    planned = plan(view)
    _render(view, planned, cites, links or Links(), None)  # the splits of the clinical view, the same page numbers
    reached = [p for p in planned if p.number == 1 or any(view.contains(r, s) for r in p.roots for s in visited)]
    shown = tuple(p.number for p in reached)
    mark = PathMark(step_labels(analysis, records), visited, overlay.current, shown)
    pages = _render(view, planned, cites, replace(links or Links(), shown=frozenset(shown)), mark, split=False)
    return [replace(p, title=f"Patient path: {p.title}") for p in pages if p.number in shown]
