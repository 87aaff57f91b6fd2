"""The six functions an expression may call (max, min, abs, known, days_since, days_between), checked for arity
and argument types."""

from __future__ import annotations

import ast
from collections.abc import Callable

from pathway.diagnostics import did_you_mean
from pathway.diagnostics.codes import Code
from pathway.expr import closures
from pathway.expr.checker import BOOL, FUNCTIONS, INT, NUMBER, CheckerBase, Typed
from pathway.expr.parse import BOOL_LITERALS
from pathway.expr.types import ValueType


class CallRules(CheckerBase):
    """The functions an expression may call, checked for arity and argument types."""

    _functions: dict[str, Callable[[ast.Call, list[Typed]], Typed | None]]  # name -> check (set by the Checker)

    def _call(self, node: ast.Call) -> Typed | None:
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in FUNCTIONS:
            name = func.id if isinstance(func, ast.Name) else self.source.segment(func)
            hint = did_you_mean(name, FUNCTIONS) if isinstance(func, ast.Name) else None
            self.report(Code.PW202, func, f"only {', '.join(FUNCTIONS)} may be called; not '{name}'", hint)
            return None
        if node.keywords:
            self.report(Code.PW202, node.keywords[0], f"keyword arguments are not allowed {self.where}")
            return None
        if func.id == "known":
            return self.known(node)
        args = self.visit_all(node.args)
        return None if args is None else self._functions[func.id](node, args)

    def arity(self, node: ast.Call, expected: str) -> None:
        name = self.source.segment(node.func)
        message = f"{name}() takes {expected}, but {len(node.args)} given in {self.quote(node)}"
        self.report(Code.PW204, node, message)

    def known(self, node: ast.Call) -> Typed | None:
        arg = node.args[0] if len(node.args) == 1 else None
        if not isinstance(arg, ast.Name) or arg.id in BOOL_LITERALS:
            self.report(
                Code.PW204,
                node,
                f"known() takes one fact or derived name, e.g. known(hba1c_percent); not {self.quote(node)}",
            )
            return None
        if arg.id not in self.symbols:
            self.unknown_name(arg)
            return None
        return Typed(BOOL, closures.known(closures.slot(self.slots[arg.id])), node)

    def _extreme(self, node: ast.Call, args: list[Typed]) -> Typed | None:
        name = "max" if self.source.segment(node.func) == "max" else "min"
        if len(args) < 2:
            self.arity(node, "at least 2 numbers")
            return None
        if not self.numeric_operands(f"{name}()", args):
            return None
        vt = INT if all(arg.type.kind == "int" for arg in args) else NUMBER
        return Typed(vt, closures.extreme(max if name == "max" else min, [arg.fn for arg in args]), node)

    def _abs(self, node: ast.Call, args: list[Typed]) -> Typed | None:
        if len(args) != 1:
            self.arity(node, "1 number")
            return None
        if not self.numeric_operands("abs()", args):
            return None
        return Typed(ValueType(args[0].type.kind), closures.unary(abs, args[0].fn), node)

    def dates(self, node: ast.Call, args: list[Typed], count: int) -> bool:
        if len(args) != count:
            self.arity(node, "1 date" if count == 1 else f"{count} dates")
            return False
        ok = True
        for arg in args:
            if arg.type.kind != "date":
                what = self.source.segment(node.func)
                self.report(Code.PW204, arg.node, f"{what}() needs a date, but {self.is_(arg)}")
                ok = False
        return ok

    def _days_since(self, node: ast.Call, args: list[Typed]) -> Typed | None:
        if not self.dates(node, args, 1):
            return None
        return Typed(INT, closures.days_since(args[0].fn, self.today_index), node)

    def _days_between(self, node: ast.Call, args: list[Typed]) -> Typed | None:
        if not self.dates(node, args, 2):
            return None
        return Typed(INT, closures.days_between(args[0].fn, args[1].fn), node)
