"""The floor of a cohort run, part by part, in microseconds per input event: reading and checking each journey's
NDJSON line (``check_line``; ``journey_from_data`` from data alone), sealing again every record its run produced
(``seal_line``: serialise and hash), and writing each trail as a cohort's worker does (its pending file, renamed).
With ``--base`` it measures another checkout the same way, alternating the two in separate processes (the machine
is shared: a side measured while the other rests), and shows the least of each side's rounds.

    .venv/bin/python bench/bench_floor.py [--journeys 100] [--events 20] [--rounds 5] [--base ../main]

Run from the project root (each side from its own root). The cohort is the same on every side and round
(bench/cohort.py, fixed seed); the trails are the compiled engine's.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PARTS = ("read", "parse", "seal", "write", "floor")


class Floor:
    """The cohort, its NDJSON lines and the compiled engine's trails, and each part of the floor over them."""

    def __init__(self, journeys: int, events: int) -> None:
        sys.path.insert(0, str(Path.cwd()))
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from cohort import cohort

        from pathway.cohort.inputs import check_line
        from pathway.cohort.store import trail_bytes, write_pending
        from pathway.definition.loader import load_analysis
        from pathway.engine.engines import engine_for
        from pathway.engine.execute import run_records
        from pathway.journey.check import journey_from_data
        from pathway.trail.io import seal_line

        self.check_line, self.journey_from_data, self.seal_line = check_line, journey_from_data, seal_line
        self.trail_bytes, self.write_pending = trail_bytes, write_pending
        self.analysis = load_analysis("definitions/bipn/pathway.yaml")
        self.data = cohort(self.analysis, journeys, events)
        self.lines = [json.dumps(d, ensure_ascii=False, separators=(",", ":")) for d in self.data]
        engine = engine_for(self.analysis, "compiled")
        self.trails = [run_records(self.analysis, engine, journey_from_data(d, self.analysis)) for d in self.data]
        self.count = sum(len(d["events"]) for d in self.data)
        self.sealed: list[list[str]] = []

    def read(self) -> None:
        for n, line in enumerate(self.lines):
            self.check_line("cohort.ndjson", n + 1, line, self.analysis)

    def parse(self) -> None:
        for d in self.data:
            self.journey_from_data(d, self.analysis)

    def seal(self) -> None:
        self.sealed = [[self.seal_line(r)[1] for r in records] for records in self.trails]

    def write(self, folder: Path) -> None:
        for n, (records, kept) in enumerate(zip(self.trails, self.sealed, strict=True)):
            pending = folder / f".{n}.pending"
            self.write_pending(pending, self.trail_bytes(records, kept))
            os.replace(pending, folder / f"{n}.jsonl")

    def timed(self, part: Callable[[], None]) -> float:
        gc.collect()  # each part starts with no garbage of the ones before it to collect
        start = time.perf_counter()
        part()
        return (time.perf_counter() - start) / self.count * 1e6


def measure(journeys: int, events: int) -> dict[str, float]:
    """One measurement of each part (after a warm-up), in microseconds per input event."""
    floor = Floor(journeys, events)
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        parts = {"read": floor.read, "parse": floor.parse, "seal": floor.seal, "write": lambda: floor.write(Path(tmp))}
        for part in parts.values():
            part()  # warm-up
        figures = {name: floor.timed(part) for name, part in parts.items()}
    figures["floor"] = figures["read"] + figures["seal"] + figures["write"]
    return figures


def child(root: Path, journeys: int, events: int) -> dict[str, float]:
    """One measurement in a process of its own, run from ``root`` (its ``pathway`` package)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--journeys", str(journeys)]
    command += ["--events", str(events)]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=True)
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=100)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--base", type=Path, help="another checkout to compare with (its root)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.journeys, args.events)))
        return
    sides = {"this tree": Path.cwd(), **({"base": args.base.resolve()} if args.base else {})}
    rounds: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
    for _ in range(args.rounds):
        for side, root in sides.items():
            rounds[side].append(child(root, args.journeys, args.events))
    print(f"bipn, {args.journeys} journeys of {args.events} events, least of {args.rounds} rounds (us/event)")
    print(f"{'part':8s}" + "".join(f"{side:>12s}" for side in sides))
    for part in PARTS:
        print(f"{part:8s}" + "".join(f"{min(r[part] for r in rounds[side]):12.1f}" for side in sides))


if __name__ == "__main__":
    main()
