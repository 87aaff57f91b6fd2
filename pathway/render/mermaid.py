"""The whole pathway as a Mermaid ``stateDiagram-v2``, for places that render Mermaid (GitHub, READMEs).

Compound states are nested ``state X { }`` blocks with ``[*] -->`` their initial child; a parallel state's regions
are blocks separated by ``--``; final states get ``--> [*]``. Each transition is written once, in the innermost
non-parallel block that holds both ends, labelled with its guard shortened to fit (Mermaid has no tooltips: the
DOT/SVG diagrams carry the full text). Mermaid cannot style one transition of a state diagram, so a timer shows as
its label, which starts ``after 72h``.
"""

from __future__ import annotations

from pathway.definition.analysis import Analysis
from pathway.render.graph import Graph, edge_label

SHORT = 40


def short_label(label: str, limit: int = SHORT) -> str:
    """A transition label Mermaid can parse (no ``:``, ``;``, ``#`` or quotes), cut at ``limit`` characters."""
    text = label.replace(":", "").replace(";", ",").replace("#", "no.").replace('"', "'")
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _scope(graph: Graph, source: str, target: str) -> str | None:
    """The innermost non-parallel state holding both ends (None: the top level)."""
    current = graph.nodes[source].parent
    while current is not None and (not graph.contains(current, target) or graph.nodes[current].kind == "parallel"):
        current = graph.nodes[current].parent
    return current


def _edges_in(graph: Graph, scope: str | None, pad: str) -> list[str]:
    lines = []
    for edge in graph.edges:
        if _scope(graph, edge.source, edge.target) == scope:
            label = short_label(edge.label)
            lines.append(f"{pad}{edge.source} --> {edge.target}" + (f" : {label}" if label else ""))
    return lines


def _block(graph: Graph, children: tuple[str, ...], scope: str | None, depth: int) -> list[str]:
    pad = "    " * depth
    lines = [f"{pad}[*] --> {c}" for c in children if graph.nodes[c].initial]
    for child in children:
        lines += _state(graph, child, depth)
    lines += _edges_in(graph, scope, pad)
    return lines


def _state(graph: Graph, state_id: str, depth: int) -> list[str]:
    pad = "    " * depth
    node = graph.nodes[state_id]
    if node.kind == "final":
        return [f"{pad}{state_id} --> [*]"]
    if node.kind == "atomic":
        return [f"{pad}{state_id}"]
    lines = [f"{pad}state {state_id} {{"]
    if node.kind == "parallel":
        for i, region in enumerate(node.children):
            if i:
                lines.append(f"{pad}    --")
            lines += _state(graph, region, depth + 1)
    else:
        lines += _block(graph, node.children, state_id, depth + 1)
    lines.append(f"{pad}}}")
    return lines


def render_mermaid(graph: Graph) -> str:
    """The Mermaid source of the whole pathway."""
    lines = ["stateDiagram-v2", *_block(graph, graph.roots(), None, 1)]
    return "\n".join(lines) + "\n"


def render_overview(analysis: Analysis) -> str:
    """A compact Mermaid overview for a README: top-level states and their transitions, and every parallel state's
    regions side by side (nested parallel states opened, other regions collapsed to their name)."""
    index = analysis.index
    top = list(analysis.pathway.states)
    lines = ["stateDiagram-v2"]
    lines += [f"    [*] --> {s}" for s in top if analysis.pathway.states[s].initial]

    def block(state_id: str, depth: int) -> list[str]:
        pad = "    " * depth
        info = index.states[state_id]
        if info.kind != "parallel":
            return [f"{pad}{state_id} --> [*]" if info.kind == "final" else f"{pad}{state_id}"]
        out = [f"{pad}state {state_id} {{"]
        for n, child in enumerate(info.children):
            out += ([f"{pad}    --"] if n else []) + block(child, depth + 1)
        return [*out, f"{pad}}}"]

    for state_id in top:
        lines += block(state_id, 1)
    for t in index.transitions:
        if t.source in top and t.target in top:
            label = short_label(edge_label(t.event, t.when, t.transition.after))
            lines.append(f"    {t.source} --> {t.target}" + (f" : {label}" if label else ""))
    return "\n".join(lines) + "\n"
