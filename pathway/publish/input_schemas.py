"""JSON Schemas for the files a designer writes besides the definition: journeys and scenario files.

Two kinds, both generated from the pydantic models so that they cannot drift from what ``pathway`` accepts:

- the generic schemas ``schema/journey.schema.json`` and ``schema/scenario.schema.json`` (any pathway: fact values
  of any type, any event or action name);
- a schema for one pathway's journeys *and* scenario files (``pathway schema --for ID``, written to
  ``schema/pathways/<id>.schema.json``): the same models with that pathway's dictionary filled in. Its facts are
  properties with their types and ranges (``additionalProperties: false``, so a misspelt fact is flagged), enum
  facts list their values, ``event`` and ``done`` are enums of the declared events and actions, and an
  expectation's states, actions, findings and facts are enums of the names that exist (for ``due`` and
  ``overdue``: the timers, and the actions recommended with a deadline). An editor with the YAML
  language server then completes ``sensory_grade:`` and flags ``ulcer`` where only ``ulceration`` exists.

The schemas help while typing; ``pathway run`` and ``pathway test`` stay the judges (time order, ranges of derived
values and every other rule that needs the whole file are theirs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pathway.definition.analysis import Analysis
from pathway.definition.model import Fact
from pathway.journey.model import Journey
from pathway.publish.schema import SCHEMA_ID, strict_keys
from pathway.scenarios.due import deadline_actions, timer_ids
from pathway.scenarios.model import ScenarioFile

JOURNEY_SCHEMA_PATH = Path("schema") / "journey.schema.json"
SCENARIO_SCHEMA_PATH = Path("schema") / "scenario.schema.json"
PATHWAY_SCHEMAS_DIR = Path("schema") / "pathways"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
_BASE = SCHEMA_ID.rsplit("/", 1)[0]
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$"
_EXPECT_KINDS = {
    "states": "states",
    "not_states": "states",
    "recommend": "actions",
    "not_recommend": "actions",
    "findings": "findings",
    "not_findings": "findings",
    "needs": "facts",
    "not_needs": "facts",
    "deviations": "actions",
    "not_deviations": "actions",
    "overdue": "actions with a deadline",
    "not_overdue": "actions with a deadline",
}
_DUE_KEYS = ("due", "not_due")


def pathway_schema_path(pathway_id: str, root: Path | None = None) -> Path:
    """Where the schema of one pathway's journeys and scenarios is written: ``schema/pathways/<id>.schema.json``."""
    relative = PATHWAY_SCHEMAS_DIR / f"{pathway_id}.schema.json"
    return relative if root is None else root / relative


