"""One view of a pathway graph as DOT source, built with the ``graphviz`` package (never statemachine's diagrams).

Compound states are clusters (``cluster_<id>``) with a small filled point marking their initial child; parallel
states are dashed clusters labelled ``parallel`` whose regions are collapsed boxes (each region has its own view);
final states have a double border; a state's question is its subtitle, in italics; a state lists its
recommendations (a period or a deadline after the id: ``reassess · every 3w``; then the strength and direction its
action states: ``· strong for``, ``· against``; below it, smaller, each value it carries: ``dose: weight_kg × 1
mg/day``) and conclusions (``= finding``) in a small font and marks its evidence with ``[n ev]``. Transitions carry
their wrapped label and the full guard as tooltip; a timer (``after``) is dashed, its label starting ``after 72h``;
edges to or from clusters use ``lhead``/``ltail``. With an :class:`~pathway.render.overlay.Overlay`, taken
transitions get their step numbers (the seq of their trail records, as the run output shows them) and a link
``#step-N``, visited states are outlined, current states filled, the rest greyed.

Output is deterministic: document order throughout, no ids, addresses or timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import graphviz  # type: ignore[import-untyped]

from pathway.diagnostics.escape import escape as visible
from pathway.render.clinical import short_title
from pathway.render.graph import OVERVIEW, WRAP, Edge, Graph, View, wrap
from pathway.render.overlay import Overlay

FONT = "Helvetica"
TAKEN = "#1f5fbf"
DIM = "#b4b4b4"
CURRENT = "#ffe9a8"
SMALL = "9"
VALUE = "8"


@dataclass(frozen=True)
class _Ctx:
    graph: Graph
    view: View
    overlay: Overlay | None

    def anchor(self, state_id: str) -> str:
        """The DOT node that stands for a state: itself, its initial point, or its first region's box."""
        node = self.graph.nodes[state_id]
        if state_id in self.view.boxes:
            return f"_box_{state_id}"
        if node.kind == "compound":
            return f"_init_{state_id}"
        if node.kind == "parallel":
            return f"_box_{node.children[0]}"
        return state_id

    def colour(self, state_id: str) -> dict[str, str]:
        if self.overlay is None:
            return {}
        if state_id in self.overlay.visited:
            return {"color": TAKEN, "penwidth": "2"}
        return {"color": DIM, "fontcolor": DIM}


def _wrapped(label: str) -> list[str]:
    """A recommendation's label on one line, or, when it persists until a long guard, the guard on lines of its
    own (``until`` labels only, so that every other diagram keeps its bytes)."""
    head, sep, guard = label.partition(" until ")
    if not sep or len(label) <= 2 * WRAP:
        return [label]
    return [f"{head} until", *wrap(guard, 2 * WRAP)]


def _html_label(ctx: _Ctx, state_id: str, heading: str) -> str:
    node = ctx.graph.nodes[state_id]
    mark = f'<SUP><FONT POINT-SIZE="8">[{node.evidence} ev]</FONT></SUP>' if node.evidence else ""
    rows = [f"<TR><TD><B>{escape(heading)}</B>{mark}</TD></TR>"]
    if node.question:  # the state's question as its subtitle: a designer's text on one line, controls escaped
        lines = wrap(visible(" ".join(node.question.split())))
        rows += [f'<TR><TD><FONT POINT-SIZE="{SMALL}"><I>{escape(line)}</I></FONT></TD></TR>' for line in lines]
    for i, label in enumerate(node.recommend_labels):
        shown = "<BR/>".join(escape(line) for line in _wrapped(label))
        rows.append(f'<TR><TD><FONT POINT-SIZE="{SMALL}">{shown}</FONT></TD></TR>')
        values = node.value_labels[i] if i < len(node.value_labels) else ()
        rows += [f'<TR><TD><FONT POINT-SIZE="{VALUE}"><I>{escape(v)}</I></FONT></TD></TR>' for v in values]
    rows += [f'<TR><TD><FONT POINT-SIZE="{SMALL}"><I>= {escape(f)}</I></FONT></TD></TR>' for f in node.conclude]
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>>'


