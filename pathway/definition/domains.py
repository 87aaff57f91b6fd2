"""Finite domains of facts, for the exhaustive guard rules in :mod:`pathway.linter.guards`.

Each fact gets a finite set of values that stands for every value it can take, as far as the pathway's guards
can tell them apart:

- ``bool``: ``False, True``; ``enum``: its values, in declaration order;
- ``int`` with ``min`` and ``max`` at most :data:`SMALL_RANGE` values apart: every value;
- any other ``int`` or ``number``: the *boundary values* of the numeric literals it is compared against, in the
  given guards or in a derived fact that depends on it (``effective_grade >= 3`` gives 3 to both grades that
  ``effective_grade`` reads); lint passes the guards of one state, so that each state is checked against its
  own boundaries only. For ints: ``c - 1, c, c + 1``; for numbers: each literal, the midpoints between
  consecutive literals and one below the smallest and above the largest; all clipped to ``[min, max]``, plus
  ``min`` and ``max``. This is exact for comparisons of one fact with literals (every open interval between two
  literals is represented), and a heuristic for arithmetic (``a + b > 5``) or comparisons of two facts;
- ``date`` and ``datetime``: no finite domain (``None``), unless lint asks with a reference day (``today``): then
  a date read only through ``days_since`` (a date-time also ``hours_since``) gets the moments that many days (or
  hours) before it, around each number those reads are compared with (:func:`pathway.definition.clock.clock_domain`),
  which decides such comparisons exactly. Whatever else reads a date is reported by lint as not analysed (PW518).

:func:`assignments` enumerates the product of the domains of some facts, in a deterministic order (facts sorted
by name, values in domain order), optionally with each fact also left unknown.
"""

from __future__ import annotations

import ast
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping
from datetime import date

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.clock import ENUMERATED, clock_domain
from pathway.definition.model import Fact
from pathway.expr.parse import names_in, parse

Domain = tuple[object, ...]
SMALL_RANGE = 30
"""An int fact with at most this many values between min and max is enumerated value by value."""
MAX_COMBINATIONS = 200_000
"""The most assignments the guard rules enumerate for one state and trigger."""


def names_read(analysis: Analysis, names: Iterable[str]) -> frozenset[str]:
    """The names (facts and derived facts) that ``names`` read, themselves included, transitively through derived
    facts."""
    seen: set[str] = set()
    stack = list(names)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in analysis.derived:
            stack.extend(analysis.derived[name].names)
    return frozenset(seen)


def facts_read(analysis: Analysis, names: Iterable[str]) -> frozenset[str]:
    """The declared facts that ``names`` (facts or derived facts) read, transitively through derived facts."""
    facts = analysis.pathway.facts
    return frozenset(n for n in names_read(analysis, names) if n not in analysis.derived and n in facts)


def _number(node: ast.expr) -> float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _number(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return float(node.value)
    return None


def _literals(tree: ast.AST) -> list[float]:
    """Numeric literals of a comparison, including those in list operands (``n in [1, 2]``)."""
    found: list[float] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.expr):
            value = _number(node)
            if value is not None and math.isfinite(value):
                found.append(value)
    return found


def _expressions(analysis: Analysis) -> Iterator[str]:
    for derived in analysis.pathway.derived.values():
        yield derived.expr
    for t in analysis.index.transitions:
        if t.when is not None and t.when != OTHERWISE:
            yield t.when


Compared = list[tuple[frozenset[str], list[float]]]
"""The comparisons of an expression that hold numeric literals: the names each compares, and the literals."""


def _compared(text: str) -> Compared:
    parsed = parse(text)
    if isinstance(parsed, list):
        return []
    found: Compared = []
    for node in ast.walk(parsed[0]):
        if isinstance(node, ast.Compare) and (values := _literals(node)):
            found.append((names_in(node), values))
    return found


