"""Building blocks of compiled expressions: small closures over an environment list, never the syntax tree.

A compiled expression is a tree of these closures. Each takes ``env``: the values of the names the expression reads
in sorted order (already checked against their types, UNKNOWN when unknown or ill-typed; the :class:`EvalError` of
a derived fact that could not be evaluated), then the clock values (see :class:`Layout`): the evaluation's now (a
naive datetime, or None), the time the guard's state has been active (``time_in_state()``), and for each fact read
through ``last(f)`` when it was last given. Every closure returns a value or
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
from datetime import date, datetime, timedelta
from math import isfinite
from typing import Any, Final, NamedTuple

from pathway.expr.durations import DAY, HOUR
from pathway.expr.types import UNKNOWN, EvalError

Env = list[object]
Fn = Callable[[Env], object]
NeedsFn = Callable[[Env], list[int]]
BinaryOp = Callable[[Any, Any], Any]

NO_VALUE: Final = object()
"""Marks 'not a literal' where a literal's value would be."""


class Layout(NamedTuple):
    """Where the clock values stand in ``env``, after the ``names`` slots: ``now``, then ``in_state`` (how long the
    guard's source state has been active), then the time each fact of ``last`` (in this order) was last given."""

    names: int

    @property
    def now(self) -> int:
        return self.names

    @property
    def in_state(self) -> int:
        return self.names + 1

    def last(self, position: int) -> int:
        return self.names + 2 + position


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


def moment(value: object) -> datetime | None:
    """A date or date-time as a date-time (a date counts as midnight at its start); None for anything else."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return None


def as_moment(f: Fn) -> Fn:
    """A date operand compared with a date-time: the date counts as midnight."""

    def promote(env: Env) -> object:
        value = f(env)
        when = moment(value)
        return UNKNOWN if when is None else when

    return promote


def time_since(f: Fn, now_index: int, unit: timedelta | None = None) -> Fn:
    """The time from a date or date-time to the evaluation's now: a duration, or (with ``unit``) the whole number
    of units, rounded down (floor, also for a negative difference). Unknown without now or without the value."""

    def since(env: Env) -> object:
        then = moment(f(env))
        now = env[now_index]
        if then is None or not isinstance(now, datetime):
            return UNKNOWN
        return now - then if unit is None else (now - then) // unit

    return since


def days_since(f: Fn, now_index: int) -> Fn:
    """Whole days from a date or date-time to now, rounded down. For a date this is ``(today - date).days``
    whatever the time of day now is: the time since midnight is less than a day."""
    return time_since(f, now_index, DAY)


def hours_since(f: Fn, now_index: int) -> Fn:
    """Whole hours from a date or date-time to now, rounded down."""
    return time_since(f, now_index, HOUR)


def days_between(first: Fn, second: Fn) -> Fn:
    """Whole days from the first date or date-time to the second (second - first), rounded down; for two dates,
    ``(second - first).days``."""

    def between(env: Env) -> object:
        a = moment(first(env))
        b = moment(second(env))
        if a is None or b is None:
            return UNKNOWN
        return (b - a) // DAY

    return between


def _undecided(fn: Fn, env: Env) -> bool:
    """Whether a part is unknown (a part that fails is decided: no fact can change it)."""
    try:
        return fn(env) is UNKNOWN
    except Exception:
        return False


def needs(
    node: ast.AST, fns: dict[int, Fn], slots: Mapping[str, int], leaves: Mapping[int, int] | None = None
) -> NeedsFn:
    """The slots whose values could still decide an undecided expression: a decided node needs nothing; an
    undecided node needs what its undecided parts need; an unknown name needs itself. So in
    ``off and worsening``, with ``off`` false, ``worsening`` is not needed, and ``known(x)`` never needs ``x``.
    ``leaves`` maps other nodes that read one slot (``last(f)``: id of the node -> its slot) to that slot: unknown,
    such a node needs it. Only called when the whole expression is unknown, so decided evaluations cost nothing
    extra."""
    leaves = leaves or {}
    index = slots.get(node.id) if isinstance(node, ast.Name) else leaves.get(id(node))
    if index is not None:
        slot_index = index

        def leaf_needs(env: Env) -> list[int]:
            return [slot_index] if env[slot_index] is UNKNOWN else []

        return leaf_needs
    fn = fns.get(id(node))
    parts = [needs(child, fns, slots, leaves) for child in ast.iter_child_nodes(node) if id(child) in fns]

    def node_needs(env: Env) -> list[int]:
        if fn is not None and not _undecided(fn, env):
            return []
        found: list[int] = []
        for part in parts:
            found += part(env)
        return found

    return node_needs
