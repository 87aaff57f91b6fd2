"""The values of the active recommendations: worked out when a recommendation is issued, and again after each
input and wake-up while it stays active (``docs/recommendations.md``).

A value is three-valued like a guard: worked out, **unknown** while a fact it needs is not known (with the facts
that could decide it, never a guess), or an **error** when it cannot be evaluated although its facts are known (a
division by zero). A table's cases are checked in order like a state's transitions: an unknown guard before the
first true one leaves the value unknown, and a guard error makes it an error. :class:`Values` keeps what was last
recorded for each recommendation, so that the engine records a change (a ``revised`` record) and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pathway.definition.analysis import Analysis
from pathway.definition.model import Action
from pathway.definition.values import ValueRule, rounded, shown
from pathway.engine.checks import read_entries
from pathway.engine.tables import Seen, same
from pathway.expr import UNKNOWN, Evaluation, Scope
from pathway.trail.parts import Computed, Failure, Read, ValueComputed, ValueFailed, ValueUnknown
from pathway.trail.plain import trusted
from pathway.trail.records import IssuedRecord, Record, RevisedRecord

OTHERWISE = "otherwise"


@dataclass(frozen=True)
class Worked:
    """A recommendation's values at a moment (name -> value, sorted by name as the trail file holds them) and its
    text."""

    values: dict[str, Computed]
    text: str | None

    def needs(self) -> set[str]:
        """The facts its unknown values need."""
        return {f for v in self.values.values() if isinstance(v, ValueUnknown) for f in v.missing}

    def failed(self) -> bool:
        return any(isinstance(v, ValueFailed) for v in self.values.values())


def _key(value: Computed) -> tuple[object, ...]:
    """What makes a value different for a clinician: its number or text and unit, what an unknown value needs,
    what went wrong. (A weight given again with the same number changes the input it was read from, not the dose.)"""
    if isinstance(value, ValueComputed):
        return ("value", type(value.value) is str, value.value, value.unit)
    if isinstance(value, ValueUnknown):
        return ("unknown", value.missing)
    return ("error", value.error.message)


class _Reads:
    """The parts of a value's ``read``: each evaluation's entries, merged in evaluation order."""

    def __init__(self, analysis: Analysis, supplied: Mapping[str, int], given_by: Mapping[str, int]) -> None:
        self.derived, self.supplied, self.given_by = analysis.derived, supplied, given_by
        self.entries: dict[str, Read] = {}

    def add(self, evaluation: Evaluation) -> None:
        self.entries.update(read_entries(evaluation, self.derived, self.supplied, self.given_by))

    def part(self) -> dict[str, Read] | None:
        return dict(sorted(self.entries.items())) or None


def work_out(
    rule: ValueRule, scope: Scope, analysis: Analysis, supplied: Mapping[str, int], given_by: Mapping[str, int]
) -> Computed:
    """One value over the facts and the clock of ``scope``; ``supplied`` and ``given_by`` say which input gave
    each fact (for ``read``)."""
    reads = _Reads(analysis, supplied, given_by)
    if rule.expr is not None:
        evaluation = rule.expr.evaluate(scope)
        reads.add(evaluation)
        return _outcome(evaluation, rule, reads, expr=rule.expr.text)
    for case in rule.cases:
        if case.when is None:
            when = OTHERWISE if rule.table else None
            value, unit = _number(case.value, rule), _unit(case.value, rule)
            return trusted(ValueComputed, value=value, unit=unit, when=when, read=reads.part())
        evaluation = case.when.evaluate(scope)
        reads.add(evaluation)
        if evaluation.value is not False or evaluation.error is not None:
            return _outcome(evaluation, rule, reads, when=case.when.text, chosen=case.value)
    raise AssertionError("a table ends with 'otherwise'")  # the model refuses one that does not


def _outcome(
    evaluation: Evaluation,
    rule: ValueRule,
    reads: _Reads,
    *,
    expr: str | None = None,
    when: str | None = None,
    chosen: int | float | str | None = None,
) -> Computed:
    """The value an evaluation gives: an expression's number, or a case's value when its guard is true."""
    read = reads.part()
    if evaluation.error is not None:
        failure = trusted(Failure, kind=evaluation.error.kind, message=evaluation.error.message)
        return trusted(ValueFailed, error=failure, expr=expr, when=when, read=read)
    if evaluation.value is UNKNOWN:
        return trusted(
            ValueUnknown, unknown=True, missing=tuple(sorted(evaluation.missing)), expr=expr, when=when, read=read
        )
    value = evaluation.value if chosen is None else chosen
    assert isinstance(value, int | float | str)  # the checker made an expression's value a number
    return trusted(ValueComputed, value=_number(value, rule), unit=_unit(value, rule), expr=expr, when=when, read=read)


def _number(value: int | float | str, rule: ValueRule) -> int | float | str:
    return value if isinstance(value, str) else rounded(value, rule.decimals)


def _unit(value: int | float | str, rule: ValueRule) -> str | None:
    return None if isinstance(value, str) else rule.unit


def text_of(value: Computed, name: str) -> str:
    """A value as it stands in a recommendation's text: shown with its unit, or why it is not there."""
    if isinstance(value, ValueComputed):
        return shown(value.value, value.unit)
    return f"[{name} unknown]" if isinstance(value, ValueUnknown) else f"[{name}: error]"


