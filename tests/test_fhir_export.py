"""`pathway export fhir`: the pathway as CPG-on-FHIR resources, each file valid FHIR R4B, every recommendation
findable from the pathway PlanDefinition with its condition and its evidence, written deterministically and all or
nothing."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.activitydefinition import ActivityDefinition
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.library import Library
from fhir.resources.R4B.plandefinition import PlanDefinition

from pathway.definition.analysis import Analysis
from pathway.definition.canonical import canonical_json, sha256_of
from pathway.definition.loader import load_analysis, resolve
from pathway.expr.check import compile_expr
from pathway.expr.evaluate import Compiled
from pathway.fhir.cpg_terms import GUARD_LANGUAGE, ni_name
from pathway.fhir.export import export_fhir
from tests.conftest import ROOT, assert_golden

MODELS: dict[str, Any] = {
    "PlanDefinition": PlanDefinition,
    "ActivityDefinition": ActivityDefinition,
    "Library": Library,
    "Bundle": Bundle,
}
GOLDEN = ROOT / "tests" / "golden" / "fhir" / "example"


def exported(tmp_path: Path, pathway: str) -> tuple[Analysis, Path]:
    analysis = load_analysis(resolve(pathway))
    out = tmp_path / pathway
    export_fhir(analysis, out)
    return analysis, out


def read(out: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / name).read_text(encoding="utf-8"))
    return data


def by_url(out: Path) -> dict[str, Any]:
    """Each PlanDefinition and ActivityDefinition, parsed with the R4B model, by its versioned canonical URL."""
    found: dict[str, Any] = {}
    for path in out.glob("*Definition-*.json"):
        data = read(out, path.name)
        model = MODELS[data["resourceType"]].model_validate(data)
        found[f"{model.url}|{model.version}"] = model
    return found


@pytest.mark.parametrize("pathway", ["example", "bipn"])
def test_every_file_validates_and_the_bundle_holds_them_all(tmp_path: Path, pathway: str) -> None:
    _, out = exported(tmp_path, pathway)
    files = sorted(p.name for p in out.iterdir())
    bundle = Bundle.model_validate(read(out, f"Bundle-{pathway}-bundle.json"))
    assert bundle.type == "collection"
    entries = sorted(f"{e.resource.get_resource_type()}-{e.resource.id}.json" for e in bundle.entry or [])
    assert entries == sorted(f for f in files if not f.startswith("Bundle-"))
    for name in files:
        data = read(out, name)
        assert name == f"{data['resourceType']}-{data['id']}.json"
        MODELS[data["resourceType"]].model_validate(data)  # raises when the file is not valid R4B


def _guard(analysis: Analysis, text: str) -> Compiled | list[object]:
    return compile_expr(text, analysis.symbols, want_bool=True, actions=analysis.pathway.actions)


@pytest.mark.parametrize("pathway", ["example", "bipn"])
def test_every_recommendation_is_found_from_the_pathway_with_its_condition_and_evidence(
    tmp_path: Path, pathway: str
) -> None:
    analysis, out = exported(tmp_path, pathway)
    definitions = by_url(out)
    top = PlanDefinition.model_validate(read(out, f"PlanDefinition-{pathway}.json"))
    found: dict[tuple[str, str], Any] = {}
    for strategy_action in top.action or []:
        strategy = definitions[strategy_action.definitionCanonical]
        for rec_action in strategy.action or []:
            recommendation = definitions[rec_action.definitionCanonical]
            state = recommendation.id.removeprefix(f"{pathway}-rec-").replace("-", "_")
            for action in recommendation.action or []:
                found[(state, action.id)] = action
    expected = {(s, a) for s, info in analysis.index.states.items() for a in info.state.recommended}
    assert set(found) == expected
    for (state, action_id), action in found.items():
        applicability = [c for c in action.condition if c.kind == "applicability"]
        entry = applicability[0].expression
        assert f"state {state}" in entry.description
        assert entry.language == GUARD_LANGUAGE
        assert isinstance(_guard(analysis, entry.expression), Compiled), entry.expression
        cited = [d.label for d in action.documentation or []]
        assert cited == list(dict.fromkeys(analysis.pathway.actions[action_id].evidence))
        assert all(d.type == "citation" and d.citation for d in action.documentation or [])
        activity = definitions[action.definitionCanonical]
        assert activity.title == analysis.pathway.actions[action_id].title


def _condition(out: Path, state: str, action: str) -> dict[str, Any]:
    plan = read(out, f"PlanDefinition-example-rec-{state.replace('_', '-')}.json")
    return next(a for a in plan["action"] if a["id"] == action)["condition"][0]["expression"]


def test_a_condition_is_the_guard_that_enters_the_state_after_the_earlier_guards_are_false(tmp_path: Path) -> None:
    _, out = exported(tmp_path, "example")
    low = _condition(out, "low_grade", "dose_reduce")
    assert low["expression"] == "not (effective_grade >= 3) and (effective_grade >= 1)"
    assert (
        "from grade_check (How severe is the neuropathy (the worse of the sensory and motor grades)?), "
        "when effective_grade >= 1 and not (effective_grade >= 3)"
    ) in low["description"]  # the state named by its question
    high = _condition(out, "high_grade", "discontinue_bortezomib")
    assert high["expression"] == "effective_grade >= 3"
    start = _condition(out, "assess", "request_grade")
    assert start["expression"] == "true"
    assert "when the pathway starts" in start["description"]


def test_strength_direction_and_against_come_from_the_definition(tmp_path: Path) -> None:
    _, out = exported(tmp_path, "bipn")
    zoster = read(out, "PlanDefinition-bipn-rec-zoster-needed.json")["action"][0]
    codes = {e["url"].rsplit("/", 1)[1]: e["valueCodeableConcept"]["coding"][0]["code"] for e in zoster["extension"]}
    assert codes == {"cqf-strengthOfRecommendation": "strong", "cpg-directionOfRecommendation": "for"}
    avoid = read(out, "ActivityDefinition-bipn-act-avoid-tca.json")
    assert avoid["doNotPerform"] is True
    assert read(out, "ActivityDefinition-bipn-act-ivig.json")["doNotPerform"] is False
    duloxetine = read(out, "ActivityDefinition-bipn-act-start-duloxetine.json")
    assert duloxetine["dynamicValue"] == [
        {
            "path": "dose",
            "expression": {
                "name": "Dose",
                "language": "application/json",
                "expression": '"60-120 mg/day"',
                "description": duloxetine["dynamicValue"][0]["expression"]["description"],
            },
        }
    ]


def test_quality_of_evidence_is_the_lowest_the_cited_entries_state(tmp_path: Path) -> None:
    text = (ROOT / "definitions" / "example" / "pathway.yaml").read_text(encoding="utf-8")
    text = text.replace("    references: [4, 1]\n", "    references: [4, 1]\n    quality: high\n")
    text = text.replace("    references: [1, 2]\n", "    references: [1, 2]\n    quality: low\n")
    text = text.replace(
        "    evidence: [art-mgmt-grade34]\n  consider_carfilzomib:",
        "    evidence: [art-mgmt-grade34, art-monitoring]\n  consider_carfilzomib:",
    )
    (tmp_path / "graded").mkdir()
    (tmp_path / "graded" / "pathway.yaml").write_text(text, encoding="utf-8")
    analysis = load_analysis(tmp_path / "graded" / "pathway.yaml")
    export_fhir(analysis, tmp_path / "out")
    plan = read(tmp_path / "out", "PlanDefinition-example-rec-high-grade.json")
    quality = {
        a["id"]: [e["valueCodeableConcept"]["coding"][0]["code"] for e in a.get("extension", [])]
        for a in plan["action"]
    }
    assert quality == {"discontinue_bortezomib": ["low"], "consider_carfilzomib": ["high"]}
    assert "Evidence: low quality" in plan["action"][0]["documentation"][1]["citation"]


def test_the_library_holds_the_canonical_definition_and_its_sha256(tmp_path: Path) -> None:
    analysis, out = exported(tmp_path, "bipn")
    raw = read(out, "Library-bipn-definition.json")
    lib = Library.model_validate(raw)
    content = raw["content"][0]
    data = base64.b64decode(content["data"], validate=True)
    assert data == canonical_json(analysis.pathway).encode("utf-8")
    assert hashlib.sha256(data).hexdigest() == sha256_of(analysis.pathway)
    assert (lib.identifier or [])[0].value == ni_name(sha256_of(analysis.pathway))
    assert base64.b64decode(content["hash"]) == hashlib.sha1(data).digest()  # FHIR R4: SHA-1
    top = read(out, "PlanDefinition-bipn.json")
    assert top["library"] == [f"{lib.url}|{lib.version}"]


def test_the_example_export_matches_its_golden_files(tmp_path: Path) -> None:
    _, out = exported(tmp_path, "example")
    names = sorted(p.name for p in out.iterdir())
    if not GOLDEN.is_dir():
        GOLDEN.mkdir(parents=True)
    for name in names:
        assert_golden(GOLDEN / name, (out / name).read_text(encoding="utf-8"))
    assert sorted(p.name for p in GOLDEN.iterdir()) == names


def test_export_is_deterministic_and_replaces_an_earlier_export_whole(tmp_path: Path) -> None:
    analysis, out = exported(tmp_path, "example")
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "PlanDefinition-stale.json").write_text("{}", encoding="utf-8")  # from an older version of the pathway
    export_fhir(analysis, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    assert [p.name for p in tmp_path.iterdir()] == ["example"]  # no staging folder left behind


def test_a_folder_holding_anything_else_is_refused_and_kept(tmp_path: Path) -> None:
    from pathway.errors import UsageError

    out = tmp_path / "notes"
    out.mkdir()
    (out / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UsageError, match="does not hold an earlier FHIR export"):
        export_fhir(load_analysis(resolve("example")), out)
    assert [p.name for p in out.iterdir()] == ["mine.txt"]


def test_a_failure_midway_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    analysis, out = exported(tmp_path, "example")
    (out / "PlanDefinition-stale.json").write_text("{}", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = Path.write_text
    written: list[str] = []

    def failing(path: Path, text: str, *args: Any, **kwargs: Any) -> int:
        written.append(path.name)
        if len(written) % 5 == 0:  # the fifth file of each export
            raise OSError("disk full")
        return real(path, text, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing)
    with pytest.raises(OSError, match="disk full"):
        export_fhir(analysis, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the earlier export, untouched
    with pytest.raises(OSError, match="disk full"):
        export_fhir(analysis, tmp_path / "fresh")
    assert len(written) == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["example"]


def test_every_action_kind_has_a_fhir_request() -> None:
    """A kind added to the definition format without its FHIR request would fail the export of any pathway using
    it (it did: 'stop')."""
    from typing import get_args

    from pathway.definition.actions import ActionKind
    from pathway.fhir.cpg_activities import KINDS

    assert set(KINDS) == set(get_args(ActionKind))
