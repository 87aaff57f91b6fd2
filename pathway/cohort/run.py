"""``pathway cohort run``: every journey of the inputs through one pathway, in batches on an executor, then the tables.

The coordinating process reads the inputs as a stream and cuts them into batches of :data:`BATCH` journeys, numbered
in input order; workers check and run each journey and write its trail as a pending file
(:mod:`pathway.cohort.work`); the results come back in batch order and each trail is put in place, unless its
journey id was already used (PW431). A journey that does not check is a failure listed in ``cohort.json`` with its
diagnostics; the rest still runs. Then the tables are built from the trails (:mod:`pathway.cohort.tables`), and
``cohort.json`` (what the cohort is: the same however it was run) and ``timing.json`` (how this run went) written.
An interrupted run leaves complete trails only: pending trails and temporary tables are removed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from pathlib import Path

from pathway.cohort.inputs import Item, count_inputs, read_inputs
from pathway.cohort.parallel import batched, ordered, stop
from pathway.cohort.progress import Progress
from pathway.cohort.report import CohortResult, Counts, Failure, duplicate
from pathway.cohort.store import clear_pending, commit, discard, trails_dir
from pathway.cohort.tables import CHUNK, JOURNEYS, RECORDS, TableWriter, arrow, chunk_tables, schemas
from pathway.cohort.work import Batch, Outcome, Plan, run_batch
from pathway.definition.analysis import Analysis
from pathway.definition.canonical import canonical_json, sha256_of
from pathway.engine.runner import Runner
from pathway.errors import UsageError
from pathway.source.files import display_path

BATCH = 200
"""Journeys per batch sent to a worker: large enough that shipping a batch costs little against running it, small
enough to keep every worker busy until the end. Fixed, so that nothing written depends on ``--jobs``."""


class _Collector:
    """What the coordinating process keeps of the outcomes: every journey id with where it came from (for the
    tables and for PW431), the failures in input order, and how many journeys each input held."""

    def __init__(self, out: Path, inputs: int) -> None:
        self.out = out
        self.seen: dict[str, tuple[int, int]] = {}  # id -> (source index, line): small per journey
        self.names: list[str] = []
        self.index: dict[str, int] = {}
        self.failures: list[Failure] = []
        self.per_input = [0] * inputs
        self.ran = self.kept = self.runs_not_ok = 0

    def take(self, outcome: Outcome) -> None:
        item = outcome.item
        if item.source not in self.index:
            self.index[item.source] = len(self.names)
            self.names.append(item.source)
        self.per_input[item.origin] += 1
        pending = trails_dir(self.out) / outcome.pending if outcome.pending else None
        if outcome.journey is None:
            self.failures.append(Failure(item.source, item.line, None, outcome.diagnostics))
        elif outcome.journey in self.seen:
            source, line = self.seen[outcome.journey]
            first = self.names[source] + (f":{line}" if item.text is not None else "")
            self.failures.append(Failure(item.source, item.line, outcome.journey, (duplicate(item, first),)))
            if pending is not None:
                discard(pending)
        else:
            self.seen[outcome.journey] = (self.index[item.source], item.line)
            if pending is not None:
                commit(pending, outcome.journey, self.out)
            self.ran += pending is not None
            self.kept += pending is None

    def entries(self) -> list[tuple[str, str, int]]:
        return [(j, self.names[s], line) for j, (s, line) in sorted(self.seen.items())]


def prepare(out: Path, resume: bool) -> None:
    """The output folder: new or empty; with ``resume``, the folder of the cohort to continue (leftovers of an
    interrupted run removed)."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{display_path(out)} is not a folder", parameter="out")
    if out.is_dir() and any(out.iterdir()) and not resume:
        raise UsageError(
            f"{display_path(out)} is not empty: pass --resume to continue the cohort there, or choose another folder",
            parameter="out",
        )
    trails_dir(out).mkdir(parents=True, exist_ok=True)
    clear_pending(out)


def run_cohort(
    inputs: Sequence[str | Path],
    analysis: Analysis,
    out: str | Path,
    executor: Executor,
    *,
    workers: int = 1,
    engine: str = "reference",
    resume: bool = False,
    scheduler: str = "processes",
) -> CohortResult:
    """Run the cohort on ``executor`` (``workers`` of them: two batches in flight per worker) and write its folder.
    Raises UsageError for inputs that are not folders or NDJSON files and for a folder that is not empty (without
    ``resume``), before running anything."""
    arrow()  # pyarrow is needed for the tables: say so before running anything
    _check_engine(analysis, engine)
    started = time.monotonic()
    folder = Path(out)
    items = read_inputs(inputs)  # checks the inputs before the folder is touched
    first = next(items, None)
    prepare(folder, resume)
    pathway = analysis.pathway
    sha = sha256_of(pathway)
    plan = Plan(canonical_json(pathway), sha, engine, str(folder), resume)
    collector = _Collector(folder, len(inputs))
    window = max(2, 2 * workers)
    stream = items if first is None else _chain(first, items)
    try:
        with Progress(lambda: count_inputs(inputs), "journeys") as progress:
            batches = ((plan, Batch(n, chunk)) for n, chunk in enumerate(batched(stream, BATCH)))
            for outcomes in ordered(executor, run_batch, batches, window):
                for outcome in outcomes:
                    collector.take(outcome)
                progress.advance(len(outcomes))
        ok = build_tables(executor, folder, collector.entries(), window)
    except BaseException:  # Ctrl-C above all: stop the workers first, then remove what they left
        stop(executor)
        clear_pending(folder)
        raise
    seconds = time.monotonic() - started
    counts = Counts(sum(collector.per_input), len(collector.seen), ok, len(collector.failures))
    result = CohortResult(
        out=display_path(folder),
        pathway=pathway,
        sha256=sha,
        engine=engine,
        inputs=tuple((display_path(Path(i)), n) for i, n in zip(inputs, collector.per_input, strict=True)),
        counts=counts,
        failures=tuple(collector.failures),
        ran=collector.ran,
        kept=collector.kept,
        seconds=seconds,
        workers=workers,
        scheduler=scheduler,
    )
    result.write(folder)
    return result


def _check_engine(analysis: Analysis, engine: str) -> None:
    try:
        Runner(analysis, engine=engine)
    except ValueError as error:
        raise UsageError(str(error), parameter="engine") from None


def _chain(first: Item, rest: Iterator[Item]) -> Iterator[Item]:
    yield first
    yield from rest


def build_tables(executor: Executor, out: Path, entries: list[tuple[str, str, int]], window: int) -> int:
    """journeys.parquet and records.parquet from the trails, in journey id order, each written atomically; returns
    how many of the journeys ran ok."""
    ok = 0
    j_schema, r_schema = schemas()
    journeys, records = TableWriter(out / JOURNEYS, j_schema), TableWriter(out / RECORDS, r_schema)
    try:
        chunks = ((str(out), chunk) for chunk in batched(entries, CHUNK))
        for j, r in ordered(executor, chunk_tables, chunks, window):
            journeys.add(j)
            records.add(r)
            ok += sum(j.column("ok").to_pylist())
    except BaseException:
        journeys.abandon()
        records.abandon()
        raise
    journeys.close()
    records.close()
    return ok
