"""What expressions and transitions read of time, for lint (:mod:`pathway.linter`): timers, calls that read the
clock, and the dates the exhaustive guard checks can enumerate.

The exhaustive checks evaluate guards at one fixed moment, :data:`REFERENCE_DAY` (the day the journey entries in
lint's hints are written on). A date fact read only through ``days_since(fact)`` (a date-time fact also through
``hours_since``), or ``known(fact)``, then stands for how long ago it was: :func:`clock_domain` gives it the dates
that many days (or hours) before the reference day, around each number those reads are compared with, which decides
every such comparison exactly. Anything else an expression reads of time (``days_between``, ``time_since``,
``time_in_state()``, ``last()``, a date compared directly) has no such domain: :func:`unenumerable` says which, so
that lint can report the guard as not analysed rather than skip it silently.

Guards are read from their syntax tree (:func:`pathway.expr.parse.parse`); text that does not parse (a construct
this version's parser does not know) is searched for the function names instead.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Final

from pathway.definition.analysis import Analysis
from pathway.definition.model import Pathway
from pathway.expr.durations import DAY, HOUR, parse_duration
from pathway.expr.parse import parse

REFERENCE_DAY: Final = date(2026, 1, 1)
"""The moment lint evaluates guards that read the clock: midnight at the start of this day."""
CLOCK: Final = ("days_since", "hours_since", "time_since", "time_in_state", "days_since_done")
"""The functions that read the clock ("now"): their value changes while no fact does."""
TIME: Final = (*CLOCK, "days_between", "last")
"""Every function that reads or returns a time."""
ENUMERATED: Final = {"date": ("days_since",), "datetime": ("days_since", "hours_since")}
"""The calls through which lint enumerates a date (or date-time) fact: how long ago it was."""
_CALLED: Final = re.compile(r"\b(" + "|".join(TIME) + r")\s*\(")


def timer(transition: object) -> timedelta | None:
    """A transition's ``after`` as a duration (None when it is not a timer)."""
    after = getattr(transition, "after", None)
    return parse_duration(after) if isinstance(after, str) else None


def _tree(text: str) -> ast.expr | None:
    parsed = parse(text)
    return None if isinstance(parsed, list) else parsed[0]


def _call_name(node: ast.AST) -> str | None:
    return node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else None


def time_calls(text: str) -> tuple[str, ...]:
    """The time functions an expression calls (:data:`TIME`), each once, in the order written."""
    tree = _tree(text)
    if tree is None:
        return tuple(dict.fromkeys(m.group(1) for m in _CALLED.finditer(text)))
    calls = [
        (node.col_offset, name)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and (name := _call_name(node)) is not None and name in TIME
    ]
    return tuple(dict.fromkeys(name for _, name in sorted(calls)))


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    return {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def unenumerable(pathway: Pathway, text: str) -> str | None:
    """Why the exhaustive checks cannot enumerate what the expression reads of time, in a few words ('days_between()',
    "date 'start' other than through days_since()"); None when it reads no time, or only what they enumerate."""
    tree = _tree(text)
    if tree is None:
        calls = time_calls(text)
        return f"{calls[0]}()" if calls else None
    parents = _parents(tree)
    for node in ast.walk(tree):
        name = _call_name(node)
        if name in TIME and name not in ("days_since", "hours_since"):
            return f"{name}()"
        if not isinstance(node, ast.Name):
            continue
        fact = pathway.facts.get(node.id)
        if fact is None or fact.type not in ENUMERATED:
            continue
        parent = parents.get(id(node))
        call = _call_name(parent) if isinstance(parent, ast.Call) and parent.args == [node] else None
        if call is None or call not in (*ENUMERATED[fact.type], "known"):
            kind = "date-time" if fact.type == "datetime" else "date"
            through = " or ".join(f"{f}()" for f in ENUMERATED[fact.type])
            return f"{kind} '{node.id}' other than through {through}"
    return None


def guard_time(analysis: Analysis, transition_id: str, when: str | None) -> tuple[bool, str | None]:
    """Whether a transition's guard reads time (a date or date-time fact, or a time function, itself or through
    the derived facts it reads), and why the exhaustive checks cannot enumerate it (None when they can)."""
    guard = analysis.guards.get(transition_id)
    if guard is None or when is None:
        return False, None
    texts: list[tuple[str, str | None]] = [(when, None)]
    read, seen = set(guard.names), set()
    todo = sorted(n for n in guard.names if n in analysis.derived)
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        texts.append((analysis.pathway.derived[name].expr, name))
        read |= analysis.derived[name].names
        todo.extend(sorted(n for n in analysis.derived[name].names if n in analysis.derived))
    for text, through in texts:
        why = unenumerable(analysis.pathway, text)
        if why is not None:
            return True, why + (f" (through derived fact '{through}')" if through else "")
    facts = analysis.pathway.facts
    dated = any(name in facts and facts[name].type in ENUMERATED for name in read)
    return dated or any(time_calls(text) for text, _ in texts), None


def clock_calls(analysis: Analysis, text: str, names: Iterable[str]) -> tuple[tuple[str, ...], str | None]:
    """The clock functions (:data:`CLOCK`) an expression calls, directly or through the derived facts it reads
    (``names``: the names it reads), and the derived fact that calls them (None when the expression itself does)."""
    own = tuple(c for c in time_calls(text) if c in CLOCK)
    if own:
        return own, None
    seen: set[str] = set()
    stack = sorted(n for n in names if n in analysis.derived)
    while stack:
        name = stack.pop(0)
        if name in seen:
            continue
        seen.add(name)
        found = tuple(c for c in time_calls(analysis.pathway.derived[name].expr) if c in CLOCK)
        if found:
            return found, name
        stack.extend(sorted(n for n in analysis.derived[name].names if n in analysis.derived))
    return (), None


def _near(literals: Iterable[float], low: int, high: int) -> set[int]:
    """0, and the whole numbers next to each literal, within [low, high]."""
    near = {p for c in literals for p in (math.floor(c) - 1, math.floor(c), math.ceil(c), math.ceil(c) + 1)}
    return {p for p in near if low <= p <= high} | {0}


def clock_domain(kind: str, literals: Iterable[float], today: date = REFERENCE_DAY) -> tuple[object, ...]:
    """The values that stand for a date (``kind`` 'date') or date-time fact read through :data:`ENUMERATED`: the
    moments before ``today`` by 0 and by each number next to the ones it is compared with (in days; for a date-time
    also in hours), latest first; within the calendar (years 1 to 9999). ``today`` is a day (lint: its midnight) or
    a date-time (scenario generation: the clock of a step, whose time of day a date-time fact keeps)."""
    now = today if isinstance(today, datetime) else datetime(today.year, today.month, today.day)
    day = now.date()
    ahead, back = (date.max - day).days, (day - date.min).days
    days = _near(literals, -ahead, back)
    if kind == "date":
        return tuple(day - DAY * k for k in sorted(days))
    lengths = {DAY * k for k in days} | {HOUR * k for k in _near(literals, -ahead * 24, back * 24)}
    return tuple(now - length for length in sorted(lengths))
