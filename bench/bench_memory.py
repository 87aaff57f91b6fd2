"""The memory of `pathway cohort run` against the cohort's size, and what a trail write costs with and without its
own fsync. Run by hand from the project root; paste the tables into docs/performance.md.

    .venv/bin/python bench/bench_memory.py rss 10000 30000 100000 [--events 5] [--pathway bipn] [--jobs 1]
    .venv/bin/python bench/bench_memory.py writes [--trails 300] [--events 20] [--runs 5]
    .venv/bin/python bench/bench_memory.py coordinator 100000 1000000 [--failing 10]
    .venv/bin/python bench/bench_memory.py tables 10000 100000 1000000

``rss``: for each size, a generated NDJSON cohort (`pathway cohort generate`'s generator, fixed seed; short
journeys so that it is quick) run by `pathway cohort run --store shards` in a process of its own; the peak resident
memory is the largest of the command's processes (each one's own peak, as `getrusage(RUSAGE_CHILDREN)` reports
it), so with ``--jobs 1`` it is the coordinating process, which also runs the journeys. The inputs and the output
folder live in a temporary folder (``--tmp`` to choose where), removed after each size.

``writes``: the trails of a generated cohort written by ``write_trail`` (their lines kept, as a cohort run does),
durable (each file fsynced before its rename: ``pathway run --trail``, and a cohort's workers before) and not, and
by ``write_pending`` (a cohort's workers now: made durable once at the end of the run); microseconds per trail,
median of ``--runs``, into a folder that holds ``--held`` trails already (a cohort's ``trails/`` fills up as it
runs), and the ``os.sync()`` a cohort run adds once.

``coordinator``: what the coordinating process keeps per journey, alone, at sizes a real run would take hours to
reach: its bookkeeping (``pathway.cohort.run._Collector``) takes batches of 200 outcomes as a run's would (a
journey kept by ``--resume``, so no trail is written; one in ``--failing`` a failure with a diagnostic, one in a
thousand an id used twice), then reads the journeys back in the tables' order; peak RSS of a process of its own.

``tables``: the other half of the coordinating process, the tables' build, alone, at sizes a real run would take
hours to reach: a real shard of 200 journeys (``--pathway``, ``--events``) hard-linked as every shard of a cohort of
the given size (the same trails under new ids: the tables do not check the chains), then ``journeys.parquet``,
``records.parquet`` and the index built from it as ``cohort run --jobs 1`` builds them; peak RSS of a process of
its own. It writes the tables: about 1.5 GB at a million journeys of 5 events.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pathway.cohort.generate import journeys, write_ndjson
from pathway.definition.loader import load_analysis

if TYPE_CHECKING:
    from pathway.engine.runner import RunResult

_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, code)\n"
)


def cohort_run(ndjson: Path, out: Path, pathway: str, *options: str) -> tuple[float, float, int]:
    """Wall seconds of `pathway cohort run` in a process of its own, the peak RSS (MB) of the largest of its
    processes, and its exit code (1 is fine: a generated journey may end in a run that is not ok)."""
    command = [sys.executable, "-m", "pathway", "cohort", "run", str(ndjson), "--pathway", pathway]
    command += ["--out", str(out), *options]
    done = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True)
    seconds, peak, code = done.stdout.split()
    if code not in ("0", "1"):
        raise SystemExit(f"pathway cohort run exited {code}")
    return float(seconds), float(peak), int(code)


def rss(args: argparse.Namespace) -> None:
    analysis = load_analysis(f"definitions/{args.pathway}/pathway.yaml")
    options = ["--jobs", str(args.jobs), "--store", args.store]
    print(f"pathway cohort run {' '.join(options)}, {args.pathway}, {args.events} events a journey\n")
    print("| journeys | wall s | journeys/s | peak RSS MB |")
    print("|---:|---:|---:|---:|")
    for size in args.sizes:
        with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
            ndjson = Path(tmp) / "cohort.ndjson"
            write_ndjson(ndjson, analysis, size, events=args.events, seed=args.seed)
            seconds, peak, _ = cohort_run(ndjson, Path(tmp) / "out", args.pathway, *options)
        print(f"| {size:,} | {seconds:,.1f} | {size / seconds:,.0f} | {peak:,.0f} |", flush=True)


def writes(args: argparse.Namespace) -> None:
    from pathway.cohort.store import trail_bytes, write_pending
    from pathway.engine.runner import Runner
    from pathway.journey.check import journey_from_data
    from pathway.trail.io import write_trail

    analysis = load_analysis(f"definitions/{args.pathway}/pathway.yaml")
    runner = Runner(analysis, engine="compiled")
    results = [runner.run(journey_from_data(j, analysis)) for j in journeys(analysis, args.trails, args.events)]
    print(f"{args.trails} trails of {args.pathway}, {args.events} events a journey, median of {args.runs} runs,")
    print(f"into a folder holding {args.held:,} trails already\n")
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        folder = Path(tmp)
        for n in range(args.held):
            (folder / f"held-{n:07d}.jsonl").touch()
        runs = iter(range(1_000_000))

        def once(write: Callable[[Path, RunResult], None]) -> float:
            """New names each run, removed after it: a cohort's trails are new files (renaming over an existing file
            makes ext4 flush the new one first, which would hide what the fsync costs)."""
            run = next(runs)
            paths = [folder / f".r{run}-{n}.jsonl" for n in range(len(results))]
            start = time.perf_counter()
            for path, result in zip(paths, results, strict=True):
                write(path, result)
            cost = (time.perf_counter() - start) / len(results) * 1e6
            for path in paths:  # the folder holds ``held`` trails at the start of every run
                path.unlink()
            return cost

        ways: dict[str, Callable[[Path, RunResult], None]] = {
            "write_trail, durable (each file fsynced: the cohort's workers before)": lambda path, r: write_trail(
                path, r.records, lines=r.lines
            ),
            "write_trail, durable=False": lambda path, r: write_trail(path, r.records, lines=r.lines, durable=False),
            "write_pending (the cohort's workers now: no fsync, no look for stale files)": lambda path, r: (
                write_pending(path, trail_bytes(r.records, r.lines))
            ),
        }
        once(next(iter(ways.values())))
        costs = {name: statistics.median(once(way) for _ in range(args.runs)) for name, way in ways.items()}
        start = time.perf_counter()
        os.sync()
        synced = (time.perf_counter() - start) * 1e3
    print("| write | us per trail |")
    print("|---|---:|")
    for name, cost in costs.items():
        print(f"| {name} | {cost:,.0f} |")
    print(f"\nos.sync() after the last of them: {synced:,.1f} ms")


_COORDINATOR = """
import resource, sys, tempfile, time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from pathway.cohort.inputs import Item
from pathway.cohort.run import _Collector
from pathway.cohort.work import Batch, Outcome
from pathway.diagnostics import Diagnostic
from pathway.diagnostics.codes import Code

