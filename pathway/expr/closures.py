"""Building blocks of compiled expressions: small closures over an environment list, never the syntax tree.

A compiled expression is a tree of these closures. Each takes ``env``: the values of the expression's names in
sorted order (already checked against their types, UNKNOWN when unknown or ill-typed; the :class:`EvalError` of a
derived fact that could not be evaluated), followed by the evaluation's ``today``. Every closure returns a value or
UNKNOWN, or raises when it cannot be evaluated: arithmetic that fails (division by zero, a result too large for a
number) raises, and so does reading a derived fact that failed (:class:`Failed`). A failure propagates through
every operator like a value would, so an error never hides behind ``unknown``.

Logic is Kleene's three-valued logic. ``and`` stops at the first false operand and ``or`` at the first true
one: closures have no side effects and the names an expression reads are known statically, so stopping early
never changes a result, nor what the evaluation reports as read or missing. An operand that fails is held back
while the others can still decide: ``false and <error>`` is false whichever side the error is on, as
``false and unknown`` is; when no operand decides, the first failure is raised (it dominates unknown).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from math import isfinite
from typing import Any, Final

from pathway.expr.types import UNKNOWN, EvalError

Env = list[object]
Fn = Callable[[Env], object]
NeedsFn = Callable[[Env], list[int]]
BinaryOp = Callable[[Any, Any], Any]

NO_VALUE: Final = object()
"""Marks 'not a literal' where a literal's value would be."""


class Failed(Exception):
    """Raised when an expression reads a derived fact whose own expression could not be evaluated."""

    def __init__(self, error: EvalError) -> None:
        super().__init__(error.message)
        self.error = error


def constant(value: object) -> Fn:
    def const(env: Env) -> object:
        return value

    return const


def slot(index: int) -> Fn:
    """The value of a name; raises :class:`Failed` for a derived fact that could not be evaluated."""

    def read(env: Env) -> object:
        value = env[index]
        if value.__class__ is EvalError:
            raise Failed(value)
        return value

    return read


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
    """False if any operand is false; else the first failure if any operand fails; else unknown if any is
    unknown; else true."""
    if len(fns) == 2:
        f, g = fns

        def and2(env: Env) -> object:
            try:
                a = f(env)
            except Exception:
                if _decides(g, env, False):
                    return False
                raise
            if a is False:
                return False
            b = g(env)
            if b is False:
                return False
            return True if a is True and b is True else UNKNOWN

        return and2
    return _kleene(tuple(fns), decisive=False)


def kleene_or(fns: Sequence[Fn]) -> Fn:
    """True if any operand is true; else the first failure if any operand fails; else unknown if any is unknown;
    else false."""
    return _kleene(tuple(fns), decisive=True)


def _decides(f: Fn, env: Env, decisive: bool) -> bool:
    """Whether an operand evaluates to the value that decides its and/or (a failure decides nothing)."""
    try:
        return f(env) is decisive
    except Exception:
        return False


def _kleene(items: tuple[Fn, ...], decisive: bool) -> Fn:
    """``or`` (decisive True) or ``and`` (decisive False) over any number of operands."""

    identity = not decisive

    def logic(env: Env) -> object:
        result: object = identity
        failure: Exception | None = None
        for f in items:
            try:
                value = f(env)
            except Exception as error:  # held back: a later operand may still decide
                failure = failure or error
                continue
            if value is decisive:
                return decisive
            if value is not identity:
                result = UNKNOWN
        if failure is not None:
            raise failure
        return result

    return logic


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
    """``+ - * /``; unknown when either side is unknown. Raises on division by zero and when the result is too
    large for a number (OverflowError, also for a float result that would be infinite)."""

    def arith(env: Env) -> object:
        a = left(env)
        b = right(env)
        if a is UNKNOWN or b is UNKNOWN:
            return UNKNOWN
        result = op(a, b)
        if result.__class__ is float and not isfinite(result):
            raise OverflowError("the result is too large for a number")
        return result

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


def _undecided(fn: Fn, env: Env) -> bool:
    """Whether a part is unknown (a part that fails is decided: no fact can change it)."""
    try:
        return fn(env) is UNKNOWN
    except Exception:
        return False


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
        if fn is not None and not _undecided(fn, env):
            return []
        found: list[int] = []
        for part in parts:
            found += part(env)
        return found

    return node_needs
