"""A lane's box on the overview, answering at a glance where the lane starts and where each answer leads.

The box names the lane, says how it **starts** (its first question, else the condition it waits for, else its first
step) and lists its **key outcomes**: each step inside the lane that recommends or concludes something, with the
decisive answer that leads there and the page that draws it (``On bortezomib · Grade 3-4 → STOP Discontinue
bortezomib``, "p. 7"). Everything comes from the clinical view (:mod:`pathway.render.clinical`), never from a
particular pathway.

The decisive answer of an outcome, in words:

- the step's own title when its state has a short description (a designer wrote what it is: ``Grade 3-4``);
- else the answer on the arrow into it (``Tests support immune-mediated neuropathy``), prefixed by its question
  when the answer is too short to stand alone (fewer than :data:`ALONE` words: ``IVIg contraindicated? No``);
- else the label of the arrow into it (``after 90 days``), else the step's title;

prefixed by the title of the nearest described step around it inside the lane (``On bortezomib · ...``), since an
answer deep in a lane means little without the branch it sits on.

CHOICE: routine assessment and monitoring rows (kind ``assess``) are left out of the outcomes when the lane has any
other outcome, so that the overview shows what changes care; a lane that only assesses lists them. An outcome with
exactly the items of an earlier one is merged into it (its answers joined by "or").
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import graphviz  # type: ignore[import-untyped]

from pathway.render.clinical import Arrow, Clinical, Item
from pathway.render.clinical_dot import BODY, DIM, SMALL, STYLES, TAKEN, Drawer, lines
from pathway.render.wording import humanize, lower_first, short_description

ALONE = 4
"""An answer of fewer words than this is shown after its question (``IVIg contraindicated? No``)."""
_PREFERENCE = ("answer", "when", "timer", "event", "always")


@dataclass(frozen=True)
class Outcome:
    """One key outcome of a lane: ``when`` the decisive answer in words, ``step`` the step it leads to (its page),
    ``items`` what that step recommends or concludes."""

    when: str
    step: str
    items: tuple[Item, ...]


def lane_title(view: Clinical, region: str) -> str:
    """A lane's name: its description's first sentence, else its id in words."""
    text = view.steps[region].description
    if not text:
        return humanize(region).capitalize()
    return text.split(". ")[0].rstrip(".")


def lane_start(view: Clinical, region: str) -> str | None:
    """How a lane starts: "Starts with: <its first question>"; else "Starts when <the condition its first step waits
    for>"; else None (its first step's box says it)."""
    first = next((c for c in view.steps[region].children if view.steps[c].initial), None)
    while first is not None and view.steps[first].kind == "compound" and not view.steps[first].items:
        first = next((c for c in view.steps[first].children if view.steps[c].initial), None)
    if first is None:
        return None
    step = view.steps[first]
    if step.question:
        return f"Starts with: {step.question}"
    waits = [a for a in view.arrows_from(first) if a.style == "when" and a.label]
    if len(waits) == 1 and not step.items:
        return f"Starts when {lower_first(waits[0].label.removeprefix('if '))}"
    return None


def _decisive(view: Clinical, arrow: Arrow) -> str:
    if arrow.style == "when":
        return arrow.label.removeprefix("if ")
    if arrow.style != "answer":
        return arrow.label
    asked = view.steps[arrow.source].question
    return f"{asked} {arrow.label}" if asked and len(arrow.label.split()) < ALONE else arrow.label


def _context(view: Clinical, region: str, state_id: str) -> str | None:
    """The title of the nearest described step around ``state_id`` inside the lane (not the lane itself)."""
    current = view.steps[state_id].parent
    while current is not None and current != region:
        if short_description(view.steps[current].description):
            return view.steps[current].title
        current = view.steps[current].parent
    return None


def _when(view: Clinical, region: str, state_id: str, into: list[Arrow]) -> str:
    step = view.steps[state_id]
    if short_description(step.description):
        said = step.title
    else:
        ranked = sorted(into, key=lambda a: _PREFERENCE.index(a.style))
        said = _decisive(view, ranked[0]) if ranked and ranked[0].label else step.title
    context = _context(view, region, state_id)
    return f"{context} · {said}" if context and context != said else said


