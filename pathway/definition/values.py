"""The values a recommendation carries (``actions.<id>.values``), checked and compiled, and how a value is shown.

A value is computed by an expression that gives a number (``expr``), chosen from a table whose first true guard
gives it (``cases``, ending with ``otherwise``), or given as the source states it (``value``: a table of one
``otherwise`` case). Expressions are checked like derived facts and guards, against the same symbols: every
problem is an :class:`~pathway.expr.ExprIssue` at its place in the text, reported by
:func:`pathway.definition.analysis.analyse` at the value's key. The engine evaluates them
(:mod:`pathway.engine.values`); ``docs/recommendations.md`` states the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from pathway.definition.index import DocPath
from pathway.definition.issues import reads_broken
from pathway.definition.model import Action, ComputedValue
from pathway.diagnostics.codes import Code
from pathway.expr import Compiled, ExprIssue, ValueType, compile_expr

OTHERWISE = "otherwise"
Number = int | float
Report = Callable[[DocPath, str, Sequence[ExprIssue]], None]
"""Where a problem in an expression goes: (the key's document path, the expression, its issues)."""


@dataclass(frozen=True)
class Case:
    """A compiled row of a table: its guard (None for ``otherwise``, and for a value given as it is) and value."""

    when: Compiled | None
    value: int | float | str


@dataclass(frozen=True)
class ValueRule:
    """A value of an action, compiled: an expression, or cases (``table`` says whether the definition wrote a
    table, so that the trail records the case that gave it); its unit, rounding and evidence."""

    name: str
    expr: Compiled | None
    cases: tuple[Case, ...]
    table: bool
    unit: str | None
    decimals: int | None
    evidence: tuple[str, ...]

    @property
    def names(self) -> frozenset[str]:
        """Every fact and derived fact its expressions read."""
        compiled = [self.expr, *(c.when for c in self.cases)]
        return frozenset(n for c in compiled if c is not None for n in c.names)

    def formula(self) -> str:
        """The value's rule in one short line: ``weight_kg * 1 mg/day``, ``3 cases on grade``, ``60-120 mg/day``."""
        if self.expr is not None:
            return " ".join(self.expr.text.split()) + (f" {self.unit}" if self.unit else "")
        if self.table:
            return f"{len(self.cases)} cases on {', '.join(sorted(self.names)) or 'nothing'}"
        return shown(self.cases[0].value, self.unit)


def rounded(value: Number, decimals: int | None) -> Number:
    """A number as recorded: rounded to ``decimals`` places (half away from zero) when given, and a whole number
    written without a fractional part (``82``, not ``82.0``)."""
    if decimals is not None:
        with localcontext() as context:
            context.prec = 400  # every digit of the largest float (1.8e308) and six decimals: quantize never fails
            exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        value = int(exact) if exact == exact.to_integral_value() else float(exact)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def shown(value: int | float | str, unit: str | None = None) -> str:
    """A value as a clinician reads it: a number in plain digits with its unit and never a trailing zero (``1 mg``
    can be misread as ten times ``1.0 mg``), text as it is written."""
    if isinstance(value, str):
        return value
    digits = str(value) if isinstance(value, int) else format(Decimal(repr(value)).normalize(), "f")
    return f"{digits} {unit}" if unit else digits


def compile_values(
    actions: Mapping[str, Action], symbols: Mapping[str, ValueType], broken: frozenset[str], report: Report
) -> dict[str, dict[str, ValueRule]]:
    """action id -> value name -> its compiled rule, for every value that compiles. An expression that reads a
    derived fact which failed to compile is skipped: the derived fact's own diagnostic is the one to fix."""
    compiled: dict[str, dict[str, ValueRule]] = {}
    for action_id, action in actions.items():
        rules: dict[str, ValueRule] = {}
        for name, value in (action.values or {}).items():
            rule = _compile(value, name, ("actions", action_id, "values", name), symbols, broken, report)
            if rule is not None:
                rules[name] = rule
        if rules:
            compiled[action_id] = rules
    return compiled


def _compile(
    value: ComputedValue,
    name: str,
    path: DocPath,
    symbols: Mapping[str, ValueType],
    broken: frozenset[str],
    report: Report,
) -> ValueRule | None:
    def rule(expr: Compiled | None, cases: tuple[Case, ...]) -> ValueRule:
        table = value.cases is not None
        return ValueRule(name, expr, cases, table, value.unit, value.decimals, tuple(value.evidence))

    if value.expr is not None:
        expr = _expression(value.expr, (*path, "expr"), symbols, broken, report, want_bool=False)
        return rule(expr, ()) if expr is not None else None
    if value.cases is None:
        assert value.value is not None  # the model holds exactly one of expr, cases and value
        return rule(None, (Case(None, value.value),))
    cases: list[Case] = []
    for i, case in enumerate(value.cases):
        if case.when == OTHERWISE:
            cases.append(Case(None, case.value))
            continue
        when = _expression(case.when, (*path, "cases", i, "when"), symbols, broken, report, want_bool=True)
        if when is not None:
            cases.append(Case(when, case.value))
    return rule(None, tuple(cases)) if len(cases) == len(value.cases) else None


def _expression(
    text: str,
    path: DocPath,
    symbols: Mapping[str, ValueType],
    broken: frozenset[str],
    report: Report,
    *,
    want_bool: bool,
) -> Compiled | None:
    if reads_broken(text, broken):
        return None
    result = compile_expr(text, symbols, want_bool=want_bool)
    if not isinstance(result, Compiled):
        report(path, text, result)
        return None
    problem = _not_a_value(result, want_bool)
    if problem is not None:
        report(path, text, [problem])
        return None
    return result


def _not_a_value(compiled: Compiled, want_bool: bool) -> ExprIssue | None:
    """Why a compiled expression cannot be a value's (or a case's guard): a value is a number; a recommendation
    is not a transition, so ``time_in_state()`` has no state to count."""
    text = compiled.text
    if compiled.in_state:
        at = text.find("time_in_state")
        return ExprIssue(
            Code.PW204,
            "time_in_state() counts how long a transition's state has been active; a value has no transition",
            max(at, 0),
            len("time_in_state()") if at >= 0 else len(text),
            "compare the time since a date fact instead, e.g. days_since(start_date) >= 7",
        )
    if not want_bool and not compiled.type.numeric:
        return ExprIssue(
            Code.PW204,
            f"a value's expression must give a number, but it gives {compiled.type.describe()}",
            0,
            len(text),
            "choose text from a table instead: cases: [{when: ..., value: ...}, {when: otherwise, value: ...}]",
        )
    return None
