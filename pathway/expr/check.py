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
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, NamedTuple

from pathway.diagnostics import did_you_mean, one_of
from pathway.diagnostics.codes import Code
from pathway.expr import closures
from pathway.expr.closures import NO_VALUE, BinaryOp, Fn
from pathway.expr.evaluate import Compiled, Plan
from pathway.expr.parse import BOOL_LITERALS, Source, issue, parse
from pathway.expr.types import ExprIssue, Symbols, ValueType, value_checker

FUNCTIONS: Final = ("max", "min", "abs", "known", "days_since", "days_between")
"""The only functions an expression may call."""

BOOL: Final = ValueType("bool")
INT: Final = ValueType("int")
NUMBER: Final = ValueType("number")
STR: Final = ValueType("str")
LIST: Final = ValueType("list")

_ARITHMETIC: Final[Mapping[type[ast.operator], tuple[str, BinaryOp]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
}
_COMPARISONS: Final[Mapping[type[ast.cmpop], tuple[str, BinaryOp]]] = {
    ast.Eq: ("==", operator.eq),
    ast.NotEq: ("!=", operator.ne),
    ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt),
    ast.GtE: (">=", operator.ge),
}
_SAME_NAMES = "guards read facts by their names only"
_REFUSED: Final[Mapping[type[ast.AST], tuple[str, str | None]]] = {
    ast.Attribute: ("attribute access", _SAME_NAMES),
    ast.Subscript: ("indexing or slicing", _SAME_NAMES),
    ast.Lambda: ("a lambda", None),
    ast.ListComp: ("a comprehension", None),
    ast.SetComp: ("a comprehension", None),
    ast.DictComp: ("a comprehension", None),
    ast.GeneratorExp: ("a comprehension", None),
    ast.JoinedStr: ("an f-string", None),
    ast.FormattedValue: ("an f-string", None),
    ast.NamedExpr: ("assignment with ':='", "define a derived fact instead"),
    ast.Starred: ("unpacking with '*'", None),
    ast.IfExp: ("a conditional expression (x if c else y)", "write transitions with separate guards"),
    ast.Dict: ("a dict", None),
    ast.Set: ("a set", 'use a list: route in ["iv", "sc"]'),
    ast.Await: ("await", None),
    ast.Yield: ("yield", None),
    ast.YieldFrom: ("yield", None),
    ast.Pow: ("the operator '**'", "multiply explicitly, e.g. x * x"),
    ast.FloorDiv: ("the operator '//'", "use '/'"),
    ast.Mod: ("the operator '%'", None),
    ast.MatMult: ("the operator '@'", None),
    ast.LShift: ("the operator '<<'", None),
    ast.RShift: ("the operator '>>'", None),
    ast.BitOr: ("the operator '|'", "use 'or'"),
    ast.BitAnd: ("the operator '&'", "use 'and'"),
    ast.BitXor: ("the operator '^'", None),
    ast.Invert: ("the operator '~'", "use 'not'"),
    ast.Is: ("the operator 'is'", "use '=='"),
    ast.IsNot: ("the operator 'is not'", "use '!='"),
}
_LITERAL_NAMES: Final[Mapping[type, str]] = {bytes: "a bytes literal", complex: "a complex number"}


class _Typed(NamedTuple):
    """A checked subexpression: its type, its closure, and its literal value(s) when it is a literal. (A named
    tuple: one is made for every node of every guard, and a frozen dataclass is several times slower to make.)"""

    type: ValueType
    fn: Fn
    node: ast.expr
    value: object = NO_VALUE  # the literal's value when the node is a literal
    items: tuple[tuple[object, ast.expr], ...] | None = None  # the elements of a list literal


