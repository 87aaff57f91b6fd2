"""Whole-file checks of what a pathway says about consistency: its ``constraints`` and its facts' ``assume``.

A constraint is compiled like a guard (the same codes, PW201-PW207, at its ``expr``) and may not read the clock,
itself or through a derived fact (PW202): it must hold for any patient at any time, so that an input breaks it,
never the passing of time. An assumed value must fit its fact (PW012 for the wrong type, PW013 for a value or range
the fact does not allow, and for a date or date-time fact, which has no value that is safe to assume). ``known(f)``
of a fact with an assumed value is refused (PW202): guards read the assumed value while ``f`` is not recorded, so
``known()`` could not tell the two apart. :func:`pathway.definition.analysis.analyse` calls :func:`check_consistency`.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pathway.definition.index import StateIndex
from pathway.definition.issues import Issue, expr_issues, reads_broken
from pathway.definition.model import Fact, Pathway
from pathway.diagnostics import did_you_mean, one_of
from pathway.diagnostics.codes import Code
from pathway.expr import Compiled, ValueType, compile_expr, referenced_names
from pathway.expr.parse import parse

_CLOCK = ("days_since", "hours_since", "time_since", "time_in_state", "last")
"""The functions whose value depends on when the expression is evaluated (``last(f)``: on the inputs so far)."""


@dataclass(frozen=True)
class Consistency:
    """The compiled constraints, the assumed value of each fact that declares a valid one, and the issues found."""

    constraints: Mapping[str, Compiled]
    assumptions: Mapping[str, object]
    issues: tuple[Issue, ...]


def check_consistency(
    pathway: Pathway,
    index: StateIndex,
    symbols: Mapping[str, ValueType],
    derived: Mapping[str, Compiled],
    broken: frozenset[str],
) -> Consistency:
    """Check and compile the constraints (over ``symbols``; ``broken``: derived facts that did not compile) and the
    assumed values; refuse ``known()`` of an assumed fact in any guard, derived fact or constraint."""
    issues: list[Issue] = []
    assumptions: dict[str, object] = {}
    for name, fact in pathway.facts.items():
        if fact.assume is not None:
            problem = _misfit(name, fact, fact.assume.value)
            if problem is None:
                assumptions[name] = fact.assume.value
            else:
                issues.append(problem)
    constraints = _compile(pathway, symbols, derived, broken, issues)
    assumed = frozenset(name for name, fact in pathway.facts.items() if fact.assume is not None)
    if assumed:
        issues += _known_of_assumed(pathway, index, assumed)
    return Consistency(constraints, assumptions, tuple(issues))


# Assumed values ----------------------------------------------------------------------------------------------


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else f"{value:g}" if isinstance(value, float) else str(value)


def _misfit(name: str, fact: Fact, value: object) -> Issue | None:
    """Why ``value`` cannot be assumed for ``fact``, or None when it fits its type, values and range."""
    path = ("facts", name, "assume", "value")
    if fact.type in ("date", "datetime"):
        kind = "date-time" if fact.type == "datetime" else "date"
        return Issue(
            ("facts", name, "assume"),
            Code.PW013,
            f"fact '{name}' is a {kind}: no {kind} can be assumed",
            "an assumed value stands in while the fact is not recorded; remove 'assume' and let the pathway ask for it",
            key=True,
        )
    wanted: dict[str, type | tuple[type, ...]] = {"bool": bool, "int": int, "number": (int, float), "enum": str}
    if isinstance(value, bool) != (fact.type == "bool") or not isinstance(value, wanted[fact.type]):
        words = {"bool": "true or false", "int": "a whole number", "number": "a number", "enum": "one of its values"}
        hint = f"write {words[fact.type]}" + (f": {one_of(fact.values or ())}" if fact.type == "enum" else "")
        message = f"the assumed value of fact '{name}' ({fact.type}) must be {words[fact.type]}, not {_shown(value)}"
        return Issue(path, Code.PW012, message, hint)
    if isinstance(value, str) and value not in (fact.values or ()):
        allowed = f"its values are {one_of(fact.values or ())}"
        close = did_you_mean(value, fact.values or ())
        hint = f"{close} {allowed}" if close else allowed
        return Issue(path, Code.PW013, f"{value!r} is not a value of fact '{name}'", hint)
    if isinstance(value, int | float) and not _in_range(fact, value):
        low = "-inf" if fact.min is None else f"{fact.min:g}"
        high = "inf" if fact.max is None else f"{fact.max:g}"
        message = f"the assumed value {_shown(value)} of fact '{name}' is outside its range {low} to {high}"
        return Issue(path, Code.PW013, message, "assume a value the fact can take")
    return None


def _in_range(fact: Fact, value: float) -> bool:
    low = -math.inf if fact.min is None else fact.min
    high = math.inf if fact.max is None else fact.max
    return low <= value <= high


# Constraints -------------------------------------------------------------------------------------------------


def _compile(
    pathway: Pathway,
    symbols: Mapping[str, ValueType],
    derived: Mapping[str, Compiled],
    broken: frozenset[str],
    issues: list[Issue],
) -> dict[str, Compiled]:
    """Compile every constraint; one that reads a derived fact which failed is skipped (its own issue is the one
    to fix), and one that reads the clock is refused."""
    compiled: dict[str, Compiled] = {}
    for name, constraint in pathway.constraints.items():
        text, path = constraint.expr, ("constraints", name, "expr")
        if reads_broken(text, broken):
            continue
        result = compile_expr(text, symbols, want_bool=True)
        if not isinstance(result, Compiled):
            issues.extend(expr_issues(path, text, result))
            continue
        timed = _reads_time(result, derived)
        if timed is None:
            compiled[name] = result
        else:
            issues.append(_timed_issue(name, text, timed))
    return compiled


def _reads_time(compiled: Compiled, derived: Mapping[str, Compiled]) -> str | None:
    """None when the expression reads no clock, else what reads it: a function name, or the derived fact."""
    if compiled.clock or compiled.last:
        return ""
    seen: set[str] = set()
    todo = sorted(n for n in compiled.names if n in derived)
    for first in todo:
        stack = [first]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            sub = derived[name]
            if sub.clock or sub.last:
                return first
            stack.extend(n for n in sub.names if n in derived)
    return None


def _timed_issue(name: str, text: str, through: str) -> Issue:
    parsed = parse(text)
    span = (text, 0, len(text))
    if not isinstance(parsed, list):
        tree, source = parsed
        for node in ast.walk(tree):
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CLOCK
            named = through and isinstance(node, ast.Name) and node.id == through
            if called or named:
                span = (text, *source.span(node))
                break
    what = f"the derived fact '{through}', which reads the clock" if through else "the clock"
    return Issue(
        ("constraints", name, "expr"),
        Code.PW202,
        f"constraint '{name}' reads {what}: a constraint must hold whatever the time",
        "compare the facts themselves (days_between(a, b) compares two dates); time belongs in guards",
        span=span,
    )


# known() of an assumed fact ----------------------------------------------------------------------------------


def _texts(pathway: Pathway, index: StateIndex) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for name, d in pathway.derived.items():
        yield ("derived", name, "expr"), d.expr
    for t in index.transitions:
        if t.when is not None:
            yield (*t.path, "when"), t.when
    for name, c in pathway.constraints.items():
        yield ("constraints", name, "expr"), c.expr


def _known_of_assumed(pathway: Pathway, index: StateIndex, assumed: frozenset[str]) -> Iterator[Issue]:
    for path, text in _texts(pathway, index):
        if not (referenced_names(text) or frozenset()) & assumed:
            continue
        parsed = parse(text)
        if isinstance(parsed, list):
            continue  # reported where it is compiled
        tree, source = parsed
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "known"):
                continue
            arg = node.args[0] if len(node.args) == 1 else None
            if isinstance(arg, ast.Name) and arg.id in assumed:
                yield Issue(
                    path,
                    Code.PW202,
                    f"known({arg.id}) cannot tell whether '{arg.id}' is recorded: the fact has an assumed value "
                    "('assume'), which guards read while it is not",
                    f"read the value of '{arg.id}', or remove its 'assume' so that the pathway waits for it",
                    span=(text, *source.span(node)),
                )
