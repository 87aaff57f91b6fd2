"""The compiled engine beside the reference engine, in one run: decisions alone, whole runs, whole runs writing
trails, and the floor (reading the journeys and writing the same trails with no decisions at all); then whole
cohort runs through `pathway cohort run` on one process, on `--jobs 2` and on a local Dask cluster of two workers
(parallel efficiency), and the peak memory of cohorts of two sizes; and, just before and just after those cohort
runs, the machine's own efficiency on two processes (two pure-Python loops), the ceiling for theirs on a shared
host. Run by hand from the project root; paste the tables into docs/performance.md.

    .venv/bin/python bench/bench_compiled.py [--journeys 300] [--events 20] [--runs 3] [--cohort 2000]

"Decisions" is the time inside the selection (guards evaluated, transitions chosen) and the configuration (a new
chart per journey, each transition applied, the active states and termination read), measured by wrapping the
engine's two parts; the rest of a run (the records, recommendations, wake-ups) is the same code on both engines.
"Cohort run" is what `pathway cohort run` does per journey on its file store (pathway/cohort/work.py): read the
journey's NDJSON line and check it (``check_line``), run it (``Runner.run``: the records, each sealed into its
canonical line as it is made) and write the trail from those lines as its workers do (the trail's pending file,
renamed into place; a cohort makes its files durable once at the end, not one by one); nothing is serialised twice.
"The floor" is the same with no decisions at all: read and check each line, seal again the records that journey's
run produced (serialise and hash each, by the cheapest correct path: ``seal_line``), and write them the same way.
Every figure is the median of ``--runs`` runs after a warm-up; the cohort is the same on every run (bench/cohort.py,
fixed seed). Before timing, both engines' trails are compared byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_memory import cohort_run  # noqa: E402
from cohort import cohort  # noqa: E402

from pathway.cohort.inputs import check_line  # noqa: E402
from pathway.cohort.store import trail_bytes, write_pending  # noqa: E402
from pathway.definition.analysis import Analysis  # noqa: E402
from pathway.definition.loader import load_analysis  # noqa: E402
from pathway.engine.engines import Engine, EngineName, Machine, Selector, engine_for  # noqa: E402
from pathway.engine.execute import run_records  # noqa: E402
from pathway.engine.runner import Runner  # noqa: E402
from pathway.journey.check import LoadedJourney, journey_from_data  # noqa: E402
from pathway.trail.io import canonical, seal_line  # noqa: E402
from pathway.trail.records import Record  # noqa: E402
from pathway.version import __version__, build  # noqa: E402

PATHWAYS = ("definitions/example/pathway.yaml", "definitions/bipn/pathway.yaml")


class Stopwatch:
    """Seconds spent inside the wrapped calls."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def time(self, fn: Callable[..., Any], *args: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.seconds += time.perf_counter() - start


class TimedMachine:
    def __init__(self, machine: Machine, watch: Stopwatch) -> None:
        self.machine, self.watch = machine, watch

    @property
    def terminated(self) -> bool:
        return bool(self.watch.time(lambda: self.machine.terminated))

    def active(self) -> frozenset[str]:
        return frozenset(self.watch.time(self.machine.active))

    def fire(self, transition: str) -> None:
        self.watch.time(self.machine.fire, transition)


class TimedEngine:
    """An engine whose selection and configuration are timed."""

    def __init__(self, engine: Engine, watch: Stopwatch) -> None:
        self.engine, self.watch, self.name = engine, watch, engine.name

    def machine(self) -> Machine:
        return TimedMachine(self.watch.time(self.engine.machine), self.watch)

    def selector(self) -> Selector:
        select = self.engine.selector()
        return lambda *args: self.watch.time(select, *args)


def median(action: Callable[[], float], runs: int) -> float:
    action()
    return statistics.median(action() for _ in range(runs))


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def decisions(analysis: Analysis, name: EngineName, journeys: Sequence[LoadedJourney]) -> float:
    watch = Stopwatch()
    engine = TimedEngine(engine_for(analysis, name), watch)
    for journey in journeys:
        run_records(analysis, engine, journey)
    return watch.seconds


def runs(analysis: Analysis, name: EngineName, journeys: Sequence[LoadedJourney]) -> None:
    engine = engine_for(analysis, name)
    for journey in journeys:
        run_records(analysis, engine, journey)


