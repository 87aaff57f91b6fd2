"""One page of the clinical-algorithm view as DOT (graphviz ``dot``, top to bottom).

Notation (the legend on every page says the same): a step is a box listing what to do, each row tagged and
coloured by its kind (TREAT, TEST, ASSESS, ADVISE, STOP) and each working diagnosis set apart (DIAGNOSIS); a
question is a yellow box with one arrow per answer and a dotted arrow to "Not yet known: ask for ..."; a dashed
arrow is a timer (``after 90 days``) or an event (``at cycle start``); a box with a folded corner is a connector to
another page; lanes that run side by side are boxes in a dashed frame, a checklist gathers the small screens.
Evidence is a small blue number linking to ``#ev-<id>`` (the pathway's evidence page), listed under the legend.

With a patient's path (:class:`~pathway.render.overlay.Overlay`), what the patient went through is drawn strong and
blue, each taken arrow numbered with its step and date and the values that decided it, the current step filled,
the rest dimmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

import graphviz  # type: ignore[import-untyped]

from pathway.render.clinical import Arrow, Clinical, Step
from pathway.render.graph import wrap
from pathway.render.wording import lower_first

FONT = "Helvetica"
BODY = "13"
SMALL = "12"
WIDTH = 30
STYLES: Mapping[str, tuple[str, str, str]] = {
    "treatment": ("#dcefd8", "#2e6b27", "TREAT"),
    "test": ("#d9e8f6", "#24548a", "TEST"),
    "assess": ("#ececec", "#4d4d4d", "ASSESS"),
    "advice": ("#fbf0c9", "#7a5f00", "ADVISE"),
    "stop": ("#f7d6d2", "#9c2417", "STOP"),
    "finding": ("#ece2f4", "#5d3580", "DIAGNOSIS"),
}
QUESTION = ("#fff6cc", "#8a6d00")
LINK = "#1f5fbf"
DIM = "#b8b8b8"
TAKEN = "#1f5fbf"
CURRENT = "#ffe08a"


@dataclass(frozen=True)
class Links:
    """Where links point: format strings (``{id}``: an evidence id; ``{region}``: a collapsed screen's region, whose
    state chart is its detail; ``{number}``: a page of the clinical view, for "see page N" and connectors). The
    defaults suit the files of ``diagrams/<id>/``, side by side."""

    evidence: str = "#ev-{id}"
    detail: str = "{region}.svg"
    page: str = "clinical-{number}.svg"
    path: str | None = None
    """On a patient's path: where the path's own pages are (``{number}``), for the pages in ``shown``; the other
    pages (the patient never reached them) link to the clinical view's page."""
    shown: frozenset[int] = frozenset()

    def to_page(self, number: int) -> str:
        """The link to page ``number``: the patient's own page when it is drawn, else the clinical view's."""
        use = self.path if self.path is not None and number in self.shown else self.page
        return use.format(number=number)


@dataclass(frozen=True)
class PathMark:
    """A patient's path on a page: steps per transition id (number, label), visited and current states, and the
    pages of the clinical view the path is drawn on (the others it never reaches)."""

    steps: Mapping[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)
    visited: frozenset[str] = frozenset()
    current: frozenset[str] = frozenset()
    shown: tuple[int, ...] = ()


@dataclass(frozen=True)
class Page:
    """What one page draws: ``roots`` in full; states in ``away`` drawn on the page of that number instead."""

    slug: str
    title: str
    number: int
    roots: tuple[str, ...]
    away: Mapping[str, int]
    entry: bool


