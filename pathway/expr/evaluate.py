"""Evaluating compiled expressions: :class:`Scope` (what an evaluation sees) and :class:`Compiled`.

What an expression reads is known when it is compiled, so an evaluation looks each name up once, fills the
environment its closures read, and reports ``read`` and ``missing`` from those lookups: exact, and independent
of operand order and of which operands decided the result. Derived facts are evaluated at most once per scope.

An expression that cannot be evaluated although its facts are known (a division by zero, a number too large, a
derived fact it needs that failed, or a failure of the evaluator itself) gives an evaluation with an ``error``,
never an exception and never a silent unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from pathway.expr.closures import Env, Failed, Fn, NeedsFn
from pathway.expr.types import UNKNOWN, Checker, EvalError, Evaluation, ValueType

_NOTHING: Final[frozenset[str]] = frozenset()
_UNDECIDED: Final = Evaluation(value=UNKNOWN, read={}, missing=_NOTHING)


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


class Scope:
    """What an evaluation sees. facts: name -> value (a name absent from the mapping is unknown).
    derived: name -> Compiled for every derived fact. today: the virtual clock (None -> days_since is
    unknown). Caches each derived fact's Evaluation, so many guards over one Scope are cheap.

    A scope belongs to one moment: build a new one when facts or today change. A derived name takes precedence
    over a fact of the same name. A cycle among derived facts (which the loader rejects) evaluates to unknown.
    """

    __slots__ = ("facts", "derived", "today", "given", "_cache", "_active")

    def __init__(
        self,
        facts: Mapping[str, object],
        derived: Mapping[str, Compiled],
        today: date | None = None,
        *,
        given: Mapping[str, datetime] | None = None,
    ) -> None:
        self.facts = facts
        self.derived = derived
        self.today = _as_date(today)
        self.given = given or {}
        self._cache: dict[str, Evaluation] = {}
        self._active: set[str] = set()

    def derived_evaluation(self, name: str) -> Evaluation:
        """The evaluation of derived fact ``name`` in this scope (computed once); unknown if not derived."""
        cached = self._cache.get(name)
        if cached is not None:
            return cached
        compiled = self.derived.get(name)
        if compiled is None or name in self._active:
            return _UNDECIDED
        self._active.add(name)
        try:
            result = compiled.evaluate(self)
        finally:
            self._active.discard(name)
        self._cache[name] = result
        return result


@dataclass(frozen=True)
class Plan:
    """How to evaluate: for each name (sorted) its type check and whether it is read outside ``known()``; the
    closure; and the closure that names the slots an undecided result still needs."""

    slots: tuple[tuple[str, Checker, bool], ...]
    fn: Fn
    needs: NeedsFn


@dataclass(frozen=True)
class Compiled:
    """A checked expression compiled to closures. Build it with :func:`pathway.expr.compile_expr`."""

    text: str
    type: ValueType
    names: frozenset[str]  # names referenced directly (facts and derived), including inside known()
    _plan: Plan = field(repr=False, compare=False)

    def evaluate(self, scope: Scope, entered: datetime | None = None) -> Evaluation:
        """Evaluate over ``scope``. Never raises: what cannot be decided yet is UNKNOWN, and what cannot be
        evaluated carries its ``error``."""
        try:
            return self._evaluate(scope)
        except Exception as error:  # a broken Mapping, exhausted memory or stack: an error, never a crash
            return self._failed(EvalError.of(error, self.text))

    def _evaluate(self, scope: Scope) -> Evaluation:
        facts, derived = scope.facts, scope.derived
        env: Env = []
        read: dict[str, object] = {}
        inherited: dict[str, object] | None = None
        subs: dict[int, Evaluation] = {}
        for index, (name, check, _) in enumerate(self._plan.slots):
            if name in derived:
                sub = scope.derived_evaluation(name)
                value = check(sub.value) if sub.error is None else sub.error  # slots raise Failed on an error
                subs[index] = sub
                if inherited is None:
                    inherited = {}
                inherited.update(sub.read)
            else:
                value = check(facts.get(name, UNKNOWN))
            env.append(value)
            read[name] = value
        env.append(scope.today)
        error: EvalError | None = None
        try:
            result = self._plan.fn(env)
        except Failed as failed:  # a derived fact it needs could not be evaluated: the same error
            result, error = UNKNOWN, failed.error
        except Exception as raised:  # division by zero, a number too large
            result, error = UNKNOWN, EvalError.of(raised, self.text)
        if inherited:
            inherited.update(read)
            read = dict(sorted(inherited.items()))
        missing = self._needed(env, subs) if result is UNKNOWN and error is None else _NOTHING
        return Evaluation(value=result, read=read, missing=missing, error=error)

    def _needed(self, env: Env, subs: dict[int, Evaluation]) -> frozenset[str]:
        """The facts an undecided result still needs (through derived facts, the facts those need)."""
        needed: set[str] = set()
        for index in self._plan.needs(env):
            if index in subs:
                needed |= subs[index].missing
            else:
                needed.add(self._plan.slots[index][0])
        return frozenset(needed) if needed else _NOTHING

    def _failed(self, error: EvalError) -> Evaluation:
        read = {name: UNKNOWN for name, _, _ in self._plan.slots}
        return Evaluation(value=UNKNOWN, read=read, missing=_NOTHING, error=error)
