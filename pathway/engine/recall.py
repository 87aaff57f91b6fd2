"""Guards' evaluations recalled across journeys, for the compiled engine (:mod:`pathway.engine.incremental`).

A guard that reads neither the clock, nor when its state was entered, nor when a fact was last given (``last()``),
nor a decision, gives an evaluation that is a function of the values of the facts it reads (through derived facts
too) and of their assumed values alone. Journeys of one cohort meet the same values again and again (most often
the same facts still missing), so the evaluation worked out for one journey is the evaluation of the next journey
that shows the guard the same values: it is kept, under those values, and handed out again instead of evaluating
the guard anew. An :class:`~pathway.expr.Evaluation` is immutable, so sharing one is safe.

The same values means the same type too (``1``, ``1.0`` and ``True`` are equal in Python, and are not to a
guard's record), and for a float the same sign (``-0.0`` equals ``0.0`` and is written differently). Values of
any other type than those listed in :data:`PLAIN` (a datetime, whose equal values can carry different offsets) are
not recalled: the guard is evaluated. An evaluation that failed is not kept (its error may come from the machine,
an exhausted stack or memory, not from the values). At most :data:`LIMIT` evaluations are kept per pathway, then
all are dropped, so memory stays bounded whatever the cohort's size. ``tests/test_recall.py`` and the
differential test (``tests/test_compiled_engine.py``) hold it to evaluating anew.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from math import copysign
from typing import Final

from pathway.definition.analysis import Analysis
from pathway.engine.dependencies import guard_reads
from pathway.expr import Compiled, Evaluation, Scope

LIMIT: Final = 8192
PLAIN: Final[frozenset[type]] = frozenset({bool, int, float, str, date, timedelta})
"""The types of value an evaluation is recalled over (besides a fact absent): equal values of one of them are
written alike, a float's sign aside."""


class _Absent:
    """A fact absent from the scope (an object of its own type, so that no fact's value equals it)."""

    __slots__ = ()


_ABSENT: Final = _Absent()
_KEYED: Final = PLAIN | {_Absent}


def recallable(analysis: Analysis) -> Mapping[str, tuple[str, ...]]:
    """For each guard whose evaluation depends on the facts' values alone (see the module docstring), the facts
    it reads, through derived facts too, sorted."""
    found: dict[str, tuple[str, ...]] = {}
    for transition, compiled in analysis.guards.items():
        reads = guard_reads(analysis, compiled)
        if not (reads.clock or reads.last or reads.decisions):
            found[transition] = tuple(sorted(n for n in reads.facts if n not in analysis.derived))
    return found


class Recall:
    """One pathway's recalled evaluations (shared by every run of one engine)."""

    def __init__(self, analysis: Analysis, limit: int = LIMIT) -> None:
        self.facts = recallable(analysis)
        self.limit = limit
        self.kept: dict[tuple[object, ...], Evaluation] = {}

    def evaluate(self, transition: str, guard: Compiled, scope: Scope) -> Evaluation | None:
        """The guard's evaluation over ``scope``, recalled or worked out now and kept; None when it cannot be
        recalled (the caller evaluates it: :meth:`~pathway.expr.Compiled.evaluate`)."""
        names = self.facts.get(transition)
        if names is None:
            return None
        facts, assumed = scope.facts, scope.assumed
        values = [facts.get(name, _ABSENT) for name in names]
        if assumed:
            values += [assumed.get(name, _ABSENT) for name in names]
        kinds: tuple[object, ...] = tuple(map(type, values))
        if not _KEYED.issuperset(kinds):
            return None
        if float in kinds:
            kinds += tuple(copysign(1.0, v) for v in values if isinstance(v, float))
        key = (transition, kinds, *values)
        found = self.kept.get(key)
        if found is None:
            found = guard.evaluate(scope)
            if found.error is None:
                if len(self.kept) >= self.limit:
                    self.kept.clear()
                self.kept[key] = found
        return found
