"""A whole page of the clinical-algorithm view: its title, the entry box, its steps, lanes and checklists, its
arrows, connectors to other pages and the legend with the evidence footnotes (notation: :mod:`clinical_dot`)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import graphviz  # type: ignore[import-untyped]

from pathway.render.clinical import Clinical, short_title
from pathway.render.clinical_dot import (
    BODY,
    DIM,
    FONT,
    QUESTION,
    SMALL,
    STYLES,
    TAKEN,
    Drawer,
    Links,
    Page,
    PathMark,
    lines,
)
from pathway.render.clinical_lanes import lane_box, lane_title

ROW = 2
"""Lanes side by side on one row of the overview."""
_MEANING = {
    "treatment": "treatment",
    "test": "test or order",
    "assess": "assess or monitor",
    "advice": "advice",
    "stop": "stop or avoid",
    "finding": "working diagnosis",
}


def _state(d: Drawer, g: graphviz.Digraph, state_id: str, lane_root: bool = False) -> None:
    step = d.view.steps[state_id]
    if state_id in d.page.away:
        return
    if step.kind == "parallel":
        _parallel(d, g, state_id)
        return
    if step.kind == "compound":
        if lane_root:
            if step.items:
                g.node(state_id, d.step_label(step), shape="box", style="rounded", **d.pen(state_id))
                first = next(ch for ch in step.children if d.view.steps[ch].initial)
                g.edge(state_id, d.in_node(first)[0])
            for child in step.children:
                _state(d, g, child)
            return
        with g.subgraph(name=f"cluster_{state_id}") as c:
            c.attr(
                label=f"<<B>{lines(step.title, 50)}</B>>",
                style="rounded",
                fontsize=BODY,
                labelloc="t",
                **{"color": "#888888", **d.pen(state_id)},
            )
            if step.items:
                c.node(state_id, d.step_label(step), shape="box", style="rounded", **d.pen(state_id))
                first = next(ch for ch in step.children if d.view.steps[ch].initial)
                c.edge(state_id, d.in_node(first)[0])
            for child in step.children:
                _state(d, c, child)
        return
    _leaf(d, g, state_id)


def _leaf(d: Drawer, g: graphviz.Digraph, state_id: str) -> None:
    step = d.view.steps[state_id]
    pen = d.pen(state_id)
    if d.mark is not None and state_id in d.mark.current:
        pen = {**pen, "style": "rounded,filled", "fillcolor": "#fff3c4"}
    if d.has_box(step):
        shape = {"peripheries": "2"} if step.kind == "final" else {}
        g.node(state_id, d.step_label(step), shape="box", style=pen.pop("style", "rounded"), **shape, **pen)
    if step.question is None:
        return
    fill, ink = QUESTION
    q = f"_q_{state_id}"
    colour = d.pen(state_id).get("color", ink)
    g.node(
        q,
        d.question_label(step),
        shape="box",
        style="rounded,filled",
        fillcolor="#ffffff" if d.dim(state_id) else fill,
        color=colour,
        penwidth=d.pen(state_id).get("penwidth", "1.5"),
    )
    if d.has_box(step):
        g.edge(state_id, q, color=colour)


def _parallel(d: Drawer, g: graphviz.Digraph, state_id: str) -> str:
    """The lanes of a parallel state, two to a row, nested parallel states and the checklist on rows of their own;
    returns the node at its bottom."""
    step = d.view.steps[state_id]
    with g.subgraph(name=f"cluster_{state_id}") as c:
        c.attr(
            label=f"<<B>{lines(step.title, 60)}</B>>",
            style="dashed,rounded",
            color="#666666",
            fontsize=BODY,
            labelloc="t",
        )
        top = f"_par_{state_id}"
        c.node(
            top,
            f'<<FONT POINT-SIZE="{BODY}"><I>These run side by side, at the same time:</I></FONT>>',
            shape="plaintext",
        )
        rows: list[tuple[list[str], str]] = []
        pending: list[str] = []
        for region in step.children:
            kind = d.view.lanes.get(region)
            if kind == "flow" and d.view.steps[region].kind == "parallel":
                rows += [(pending, pending[0])] if pending else []
                pending = []
                rows.append(([f"_par_{region}"], _parallel(d, c, region)))
            elif kind == "flow":
                pending.append(lane_box(d, c, region))
                d.lane_nodes[region] = pending[-1]
                if len(pending) == ROW:
                    rows.append((pending, pending[0]))
                    pending = []
        rows += [(pending, pending[0])] if pending else []
        screens = [r for r in step.children if d.view.lanes.get(r) == "screen"]
        if screens:
            node = _checklist(d, c, state_id, screens)
            d.lane_nodes |= dict.fromkeys(screens, node)
            rows.append(([node], node))
        above = top
        for nodes, bottom in rows:
            for node in nodes:
                lhead = f"cluster_{node.removeprefix('_par_')}" if node.startswith("_par_") else None
                visible = above == top
                c.edge(above, node, style="solid" if visible else "invis", color="#999999", lhead=lhead)
            if len(nodes) > 1:
                with c.subgraph() as same:
                    same.attr(rank="same")
                    for node in nodes:
                        same.node(node)
            above = bottom
        return above


def _screen_steps(d: Drawer, region: str) -> str:
    """A patient's steps inside a collapsed screen, under its checklist row (the arrows are not drawn)."""
    if d.mark is None:
        return ""
    taken = [text for a in d.view.arrows if d.view.contains(region, a.source) for _, text in d.mark.steps.get(a.id, ())]
    return "".join(f'<FONT POINT-SIZE="{SMALL}" COLOR="{TAKEN}"><B>{lines(text, 46)}</B></FONT>' for text in taken)