def lane_outcomes(view: Clinical, region: str) -> tuple[Outcome, ...]:
    """The key outcomes of a lane, in document order (see the module docstring)."""
    inside = [s for s in view.steps if s != region and view.contains(region, s)]
    reached = [s for s in inside if view.steps[s].items and any(a.target == s for a in view.arrows)]
    keep_assess = all(i.kind == "assess" for s in reached for i in view.steps[s].items)
    found: list[Outcome] = []
    for state_id in reached:
        items = tuple(i for i in view.steps[state_id].items if keep_assess or i.kind != "assess")
        if not items:
            continue
        into = [a for a in view.arrows if a.target == state_id and view.contains(region, a.source)]
        when = _when(view, region, state_id, into)
        same = next((i for i, o in enumerate(found) if o.items == items), None)
        if same is None:
            found.append(Outcome(when, state_id, items))
        elif when not in found[same].when.split(" or "):
            found[same] = Outcome(f"{found[same].when} or {when}", found[same].step, items)
    return tuple(found)


def _page_cell(d: Drawer, number: int | None, rows: int) -> str:
    if not number:
        return f'<TD ROWSPAN="{rows}"></TD>'
    href = escape(d.links.to_page(number))
    return (
        f'<TD ROWSPAN="{rows}" VALIGN="TOP" HREF="{href}" TITLE="page {number}">'
        f'<FONT POINT-SIZE="{SMALL}" COLOR="{TAKEN}">p. {number}</FONT></TD>'
    )


def _outcome_rows(d: Drawer, outcome: Outcome) -> str:
    faded = d.dim(outcome.step)
    number = d.pages.get(d.lane_page(outcome.step))
    ink = DIM if faded else "#000000"
    rows = [
        f'<TR><TD COLSPAN="2" ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{SMALL}" COLOR="{ink}"><I>'
        f"{lines(outcome.when + ' →', 42)}</I></FONT></TD>{_page_cell(d, number, 1 + len(outcome.items))}</TR>"
    ]
    for item in outcome.items:
        fill, tag_ink, tag = STYLES[item.kind]
        fill, tag_ink = ("#ffffff", DIM) if faded else (fill, tag_ink)
        rows.append(
            f'<TR><TD BGCOLOR="{fill}" ALIGN="LEFT" VALIGN="TOP"><FONT POINT-SIZE="{SMALL}" COLOR="{tag_ink}">'
            f'<B>{tag}</B></FONT></TD><TD BGCOLOR="{fill}" ALIGN="LEFT" BALIGN="LEFT">'
            f'<FONT POINT-SIZE="{BODY}" COLOR="{ink}">{lines(item.text, 32)}</FONT></TD></TR>'
        )
    return "".join(rows)


def lane_box(d: Drawer, g: graphviz.Digraph, region: str) -> str:
    """The lane's box on the overview: its title, how it starts, its key outcomes, "see page N"; returns its node."""
    node = f"_lane_{region}"
    number = d.pages.get(region)
    start = lane_start(d.view, region)
    rows = [f'<TR><TD COLSPAN="3" ALIGN="LEFT" BALIGN="LEFT"><B>{lines(lane_title(d.view, region), 38)}</B></TD></TR>']
    if start:
        rows.append(
            f'<TR><TD COLSPAN="3" ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{SMALL}"><I>{lines(start, 42)}</I>'
            "</FONT></TD></TR>"
        )
    rows += [_outcome_rows(d, o) for o in lane_outcomes(d.view, region)]
    if number:
        href = escape(d.links.to_page(number))
        rows.append(
            f'<TR><TD COLSPAN="3" ALIGN="LEFT" HREF="{href}" TITLE="page {number}">'
            f'<FONT POINT-SIZE="{SMALL}" COLOR="{TAKEN}">see page {number} for the whole lane</FONT></TD></TR>'
        )
    label = f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">{"".join(rows)}</TABLE>>'
    g.node(node, label, shape="box3d", **d.pen(region))
    return node