def boundary_literals(
    analysis: Analysis, expressions: Iterable[str] | None = None, parsed: dict[str, Compared] | None = None
) -> dict[str, set[float]]:
    """fact -> the numeric literals it (or a derived fact reading it) is compared against, in ``expressions``
    (default: every guard and derived fact). ``parsed`` keeps each expression's comparisons across calls."""
    memo: dict[str, Compared] = {} if parsed is None else parsed
    literals: dict[str, set[float]] = {}
    for text in _expressions(analysis) if expressions is None else expressions:
        if text not in memo:
            memo[text] = _compared(text)
        for names, values in memo[text]:
            for fact in facts_read(analysis, names):
                literals.setdefault(fact, set()).update(values)
    return literals


def _clip(values: Iterable[float], fact: Fact, as_int: bool) -> Domain:
    low = -math.inf if fact.min is None else fact.min
    high = math.inf if fact.max is None else fact.max
    kept = {v for v in values if low <= v <= high and (not as_int or v == int(v))}
    kept |= {v for v in (fact.min, fact.max) if v is not None and (not as_int or v == int(v))}
    if not kept:
        kept = {min(max(0.0, low), high)} if not as_int or math.isinf(low) else {float(math.ceil(low))}
    return tuple(int(v) if as_int or v == int(v) else v for v in sorted(kept))


def _numeric_domain(fact: Fact, literals: set[float]) -> Domain:
    if fact.type == "int":
        if fact.min is not None and fact.max is not None and fact.max - fact.min <= SMALL_RANGE:
            return tuple(range(math.ceil(fact.min), math.floor(fact.max) + 1))
        near = {p for c in literals for p in (math.floor(c) - 1, math.floor(c), math.ceil(c), math.ceil(c) + 1)}
        return _clip((float(p) for p in near), fact, as_int=True)
    ordered = sorted(literals)
    points: set[float] = set(ordered)
    points |= {(a + b) / 2 for a, b in itertools.pairwise(ordered)}
    if ordered:
        points |= {ordered[0] - 1, ordered[-1] + 1}
    return _clip(points, fact, as_int=False)


def fact_domains(
    analysis: Analysis,
    expressions: Iterable[str] | None = None,
    parsed: dict[str, Compared] | None = None,
    today: date | None = None,
) -> dict[str, Domain | None]:
    """Every declared fact's finite domain, from the literals of ``expressions`` (default: every guard and derived
    fact; see :func:`boundary_literals`). Date and date-time facts have none (None), unless ``today`` is given: then
    the moments before it that stand for them when they are read through ``days_since`` (the caller makes sure
    they are: :func:`pathway.definition.clock.unenumerable`)."""
    literals = boundary_literals(analysis, expressions, parsed)
    domains: dict[str, Domain | None] = {}
    for name, fact in analysis.pathway.facts.items():
        if fact.type == "bool":
            domains[name] = (False, True)
        elif fact.type == "enum":
            domains[name] = tuple(fact.values or ())
        elif fact.type in ("int", "number"):
            domains[name] = _numeric_domain(fact, literals.get(name, set()))
        elif today is not None and fact.type in ENUMERATED:
            domains[name] = clock_domain(fact.type, literals.get(name, set()), today)
        else:
            domains[name] = None
    return domains


def combinations(names: Iterable[str], domains: Mapping[str, Domain | None], include_unknown: bool) -> int | None:
    """How many assignments :func:`assignments` yields; None when a fact has no finite domain."""
    total = 1
    for name in names:
        domain = domains.get(name)
        if domain is None:
            return None
        total *= len(domain) + (1 if include_unknown else 0)
    return total


def assignments(
    names: Iterable[str], domains: Mapping[str, Domain | None], include_unknown: bool
) -> Iterator[dict[str, object]]:
    """Every assignment of the facts ``names`` (sorted) over their domains; with ``include_unknown``, each fact
    may also be absent (unknown). Raises ValueError for a fact without a finite domain."""
    ordered = sorted(set(names))
    choices: list[tuple[object, ...]] = []
    absent = object()
    for name in ordered:
        domain = domains.get(name)
        if domain is None:
            raise ValueError(f"fact '{name}' has no finite domain")
        choices.append((*domain, absent) if include_unknown else domain)
    for values in itertools.product(*choices):
        yield {name: value for name, value in zip(ordered, values, strict=True) if value is not absent}
