"""The memory of `pathway cohort run` against the cohort's size, and what a trail write costs with and without its
own fsync. Run by hand from the project root; paste the tables into docs/performance.md.

    .venv/bin/python bench/bench_memory.py rss 10000 30000 100000 [--events 5] [--pathway bipn] [--jobs 1]
    .venv/bin/python bench/bench_memory.py writes [--trails 300] [--events 20] [--runs 5]

``rss``: for each size, a generated NDJSON cohort (`pathway cohort generate`'s generator, fixed seed; short
journeys so that it is quick) run by `pathway cohort run --store shards` in a process of its own; the peak resident
memory is the largest of the command's processes (each one's own peak, as `getrusage(RUSAGE_CHILDREN)` reports
it), so with ``--jobs 1`` it is the coordinating process, which also runs the journeys. The inputs and the output
folder live in a temporary folder (``--tmp`` to choose where), removed after each size.

``writes``: the trails of a generated cohort written by ``write_trail`` (their lines kept, as a cohort run does),
durable (each file fsynced before its rename: ``pathway run --trail``) and not (a cohort run's trails, made durable
once at the end); microseconds per trail, median of ``--runs``, and the ``os.sync()`` a cohort run adds once.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pathway.cohort.generate import journeys, write_ndjson
from pathway.definition.loader import load_analysis

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
    from pathway.engine.runner import Runner
    from pathway.journey.check import journey_from_data
    from pathway.trail.io import write_trail

    analysis = load_analysis(f"definitions/{args.pathway}/pathway.yaml")
    runner = Runner(analysis, engine="compiled")
    results = [runner.run(journey_from_data(j, analysis)) for j in journeys(analysis, args.trails, args.events)]
    print(f"{args.trails} trails of {args.pathway}, {args.events} events a journey, median of {args.runs} runs\n")
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        folder = Path(tmp)

        def once(durable: bool) -> float:
            start = time.perf_counter()
            for n, result in enumerate(results):
                write_trail(folder / f"{n}.jsonl", result.records, lines=result.lines, durable=durable)
            return (time.perf_counter() - start) / len(results) * 1e6

        once(True)
        durable = statistics.median(once(True) for _ in range(args.runs))
        loose = statistics.median(once(False) for _ in range(args.runs))
        start = time.perf_counter()
        os.sync()
        synced = (time.perf_counter() - start) * 1e3
    print("| write_trail | us per trail |")
    print("|---|---:|")
    print(f"| durable=True (fsync each file) | {durable:,.0f} |")
    print(f"| durable=False | {loose:,.0f} |")
    print(f"\nos.sync() after the last batch of {args.trails} trails: {synced:,.1f} ms")


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
    args = parser.parse_args()
    rss(args) if args.command == "rss" else writes(args)


if __name__ == "__main__":
    main()
