"""When the clock can change a guard's or a derived fact's evaluation: its crossings.

Most expressions that read the clock compare the time since a fact's date with a number: ``days_since(x) >= 90``,
``hours_since(x) < 72``, ``time_since(x) >= 72h``. Such a comparison changes its value only when the clock passes
a moment fixed by the fact's value (``x`` plus 90 days), and what the evaluation read (the fact) does not change
with the clock at all. So the compiled engine (:mod:`pathway.engine.incremental`) keeps such an evaluation while
the clock moves, until it passes one of those moments, instead of working it out again at every input.

:func:`crossings` finds, for an expression, every clock reading and the moments it can change at, relative to
the fact it reads; it gives None (the evaluation may change at any moment) unless every clock reading in the
expression is such a comparison, of a declared fact (not a derived fact, not ``last()``), against a number or a
duration literal, with one operator: ``time_in_state()``, ``days_since_done()``, arithmetic on the time and chained
comparisons are not analysed. The moments are taken generously (for whole units, both ends of the unit the
threshold falls in), so that a crossing is never missed; one taken too many only costs an evaluation.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from pathway.expr import Compiled
from pathway.expr.checker import CLOCK
from pathway.expr.closures import moment
from pathway.expr.durations import DAY, HOUR
from pathway.expr.parse import parse

_UNITS: Final[Mapping[str, timedelta | None]] = {"days_since": DAY, "hours_since": HOUR, "time_since": None}


@dataclass(frozen=True)
class Crossing:
    """A clock reading of fact ``fact``: its value can change only when the clock passes the fact's moment plus
    one of ``offsets``."""

    fact: str
    offsets: tuple[timedelta, ...]

    def between(self, facts: Mapping[str, object], earlier: datetime, later: datetime) -> bool:
        """Whether the clock passes (or reaches) one of its moments going from ``earlier`` to ``later`` (either
        way), the fact's value read in ``facts`` (an unknown fact: its reading stays unknown)."""
        start = moment(facts.get(self.fact))
        if start is None:
            return False
        low, high = (earlier, later) if earlier <= later else (later, earlier)
        return any(low <= start + offset <= high for offset in self.offsets)


def quiet(
    crossed: tuple[Crossing, ...], facts: Mapping[str, object], now: datetime
) -> tuple[datetime, datetime] | None:
    """The stretch of time around ``now`` the clock can move in without passing one of these crossings' moments (the
    facts' values read in ``facts``): the latest moment before ``now`` and the earliest after it (``datetime.min``
    and ``datetime.max`` when there is none), both left out; None when a moment falls at ``now`` itself."""
    low, high = datetime.min, datetime.max
    for c in crossed:
        start = moment(facts.get(c.fact))
        if start is None:
            continue
        for offset in c.offsets:
            at = start + offset
            if at == now:
                return None
            if at < now:
                low = max(low, at)
            else:
                high = min(high, at)
    return low, high


def crossings(compiled: Compiled, facts: Mapping[str, object]) -> tuple[Crossing, ...] | None:
    """Every clock reading of an expression as a :class:`Crossing`; None when one of them is not of the kind
    analysed (see the module docstring), or the text does not parse. ``facts``: the pathway's declared facts."""
    parsed = parse(compiled.text)
    if isinstance(parsed, list):
        return None
    tree = parsed[0]
    found: list[Crossing] = []
    analysed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            crossing = _compared(node.left, node.comparators[0], facts) or _compared(
                node.comparators[0], node.left, facts
            )
            if crossing is not None:
                found.append(crossing[0])
                analysed.add(id(crossing[1]))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CLOCK:
            if id(node) not in analysed:
                return None
    return tuple(found)


def _compared(call: ast.expr, other: ast.expr, facts: Mapping[str, object]) -> tuple[Crossing, ast.Call] | None:
    """A clock reading compared with a literal, as a crossing (with the call node), or None."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in _UNITS):
        return None
    if len(call.args) != 1 or call.keywords or not isinstance(call.args[0], ast.Name):
        return None
    fact = call.args[0].id
    if fact not in facts or not isinstance(other, ast.Constant):
        return None
    unit, limit = _UNITS[call.func.id], other.value
    if unit is None:
        if not isinstance(limit, timedelta):
            return None
        return Crossing(fact, (limit,)), call
    if isinstance(limit, bool) or not isinstance(limit, int):
        return None
    return Crossing(fact, (unit * limit, unit * (limit + 1))), call