def _state(ctx: _Ctx, g: graphviz.Digraph, state_id: str) -> None:
    node = ctx.graph.nodes[state_id]
    if node.kind in ("compound", "parallel"):
        _cluster(ctx, g, state_id)
        return
    attrs = {"shape": "box", "style": "rounded", **ctx.colour(state_id)}
    if node.kind == "final":
        attrs["peripheries"] = "2"
    if ctx.overlay is not None and state_id in ctx.overlay.current:
        attrs.update(style="rounded,filled", fillcolor=CURRENT, penwidth="3")
    g.node(state_id, _html_label(ctx, state_id, state_id), **attrs)


def _cluster(ctx: _Ctx, g: graphviz.Digraph, state_id: str) -> None:
    node = ctx.graph.nodes[state_id]
    parallel = node.kind == "parallel"
    heading = f"{state_id}  (parallel)" if parallel else state_id
    with g.subgraph(name=f"cluster_{state_id}") as c:
        style = "dashed,rounded" if parallel else "rounded"
        c.attr(label=_html_label(ctx, state_id, heading), style=style, **ctx.colour(state_id))
        if parallel:
            _regions(ctx, c, state_id)
            return
        initial = f"_init_{state_id}"
        c.node(initial, "", shape="point", width="0.12", style="filled", fillcolor="black")
        for child in node.children:
            _state(ctx, c, child)
        first = next(ch for ch in node.children if ctx.graph.nodes[ch].initial)
        _initial_edge(ctx, c, initial, first)


def _initial_edge(ctx: _Ctx, g: graphviz.Digraph, point: str, first: str) -> None:
    kind = ctx.graph.nodes[first].kind
    lhead = f"cluster_{first}" if kind in ("compound", "parallel") else None
    g.edge(point, ctx.anchor(first), lhead=lhead, arrowsize="0.6")


def _regions(ctx: _Ctx, g: graphviz.Digraph, state_id: str) -> None:
    """The regions of a parallel state as boxes side by side, each naming the view that draws it."""
    regions = ctx.graph.nodes[state_id].children
    with g.subgraph() as row:
        row.attr(rank="same")
        for region in regions:
            lines = [region, f"(view: {region})"]
            if ctx.overlay is not None:
                visited = [s for s in ctx.overlay.visited if _leaf_of(ctx.graph, s, region)]
                shown = [f"{s}*" if s in ctx.overlay.current else s for s in visited]
                lines += wrap("visited: " + " > ".join(shown)) if shown else []
            row.node(f"_box_{region}", graphviz.nohtml("\\n".join(lines)), shape="box3d", **ctx.colour(region))
        for left, right in zip(regions, regions[1:], strict=False):
            row.edge(f"_box_{left}", f"_box_{right}", style="invis")


def _leaf_of(graph: Graph, state_id: str, region: str) -> bool:
    """True for an atomic or final state drawn in the region's own view (not in one of its sub-regions)."""
    node = graph.nodes.get(state_id)  # a trail may name a state this version does not have
    return node is not None and node.kind in ("atomic", "final") and graph.view_of(state_id) == region


def _target(ctx: _Ctx, edge: Edge, stubs: list[str]) -> tuple[str, str | None, str]:
    """Where an edge ends in this view: the target, the collapsed region holding it, or a stub to another view."""
    target = edge.target
    if target in ctx.view.full:
        kind = ctx.graph.nodes[target].kind
        inside = ctx.graph.contains(target, edge.source)
        lhead = f"cluster_{target}" if kind in ("compound", "parallel") and not inside else None
        return ctx.anchor(target), lhead, ""
    box = next((b for b in ctx.view.boxes if ctx.graph.contains(b, target)), None)
    if box is not None:
        return f"_box_{box}", None, f"to {target}"
    stub = f"_ext_{target}"
    if stub not in stubs:
        stubs.append(stub)
    return stub, None, ""


