"""A journey's inputs against the pathway's constraints: which input contradicts what the earlier ones said.

Facts accumulate over the inputs as the engine keeps them: each input's facts replace the earlier values, and a
value goes stale ``valid_for`` after the input that gave it (``docs/time.md``), so a stale value contradicts
nothing. After each input every constraint is evaluated over the facts then current; a constraint that becomes
definitely false there is a :class:`Contradiction` of that input, located at the first of its facts (in the
order written) that the constraint read, which is what completed the contradiction. Checking a journey
(:mod:`pathway.journey.check`) and replaying a trail (:mod:`pathway.audit.replay`) both refuse one, so nothing
runs on a patient the pathway says cannot exist.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple
from weakref import WeakKeyDictionary

from pathway.definition.analysis import Analysis
from pathway.definition.constraints import Breach, breaches
from pathway.definition.domains import names_read
from pathway.expr import UNKNOWN, Scope
from pathway.expr.durations import format_time, parse_duration
from pathway.expr.types import same_value


class Given(NamedTuple):
    """An input as the check reads it: when, its typed facts (in the order written) and its source line (0 when
    it has none)."""

    at: datetime
    facts: Mapping[str, object]
    line: int


@dataclass(frozen=True)
class Contradiction:
    """A constraint broken by an input: ``index`` of the input (0-based), the fact key of that input that
    completed it (None when none did: a value gone stale changed what ``known()`` says), and the sentence and hint
    a reader sees."""

    index: int
    constraint: str
    field: str | None
    message: str
    hint: str


def value_text(value: object) -> str:
    """A fact's value as a journey writes it: ``"none"``, ``true``, ``3``, ``2026-03-02``."""
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, date):
        return value.isoformat()
    return json.dumps(value)


def contradictions(analysis: Analysis, inputs: Sequence[Given]) -> list[Contradiction]:
    """Each constraint that an input breaks while it held (or was undecided) after the input before, in input
    order.

    A constraint reads facts only (through derived facts too; never the clock), so after an input it is evaluated
    again only when one of the facts it reads changed: given a value other than the one it had (of another type, or
    a float of another sign, counts as other), or went stale, or fresh again; else it says what it said after the
    input before."""
    if not analysis.constraints:
        return []
    plan = _plan(analysis)
    current: dict[str, tuple[object, int, datetime]] = {}  # fact read -> value, index of the input, its time
    expiry: dict[str, datetime] = {}  # each fact of current that goes stale -> when it does
    stale: set[str] = set()  # the facts of current whose values went stale
    broken: set[str] = set()
    found: list[Contradiction] = []
    for index, given in enumerate(inputs):
        changed = _take(plan, index, given, current, expiry)
        if expiry:
            before, stale = stale, {n for n, until in expiry.items() if given.at >= until}
            changed |= stale ^ before  # ^: a time that goes backwards makes a value fresh again
        if index and not changed:
            continue
        again = [n for n, read in plan.reads.items() if index == 0 or not read.isdisjoint(changed)]
        now = _breaches(analysis, {n: entry[0] for n, entry in current.items() if n not in stale}, again)
        for breach in now:
            if breach.name not in broken:
                live = {n: entry for n, entry in current.items() if n not in stale}
                found.append(_contradiction(analysis, inputs, index, breach, live))
        broken = (broken - set(again)) | {b.name for b in now}
    return found


def _take(
    plan: _Plan,
    index: int,
    given: Given,
    current: dict[str, tuple[object, int, datetime]],
    expiry: dict[str, datetime],
) -> set[str]:
    """Note the facts of input ``index`` that a constraint reads; returns those whose values changed."""
    at, changed = given.at, set()
    for name, value in given.facts.items():
        if name not in plan.read:
            continue  # no constraint reads it
        held = current.get(name)
        if held is None or not same_value(held[0], value):
            changed.add(name)
        current[name] = (value, index, at)
        if name in plan.lasting:
            expiry[name] = at + plan.lasting[name]
    return changed


class _Plan(NamedTuple):
    """What the check needs of a pathway: the names each constraint reads (through derived facts too), all of
    them, and how long each fact read stays fresh (those with a ``valid_for``)."""

    reads: dict[str, frozenset[str]]
    read: frozenset[str]
    lasting: dict[str, timedelta]


_PLANS: WeakKeyDictionary[Analysis, _Plan] = WeakKeyDictionary()


def _plan(analysis: Analysis) -> _Plan:
    """The analysis's plan, worked out once."""
    plan = _PLANS.get(analysis)
    if plan is None:
        reads = {name: names_read(analysis, compiled.names) for name, compiled in analysis.constraints.items()}
        read = frozenset().union(*reads.values())
        facts = analysis.pathway.facts
        lasting = {n: parse_duration(f.valid_for) for n, f in facts.items() if f.valid_for is not None and n in read}
        plan = _PLANS[analysis] = _Plan(reads, read, lasting)
    return plan


def _breaches(analysis: Analysis, values: Mapping[str, object], names: list[str]) -> list[Breach]:
    """:func:`~pathway.definition.constraints.breaches` of these constraints: each is first evaluated for its value
    alone (:meth:`~pathway.expr.Compiled.value`: false exactly when its full evaluation is), and in full, for what
    it read, only when it is false."""
    scope = Scope(values, analysis.derived)
    false = [n for n in names if analysis.constraints[n].value(scope) is False]
    return breaches(analysis, values, false) if false else []


def _contradiction(
    analysis: Analysis,
    inputs: Sequence[Given],
    index: int,
    breach: Breach,
    live: Mapping[str, tuple[object, int, datetime]],
) -> Contradiction:
    read = [n for n, v in breach.evaluation.read.items() if n in live and v is not UNKNOWN]
    field = next((n for n in inputs[index].facts if n in read), None)
    by_input: dict[int, list[str]] = {}
    for name in sorted(read):
        by_input.setdefault(live[name][1], []).append(f"{name}={value_text(live[name][0])}")
    parts = [f"in this entry: {', '.join(by_input.pop(index))}"] if index in by_input else []
    for source, values in sorted(by_input.items()):
        line = inputs[source].line
        parts.append(f"from input {source + 1}" + (f" on line {line}" if line else "") + f": {', '.join(values)}")
    earlier = sorted(n for n in read if live[n][1] != index)
    constraint = analysis.pathway.constraints[breach.name]
    message = f"constraint '{breach.name}' is broken: {constraint.message} ({'; '.join(parts)})"
    if earlier:
        again = ", ".join(earlier)
        fix = f"correct the value that is wrong; if the patient has changed, give the new value of {again} here too"
    else:
        fix = "correct the value that is wrong: no patient has all of these"
    return Contradiction(index, breach.name, field, message, f"{fix} (the constraint: {constraint.expr})")
