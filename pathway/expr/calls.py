"""The functions an expression may call, checked for arity and argument types: max, min, abs, known, the
functions of time (days_since, days_between, hours_since, time_since, time_in_state, last), whose rules
``docs/time.md`` gives, and the functions of the decisions a journey records (done, declined, signed,
days_since_done; ``docs/recommendations.md``). A date counts as midnight at its start wherever a date-time is
expected."""

from __future__ import annotations

import ast
from collections.abc import Callable

from pathway.diagnostics import did_you_mean, one_of
from pathway.diagnostics.codes import Code
from pathway.expr import closures
from pathway.expr.checker import BOOL, DATETIME, DURATION, FUNCTIONS, INT, NUMBER, TIMES, CheckerBase, Typed
from pathway.expr.parse import BOOL_LITERALS, DECISIONS, recorded_key
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
        if func.id == "last":
            return self.last_given(node)
        if func.id in DECISIONS:
            return self.decision(node, func.id)
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

    def last_given(self, node: ast.Call) -> Typed | None:
        """``last(f)``: when fact ``f`` was last given a value (a date-time), read from the scope, not from ``f``."""
        arg = node.args[0] if len(node.args) == 1 else None
        if not isinstance(arg, ast.Name) or arg.id in BOOL_LITERALS:
            message = f"last() takes one fact name, e.g. last(sensory_grade); not {self.quote(node)}"
            self.report(Code.PW204, node, message)
            return None
        vt = self.symbols.get(arg.id)
        if vt is None:
            self.unknown_name(arg)
            return None
        if vt.derived:
            message = f"last() reads when a fact was given a value, but '{arg.id}' is a derived fact: it is never given"
            self.report(Code.PW204, arg, message, "write last() of a fact it reads")
            return None
        index = self.last.setdefault(arg.id, self.layout.last(len(self.last)))
        self.leaves[id(node)] = index  # unknown, it needs the fact: the pathway asks for it
        return Typed(DATETIME, closures.slot(index), node)

    def decision(self, node: ast.Call, name: str) -> Typed | None:
        """``done(a)``, ``declined(a)``, ``signed(a)``: whether the journey recorded that decision about action ``a``
        (true or false, never unknown); ``days_since_done(a)``: the whole days since care last recorded ``a`` done
        (unknown while it never was). Guards only: a derived fact is about the patient's facts."""
        arg = node.args[0] if len(node.args) == 1 else None
        if not isinstance(arg, ast.Name) or arg.id in BOOL_LITERALS or node.keywords:
            message = f"{name}() takes one action id, e.g. {name}(order_ncs); not {self.quote(node)}"
            self.report(Code.PW204, node, message, "write the action id bare, without quotes")
            return None
        if not self.guard:
            message = f"{name}() reads the decisions a journey records, which belong to guards, not to derived facts"
            self.report(Code.PW204, node, message, "write it in the guard of a transition")
            return None
        if arg.id not in self.actions:
            self.unknown_action(arg, name)
            return None
        index = self.slots[recorded_key(name, arg.id)]
        if name == "days_since_done":
            self.clock = True
            return Typed(INT, closures.days_since(closures.slot(index), self.layout.now), node)
        return Typed(BOOL, closures.known(closures.slot(index)), node)

    def unknown_action(self, arg: ast.Name, name: str) -> None:
        close = did_you_mean(arg.id, self.actions)
        declared = f"the pathway's actions are {one_of(self.actions, 20)}" if self.actions else "no action is declared"
        hint = f"{close} {declared}" if close else declared
        if arg.id in self.symbols:
            hint = f"'{arg.id}' is a fact, and {name}() takes an action id: {hint}"
        self.report(Code.PW203, arg, f"{name}() names unknown action '{arg.id}'", hint)

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

    def moments(self, node: ast.Call, args: list[Typed], count: int) -> bool:
        """Whether ``args`` are ``count`` dates or date-times (reported otherwise)."""
        if len(args) != count:
            self.arity(node, "1 date or date-time" if count == 1 else f"{count} dates or date-times")
            return False
        ok = True
        for arg in args:
            if arg.type.kind not in TIMES:
                what = self.source.segment(node.func)
                hint = "it is a duration already: compare it, e.g. x >= 72h" if arg.type.kind == "duration" else None
                self.report(Code.PW204, arg.node, f"{what}() needs a date or a date-time, but {self.is_(arg)}", hint)
                ok = False
        return ok

    def _since(self, node: ast.Call, args: list[Typed]) -> Typed | None:
        """days_since, hours_since and time_since: from a date or date-time to the clock's now."""
        if not self.moments(node, args, 1):
            return None
        self.clock = True
        name, fn, now = self.source.segment(node.func), args[0].fn, self.layout.now
        if name == "time_since":
            return Typed(DURATION, closures.time_since(fn, now), node)
        return Typed(INT, (closures.days_since if name == "days_since" else closures.hours_since)(fn, now), node)

    def _days_between(self, node: ast.Call, args: list[Typed]) -> Typed | None:
        if not self.moments(node, args, 2):
            return None
        return Typed(INT, closures.days_between(args[0].fn, args[1].fn), node)

    def _time_in_state(self, node: ast.Call, args: list[Typed]) -> Typed | None:
        """``time_in_state()``: how long the guard's source state has been active, a duration (guards only)."""
        if args:
            self.arity(node, "no argument")
            return None
        if not self.guard:
            message = "time_in_state() reads the state of the transition whose guard it is in; use it in a guard"
            self.report(Code.PW204, node, message)
            return None
        self.clock = self.in_state = True
        return Typed(DURATION, closures.slot(self.layout.in_state), node)
