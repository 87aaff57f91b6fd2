"""Cost of running journeys, in process: the full engine (trail records and hashing included) beside a bare loop
that only decides, where the engine's time goes, and what a chart costs to compile and to instantiate. Run by
hand from the project root; paste the tables into docs/performance.md.

    .venv/bin/python bench/bench_engine.py [--journeys 1000] [--events 20] [--runs 3]

The cohort (bench/cohort.py) is generated from each pathway's fact dictionary with a fixed seed: the same
journeys on every run. Journeys are parsed once (``journey_from_data``) before the engine is timed; parsing is
timed on its own.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cohort import cohort  # noqa: E402

import pathway.engine.execute as engine_module  # noqa: E402
from pathway.definition.analysis import Analysis  # noqa: E402
from pathway.definition.constraints import assumed_values  # noqa: E402
from pathway.definition.loader import load_analysis  # noqa: E402
from pathway.engine.compile import CompiledChart, Machine, compile_chart  # noqa: E402
from pathway.engine.execute import MAX_MICROSTEPS  # noqa: E402
from pathway.engine.runner import Runner  # noqa: E402
from pathway.engine.selection import Clock, select  # noqa: E402
from pathway.expr import Scope  # noqa: E402
from pathway.expr.durations import later, parse_duration  # noqa: E402
from pathway.journey.check import LoadedJourney, journey_from_data  # noqa: E402
from pathway.trail.io import seal  # noqa: E402

PATHWAYS = ("definitions/example/pathway.yaml", "definitions/bipn/pathway.yaml")


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """Median wall time of ``action`` over ``runs`` runs, after one warm-up run."""
    action()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def each(action: Callable[[Any], object], items: Iterable[Any]) -> None:
    """Apply ``action`` to every item, keeping no result: a list of 1,000 trails alive would time the garbage
    collector walking them, not the engine."""
    for item in items:
        action(item)


# The bare baseline: the same decisions, a set of state ids for the configuration, no records --------------------


class Bare:
    """Decides like the engine (``selection.select`` over ``Scope``) but keeps the configuration as a plain set
    (SCXML entry and exit, as python-statemachine applies them) and writes nothing."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.index = analysis.index
        top = next(s for s, info in self.index.states.items() if info.parent is None and info.state.initial)
        self.start = frozenset(self.default(top))
        self.valid_for = {
            name: parse_duration(fact.valid_for)
            for name, fact in analysis.pathway.facts.items()
            if fact.valid_for is not None
        }

    def default(self, state: str) -> set[str]:
        """``state`` and what entering it enters by default: every region of a parallel state, else the
        initial child of a compound one."""
        info = self.index.states[state]
        children = info.children
        if info.state.parallel:
            return {state}.union(*(self.default(c) for c in children))
        initial = [c for c in children if self.index.states[c].state.initial]
        return {state} | (self.default(initial[0]) if initial else set())

    def entered(self, target: str, domain: str | None) -> set[str]:
        """What a transition into ``target`` enters below ``domain``: its ancestors, their other regions when they
        are parallel, the target and its default descendants."""
        line = [target]
        for ancestor in self.index.ancestors(target):
            if ancestor == domain:
                break
            line.append(ancestor)
        out = set(line) | self.default(target)
        for state in line[1:]:
            if self.index.states[state].state.parallel:
                for region in self.index.states[state].children:
                    if region not in line:
                        out |= self.default(region)
        return out

    def take(self, active: frozenset[str], source: str, target: str) -> frozenset[str]:
        source_line = {source, *self.index.ancestors(source)}
        domain = next((a for a in self.index.ancestors(target) if a in source_line and a != source), None)
        if domain is None:
            exited: frozenset[str] = active
        else:
            exited = frozenset(s for s in active if domain in set(self.index.ancestors(s)))
        return (active - exited) | self.entered(target, domain)

    def terminated(self, active: frozenset[str]) -> bool:
        return any(self.index.states[s].parent is None and self.index.states[s].state.final for s in active)

    def complete(
        self,
        active: frozenset[str],
        trigger: str | None,
        facts: dict[str, object],
        now: datetime,
        entered: dict[str, datetime],
    ) -> frozenset[str] | None:
        """Run to completion at ``now``; ``entered`` (state -> when it was entered) is kept up to date."""
        for _ in range(MAX_MICROSTEPS):
            if self.terminated(active):
                return active
            scope = Scope(facts, self.analysis.derived, now, assumed=assumed_values(self.analysis, facts))
            selection = select(self.analysis, active, trigger, scope, Clock(now, entered))
            if not selection.fire:
                return active
            for fire in selection.fire:
                t = fire.chosen.transition
                before, active = active, self.take(active, t.source, t.target)
                for state in before - active:
                    del entered[state]
                entered.update((state, now) for state in active - before)
            trigger = None
        return None  # an eventless cycle: the engine stops here too

    def run(self, journey: LoadedJourney) -> frozenset[str] | None:
        """The final configuration, or None when the run stopped on an eventless cycle. Keeps time as the engine
        does (docs/time.md): wakes for timers and for facts going stale; recurrences change no state. Reads the
        pathway's assumptions as the engine does; the cohort records no decision a bundled guard reads (declined),
        so the floor keeps none."""
        active: frozenset[str] | None = self.start
        facts: dict[str, object] = {}
        stale: dict[str, datetime] = {}
        entered: dict[str, datetime] = {}
        for inp in journey.inputs:
            if active is not None and entered:
                active = self.wake_until(active, inp.at, facts, stale, entered)
            elif active is not None:
                entered = dict.fromkeys(active, inp.at)
            for name, value in inp.facts.items():
                facts[name] = value
                if name in self.valid_for:
                    stale[name] = later(inp.at, self.valid_for[name])
            for trigger in (None, inp.event) if inp.event is not None else (None,):
                active = self.complete(active, trigger, facts, inp.at, entered) if active is not None else None
        return active

    def wake_until(
        self,
        active: frozenset[str],
        limit: datetime,
        facts: dict[str, object],
        stale: dict[str, datetime],
        entered: dict[str, datetime],
    ) -> frozenset[str] | None:
        now = max(entered.values())
        while True:
            timers = [
                later(entered[t.source], t.after)
                for t in self.analysis.index.transitions
                if t.after is not None and t.source in active and t.source in entered
            ]
            moments = [m for m in [*timers, *stale.values()] if now < m <= limit]
            if not moments:
                return active
            now = min(moments)
            for name in [n for n, at in stale.items() if at <= now]:
                del stale[name]
                facts.pop(name, None)
            completed = self.complete(active, None, facts, now, entered)
            if completed is None:
                return None
            active = completed


