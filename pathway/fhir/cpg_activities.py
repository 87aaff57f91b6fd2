"""Each action of the catalogue as a CPG computable ActivityDefinition: title, description, the request it
becomes (``kind``), its CPG activity type, ``doNotPerform`` for a recommendation against, the dose as the source
states it, its evidence, and its computed values as ``dynamicValue``.

A computed value's ``path`` is the value's name (``dose``), not a FHIRPath into the request: pathway does not know
where a value goes in a MedicationRequest, and a consumer maps it (docs/fhir-export.md). Its expression is in
pathway's guard language (``text/x-pathway-guard``), or, for a value the source gives and for a table of cases, the
JSON of the value or of the cases (``application/json``).
"""

from __future__ import annotations

import json
from typing import Any

from pathway.definition.actions import Action, ActionKind, ComputedValue
from pathway.definition.model import Pathway
from pathway.fhir.cpg_evidence import related_artifacts
from pathway.fhir.cpg_terms import (
    ACTIVITY_TYPE,
    GUARD_LANGUAGE,
    PROFILE,
    VALUE_LANGUAGE,
    computable_name,
    concept,
)
from pathway.fhir.cpg_urls import Canon

KINDS: dict[ActionKind, tuple[str, str]] = {
    "order": ("ServiceRequest", "order-service"),
    "referral": ("ServiceRequest", "order-service"),
    "procedure": ("ServiceRequest", "order-service"),
    "medication": ("MedicationRequest", "order-medication"),
    "dose_change": ("MedicationRequest", "order-medication"),
    "stop": ("MedicationRequest", "order-medication"),
    "advice": ("CommunicationRequest", "send-message"),
    "monitoring": ("Task", "collect-information"),
    "review": ("Task", "collect-information"),
}
"""Action kind -> (the FHIR request it becomes, its CPG activity type). note: CHOICE: a dose change, and a stop
(discontinue or withhold a drug), is a new MedicationRequest (the CPG's stop and hold activities are Tasks on a
running order, which a pathway does not name); monitoring and review collect information, as Tasks."""


def value_expression(name: str, value: ComputedValue) -> dict[str, Any]:
    """A computed value as a FHIR Expression: the guard-language expression, or the JSON of what the source gives."""
    if value.expr is not None:
        expression: dict[str, Any] = {"language": GUARD_LANGUAGE, "expression": " ".join(value.expr.split())}
    elif value.cases is not None:
        cases = [{"when": " ".join(c.when.split()), "value": c.value} for c in value.cases]
        expression = {"language": VALUE_LANGUAGE, "expression": json.dumps(cases, ensure_ascii=False)}
    else:
        expression = {"language": VALUE_LANGUAGE, "expression": json.dumps(value.value, ensure_ascii=False)}
    said = [value.description or "", f"unit {value.unit}" if value.unit else ""]
    said += [f"rounded to {value.decimals} decimal(s)" if value.decimals is not None else ""]
    said += ["first true case gives the value" if value.cases is not None else "", value.note or ""]
    described = "; ".join(" ".join(s.split()) for s in said if s)
    return {"name": computable_name(name)} | expression | ({"description": described} if described else {})


def _description(action: Action) -> str:
    parts = [action.description or action.title]
    if action.text:
        parts.append(f"As written for the clinician: {action.text}")
    if action.dose:
        parts.append(f"Dose as the source states it: {action.dose}")
    if action.note:
        parts.append(f"Note: {action.note}")
    return "\n\n".join(" ".join(p.split()) for p in parts)


def activity_definition(canon: Canon, pathway: Pathway, action_id: str) -> dict[str, Any]:
    action = pathway.actions[action_id]
    kind, activity = KINDS[action.kind]
    resource: dict[str, Any] = {
        "resourceType": "ActivityDefinition",
        "meta": {"profile": [PROFILE["activity"]]},
        **canon.metadata("ActivityDefinition", canon.activity_id(action_id), computable_name(action_id)),
        "title": action.title,
        "description": _description(action),
        "kind": kind,
        "code": concept(ACTIVITY_TYPE, activity),
        "intent": "proposal",
        "doNotPerform": action.direction == "against",
        "relatedArtifact": related_artifacts(
            [*action.evidence, *(e for v in (action.values or {}).values() for e in v.evidence)], pathway.evidence
        ),
    }
    if action.dose and kind == "MedicationRequest":
        resource["dosage"] = [{"text": action.dose}]
    if action.values:
        resource["dynamicValue"] = [
            {"path": name, "expression": value_expression(name, value)} for name, value in action.values.items()
        ]
    return {k: v for k, v in resource.items() if v not in ([], None)}