def ndjson(data: Sequence[dict[str, Any]]) -> list[str]:
    """The journeys as the lines of a cohort's NDJSON file."""
    return [json.dumps(journey, ensure_ascii=False) for journey in data]


def read(analysis: Analysis, n: int, line: str) -> LoadedJourney:
    """One NDJSON line read and checked as `pathway cohort run` reads it."""
    journey, found = check_line("<cohort>", n + 1, line, analysis)
    if journey is None:
        raise SystemExit(f"line {n + 1} of the bench cohort is not a valid journey: {found[0].message}")
    return journey


def runs_with_trails(analysis: Analysis, name: EngineName, lines: Sequence[str], folder: Path) -> None:
    """What `pathway cohort run` does per journey (its file store, pathway/cohort/work.py): read the NDJSON line and
    check it, run the journey, and write the lines the engine sealed as it went to the trail's pending file, renamed
    into place (``write_pending``, ``os.replace``; made durable once at the end of a run, not per trail): nothing is
    serialised twice."""
    runner = Runner(analysis, engine=name)
    for n, line in enumerate(lines):
        result = runner.run(read(analysis, n, line))
        _write(folder, n, trail_bytes(result.records, result.lines))


def _write(folder: Path, n: int, data: bytes) -> None:
    """A trail written as a cohort's worker and coordinator write it: its pending file, then renamed."""
    pending = folder / f".{n}.pending"
    write_pending(pending, data)
    os.replace(pending, folder / f"{n}.jsonl")


def floor(analysis: Analysis, lines: Sequence[str], trails: Sequence[list[Record]], folder: Path) -> None:
    """The floor: read each NDJSON line and check it, seal the records its run produced again (serialise and hash
    each: the cheapest correct path, :func:`pathway.trail.io.seal_line`), and write them as the cohort writes a trail;
    no decisions at all."""
    for n, (line, records) in enumerate(zip(lines, trails, strict=True)):
        read(analysis, n, line)
        _write(folder, n, trail_bytes(records, [seal_line(r)[1] for r in records]))


def check_identical(analysis: Analysis, journeys: Sequence[LoadedJourney]) -> list[list[Record]]:
    reference, compiled = engine_for(analysis, "reference"), engine_for(analysis, "compiled")
    trails = []
    for journey in journeys:
        left, right = run_records(analysis, reference, journey), run_records(analysis, compiled, journey)
        if [canonical(r) for r in left] != [canonical(r) for r in right]:
            raise SystemExit(f"{journey.id}: the engines' trails differ; run tests/test_compiled_engine.py")
        trails.append(left)
    return trails


def bench(path: str, size: int, events: int, repeat: int) -> list[tuple[str, str, str, str]]:
    analysis = load_analysis(path)
    data = cohort(analysis, size, events)
    journeys = [journey_from_data(j, analysis) for j in data]
    lines = ndjson(data)
    trails = check_identical(analysis, journeys)
    count = sum(len(j.inputs) for j in journeys)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        figures = {
            "decisions": {
                e: median(lambda e=e: decisions(analysis, e, journeys), repeat) for e in ("reference", "compiled")
            },
            "run": {
                e: median(lambda e=e: timed(lambda: runs(analysis, e, journeys)), repeat)
                for e in ("reference", "compiled")
            },
            "trails": {
                e: median(lambda e=e: timed(lambda: runs_with_trails(analysis, e, lines, folder)), repeat)
                for e in ("reference", "compiled")
            },
        }
        bottom = median(lambda: timed(lambda: floor(analysis, lines, trails, folder)), repeat)
    rows = []
    name = analysis.pathway.pathway
    for what, label in (
        ("decisions", "decisions only"),
        ("run", "whole run, records"),
        ("trails", "cohort run: read, run, write trail"),
    ):
        ref, comp = figures[what]["reference"], figures[what]["compiled"]
        rows.append(
            (
                f"{name}: {label}",
                f"{ref / count * 1e6:,.1f} / {comp / count * 1e6:,.1f}",
                f"{size / ref:,.0f} / {size / comp:,.0f}",
                f"{ref / comp:,.1f}x",
            )
        )
    compiled_trails = figures["trails"]["compiled"]
    rows.append(
        (
            f"{name}: floor (read, seal and write the same trails, no decisions)",
            f"{bottom / count * 1e6:,.1f}",
            f"{size / bottom:,.0f}",
            f"compiled cohort run = {compiled_trails / bottom:,.2f}x the floor",
        )
    )
    return rows


