"""pathway cohort run | verify | generate, in one process (--jobs 1): inputs, failures located, trails identical to
single runs, resume, verify. The tests that start worker processes or a Dask cluster are in test_cohort_slow.py."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
import yaml

from pathway.cli.main import main
from pathway.cohort.generate import journeys
from pathway.definition.loader import load_analysis
from tests.conftest import ROOT

EXAMPLE = ROOT / "definitions" / "example" / "pathway.yaml"
RUN = ["cohort", "run", "--pathway", "example", "--jobs", "1"]  # the compiled engine: the default for cohorts


def generated(count: int, seed: int = 5, events: int = 6) -> list[dict[str, object]]:
    return list(journeys(load_analysis(EXAMPLE), count, events, seed))


def write_ndjson(path: Path, rows: list[str]) -> Path:
    path.write_text("".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def files_of(folder: Path, skip: frozenset[str] = frozenset({"timing.json"})) -> dict[str, bytes]:
    """Every file under the folder by relative path, with its bytes (timing.json left out: it is the run's)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in skip
    }


@pytest.fixture
def ndjson(tmp_path: Path) -> Path:
    """Twelve journeys, the seventh with a grade out of range (line 7) and the ninth not JSON (line 9)."""
    rows = [json.dumps(j) for j in generated(12)]
    bad = generated(12)[6]
    bad["events"][2]["facts"] = {"sensory_grade": 7}  # type: ignore[index]
    rows[6] = json.dumps(bad)
    rows[8] = '{"journey": "broken",'
    return write_ndjson(tmp_path / "cohort.ndjson", rows)