class Footnotes:
    """Evidence numbered in order of first appearance on a page."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}

    def cells(self, ids: tuple[str, ...], links: Links) -> str:
        if not ids:
            return ""
        cells = []
        for ev in ids:
            n = self.order.setdefault(ev, len(self.order) + 1)
            href = escape(links.evidence.format(id=ev))
            cells.append(
                f'<TD HREF="{href}" TITLE="evidence {escape(ev)}"><FONT POINT-SIZE="{SMALL}" '
                f'COLOR="{LINK}">{n}</FONT></TD>'
            )
        return f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1"><TR>{"".join(cells)}</TR></TABLE>'


def lines(text: str, width: int = WIDTH) -> str:
    return '<BR ALIGN="LEFT"/>'.join(escape(line) for line in wrap(text, width)) + '<BR ALIGN="LEFT"/>'


@dataclass
class Drawer:
    """Draws the steps of one page into a graphviz graph."""

    view: Clinical
    page: Page
    pages: Mapping[str, int]
    links: Links
    mark: PathMark | None
    notes: Footnotes = field(default_factory=Footnotes)
    connectors: dict[str, tuple[str, int]] = field(default_factory=dict)
    lane_nodes: dict[str, str] = field(default_factory=dict)

    def dim(self, state_id: str) -> bool:
        return self.mark is not None and state_id not in self.mark.visited

    def pen(self, state_id: str) -> dict[str, str]:
        if self.mark is None:
            return {}
        if state_id in self.mark.current:
            return {"color": TAKEN, "penwidth": "3"}
        return (
            {"color": TAKEN, "penwidth": "2.5"} if state_id in self.mark.visited else {"color": DIM, "fontcolor": DIM}
        )

    def step_label(self, step: Step) -> str:
        faded = self.dim(step.id)
        head_colour = DIM if faded else "#000000"
        rows = [
            f'<TR><TD COLSPAN="3" ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{BODY}" COLOR="{head_colour}">'
            f"<B>{lines(step.title, 36)}</B></FONT></TD>"
            f"<TD>{self.notes.cells(step.evidence, self.links)}</TD></TR>"
        ]
        for item in step.items:
            fill, ink, tag = STYLES[item.kind]
            fill, ink = ("#ffffff", DIM) if faded else (fill, ink)
            text = lines(item.text) + "".join(
                f'<FONT POINT-SIZE="{SMALL}"><I>{lines(v, 36)}</I></FONT>' for v in item.values
            )
            rows.append(
                f'<TR><TD BGCOLOR="{fill}" ALIGN="LEFT" VALIGN="TOP"><FONT POINT-SIZE="{SMALL}" COLOR="{ink}">'
                f'<B>{tag}</B></FONT></TD><TD COLSPAN="2" BGCOLOR="{fill}" ALIGN="LEFT" BALIGN="LEFT">'
                f'<FONT POINT-SIZE="{BODY}" COLOR="{ink if faded else "#000000"}">{text}</FONT></TD>'
                f'<TD VALIGN="TOP">{self.notes.cells(item.evidence, self.links)}</TD></TR>'
            )
        return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="3">{"".join(rows)}</TABLE>>'

    def question_label(self, step: Step) -> str:
        ink = DIM if self.dim(step.id) else "#000000"
        note = (
            (
                f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{SMALL}" COLOR="{ink}"><I>'
                f"{lines(step.note, 36)}</I></FONT></TD></TR>"
            )
            if step.note
            else ""
        )
        asks = [lower_first(a) for a in step.asks if f"{a}?" != step.question]  # "ask for where the patient ..."
        wait = "Not yet known: wait" + (", ask for " + "; ".join(asks) if asks else " and ask")
        unknown = (
            (
                f'<TR><TD ALIGN="LEFT" BALIGN="LEFT" BORDER="1" STYLE="dashed" COLOR="#999999" SIDES="T">'
                f'<FONT POINT-SIZE="{SMALL}" COLOR="{DIM if self.dim(step.id) else "#555555"}">⟳ {lines(wait, 40)}'
                "</FONT></TD></TR>"
            )
            if step.asks
            else ""
        )
        return (
            f'<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="3"><TR><TD ALIGN="LEFT" BALIGN="LEFT">'
            f'<FONT POINT-SIZE="{BODY}" COLOR="{ink}"><B>{lines(step.question or "", 32)}</B></FONT></TD></TR>'
            f"{note}{unknown}</TABLE>>"
        )

    def has_box(self, step: Step) -> bool:
        return (
            bool(step.items)
            or step.question is None
            or step.kind == "final"
            or bool(step.description)
            or not step.initial
        )

    def in_node(self, state_id: str) -> tuple[str, str | None]:
        """The node an arrow into the state ends at, and the cluster it clips to."""
        if state_id in self.page.away or not self._drawn(state_id):
            return self.connector(state_id), None
        step = self.view.steps[state_id]
        if step.kind == "compound" and state_id in self.page.roots:
            if step.items:
                return state_id, None
            first = next(c for c in step.children if self._initial(c))
            return self.in_node(first)[0], None
        if step.kind == "compound":
            if step.items:
                return state_id, f"cluster_{state_id}"
            first = next(c for c in step.children if self._initial(c))
            return self.in_node(first)[0], f"cluster_{state_id}"
        if step.kind == "parallel":
            return f"_par_{state_id}", f"cluster_{state_id}"
        return (state_id if self.has_box(step) else f"_q_{state_id}"), None

    def out_node(self, state_id: str) -> tuple[str, str | None]:
        step = self.view.steps[state_id]
        if step.kind in ("compound", "parallel") and state_id not in self.page.roots:
            return self.in_node(state_id)
        if step.kind in ("compound", "parallel"):
            return self.in_node(state_id)[0], None
        return (f"_q_{state_id}" if step.question else state_id), None

    def _initial(self, state_id: str) -> bool:
        return state_id in self.view.steps and self.view.initial(state_id)

    def _drawn(self, state_id: str) -> bool:
        return any(self.view.contains(root, state_id) for root in self.page.roots) and not any(
            self.view.contains(a, state_id) for a in self.page.away
        )

    def connector(self, state_id: str) -> str:
        holder = next((a for a in self.page.away if self.view.contains(a, state_id)), None)
        number = self.page.away[holder] if holder else self.pages.get(self.lane_page(state_id), 1)
        node = f"_to_{state_id}"
        title = self.view.steps[holder or state_id].title
        self.connectors[node] = (f"Continued on page {number}: {title}", number)
        return node

    def lane_page(self, state_id: str) -> str:
        """The nearest step around ``state_id`` (itself included) that has a page of its own ("" when none)."""
        current: str | None = state_id
        while current is not None:
            if current in self.pages:
                return current
            current = self.view.steps[current].parent
        return ""

    def arrow(self, g: graphviz.Digraph, arrow: Arrow) -> None:
        tail, ltail = self.out_node(arrow.source)
        head, lhead = self.in_node(arrow.target)
        if self.view.contains(arrow.source, arrow.target):
            ltail = None
        if self.view.contains(arrow.target, arrow.source):
            lhead = None
        attrs: dict[str, str] = {"id": f"transition:{arrow.id}"}
        if arrow.style in ("timer", "event"):
            attrs["style"] = "dashed"
        text = arrow.label
        taken = self.mark.steps.get(arrow.id, ()) if self.mark is not None else ()
        ink = "#000000"
        if self.mark is not None:
            ink = TAKEN if taken else DIM
            attrs.update(color=ink, penwidth="2.5" if taken else "1")
        label = ""
        if text or taken or arrow.evidence:
            path = "".join(
                f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{SMALL}" COLOR="{TAKEN}"><B>'
                f"{lines(step_text, 34)}</B></FONT></TD></TR>"
                for _, step_text in taken
            )
            body = f'<FONT POINT-SIZE="{BODY}" COLOR="{ink}">{lines(text, 24)}</FONT>' if text else ""
            label = (
                f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1" BGCOLOR="#ffffff">{path}'
                f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{body}</TD>'
                f"<TD>{self.notes.cells(arrow.evidence, self.links)}</TD></TR></TABLE>>"
            )
        g.edge(tail, head, label=label or None, ltail=ltail, lhead=lhead, **attrs)
