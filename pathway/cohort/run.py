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
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor
from pathlib import Path

from pathway.cohort.inputs import Item, count_inputs, read_inputs
from pathway.cohort.ledger import Failures, Ledger
from pathway.cohort.parallel import batched, ordered, stop
from pathway.cohort.progress import Progress
from pathway.cohort.report import COHORT, CohortResult, Counts, Failure, duplicate, read_json
from pathway.cohort.store import (
    INDEX,
    STORES,
    clear_pending,
    commit,
    discard,
    shard_name,
    sync,
    trails_dir,
    write_atomic,
)
from pathway.cohort.tables import (
    CHUNK,
    JOURNEYS,
    RECORDS,
    Entry,
    TableWriter,
    arrow,
    chunk_tables,
    index_rows,
    index_schema,
    schemas,
)
from pathway.cohort.work import Batch, Outcome, Plan, run_batch
from pathway.definition.analysis import Analysis
from pathway.definition.canonical import ordered_json, sha256_of
from pathway.engine.engines import ENGINES
from pathway.errors import UsageError
from pathway.source.files import display_path

BATCH = 200
"""Journeys per batch sent to a worker: large enough that shipping a batch costs little against running it, small
enough to keep every worker busy until the end. Fixed, so that nothing written depends on ``--jobs``."""


class _Collector:
    """What the coordinating process keeps of the outcomes, none of it growing with the cohort in memory: the
    journeys in a :class:`Ledger` on disk (for PW431 and the tables), the failures in input order
    (:class:`Failures`: the first ones in memory, every one on disk past them), and how many journeys each input
    held."""

    def __init__(self, out: Path, inputs: int, store: str) -> None:
        self.out, self.store = out, store
        self.ledger = Ledger(out)
        self.failures = Failures(out)
        self.per_input = [0] * inputs
        self.ran = self.kept = 0

    def take(self, batch: Batch, outcomes: list[Outcome]) -> None:
        shard = bytearray()
        self.ledger.begin()
        for item, outcome in zip(batch.items, outcomes, strict=True):
            self._take(batch.index, item, outcome, shard)
        self.ledger.commit()
        if self.store == "shards":
            path = trails_dir(self.out) / shard_name(batch.index)
            if shard:
                write_atomic(path, bytes(shard), durable=False)  # made durable with the rest: sync()
            else:
                discard(path)

    def _take(self, batch: int, item: Item, outcome: Outcome, shard: bytearray) -> None:
        self.per_input[item.origin] += 1
        pending = trails_dir(self.out) / outcome.pending if outcome.pending else None
        if outcome.journey is None:
            self.failures.add(Failure(item.source, item.line, outcome.named, outcome.diagnostics))
            return
        first = self.ledger.first(outcome.journey)
        if first is not None:
            where = first[0] + (f":{first[1]}" if item.text is not None else "")
            self.failures.add(Failure(item.source, item.line, outcome.journey, (duplicate(item, where),)))
            if pending is not None:
                discard(pending)
            return
        trail = outcome.trail or b""
        self.ledger.add(outcome.journey, item.source, item.line, batch, len(shard), len(trail))
        shard += trail
        if pending is not None:
            commit(pending, outcome.journey, self.out)
        self.kept += outcome.kept
        self.ran += not outcome.kept

    def close(self) -> None:
        """Remove the scratch files (the ledger, and the failures' when they were not put in place)."""
        self.ledger.close()
        self.failures.abandon()


def prepare(out: Path, resume: bool, store: str) -> None:
    """The output folder: new or empty; with ``resume``, the folder of the cohort to continue, in the same store
    (leftovers of an interrupted run removed)."""
    if store not in STORES:
        raise UsageError(f"expected one of {', '.join(STORES)}, got {store!r}", parameter="store")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{display_path(out)} is not a folder", parameter="out")
    if out.is_dir() and any(out.iterdir()) and not resume:
        raise UsageError(
            f"{display_path(out)} is not empty: pass --resume to continue the cohort there, or choose another folder",
            parameter="out",
        )
    before = out / COHORT
    if resume and before.is_file():
        stored = read_json(before).get("store")
        if stored != store:
            raise UsageError(f"the cohort in {display_path(out)} keeps its trails as {stored}", parameter="store")
    trails_dir(out).mkdir(parents=True, exist_ok=True)
    clear_pending(out)


