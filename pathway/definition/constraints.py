"""A pathway's constraints evaluated over facts, and the assumed values that hold with them.

A constraint is *broken* only when it is definitely false: while a fact it reads is unknown it may still hold, and
an expression that cannot be evaluated (a division by zero) breaks nothing. Constraints never read the clock
(:mod:`pathway.definition.consistency` refuses it), so they are evaluated without one.

An assumed value (a fact's ``assume``) stands in for a fact that is not recorded, unless it would make a patient the
constraints forbid: then the given facts contradict the assumption, and the fact stays unknown. Journeys
(:mod:`pathway.journey.constraints`), the engine (the scope its guards see), lint and scenario generation all read
constraints through this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pathway.definition.analysis import Analysis
from pathway.expr import Evaluation, Scope


@dataclass(frozen=True)
class Breach:
    """A constraint that is definitely false, and what its evaluation read (facts and derived facts)."""

    name: str
    evaluation: Evaluation


def breaches(analysis: Analysis, facts: Mapping[str, object], names: Sequence[str] | None = None) -> list[Breach]:
    """Every constraint that ``facts`` (name -> value; an absent name is unknown) make definitely false, in the
    order of the definition; ``names``: only these constraints (given in the definition's order)."""
    if not analysis.constraints:
        return []
    scope = Scope(facts, analysis.derived)
    found = []
    chosen = analysis.constraints.items() if names is None else ((n, analysis.constraints[n]) for n in names)
    for name, compiled in chosen:
        evaluation = compiled.evaluate(scope)
        if evaluation.value is False:
            found.append(Breach(name, evaluation))
    return found


def forbidden(analysis: Analysis, facts: Mapping[str, object]) -> bool:
    """Whether ``facts`` break a constraint (a patient the constraints forbid)."""
    return bool(breaches(analysis, facts))


def assumed_values(analysis: Analysis, facts: Mapping[str, object]) -> dict[str, object]:
    """The assumed value of each fact that declares one and is not in ``facts``, in the order of the fact
    dictionary; one that would break a constraint the facts (and the assumptions kept before it) do not break is
    left out: the facts given contradict it."""
    assumed: dict[str, object] = {}
    for name, value in analysis.assumptions.items():
        if name in facts:
            continue
        if analysis.constraints:
            before = {b.name for b in breaches(analysis, {**facts, **assumed})}
            if any(b.name not in before for b in breaches(analysis, {**facts, **assumed, name: value})):
                continue
        assumed[name] = value
    return assumed