size, failing = int(sys.argv[1]), int(sys.argv[2])
bad = (Diagnostic(code=Code.PW430, message="line is not valid JSON", file="cohort.ndjson", line=1, column=1),)
with tempfile.TemporaryDirectory(dir=sys.argv[3] if len(sys.argv) > 3 else None) as tmp:
    out = Path(tmp)
    (out / "trails").mkdir()
    start = time.perf_counter()
    collector = _Collector(out, 1, "files")
    for batch in range(0, size, 200):
        items = tuple(Item("cohort.ndjson", n + 1, "{}") for n in range(batch, min(batch + 200, size)))
        outcomes = [
            Outcome(diagnostics=bad) if item.line % failing == 0
            else Outcome(f"journey-{item.line // 1000 if item.line % 1000 == 1 else item.line:07d}", kept=True)
            for item in items
        ]
        collector.take(Batch(batch // 200, items), outcomes)
    ledger = getattr(collector, "ledger", None)  # before the ledger: collector.entries()
    read = sum(1 for _ in (ledger.entries(False) if ledger is not None else collector.entries()))
    if ledger is not None:
        collector.failures.finish()
        collector.close()
    seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, read)
"""


_TABLES = """
import os, resource, sys, tempfile, time
from pathlib import Path
import pyarrow.parquet as pq
from pathway.cohort.ledger import Ledger
from pathway.cohort.parallel import InProcess
from pathway.cohort.run import build_tables
from pathway.cohort.store import shard_name

seed, size = Path(sys.argv[1]), int(sys.argv[2])
index = pq.read_table(seed / "trails" / "index.parquet").to_pylist()
with tempfile.TemporaryDirectory(dir=seed.parent) as tmp:
    out = Path(tmp)
    (out / "trails").mkdir()
    ledger = Ledger(out)
    ledger.begin()
    for batch in range(size // len(index)):
        os.link(seed / "trails" / shard_name(0), out / "trails" / shard_name(batch))
        for row in index:
            ledger.add(f"{row['journey']}-{batch:06d}", "cohort.ndjson", 1, batch, row["offset"], row["length"])
    ledger.commit()
    start = time.perf_counter()
    ok = build_tables(InProcess(), out, ledger.entries(True), 2, True)
    seconds = time.perf_counter() - start
    ledger.close()
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, ok)
"""


def tables(args: argparse.Namespace) -> None:
    from pathway.cohort.parallel import InProcess
    from pathway.cohort.run import run_cohort

    analysis = load_analysis(f"definitions/{args.pathway}/pathway.yaml")
    print(f"the tables' build alone, {args.pathway}, {args.events} events a journey\n")
    print("| journeys | s | peak RSS MB |")
    print("|---:|---:|---:|")
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        seed = Path(tmp) / "seed"
        write_ndjson(Path(tmp) / "seed.ndjson", analysis, 200, events=args.events)
        run_cohort([Path(tmp) / "seed.ndjson"], analysis, seed, InProcess(), store="shards")
        for size in args.sizes:
            command = [sys.executable, "-c", _TABLES, str(seed), str(size)]
            seconds, peak, _ = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
            print(f"| {size:,} | {float(seconds):,.1f} | {float(peak):,.0f} |", flush=True)


def coordinator(args: argparse.Namespace) -> None:
    print(f"the coordinating process's bookkeeping alone, one journey in {args.failing} failing\n")
    print("| journeys | s | peak RSS MB |")
    print("|---:|---:|---:|")
    for size in args.sizes:
        command = [sys.executable, "-c", _COORDINATOR, str(size), str(args.failing), *([args.tmp] if args.tmp else [])]
        seconds, peak, _ = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
        print(f"| {size:,} | {float(seconds):,.1f} | {float(peak):,.0f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pathway", default="bipn", help="a folder of definitions/ (default: bipn)")
    parser.add_argument("--tmp", default=None, help="where the temporary folders go (default: the system's)")
    commands = parser.add_subparsers(dest="command", required=True)
    sizes = commands.add_parser("rss", help="peak RSS of `pathway cohort run` per cohort size")
    sizes.add_argument("sizes", type=int, nargs="+", help="numbers of journeys")
    sizes.add_argument("--events", type=int, default=5)
    sizes.add_argument("--seed", type=int, default=2026)
    sizes.add_argument("--jobs", type=int, default=1)
    sizes.add_argument("--store", default="shards", choices=("files", "shards"))
    cost = commands.add_parser("writes", help="write_trail with and without its own fsync")
    cost.add_argument("--trails", type=int, default=300)
    cost.add_argument("--events", type=int, default=20)
    cost.add_argument("--runs", type=int, default=5)
    cost.add_argument("--held", type=int, default=0, help="trails the folder holds already (default: 0)")
    book = commands.add_parser("coordinator", help="peak RSS of the coordinating process's bookkeeping alone")
    book.add_argument("sizes", type=int, nargs="+", help="numbers of journeys")
    book.add_argument("--failing", type=int, default=10, help="one journey in this many fails (default: 10)")
    build = commands.add_parser("tables", help="peak RSS of the tables' build alone")
    build.add_argument("sizes", type=int, nargs="+", help="numbers of journeys (multiples of 200)")
    build.add_argument("--events", type=int, default=5)
    args = parser.parse_args()
    {"rss": rss, "writes": writes, "coordinator": coordinator, "tables": tables}[args.command](args)


if __name__ == "__main__":
    main()
