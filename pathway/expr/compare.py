"""Comparisons, list literals and membership in the expression checker: which operands may be compared, enum
values checked against the enum, numbers against numbers, durations against durations, and moments (dates and
date-times, a date counting as midnight) against moments."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from pathway.diagnostics import did_you_mean, one_of
from pathway.diagnostics.codes import Code
from pathway.expr import closures
from pathway.expr.checker import BOOL, COMPARISONS, LIST, TIMES, UNIT_HINT, CheckerBase, Typed, literal_value
from pathway.expr.closures import NO_VALUE, Fn


class CompareRules(CheckerBase):
    """Comparisons, list literals and membership: which operands may be compared, and with what."""

    def _sequence(self, node: ast.List | ast.Tuple) -> Typed | None:
        items = [(literal_value(element), element) for element in node.elts]
        wrong = [element for value, element in items if value is NO_VALUE]
        if wrong:  # one issue per list, at its first non-literal
            more = f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""
            self.report(
                Code.PW202,
                wrong[0],
                f"a list {self.where} may hold only literals (numbers, "
                f"strings, true/false), not {self.quote(wrong[0])}{more}",
            )
            return None
        values = tuple(value for value, _ in items)
        return Typed(LIST, closures.constant(values), node, values, tuple(items))

    def _compare(self, node: ast.Compare) -> Typed | None:
        refused = [op for op in node.ops if isinstance(op, ast.Is | ast.IsNot)]
        if refused:
            self.refuse(node, refused[0])
            return None
        operands = self.visit_all([node.left, *node.comparators])
        if operands is None:
            return None
        steps = zip(node.ops, operands, operands[1:], strict=False)
        pairs = [self.pair(op, left, right) for op, left, right in steps]
        fns = [fn for fn in pairs if fn is not None]
        if len(fns) != len(pairs):
            return None
        return Typed(BOOL, fns[0] if len(fns) == 1 else closures.kleene_and(fns), node)  # a < b < c: a chain

    def pair(self, op: ast.cmpop, left: Typed, right: Typed) -> Fn | None:
        if isinstance(op, ast.In | ast.NotIn):
            return self.membership(isinstance(op, ast.NotIn), left, right)
        symbol, function = COMPARISONS[type(op)]
        if isinstance(op, ast.Eq | ast.NotEq):
            ok = self.equality(symbol, left, right)
        else:
            ok = self.ordering(symbol, left, right)
        if not ok:
            return None
        if left.type.kind != right.type.kind and {left.type.kind, right.type.kind} == TIMES:
            # a date with a date-time: the date counts as midnight at its start
            if left.type.kind == "date":
                return closures.compare(function, closures.as_moment(left.fn), right.fn)
            return closures.compare(function, left.fn, closures.as_moment(right.fn))
        return closures.compare(function, left.fn, right.fn, right.value)

    def ordering(self, symbol: str, left: Typed, right: Typed) -> bool:
        lt, rt = left.type, right.type
        if (lt.numeric and rt.numeric) or (lt.kind in TIMES and rt.kind in TIMES) or lt.kind == rt.kind == "duration":
            return True
        if self.unit_missing(symbol, left, right):
            return False
        hint = "enum values have no order; use == or 'in'" if "enum" in (lt.kind, rt.kind) else None
        message = (
            f"'{symbol}' needs two numbers, two durations, or two dates or date-times, but {self.is_(left)} and "
            f"{self.is_(right)}"
        )
        self.report(Code.PW204, left.node, message, hint, until=right.node)
        return False

    def unit_missing(self, symbol: str, left: Typed, right: Typed) -> bool:
        """Report a number compared with a duration (either way round): the number lacks its unit."""
        lt, rt = left.type, right.type
        if not ((lt.numeric and rt.kind == "duration") or (lt.kind == "duration" and rt.numeric)):
            return False
        message = (
            f"'{symbol}' cannot compare {self.quote(left.node)} ({lt.describe()}) with "
            f"{self.quote(right.node)} ({rt.describe()})"
        )
        self.report(Code.PW204, left.node, message, UNIT_HINT, until=right.node)
        return True

    def equality(self, symbol: str, left: Typed, right: Typed) -> bool:
        lt, rt = left.type, right.type
        if (lt.numeric and rt.numeric) or (lt.kind == rt.kind and lt.kind in ("bool", "duration")):
            return True
        if lt.kind in TIMES and rt.kind in TIMES:
            return True
        if self.unit_missing(symbol, left, right):
            return False
        if lt.kind == "enum" and rt.kind == "str":
            return self.enum_value(left, right.value, right.node)
        if rt.kind == "enum" and lt.kind == "str":
            return self.enum_value(right, left.value, left.node)
        if lt.kind == "enum" and rt.kind == "enum":
            return self.enums_overlap(symbol, left, right)
        message = (
            f"'{symbol}' cannot compare {self.quote(left.node)} ({lt.describe()}) with "
            f"{self.quote(right.node)} ({rt.describe()})"
        )
        self.report(Code.PW204, left.node, message, until=right.node)
        return False

    def enums_overlap(self, symbol: str, left: Typed, right: Typed) -> bool:
        if left.type.values & right.type.values:
            return True
        always = "false" if symbol == "==" else "true"
        message = (
            f"{self.quote(left.node)} and {self.quote(right.node)} have no value in common, so "
            f"'{symbol}' is always {always}"
        )
        self.report(Code.PW204, left.node, message, until=right.node)
        return False

    def enum_value(self, enum: Typed, value: object, node: ast.expr) -> bool:
        """Report PW207 unless the string literal ``value`` is one of the enum's values."""
        values = enum.type.values
        if value in values:
            return True
        label = enum.type.name or self.source.segment(enum.node)
        close = did_you_mean(str(value), values)
        hint = (f"{close} " if close else "") + f"'{label}' is one of {one_of(values)}"
        self.report(Code.PW207, node, f"'{label}' has no value '{value}'", hint)
        return False

    def membership(self, negated: bool, left: Typed, right: Typed) -> Fn | None:
        symbol = "not in" if negated else "in"
        if right.items is None:
            message = f"the right side of '{symbol}' must be a list of literals, but {self.is_(right)}"
            self.report(Code.PW204, right.node, message, 'for example: route in ["iv", "sc"]')
            return None
        if left.type.kind == "enum":
            ok = self.enum_items(left, right.items)
        elif left.type.numeric:
            ok = self.numeric_items(symbol, left, right.items)
        else:
            self.report(
                Code.PW204, left.node, f"'{symbol}' needs an enum or a number on its left, but {self.is_(left)}"
            )
            ok = False
        if not ok:
            return None
        return closures.member(left.fn, frozenset(value for value, _ in right.items), negated)

    def enum_items(self, enum: Typed, items: Sequence[tuple[object, ast.expr]]) -> bool:
        ok = True
        for value, node in items:
            if type(value) is not str:
                quoted = self.quote(enum.node)
                message = f"{quoted} is an enum, so the list must hold strings, not {self.quote(node)}"
                self.report(Code.PW204, node, message)
                ok = False
            elif not self.enum_value(enum, value, node):
                ok = False
        return ok

    def numeric_items(self, symbol: str, left: Typed, items: Sequence[tuple[object, ast.expr]]) -> bool:
        ok = True
        for value, node in items:
            if type(value) not in (int, float):
                self.report(
                    Code.PW204,
                    node,
                    f"'{symbol}' compares {self.is_(left)} with {self.quote(node)}, which is not a number",
                )
                ok = False
        return ok
