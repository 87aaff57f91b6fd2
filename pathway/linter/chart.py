"""Which regions lint's search of runs (:mod:`pathway.linter.together`) can leave out; what a transition does to
the configuration is :mod:`pathway.engine.configuration`'s, the compiled engine's own tables."""

from __future__ import annotations

from collections.abc import Iterable

from pathway.definition.analysis import Analysis
from pathway.engine.configuration import domain, subtree


def explored(analysis: Analysis, holders: Iterable[str]) -> frozenset[str]:
    """The states whose configurations are explored: every state but the regions (children of parallel states)
    that hold none of the ``holders`` and whose transitions all stay inside them. Such a region changes nothing of
    the others: its states are entered and left with its parallel state, by transitions that start elsewhere."""
    index = analysis.index
    held = set(holders)
    dropped: set[str] = set()
    for info in index.states.values():
        if info.kind != "parallel":
            continue
        for region in info.children:
            inside = subtree(index, region)
            if held & inside:
                continue
            leaving = (t for s in inside for t in index.outgoing(s))
            if all((d := domain(index, t)) is not None and d in inside for t in leaving):
                dropped |= inside
    return frozenset(index.states) - frozenset(dropped)
