"""Scenario coverage (``pathway test --coverage``): which states the scenarios visit, which transitions they fire
(timers among them, also counted apart), and which outcomes (true, false, unknown) each guard takes, with the
``path:line`` of everything not reached.

Outcomes come from the trail (the transition taken, the alternatives checked before it, the guards a waiting state
is blocked on) and from evaluating, after each input, the guards of every active state's transitions, so that a
guard that was false while nothing moved still counts as seen false.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pathway.definition.analysis import Analysis
from pathway.definition.constraints import assumed_values
from pathway.definition.index import TransitionInfo
from pathway.diagnostics.escape import escape
from pathway.engine.decisions import Decisions
from pathway.engine.selection import outcome
from pathway.expr import Scope
from pathway.journey.check import input_from_record
from pathway.source.reader import SourceDocument
from pathway.trail.records import FulfilledRecord, InputRecord, Record, StartRecord, TransitionRecord, checks_in

OUTCOMES = ("true", "false", "unknown")


def _evaluate_active(
    analysis: Analysis, active: set[str], facts: dict[str, object], today: date, decisions: Decisions
) -> set[tuple[str, str]]:
    assumed = assumed_values(analysis, facts)  # as the engine sees
    scope = Scope(facts, analysis.derived, today, recorded=decisions.at, assumed=assumed)
    seen: set[tuple[str, str]] = set()
    for state in active:
        for t in analysis.index.outgoing(state):
            if t.id in analysis.guards:
                seen.add((t.id, outcome(analysis.guards[t.id].evaluate(scope))))
    return seen


def guard_outcomes(analysis: Analysis, records: Sequence[Record]) -> set[tuple[str, str]]:
    """(transition id, outcome) for every guard outcome a run shows."""
    seen: set[tuple[str, str]] = set()
    facts: dict[str, object] = {}
    decisions = Decisions()
    active: set[str] = set()
    today: date | None = None
    for r in records:
        if isinstance(r, InputRecord):
            if today is not None:  # what the previous input left the guards of the active states at
                seen |= _evaluate_active(analysis, active, facts, today, decisions)
            recorded = input_from_record(r.to_dict(), analysis, r.input)  # typed exactly as replay types it
            facts.update(recorded.facts)
            decisions.see(r, recorded)
            today = recorded.at.date()
        elif isinstance(r, FulfilledRecord):
            decisions.see(r)
        elif isinstance(r, StartRecord):
            active = set(r.entered)
        elif isinstance(r, TransitionRecord):
            active = (active - set(r.exited)) | set(r.entered)
            if r.guard is not None and r.id in analysis.guards:
                seen.add((r.id, "true"))
        seen |= {(c.id, c.outcome) for c in checks_in(r) if c.id in analysis.guards}
    if today is not None:
        seen |= _evaluate_active(analysis, active, facts, today, decisions)
    return seen


@dataclass(frozen=True)
class Coverage:
    """What a definition's scenarios reach."""

    states: tuple[str, ...]
    transitions: tuple[str, ...]
    guards: tuple[tuple[str, str], ...]  # every (guarded transition id, outcome)
    timers: tuple[str, ...]  # the transitions with 'after', also among transitions
    visited: frozenset[str]
    fired: frozenset[str]
    outcomes: frozenset[tuple[str, str]]

    @staticmethod
    def percent(part: int, whole: int) -> float:
        return 100.0 if whole == 0 else 100.0 * part / whole

    @property
    def state_percent(self) -> float:
        return self.percent(sum(s in self.visited for s in self.states), len(self.states))

    @property
    def transition_percent(self) -> float:
        return self.percent(sum(t in self.fired for t in self.transitions), len(self.transitions))

    @property
    def timer_percent(self) -> float:
        return self.percent(sum(t in self.fired for t in self.timers), len(self.timers))

    @property
    def guard_percent(self) -> float:
        return self.percent(sum(g in self.outcomes for g in self.guards), len(self.guards))

    def to_json(self) -> dict[str, Any]:
        """For states, transitions, timers (transitions with 'after', counted among transitions too) and guard
        outcomes: how many are reached, of how many, and those that are not."""

        def part(items: Sequence[Any], reached: frozenset[Any], missing: list[Any]) -> dict[str, Any]:
            count = sum(i in reached for i in items)
            return {
                "reached": count,
                "total": len(items),
                "percent": self.percent(count, len(items)),
                "missing": missing,
            }

        guards = [{"transition": t, "outcome": o} for t, o in self.guards if (t, o) not in self.outcomes]
        return {
            "states": part(self.states, self.visited, [s for s in self.states if s not in self.visited]),
            "transitions": part(self.transitions, self.fired, [t for t in self.transitions if t not in self.fired]),
            "timers": part(self.timers, self.fired, [t for t in self.timers if t not in self.fired]),
            "guard_outcomes": part(self.guards, self.outcomes, guards),
        }


def coverage(
    analysis: Analysis, visited: Iterable[str], fired: Iterable[str], outcomes: Iterable[tuple[str, str]]
) -> Coverage:
    index = analysis.index
    guards = tuple((t.id, o) for t in index.transitions if t.id in analysis.guards for o in OUTCOMES)
    return Coverage(
        tuple(index.states),
        tuple(t.id for t in index.transitions),
        guards,
        tuple(t.id for t in index.transitions if t.after is not None),
        frozenset(visited),
        frozenset(fired),
        frozenset(outcomes),
    )


def _transition(t: TransitionInfo) -> str:
    """A transition as the coverage report names it: a timer says so, with its duration."""
    after = t.transition.after
    return f"timer '{t.id}' (after {after})" if after is not None else f"transition '{t.id}'"


def render_coverage(cov: Coverage, analysis: Analysis, doc: SourceDocument, scenarios: int) -> str:
    index = analysis.index

    def count(part: int, whole: int) -> str:
        return f"{part}/{whole} ({cov.percent(part, whole):.0f}%)"

    lines = [
        f"Coverage of {doc.path} by {scenarios} scenario(s):",
        f"  states          {count(sum(s in cov.visited for s in cov.states), len(cov.states))}",
        f"  transitions     {count(sum(t in cov.fired for t in cov.transitions), len(cov.transitions))}",
    ]
    if cov.timers:
        lines.append(f"  timers          {count(sum(t in cov.fired for t in cov.timers), len(cov.timers))}")
    lines.append(
        f"  guard outcomes  {count(sum(g in cov.outcomes for g in cov.guards), len(cov.guards))} (true/false/unknown)"
    )
    missing = [
        f"  {doc.path}:{doc.mark(index.states[s].path, key=True).line}: state '{s}' is never entered"
        for s in cov.states
        if s not in cov.visited
    ]
    missing += [
        f"  {doc.path}:{doc.mark(t.path).line}: {_transition(t)} never fires"
        for t in index.transitions
        if t.id not in cov.fired
    ]
    by_id = {t.id: t for t in index.transitions}
    missing += [
        f"  {doc.path}:{doc.mark((*by_id[tid].path, 'when')).line}: guard of '{tid}' is never {outcome}"
        for tid, outcome in cov.guards
        if (tid, outcome) not in cov.outcomes
    ]
    if missing:
        lines += ["Not reached:", *missing]
    return "\n".join(map(escape, lines))
