"""PW514-PW515: the pathway's constraints, decided exhaustively over finite fact domains like the guards.

PW514: a constraint that no patient can satisfy: false for every fully known assignment of the facts it reads
(their domains from its own literals and those of the derived facts it reads, :mod:`pathway.definition.domains`),
so every journey that gives them all is refused. A constraint that reads a fact without a finite domain (a date),
or with more than :data:`~pathway.definition.domains.MAX_COMBINATIONS` assignments, is not checked.

PW515: a transition that fires for some patient, but only for patients the constraints forbid: no journey can make
it fire (journeys that break a constraint are refused), so it is dead like one that can never fire (PW510). It reads
the tables of :mod:`pathway.linter.exhaustive`, which mark the rows the constraints allow. While a constraint is
unsatisfiable (PW514) it forbids everyone, so PW515 waits until that is fixed.
"""

from __future__ import annotations

from collections.abc import Iterator

from pathway.definition.analysis import Analysis
from pathway.definition.constraints import breaches
from pathway.definition.domains import MAX_COMBINATIONS, assignments, combinations, fact_domains
from pathway.diagnostics.codes import Code
from pathway.expr import Scope
from pathway.linter.base import LintFinding, rule
from pathway.linter.exhaustive import groups, reads_of, tables
from pathway.linter.guards import flow, label


def _satisfiable(analysis: Analysis, name: str) -> bool | None:
    """Whether some fully known patient satisfies the constraint; None when its facts cannot be enumerated."""
    compiled = analysis.constraints[name]
    facts, derived = reads_of(analysis, compiled.names)
    p = analysis.pathway
    texts = [p.constraints[name].expr, *(p.derived[d].expr for d in sorted(derived))]
    domains = fact_domains(analysis, texts)
    count = combinations(facts, domains, include_unknown=False)
    if count is None or count > MAX_COMBINATIONS:
        return None
    return any(
        compiled.evaluate(Scope(row, analysis.derived)).value is not False
        for row in assignments(facts, domains, include_unknown=False)
    )


def unsatisfiable_names(analysis: Analysis) -> list[str]:
    """The constraints no fully known patient satisfies (those that cannot be enumerated are not among them)."""
    return [name for name in analysis.constraints if _satisfiable(analysis, name) is False]


@rule(Code.PW514)
def unsatisfiable(analysis: Analysis) -> Iterator[LintFinding]:
    for name in unsatisfiable_names(analysis):
        yield LintFinding(
            ("constraints", name, "expr"),
            f"constraint '{name}' is false for every patient: every journey that gives the facts it reads is refused",
            "a constraint says what must hold (write 'not (a and b)' for 'a and b cannot both be true'); check its "
            "comparisons and the derived facts it reads",
        )


@rule(Code.PW515)
def forbidden_only(analysis: Analysis) -> Iterator[LintFinding]:
    if not analysis.constraints or unsatisfiable_names(analysis):
        return
    known = tables(analysis)
    for _, _, transitions in groups(analysis):
        table = known.table(transitions)
        if table is None:
            continue
        earlier = 0
        for t, column in zip(transitions, table.columns, strict=True):
            fires = column & ~earlier
            earlier |= column
            if not fires or fires & table.allowed:
                continue
            patient = table.first(fires) or {}
            broken = ", ".join(f"'{b.name}'" for b in breaches(analysis, patient)) or "a constraint"
            yield LintFinding(
                (*t.path, "when") if t.when is not None else t.path,
                f"transition {label(t)} fires only for patients the constraints forbid, such as {flow(patient)}, "
                f"which breaks {broken}: no journey can make it fire",
                "check the guard against the constraints, or remove the transition",
                key=t.when is None,
            )