def check_bare_agrees(analysis: Analysis, runner: Runner, journeys: Sequence[LoadedJourney]) -> None:
    """The baseline is only a floor if it decides the same: every journey must end in the same states."""
    bare = Bare(analysis)
    for journey in journeys:
        summary = runner.run(journey).summary
        ended = bare.run(journey)
        expected = None if summary.error else frozenset(summary.states)
        if ended != expected:
            raise SystemExit(f"{journey.id}: the bare loop ends in {ended}, the engine in {expected}")


# Where the engine's time goes ------------------------------------------------------------------------------------

LIBRARY_CALLS = {
    "send": "`Machine.fire` (send one transition's event)",
    "configuration": "`Machine.active` (read the configuration)",
    "terminated": "`Machine.terminated`",
    "new": "`CompiledChart.new` (one instance per journey)",
}
LIBRARY = "python-statemachine (the four calls below)"
SELECTION = "selection: guards evaluated, transitions chosen"
SEAL = "trail records: canonical JSON + sha256"


@dataclass
class Spent:
    """Seconds and calls per instrumented part."""

    seconds: dict[str, float]
    calls: dict[str, int]

    def add(self, key: str, seconds: float) -> None:
        self.seconds[key] = self.seconds.get(key, 0.0) + seconds
        self.calls[key] = self.calls.get(key, 0) + 1


