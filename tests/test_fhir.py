"""FHIR import: the committed sample round-trips into the journeys the generator intended, malformed input is
reported at its file and line while the rest is imported, the trail keeps each value's source, memory stays flat,
and the docs' walk-through runs."""

from __future__ import annotations

import gc
import shlex
import shutil
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml

from pathway.cli.main import main
from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.diagnostics import render_text
from pathway.errors import UsageError
from pathway.fhir import validate
from pathway.fhir.generate import generate
from pathway.fhir.importer import import_fhir
from pathway.trail.io import read_trail
from pathway.trail.records import InputRecord
from tests.conftest import FIXTURES, GOLDEN, ROOT, assert_golden

SAMPLE = Path("examples/fhir/bipn")
INPUTS = [SAMPLE / "fhir" / "patients.ndjson", SAMPLE / "fhir" / "bundle.json"]


@pytest.fixture(scope="module")
def bipn() -> Analysis:
    return load_analysis(ROOT / "definitions" / "bipn" / "pathway.yaml")


def _without_files(data: dict[str, Any]) -> dict[str, Any]:
    for event in data["events"]:
        for source in event.get("sources", {}).values():
            source.pop("file", None)
    return data


def test_the_sample_imports_into_the_intended_journeys(
    bipn: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = import_fhir(INPUTS, bipn, tmp_path)
    assert (result.findings, result.resources, result.patients) == ((), 64, 6)
    intended = sorted((SAMPLE / "intended").glob("*.yaml"))
    assert [Path(p).name for p in result.written] == [p.name for p in intended]
    elements: set[str] = set()
    for path in intended:
        got = yaml.safe_load((tmp_path / path.name).read_text(encoding="utf-8"))
        assert {s["file"] for e in got["events"] for s in e["sources"].values()} <= {str(p) for p in INPUTS}
        assert _without_files(got) == yaml.safe_load(path.read_text(encoding="utf-8"))
        elements |= {s["element"] for e in got["events"] for s in e["sources"].values()}
    # every binding kind bipn uses: quantity (converted too), concept, present, condition, route, dose, schedule, status
    assert elements == {
        "valueQuantity",
        "valueCodeableConcept",
        "clinicalStatus",
        "code",
        "dosage.route",
        "dosage.dose",
        "dosageInstruction[0].timing.repeat",
        "status",
    }


def test_the_generator_writes_the_committed_sample(tmp_path: Path) -> None:
    generate(tmp_path)
    for path in sorted(p for p in (ROOT / SAMPLE).rglob("*") if p.is_file()):
        assert (tmp_path / path.relative_to(ROOT / SAMPLE)).read_bytes() == path.read_bytes(), path.name


def test_a_mg_dl_result_is_converted_to_the_fact_unit(
    bipn: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    import_fhir(INPUTS, bipn, tmp_path)
    journey = yaml.safe_load((tmp_path / "bipn-002.yaml").read_text(encoding="utf-8"))
    ndjson = (SAMPLE / "fhir" / "patients.ndjson").read_text(encoding="utf-8")
    assert '"code": "mg/dL"' in ndjson
    assert '"value": 0.43' in ndjson
    assert journey["events"][1]["facts"]["beta2_microglobulin_mg_l"] == 4.3


def test_malformed_input_is_reported_at_its_line_and_the_rest_imported(
    bipn: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    folder = FIXTURES.relative_to(ROOT) / "fhir"
    inputs = [folder / "mixed.ndjson", folder / "not-json.json", folder / "history-bundle.json"]
    result = import_fhir(inputs, bipn, tmp_path)
    assert int(result.exit_code) == 1
    assert_golden(GOLDEN / "fhir" / "malformed.txt", render_text(list(result.findings)) + "\n")
    journey = yaml.safe_load((tmp_path / "p1.yaml").read_text(encoding="utf-8"))
    assert [e["facts"] for e in journey["events"]] == [{"beta2_microglobulin_mg_l": 4.2}]
    assert not (tmp_path / "p2.yaml").exists()


def test_the_trail_keeps_each_source_and_explain_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "journeys"
    assert main(["import", "fhir", *map(str, INPUTS), "--pathway", "bipn", "--out", str(out)]) == 0
    trail = tmp_path / "t.jsonl"
    assert main(["run", str(out / "bipn-003.yaml"), "--trail", str(trail)]) == 0
    first = next(r for r in read_trail(trail).records if isinstance(r, InputRecord))
    assert first.sources is not None
    assert first.sources["bortezomib_status"].resource == "MedicationRequest/bipn-003-3"
    assert main(["replay", str(trail)]) == 0
    capsys.readouterr()
    assert main(["explain", str(trail)]) == 0
    assert "MedicationRequest/bipn-003-3 status" in capsys.readouterr().out


def test_without_fhir_resources_the_import_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    validate._model.cache_clear()
    monkeypatch.setitem(sys.modules, "fhir.resources.R4B", None)
    try:
        with pytest.raises(UsageError, match=r"pip install 'pathway\[fhir\]'"):
            validate.require()
    finally:
        validate._model.cache_clear()


def _peak_held(folder: Path, analysis: Analysis, patients: int) -> tuple[int, int]:
    """The most memory the import of a generated export of ``patients`` patients holds at once (bytes, traced by
    tracemalloc: what Python objects take, as the code keeps them), and the size of the export (bytes)."""
    generate(folder / "data", patients=patients)
    export = folder / "data" / "fhir" / "patients.ndjson"
    gc.collect()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    import_fhir([export], analysis, folder / "out")
    return tracemalloc.get_traced_memory()[1] - before, export.stat().st_size


@pytest.mark.slow
def test_memory_grows_far_less_than_the_export(tmp_path: Path) -> None:
    """Each patient's resources go to disk as they are read; what stays is its id, where it was first seen and the
    journey written (a few hundred bytes): the most the import holds at once grows by less than an eighth of what
    the export grows (measured: about 330 bytes a patient against 4.2 KB of NDJSON). Traced, not read off the
    process's resident memory: that adds the allocator's arenas and rounding, about 0.7 KB a patient more here and
    different from run to run, which made a bound on it fail or pass by chance."""
    analysis = load_analysis(ROOT / "definitions" / "bipn" / "pathway.yaml")
    _peak_held(tmp_path / "warm", analysis, 20)  # modules imported and caches filled before anything is measured
    tracemalloc.start()
    try:
        small, small_bytes = _peak_held(tmp_path / "small", analysis, 300)
        large, large_bytes = _peak_held(tmp_path / "large", analysis, 2000)
    finally:
        tracemalloc.stop()
    assert large - small < (large_bytes - small_bytes) / 8, (small, large, small_bytes, large_bytes)


def _walkthrough() -> list[str]:
    page = (ROOT / "docs" / "fhir.md").read_text(encoding="utf-8")
    block = page.split("## Walk-through", 1)[1].split("```shell\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_the_docs_walkthrough_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "definitions", tmp_path / "definitions")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    commands = _walkthrough()
    assert [c.split()[1] for c in commands] == ["import", "run", "replay", "explain"]
    for command in commands:
        assert main(shlex.split(command)[1:]) == 0, command
    assert "64 resource(s) read, 6 patient(s), 6 journey(s) written, 0 finding(s)" in capsys.readouterr().out
