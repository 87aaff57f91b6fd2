"""Conformance over a cohort run (docs/conformance.md): a hand-built cohort where every category occurs, against a
golden table; the documented SQL recomputing every count from records.parquet; the FHIR MeasureReports; the CLI."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import pathway
from pathway.cli.main import main
from pathway.cohort.conformance import Conformance, conformance
from pathway.cohort.generate import write_ndjson
from pathway.definition.loader import load_analysis
from tests.conftest import ROOT, assert_golden

FIXTURE = ROOT / "tests" / "fixtures" / "cohort" / "conformance"
GOLDEN = ROOT / "tests" / "golden" / "conformance"
BIPN = ROOT / "definitions" / "bipn" / "pathway.yaml"


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("conformance") / "audit"
    result = pathway.run_cohort([FIXTURE], load_analysis(BIPN), out, jobs=1)
    assert (result.counts.journeys, result.counts.failed) == (6, 0)
    return out


@pytest.fixture(scope="module")
def table(cohort: Path) -> Conformance:
    return conformance(cohort)


def _row(result: Conformance, action: str) -> Any:
    return next(r for r in result.rows if r.action == action)


def test_the_hand_built_cohort_gives_the_golden_table(table: Conformance, cohort: Path) -> None:
    text = table.to_text().replace(table.folder, "COHORT")
    assert_golden(GOLDEN / "fixture.txt", text + "\n")
    document = table.to_json() | {"folder": "COHORT"}
    assert_golden(GOLDEN / "fixture.json", json.dumps(document, indent=2, sort_keys=True) + "\n")


def test_every_category_occurs_where_the_journeys_put_it(table: Conformance) -> None:
    assert _row(table, "dose_reduce").met == 1
    assert _row(table, "review_duloxetine_response").met_late == 1
    assert _row(table, "switch_to_weekly_sc").exceptions == {"patient-fears-discomfort": 1, "risk-benefit-ratio": 1}
    assert _row(table, "start_duloxetine").exceptions == {"free-text": 1}
    assert _row(table, "baseline_neuro_eval").not_documented == 1
    assert _row(table, "reassess_each_cycle").open == 5
    assert _row(table, "characterize_neuropathy").transient == 3
    assert (_row(table, "ivig").unrecommended_with_reason, _row(table, "ivig").unrecommended_without_reason) == (1, 0)
    assert _row(table, "high_dose_steroids").unrecommended_without_reason == 1
    assert _row(table, "dose_reduce").undetermined == 1
    assert table.never_assessed == ("conf-d-never-assessed",)
    patient = next(p for p in table.patients if p.journey == "conf-e-undetermined")
    assert patient.deviations == ()
    assert [d.waiting for d in patient.undetermined] == [("grade_check",)]
    assert int(table.exit_code) == 1


def test_each_deviation_points_at_its_trail_record(table: Conformance, cohort: Path) -> None:
    for patient in table.patients:
        lines = (cohort / "trails" / f"{patient.journey}.jsonl").read_text().splitlines()
        for item in (*patient.deviations, *patient.undetermined, *patient.open):
            record = json.loads(lines[item.seq])
            assert datetime.fromisoformat(record["at"]) == datetime.fromisoformat(item.at)
            wanted = {"declined", "input", "deviation", "issued", "fulfilled"}
            named = {record.get("id"), record.get("action"), record.get("done")}
            assert record["kind"] in wanted
            assert item.action in named or item.note == f"replaced by {record['done']}"


def test_a_longer_grace_window_turns_late_care_into_met_care(cohort: Path) -> None:
    wide = conformance(cohort, grace=timedelta(days=60))
    assert sum(r.denominator for r in wide.rows) <= sum(r.denominator for r in conformance(cohort).rows)


def test_strata_by_a_fact_add_up_to_the_table(table: Conformance, cohort: Path) -> None:
    by_route = conformance(cohort, by="route")
    assert set(by_route.strata) == {"(not given)", "iv", "sc"}
    for row in table.rows:
        parts = [r for rows in by_route.strata.values() for r in rows if r.action == row.action]
        assert sum(r.denominator for r in parts) == row.denominator
        assert sum(r.met for r in parts) == row.met
    assert list(conformance(cohort, by="pathway_version").strata) == ["2.0.0"]


def documented_sql() -> str:
    page = (ROOT / "docs" / "conformance.md").read_text(encoding="utf-8")
    match = re.search(r'CONFORMANCE_SQL = """\n(.*?)\n"""', page, re.DOTALL)
    assert match is not None, "docs/conformance.md lost its CONFORMANCE_SQL block"
    return match.group(1)


def recompute(folder: Path) -> dict[tuple[str, str, str], int]:
    """Every count, by the documented SQL over records.parquet; the two definition tables built here."""
    import duckdb

    bipn = load_analysis(BIPN).pathway
    pairs: set[tuple[str, str]] = set()
    for name, action in bipn.actions.items():
        pairs |= {(name, other) for other in [*(action.supersedes or []), *(action.conflicts or [])]}
    owners: set[tuple[str, str]] = set()

    def walk(states: dict[str, Any], inside: tuple[str, ...]) -> None:
        for name, state in states.items():
            owners.update((owner, action) for action in state.recommended for owner in (name, *inside))
            walk(state.states or {}, (name, *inside))

    walk(bipn.states, ())
    db = duckdb.connect()
    db.execute(f"CREATE VIEW records AS SELECT * FROM '{folder / 'records.parquet'}'")
    db.execute("CREATE TABLE recommends (state TEXT, action TEXT)")
    db.executemany("INSERT INTO recommends VALUES (?, ?)", sorted(owners))
    db.execute("CREATE TABLE alternatives (action TEXT, other TEXT)")
    db.executemany("INSERT INTO alternatives VALUES (?, ?)", sorted(pairs | {(b, a) for a, b in pairs}))
    rows = db.execute(documented_sql(), {"grace": timedelta(days=1), "transient": timedelta(days=1)}).fetchall()
    return {(action, counted, category): n for action, counted, category, n in rows}


def counts(result: Conformance) -> dict[tuple[str, str, str], int]:
    found: Counter[tuple[str, str, str]] = Counter()
    for row in result.rows:
        for name in ("met", "met_late", "transient", "open", "not_documented"):
            found[row.action, "episode", name] = getattr(row, name)
        found[row.action, "episode", "exception"] = row.exception_total
        for code, n in row.exceptions.items():
            found[row.action, "exception", code] = n
        for name in ("unrecommended_with_reason", "unrecommended_without_reason", "undetermined"):
            found[row.action, "care", name] = getattr(row, name)
    return {key: n for key, n in found.items() if n}


def test_the_documented_sql_recomputes_the_hand_built_table(table: Conformance, cohort: Path) -> None:
    assert recompute(cohort) == counts(table)


def _generated(tmp_path: Path, size: int) -> Path:
    bipn = load_analysis(BIPN)
    write_ndjson(tmp_path / "generated.ndjson", bipn, size, events=12, seed=3, decisions=True)
    out = tmp_path / "audit"
    pathway.run_cohort([tmp_path / "generated.ndjson"], bipn, out, jobs=1)
    return out


def test_the_documented_sql_recomputes_a_generated_cohort(tmp_path: Path) -> None:
    out = _generated(tmp_path, 60)
    found = counts(conformance(out))
    assert {k[2] for k in found} >= {"met", "open", "not_documented", "undetermined", "unrecommended_with_reason"}
    assert recompute(out) == found


@pytest.mark.slow
def test_the_documented_sql_recomputes_a_few_hundred_generated_journeys(tmp_path: Path) -> None:
    out = _generated(tmp_path, 300)
    found = counts(conformance(out))
    assert any(k[1] == "exception" for k in found)
    assert recompute(out) == found


def test_the_generator_gives_the_same_cohort_for_a_seed_without_decisions(tmp_path: Path) -> None:
    write_ndjson(tmp_path / "c.ndjson", load_analysis(BIPN), 300, events=12, seed=3)
    digest = hashlib.sha256((tmp_path / "c.ndjson").read_bytes()).hexdigest()
    assert digest == "5d6896ed2c3a413fa5c038e21dbb25bee1d70b226128be3fbc3c7c97c216e34d"  # before --decisions existed
    write_ndjson(tmp_path / "d.ndjson", load_analysis(BIPN), 50, events=12, seed=3, decisions=True)
    text = (tmp_path / "d.ndjson").read_text()
    assert '"declined"' in text
    assert '"reason_code"' in text


def test_the_measurereports_validate_and_carry_the_table(table: Conformance, tmp_path: Path) -> None:
    from pathway.fhir.measurereport import export_measurereports, measurereports, populations_of
    from pathway.fhir.validate import problem

    reports = measurereports(table)
    assert set(reports) == {"summary", "subject-list"}
    for report in reports.values():
        assert problem(report) is None
        found = {(g, code): n for g, code, n in populations_of(report)}
        row = _row(table, "switch_to_weekly_sc")
        assert found["switch-to-weekly-sc", "numerator"] == row.met
        assert found["switch-to-weekly-sc", "denominator-exception"] == row.exception_total
        assert found["switch-to-weekly-sc", "denominator-exclusion"] == row.transient + row.open
    subject = reports["subject-list"]
    lists = {c["id"]: c for c in subject["contained"]}
    exceptions = lists["switch-to-weekly-sc-denominator-exception"]["entry"]
    assert [e["item"]["identifier"]["value"] for e in exceptions] == ["conf-a-declined", "conf-f-replaced"]
    group = next(g for g in reports["summary"]["group"] if g["id"] == "switch-to-weekly-sc")
    reasons = [s["value"]["coding"][0]["code"] for s in group["stratifier"][0]["stratum"]]
    assert reasons == ["patient-fears-discomfort", "risk-benefit-ratio"]
    first = export_measurereports(table, tmp_path / "a")
    export_measurereports(table, tmp_path / "b")
    for name in first.files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_the_command_prints_one_json_document_and_writes_files(
    cohort: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cohort", "conformance", str(cohort), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["never_assessed"] == ["conf-d-never-assessed"]
    assert document["exit_code"] == 1
    assert main(["cohort", "conformance", str(cohort), "--out", str(tmp_path / "table.txt")]) == 1
    assert "switch_to_weekly_sc" in (tmp_path / "table.txt").read_text()
    out = tmp_path / "measures"
    assert main(["cohort", "conformance", str(cohort), "--format", "measurereport", "--out", str(out)]) == 1
    assert sorted(p.name for p in out.iterdir()) == ["measurereport-subject-list.json", "measurereport-summary.json"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--by", "sensory_grde"], "cannot stratify by 'sensory_grde'"),
        (["--format", "measurereport"], "give the folder with --out DIR"),
        (["--grace", "1.5d"], "--grace"),
    ],
    ids=["unknown-fact", "measurereport-without-out", "bad-grace"],
)
def test_bad_usage_is_a_clear_error(
    cohort: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cohort", "conformance", str(cohort), *argv]) == 2
    assert message in capsys.readouterr().err


def test_a_folder_that_is_not_a_cohort_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cohort", "conformance", str(tmp_path)]) == 2
    assert "is not a cohort folder" in capsys.readouterr().err
