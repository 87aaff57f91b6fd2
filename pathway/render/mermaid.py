"""The whole pathway as a Mermaid ``stateDiagram-v2``, for places that render Mermaid (GitHub, READMEs).

Compound states are nested ``state X { }`` blocks with ``[*] -->`` their initial child; a parallel state's regions
are blocks separated by ``--``; final states get ``--> [*]``. Each transition is written once, in the innermost
non-parallel block that holds both ends, labelled with its guard shortened to fit (Mermaid has no tooltips: the
DOT/SVG diagrams carry the full text). Mermaid cannot style one transition of a state diagram, so a timer shows as
its label, which starts ``after 72h``. An atomic state's question is its description (``grade_check : Which
grade?``); a compound state's is left to the DOT/SVG diagrams, as Mermaid draws no description on a block.
"""

from __future__ import annotations

from pathway.definition.analysis import Analysis
from pathway.diagnostics.escape import escape as visible
from pathway.render.graph import Graph, edge_label
from pathway.render.overlay import Overlay

SHORT = 40
QUESTION = 60
"""How much of a state's question its description shows (Mermaid draws it inside the state's box)."""


def short_label(label: str, limit: int = SHORT) -> str:
    """A transition label Mermaid can parse (no ``:``, ``;``, ``#`` or quotes), cut at ``limit`` characters."""
    text = label.replace(":", "").replace(";", ",").replace("#", "no.").replace('"', "'")
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _description(text: str) -> str:
    """A designer's text as a state description: one line, controls escaped, no braces (which open and close
    blocks), shortened like a label."""
    return short_label(visible(" ".join(text.split())).replace("{", "(").replace("}", ")"), QUESTION)


def _scope(graph: Graph, source: str, target: str) -> str | None:
    """The innermost non-parallel state holding both ends (None: the top level)."""
    current = graph.nodes[source].parent
    while current is not None and (not graph.contains(current, target) or graph.nodes[current].kind == "parallel"):
        current = graph.nodes[current].parent
    return current


def _edges_in(graph: Graph, scope: str | None, pad: str, overlay: Overlay | None = None) -> list[str]:
    lines = []
    for edge in graph.edges:
        if _scope(graph, edge.source, edge.target) == scope:
            steps = overlay.steps_of(edge.id) if overlay is not None else ()
            numbers = " ".join(f"no.{s.number}" for s in steps)
            label = short_label(f"{numbers} {edge.label}".strip() if numbers else edge.label, SHORT + len(numbers))
            lines.append(f"{pad}{edge.source} --> {edge.target}" + (f" : {label}" if label else ""))
    return lines


def _block(
    graph: Graph, children: tuple[str, ...], scope: str | None, depth: int, overlay: Overlay | None = None
) -> list[str]:
    pad = "    " * depth
    lines = [f"{pad}[*] --> {c}" for c in children if graph.nodes[c].initial]
    for child in children:
        lines += _state(graph, child, depth, overlay)
    lines += _edges_in(graph, scope, pad, overlay)
    return lines


def _state(graph: Graph, state_id: str, depth: int, overlay: Overlay | None = None) -> list[str]:
    pad = "    " * depth
    node = graph.nodes[state_id]
    asked = [f"{pad}{state_id} : {_description(node.question)}"] if node.question else []
    if node.kind == "final":
        return [f"{pad}{state_id} --> [*]", *asked]
    if node.kind == "atomic":
        return [f"{pad}{state_id}", *asked]
    lines = [f"{pad}state {state_id} {{"]
    if node.kind == "parallel":
        for i, region in enumerate(node.children):
            if i:
                lines.append(f"{pad}    --")
            lines += _state(graph, region, depth + 1, overlay)
    else:
        lines += _block(graph, node.children, state_id, depth + 1, overlay)
    lines.append(f"{pad}}}")
    return lines


def render_mermaid(graph: Graph, overlay: Overlay | None = None) -> str:
    """The Mermaid source of the whole pathway; with a journey's overlay, each taken transition's label starts with
    its step numbers (``no.12``: Mermaid reads ``#`` as an entity), and the atomic and final states the journey
    visited are styled ``visited`` (those active at its end ``current``) with ``classDef``; Mermaid styles no
    composite state, whose visit shows in its children."""
    lines = ["stateDiagram-v2", *_block(graph, graph.roots(), None, 1, overlay)]
    if overlay is not None:
        leaves = [s for s in overlay.visited if s in graph.nodes and graph.nodes[s].kind in ("atomic", "final")]
        current = [s for s in leaves if s in overlay.current]
        lines += [
            "    classDef visited stroke:#1f5fbf,stroke-width:3px",
            "    classDef current fill:#ffe9a8,stroke:#1f5fbf",
        ]
        lines += (
            [f"    class {','.join(s for s in leaves if s not in overlay.current)} visited"]
            if len(leaves) > len(current)
            else []
        )
        lines += [f"    class {','.join(current)} current"] if current else []
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
