"""A state's clinical question: the one the definition states (``question:``), or, for a state that decides without
one, the facts its guards read with their descriptions, so that a reader still sees what is being decided.

A state **decides** when two or more of its transitions have a guard (``when``, ``otherwise`` included): it chooses
between alternatives. A question may sit on any state with a guarded transition (the model refuses it elsewhere);
``requires: [question]`` asks for one on every deciding state (lint, PW526).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pathway.definition.analysis import Analysis


@dataclass(frozen=True)
class Asked:
    """What a state asks: ``text`` is its question when ``stated``; otherwise ``reads`` names what its guards read,
    each with its description (``None`` when the fact or derived fact has none)."""

    state: str
    text: str | None
    reads: tuple[tuple[str, str | None], ...] = ()

    @property
    def stated(self) -> bool:
        return self.text is not None


def decides(analysis: Analysis, state: str) -> bool:
    """Whether the state chooses between alternatives: two or more of its transitions have a guard."""
    return sum(t.when is not None for t in analysis.index.outgoing(state)) >= 2


def reads_of(analysis: Analysis, state: str) -> tuple[tuple[str, str | None], ...]:
    """The facts and derived facts the state's guards read directly, in the order they first appear in its guards,
    each with its description."""
    p = analysis.pathway
    order: list[str] = []
    for t in analysis.index.outgoing(state):
        compiled = analysis.guards.get(t.id)
        if compiled is None or t.when is None:
            continue
        text = t.when
        found = sorted(
            compiled.names, key=lambda n: (m.start() if (m := re.search(rf"\b{n}\b", text)) else len(text), n)
        )
        order += [name for name in found if name not in order]
    described = {n: f.description for n, f in p.facts.items()} | {n: d.description for n, d in p.derived.items()}
    return tuple((name, described.get(name)) for name in order)


def asked(analysis: Analysis, state: str) -> Asked | None:
    """The state's question as stated; for a deciding state without one, what its guards read; else None."""
    question = analysis.index.states[state].state.question
    if question is not None:
        return Asked(state, question)
    if decides(analysis, state):
        return Asked(state, None, reads_of(analysis, state))
    return None
