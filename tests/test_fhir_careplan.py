"""`pathway export careplan` and `export provenance`: where a journey stands as a CPG CarePlan, and a trail as a
Provenance naming the pathway version, the trail's hash and the FHIR resources its inputs name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.provenance import Provenance

from pathway.cli.main import main
from pathway.errors import UsageError
from pathway.fhir.careplan import careplan
from pathway.fhir.cpg_terms import ni_name
from pathway.fhir.export_trail import from_records, read_run
from pathway.fhir.provenance import export_provenance, provenance
from pathway.trail.io import read_trail
from tests.conftest import ROOT

EXAMPLE_TRAIL = ROOT / "definitions" / "example" / "trails" / "grade2-then-grade3.jsonl"


def test_the_careplan_holds_the_active_recommendations_by_region() -> None:
    run = read_run(EXAMPLE_TRAIL)
    plan = CarePlan.model_validate(careplan(run))
    summary = run.summary
    assert plan.instantiatesCanonical == ["http://example.org/fhir/PlanDefinition/example|0.1.0"]
    assert plan.subject.reference == "Patient/example-grade2-then-grade3"
    assert plan.status == ("completed" if summary["terminated"] else "active")
    assert (plan.identifier or [])[0].value == ni_name(run.final_hash)
    groups = {g.id: g for g in plan.contained or []}
    assert sorted(a.reference.reference for a in plan.activity or []) == sorted(f"#{g}" for g in groups)
    actions = {a.id: (g, a) for g, group in groups.items() for a in group.action or []}
    assert set(actions) == {r["id"] for r in summary["recommendations"]}
    group, duloxetine = actions["start_duloxetine"]
    assert group == "strategy-pain"
    assert groups[group].instantiatesCanonical == ["http://example.org/fhir/PlanDefinition/example-strategy-pain|0.1.0"]
    origin = (duloxetine.documentation or [])[0]
    assert origin.type == "derived-from"
    assert origin.resource == "http://example.org/fhir/PlanDefinition/example-rec-treating-pain|0.1.0"
    assert [n.text for n in plan.note or []] == [
        f"Finding: {f['title']} (Bipn high grade, since {f['since']}, state {f['state']})" for f in summary["findings"]
    ]


def test_a_journey_and_its_trail_give_the_same_careplan(tmp_path: Path) -> None:
    journey = ROOT / "definitions" / "example" / "journeys" / "grade2-then-grade3.yaml"
    assert main(["export", "careplan", str(journey), "--out", str(tmp_path / "a.json")]) == 0
    assert main(["export", "careplan", str(EXAMPLE_TRAIL), "--out", str(tmp_path / "b.json")]) == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def _records(trail: Path) -> list[dict[str, Any]]:
    return [r.to_dict() for r in read_trail(trail).records]


def test_provenance_names_the_pathway_version_the_trail_and_the_fhir_resources_read() -> None:
    records = _records(EXAMPLE_TRAIL)
    inputs = [r for r in records if r["kind"] == "input"]
    inputs[0]["sources"] = {
        "sensory_grade": {"resource": "Observation/obs-12", "element": "valueCodeableConcept"},
        "bortezomib_status": {"resource": "MedicationRequest/mr-3", "element": "status"},
    }
    inputs[1]["sources"] = {"motor_grade": {"resource": "Observation/obs-12", "element": "component[1]"}}
    run = from_records(records)
    found = Provenance.model_validate(provenance(run, offset="+01:00"))
    assert found.policy == ["http://example.org/fhir/PlanDefinition/example|0.1.0"]
    assert [t.reference for t in found.target] == [f"CarePlan/{run.resource_id('careplan')}", None]
    assert found.target[1].identifier.value == ni_name(run.final_hash)
    entities = {e.what.reference: e.what for e in found.entity or []}
    assert list(entities) == ["Library/example-definition", "Observation/obs-12", "MedicationRequest/mr-3"]
    assert entities["Library/example-definition"].identifier.value == ni_name(records[0]["pathway"]["sha256"])
    assert entities["Observation/obs-12"].display == (
        "read: sensory_grade (valueCodeableConcept), input 1; motor_grade (component[1]), input 2"
    )
    assert found.recorded.isoformat() == f"{records[-1]['at']}T00:00:00+01:00"


def test_a_trail_without_sources_gives_a_provenance_with_no_fhir_resource_and_says_so(tmp_path: Path) -> None:
    result = export_provenance(read_run(EXAMPLE_TRAIL), str(tmp_path / "p.json"), offset="Z")
    assert result.resources == ()
    assert "no FHIR resources" in result.to_text()
    entities = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))["entity"]
    assert [e["what"]["reference"] for e in entities] == ["Library/example-definition"]


def test_an_instant_needs_the_clinics_offset_and_nothing_is_written_without_it(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="needs a time zone"):
        export_provenance(read_run(EXAMPLE_TRAIL), str(tmp_path / "p.json"))
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(UsageError, match="not a UTC offset"):
        export_provenance(read_run(EXAMPLE_TRAIL), str(tmp_path / "p.json"), offset="CET")


def test_a_malformed_source_is_reported_with_its_record() -> None:
    records = _records(EXAMPLE_TRAIL)
    next(r for r in records if r["kind"] == "input")["sources"] = {"sensory_grade": {"resource": "obs-12"}}
    with pytest.raises(UsageError, match="record 1: the source of 'sensory_grade' does not name a resource"):
        provenance(from_records(records), offset="Z")


def test_a_trail_of_another_version_needs_its_definition(tmp_path: Path) -> None:
    records = _records(EXAMPLE_TRAIL)
    records[0]["pathway"]["sha256"] = "0" * 64
    with pytest.raises(UsageError, match="no bundled definition has the trail's sha256"):
        from_records(records)
    with pytest.raises(UsageError, match="pass the version the trail ran"):
        from_records(records, "example")


def test_the_cli_reports_json_and_a_tampered_trail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.json"
    args = ["export", "provenance", str(EXAMPLE_TRAIL), "--out", str(out), "--utc-offset", "+01:00"]
    assert main([*args, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["fhir_resources"] == []
    lines = EXAMPLE_TRAIL.read_text(encoding="utf-8").splitlines(keepends=True)
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text("".join([lines[0], lines[1].replace("2026", "2025", 1), *lines[2:]]), encoding="utf-8")
    assert main(["export", "careplan", str(tampered), "--out", str(tmp_path / "c.json")]) == 1
    assert "tampered" in capsys.readouterr().err
    assert not (tmp_path / "c.json").exists()


def test_a_missing_fhir_resources_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import importlib

    real = importlib.import_module

    def without_fhir(name: str, package: str | None = None) -> Any:
        if name.startswith("fhir.resources"):
            raise ModuleNotFoundError(f"No module named '{name}'", name="fhir")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_fhir)
    with pytest.raises(UsageError, match=r"pip install 'pathway\[fhir\]'"):
        careplan(read_run(EXAMPLE_TRAIL))
