"""Hygiene lint rules: decisions without evidence, and declarations nothing uses."""

from __future__ import annotations

from collections.abc import Iterator

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.diagnostics import Severity
from pathway.lint.base import LintIssue, rule


@rule("PW520", "recommendation, finding or decision without evidence", Severity.WARNING)
def missing_evidence(analysis: Analysis) -> Iterator[LintIssue]:
    p = analysis.pathway
    for name, action in p.actions.items():
        if not action.evidence:
            yield LintIssue(
                ("actions", name),
                "PW520",
                f"action '{name}' cites no evidence",
                "add the ids of the evidence entries that support it",
                key=True,
            )
    for name, finding in p.findings.items():
        if not finding.evidence:
            yield LintIssue(
                ("findings", name),
                "PW520",
                f"finding '{name}' cites no evidence",
                "add the ids of the evidence entries that support it",
                key=True,
            )
    index = analysis.index
    for t in index.transitions:
        target = index.states[t.transition.to].state
        changes_care = bool(target.recommend or target.conclude)
        if changes_care and not t.transition.evidence and t.transition.when != OTHERWISE:
            yield LintIssue(
                t.path,
                "PW520",
                f"transition '{t.id}' leads to recommendations or findings but cites no evidence",
                "add 'evidence:' to the transition",
            )


def _read_names(analysis: Analysis) -> set[str]:
    """Every name a guard or derived fact reads (known() included), from the expressions compiled at load time."""
    compiled = [*analysis.guards.values(), *analysis.derived.values()]
    return {name for expression in compiled for name in expression.names}


@rule("PW521", "fact never read", Severity.WARNING)
def unread_facts(analysis: Analysis) -> Iterator[LintIssue]:
    read = _read_names(analysis)
    for name in analysis.pathway.facts:
        if name not in read:
            yield LintIssue(
                ("facts", name),
                "PW521",
                f"fact '{name}' is declared but no guard or derived fact reads it",
                "remove it, or keep it as recorded context with '# pathway: allow PW521 because ...'",
                key=True,
            )


@rule("PW522", "action never recommended", Severity.WARNING)
def unused_actions(analysis: Analysis) -> Iterator[LintIssue]:
    used = {a for info in analysis.index.states.values() for a in info.state.recommend}
    for name in analysis.pathway.actions:
        if name not in used:
            yield LintIssue(
                ("actions", name),
                "PW522",
                f"action '{name}' is never recommended by any state",
                "recommend it in a state, or remove it",
                key=True,
            )


@rule("PW523", "derived fact unused", Severity.WARNING)
def unused_derived(analysis: Analysis) -> Iterator[LintIssue]:
    read = _read_names(analysis)
    for name in analysis.pathway.derived:
        if name not in read:
            yield LintIssue(
                ("derived", name),
                "PW523",
                f"derived fact '{name}' is never read",
                "use it in a guard, or remove it",
                key=True,
            )