def _edge(ctx: _Ctx, g: graphviz.Digraph, edge: Edge, stubs: list[str]) -> None:
    head, lhead, note = _target(ctx, edge, stubs)
    source_kind = ctx.graph.nodes[edge.source].kind
    outside = not ctx.graph.contains(edge.source, edge.target)
    ltail = f"cluster_{edge.source}" if source_kind in ("compound", "parallel") and outside else None
    lines = wrap(edge.label) if edge.label else []
    lines += [note] if note else []
    if edge.evidence:
        marker = f"[{len(edge.evidence)} ev]"
        lines = [*lines[:-1], f"{lines[-1]} {marker}"] if lines else [marker]
    attrs = {"id": f"transition:{edge.id}", "tooltip": graphviz.nohtml(edge.tooltip.replace("\n", "\\n"))}
    if edge.after is not None:
        attrs["style"] = "dashed"  # a timer: its label starts 'after 72h'
    if ctx.overlay is not None:
        steps = ctx.overlay.steps_of(edge.id)
        if steps:
            lines = [", ".join(f"#{s.number}" for s in steps), *lines]
            when = "; ".join(f"step #{s.number} at {visible(s.at)} (input {s.input})" for s in steps)  # trail text
            attrs.update(color=TAKEN, fontcolor=TAKEN, penwidth="2.5", URL=f"#step-{steps[0].number}")
            attrs["tooltip"] = graphviz.nohtml(f"{when}\\n{attrs['tooltip']}")
        else:
            attrs.update(color=DIM, fontcolor=DIM)
    # On a white ground: a label that an arrow or a region's border crosses stays legible.
    label = f"<{_ground('<BR/>'.join(escape(line) for line in lines))}>" if lines else None
    # An edge clipped at a cluster (lhead/ltail) would keep its label where the unclipped edge's middle was, far
    # from the arrow that is drawn: an xlabel is placed after clipping, beside the drawn arrow, clear of nodes.
    where = "xlabel" if lhead or ltail else "label"
    g.edge(ctx.anchor(edge.source), head, lhead=lhead, ltail=ltail, **({where: label} if label else {}), **attrs)


def _ground(html: str) -> str:
    table = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1" BGCOLOR="white">'
    return f"{table}<TR><TD>{html}</TD></TR></TABLE>"


def render_dot(graph: Graph, view: View, overlay: Overlay | None = None) -> str:
    """The DOT source of one view, optionally with a journey's overlay."""
    ctx = _Ctx(graph, view, overlay)
    # The guideline's title once, short, on the overview; a region's view names the region alone.
    title = (
        f"{short_title(graph.title)}\\nstate chart, for designers"
        if view.name == OVERVIEW
        else f"region {view.name}\\nstate chart, for designers"
    )
    g = graphviz.Digraph(name=f"{graph.id}_{view.name}")
    g.attr(compound="true", rankdir=view.direction, label=graphviz.nohtml(title), labelloc="t", fontname=FONT)
    g.attr(newrank="true", nodesep="0.3", ranksep="0.45", forcelabels="true")
    g.attr("node", fontname=FONT, fontsize="11")
    g.attr("edge", fontname=FONT, fontsize=SMALL)
    if view.name == OVERVIEW:
        g.node("_start", "", shape="point", width="0.15", style="filled", fillcolor="black")
        first = next(s for s in view.roots if graph.nodes[s].initial)
        _initial_edge(ctx, g, "_start", first)
    for root in view.roots:
        _state(ctx, g, root)
    stubs: list[str] = []
    for edge in view.edges:
        _edge(ctx, g, edge, stubs)
    for stub in stubs:
        target = stub.removeprefix("_ext_")
        text = f"to {target}\\n(view: {graph.view_of(target)})"
        g.node(stub, graphviz.nohtml(text), shape="note", style="dashed", fontsize=SMALL)
    return str(g.source)
