"""Type-check an expression's syntax tree against the declared symbols and compile it to closures, in one
pass.

Only the constructs with a visitor below are accepted; anything else is refused (PW202) before it could run.
Every issue found is collected, not only the first; a subexpression with an issue is not checked further, so
one mistake gives one issue.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Collection, Mapping
from datetime import timedelta
from typing import Any

from pathway.diagnostics.codes import Code
from pathway.expr import closures
from pathway.expr.calls import CallRules
from pathway.expr.checker import (
    ARITHMETIC,
    BOOL,
    DURATION,
    INT,
    LITERAL_NAMES,
    NUMBER,
    STR,
    TIMES,
    UNIT_HINT,
    Typed,
    literal_value,
)
from pathway.expr.closures import NO_VALUE
from pathway.expr.compare import CompareRules
from pathway.expr.evaluate import Compiled, Plan
from pathway.expr.parse import BOOL_LITERALS, Source, issue, parse
from pathway.expr.types import ExprIssue, ValueType, value_checker


class _Checker(CompareRules, CallRules):
    """Walks a syntax tree once: reports issues and returns typed closures."""

    def __init__(
        self,
        source: Source,
        symbols: Mapping[str, ValueType],
        slots: Mapping[str, int],
        guard: bool,
        actions: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(source, symbols, slots, guard, actions)
        self._visitors: dict[type[ast.AST], Callable[[Any], Typed | None]] = {
            ast.Constant: self._constant,
            ast.Name: self._name,
            ast.UnaryOp: self._unary,
            ast.BinOp: self._binary,
            ast.BoolOp: self._boolean,
            ast.Compare: self._compare,
            ast.Call: self._call,
            ast.List: self._sequence,
            ast.Tuple: self._sequence,
        }
        self._functions: dict[str, Callable[[ast.Call, list[Typed]], Typed | None]] = {
            "max": self._extreme,
            "min": self._extreme,
            "abs": self._abs,
            "days_since": self._since,
            "days_between": self._days_between,
            "hours_since": self._since,
            "time_since": self._since,
            "time_in_state": self._time_in_state,
        }

    def visit(self, node: ast.expr) -> Typed | None:
        visitor = self._visitors.get(type(node))
        if visitor is None:
            self.refuse(node)
            return None
        typed = visitor(node)
        if typed is not None:
            self.fns[id(node)] = typed.fn
        return typed

    def check_result(self, typed: Typed, want_bool: bool) -> None:
        kind = typed.type.kind
        if want_bool and kind != "bool":
            example = {"int": " >= 3", "number": " >= 3", "enum": ' == "..."', "duration": " >= 72h"}.get(kind)
            hint = f"compare it, e.g. {self.source.segment(typed.node)}{example}" if example else None
            if kind == "date":
                hint = "count days with days_since(...) and compare them"
            elif kind == "datetime":
                hint = "count the time with time_since(...) and compare it, e.g. time_since(x) >= 72h"
            self.report(Code.PW204, typed.node, f"a guard must be true or false, but {self.is_(typed)}", hint)
        elif not want_bool and kind in ("str", "list"):
            self.report(
                Code.PW204,
                typed.node,
                "an expression must give true/false, a number, an enum value, a date, a date-time or a duration, "
                f"but {self.is_(typed)}",
            )

    def _constant(self, node: ast.Constant) -> Typed | None:
        value = node.value
        if isinstance(value, bool):
            return Typed(BOOL, closures.constant(value), node, value)
        if isinstance(value, int):
            return Typed(INT, closures.constant(value), node, value)
        if isinstance(value, float) and not math.isfinite(value):
            self.report(Code.PW204, node, f"the number {self.quote(node)} is too large")
            return None
        if isinstance(value, float):
            return Typed(NUMBER, closures.constant(value), node, value)
        if isinstance(value, str):
            return Typed(STR, closures.constant(value), node, value)
        if isinstance(value, timedelta):  # a duration literal (see pathway.expr.parse)
            return Typed(DURATION, closures.constant(value), node, value)
        if value is None:
            self.report(
                Code.PW202,
                node,
                f"None is not allowed {self.where}",
                "a fact not yet known is unknown; test it with known(name)",
            )
        else:
            what = LITERAL_NAMES.get(type(value), f"the literal {self.quote(node)}")
            self.report(Code.PW202, node, f"{what} is not allowed {self.where}")
        return None

    def _name(self, node: ast.Name) -> Typed | None:
        if node.id in BOOL_LITERALS:
            value = BOOL_LITERALS[node.id]
            return Typed(BOOL, closures.constant(value), node, value)
        vt = self.symbols.get(node.id)
        if vt is None:
            self.unknown_name(node)
            return None
        self.value_names.add(node.id)
        return Typed(vt, closures.slot(self.slots[node.id]), node)

    def _unary(self, node: ast.UnaryOp) -> Typed | None:
        if isinstance(node.op, ast.Invert):
            self.refuse(node, node.op)
            return None
        operand = self.visit(node.operand)
        if operand is None:
            return None
        if isinstance(node.op, ast.Not):
            if operand.type.kind != "bool":
                message = f"'not' needs a true/false operand, but {self.is_(operand)}"
                self.report(Code.PW204, operand.node, message)
                return None
            return Typed(BOOL, closures.negate(operand.fn), node)
        negative = isinstance(node.op, ast.USub)
        if not self.numeric_operands("-" if negative else "+", [operand]):
            return None
        vt = ValueType(operand.type.kind)
        if operand.value is not NO_VALUE:  # a literal such as -1: fold it
            value = literal_value(node)
            return Typed(vt, closures.constant(value), node, value)
        return Typed(vt, closures.unary(operator.neg if negative else operator.pos, operand.fn), node)

    def _binary(self, node: ast.BinOp) -> Typed | None:
        entry = ARITHMETIC.get(type(node.op))
        if entry is None:
            self.refuse(node, node.op)
            return None
        symbol, op = entry
        operands = self.visit_all([node.left, node.right])
        if operands is None:
            return None
        if symbol in "+-" and any(operand.type.kind == "duration" for operand in operands):
            return self._durations(node, symbol, op, operands)
        if not self.numeric_operands(symbol, operands):
            return None
        left, right = operands
        if symbol == "/" and right.value is not NO_VALUE and right.value == 0:
            self.report(Code.PW204, right.node, f"division by zero in {self.quote(node)}")
            return None
        both_int = left.type.kind == "int" and right.type.kind == "int"
        vt = INT if both_int and symbol != "/" else NUMBER
        return Typed(vt, closures.arithmetic(op, left.fn, right.fn), node)

    def _durations(self, node: ast.BinOp, symbol: str, op: Any, operands: list[Typed]) -> Typed | None:
        """``+`` and ``-`` of two durations give a duration; nothing else adds to a duration."""
        left, right = operands
        if left.type.kind == right.type.kind == "duration":
            return Typed(DURATION, closures.arithmetic(op, left.fn, right.fn), node)
        other = right if left.type.kind == "duration" else left
        hint = UNIT_HINT if other.type.numeric else None
        if other.type.kind in TIMES:
            hint = "there is no date arithmetic: compare the time since it, e.g. time_since(x) >= 72h"
        self.report(Code.PW204, other.node, f"'{symbol}' needs two durations here, but {self.is_(other)}", hint)
        return None

    def _boolean(self, node: ast.BoolOp) -> Typed | None:
        word = "and" if isinstance(node.op, ast.And) else "or"
        operands = self.visit_all(node.values)
        if operands is None:
            return None
        ok = True
        for operand in operands:
            if operand.type.kind != "bool":
                message = f"'{word}' needs true/false operands, but {self.is_(operand)}"
                self.report(Code.PW204, operand.node, message)
                ok = False
        if not ok:
            return None
        fns = [operand.fn for operand in operands]
        return Typed(BOOL, closures.kleene_and(fns) if word == "and" else closures.kleene_or(fns), node)


def compile_expr(
    text: str, symbols: Mapping[str, ValueType], *, want_bool: bool, actions: Collection[str] = ()
) -> Compiled | list[ExprIssue]:
    """Parse, check against the allowlist and the symbol types, and compile. Returns every issue found (not
    only the first) when the text is invalid. want_bool=True for guards: the result type must be bool (PW204
    otherwise). ``actions``: the action ids the decisions a guard reads may name (``done(a)``). Never raises,
    whatever the text."""
    parsed = parse(text)
    if isinstance(parsed, list):
        return parsed
    tree, source = parsed
    names = sorted(source.values)  # the slots; a fact read only through last(f) is read for its time alone
    recorded = sorted(source.recorded)  # then the decisions it reads, each one slot ('done(a)' ...)
    slots = {name: i for i, name in enumerate([*names, *recorded])}
    checker = _Checker(source, symbols, slots, want_bool, frozenset(actions))
    typed = checker.visit(tree)
    if typed is not None:
        checker.check_result(typed, want_bool)
    if checker.issues or typed is None:
        return sorted(checker.issues, key=lambda found: found.offset) or [
            issue(Code.PW202, text, 0, len(text), f"the {checker.subject} cannot be compiled")
        ]
    plan = Plan(
        slots=tuple((name, value_checker(symbols[name]), name in checker.value_names) for name in names),
        fn=typed.fn,
        needs=closures.needs(tree, checker.fns, checker.slots, checker.leaves),
        last=tuple(checker.last),
        in_state=checker.in_state,
        recorded=tuple(recorded),
    )
    return Compiled(
        text=text,
        type=typed.type,
        names=source.names,
        _plan=plan,
        clock=checker.clock,
        in_state=checker.in_state,
        last=frozenset(checker.last),
        recorded=frozenset(recorded),
    )