def _anchored(node: Any) -> Any:
    """Anchor every ``pattern`` (JSON Schema patterns match anywhere; the models' patterns mean the whole value)."""
    if isinstance(node, list):
        return [_anchored(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _anchored(value) for key, value in node.items()}
    pattern = out.get("pattern")
    if isinstance(pattern, str) and not (pattern.startswith("^") and pattern.endswith("$")):
        out["pattern"] = f"^(?:{pattern})$"
    return out


def _model_schema(model: type[Journey] | type[ScenarioFile], name: str) -> dict[str, Any]:
    schema = _anchored(strict_keys(model.model_json_schema()))
    return {"$schema": DRAFT, "$id": f"{_BASE}/{name}", **schema}


def _text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def journey_schema() -> str:
    """The generic schema of a journey file (YAML form), deterministic, ending in a newline."""
    return _text(_model_schema(Journey, JOURNEY_SCHEMA_PATH.name))


def scenario_schema() -> str:
    """The generic schema of a scenario file, deterministic, ending in a newline."""
    return _text(_model_schema(ScenarioFile, SCENARIO_SCHEMA_PATH.name))


def generic_schemas(root: Path) -> dict[Path, str]:
    """The generic journey and scenario schemas, by path under root."""
    return {root / JOURNEY_SCHEMA_PATH: journey_schema(), root / SCENARIO_SCHEMA_PATH: scenario_schema()}


# --- one pathway ----------------------------------------------------------------------------------------------


def _one_of(names: list[str], description: str, what: str) -> dict[str, Any]:
    """An enum of names (or, with none declared, a schema nothing matches, saying so)."""
    if not names:
        return {"description": f"{description} This pathway declares no {what}.".lstrip(), "not": {}}
    return {"description": description, "enum": names}


def _fact_schema(fact: Fact) -> dict[str, Any]:
    out: dict[str, Any] = {}
    words = [fact.description or "", f"Unit: {fact.unit}." if fact.unit else ""]
    if " ".join(w for w in words if w):
        out["description"] = " ".join(w for w in words if w)
    if fact.type == "enum":
        return out | {"enum": list(fact.values or ())}
    if fact.type == "date":
        return out | {"type": "string", "pattern": _DATE}
    if fact.type == "datetime":
        return out | {"type": "string", "pattern": _TIME}
    out["type"] = {"bool": "boolean", "int": "integer", "number": "number"}[fact.type]
    for key, bound in (("minimum", fact.min), ("maximum", fact.max)):
        if bound is not None:
            out[key] = int(bound) if fact.type == "int" and float(bound).is_integer() else bound
    return out


def _entry_properties(analysis: Analysis, properties: dict[str, Any]) -> dict[str, Any]:
    """A journey entry's (or scenario step's) properties with the pathway's facts, events and actions (done,
    declined, signed) filled in."""
    p = analysis.pathway
    out = dict(properties)
    out["at"] = properties["at"] | {"pattern": _TIME}
    out["facts"] = {
        "description": properties["facts"]["description"],
        "type": "object",
        "properties": {name: _fact_schema(fact) for name, fact in p.facts.items()},
        "additionalProperties": False,
    }
    out["event"] = _one_of(sorted(p.events), properties["event"]["description"], "events")
    for key in ("done", "declined", "signed"):
        out[key] = _one_of(sorted(p.actions), properties[key]["description"], "actions")
    return out


def _names(analysis: Analysis) -> dict[str, list[str]]:
    p = analysis.pathway
    return {
        "states": sorted(analysis.index.states),
        "actions": sorted(p.actions),
        "findings": sorted(p.findings),
        "facts": sorted(p.facts),
        "timers": sorted(timer_ids(analysis)),
        "actions with a deadline": sorted(deadline_actions(analysis)),
    }


def _expect(analysis: Analysis, expect: dict[str, Any]) -> dict[str, Any]:
    names = _names(analysis)
    properties = {
        key: value | {"items": _one_of(names[_EXPECT_KINDS[key]], "", _EXPECT_KINDS[key])}
        for key, value in expect["properties"].items()
        if key not in _DUE_KEYS
    }
    for value in properties.values():
        if not value["items"]["description"]:
            del value["items"]["description"]
    due = {key: expect["properties"][key] for key in _DUE_KEYS}
    return expect | {"properties": {key: properties.get(key) or due[key] for key in expect["properties"]}}


def _due_item(analysis: Analysis, item: dict[str, Any]) -> dict[str, Any]:
    """A due expectation with the pathway's timers and the actions recommended with a deadline."""
    names, given = _names(analysis), item["properties"]
    properties = {
        "timer": _one_of(names["timers"], given["timer"]["description"], "timers"),
        "action": _one_of(names["actions with a deadline"], given["action"]["description"], "actions with a deadline"),
        "at": {"description": given["at"]["description"], "type": "string", "pattern": _TIME},
    }
    return item | {"properties": properties}


def _pin(pathway_id: str) -> str:
    return rf"^(?:{pathway_id}(?:@[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?)?|sha256:[0-9a-f]{{64}})$"


def for_pathway(analysis: Analysis) -> dict[str, Any]:
    """The schema of one pathway's journeys and scenario files, as data."""
    p = analysis.pathway
    journey = _model_schema(Journey, "")
    scenarios = _model_schema(ScenarioFile, "")
    defs: dict[str, Any] = {**journey.pop("$defs"), **scenarios.pop("$defs")}
    for entry in ("JourneyEvent", "Step"):
        defs[entry] = defs[entry] | {"properties": _entry_properties(analysis, defs[entry]["properties"])}
    defs["Expect"] = _expect(analysis, defs["Expect"])
    defs["DueItem"] = _due_item(analysis, defs["DueItem"])
    pin = journey["properties"]["pathway"]
    journey["properties"]["pathway"] = {"description": pin["description"], "type": "string", "pattern": _pin(p.id)}
    scenarios["properties"]["pathway"] = {
        "description": scenarios["properties"]["pathway"]["description"],
        "const": p.id,
    }
    for schema in (journey, scenarios):
        for key in ("$schema", "$id"):
            schema.pop(key)
    defs["Journey"], defs["ScenarioFile"] = journey, scenarios
    return {
        "$schema": DRAFT,
        "$id": f"{_BASE}/pathways/{p.id}.schema.json",
        "title": f"Journeys and scenarios of pathway {p.id}",
        "description": f"A journey, or a scenario file, for pathway '{p.id}' ({p.title}, version {p.version}). "
        f"Generated by `pathway schema --for {p.id}` from the definition: regenerate it when the facts, events, "
        "actions, findings or states change.",
        "oneOf": [{"$ref": "#/$defs/Journey"}, {"$ref": "#/$defs/ScenarioFile"}],
        "$defs": dict(sorted(defs.items())),
    }


def pathway_schema(analysis: Analysis) -> str:
    """The text of :func:`for_pathway`, deterministic, ending in a newline."""
    return _text(for_pathway(analysis))
