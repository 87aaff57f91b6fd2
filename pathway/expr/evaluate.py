"""Evaluating compiled expressions: :class:`Scope` (what an evaluation sees) and :class:`Compiled`.

What an expression reads is known when it is compiled, so an evaluation looks each name up once, fills the
environment its closures read, and reports ``read`` and ``missing`` from those lookups: exact, and independent
of operand order and of which operands decided the result. Derived facts are evaluated at most once per scope.

An expression that cannot be evaluated although its facts are known (a division by zero, a number too large, a
derived fact it needs that failed, or a failure of the evaluator itself) gives an evaluation with an ``error``,
never an exception and never a silent unknown.

Assumed values (a fact's ``assume``) come from the caller too, as the scope's ``assumed``: an expression is first
evaluated over the facts alone; only when it is then unknown and an assumed fact could decide it is it evaluated
again with the assumed values, and that result, when it is decided, is marked with the facts it assumed. So an
assumption is read only where it decides, and never hides what the facts alone decide.

Time comes from the caller, never from the computer's clock (``docs/time.md``): the scope's ``now`` (for
``days_since``, ``hours_since``, ``time_since``), when each fact was last given (for ``last(f)``), and, per
evaluation, when the guard's source state was entered (for ``time_in_state()``). So do the decisions a journey
recorded (``done(a)``, ``declined(a)``, ``signed(a)``, ``days_since_done(a)``; ``docs/recommendations.md``): the
scope's ``recorded`` says when each was last recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Final

from pathway.expr.closures import Env, Failed, Fn, Layout, NeedsFn, moment
from pathway.expr.types import UNKNOWN, Checker, EvalError, Evaluation, ValueType, value_checker

_NOTHING: Final[frozenset[str]] = frozenset()
_UNDECIDED: Final = Evaluation(value=UNKNOWN, read={}, missing=_NOTHING)
_NEVER_GIVEN: Final[Mapping[str, datetime]] = MappingProxyType({})
_CHECK_TIME: Final = value_checker(ValueType("datetime"))
_NOT_KEPT: Final = object()
UNSURE: Final = object()
"""What :meth:`Compiled.value` gives when the value alone cannot stand for the evaluation: it is unknown (it may
need assumed values, and says what it needs), or it could not be evaluated."""
IN_STATE: Final = "time_in_state()"
"""The key of ``Evaluation.read`` that holds what ``time_in_state()`` read."""


def last_key(fact: str) -> str:
    """The key of ``Evaluation.read`` that holds what ``last(fact)`` read."""
    return f"last({fact})"


def _inherited(subs: Mapping[int, Evaluation], read: dict[str, object], timed: bool) -> dict[str, object]:
    """What an evaluation read: what each derived fact it read read (in the order of its names), then its own
    reads, sorted; its own reads alone (sorted when it reads the clock's values) when those read nothing."""
    inherited: dict[str, object] = {}
    for sub in subs.values():
        inherited.update(sub.read)
    if inherited:
        inherited.update(read)
        return dict(sorted(inherited.items()))
    return dict(sorted(read.items())) if timed else read


class Scope:
    """What an evaluation sees. facts: name -> value (a name absent from the mapping is unknown).
    derived: name -> Compiled for every derived fact. today: the virtual clock, a date (midnight at its start) or a
    datetime; None -> what reads the clock is unknown. given: fact name -> when it was last given a value (for
    ``last(f)``; a fact absent from it was never given). recorded: a decision the journey recorded (``done(a)``,
    ``declined(a)``, ``signed(a)``: see :func:`~pathway.expr.parse.recorded_key`) -> when it was last recorded (a
    decision absent from it was never recorded). Caches each derived fact's Evaluation, so many guards over one
    Scope are cheap; a derived fact cannot read ``time_in_state()`` nor decisions, so its evaluation is the same
    whatever state a guard belongs to.

    ``now`` is the full clock (a datetime, or None) and ``today`` its date. A scope belongs to one moment: build a
    new one when facts, given times, decisions, assumed values or the clock change (its caches, and the compiled
    engine, which takes a scope it has seen before for one that shows the same, rely on it). A derived name takes
    precedence over a fact of the same name. A cycle among derived facts (which the loader rejects) evaluates to
    unknown.

    ``assumed``: fact name -> the value assumed while it is not in ``facts`` (see the module docstring).

    ``changes``: optionally, the log of facts given or forgotten that the scope's owner keeps (one name per change,
    only ever appended to: a change of a fact's value or given time is logged) and its length at this moment; a
    later scope with the same log names what changed in ``facts`` and ``given`` between the two without comparing
    them (the compiled engine's selector reads it: :class:`pathway.engine.dependencies.Seen`).
    """

    __slots__ = (
        "facts",
        "derived",
        "now",
        "today",
        "given",
        "recorded",
        "assumed",
        "changes",
        "_cache",
        "_values",
        "_active",
        "_assuming",
    )

    def __init__(
        self,
        facts: Mapping[str, object],
        derived: Mapping[str, Compiled],
        today: date | datetime | None = None,
        *,
        given: Mapping[str, datetime] | None = None,
        assumed: Mapping[str, object] | None = None,
        recorded: Mapping[str, datetime] | None = None,
        changes: tuple[Sequence[str], int] | None = None,
    ) -> None:
        self.facts = facts
        self.derived = derived
        self.now: datetime | None = moment(today)
        self.today: date | None = None if self.now is None else self.now.date()
        self.given: Mapping[str, datetime] = _NEVER_GIVEN if given is None else given
        self.assumed: Mapping[str, object] = {n: v for n, v in (assumed or {}).items() if n not in facts}
        self.recorded: Mapping[str, datetime] = _NEVER_GIVEN if recorded is None else recorded
        self.changes = changes
        self._cache: dict[str, Evaluation] = {}
        self._values: dict[str, object] = {}
        self._active: set[str] = set()
        self._assuming: Scope | None = None

    def keep_derived(self, kept: dict[str, Evaluation], values: dict[str, object]) -> None:
        """Use ``kept`` as this scope's cache of derived evaluations and ``values`` as its cache of their values
        (:meth:`derived_value`), and fill them: the caller (the compiled engine) keeps them across scopes and
        removes every derived fact that reads a value that changed, so what they hold is what this scope would
        work out."""
        kept.update(self._cache)
        self._cache = kept
        values.update(self._values)
        self._values = values

    def assuming(self) -> Scope:
        """This scope with the assumed values among its facts (built once)."""
        if self._assuming is None:
            self._assuming = Scope(
                {**self.facts, **self.assumed}, self.derived, self.now, given=self.given, recorded=self.recorded
            )
        return self._assuming

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
            result = compiled.evaluate_once(self)
        finally:
            self._active.discard(name)
        self._cache[name] = result
        return result

    def derived_value(self, name: str) -> object:
        """What a guard's environment holds for derived fact ``name`` in this scope (worked out once): its value,
        or the :class:`EvalError` of an evaluation that failed; the same as its :meth:`derived_evaluation` gives,
        without working out what it read and needs."""
        value = self._values.get(name, _NOT_KEPT)
        if value is not _NOT_KEPT:
            return value
        full = self._cache.get(name)
        if full is not None:
            value = full.value if full.error is None else full.error
        else:
            compiled = self.derived.get(name)
            if compiled is None or name in self._active:
                return UNKNOWN
            self._active.add(name)
            try:
                value = compiled.value_once(self)
            finally:
                self._active.discard(name)
        self._values[name] = value
        return value


@dataclass(frozen=True)
class Plan:
    """How to evaluate: for each name (sorted) its type check and whether it is read outside ``known()``; the
    closure; the closure that names the slots an undecided result still needs; the facts read through ``last()``
    (in the order of their slots), whether ``time_in_state()`` is read, and the decisions read (sorted; their slots
    follow the names'). ``env`` is laid out as :class:`~pathway.expr.closures.Layout` says, its names being the
    names and then the decisions."""

    slots: tuple[tuple[str, Checker, bool], ...]
    fn: Fn
    needs: NeedsFn
    last: tuple[str, ...] = ()
    in_state: bool = False
    recorded: tuple[str, ...] = ()

    def fact_at(self, index: int) -> str:
        """The fact (or decision) whose value (or last given time) stands at ``index`` of env."""
        count = len(self.slots)
        if index < count:
            return self.slots[index][0]
        if index < count + len(self.recorded):
            return self.recorded[index - count]
        return self.last[index - Layout(count + len(self.recorded)).last(0)]


@dataclass(frozen=True)
class Compiled:
    """A checked expression compiled to closures. Build it with :func:`pathway.expr.compile_expr`.

    ``clock``, ``in_state``, ``last`` and ``recorded`` say what the expression reads besides facts, directly: a
    derived fact it reads may read the clock or ``last()`` too (look at the derived facts of ``names``), never
    ``time_in_state()`` nor a decision."""

    text: str
    type: ValueType
    names: frozenset[str]  # names referenced directly (facts and derived), including inside known() and last()
    _plan: Plan = field(repr=False, compare=False)
    clock: bool = False  # calls days_since, hours_since, time_since, time_in_state or days_since_done
    in_state: bool = False  # calls time_in_state(): reads when its transition's source state was entered
    last: frozenset[str] = frozenset()  # the facts f it reads through last(f)
    recorded: frozenset[str] = frozenset()  # the decisions it reads: 'done(a)', 'declined(a)', 'signed(a)'

    def evaluate(self, scope: Scope, entered: datetime | None = None) -> Evaluation:
        """Evaluate over ``scope``; ``entered`` is when the guard's source state was entered (for
        ``time_in_state()``: unknown when it or the clock is None). Never raises: what cannot be decided yet is
        UNKNOWN, and what cannot be evaluated carries its ``error``. Unknown over the facts alone, it is evaluated
        again with the scope's assumed values when one of them could decide it; decided so, its ``assumed`` names
        them (else the first result stands: the assumptions decide nothing)."""
        first = self.evaluate_once(scope, entered)
        if first.value is not UNKNOWN or first.error is not None or not scope.assumed:
            return first
        deciding = first.missing.intersection(scope.assumed)
        if not deciding:
            return first
        again = self.evaluate_once(scope.assuming(), entered)
        if again.value is UNKNOWN or again.error is not None:
            return first
        return Evaluation(again.value, missing=again.missing, assumed=frozenset(deciding), reader=lambda: again.read)

    def value(self, scope: Scope, entered: datetime | None = None) -> object:
        """The value :meth:`evaluate` gives when it is decided without an error (then its value is the whole
        answer for a caller that needs no more than the outcome); :data:`UNSURE` otherwise (unknown, perhaps to be
        decided by assumed values, or failed: the caller evaluates in full). Over the same closures and the same
        environment as :meth:`evaluate`, without building what the evaluation read and needs."""
        try:
            result = self._plan.fn(self._environment(scope, entered))
        except Exception:
            return UNSURE
        return UNSURE if result is UNKNOWN else result

    def value_once(self, scope: Scope) -> object:
        """A derived fact's value over the scope's facts alone, or the :class:`EvalError` its
        :meth:`evaluate_once` would carry: what a guard reading it finds in its environment."""
        try:
            env = self._environment(scope, None)
            try:
                return self._plan.fn(env)
            except Failed as failed:
                return failed.error
            except Exception as raised:
                return EvalError.of(raised, self.text)
        except Exception as error:
            return EvalError.of(error, self.text)

    def _environment(self, scope: Scope, entered: datetime | None) -> Env:
        """The environment :meth:`_evaluate` builds, from the derived facts' values alone."""
        facts, derived = scope.facts, scope.derived
        env: Env = []
        for name, check, _ in self._plan.slots:
            if name in derived:
                sub = scope.derived_value(name)
                env.append(sub if sub.__class__ is EvalError else check(sub))
            else:
                env.append(check(facts.get(name, UNKNOWN)))
        if self._plan.recorded:
            self._decisions(env, {}, scope)
        if self._plan.in_state or self._plan.last or self._plan.recorded:
            self._clock(env, {}, scope, entered)
        else:
            env.append(scope.now)
        return env

    def evaluate_once(self, scope: Scope, entered: datetime | None = None) -> Evaluation:
        """Evaluate over the scope's facts alone (never its assumed values); see :meth:`evaluate`."""
        try:
            return self._evaluate(scope, entered)
        except Exception as error:  # a broken Mapping, exhausted memory or stack: an error, never a crash
            return self._failed(EvalError.of(error, self.text))

    def _evaluate(self, scope: Scope, entered: datetime | None) -> Evaluation:
        facts, derived = scope.facts, scope.derived
        env: Env = []
        read: dict[str, object] = {}
        subs: dict[int, Evaluation] = {}
        for index, (name, check, _) in enumerate(self._plan.slots):
            if name in derived:
                sub = scope.derived_evaluation(name)
                value = check(sub.value) if sub.error is None else sub.error  # slots raise Failed on an error
                subs[index] = sub
            else:
                value = check(facts.get(name, UNKNOWN))
            env.append(value)
            read[name] = value
        if self._plan.recorded:
            self._decisions(env, read, scope)
        timed = self._plan.in_state or bool(self._plan.last) or bool(self._plan.recorded)
        if timed:
            self._clock(env, read, scope, entered)
        else:
            env.append(scope.now)
        error: EvalError | None = None
        try:
            result = self._plan.fn(env)
        except Failed as failed:  # a derived fact it needs could not be evaluated: the same error
            result, error = UNKNOWN, failed.error
        except Exception as raised:  # division by zero, a number too large
            result, error = UNKNOWN, EvalError.of(raised, self.text)
        missing = self._needed(env, subs) if result is UNKNOWN and error is None else _NOTHING
        if subs or timed:
            return Evaluation(result, missing=missing, error=error, reader=lambda: _inherited(subs, read, timed))
        return Evaluation(value=result, read=read, missing=missing, error=error)

    def _decisions(self, env: Env, read: dict[str, object], scope: Scope) -> None:
        """Append when each decision read was last recorded (UNKNOWN: never) to env and to ``read``."""
        recorded = scope.recorded
        for key in self._plan.recorded:
            value = _CHECK_TIME(recorded.get(key, UNKNOWN))
            env.append(value)
            read[key] = value

    def _clock(self, env: Env, read: dict[str, object], scope: Scope, entered: datetime | None) -> None:
        """Append the clock values to env (see Layout), and what time_in_state() and last() read to ``read``."""
        now = scope.now
        env.append(now)
        in_state: object = UNKNOWN
        if self._plan.in_state:
            since = moment(entered)
            in_state = UNKNOWN if now is None or since is None else now - since
            read[IN_STATE] = in_state
        env.append(in_state)
        given = scope.given
        for fact in self._plan.last:
            when = moment(given.get(fact))
            value = UNKNOWN if when is None else when
            env.append(value)
            read[last_key(fact)] = value

    def _needed(self, env: Env, subs: dict[int, Evaluation]) -> frozenset[str]:
        """The facts an undecided result still needs (through derived facts, the facts those need)."""
        needed: set[str] = set()
        for index in self._plan.needs(env):
            if index in subs:
                needed |= subs[index].missing
            else:
                needed.add(self._plan.fact_at(index))
        return frozenset(needed) if needed else _NOTHING

    def _failed(self, error: EvalError) -> Evaluation:
        read: dict[str, object] = {name: UNKNOWN for name, _, _ in self._plan.slots}
        read.update((key, UNKNOWN) for key in self._plan.recorded)
        read.update((last_key(fact), UNKNOWN) for fact in self._plan.last)
        if self._plan.in_state:
            read[IN_STATE] = UNKNOWN
        return Evaluation(value=UNKNOWN, read=dict(sorted(read.items())), missing=_NOTHING, error=error)
