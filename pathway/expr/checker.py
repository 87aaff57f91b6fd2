"""The state and the reporting shared by the parts of the expression checker (:mod:`pathway.expr.check`), and the
types, operators and refused constructs they share.

The checker is split by concern: :mod:`~pathway.expr.compare` (comparisons, lists and membership) and
:mod:`~pathway.expr.calls` (the functions) are mixins over :class:`CheckerBase`; :mod:`~pathway.expr.check`
puts them together with names, literals, logic and arithmetic.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping, Sequence
from typing import Final, NamedTuple

from pathway.diagnostics import did_you_mean
from pathway.diagnostics.codes import Code
from pathway.expr.closures import NO_VALUE, BinaryOp, Fn, Layout
from pathway.expr.parse import BOOL_LITERALS, Source, issue
from pathway.expr.types import ExprIssue, Symbols, ValueType

FUNCTIONS: Final = (
    "max",
    "min",
    "abs",
    "known",
    "days_since",
    "days_between",
    "hours_since",
    "time_since",
    "time_in_state",
    "last",
    "done",
    "declined",
    "signed",
    "days_since_done",
)
"""The only functions an expression may call."""
CLOCK: Final = frozenset({"days_since", "hours_since", "time_since", "time_in_state", "days_since_done"})
"""The functions that read the clock (the evaluation's now)."""

BOOL: Final = ValueType("bool")
INT: Final = ValueType("int")
NUMBER: Final = ValueType("number")
STR: Final = ValueType("str")
LIST: Final = ValueType("list")
DURATION: Final = ValueType("duration")
DATETIME: Final = ValueType("datetime")
TIMES: Final = frozenset({"date", "datetime"})
"""The kinds that stand for a moment: a date counts as midnight at its start."""
UNIT_HINT: Final = "write the unit, e.g. 72h or 3d"

ARITHMETIC: Final[Mapping[type[ast.operator], tuple[str, BinaryOp]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
}
COMPARISONS: Final[Mapping[type[ast.cmpop], tuple[str, BinaryOp]]] = {
    ast.Eq: ("==", operator.eq),
    ast.NotEq: ("!=", operator.ne),
    ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt),
    ast.GtE: (">=", operator.ge),
}
_SAME_NAMES = "guards read facts by their names only"
REFUSED: Final[Mapping[type[ast.AST], tuple[str, str | None]]] = {
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
LITERAL_NAMES: Final[Mapping[type, str]] = {bytes: "a bytes literal", complex: "a complex number"}


_NOT_A_NUMBER: Final = {
    "date": "use days_between(a, b) for the days from date a to date b",
    "datetime": "use days_between(a, b) for the days from a to b, or time_since(x) for the time from x to now",
    "duration": "a duration compares with a duration (time_since(x) >= 72h), and adds to or subtracts from one",
}


class Typed(NamedTuple):
    """A checked subexpression: its type, its closure, and its literal value(s) when it is a literal. (A named
    tuple: one is made for every node of every guard, and a frozen dataclass is several times slower to make.)"""

    type: ValueType
    fn: Fn
    node: ast.expr
    value: object = NO_VALUE  # the literal's value when the node is a literal
    items: tuple[tuple[object, ast.expr], ...] | None = None  # the elements of a list literal


def literal_value(node: ast.expr) -> object:
    """The value of a literal usable in a list (number, string, true/false, -number), else NO_VALUE."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = literal_value(node.operand)
        if type(inner) in (int, float):
            return -inner if isinstance(node.op, ast.USub) else inner  # type: ignore[operator]
        return NO_VALUE
    if isinstance(node, ast.Name):
        return BOOL_LITERALS.get(node.id, NO_VALUE)
    if isinstance(node, ast.Constant) and type(node.value) in (bool, int, float, str):
        return node.value
    return NO_VALUE


class CheckerBase:
    """What every part of the checker shares: the source, the symbols, the issues found, and how to report one."""

    def __init__(
        self,
        source: Source,
        symbols: Mapping[str, ValueType],
        slots: Mapping[str, int],
        guard: bool,
        actions: frozenset[str] = frozenset(),
    ) -> None:
        self.source = source
        self.symbols = symbols
        self.slots = slots  # facts and derived facts by name, then the decisions read ('done(a)'...)
        self.actions = actions  # the action ids that done(), declined(), signed() and days_since_done() may name
        self.layout = Layout(len(slots))  # where the clock values stand in env, after the name slots
        self.guard = guard
        self.subject = "guard" if guard else "expression"
        self.where = "in a guard" if guard else "in an expression"
        self.issues: list[ExprIssue] = []
        self.value_names: set[str] = set()  # names read outside known()
        self.fns: dict[int, Fn] = {}  # id(node) -> closure, for every checked node (to derive the needs closure)
        self.last: dict[str, int] = {}  # fact read through last() -> its slot in env, in the order first met
        self.leaves: dict[int, int] = {}  # id(node) of each last(f) -> the slot it reads (for the needs closure)
        self.clock = False  # calls days_since, hours_since, time_since or time_in_state
        self.in_state = False  # calls time_in_state

    def visit(self, node: ast.expr) -> Typed | None:
        """Check one subexpression (the dispatch lives in :class:`pathway.expr.check.Checker`)."""
        raise NotImplementedError

    def report(
        self, code: str, node: ast.AST, message: str, hint: str | None = None, until: ast.AST | None = None
    ) -> None:
        offset, length = self.source.span_between(node, until) if until else self.source.span(node)
        self.issues.append(issue(code, self.source.text, offset, length, message, hint))

    def quote(self, node: ast.AST) -> str:
        return f"'{self.source.segment(node)}'"

    def is_(self, typed: Typed) -> str:
        return f"{self.quote(typed.node)} is {typed.type.describe()}"

    def refuse(self, node: ast.AST, part: ast.AST | None = None) -> None:
        what, hint = REFUSED.get(type(part or node), (f"'{type(part or node).__name__}'", None))
        self.report(Code.PW202, node, f"{what} is not allowed {self.where}", hint)

    def visit_all(self, nodes: Sequence[ast.expr]) -> list[Typed] | None:
        typed = [self.visit(node) for node in nodes]  # visit every operand, to report every issue
        checked = [t for t in typed if t is not None]
        return checked if len(checked) == len(typed) else None

    def numeric_operands(self, what: str, operands: Sequence[Typed]) -> bool:
        ok = True
        for operand in operands:
            if not operand.type.numeric:
                hint = _NOT_A_NUMBER.get(operand.type.kind)
                self.report(Code.PW204, operand.node, f"'{what}' needs numbers, but {self.is_(operand)}", hint)
                ok = False
        return ok

    def unknown_name(self, node: ast.Name) -> None:
        hint = did_you_mean(node.id, self.symbols.names if isinstance(self.symbols, Symbols) else self.symbols)
        if node.id in FUNCTIONS:
            hint = f"'{node.id}' is a function: call it, e.g. {node.id}(...)"
        elif node.id in self.actions:
            hint = f"'{node.id}' is an action: read what the journey recorded of it, e.g. done({node.id})"
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
