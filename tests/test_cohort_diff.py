"""``pathway cohort diff``: a cohort run replayed under another version lists exactly the patients whose pathway
changes, checked against single-journey runs of both versions recomputed one by one (the reference engine, from
the cohort's own input file, not from the trails)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import pathway
from pathway.cli.main import main
from pathway.cohort.generate import write_ndjson
from pathway.definition.loader import load_analysis
from pathway.trail.records import IssuedRecord, Record, RetiredRecord
from tests.conftest import ROOT

BIPN = ROOT / "definitions" / "bipn" / "pathway.yaml"
ARTICLE_GRADE = "expr: sensory_grade >= 3 or motor_grade >= 3"
ON_FILE_GRADE = "expr: (known(sensory_grade) and sensory_grade >= 3) or (known(motor_grade) and motor_grade >= 3)"


def changed_bipn(folder: Path) -> Path:
    """A copy of bipn whose grade that stops bortezomib is 4, not 3 (a threshold changed)."""
    text = BIPN.read_text(encoding="utf-8")
    assert ARTICLE_GRADE in text
    assert ON_FILE_GRADE in text
    text = text.replace(ARTICLE_GRADE, ARTICLE_GRADE.replace(">= 3", ">= 4"))
    text = text.replace(ON_FILE_GRADE, ON_FILE_GRADE.replace(">= 3", ">= 4")).replace(
        "version: 2.0.0", "version: 2.1.0"
    )
    path = folder / "bipn-grade4" / "pathway.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


def summary(result: pathway.RunResult) -> dict[str, Any]:
    """What `pathway run --format json` prints, less the pathway's identity."""
    data = result.to_json()
    del data["pathway"]
    return data


def course(records: tuple[Record, ...]) -> list[tuple[str, str, str, str]]:
    """When each recommendation and finding was issued and withdrawn."""
    return [(r.kind, r.item, r.id, r.at) for r in records if isinstance(r, IssuedRecord | RetiredRecord)]


ON = {"bortezomib_status": "active", "route": "iv", "schedule": "twice_weekly"}
HAND = [
    {
        "journey": "hand-sensory-3",
        "events": [{"at": "2026-03-02", "facts": {**ON, "sensory_grade": 3, "motor_grade": 0}}],
    },
    {
        "journey": "hand-motor-3-then-1",
        "events": [
            {"at": "2026-03-02", "facts": {**ON, "sensory_grade": 1, "motor_grade": 3}},
            {"at": "2026-03-23", "facts": {"sensory_grade": 1, "motor_grade": 1}},
        ],
    },
    {
        "journey": "hand-grade-4",
        "events": [{"at": "2026-03-02", "facts": {**ON, "sensory_grade": 4, "motor_grade": 1}}],
    },
]


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("diff")
    ndjson = folder / "cohort.ndjson"
    write_ndjson(ndjson, load_analysis(BIPN), 40, events=14, seed=4)
    with ndjson.open("a", encoding="utf-8") as stream:  # generated grades rarely reach 3: three patients who do
        stream.writelines(json.dumps(j) + "\n" for j in HAND)
    out = folder / "run"
    assert main(["cohort", "run", str(ndjson), "--pathway", str(BIPN), "--out", str(out), "--jobs", "1"]) == 0
    return ndjson, out, changed_bipn(folder)


