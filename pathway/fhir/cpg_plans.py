"""The pathway as CPG PlanDefinitions: one pathway definition, a strategy per region of the chart, and a
recommendation definition per state that recommends.

Strategies (note: CHOICE): a strategy is a region of the chart, a concern that runs alongside the others: the top
level, and each child of a parallel state (``dose``, ``pain`` of the example). A state belongs to the region
nearest above it (a compound state inside a region, such as ``grading``, is part of that region's strategy). Only
regions that recommend something become strategies. Each recommending state is one recommendation definition, whose
actions are its recommendations, each with the state's applicability condition (:mod:`pathway.fhir.cpg_conditions`),
the action's ``applies_to`` as a second applicability condition, its ``until`` as a stop condition, its deadline and
period as timing, its evidence and grading, and its ActivityDefinition.
"""

from __future__ import annotations

from typing import Any

from pathway.definition.analysis import Analysis
from pathway.definition.model import Recommendation
from pathway.expr.durations import parse_duration
from pathway.fhir.cpg_activities import KINDS
from pathway.fhir.cpg_conditions import entry_of
from pathway.fhir.cpg_evidence import related_artifacts, stance_extensions
from pathway.fhir.cpg_terms import (
    ACTIVITY_TYPE,
    GUARD_LANGUAGE,
    PART_OF_EXTENSION,
    PLAN_TYPE,
    PROFILE,
    computable_name,
    concept,
    duration,
    period_of,
    process,
    words,
)
from pathway.fhir.cpg_urls import Canon

PD = "PlanDefinition"


def region_of(analysis: Analysis, state: str) -> str | None:
    """The region a state belongs to: the nearest of itself and its ancestors whose parent is parallel; None for
    the top level."""
    index = analysis.index
    for current in [state, *index.ancestors(state)]:
        parent = index.states[current].parent
        if parent is not None and index.states[parent].state.parallel:
            return current
    return None


def recommending(analysis: Analysis) -> dict[str | None, list[str]]:
    """Region -> its states that recommend, in document order (regions in the order of their first such state)."""
    found: dict[str | None, list[str]] = {}
    for state, info in analysis.index.states.items():
        if info.state.recommend:
            found.setdefault(region_of(analysis, state), []).append(state)
    return found


def _one_line(text: str | None) -> str | None:
    return " ".join(text.split()) if text else None


def _guard(description: str, text: str, kind: str = "applicability") -> dict[str, Any]:
    expression = {"description": description, "language": GUARD_LANGUAGE, "expression": " ".join(text.split())}
    return {"kind": kind, "expression": expression}


def _conditions(analysis: Analysis, state: str, rule: Recommendation) -> list[dict[str, Any]]:
    entry = entry_of(analysis, state)
    found = [_guard(entry.description(analysis), entry.expression)]
    action = analysis.pathway.actions[rule.action]
    if action.applies_to:
        found.append(
            _guard(
                "Whom the action concerns (applies_to): withheld only while this is definitely false; issued while "
                "it is unknown.",
                action.applies_to,
            )
        )
    if rule.until:
        said = "Persists after its state is left until this is true (until); an unknown value keeps it."
        found.append(_guard(said, rule.until, "stop"))
    return found


def _timing(rule: Recommendation) -> dict[str, Any]:
    if rule.every:
        return {"timingTiming": {"repeat": period_of(parse_duration(rule.every))}}
    if rule.due:
        return {"timingDuration": duration(parse_duration(rule.due))}
    return {}


def _recommendation_action(canon: Canon, analysis: Analysis, state: str, rule: Recommendation) -> dict[str, Any]:
    p = analysis.pathway
    action = p.actions[rule.action]
    notes = [action.description or action.title]
    notes += [f"Due {rule.due} after each issue." if rule.due and rule.every else ""]
    notes += [f"Note: {rule.note}" if rule.note else ""]
    found: dict[str, Any] = {
        "id": rule.action,
        "extension": stance_extensions(action, p.evidence),
        "title": action.title,
        "description": " ".join(" ".join(n.split()) for n in notes if n),
        "textEquivalent": _one_line(action.text),
        "code": [concept(ACTIVITY_TYPE, KINDS[action.kind][1])],
        "documentation": related_artifacts(action.evidence, p.evidence),
        "condition": _conditions(analysis, state, rule),
        **_timing(rule),
        "definitionCanonical": canon.canonical("ActivityDefinition", canon.activity_id(rule.action)),
    }
    return {k: v for k, v in found.items() if v not in ([], None)}


