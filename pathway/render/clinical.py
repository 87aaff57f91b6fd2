"""The clinical-algorithm view of a pathway as data: what a clinician reads (NCCN/NICE style), built from the model.

Each state becomes a **step**: a box with what to do (each recommendation's title, timing and computed values,
coloured by its kind), the working diagnoses it concludes (set apart), and, when the state decides, a **question**
with one arrow per answer (:mod:`pathway.render.wording`) and a "not yet known: ask for ..." path, since the engine
waits while an answer is unknown. Timers and events are arrows of their own (``after 90 days``, ``at cycle start``).

The regions of a parallel state are **lanes**, run side by side. A small region (at most three states, none
compound, one outcome that recommends or concludes something: a screen) is not drawn as a flow but as a row of a
**checklist**. One lane **drives** another when it recommends an action fulfilled by a fact (``fulfilled_by``) or
decided (``declined(a)``) that the other lane's guards read: the nerve conduction study ordered in one lane decides
the working diagnosis in another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.domains import facts_read
from pathway.definition.index import TransitionInfo
from pathway.definition.model import Action, Pathway
from pathway.definition.questions import reads_of
from pathway.render.graph import value_label
from pathway.render.wording import (
    Answers,
    answers,
    duration_words,
    guard_words,
    humanize,
    name_words,
    short_description,
)

KINDS: Mapping[str, str] = {
    "medication": "treatment",
    "dose_change": "treatment",
    "procedure": "treatment",
    "stop": "stop",
    "order": "test",
    "referral": "test",
    "review": "assess",
    "monitoring": "assess",
    "advice": "advice",
}
"""The colour class of each action kind; an action whose direction is 'against' is a 'stop' (avoid) whatever its
kind. 'finding' is a working diagnosis."""
SCREEN_STATES = 3


def colour_class(action: Action) -> str:
    """treatment, test, assess, advice or stop (see :data:`KINDS`)."""
    return "stop" if action.direction == "against" else KINDS[action.kind]


@dataclass(frozen=True)
class Item:
    """One row of a step: a recommendation or a working diagnosis, in words."""

    kind: str
    text: str
    values: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Arrow:
    """One transition as drawn: ``label`` in words; ``style`` answer, when, timer, event or always."""

    id: str
    source: str
    target: str
    label: str
    style: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    """One state as a clinician reads it."""

    id: str
    kind: str  # atomic, final, compound, parallel
    parent: str | None
    children: tuple[str, ...]
    initial: bool
    description: str | None
    title: str
    items: tuple[Item, ...]
    question: str | None
    note: str | None
    asks: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Drive:
    """One lane's result that another lane's guards read: ``what`` in words."""

    source: str
    target: str
    what: str


@dataclass(frozen=True)
class Clinical:
    """The whole view: steps (document order), arrows, lanes (region id -> 'flow' or 'screen'), drives."""

    id: str
    title: str
    audience: str | None
    steps: Mapping[str, Step]
    arrows: tuple[Arrow, ...]
    lanes: Mapping[str, str]
    drives: tuple[Drive, ...]

    def lane_of(self, state_id: str) -> str | None:
        """The innermost lane holding the state (None: outside every parallel state)."""
        current: str | None = state_id
        while current is not None:
            if current in self.lanes:
                return current
            current = self.steps[current].parent
        return None

    def contains(self, ancestor: str, state_id: str) -> bool:
        current: str | None = state_id
        while current is not None:
            if current == ancestor:
                return True
            current = self.steps[current].parent
        return False

    def initial(self, state_id: str) -> bool:
        return self.steps[state_id].initial

    def arrows_from(self, state_id: str) -> tuple[Arrow, ...]:
        return tuple(a for a in self.arrows if a.source == state_id)


def short_title(title: str, limit: int = 60) -> str:
    """A guideline title shown once, short: a trailing parenthesis dropped, cut at its last comma or dash before
    ``limit`` characters."""
    text = title.split(" (")[0] if title.endswith(")") else title
    if len(text) <= limit:
        return text
    cuts = [text.rfind(sep, 0, limit) for sep in (", ", " - ")]
    cut = max(cuts)
    return text[:cut] if cut > 0 else text[: limit - 1].rstrip() + "…"


def _items(analysis: Analysis, state_id: str) -> tuple[Item, ...]:
    p = analysis.pathway
    st = analysis.index.states[state_id].state
    rows = []
    for rec in st.recommendations:
        action = p.actions[rec.action]
        timing = [f"within {duration_words(rec.due)}"] if rec.due else []
        timing = [f"every {duration_words(rec.every)}"] + timing if rec.every else timing
        until = (f"stays recommended until {guard_words(analysis, rec.until).lower()}",) if rec.until else ()
        text = " · ".join([action.title, *timing, *([action.stance.short] if action.stance.short else [])])
        values = tuple(value_label(n, v, 60) for n, v in analysis.values.get(rec.action, {}).items()) + until
        rows.append(Item(colour_class(action), text, values, tuple(action.evidence)))
    for finding in st.conclude:
        f = p.findings[finding]
        rows.append(Item("finding", f.title, (), tuple(f.evidence)))
    return tuple(rows)


def _title(p: Pathway, state_id: str, description: str | None) -> str:
    shown = short_description(description)
    return shown if shown else humanize(state_id).capitalize()


def deciding(analysis: Analysis, state_id: str) -> tuple[TransitionInfo, ...]:
    """The transitions that answer the state's question: eventless, untimed and guarded, when two or more of them
    are (or one, under a stated question)."""
    group = tuple(
        t for t in analysis.index.outgoing(state_id) if t.event is None and t.transition.after is None and t.when
    )
    stated = analysis.index.states[state_id].state.question is not None
    return group if len(group) >= 2 or (group and stated) else ()


def _question(analysis: Analysis, state_id: str, said: Answers, group: tuple[TransitionInfo, ...]) -> str:
    stated = analysis.index.states[state_id].state.question
    if stated:
        return " ".join(stated.split())
    if said.labels[:1] == ("Yes",) and len(group) == 2:
        return guard_words(analysis, group[0].when or "") + "?"
    if said.exact and len(said.asks) == 1:
        return said.asks[0] + "?"
    reads = [short_description(d) or humanize(n) for n, d in reads_of(analysis, state_id)]
    return " / ".join(reads) + "?"


def _step(analysis: Analysis, state_id: str) -> tuple[Step, list[Arrow]]:
    info = analysis.index.states[state_id]
    st = info.state
    group = deciding(analysis, state_id)
    said = answers(analysis, group) if group else None
    labels = dict(zip((t.id for t in group), said.labels, strict=True)) if said else {}
    arrows = [_arrow(analysis, t, labels.get(t.id)) for t in analysis.index.outgoing(state_id)]
    step = Step(
        state_id,
        info.kind,
        info.parent,
        tuple(analysis.index.states[state_id].children),
        st.initial,
        " ".join(st.description.split()) if st.description else None,
        _title(analysis.pathway, state_id, st.description),
        _items(analysis, state_id),
        _question(analysis, state_id, said, group) if said else None,
        said.note if said else None,
        said.asks if said else (),
        tuple(st.evidence),
    )
    return step, arrows


def _arrow(analysis: Analysis, t: TransitionInfo, answer: str | None) -> Arrow:
    if answer is not None:
        label, style = answer, "answer"
    elif t.transition.after is not None:
        cond = f": {guard_words(analysis, t.when).lower()}" if t.when and t.when != OTHERWISE else ""
        label, style = f"after {duration_words(t.transition.after)}{cond}", "timer"
    elif t.event is not None:
        cond = f", if {guard_words(analysis, t.when).lower()}" if t.when and t.when != OTHERWISE else ""
        label, style = f"at {humanize(t.event)}{cond}", "event"
    elif t.when:
        label, style = f"if {guard_words(analysis, t.when)}", "when"
    else:
        label, style = "", "always"
    return Arrow(t.id, t.source, t.target, label, style, tuple(t.evidence))


def _lanes(analysis: Analysis) -> dict[str, str]:
    lanes: dict[str, str] = {}
    for info in analysis.index.states.values():
        if info.kind != "parallel":
            continue
        for region in info.children:
            lanes[region] = "screen" if _screen(analysis, region) else "flow"
    return lanes


def _screen(analysis: Analysis, region: str) -> bool:
    children = analysis.index.states[region].children
    kinds = {analysis.index.states[c].kind for c in children}
    outcomes = [
        c for c in children if analysis.index.states[c].state.recommend or analysis.index.states[c].state.conclude
    ]
    initial = next((c for c in children if analysis.index.states[c].state.initial), None)
    outcomes = [c for c in outcomes if c != initial]
    return 0 < len(children) <= SCREEN_STATES and kinds <= {"atomic", "final"} and len(outcomes) <= 1


def _drives(analysis: Analysis, lanes: Mapping[str, str], lane_of: Mapping[str, str | None]) -> tuple[Drive, ...]:
    p = analysis.pathway
    made: dict[str, tuple[str, str]] = {}  # fact or decision -> (lane, words)
    for state_id, info in analysis.index.states.items():
        lane = lane_of[state_id]
        for action_id in info.state.recommended if lane else ():
            action = p.actions[action_id]
            for fact in action.fulfilled_by or ():
                made.setdefault(fact, (lane or "", f"result: {name_words(analysis, fact).lower()}"))
            made.setdefault(f"declined({action_id})", (lane or "", f"'{action.title}' declined"))
    found: dict[tuple[str, str], list[str]] = {}
    for t in analysis.index.transitions:
        lane = lane_of[t.source]
        compiled = analysis.guards.get(t.id)
        if lane is None or compiled is None:
            continue
        for name in sorted(facts_read(analysis, compiled.names) | compiled.recorded):
            if name in made and made[name][0] != lane:
                words = found.setdefault((made[name][0], lane), [])
                words += [made[name][1]] if made[name][1] not in words else []
    return tuple(Drive(a, b, "; ".join(w)) for (a, b), w in found.items())


def build_clinical(analysis: Analysis) -> Clinical:
    """The clinical view of a checked pathway."""
    steps: dict[str, Step] = {}
    arrows: list[Arrow] = []
    for state_id in analysis.index.states:
        step, out = _step(analysis, state_id)
        steps[state_id] = step
        arrows += out
    lanes = _lanes(analysis)
    p = analysis.pathway
    view = Clinical(p.id, p.title, p.audience, steps, tuple(arrows), lanes, ())
    lane_of = {s: view.lane_of(s) for s in steps}
    return Clinical(p.id, p.title, p.audience, steps, tuple(arrows), lanes, _drives(analysis, lanes, lane_of))
