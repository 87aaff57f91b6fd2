"""Building blocks of compiled expressions: small closures over an environment list, never the syntax tree.

A compiled expression is a tree of these closures. Each takes ``env``: the values of the expression's names in
sorted order (already checked against their types, UNKNOWN when unknown or ill-typed), followed by the
evaluation's ``today``. Every closure returns a value or UNKNOWN, and never raises for inputs of the right
types: arithmetic errors (division by zero, overflow) give UNKNOWN.

Logic is Kleene's three-valued logic. ``and`` stops at the first false operand and ``or`` at the first true
one: closures have no side effects and the names an expression reads are known statically, so stopping early
never changes a result, nor what the evaluation reports as read or missing.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Final

from pathway.expr.types import UNKNOWN

Env = list[object]
Fn = Callable[[Env], object]
NeedsFn = Callable[[Env], list[int]]
BinaryOp = Callable[[Any, Any], Any]

NO_VALUE: Final = object()
"""Marks 'not a literal' where a literal's value would be."""


def constant(value: object) -> Fn:
    def const(env: Env) -> object:
        return value

    return const


def slot(index: int) -> Fn:
    return operator.itemgetter(index)


def negate(f: Fn) -> Fn:
    def not_(env: Env) -> object:
        value = f(env)
        if value is True:
            return False
        if value is False:
            return True
        return UNKNOWN

    return not_


def kleene_and(fns: Sequence[Fn]) -> Fn:
    """False if any operand is false, else unknown if any is unknown, else true."""
    if len(fns) == 2:
        f, g = fns

        def and2(env: Env) -> object:
            a = f(env)
            if a is False:
                return False
            b = g(env)
            if b is False:
                return False
            return True if a is True and b is True else UNKNOWN

        return and2
    items = tuple(fns)

    def and_n(env: Env) -> object:
        result: object = True
        for f in items:
            value = f(env)
            if value is False:
                return False
            if value is not True:
                result = UNKNOWN
        return result

    return and_n


def kleene_or(fns: Sequence[Fn]) -> Fn:
    """True if any operand is true, else unknown if any is unknown, else false."""
    items = tuple(fns)

    def or_n(env: Env) -> object:
        result: object = False
        for f in items:
            value = f(env)
            if value is True:
                return True
            if value is not False:
                result = UNKNOWN
        return result

    return or_n


def compare(op: BinaryOp, left: Fn, right: Fn, right_value: object = NO_VALUE) -> Fn:
    """A comparison; unknown when either side is unknown. A literal right side is inlined."""
    if right_value is not NO_VALUE:
        value = right_value

        def compare_literal(env: Env) -> object:
            a = left(env)
            return UNKNOWN if a is UNKNOWN else op(a, value)

        return compare_literal

    def compare_any(env: Env) -> object:
        a = left(env)
        b = right(env)
        return UNKNOWN if a is UNKNOWN or b is UNKNOWN else op(a, b)

    return compare_any


def member(f: Fn, values: frozenset[object], negated: bool) -> Fn:
    """``x in [...]`` / ``x not in [...]`` against a set of literals."""
    if negated:

        def not_in(env: Env) -> object:
            value = f(env)
            return UNKNOWN if value is UNKNOWN else value not in values

        return not_in

    def in_(env: Env) -> object:
        value = f(env)
        return UNKNOWN if value is UNKNOWN else value in values

    return in_


def arithmetic(op: BinaryOp, left: Fn, right: Fn) -> Fn:
    """``+ - * /``; unknown when either side is unknown, on division by zero, and on overflow."""

    def arith(env: Env) -> object:
        a = left(env)
        b = right(env)
        if a is UNKNOWN or b is UNKNOWN:
            return UNKNOWN
        try:
            return op(a, b)
        except ArithmeticError:
            return UNKNOWN

    return arith


def unary(op: Callable[[Any], Any], f: Fn) -> Fn:
    """Unary ``-`` / ``+`` and ``abs``."""

    def apply(env: Env) -> object:
        value = f(env)
        return UNKNOWN if value is UNKNOWN else op(value)

    return apply


def extreme(pick: Callable[[Sequence[Any]], Any], fns: Sequence[Fn]) -> Fn:
    """``max``/``min`` of two or more numbers; unknown when any argument is unknown."""
    items = tuple(fns)

    def pick_one(env: Env) -> object:
        values = [f(env) for f in items]
        for value in values:
            if value is UNKNOWN:
                return UNKNOWN
        return pick(values)

    return pick_one


def known(f: Fn) -> Fn:
    """True when the value is known, false otherwise: never unknown."""

    def is_known(env: Env) -> object:
        return f(env) is not UNKNOWN

    return is_known


def days_since(f: Fn, today_index: int) -> Fn:
    """Whole days from a date to the evaluation's today; unknown without today or without the date."""

    def since(env: Env) -> object:
        then = f(env)
        today = env[today_index]
        if then is UNKNOWN or not isinstance(today, date) or not isinstance(then, date):
            return UNKNOWN
        return (today - then).days

    return since


def days_between(first: Fn, second: Fn) -> Fn:
    """Whole days from the first date to the second (second - first)."""

    def between(env: Env) -> object:
        a = first(env)
        b = second(env)
        if not isinstance(a, date) or not isinstance(b, date):
            return UNKNOWN
        return (b - a).days

    return between


def needs(node: ast.AST, fns: dict[int, Fn], slots: Mapping[str, int]) -> NeedsFn:
    """The slots whose values could still decide an undecided expression: a decided node needs nothing; an
    undecided node needs what its undecided parts need; an unknown name needs itself. So in
    ``off and worsening``, with ``off`` false, ``worsening`` is not needed, and ``known(x)`` never needs ``x``.
    Only called when the whole expression is unknown, so decided evaluations cost nothing extra."""
    if isinstance(node, ast.Name) and node.id in slots:
        index = slots[node.id]

        def name_needs(env: Env) -> list[int]:
            return [index] if env[index] is UNKNOWN else []

        return name_needs
    fn = fns.get(id(node))
    parts = [needs(child, fns, slots) for child in ast.iter_child_nodes(node) if id(child) in fns]

    def node_needs(env: Env) -> list[int]:
        if fn is not None and fn(env) is not UNKNOWN:
            return []
        found: list[int] = []
        for part in parts:
            found += part(env)
        return found

    return node_needs