def test_diff_lists_exactly_the_journeys_whose_single_runs_differ(
    cohort: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    ndjson, out, new = cohort
    assert main(["cohort", "diff", str(out), "--pathway", str(new), "--jobs", "1", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    listed = {j["journey"] for j in result["journeys"]}
    old_analysis, new_analysis = load_analysis(BIPN), load_analysis(new)
    summaries_differ, course_differs = set(), set()
    for line in ndjson.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        a, b = pathway.run(old_analysis, data), pathway.run(new_analysis, data)
        if summary(a) != summary(b):
            summaries_differ.add(data["journey"])
        if course(a.records) != course(b.records):
            course_differs.add(data["journey"])
    assert summaries_differ, "the threshold change must move some patient of this cohort"
    assert summaries_differ <= listed
    assert listed == summaries_differ | course_differs
    assert result["compared"] == result["listed"] == 43
    # a counted kind is a kind some listed patient has, and every listed patient counts in some kind
    kinds = {k for j in result["journeys"] for k in j["kinds"]}
    assert {k for k, n in result["counts"].items() if n} == kinds
    assert all(j["kinds"] for j in result["journeys"])


def test_a_grade_3_patient_loses_the_discontinuation_and_the_diff_names_the_grade_that_decided_it(
    tmp_path: Path, cohort: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, new = cohort
    journey = {
        "journey": "grade3",
        "events": [
            {"at": "2026-03-02", "facts": {"bortezomib_status": "active", "sensory_grade": 3, "motor_grade": 0}},
        ],
    }
    ndjson = tmp_path / "one.ndjson"
    ndjson.write_text(json.dumps(journey) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    assert main(["cohort", "run", str(ndjson), "--pathway", str(BIPN), "--out", str(out), "--jobs", "1"]) == 0
    capsys.readouterr()
    assert main(["cohort", "diff", str(out), "--pathway", str(new), "--jobs", "1", "--format", "json"]) == 0
    (found,) = json.loads(capsys.readouterr().out)["journeys"]
    removed = {c["id"]: c for c in found["changes"] if c["kind"] == "recommendation_removed"}
    assert "discontinue_bortezomib" in removed
    old = removed["discontinue_bortezomib"]["old"]
    assert old["read"]["sensory_grade"] == "3"
    assert removed["discontinue_bortezomib"]["issued_before"] == ["2026-03-02"]
    assert removed["discontinue_bortezomib"]["issued_after"] == []
    assert main(["cohort", "diff", str(out), "--pathway", str(new), "--jobs", "1"]) == 0
    text = capsys.readouterr().out
    assert "- recommendation removed: Discontinue bortezomib (issued 2026-03-02 -> never)" in text
    assert "recommendation removed: 1 patient(s)" in text


def test_recorded_care_the_new_version_does_not_know_is_reported_not_crashed_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journeys = [
        {"journey": "reduced", "events": [{"at": "2026-03-02", "facts": {"sensory_grade": 1}, "done": "dose_reduce"}]},
        {"journey": "plain", "events": [{"at": "2026-03-02", "facts": {"bortezomib_status": "planned"}}]},
    ]
    ndjson = tmp_path / "two.ndjson"
    ndjson.write_text("".join(json.dumps(j) + "\n" for j in journeys), encoding="utf-8")
    out = tmp_path / "run"
    assert main(["cohort", "run", str(ndjson), "--pathway", "bipn", "--out", str(out), "--jobs", "1"]) == 0
    capsys.readouterr()
    assert main(["cohort", "diff", str(out), "--pathway", "bipn_label", "--jobs", "1"]) == 1
    text = capsys.readouterr().out
    assert "1 of 2 journeys compared" in text
    assert "1 do not fit the new version" in text
    assert "reduced: does not fit bipn_label 1.0.0" in text
    assert f"{out / 'trails' / 'reduced.jsonl'}:2:1: PW306 unknown action 'dose_reduce'" in text


def test_the_pathway_the_cohort_ran_is_refused_with_the_command_that_checks_it(
    cohort: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = cohort
    assert main(["cohort", "diff", str(out), "--pathway", str(BIPN), "--jobs", "1"]) == 2
    assert "use 'pathway cohort verify'" in capsys.readouterr().err


def test_a_folder_that_is_not_a_cohort_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cohort", "diff", str(tmp_path), "--pathway", "bipn_label", "--format", "json"]) == 2
    assert "is not a cohort folder" in json.loads(capsys.readouterr().out)["message"]