def _plan(canon: Canon, kind: str, resource_id: str, title: str, description: str) -> dict[str, Any]:
    plan_type = {"pathway": "clinical-protocol", "strategy": "workflow-definition", "recommendation": "eca-rule"}
    return {
        "resourceType": PD,
        "meta": {"profile": [PROFILE[kind]]},
        **canon.metadata(PD, resource_id, computable_name(resource_id)),
        "title": title,
        "type": concept(PLAN_TYPE, plan_type[kind]),
        "description": description,
    }


def _part_of(canonical: str) -> list[dict[str, Any]]:
    return [{"url": PART_OF_EXTENSION, "valueCanonical": canonical}]


def recommendation_definition(canon: Canon, analysis: Analysis, state: str, region: str | None) -> dict[str, Any]:
    info = analysis.index.states[state]
    entry = entry_of(analysis, state)
    transitions = {t.id: t for t in analysis.index.transitions}
    cited = [*info.state.evidence, *(e for w in entry.ways if w.transition for e in transitions[w.transition].evidence)]
    plan = _plan(
        canon,
        "recommendation",
        canon.recommendation_id(state),
        f"{analysis.pathway.title}: {words(state)}",
        _one_line(info.state.description) or f"The recommendations made while the pathway is in state {state}.",
    )
    plan["extension"] = _part_of(canon.canonical(PD, canon.strategy_id(region)))
    if cited:
        plan["relatedArtifact"] = related_artifacts(cited, analysis.pathway.evidence)
    plan["action"] = [_recommendation_action(canon, analysis, state, r) for r in info.state.recommendations]
    return plan


def strategy_definition(canon: Canon, analysis: Analysis, region: str | None, states: list[str]) -> dict[str, Any]:
    title = analysis.pathway.title
    if region is None:
        name, about = f"{title}: top level", "The recommendations of the states outside any parallel region."
    else:
        described = _one_line(analysis.index.states[region].state.description)
        name = f"{title}: {words(region)}"
        about = described or f"The region {region}: its recommendations, alongside the other regions."
    plan = _plan(canon, "strategy", canon.strategy_id(region), name, about)
    plan["extension"] = _part_of(canon.canonical(PD, canon.pathway_id))
    plan["action"] = [
        {
            "title": words(state),
            "description": _one_line(analysis.index.states[state].state.description)
            or f"The recommendations made while the pathway is in state {state}.",
            "code": process(),
            "definitionCanonical": canon.canonical(PD, canon.recommendation_id(state)),
        }
        for state in states
    ]
    return plan


def pathway_definition(canon: Canon, analysis: Analysis, regions: list[str | None]) -> dict[str, Any]:
    p = analysis.pathway
    about = [_one_line(p.description) or p.title, f"Source: {_one_line(p.source)}" if p.source else ""]
    plan = _plan(canon, "pathway", canon.pathway_id, p.title, "\n\n".join(a for a in about if a))
    artifacts = [{"type": "documentation", "display": _one_line(p.source)}] if p.source else []
    plan["relatedArtifact"] = artifacts + related_artifacts(p.evidence, p.evidence)
    plan["library"] = [canon.canonical("Library", canon.library_id)]
    plan["action"] = [
        {
            "title": "Top level" if region is None else words(region),
            "description": (_one_line(analysis.index.states[region].state.description) if region else None)
            or ("The states outside any parallel region." if region is None else f"The region {region}."),
            "code": process(),
            "definitionCanonical": canon.canonical(PD, canon.strategy_id(region)),
        }
        for region in regions
    ]
    return {k: v for k, v in plan.items() if v != []}