def _checklist(d: Drawer, g: graphviz.Digraph, parallel: str, screens: list[str]) -> str:
    node = f"_check_{parallel}"
    rows = [
        f'<TR><TD COLSPAN="3" ALIGN="LEFT"><FONT POINT-SIZE="{BODY}"><B>Checklist (each runs on its own)</B>'
        "</FONT></TD></TR>"
    ]
    for region in screens:
        kids = d.view.steps[region].children
        first = next(c for c in kids if d.view.steps[c].initial)
        outcome = [i for c in kids for i in d.view.steps[c].items if c != first]
        leads = [a for a in d.view.arrows_from(first) if a.style != "answer" and a.label]
        ask = d.view.steps[first].question or (leads[0].label.removeprefix("if ") + "?" if leads else "")
        todo = list(d.view.steps[first].items)
        text = "; ".join(f"{STYLES[i.kind][2]} {i.text}" for i in todo)
        then = "; ".join(f"{STYLES[i.kind][2]} {i.text}" for i in outcome)
        said = (
            f"{lane_title(d.view, region)}: " + (text + ". " if text else "") + ask + (f" Yes → {then}" if then else "")
        )
        evidence = tuple(dict.fromkeys(e for i in [*todo, *outcome] for e in i.evidence))
        ink = DIM if d.dim(region) else "#000000"
        href = escape(d.links.detail.format(region=region))
        rows.append(
            f'<TR><TD ALIGN="LEFT" VALIGN="TOP" HREF="{href}" TITLE="details: {escape(region)}">'
            f'<FONT POINT-SIZE="{BODY}" COLOR="{ink}">☐</FONT></TD><TD ALIGN="LEFT" BALIGN="LEFT">'
            f'<FONT POINT-SIZE="{BODY}" COLOR="{ink}">{lines(said, 46)}</FONT>{_screen_steps(d, region)}</TD>'
            f'<TD VALIGN="TOP">{d.notes.cells(evidence, d.links)}</TD></TR>'
        )
    g.node(
        node,
        f'<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="2">{"".join(rows)}</TABLE>>',
        shape="box",
        style="rounded",
    )
    return node