def test_a_bad_journey_in_the_middle_of_an_ndjson_file_is_located_and_the_rest_runs(
    ndjson: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main([*RUN, str(ndjson), "--out", str(out)]) == 1
    text = capsys.readouterr().out
    lines = ndjson.read_text().splitlines()
    column = lines[6].index('"sensory_grade": 7') + len('"sensory_grade": ') + 1
    assert f"{ndjson}:7:{column}: PW303 fact 'sensory_grade' is 7, outside its range: 0 to 4" in text
    assert f"{ndjson}:9:1: PW430 line 9 is not valid JSON: Expecting property name enclosed in double quotes" in text
    assert "12 journeys, 10 trails (10 ok" in text
    cohort = json.loads((out / "cohort.json").read_text())
    assert cohort["counts"] == {"journeys": 12, "trails": 10, "ok": 10, "not_ok": 0, "failed": 2}
    assert [(f["line"], f["journey"], [d["code"] for d in f["diagnostics"]]) for f in cohort["failures"]] == [
        (7, "example-0006", ["PW303"]),  # its id is read though the journey did not check
        (9, None, ["PW430"]),  # not JSON: no id
    ]
    assert cohort["inputs"] == [{"path": str(ndjson), "journeys": 12}]
    trails = sorted(p.name for p in (out / "trails").iterdir())
    assert trails == [f"example-{n:04d}.jsonl" for n in range(12) if n not in (6, 8)]


def test_a_bad_journey_file_in_a_folder_is_located_and_the_rest_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "journeys"
    folder.mkdir()
    for n, journey in enumerate(generated(5)):
        (folder / f"j{n}.yaml").write_text(yaml.safe_dump(journey, sort_keys=False), encoding="utf-8")
    jsonl = generated(5)[4]  # j4 as a JSONL journey: a header line, then one event a line
    lines = [json.dumps({"journey": jsonl["journey"]}), *map(json.dumps, jsonl["events"])]  # type: ignore[call-overload]
    (folder / "j4.yaml").unlink()
    (folder / "j4.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "j2.yaml").write_text("journey: bad\nevents:\n  - at: 2025-01-01\n    facts: {sensory_grad: 1}\n")
    (folder / "notes.txt").write_text("not a journey")
    out = tmp_path / "out"
    assert main([*RUN, str(folder), "--out", str(out), "--format", "json"]) == 1
    failures = json.loads(capsys.readouterr().out)["failures"]
    assert failures == [
        {
            "source": str(folder / "j2.yaml"),
            "line": 1,
            "journey": "bad",  # read, though the journey did not check
            "diagnostics": [
                {
                    "code": "PW301",
                    "severity": "error",
                    "message": "unknown fact 'sensory_grad'",
                    "file": str(folder / "j2.yaml"),
                    "line": 4,
                    "column": 13,
                    "end_column": 25,
                    "hint": failures[0]["diagnostics"][0]["hint"],
                }
            ],
        }
    ]
    assert "did you mean 'sensory_grade'?" in failures[0]["diagnostics"][0]["hint"]
    assert sorted(p.name for p in (out / "trails").iterdir()) == [f"example-{n:04d}.jsonl" for n in (0, 1, 3, 4)]


def test_a_journey_id_used_twice_is_an_error_at_the_second(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [json.dumps(j) for j in generated(3)]
    source = write_ndjson(tmp_path / "twice.ndjson", [*rows, rows[0]])
    out = tmp_path / "out"
    assert main([*RUN, str(source), "--out", str(out)]) == 1
    expected = f"{source}:4:13: PW431 journey id used twice in this cohort: first at {source}:1"
    assert expected in capsys.readouterr().out
    assert (out / "trails" / "example-0000.jsonl").read_bytes() == _single_run(tmp_path, generated(3)[0])


def _single_run(tmp_path: Path, journey: dict[str, object], pathway: str = "example") -> bytes:
    """The trail ``pathway run JOURNEY --trail`` writes for this journey (as a YAML file)."""
    file = tmp_path / f"single-{journey['journey']}.yaml"
    file.write_text(yaml.safe_dump(journey, sort_keys=False), encoding="utf-8")
    trail = tmp_path / f"single-{journey['journey']}.jsonl"
    assert main(["run", str(file), "--pathway", pathway, "--trail", str(trail), "--format", "json"]) in (0, 1)
    return trail.read_bytes()


def test_every_trail_is_byte_identical_to_a_single_run(
    ndjson: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    main([*RUN, str(ndjson), "--out", str(out)])
    for journey in generated(12)[:6]:
        assert (out / "trails" / f"{journey['journey']}.jsonl").read_bytes() == _single_run(tmp_path, journey)


@pytest.mark.parametrize("pathway", ["bipn", "bipn_label"])
def test_a_generated_ndjson_cohort_writes_what_single_runs_write(
    pathway: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pathways whose sibling states are not in alphabetical order, through NDJSON and the compiled engine."""
    cohort = list(journeys(load_analysis(ROOT / "definitions" / pathway / "pathway.yaml"), 6, 12, 11))
    source = write_ndjson(tmp_path / "cohort.ndjson", [json.dumps(j) for j in cohort])
    out = tmp_path / "out"
    assert main(["cohort", "run", str(source), "--pathway", pathway, "--jobs", "1", "--out", str(out)]) in (0, 1)
    capsys.readouterr()
    for journey in cohort:
        single = _single_run(tmp_path, journey, pathway)
        assert (out / "trails" / f"{journey['journey']}.jsonl").read_bytes() == single, journey["journey"]


@pytest.mark.parametrize("pathway", ["bipn", "bipn_label", "example"])
@pytest.mark.parametrize("engine", ["compiled", "reference"])
def test_a_cohort_of_the_bundled_journeys_writes_their_committed_trails(
    pathway: str, engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The committed trails are what ``pathway run JOURNEY --trail`` writes (``pathway generate --check``). bipn's
    regions are not in alphabetical order: a worker that rebuilt the pathway from its canonical JSON, whose keys are
    sorted, took them in another order and wrote other trails (other records, not only another order)."""
    folder = ROOT / "definitions" / pathway
    out = tmp_path / "out"
    args = ["cohort", "run", str(folder / "journeys"), "--pathway", pathway, "--engine", engine, "--jobs", "1"]
    assert main([*args, "--out", str(out)]) == 0, capsys.readouterr()
    written = {json.loads(t.read_text().splitlines()[0])["journey"]["id"]: t for t in (out / "trails").glob("*.jsonl")}
    committed = sorted((folder / "trails").glob("*.jsonl"))
    assert len(written) == len(committed) > 0
    for trail in committed:
        header = json.loads(trail.read_text().splitlines()[0])
        assert written[header["journey"]["id"]].read_bytes() == trail.read_bytes(), trail.name


def test_the_tables_hold_a_row_per_journey_and_per_record(ndjson: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    main([*RUN, str(ndjson), "--out", str(out)])
    journeys_table = pq.read_table(out / "journeys.parquet").to_pylist()
    assert [r["journey"] for r in journeys_table] == sorted(r["journey"] for r in journeys_table)
    first = journeys_table[0]
    trail = (out / "trails" / f"{first['journey']}.jsonl").read_text().splitlines()
    summary = json.loads(trail[-1])
    assert first["states"] == summary["states"]
    assert first["final_hash"] == summary["hash"]
    assert (first["source"], first["line"], first["records"]) == (str(ndjson), 1, len(trail))
    records = [r for r in pq.read_table(out / "records.parquet").to_pylist() if r["journey"] == first["journey"]]
    assert [r["record"] for r in records] == trail
    row = next(r for r in records if r["kind"] == "transition")
    record = json.loads(row["record"])
    assert (row["transition"], row["source"], row["target"]) == (record["id"], record["source"], record["target"])
    assert row["at"].isoformat().startswith(record["at"])


def test_resume_after_an_interruption_gives_the_same_folder(
    ndjson: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole, resumed = tmp_path / "whole", tmp_path / "resumed"
    main([*RUN, str(ndjson), "--out", str(whole)])
    main([*RUN, str(ndjson), "--out", str(resumed)])
    trails = resumed / "trails"
    (trails / "example-0001.jsonl").unlink()  # never written
    truncated = trails / "example-0002.jsonl"
    truncated.write_bytes(b"".join(truncated.read_bytes().splitlines(keepends=True)[:4]))  # cut short
    (trails / ".example-0003.7-1.pending").write_text("left by a killed worker")
    for name in ("journeys.parquet", "records.parquet", "cohort.json"):
        (resumed / name).unlink()
    capsys.readouterr()
    assert main([*RUN, str(ndjson), "--out", str(resumed), "--resume"]) == 1
    assert "8 kept from before" in capsys.readouterr().out
    assert files_of(resumed) == files_of(whole)
    timing = json.loads((resumed / "timing.json").read_text())
    assert (timing["ran"], timing["kept"]) == (2, 8)


def test_a_used_folder_is_refused_without_resume(
    ndjson: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "something").write_text("")
    assert main([*RUN, str(ndjson), "--out", str(out)]) == 2
    assert "--out: " in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["something"]


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("missing.ndjson", "no such folder or NDJSON file"),
        ("README.md", "an input file must be NDJSON"),
    ],
)
def test_inputs_that_are_not_cohorts_are_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argument: str, message: str
) -> None:
    out = tmp_path / "out"
    assert main([*RUN, argument, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_the_reference_engine_writes_the_same_folder_as_the_compiled_one(
    ndjson: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compiled, reference = tmp_path / "compiled", tmp_path / "reference"
    main([*RUN, str(ndjson), "--out", str(compiled)])
    main([*RUN, str(ndjson), "--out", str(reference), "--engine", "reference"])
    skip = frozenset({"timing.json", "cohort.json"})
    assert files_of(reference, skip) == files_of(compiled, skip)
    documents = [json.loads((folder / "cohort.json").read_text()) for folder in (compiled, reference)]
    assert [d.pop("engine") for d in documents] == ["compiled", "reference"]
    assert documents[0] == documents[1]


def test_verify_reports_a_tampered_a_deleted_and_an_extra_trail(
    ndjson: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    main([*RUN, str(ndjson), "--out", str(out)])
    capsys.readouterr()
    assert main(["cohort", "verify", str(out), "--jobs", "1"]) == 0
    assert capsys.readouterr().out.endswith("10 trails listed, 10 replayed: every trail reproduced\n")
    trails = out / "trails"
    (trails / "example-0004.jsonl").unlink()
    tampered = trails / "example-0005.jsonl"
    lines = tampered.read_text().splitlines(keepends=True)
    lines[3] = lines[3].replace('"at":"', '"at":"1', 1)
    tampered.write_text("".join(lines))
    (trails / "stray.jsonl").write_bytes((trails / "example-0000.jsonl").read_bytes())
    assert main(["cohort", "verify", str(out), "--jobs", "1"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "example-0004: missing: listed in journeys.parquet, but its trail is absent",
        "example-0005: tampered: record 3 (line 4): its content does not match its hash",
        "stray: extra: a trail the cohort does not list in journeys.parquet",
        f"cohort {out}: 10 trails listed, 9 replayed: 3 problem(s)",
    ]


def test_verify_finds_a_trail_replaced_by_another_that_reproduces(
    ndjson: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    main([*RUN, str(ndjson), "--out", str(out)])
    first = generated(1)[0]
    shorter = {**first, "events": first["events"][:2]}  # type: ignore[index]
    (out / "trails" / "example-0000.jsonl").write_bytes(_single_run(tmp_path, shorter))
    capsys.readouterr()
    assert main(["cohort", "verify", str(out), "--jobs", "1", "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert [(p["journey"], p["problem"]) for p in problems] == [("example-0000", "replaced")]


def test_generate_writes_the_same_cohort_for_the_same_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.ndjson", tmp_path / "b.ndjson"
    for path in (a, b):
        assert (
            main(["cohort", "generate", "--pathway", "example", "--count", "4", "--seed", "9", "--out", str(path)]) == 0
        )
    assert a.read_bytes() == b.read_bytes()
    assert [json.loads(line)["journey"] for line in a.read_text().splitlines()] == [
        f"example-{n:04d}" for n in range(4)
    ]


def test_the_shard_store_holds_the_same_trails_and_tables(
    ndjson: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files, shards = tmp_path / "files", tmp_path / "shards"
    main([*RUN, str(ndjson), "--out", str(files)])
    main([*RUN, str(ndjson), "--out", str(shards), "--store", "shards"])
    assert sorted(p.name for p in (shards / "trails").iterdir()) == ["index.parquet", "shard-00000.jsonl"]
    for name in ("journeys.parquet", "records.parquet"):
        assert (shards / name).read_bytes() == (files / name).read_bytes()
    one = files / "trails" / "example-0003.jsonl"
    shard = (shards / "trails" / "shard-00000.jsonl").read_bytes()
    assert shard == b"".join(
        (files / "trails" / f"example-{n:04d}.jsonl").read_bytes() for n in range(12) if n not in (6, 8)
    )
    target = tmp_path / "extracted.jsonl"
    assert main(["cohort", "extract", str(shards), "example-0003", "--out", str(target)]) == 0
    assert target.read_bytes() == one.read_bytes()
    assert main(["cohort", "extract", str(shards), "example-0006", "--out", str(target)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"pathway: JOURNEY: the cohort in {shards} has no trail of journey 'example-0006'"
    )


def test_verify_and_resume_work_on_the_shard_store(
    ndjson: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole, out = tmp_path / "whole", tmp_path / "out"
    for folder in (whole, out):
        main([*RUN, str(ndjson), "--out", str(folder), "--store", "shards"])
    shard = out / "trails" / "shard-00000.jsonl"
    data = shard.read_bytes()
    second = data.index(b'{"engine"', 1)  # the second trail's header
    at = data.index(b'"kind":"input"', second)
    shard.write_bytes(data[:at] + b'"kind":"inputs"' + data[at + len(b'"kind":"input"') :])
    capsys.readouterr()
    assert main(["cohort", "verify", str(out), "--jobs", "1"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "example-0001: tampered: record 1 (line 2): its content does not match its hash"
    )
    shard.unlink()
    assert main(["cohort", "verify", str(out), "--jobs", "1", "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert {p["problem"] for p in problems} == {"missing"}
    assert len(problems) == 10
    assert main([*RUN, str(ndjson), "--out", str(out), "--store", "shards", "--resume"]) == 1
    assert files_of(out) == files_of(whole)
    assert main([*RUN, str(ndjson), "--out", str(out), "--resume"]) == 2
    assert "--store: the cohort in" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_is_drawn_on_a_terminal_only() -> None:
    from pathway.cohort.progress import Progress

    terminal, pipe = _Terminal(), io.StringIO()
    counted: list[str] = []
    for stream in (terminal, pipe):
        with Progress(lambda: counted.append("counted") or 10, "journeys", stream) as progress:
            progress.advance(4)
    assert "journeys" in terminal.getvalue()
    assert "4/10" in terminal.getvalue()
    assert (pipe.getvalue(), counted) == ("", ["counted"])  # the inputs are counted only for a bar


@pytest.mark.parametrize(
    ("module", "option", "hint"),
    [
        ("distributed", ["--dask", "local"], "--dask needs dask's distributed scheduler: pip install 'pathway[dask]'"),
        ("pyarrow", ["--jobs", "1"], "cohort tables need pyarrow: pip install 'pathway[cohort]'"),
    ],
)
def test_a_missing_optional_dependency_says_how_to_install_it(
    ndjson: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    module: str,
    option: list[str],
    hint: str,
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import fails as when it is not installed
    run = [a for a in RUN if a not in ("--jobs", "1")]
    assert main([*run, *option, str(ndjson), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.strip() == f"pathway: {hint}"
    assert not (tmp_path / "out").exists()


def test_verify_finds_a_rechained_trail_that_diverges(
    ndjson: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathway.trail.io import canonical, digest

    out = tmp_path / "out"
    main([*RUN, str(ndjson), "--out", str(out)])
    path = out / "trails" / "example-0002.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()]
    records[-1]["states"] = ["a forged state"]  # then every hash recomputed: the chain holds
    records[-1]["hash"] = digest(records[-1])
    path.write_text("".join(canonical(r) + "\n" for r in records))
    capsys.readouterr()
    assert main(["cohort", "verify", str(out), "--jobs", "1", "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert [(p["journey"], p["problem"]) for p in problems] == [("example-0002", "diverged")]
    assert problems[0]["message"].startswith(f"diverged at record {len(records) - 1}, field 'states'")


def test_a_worker_rebuilds_the_pathway_in_its_document_order_and_refuses_another() -> None:
    from pathway.cohort.work import pathway_runner
    from pathway.definition.canonical import canonical_json, ordered_json, sha256_of

    loaded = load_analysis(ROOT / "definitions" / "bipn" / "pathway.yaml")
    sha = sha256_of(loaded.pathway)
    rebuilt, _ = pathway_runner(ordered_json(loaded.pathway), sha, "compiled")
    assert ordered_json(rebuilt.pathway) == ordered_json(loaded.pathway)
    assert list(rebuilt.index.states) == list(loaded.index.states) != sorted(loaded.index.states)
    with pytest.raises(RuntimeError, match="the pathway read back with its states in another order"):
        pathway_runner(canonical_json(loaded.pathway), sha, "compiled")  # sorted: the same hash, another order
