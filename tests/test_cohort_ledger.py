"""What the coordinating process of a cohort run keeps on disk instead of in memory: the ledger of journey ids
(duplicates found across batches, the tables sorted by id) and the failures past those cohort.json lists
(failures.ndjson); no scratch file left behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pathway.cli.main import main
from pathway.cohort import ledger, run
from pathway.cohort.report import Failure
from tests.test_cohort import RUN, generated, write_ndjson


def _cohort(tmp_path: Path) -> tuple[Path, list[dict[str, object]]]:
    """Nine good journeys in reverse id order, five lines that are not JSON among them, and two journeys reusing
    an id of an earlier batch (batches of two journeys)."""
    good = generated(9)[::-1]
    rows = [json.dumps(j) for j in good]
    for at in (1, 4, 6, 9, 10):
        rows.insert(at, f'{{"journey": "bad-{at}",')
    rows += [json.dumps(good[0]), json.dumps(good[3])]
    return write_ndjson(tmp_path / "cohort.ndjson", rows), good


def test_ids_used_twice_are_found_across_batches_and_the_tables_are_sorted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow.parquet as pq

    source, good = _cohort(tmp_path)
    monkeypatch.setattr(run, "BATCH", 2)
    out = tmp_path / "out"
    assert main([*RUN, str(source), "--out", str(out), "--store", "shards"]) == 1
    text = capsys.readouterr().out
    assert f"{source}:15:13: PW431 journey id used twice in this cohort: first at {source}:1" in text
    assert f"{source}:16:13: PW431 journey id used twice in this cohort: first at {source}:6" in text
    cohort = json.loads((out / "cohort.json").read_text())
    assert cohort["counts"] == {"journeys": 16, "trails": 9, "ok": 9, "not_ok": 0, "failed": 7}
    assert [f["line"] for f in cohort["failures"]] == [2, 5, 7, 10, 11, 15, 16]
    ids = sorted(str(j["journey"]) for j in good)
    assert pq.read_table(out / "journeys.parquet").column("journey").to_pylist() == ids
    assert pq.read_table(out / "trails" / "index.parquet").column("journey").to_pylist() == ids
    assert sorted(p.name for p in out.iterdir()) == [
        "cohort.json",
        "journeys.parquet",
        "records.parquet",
        "timing.json",
        "trails",
    ]


def test_failures_past_those_listed_are_all_in_failures_ndjson(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source, _ = _cohort(tmp_path)
    monkeypatch.setattr(ledger, "LISTED", 3)
    out = tmp_path / "out"
    assert main([*RUN, str(source), "--out", str(out), "--format", "json"]) == 1
    printed = json.loads(capsys.readouterr().out)
    cohort = json.loads((out / "cohort.json").read_text())
    assert cohort["counts"]["failed"] == 7
    assert [f["line"] for f in cohort["failures"]] == [2, 5, 7]
    assert cohort["failures_file"] == "failures.ndjson"
    assert printed["failures"] == cohort["failures"]
    every = [json.loads(line) for line in (out / "failures.ndjson").read_text().splitlines()]
    assert [f["line"] for f in every] == [2, 5, 7, 10, 11, 15, 16]
    assert every[:3] == cohort["failures"]
    assert [d["code"] for f in every for d in f["diagnostics"]] == ["PW430"] * 5 + ["PW431"] * 2
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]

    assert main([*RUN, str(source), "--out", str(out)]) == 2  # not empty: refused, nothing touched
    capsys.readouterr()
    assert main([*RUN, str(source), "--out", str(out), "--resume"]) == 1
    assert "4 more failed: every failure is in" in capsys.readouterr().out
    monkeypatch.setattr(ledger, "LISTED", 1000)
    assert main([*RUN, str(source), "--out", str(out), "--resume"]) == 1
    cohort = json.loads((out / "cohort.json").read_text())
    assert len(cohort["failures"]) == 7
    assert "failures_file" not in cohort
    assert not (out / "failures.ndjson").exists()


def test_the_ledger_answers_from_disk_and_removes_itself(tmp_path: Path) -> None:
    book = ledger.Ledger(tmp_path)
    book.begin()
    for n, journey in enumerate(["b", "a-2", "a-10", "Z", "a_1"]):
        book.add(journey, "cohort.ndjson", n + 1, n // 2, 10 * n, 10)
    book.commit()
    assert book.first("a-10") == ("cohort.ndjson", 3)
    assert book.first("c") is None
    entries = list(book.entries(shards=True))
    assert [e[0] for e in entries] == sorted(["b", "a-2", "a-10", "Z", "a_1"])
    assert entries[0] == ("Z", "cohort.ndjson", 4, "shard-00001.jsonl", 30, 10)
    assert book.path.is_file()
    book.close()
    assert list(tmp_path.iterdir()) == []


def test_failures_spill_only_past_the_listed_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger, "LISTED", 2)
    failures = ledger.Failures(tmp_path)
    for n in range(2):
        failures.add(Failure("c.ndjson", n + 1, None, ()))
    assert failures.file is None
    assert list(tmp_path.iterdir()) == []
    failures.add(Failure("c.ndjson", 3, "j", ()))
    assert failures.file == "failures.ndjson"
    failures.abandon()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("store", ["files", "shards"])
def test_trails_are_flushed_to_disk_once_before_cohort_json(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No fsync per trail or shard: one os.sync() once every trail and table is in place, then cohort.json,
    itself flushed (one fsync)."""
    import os

    source, _ = _cohort(tmp_path)
    out = tmp_path / "out"
    fsyncs: list[int] = []
    synced: list[list[str]] = []
    monkeypatch.setattr(os, "fsync", lambda fd: fsyncs.append(fd))
    monkeypatch.setattr(os, "sync", lambda: synced.append(sorted(p.name for p in out.iterdir())))
    monkeypatch.setattr(run, "BATCH", 3)
    assert main([*RUN, str(source), "--out", str(out), "--store", store]) == 1
    assert synced == [["journeys.parquet", "records.parquet", "trails"]]
    assert len(fsyncs) == 1  # cohort.json's
    assert len(list((out / "trails").iterdir())) == (9 if store == "files" else 6)