def _literal_value(node: ast.expr) -> object:
    """The value of a literal usable in a list (number, string, true/false, -number), else NO_VALUE."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _literal_value(node.operand)
        if type(inner) in (int, float):
            return -inner if isinstance(node.op, ast.USub) else inner  # type: ignore[operator]
        return NO_VALUE
    if isinstance(node, ast.Name):
        return BOOL_LITERALS.get(node.id, NO_VALUE)
    if isinstance(node, ast.Constant) and type(node.value) in (bool, int, float, str):
        return node.value
    return NO_VALUE


class _Checker:
    """Walks a syntax tree once: reports issues and returns typed closures."""

    def __init__(self, source: Source, symbols: Mapping[str, ValueType], slots: Mapping[str, int], guard: bool) -> None:
        self.source = source
        self.symbols = symbols
        self.slots = slots
        self.today_index = len(slots)
        self.subject = "guard" if guard else "expression"
        self.where = "in a guard" if guard else "in an expression"
        self.issues: list[ExprIssue] = []
        self.value_names: set[str] = set()  # names read outside known()
        self.fns: dict[int, Fn] = {}  # id(node) -> closure, for every checked node (to derive the needs closure)
        self._visitors: dict[type[ast.AST], Callable[[Any], _Typed | None]] = {
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
        self._functions: dict[str, Callable[[ast.Call, list[_Typed]], _Typed | None]] = {
            "max": self._extreme,
            "min": self._extreme,
            "abs": self._abs,
            "days_since": self._days_since,
            "days_between": self._days_between,
        }

    # --- reporting ----------------------------------------------------------------------------------------

    def report(
        self, code: str, node: ast.AST, message: str, hint: str | None = None, until: ast.AST | None = None
    ) -> None:
        offset, length = self.source.span_between(node, until) if until else self.source.span(node)
        self.issues.append(issue(code, self.source.text, offset, length, message, hint))

    def quote(self, node: ast.AST) -> str:
        return f"'{self.source.segment(node)}'"

    def is_(self, typed: _Typed) -> str:
        return f"{self.quote(typed.node)} is {typed.type.describe()}"

    def refuse(self, node: ast.AST, part: ast.AST | None = None) -> None:
        what, hint = _REFUSED.get(type(part or node), (f"'{type(part or node).__name__}'", None))
        self.report(Code.PW202, node, f"{what} is not allowed {self.where}", hint)

    # --- the walk -----------------------------------------------------------------------------------------

    def visit(self, node: ast.expr) -> _Typed | None:
        visitor = self._visitors.get(type(node))
        if visitor is None:
            self.refuse(node)
            return None
        typed = visitor(node)
        if typed is not None:
            self.fns[id(node)] = typed.fn
        return typed

    def visit_all(self, nodes: Sequence[ast.expr]) -> list[_Typed] | None:
        typed = [self.visit(node) for node in nodes]  # visit every operand, to report every issue
        checked = [t for t in typed if t is not None]
        return checked if len(checked) == len(typed) else None

    def check_result(self, typed: _Typed, want_bool: bool) -> None:
        kind = typed.type.kind
        if want_bool and kind != "bool":
            example = {"int": " >= 3", "number": " >= 3", "enum": ' == "..."'}.get(kind)
            hint = f"compare it, e.g. {self.source.segment(typed.node)}{example}" if example else None
            if kind == "date":
                hint = "count days with days_since(...) and compare them"
            self.report(Code.PW204, typed.node, f"a guard must be true or false, but {self.is_(typed)}", hint)
        elif not want_bool and kind in ("str", "list"):
            self.report(
                Code.PW204,
                typed.node,
                f"an expression must give true/false, a number, an enum value or a date, but {self.is_(typed)}",
            )

    def _constant(self, node: ast.Constant) -> _Typed | None:
        value = node.value
        if isinstance(value, bool):
            return _Typed(BOOL, closures.constant(value), node, value)
        if isinstance(value, int):
            return _Typed(INT, closures.constant(value), node, value)
        if isinstance(value, float) and not math.isfinite(value):
            self.report(Code.PW204, node, f"the number {self.quote(node)} is too large")
            return None
        if isinstance(value, float):
            return _Typed(NUMBER, closures.constant(value), node, value)
        if isinstance(value, str):
            return _Typed(STR, closures.constant(value), node, value)
        if value is None:
            self.report(
                Code.PW202,
                node,
                f"None is not allowed {self.where}",
                "a fact not yet known is unknown; test it with known(name)",
            )
        else:
            what = _LITERAL_NAMES.get(type(value), f"the literal {self.quote(node)}")
            self.report(Code.PW202, node, f"{what} is not allowed {self.where}")
        return None

    def _name(self, node: ast.Name) -> _Typed | None:
        if node.id in BOOL_LITERALS:
            value = BOOL_LITERALS[node.id]
            return _Typed(BOOL, closures.constant(value), node, value)
        vt = self.symbols.get(node.id)
        if vt is None:
            self.unknown_name(node)
            return None
        self.value_names.add(node.id)
        return _Typed(vt, closures.slot(self.slots[node.id]), node)

    def unknown_name(self, node: ast.Name) -> None:
        hint = did_you_mean(node.id, self.symbols.names if isinstance(self.symbols, Symbols) else self.symbols)
        if node.id in FUNCTIONS:
            hint = f"'{node.id}' is a function: call it, e.g. {node.id}(...)"
        elif (fact := self._enum_with_value(node.id)) is not None:
            hint = f'did you mean the value "{node.id}" of {fact!r}? quote it: "{node.id}"'

        self.report(Code.PW203, node, f"{self.subject} reads unknown name '{node.id}'", hint)

    def _enum_with_value(self, word: str) -> str | None:
        """The first enum fact (by name) that has ``word`` among its values: an enum value written without quotes
        reads as a name."""
        for name in sorted(self.symbols):
            vt = self.symbols[name]
            if vt.kind == "enum" and word in vt.values:
                return name
        return None

    def _unary(self, node: ast.UnaryOp) -> _Typed | None:
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
            return _Typed(BOOL, closures.negate(operand.fn), node)
        negative = isinstance(node.op, ast.USub)
        if not self.numeric_operands("-" if negative else "+", [operand]):
            return None
        vt = ValueType(operand.type.kind)
        if operand.value is not NO_VALUE:  # a literal such as -1: fold it
            value = _literal_value(node)
            return _Typed(vt, closures.constant(value), node, value)
        return _Typed(vt, closures.unary(operator.neg if negative else operator.pos, operand.fn), node)

    def numeric_operands(self, what: str, operands: Sequence[_Typed]) -> bool:
        ok = True
        for operand in operands:
            if not operand.type.numeric:
                hint = (
                    "use days_between(a, b) for the days from date a to date b"
                    if (operand.type.kind == "date")
                    else None
                )
                self.report(Code.PW204, operand.node, f"'{what}' needs numbers, but {self.is_(operand)}", hint)
                ok = False
        return ok

    def _binary(self, node: ast.BinOp) -> _Typed | None:
        entry = _ARITHMETIC.get(type(node.op))
        if entry is None:
            self.refuse(node, node.op)
            return None
        symbol, op = entry
        operands = self.visit_all([node.left, node.right])
        if operands is None or not self.numeric_operands(symbol, operands):
            return None
        left, right = operands
        if symbol == "/" and right.value is not NO_VALUE and right.value == 0:
            self.report(Code.PW204, right.node, f"division by zero in {self.quote(node)}")
            return None
        both_int = left.type.kind == "int" and right.type.kind == "int"
        vt = INT if both_int and symbol != "/" else NUMBER
        return _Typed(vt, closures.arithmetic(op, left.fn, right.fn), node)

    def _boolean(self, node: ast.BoolOp) -> _Typed | None:
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
        return _Typed(BOOL, closures.kleene_and(fns) if word == "and" else closures.kleene_or(fns), node)

    def _sequence(self, node: ast.List | ast.Tuple) -> _Typed | None:
        items = [(_literal_value(element), element) for element in node.elts]
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
        return _Typed(LIST, closures.constant(values), node, values, tuple(items))

    # --- comparisons --------------------------------------------------------------------------------------

    def _compare(self, node: ast.Compare) -> _Typed | None:
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
        return _Typed(BOOL, fns[0] if len(fns) == 1 else closures.kleene_and(fns), node)  # a < b < c: a chain

    def pair(self, op: ast.cmpop, left: _Typed, right: _Typed) -> Fn | None:
        if isinstance(op, ast.In | ast.NotIn):
            return self.membership(isinstance(op, ast.NotIn), left, right)
        symbol, function = _COMPARISONS[type(op)]
        if isinstance(op, ast.Eq | ast.NotEq):
            ok = self.equality(symbol, left, right)
        else:
            ok = self.ordering(symbol, left, right)
        return closures.compare(function, left.fn, right.fn, right.value) if ok else None

    def ordering(self, symbol: str, left: _Typed, right: _Typed) -> bool:
        lt, rt = left.type, right.type
        if (lt.numeric and rt.numeric) or (lt.kind == "date" and rt.kind == "date"):
            return True
        hint = "enum values have no order; use == or 'in'" if "enum" in (lt.kind, rt.kind) else None
        message = f"'{symbol}' needs two numbers or two dates, but {self.is_(left)} and {self.is_(right)}"
        self.report(Code.PW204, left.node, message, hint, until=right.node)
        return False

    def equality(self, symbol: str, left: _Typed, right: _Typed) -> bool:
        lt, rt = left.type, right.type
        if (lt.numeric and rt.numeric) or (lt.kind == rt.kind and lt.kind in ("bool", "date")):
            return True
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

    def enums_overlap(self, symbol: str, left: _Typed, right: _Typed) -> bool:
        if left.type.values & right.type.values:
            return True
        always = "false" if symbol == "==" else "true"
        message = (
            f"{self.quote(left.node)} and {self.quote(right.node)} have no value in common, so "
            f"'{symbol}' is always {always}"
        )
        self.report(Code.PW204, left.node, message, until=right.node)
        return False

    def enum_value(self, enum: _Typed, value: object, node: ast.expr) -> bool:
        """Report PW207 unless the string literal ``value`` is one of the enum's values."""
        values = enum.type.values
        if value in values:
            return True
        label = enum.type.name or self.source.segment(enum.node)
        close = did_you_mean(str(value), values)
        hint = (f"{close} " if close else "") + f"'{label}' is one of {one_of(values)}"
        self.report(Code.PW207, node, f"'{label}' has no value '{value}'", hint)
        return False

    def membership(self, negated: bool, left: _Typed, right: _Typed) -> Fn | None:
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

    def enum_items(self, enum: _Typed, items: Sequence[tuple[object, ast.expr]]) -> bool:
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

    def numeric_items(self, symbol: str, left: _Typed, items: Sequence[tuple[object, ast.expr]]) -> bool:
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

    # --- function calls -----------------------------------------------------------------------------------

    def _call(self, node: ast.Call) -> _Typed | None:
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

    def known(self, node: ast.Call) -> _Typed | None:
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
        return _Typed(BOOL, closures.known(closures.slot(self.slots[arg.id])), node)

    def _extreme(self, node: ast.Call, args: list[_Typed]) -> _Typed | None:
        name = "max" if self.source.segment(node.func) == "max" else "min"
        if len(args) < 2:
            self.arity(node, "at least 2 numbers")
            return None
        if not self.numeric_operands(f"{name}()", args):
            return None
        vt = INT if all(arg.type.kind == "int" for arg in args) else NUMBER
        return _Typed(vt, closures.extreme(max if name == "max" else min, [arg.fn for arg in args]), node)

    def _abs(self, node: ast.Call, args: list[_Typed]) -> _Typed | None:
        if len(args) != 1:
            self.arity(node, "1 number")
            return None
        if not self.numeric_operands("abs()", args):
            return None
        return _Typed(ValueType(args[0].type.kind), closures.unary(abs, args[0].fn), node)

    def dates(self, node: ast.Call, args: list[_Typed], count: int) -> bool:
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

    def _days_since(self, node: ast.Call, args: list[_Typed]) -> _Typed | None:
        if not self.dates(node, args, 1):
            return None
        return _Typed(INT, closures.days_since(args[0].fn, self.today_index), node)

    def _days_between(self, node: ast.Call, args: list[_Typed]) -> _Typed | None:
        if not self.dates(node, args, 2):
            return None
        return _Typed(INT, closures.days_between(args[0].fn, args[1].fn), node)


def compile_expr(text: str, symbols: Mapping[str, ValueType], *, want_bool: bool) -> Compiled | list[ExprIssue]:
    """Parse, check against the allowlist and the symbol types, and compile. Returns every issue found (not
    only the first) when the text is invalid. want_bool=True for guards: the result type must be bool (PW204
    otherwise). Never raises, whatever the text."""
    parsed = parse(text)
    if isinstance(parsed, list):
        return parsed
    tree, source = parsed
    names = sorted(source.names)
    checker = _Checker(source, symbols, {name: i for i, name in enumerate(names)}, want_bool)
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
        needs=closures.needs(tree, checker.fns, checker.slots),
    )
    return Compiled(text=text, type=typed.type, names=frozenset(names), _plan=plan)
