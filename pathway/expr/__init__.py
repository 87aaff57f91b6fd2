"""The guard and derived-fact expression language: parse, type-check, compile to closures, evaluate.

Guards (the ``when:`` of a transition) and derived facts are data, never code. An expression is parsed with
``ast.parse`` against an allowlist, type-checked against the fact declarations and compiled once into nested
closures; nothing a designer writes is ever passed to ``eval``, ``exec`` or ``compile``. Evaluation uses
three-valued logic: a fact not yet known makes what depends on it :data:`UNKNOWN`; an expression that cannot be
evaluated although its facts are known (a division by zero) carries an :class:`EvalError`. Time (durations such as
``72h``, dates and date-times, the clock) is the caller's, given through :class:`Scope` and
:meth:`Compiled.evaluate`, never the computer's. The language is described for designers in ``docs/guards.md``, and
its time in ``docs/time.md``.

Modules: :mod:`~pathway.expr.types` (values, types, results), :mod:`~pathway.expr.lexical` (the words
allowed), :mod:`~pathway.expr.parse` (text to tree, limits), :mod:`~pathway.expr.check` (type rules and
compilation), :mod:`~pathway.expr.closures` (the compiled building blocks), :mod:`~pathway.expr.evaluate`
(:class:`Scope` and :class:`Compiled`).
"""

from pathway.expr.check import compile_expr
from pathway.expr.checker import FUNCTIONS
from pathway.expr.evaluate import Compiled, Scope
from pathway.expr.parse import MAX_DEPTH, MAX_LENGTH, referenced_names
from pathway.expr.types import UNKNOWN, EvalError, Evaluation, ExprIssue, ValueType

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "UNKNOWN",
    "Compiled",
    "EvalError",
    "Evaluation",
    "ExprIssue",
    "Scope",
    "ValueType",
    "compile_expr",
    "referenced_names",
]