def _legend(d: Drawer, patient: bool, cites: Mapping[str, str]) -> str:
    cells = [
        f'<TD BGCOLOR="{fill}" ALIGN="LEFT"><FONT POINT-SIZE="{SMALL}" COLOR="{ink}"><B>{tag}</B> {_MEANING[kind]}'
        "</FONT></TD>"
        for kind, (fill, ink, tag) in STYLES.items()
    ]
    swatches = f"{''.join(cells[:3])}</TR><TR>{''.join(cells[3:])}"
    notes = [
        "Yellow box: a question; each arrow is an answer, taken as soon as it is known.",
        "⟳ in a question: while the answer is not yet known, the pathway waits and asks (missing data is never 'no').",
        "Dashed arrow: a timer (after ...) or an event (at ...). Box with a fold: continued on another page.",
        "Blue numbers: the evidence, listed below (click to open).",
    ]
    if patient:
        notes.append(
            "Blue: this patient's path, #n the step and its date; filled: where the patient is now; grey: not reached."
        )
    rows = [
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="{BODY}"><B>Legend</B></FONT></TD></TR>',
        f'<TR><TD><TABLE BORDER="0" CELLSPACING="3" CELLPADDING="3"><TR>{swatches}</TR></TABLE></TD></TR>',
    ]
    rows += [f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="{SMALL}">{escape(n)}</FONT></TD></TR>' for n in notes]
    for ev, n in d.notes.order.items():
        cite = cites.get(ev, ev)
        cite = cite if len(cite) <= 110 else cite[:109].rstrip() + "…"
        href = escape(d.links.evidence.format(id=ev))
        rows.append(
            f'<TR><TD ALIGN="LEFT" HREF="{href}" TITLE="{escape(ev)}"><FONT POINT-SIZE="{SMALL}">'
            f'<FONT COLOR="{TAKEN}">{n}</FONT> {escape(cite)}</FONT></TD></TR>'
        )
    return f'<<TABLE BORDER="1" COLOR="#bbbbbb" CELLBORDER="0" CELLPADDING="2">{"".join(rows)}</TABLE>>'


def _numbering(page: Page, total: int, mark: PathMark | None) -> str:
    """``Clinical algorithm · page 2 of 9``; on a patient's path that leaves pages out, also the pages it is drawn
    on ("this journey: pages 1, 2, 6 and 7 (others not reached)"), so that a gap in the numbers is explained."""
    said = f"Clinical algorithm · page {page.number} of {total}" + (f" · {page.title}" if page.number == 1 else "")
    if mark is None or not mark.shown or len(mark.shown) == total:
        return said
    drawn = [str(n) for n in mark.shown]
    listed = f"{', '.join(drawn[:-1])} and {drawn[-1]}" if len(drawn) > 1 else drawn[0]
    return f"{said} · this journey: page{'s' if len(drawn) > 1 else ''} {listed} (others not reached)"


def draw_page(
    view: Clinical,
    page: Page,
    total: int,
    pages: Mapping[str, int],
    cites: Mapping[str, str],
    links: Links,
    mark: PathMark | None = None,
) -> str:
    """The DOT source of one page (``pages``: lane id -> the page that draws it)."""
    d = Drawer(view, page, pages, links, mark)
    g = graphviz.Digraph(name=f"{view.id}_clinical_{page.number}")
    g.attr(
        rankdir="TB",
        compound="true",
        newrank="true",
        nodesep="0.3",
        ranksep="0.4",
        fontname=FONT,
        fontsize=SMALL,
        labelloc="b",
        labeljust="l",
        pad="0.2",
    )
    g.attr("node", fontname=FONT, fontsize=BODY, margin="0.08,0.04")
    g.attr("edge", fontname=FONT, fontsize=SMALL, arrowsize="0.7")
    heading = f"{short_title(view.title)}" if page.number == 1 else page.title
    g.node(
        "_title",
        f'<<FONT POINT-SIZE="16"><B>{escape(heading)}</B></FONT><BR/><FONT POINT-SIZE="{SMALL}">'
        f"{escape(_numbering(page, total, mark))}</FONT>>",
        shape="plaintext",
    )
    start = "_title"
    if page.entry:
        audience = view.audience or "Who this chart is for is not stated (the pathway has no 'audience')."
        g.node(
            "_entry",
            f'<<FONT POINT-SIZE="{BODY}"><B>For: </B>{lines(audience, 60)}</FONT>>',
            shape="box",
            style="rounded,filled,bold",
            fillcolor="#eef3fa",
            color="#24548a",
        )
        g.edge("_title", "_entry", style="invis")
        start = "_entry"
    roots = page.roots
    lane = len(roots) == 1 and view.steps[roots[0]].kind == "compound" and page.number > 1
    for root in roots:
        _state(d, g, root, lane_root=lane)
    first = roots[0] if lane else next(c for c in roots if view.steps[c].initial)
    head, lhead = d.in_node(first)
    g.edge(start, head, lhead=lhead, style="solid" if page.entry else "invis")
    drawn = [s for s in view.steps if d._drawn(s)]
    for arrow in view.arrows:
        if arrow.source in drawn:
            d.arrow(g, arrow)
    for drive in view.drives:
        source, target = d.lane_nodes.get(drive.source), d.lane_nodes.get(drive.target)
        if source and target and source != target:
            g.edge(
                source,
                target,
                label=f'<<FONT POINT-SIZE="{SMALL}" COLOR="#6a3d8f">{lines(drive.what, 22)}</FONT>>',
                color="#6a3d8f",
                style="bold",
                constraint="false",
                arrowhead="vee",
            )
    for node, (text, number) in d.connectors.items():
        g.node(
            node,
            f'<<FONT POINT-SIZE="{BODY}" COLOR="{TAKEN}">{lines(text, 28)}</FONT>>',
            shape="folder",
            color=TAKEN,
            URL=links.to_page(number),
            tooltip=f"page {number}",
        )
    g.attr(label=_legend(d, mark is not None, cites))
    return str(g.source)