def test_write_trail_is_durable_unless_told_otherwise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from pathway.definition.loader import load_analysis
    from pathway.engine.runner import Runner
    from pathway.journey.check import journey_from_data
    from pathway.trail.io import write_trail
    from tests.test_cohort import EXAMPLE

    analysis = load_analysis(EXAMPLE)
    result = Runner(analysis).run(journey_from_data(generated(1)[0], analysis))
    fsyncs: list[int] = []
    monkeypatch.setattr(os, "fsync", lambda fd: fsyncs.append(fd))
    write_trail(tmp_path / "durable.jsonl", result.records, lines=result.lines)
    assert len(fsyncs) == 1
    write_trail(tmp_path / "loose.jsonl", result.records, lines=result.lines, durable=False)
    assert len(fsyncs) == 1
    assert (tmp_path / "loose.jsonl").read_bytes() == (tmp_path / "durable.jsonl").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["durable.jsonl", "loose.jsonl"]


def test_a_failure_names_its_journey_only_when_the_id_is_well_formed(tmp_path: Path) -> None:
    from pathway.cohort.inputs import Item, id_of

    def line(text: str) -> str | None:
        return id_of(Item("c.ndjson", 3, text))

    assert line('{"journey": "p-1", "events": "no"}') == "p-1"
    assert line('{"journey": "p 1", "events": []}') is None
    assert line('{"journey": 7, "events": []}') is None
    assert line('["p-1"]') is None
    assert line('{"journey": "p-1",') is None
    jsonl = tmp_path / "j.jsonl"
    jsonl.write_text('{"journey": "j-9"}\n{"at": "nope"}\n')
    assert id_of(Item(str(jsonl), path=str(jsonl))) == "j-9"
    broken = tmp_path / "j.yaml"
    broken.write_text("journey: [unclosed\n")
    assert id_of(Item(str(broken), path=str(broken))) is None


def test_a_pending_trail_that_cannot_be_written_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    from pathway.cohort.store import write_pending
    from pathway.errors import UsageError

    blocker = tmp_path / "trails"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(UsageError, match=r"cannot write the trail to .*\.pending: Not a directory"):
        write_pending(blocker / ".j.0-0.pending", b"{}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trails"]


def test_a_cohort_json_that_is_not_json_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, _ = _cohort(tmp_path)
    out = tmp_path / "out"
    main([*RUN, str(source), "--out", str(out)])
    (out / "cohort.json").write_text('{"format": ')
    capsys.readouterr()
    assert main([*RUN, str(source), "--out", str(out), "--resume"]) == 2
    assert main(["cohort", "verify", str(out), "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count(f"cannot read {out / 'cohort.json'}: Expecting value: line 1 column 12") == 2
    (out / "cohort.json").unlink()
    assert main([*RUN, str(source), "--out", str(out), "--resume"]) == 1
