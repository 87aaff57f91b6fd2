"""The editor schemas of journeys and scenarios: the generic ones accept every bundled file, and a pathway's own
schema knows its names: it accepts every bundled journey and scenario of that pathway and flags a misspelt fact,
an enum value not in its list, an undeclared event or action, and an expectation naming an unknown state."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from pathway.cli.main import main
from pathway.definition.loader import load_analysis
from pathway.definition.workspace import Workspace
from pathway.publish.input_schemas import for_pathway, journey_schema, scenario_schema
from pathway.source.reader import load_file
from tests.conftest import ROOT

WS = Workspace(ROOT)
DEFINITIONS = WS.definitions()


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _own(pathway_id: str) -> Draft202012Validator:
    return _validator(for_pathway(load_analysis(WS.definition_of(pathway_id))))


def _data(path: Path) -> Any:
    """A file's data as pathway reads it (YAML 1.2: an unquoted date stays a string, as editors see it)."""
    return load_file(path).data


def _part(validator: Draft202012Validator, name: str) -> Draft202012Validator:
    """A validator for one definition of the schema (a journey entry, a scenario step)."""
    defs = validator.schema["$defs"]
    return _validator(defs[name] | {"$defs": defs})


def _errors(validator: Draft202012Validator, data: Any) -> list[str]:
    return [e.message for e in validator.iter_errors(data)]


FILES = [
    (definition.parent.name, path)
    for definition in DEFINITIONS
    for path in [*WS.journeys(definition), *WS.scenario_files(definition)]
    if path.suffix == ".yaml"
]


@pytest.mark.parametrize(("pathway_id", "path"), FILES, ids=[f"{i}/{p.parent.name}/{p.name}" for i, p in FILES])
def test_every_bundled_journey_and_scenario_fits_its_pathways_schema_and_the_generic_one(
    pathway_id: str, path: Path
) -> None:
    data = _data(path)
    assert _errors(_own(pathway_id), data) == []
    generic = journey_schema() if path.parent.name == "journeys" else scenario_schema()
    assert _errors(_validator(json.loads(generic)), data) == []


@pytest.fixture(scope="module")
def bipn() -> Draft202012Validator:
    return _own("bipn")


@pytest.fixture(scope="module")
def journey() -> dict[str, Any]:
    data = _data(ROOT / "definitions" / "bipn" / "journeys" / "typical-grade2-iv.yaml")
    assert isinstance(data, dict)
    assert "sensory_grade" in data["events"][0]["facts"]
    return data


def test_a_misspelt_fact_is_flagged(bipn: Draft202012Validator, journey: dict[str, Any]) -> None:
    bad = copy.deepcopy(journey)
    bad["events"][0]["facts"]["sensory_grde"] = bad["events"][0]["facts"].pop("sensory_grade")
    assert any("'sensory_grde' was unexpected" in e for e in _errors(_part(bipn, "JourneyEvent"), bad["events"][0]))
    assert _errors(bipn, bad)  # the whole document too (neither a journey nor a scenario file)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("route", "oral", "'oral' is not one of ['iv', 'sc']"),
        ("sensory_grade", 5, "5 is greater than the maximum of 4"),
        ("sensory_grade", "2", "'2' is not of type 'integer'"),
    ],
)
def test_a_fact_value_outside_its_type_range_or_values_is_flagged(
    bipn: Draft202012Validator, journey: dict[str, Any], key: str, value: object, expected: str
) -> None:
    entry = copy.deepcopy(journey["events"][0])
    entry["facts"][key] = value
    assert expected in _errors(_part(bipn, "JourneyEvent"), entry)


def test_undeclared_events_actions_and_expectation_names_are_flagged(bipn: Draft202012Validator) -> None:
    step = _part(bipn, "Step")
    assert _errors(step, {"at": "2026-03-02", "event": "cycle_start"}) == []
    assert _errors(step, {"at": "2026-03-02", "event": "cycle_begin"})
    assert _errors(step, {"at": "2026-03-02", "done": "dose_reduce"}) == []
    assert _errors(step, {"at": "2026-03-02", "done": "dose_reduction"})
    assert _errors(step, {"at": "2026-03-02", "expect": {"states": ["low_grade"], "needs": ["motor_grade"]}}) == []
    assert _errors(step, {"at": "2026-03-02", "expect": {"states": ["low_grades"]}})
    assert _errors(step, {"at": "2 March 2026"})


def test_a_journey_pinned_to_another_pathway_is_flagged(bipn: Draft202012Validator, journey: dict[str, Any]) -> None:
    assert _errors(bipn, journey | {"pathway": "bipn@1.0.0"}) == []
    assert _errors(bipn, journey | {"pathway": "example@0.1.0"})
    scenario = {"pathway": "example", "scenarios": [{"name": "x", "steps": [{"at": "2026-03-02"}]}]}
    assert _errors(bipn, scenario)
    assert _errors(bipn, scenario | {"pathway": "bipn"}) == []


def test_the_generic_schemas_refuse_unknown_keys_and_anchor_their_patterns() -> None:
    journeys = _validator(json.loads(journey_schema()))
    assert _errors(journeys, {"journey": "a", "events": [{"at": "2026-01-01", "fact": {}}]})
    assert _errors(journeys, {"journey": "not an id!", "events": [{"at": "2026-01-01"}]})
    scenarios = _validator(json.loads(scenario_schema()))
    assert _errors(scenarios, {"scenarios": [{"name": "x", "steps": [{"at": "2026-01-01", "expect": {"state": []}}]}]})


def test_schema_for_writes_and_checks_one_pathways_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "example.schema.json"
    assert main(["schema", "--for", "example", "--out", str(out), "--check"]) == 1
    assert main(["schema", "--for", "example", "--out", str(out)]) == 0
    assert main(["schema", "--for", "example", "--out", str(out), "--check"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["$id"].endswith("/pathways/example.schema.json")
    out.write_text("{}", encoding="utf-8")
    assert main(["schema", "--for", "example", "--out", str(out), "--check"]) == 1
    assert "run 'pathway schema --for example'" in capsys.readouterr().err
    assert main(["schema", "--for", "nosuch", "--out", str(out)]) == 2


@pytest.mark.parametrize("fixture", ["timers", "recurrence"])
def test_time_expectations_fit_the_schemas_and_name_only_timers_and_deadlines(fixture: str) -> None:
    """The time fixtures' scenarios (due, not_due, overdue, time points) fit their pathway's schema and the generic
    one; the pathway's schema offers only its timers and the actions recommended with a deadline."""
    folder = ROOT / "tests" / "fixtures" / "time"
    own = _validator(for_pathway(load_analysis(folder / f"{fixture}.yaml")))
    data = _data(folder / "scenarios" / f"{fixture}.yaml")
    assert _errors(own, data) == []
    assert _errors(_validator(json.loads(scenario_schema())), data) == []
    item = _part(own, "DueItem")
    if fixture == "timers":
        assert _errors(item, {"timer": "on_steroids->infliximab", "at": "2026-07-04T09:00"}) == []
        assert _errors(item, {"timer": "before->on_steroids"})  # a transition, not a timer
        assert _errors(item, {"action": "taper"})  # recommended without a deadline
    else:
        assert _errors(item, {"action": "order_ncs", "at": "2026-03-16"}) == []
        assert _errors(item, {"action": "stop_drug"})
        assert _errors(item, {"action": "order_ncs", "at": "16 March"})
    assert _errors(item, {"timer": "on_steroids->infliximab", "action": "order_ncs"})  # one of the two
    assert _errors(item, {"at": "2026-03-16"})
