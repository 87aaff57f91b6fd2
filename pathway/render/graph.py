"""A pure graph view of a pathway, shared by the DOT and Mermaid renderers (and lint): no rendering here.

:func:`build_graph` turns a checked :class:`~pathway.analysis.Analysis` into nodes (every state, document order)
and edges (every transition, document order, with its stable id and a readable label). :func:`views_of` splits
the graph into legible views: ``overview`` draws everything outside parallel regions and shows each region of a
parallel state as one collapsed box; every region then gets its own view (recursively, so a region that is itself
parallel shows its own regions as boxes). Each state is drawn in full in exactly one view, and each transition
belongs to the view of its source state.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

from pathway.definition.analysis import Analysis
from pathway.definition.index import StateKind
from pathway.definition.model import Action, Recommendation
from pathway.definition.values import ValueRule

OVERVIEW = "overview"
WRAP = 28


@dataclass(frozen=True)
class Node:
    """One state: its kind and place in the tree, the question it states, what it recommends (ids, and as drawn: with
    the period or deadline, the strength and direction its action states, and below each the values it carries) and
    concludes, how much evidence it cites."""

    id: str
    kind: StateKind
    parent: str | None
    children: tuple[str, ...]
    initial: bool
    description: str | None
    recommend: tuple[str, ...]
    conclude: tuple[str, ...]
    evidence: int
    recommend_labels: tuple[str, ...]
    value_labels: tuple[tuple[str, ...], ...] = ()  # for each recommendation, its values as drawn
    question: str | None = None


@dataclass(frozen=True)
class Edge:
    """One transition: ``label`` is the short readable form (event or timer first), ``guard`` the full guard text,
    ``after`` the timer's duration as written (None: not a timer)."""

    id: str
    source: str
    target: str
    event: str | None
    guard: str | None
    label: str
    evidence: tuple[str, ...]
    after: str | None = None

    @property
    def tooltip(self) -> str:
        """The whole decision, for SVG tooltips: trigger, full guard, evidence."""
        parts = [f"{self.source} -> {self.target}", self.label or "always"]
        if self.evidence:
            parts.append("evidence: " + ", ".join(self.evidence))
        return "\n".join(parts)


@dataclass(frozen=True)
class Graph:
    """Every state (document order, parents before children) and every transition (document order)."""

    id: str
    title: str
    nodes: Mapping[str, Node]
    edges: tuple[Edge, ...]

    def roots(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes.values() if n.parent is None)

    def is_region(self, state_id: str) -> bool:
        parent = self.nodes[state_id].parent
        return parent is not None and self.nodes[parent].kind == "parallel"

    def contains(self, ancestor: str, state_id: str) -> bool:
        """True when state_id is ancestor or lies below it."""
        current: str | None = state_id
        while current is not None:
            if current == ancestor:
                return True
            current = self.nodes[current].parent
        return False

    def view_of(self, state_id: str) -> str:
        """The view that draws this state in full: its nearest enclosing region, else the overview."""
        current: str | None = state_id
        while current is not None:
            if self.is_region(current):
                return current
            current = self.nodes[current].parent
        return OVERVIEW


def edge_label(event: str | None, guard: str | None, after: str | None = None) -> str:
    """``on cycle_start``, ``on cycle_start: grade >= 3``, ``after 72h``, ``after 72h: not improved``,
    ``otherwise``, the guard, or '' when unconditional."""
    head = f"on {event}" if event else (f"after {after}" if after else "")
    if guard is None:
        return head
    return f"{head}: {guard}" if head else guard


def recommend_label(item: Recommendation, action: Action | None = None) -> str:
    """A recommendation as a state lists it: ``order_ncs · due 2w``, ``reassess · every 3w``, the bare id; then the
    strength and direction its action states: ``zoster_prophylaxis · strong for``, ``avoid_tca · against``; last,
    how long it persists: ``hold · until grade <= 1``."""
    timing = [f"every {item.every}"] if item.every else []
    timing += [f"due {item.due}"] if item.due else []
    stance = action.stance.short if action is not None else ""
    until = [f"until {item.until}"] if item.until else []
    return " · ".join([item.action, *([", ".join(timing)] if timing else []), *([stance] if stance else []), *until])


def value_label(name: str, rule: ValueRule, limit: int = 40) -> str:
    """A computed value as a state lists it below its recommendation, kept short: ``dose: weight_kg × 1 mg/day``,
    ``level: a table of 3 cases``, ``dose: 60-120 mg/day``."""
    text = f"{name}: {rule.formula().replace('*', '×')}"
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap(text: str, width: int = WRAP) -> list[str]:
    """Text broken into lines of about ``width`` characters (long words are kept whole)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def build_graph(analysis: Analysis) -> Graph:
    """The graph of a checked pathway."""
    nodes: dict[str, Node] = {}
    for info in analysis.index.states.values():
        st = info.state
        nodes[info.id] = Node(
            info.id,
            info.kind,
            info.parent,
            info.children,
            st.initial,
            st.description,
            tuple(st.recommended),
            tuple(st.conclude),
            len(st.evidence),
            tuple(recommend_label(r, analysis.pathway.actions.get(r.action)) for r in st.recommendations),
            tuple(
                tuple(value_label(n, v) for n, v in analysis.values.get(r.action, {}).items())
                for r in st.recommendations
            ),
            st.question,
        )
    edges = tuple(
        Edge(
            t.id,
            t.source,
            t.target,
            t.event,
            t.when,
            edge_label(t.event, t.when, t.transition.after),
            tuple(t.evidence),
            t.transition.after,
        )
        for t in analysis.index.transitions
    )
    p = analysis.pathway
    return Graph(p.pathway, p.title, nodes, edges)


@dataclass(frozen=True)
class View:
    """What one diagram draws: ``roots`` in full (stopping at parallel states, whose regions become ``boxes``)."""

    name: str
    roots: tuple[str, ...]
    full: tuple[str, ...]
    boxes: tuple[str, ...]
    edges: tuple[Edge, ...]
    direction: str


def has_regions(graph: Graph) -> bool:
    return any(n.kind == "parallel" for n in graph.nodes.values())


def view_names(graph: Graph) -> list[str]:
    """``overview``, then every region of every parallel state in document order."""
    return [OVERVIEW, *(s for s in graph.nodes if graph.is_region(s))]


def build_view(graph: Graph, name: str) -> View:
    """The states, collapsed regions and transitions of one view."""
    if name != OVERVIEW and (name not in graph.nodes or not graph.is_region(name)):
        raise KeyError(f"unknown view '{name}'; views are {', '.join(view_names(graph))}")
    roots = graph.roots() if name == OVERVIEW else (name,)
    full: list[str] = []
    boxes: list[str] = []

    def walk(state_id: str) -> None:
        full.append(state_id)
        node = graph.nodes[state_id]
        for child in node.children:
            if node.kind == "parallel":
                boxes.append(child)
            else:
                walk(child)

    for root in roots:
        walk(root)
    drawn = set(full)
    edges = tuple(e for e in graph.edges if e.source in drawn)
    # Regions read best left to right; a view of collapsed regions (or the overview) top to bottom, boxes in a row.
    direction = "TB" if name == OVERVIEW or graph.nodes[name].kind == "parallel" else "LR"
    return View(name, roots, tuple(full), tuple(boxes), edges, direction)


def views_of(graph: Graph) -> list[View]:
    return [build_view(graph, name) for name in view_names(graph)]