@contextmanager
def instrumented(spent: Spent) -> Iterator[None]:
    """Accumulate the time spent inside the library calls, the selection and the hashing of records."""

    def clocked(fn: Callable[..., Any], key: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent.add(key, time.perf_counter() - start)

        return wrapper

    terminated = vars(Machine)["terminated"]  # the property itself
    patches = [  # (owner, attribute, original, replacement)
        (Machine, "fire", Machine.fire, clocked(Machine.fire, "send")),
        (Machine, "active", Machine.active, clocked(Machine.active, "configuration")),
        (Machine, "terminated", terminated, property(clocked(terminated.fget, "terminated"))),
        (CompiledChart, "new", CompiledChart.new, clocked(CompiledChart.new, "new")),
        (engine_module, "select", select, clocked(select, SELECTION)),
        (engine_module, "seal", seal, clocked(seal, SEAL)),
    ]
    for owner, name, _, replacement in patches:
        setattr(owner, name, replacement)
    try:
        yield
    finally:
        for owner, name, original, _ in patches:
            setattr(owner, name, original)


def breakdown(runner: Runner, journeys: Sequence[LoadedJourney], runs: int) -> tuple[float, Spent]:
    """(instrumented total, seconds and calls per part), medians over ``runs`` instrumented runs."""
    totals: list[float] = []
    parts: list[Spent] = []
    for _ in range(runs):
        spent = Spent({}, {})
        with instrumented(spent):
            start = time.perf_counter()
            each(runner.run, journeys)
            totals.append(time.perf_counter() - start)
        parts.append(spent)
    seconds = {k: statistics.median(p.seconds[k] for p in parts) for k in parts[0].seconds}
    return statistics.median(totals), Spent(seconds, parts[0].calls)


# Measuring one pathway -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    name: str
    journeys: int
    events: int
    parse: float
    engine: float
    bare: float
    instrumented: float
    parts: Spent
    load_ms: float
    compile_ms: float
    new_us: float


def measure(path: Path, size: int, events: int, runs: int) -> Figures:
    analysis = load_analysis(path)
    data = cohort(analysis, size, events)
    journeys = [journey_from_data(d, analysis) for d in data]
    runner = Runner(analysis)
    check_bare_agrees(analysis, runner, journeys)
    bare = Bare(analysis)
    chart = compile_chart(analysis)
    instrumented_total, parts = breakdown(runner, journeys, runs)
    return Figures(
        name=analysis.pathway.id,
        journeys=size,
        events=size * events,
        parse=median_seconds(lambda: each(lambda d: journey_from_data(d, analysis), data), runs),
        engine=median_seconds(lambda: each(runner.run, journeys), runs),
        bare=median_seconds(lambda: each(bare.run, journeys), runs),
        instrumented=instrumented_total,
        parts=parts,
        load_ms=median_seconds(lambda: load_analysis(path), 5) * 1e3,
        compile_ms=median_seconds(lambda: compile_chart(analysis), 20) * 1e3,
        new_us=median_seconds(lambda: each(lambda _: chart.new(), range(1000)), runs) * 1e3,  # us each
    )


def rows(f: Figures) -> Iterator[tuple[str, float, str]]:
    """(measure, seconds for the cohort, share of the engine's time) for the main table; share '' for a total."""
    yield "parse journeys (`journey_from_data`)", f.parse, ""
    yield "**full engine** (`Runner.run`: decisions, records, hashing)", f.engine, ""
    seconds = f.parts.seconds
    shares = {
        LIBRARY: sum(seconds.get(k, 0.0) for k in LIBRARY_CALLS) / f.instrumented,
        SELECTION: seconds.get(SELECTION, 0.0) / f.instrumented,
        SEAL: seconds.get(SEAL, 0.0) / f.instrumented,
    }
    for key, share in shares.items():
        yield f"- of which {key}", share * f.engine, f"{share:.0%}"
    rest = 1 - sum(shares.values())
    yield "- of which the rest (building records, items, waits, reads)", rest * f.engine, f"{rest:.0%}"
    yield "bare baseline: decide only (same `select`, a set for the configuration)", f.bare, ""
    yield "bare baseline + parsing", f.bare + f.parse, ""


def report(figures: Sequence[Figures], runs: int) -> None:
    print(f"Python {sys.version.split()[0]}; median of {runs} runs; shares from instrumented runs\n")
    print("| pathway | measure | us / event | ms / journey | journeys / s | share of engine |")
    print("|---|---|---:|---:|---:|---:|")
    for f in figures:
        for name, seconds, share in rows(f):
            per_event, per_journey = seconds / f.events * 1e6, seconds / f.journeys * 1e3
            rate = "" if share else f"{f.journeys / seconds:,.0f}"
            print(f"| {f.name} | {name} | {per_event:.1f} | {per_journey:.2f} | {rate} | {share} |")
        ratio = f"{f.engine / f.bare:.1f}x ({(f.engine + f.parse) / (f.bare + f.parse):.1f}x)"
        print(f"| {f.name} | engine / bare baseline (both with parsing) | {ratio} | | | |")
    print("\nInside python-statemachine (instrumented):\n")
    print("| pathway | call | calls / journey | us / call | share of engine |")
    print("|---|---|---:|---:|---:|")
    for f in figures:
        for key, name in LIBRARY_CALLS.items():
            calls, seconds = f.parts.calls.get(key, 0), f.parts.seconds.get(key, 0.0)
            per_call = seconds / calls * 1e6 if calls else 0.0
            print(f"| {f.name} | {name} | {calls / f.journeys:.1f} | {per_call:.1f} | {seconds / f.instrumented:.0%} |")
    print("\n| pathway | `load_analysis` (read + check) ms | `compile_chart` ms | `CompiledChart.new` us |")
    print("|---|---:|---:|---:|")
    for f in figures:
        print(f"| {f.name} | {f.load_ms:.1f} | {f.compile_ms:.2f} | {f.new_us:.0f} |")
    print()
    for f in figures:
        overhead = f.instrumented / f.engine - 1
        print(f"{f.name}: {f.journeys} journeys, {f.events} events; instrumentation overhead {overhead:.0%}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--journeys", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    paths = [Path(p) for p in PATHWAYS if Path(p).is_file()]
    report([measure(p, args.journeys, args.events, args.runs) for p in paths], args.runs)


if __name__ == "__main__":
    main()