def run_cohort(
    inputs: Sequence[str | Path],
    analysis: Analysis,
    out: str | Path,
    executor: Executor,
    *,
    workers: int = 1,
    engine: str = "compiled",
    resume: bool = False,
    scheduler: str = "processes",
    store: str = "files",
) -> CohortResult:
    """Run the cohort on ``executor`` (``workers`` of them: two batches in flight per worker) and write its folder,
    trails in ``store`` (``files`` or ``shards``). Raises UsageError for inputs that are not folders or NDJSON files,
    for a folder that is not empty (without ``resume``) and for an engine that is not available, before running
    anything."""
    arrow()  # pyarrow is needed for the tables: say so before running anything
    _check_engine(engine)
    started = time.monotonic()
    folder = Path(out)
    items = read_inputs(inputs)
    first = next(items, None)  # the inputs are checked before the folder is touched
    prepare(folder, resume, store)
    sha = sha256_of(analysis.pathway)
    plan = Plan(ordered_json(analysis.pathway), sha, engine, str(folder.resolve()), resume, store)
    collector = _Collector(folder, len(inputs), store)
    window = max(2, 2 * workers)
    try:
        with Progress(lambda: count_inputs(inputs), "journeys") as progress:
            stream = items if first is None else _chain(first, items)
            batches = ((plan, Batch(n, chunk)) for n, chunk in enumerate(batched(stream, BATCH)))
            for (_, batch), outcomes in ordered(executor, run_batch, batches, window):
                collector.take(batch, outcomes)
                progress.advance(len(outcomes))
        ok = build_tables(executor, folder, collector.ledger.entries(store == "shards"), window, store == "shards")
        collector.failures.finish()
        collector.close()  # the scratch files need not reach the disk
        sync(folder)  # every trail, shard and table on disk before cohort.json says the cohort is whole
    except BaseException:  # Ctrl-C above all: stop the workers first, then remove what they left
        stop(executor)
        clear_pending(folder)
        raise
    finally:
        collector.close()
    failures = collector.failures
    result = CohortResult(
        out=display_path(folder),
        pathway=analysis.pathway,
        sha256=sha,
        engine=engine,
        store=store,
        inputs=tuple((display_path(Path(i)), n) for i, n in zip(inputs, collector.per_input, strict=True)),
        counts=Counts(sum(collector.per_input), collector.ledger.count, ok, failures.count),
        failures=tuple(failures.listed),
        ran=collector.ran,
        kept=collector.kept,
        seconds=time.monotonic() - started,
        workers=workers,
        scheduler=scheduler,
        failures_file=failures.file,
    )
    result.write(folder)
    return result


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; the engines are {', '.join(ENGINES)}", parameter="engine")


def _chain(first: Item, rest: Iterator[Item]) -> Iterator[Item]:
    yield first
    yield from rest


def build_tables(executor: Executor, out: Path, entries: Iterable[Entry], window: int, shards: bool) -> int:
    """journeys.parquet and records.parquet from the trails (and the shard store's index), in journey id order,
    each written atomically; returns how many of the journeys ran ok."""
    ok = 0
    j_schema, r_schema = schemas()
    writers = [TableWriter(out / JOURNEYS, j_schema), TableWriter(out / RECORDS, r_schema)]
    if shards:
        writers.append(TableWriter(trails_dir(out) / INDEX, index_schema()))
    try:
        chunks = ((str(out.resolve()), chunk) for chunk in batched(entries, CHUNK))
        for (_, chunk), (j, r) in ordered(executor, chunk_tables, chunks, window):
            writers[0].add(j)
            writers[1].add(r)
            if shards:
                writers[2].add(index_rows(chunk, j))
            ok += sum(j.column("ok").to_pylist())
    except BaseException:
        for writer in writers:
            writer.abandon()
        raise
    for writer in writers:
        writer.close()
    return ok