class Values:
    """What was last recorded of the values of each active recommendation that has values."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.recorded: dict[str, Worked] = {}
        self.basis: dict[str, Seen] = {}  # action -> a snapshot of what its values were last worked from

    def work(
        self, action: str, scope: Scope, supplied: Mapping[str, int], given_by: Mapping[str, int]
    ) -> Worked | None:
        """The action's values over ``scope`` (None for an action without values)."""
        rules = self.analysis.values.get(action)
        if not rules:
            return None
        values = {n: work_out(rule, scope, self.analysis, supplied, given_by) for n, rule in sorted(rules.items())}
        entry: Action = self.analysis.pathway.actions[action]
        return Worked(values, entry.fill({name: text_of(v, name) for name, v in values.items()}))

    def issue(
        self,
        action: str,
        scope: Scope,
        supplied: Mapping[str, int],
        given_by: Mapping[str, int],
        seen: Seen | None = None,
    ) -> Worked | None:
        """The values an issue of ``action`` records (now the last recorded); ``seen``, a snapshot of what they read
        (:mod:`pathway.engine.tables`)."""
        worked = self.work(action, scope, supplied, given_by)
        if worked is not None:
            self.recorded[action] = worked
            if seen is not None:
                self.basis[action] = seen
        return worked

    def revise(
        self,
        active: Iterable[str],
        scope: Scope,
        supplied: Mapping[str, int],
        given_by: Mapping[str, int],
        seen: Callable[[str], Seen] | None = None,
    ) -> list[tuple[str, tuple[str, ...], Worked]]:
        """(action, the names of the values that changed, its values now) for each active recommendation whose
        values changed since they were last recorded (now the last recorded). ``seen`` takes a snapshot of what an
        action's values read: values whose inputs did not change since they were last worked out are not worked out
        again (they are what was worked out then, which is what was last recorded, as far as a change goes)."""
        changes: list[tuple[str, tuple[str, ...], Worked]] = []
        for action in active:
            before = self.recorded.get(action)
            if before is None:  # an action without values
                continue
            now = seen(action) if seen is not None else None
            if now is not None:
                if same(self.basis.get(action), now):
                    continue
                self.basis[action] = now
            worked = self.work(action, scope, supplied, given_by)
            if worked is None:
                continue
            changed = tuple(n for n, v in worked.values.items() if _key(v) != _key(before.values[n]))
            if changed:
                self.recorded[action] = worked
                changes.append((action, changed, worked))
        return changes

    def now(self, action: str) -> dict[str, Any]:
        """The ``values`` and ``text`` last recorded for an active recommendation (none without values)."""
        return fields(self.recorded.get(action))

    def needs(self, active: Iterable[str]) -> set[str]:
        """The facts the unknown values of the active recommendations need."""
        return {fact for action in active if (worked := self.recorded.get(action)) for fact in worked.needs()}


def fields(worked: Worked | None) -> dict[str, Any]:
    """The ``values`` and ``text`` fields of a record (none for a recommendation without values)."""
    return {"values": worked.values, "text": worked.text} if worked is not None else {}


def value_errors(records: Sequence[Record]) -> list[tuple[IssuedRecord | RevisedRecord, str, ValueFailed]]:
    """(the record, the value's name, the value) for each value of an issue or a revision that could not be
    evaluated."""
    return [
        (r, name, value)
        for r in records
        if isinstance(r, IssuedRecord | RevisedRecord)
        for name, value in (r.values or {}).items()
        if isinstance(value, ValueFailed)
    ]
