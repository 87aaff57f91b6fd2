"""Hygiene lint rules: decisions without evidence, and declarations nothing uses."""

from __future__ import annotations

from collections.abc import Iterator

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.diagnostics.codes import Code
from pathway.linter.base import LintFinding, rule


@rule(Code.PW520)
def missing_evidence(analysis: Analysis) -> Iterator[LintFinding]:
    p = analysis.pathway
    for name, action in p.actions.items():
        if not action.evidence:
            yield LintFinding(
                ("actions", name),
                f"action '{name}' cites no evidence",
                "add the ids of the evidence entries that support it",
                key=True,
            )
        for value_name, value in (action.values or {}).items():
            if not value.evidence:
                yield LintFinding(
                    ("actions", name, "values", value_name),
                    f"value '{value_name}' of action '{name}' cites no evidence",
                    "add 'evidence:' to the value: the source that states the dose or the rule",
                    key=True,
                )
    for name, finding in p.findings.items():
        if not finding.evidence:
            yield LintFinding(
                ("findings", name),
                f"finding '{name}' cites no evidence",
                "add the ids of the evidence entries that support it",
                key=True,
            )
    index = analysis.index
    for t in index.transitions:
        target = index.states[t.target].state
        changes_care = bool(target.recommended or target.conclude)
        if changes_care and not t.evidence and t.when != OTHERWISE:
            yield LintFinding(
                t.path,
                f"transition '{t.id}' leads to recommendations or findings but cites no evidence",
                "add 'evidence:' to the transition",
            )


def _read_names(analysis: Analysis) -> set[str]:
    """Every name a guard, an until, a derived fact, a constraint, a computed value or an action's ``applies_to``
    reads (known() included), from the expressions compiled at load time, and every fact an action's
    ``fulfilled_by`` names (its arrival is the action done)."""
    compiled = [
        *analysis.guards.values(),
        *analysis.untils.values(),
        *analysis.derived.values(),
        *analysis.constraints.values(),
        *analysis.applies_to.values(),
    ]
    read = {name for expression in compiled for name in expression.names}
    read |= {name for rules in analysis.values.values() for rule in rules.values() for name in rule.names}
    return read | {name for action in analysis.pathway.actions.values() for name in action.fulfilled_by or ()}


@rule(Code.PW521)
def unread_facts(analysis: Analysis) -> Iterator[LintFinding]:
    read = _read_names(analysis)
    for name in analysis.pathway.facts:
        if name not in read:
            yield LintFinding(
                ("facts", name),
                f"fact '{name}' is declared but no guard, derived fact, constraint, value, applies_to or fulfilled_by "
                "reads it",
                "remove it, or keep it as recorded context with '# pathway: allow PW521 because ...'",
                key=True,
            )


@rule(Code.PW522)
def unused_actions(analysis: Analysis) -> Iterator[LintFinding]:
    used = {a for info in analysis.index.states.values() for a in info.state.recommended}
    for name in analysis.pathway.actions:
        if name not in used:
            yield LintFinding(
                ("actions", name),
                f"action '{name}' is never recommended by any state",
                "recommend it in a state, or remove it",
                key=True,
            )


@rule(Code.PW523)
def unused_derived(analysis: Analysis) -> Iterator[LintFinding]:
    read = _read_names(analysis)
    for name in analysis.pathway.derived:
        if name not in read:
            yield LintFinding(
                ("derived", name),
                f"derived fact '{name}' is never read",
                "use it in a guard, or remove it",
                key=True,
            )