def cohort_cli(ndjson: Path, out: Path, *options: str) -> tuple[float, float]:
    """Wall seconds of `pathway cohort run` on bipn in a process of its own, and the peak resident memory (MB) of
    it and its workers (the largest of them: each process's own peak); the run must exit 0."""
    seconds, peak, code = cohort_run(ndjson, out, "bipn", *options)
    if code != 0:
        raise SystemExit(f"pathway cohort run {' '.join(options)} exited {code}")
    return seconds, peak


def _spin(n: int) -> int:
    """A pure-Python loop: CPU work that needs nothing from another process."""
    total = 0
    for i in range(n):
        total += i
    return total


def machine_efficiency(n: int = 5_000_000, runs: int = 3) -> float:
    """This machine's own parallel efficiency on two processes, now: two pure-Python loops one after the other in
    this process against the same two at once in a pool of two (started and warmed before timing), the best of
    ``runs``. The ceiling for the cohort runs' efficiency: on a shared host, two busy cores may not give twice the
    work of one."""
    import multiprocessing

    best = 0.0
    with multiprocessing.get_context("forkserver").Pool(2) as pool:
        pool.map(_spin, [1, 1])
        for _ in range(runs):
            serial = timed(lambda: (_spin(n), _spin(n)))
            parallel = timed(lambda: pool.map(_spin, [n, n]))
            best = max(best, serial / (2 * parallel))
    return best


def cohorts(size: int) -> list[tuple[str, str, str, str]]:
    """`pathway cohort run` on a generated bipn cohort: one process, two, Dask with two local workers; and a cohort
    five times larger on one process, for memory."""
    from pathway.cohort.generate import write_ndjson

    analysis = load_analysis("definitions/bipn/pathway.yaml")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small, large = folder / "small.ndjson", folder / "large.ndjson"
        write_ndjson(small, analysis, size)
        write_ndjson(large, analysis, size * 5)
        one, one_peak = cohort_cli(small, folder / "one", "--jobs", "1")
        two, two_peak = cohort_cli(small, folder / "two", "--jobs", "2")
        dask, dask_peak = cohort_cli(small, folder / "dask", "--dask", "local")
        big, big_peak = cohort_cli(large, folder / "big", "--jobs", "1", "--store", "shards")
    rows.append((f"{size:,} journeys, --jobs 1", f"{one:,.1f}", f"{size / one:,.0f}", "", f"{one_peak:,.0f}"))
    efficiency = one / (2 * two)
    rows.append(
        (f"{size:,} journeys, --jobs 2", f"{two:,.1f}", f"{size / two:,.0f}", f"{efficiency:.0%}", f"{two_peak:,.0f}")
    )
    efficiency = one / (2 * dask)
    rows.append(
        (
            f"{size:,} journeys, --dask local (2 workers)",
            f"{dask:,.1f}",
            f"{size / dask:,.0f}",
            f"{efficiency:.0%}",
            f"{dask_peak:,.0f}",
        )
    )
    rows.append(
        (
            f"{size * 5:,} journeys, --jobs 1, sharded store",
            f"{big:,.1f}",
            f"{size * 5 / big:,.0f}",
            "",
            f"{big_peak:,.0f}",
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--journeys", type=int, default=300)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cohort", type=int, default=2000, help="journeys of the cohort runs (0: skip them)")
    args = parser.parse_args()
    print(
        f"{args.journeys} journeys of {args.events} events per pathway, median of {args.runs} runs, one core; "
        f"pathway {__version__} ({build()})\n"
    )
    print("| measure | us/event reference / compiled | journeys/s reference / compiled | compiled speed-up |")
    print("|---|---:|---:|---:|")
    for path in PATHWAYS:
        for row in bench(path, args.journeys, args.events, args.runs):
            print("| " + " | ".join(row) + " |")
    if args.cohort:
        print(
            f"\n`pathway cohort run` (compiled engine), bipn, {args.events} events per journey, "
            f"{os.cpu_count()} cores\n"
        )
        before = machine_efficiency()
        rows = cohorts(args.cohort)
        after = machine_efficiency()
        print("| run | wall s | journeys/s | parallel efficiency | peak RSS MB (largest process) |")
        print("|---|---:|---:|---:|---:|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print(
            f"\nThis machine's own efficiency on two processes (two pure-Python loops at once against one after the "
            f"other, best of three), just before and just after those runs: {before:.0%} and {after:.0%}."
        )


if __name__ == "__main__":
    main()
