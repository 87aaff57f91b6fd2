"""When a state's recommendations apply, as an applicability condition: the guard expression that enters the state
and the same in words.

A state is entered at the start (when it is in the initial configuration) or by a transition whose target is the
state, one of its ancestors being entered from outside, or a state that enters it by default (its initial child,
or every region of a parallel state). A transition fires when its guard is true and every earlier guard of its
source state with the same trigger is false (document order is priority), so each way in is written as
``not (earlier) and (guard)``; ``otherwise`` is the negation of the earlier guards alone, and a transition without a
guard contributes ``true``. The condition is the disjunction of the ways in (FHIR combines several conditions of
one kind with AND, so there is one). What a guard cannot say, the source state, the event and the timer, is in the
condition's description.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.index import StateIndex, TransitionInfo


@dataclass(frozen=True)
class Way:
    """One way into a state: a transition (``None``: the start), its guard expression, and in words."""

    transition: str | None
    expression: str
    words: str


@dataclass(frozen=True)
class Entry:
    """When a state is entered: the expression (guard language) and its description."""

    state: str
    ways: tuple[Way, ...]

    @property
    def expression(self) -> str:
        found = list(dict.fromkeys(w.expression for w in self.ways))
        if not found or "true" in found:
            return "true"
        if len(found) == 1:
            return found[0]
        return " or ".join(f"({e})" for e in found)

    def description(self, analysis: Analysis) -> str:
        state = analysis.index.states[self.state].state
        about = f" ({_one_line(state.description)})" if state.description else ""
        ways = "; or ".join(w.words for w in self.ways) or "never (no transition enters it)"
        return f"While the pathway is in state {self.state}{about}. Entered {ways}."


def _one_line(text: str) -> str:
    return " ".join(text.split())


def default_entry(index: StateIndex, state: str) -> Iterator[str]:
    """The states entered when ``state`` is entered by default: itself, its initial child's, every region's."""
    yield state
    info = index.states[state]
    children = info.children
    if not children:
        return
    if info.state.parallel:
        for child in children:
            yield from default_entry(index, child)
        return
    initial = next((c for c in children if index.states[c].state.initial), children[0])
    yield from default_entry(index, initial)


def entered_by(index: StateIndex, t: TransitionInfo) -> set[str]:
    """Every state a transition enters: its target's default entry and the target's ancestors it enters from
    outside."""
    entered = set(default_entry(index, t.target))
    outer = [t.target, *index.ancestors(t.target)]
    for ancestor in outer[1:]:
        if t.source == ancestor or ancestor in set(index.ancestors(t.source)):
            break
        entered.add(ancestor)
    return entered


def initial_configuration(index: StateIndex) -> set[str]:
    top = [s for s, info in index.states.items() if info.parent is None]
    first = next((s for s in top if index.states[s].state.initial), top[0])
    return set(default_entry(index, first))


def _guard(text: str) -> str:
    return _one_line(text)


def _earlier(index: StateIndex, t: TransitionInfo) -> list[str]:
    """The guards of the source's transitions before ``t`` with the same trigger (event and timer)."""
    return [
        _guard(u.when)
        for u in index.outgoing(t.source)
        if u.index < t.index
        and u.event == t.event
        and u.transition.after == t.transition.after
        and u.when not in (None, OTHERWISE)
    ]


def way_of(analysis: Analysis, t: TransitionInfo) -> Way:
    index = analysis.index
    earlier = _earlier(index, t)
    guard = _guard(t.when) if t.when not in (None, OTHERWISE) else None
    parts = [f"not ({g})" for g in earlier] + ([f"({guard})" if earlier else guard] if guard else [])
    expression = " and ".join(parts) or "true"
    source = index.states[t.source].state
    asked = f" ({_one_line(source.question)})" if source.question else ""
    trigger = (
        f" on event {t.event}" if t.event else (f" after {t.transition.after} there" if t.transition.after else "")
    )
    if guard:
        said = f"when {guard}" + (f" and not ({' or '.join(earlier)})" if earlier else "")
    elif t.when == OTHERWISE:
        said = f"otherwise, when not ({' or '.join(earlier)})" if earlier else "otherwise"
    else:
        said = "always"
    return Way(t.id, expression, f"from {t.source}{asked}{trigger}, {said}")


def entry_of(analysis: Analysis, state: str) -> Entry:
    """Every way into ``state``, the start first, then the transitions in document order."""
    index = analysis.index
    ways = [Way(None, "true", "when the pathway starts")] if state in initial_configuration(index) else []
    ways += [way_of(analysis, t) for t in index.transitions if state in entered_by(index, t)]
    return Entry(state, tuple(ways))
