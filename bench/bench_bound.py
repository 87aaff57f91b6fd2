"""A lower bound on the compiled engine's decisions, on the bipn cohort: the time to work out, by their values
alone, only the guards whose inputs changed (those the compiled engine judges afresh), with nothing else at all (no
selection, no configuration, no record of what changed), beside the reference engine's decisions measured in the
same run. Whatever its bookkeeping, an engine that evaluates guards with the compiled closures
(``Compiled.value``) cannot decide faster than this. Run by hand from the project root::

    .venv/bin/python bench/bench_bound.py [--journeys 100] [--runs 5]

Each judgement met in a run of the compiled engine is replayed over a copy of its scope (one copy per scope, so a
derived fact is worked out once per moment, as the engine does), with the derived facts' values worked out again
(the engine keeps them while what they read is unchanged: the bound counts them, so it is a little above the true
floor of evaluation).
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from statistics import median

from bench_compiled import decisions
from cohort import cohort

from pathway.definition.index import TransitionInfo
from pathway.definition.loader import load_analysis
from pathway.engine.engines import engine_for
from pathway.engine.execute import run_records
from pathway.engine.incremental import IncrementalSelector
from pathway.expr import Scope
from pathway.expr.evaluate import Compiled, Evaluation
from pathway.journey.check import journey_from_data

Judgement = tuple[Compiled, Scope, datetime | None]


def judgements(analysis: object, journeys: list[object]) -> list[Judgement]:
    """Every guard the compiled engine judged afresh (not kept), with a copy of its scope and its state's entry."""
    met: list[Judgement] = []
    copies: dict[int, Scope] = {}
    original = IncrementalSelector.judge

    def spy(
        self: IncrementalSelector, t: TransitionInfo, guard: Compiled, entered: datetime | None
    ) -> tuple[str, Evaluation | None]:
        fresh = t.id not in self.evaluations and t.id not in self.values
        if fresh:
            scope = self._scope
            copy = copies.get(id(scope))
            if copy is None:
                copy = copies[id(scope)] = Scope(
                    dict(scope.facts),
                    scope.derived,
                    scope.now,
                    given=dict(scope.given),
                    recorded=dict(scope.recorded),
                    assumed=dict(scope.assumed),
                )
            met.append((guard, copy, entered))
        return original(self, t, guard, entered)

    IncrementalSelector.judge = spy  # type: ignore[method-assign]
    try:
        engine = engine_for(analysis, "compiled")  # type: ignore[arg-type]
        for journey in journeys:
            run_records(analysis, engine, journey)  # type: ignore[arg-type]
    finally:
        IncrementalSelector.judge = original  # type: ignore[method-assign]
    return met


def evaluate_all(met: list[Judgement]) -> float:
    """Seconds to work out every judgement's value, each scope's derived values afresh."""
    scopes = {id(s): s for _, s, _ in met}
    for scope in scopes.values():
        scope._cache.clear()  # noqa: SLF001 - a fresh moment: nothing worked out yet
        scope._values.clear()  # noqa: SLF001
    start = time.perf_counter()
    for compiled, scope, entered in met:
        compiled.value(scope, entered)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--journeys", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    analysis = load_analysis("definitions/bipn/pathway.yaml")
    journeys = [journey_from_data(j, analysis) for j in cohort(analysis, args.journeys, 20)]
    events = sum(len(j.inputs) for j in journeys)
    met = judgements(analysis, journeys)
    evaluate_all(met)
    bound, reference, compiled = [], [], []
    for _ in range(args.runs):
        bound.append(evaluate_all(met))
        reference.append(decisions(analysis, "reference", journeys))
        compiled.append(decisions(analysis, "compiled", journeys))
    per = {k: median(v) / events * 1e6 for k, v in (("bound", bound), ("ref", reference), ("comp", compiled))}
    print(f"bipn, {args.journeys} journeys of 20 events, median of {args.runs} runs, one core\n")
    print("| measure | us/event | reference / it |")
    print("|---|---:|---:|")
    print(f"| reference engine: decisions | {per['ref']:,.1f} | 1.0x |")
    print(f"| compiled engine: decisions | {per['comp']:,.1f} | {per['ref'] / per['comp']:.1f}x |")
    print(
        f"| bound: the {len(met) / events:.2f} guards an event judged afresh, by value alone | "
        f"{per['bound']:,.1f} | {per['ref'] / per['bound']:.1f}x |"
    )
    print(f"| 50x the reference (the issue's goal) | {per['ref'] / 50:,.1f} | 50.0x |")


if __name__ == "__main__":
    main()
