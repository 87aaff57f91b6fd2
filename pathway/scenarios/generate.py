"""Model-based test generation (``pathway scenarios generate``): scenarios for the transitions no scenario fires.

One breadth-first search over journeys finds, for every transition not yet fired, the shortest journey (within
the bounds) that fires it. A journey is a list of steps in time order, one day apart from 2026-01-01; a step sets
facts and optionally sends a declared event. Fact values come from the finite domains of
:mod:`pathway.definition.domains`; a date or date-time fact takes values relative to the step's clock that cross
the thresholds its guards test (:func:`pathway.definition.clock.clock_domain`: 89, 90 and 91 days before it for
``days_since(x) > 90``). From a journey the search tries, for every active state with a transition not yet fired
and each of its triggers (no event, or one of its events), the first assignment (fewest changed facts first) of
the facts its guards read that makes the decision rule choose each transition, checked on the guards alone at the
step's clock, with the times the active states were entered; an assignment that breaks one of the pathway's
constraints is never tried (a journey that gives it would be refused).
A timer (``after``) is pending until its due time,
so for each timer of the state the search also checks the guards at that due time and, when they choose the
timer, adds a **time point** at it: the facts a day after the journey's last step, then a step with no facts at
the due time, when the clock's advance fires the timer (or, should the facts fire something else first or go
stale by then, the facts at the due time itself). Every such candidate runs through the engine; it is kept when
it fires a transition not fired before or enters a state not entered before. The search is bounded
(:data:`MAX_DEPTH` extensions of a journey, :data:`MAX_RUNS` engine runs, :data:`MAX_ASSIGNMENTS` assignments
per state, trigger and moment) and deterministic, so the same definition always gives the same file.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pathway.definition.analysis import Analysis
from pathway.definition.clock import clock_domain
from pathway.definition.constraints import assumed_values, forbidden
from pathway.definition.domains import Domain, assignments, boundary_literals, fact_domains, facts_read
from pathway.definition.index import TransitionInfo
from pathway.engine.runner import Runner, RunResult
from pathway.engine.selection import Clock, Fire, decide
from pathway.errors import ExitCode, InvalidInputError
from pathway.expr import Scope
from pathway.expr.durations import DAY, later, parse_duration
from pathway.journey.check import journey_from_data
from pathway.journey.model import parse_time
from pathway.scenarios.run import run_file
from pathway.source.files import display_path
from pathway.trail.records import ExpiredRecord, InputRecord, Record, StartRecord, TransitionRecord

MAX_DEPTH = 8
"""The most times a journey is extended (by a step, or by a step and a time point)."""
MAX_RUNS = 20_000
"""The most engine runs of one search."""
MAX_ASSIGNMENTS = 5_000
"""The most fact assignments whose guards are evaluated from one journey, for one active state, trigger and moment."""
START = datetime(2026, 1, 1)
"""The time of a generated journey's first step."""

Facts = tuple[tuple[str, object], ...]  # sorted (fact, value) pairs


@dataclass(frozen=True)
class Step:
    """One entry of a generated journey: when, the facts it sets and the event it sends; a *time point* sets and
    sends nothing (the clock advances to it, firing what falls due)."""

    at: datetime
    facts: Facts = ()
    event: str | None = None

    def entry(self) -> dict[str, Any]:
        """The journey entry: at, facts (when there are any, dates as journeys write them), event."""
        out: dict[str, Any] = {"at": time_text(self.at)}
        if self.facts:
            out["facts"] = {name: _value_text(value) for name, value in self.facts}
        if self.event is not None:
            out["event"] = self.event
        return out


def time_text(moment: datetime) -> str:
    """A step's time as a journey writes it: the date alone at midnight, else to the minute."""
    return moment.date().isoformat() if moment.time() == datetime.min.time() else moment.isoformat(timespec="minutes")


def _value_text(value: object) -> object:
    """A fact's value as a journey writes it: a date-time to the minute, a date as YYYY-MM-DD."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    return value.isoformat() if isinstance(value, date) else value


@dataclass(frozen=True)
class Generated:
    """A journey that fires ``transition`` at its last step; ``active``: the states active after it. For a timer
    fired by a time point, ``pending``: when the step before it showed the timer due."""

    transition: TransitionInfo
    steps: tuple[Step, ...]
    active: tuple[str, ...]
    pending: datetime | None = None


@dataclass(frozen=True)
class Unreachable:
    """A transition the search could not fire, and why."""

    transition: str
    reason: str


@dataclass(frozen=True)
class Generation:
    """What ``pathway scenarios generate`` found: the journeys, the transitions left, and those already fired."""

    pathway: str
    generated: tuple[Generated, ...]
    unreachable: tuple[Unreachable, ...]
    already_fired: tuple[str, ...]
    written: str | None = None
    """The scenario file written (as the user would type its path), or None when nothing was."""

    @property
    def exit_code(self) -> ExitCode:
        """0: transitions no journey reaches are reported, not failed (lint and coverage judge them)."""
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        """Each generated journey (the transition it fires, its steps as journey entries, the states after it),
        each transition left with why, the transitions scenarios already fire, and the file written."""
        generated = [
            {"transition": g.transition.id, "steps": [step.entry() for step in g.steps], "active": [*g.active]}
            for g in self.generated
        ]
        unreachable = [{"transition": u.transition, "reason": u.reason} for u in self.unreachable]
        return {
            "pathway": self.pathway,
            "generated": generated,
            "unreachable": unreachable,
            "already_fired": [*self.already_fired],
            "written": self.written,
        }


@dataclass(frozen=True)
class _Node:
    """A journey the search keeps, and what its run left: the active states, the facts current after it (with when
    each was given) and when each active state was entered."""

    steps: tuple[Step, ...]
    active: tuple[str, ...]
    known: Mapping[str, object]
    given: Mapping[str, datetime]
    entered: Mapping[str, datetime]

    @property
    def next(self) -> datetime:
        """When the next step that is not a time point comes: a day (:data:`DAY`) after the last step."""
        return self.steps[-1].at + DAY if self.steps else START


def _left_by(
    steps: Sequence[Step], records: Sequence[Record]
) -> tuple[dict[str, object], dict[str, datetime], dict[str, datetime]]:
    """(facts current, when each was given, when each active state was entered) after a run of ``steps``."""
    known: dict[str, object] = {}
    given: dict[str, datetime] = {}
    entered: dict[str, datetime] = {}
    for r in records:
        if isinstance(r, InputRecord):
            step = steps[r.input - 1]
            known.update(step.facts)
            given.update((name, step.at) for name, _ in step.facts)
        elif isinstance(r, ExpiredRecord):
            known.pop(r.fact, None)
            given.pop(r.fact, None)
        elif isinstance(r, StartRecord | TransitionRecord):
            for state in r.exited if isinstance(r, TransitionRecord) else ():
                entered.pop(state, None)
            entered.update((state, parse_time(r.at)[0]) for state in r.entered)
    return known, given, entered


class _Search:
    def __init__(self, analysis: Analysis, targets: set[str]) -> None:
        self.analysis, self.runner = analysis, Runner(analysis)
        self.domains = {k: v for k, v in fact_domains(analysis).items() if v is not None}
        self.literals = boundary_literals(analysis)
        self.dated = {name: f.type for name, f in analysis.pathway.facts.items() if f.type in ("date", "datetime")}
        self.valid_for = {
            name: parse_duration(fact.valid_for)
            for name, fact in analysis.pathway.facts.items()
            if fact.valid_for is not None
        }
        self.targets = targets
        self.found: dict[str, Generated] = {}
        self.fired: set[str] = set()
        self.seen: set[str] = set()
        self.reached: set[str] = set()
        self.runs = 0

    def journey(self, steps: Sequence[Step]) -> dict[str, Any]:
        return {"journey": "gen", "events": [step.entry() for step in steps]}

    def run(self, steps: Sequence[Step]) -> RunResult | None:
        """The run of a journey made of these steps; None when the journey is refused (it breaks a constraint)."""
        self.runs += 1
        try:
            return self.runner.run(journey_from_data(self.journey(steps), self.analysis))
        except InvalidInputError:
            return None

    def steps_from(self, node: _Node) -> Iterator[tuple[Step, ...]]:
        """For each active state with a transition not yet fired and each of its triggers: the first step (fewest
        changed facts) that makes the decision rule choose each transition, checked on the guards alone; for a
        timer, at its due time (a step and a time point)."""
        index = self.analysis.index
        for state in node.active:
            if all(t.id in self.fired for t in index.outgoing(state)):
                continue  # every transition of this state has fired: other states are more promising
            for trigger in sorted({t.event or "" for t in index.outgoing(state)}):
                yield from self._steps_for(node, state, trigger, node.next)
                if not trigger:
                    for due in self._timer_moments(node, state):
                        yield from self._steps_for(node, state, trigger, due)

    def _timer_moments(self, node: _Node, state: str) -> list[datetime]:
        """The due times, after the next step, of the state's timers that have not fired yet."""
        entered = node.entered.get(state, START)
        moments = {
            later(entered, t.after)
            for t in self.analysis.index.outgoing(state)
            if t.after is not None and t.id not in self.fired
        }
        return sorted(m for m in moments if node.next < m < datetime.max)

    def dates_at(self, moment: datetime) -> dict[str, Domain]:
        """The date and date-time facts' values at ``moment``: around each number they are compared with, that many
        days (a date-time also hours) before it (:func:`pathway.definition.clock.clock_domain`)."""
        return {name: clock_domain(kind, self.literals.get(name, ()), moment) for name, kind in self.dated.items()}

    def _known_at(self, node: _Node, moment: datetime) -> dict[str, object]:
        """The facts of the node still current at ``moment`` (a fact with valid_for goes stale)."""
        return {
            name: value
            for name, value in node.known.items()
            if name not in self.valid_for or later(node.given[name], self.valid_for[name]) > moment
        }

    def _steps_for(self, node: _Node, state: str, trigger: str, moment: datetime) -> Iterator[tuple[Step, ...]]:
        guarded = [t for t in self.analysis.index.outgoing(state) if (t.event or "") == trigger]
        names = {n for t in guarded if t.id in self.analysis.guards for n in self.analysis.guards[t.id].names}
        domains: dict[str, Domain] = {**self.domains, **self.dates_at(moment)}
        facts = sorted(f for f in facts_read(self.analysis, names) if f in domains)
        known = self._known_at(node, moment)
        entered = node.entered if node.steps else {s: START for s in node.active}  # the first step starts the chart
        clock = Clock(moment, entered)
        chosen: set[str] = set()
        changes = itertools.chain([()], _changes(facts, domains, known))
        for change in itertools.islice(changes, MAX_ASSIGNMENTS):
            values = {**known, **dict(change)}
            if forbidden(self.analysis, values):
                continue
            assumed = assumed_values(self.analysis, values)
            scope = Scope(values, self.analysis.derived, moment, given=node.given, assumed=assumed)
            outcome = decide(self.analysis.index, self.analysis, state, trigger or None, scope, clock)
            if isinstance(outcome, Fire) and outcome.transition.id not in chosen:
                chosen.add(outcome.transition.id)
                yield from self._candidates(node, change, trigger, moment)
                if len(chosen) == len(guarded):
                    return

    @staticmethod
    def _candidates(node: _Node, change: Facts, trigger: str, moment: datetime) -> Iterator[tuple[Step, ...]]:
        """The steps that apply ``change`` (and send ``trigger``) so that the guards are checked at ``moment``."""
        if moment == node.next:
            yield (Step(moment, change, trigger or None),)
            return
        if change or not node.steps:  # the facts a day after the last step, then the time point
            yield (Step(node.next, change), Step(moment))
        if change:  # should the facts fire something else first: the facts at the due time itself
            yield (Step(moment, change),)
        elif node.steps:
            yield (Step(moment),)

    def expand(self, node: _Node) -> Iterator[_Node]:
        for candidate in dict.fromkeys(self.steps_from(node)):
            if self.runs >= MAX_RUNS or self.targets <= set(self.found):
                return
            steps = (*node.steps, *candidate)
            result = self.run(steps)
            if result is None or not result.ok:
                continue
            moves = [r for r in result.records if isinstance(r, TransitionRecord | StartRecord)]
            fired = [r.id for r in moves if isinstance(r, TransitionRecord)]
            active = result.summary.states
            self.reached |= {s for r in moves for s in r.entered}
            for tid in fired:
                if tid in self.targets and tid not in self.found:
                    self.found[tid] = self._generated(tid, steps, active)
            new = (set(fired) - self.fired, set(active) - self.seen)
            if any(new):
                self.fired |= new[0]
                self.seen |= new[1]
                yield _Node(steps, active, *_left_by(steps, result.records))

    def _generated(self, tid: str, steps: tuple[Step, ...], active: tuple[str, ...]) -> Generated:
        """The journey for ``tid``; for a timer fired by a time point, when the step before showed it due."""
        info = next(t for t in self.analysis.index.transitions if t.id == tid)
        last = steps[-1]
        if info.after is None or last.facts or last.event is not None or len(steps) < 2:
            return Generated(info, steps, active)
        self.runs += 1
        *_, before = self.runner.steps(journey_from_data(self.journey(steps[:-1]), self.analysis))
        due = next((d.at for d in before.summary.due or () if (d.kind, d.id) == ("timer", tid)), None)
        return Generated(info, steps, active, None if due is None else parse_time(due)[0])

    def search(self) -> None:
        first = self.run([Step(START)])
        if first is None:  # a step without facts breaks nothing: unreachable, kept for the type checker
            return
        self.reached |= set(first.summary.states)
        self.seen |= self.reached
        frontier = [_Node((), first.summary.states, {}, {}, {})]
        for _ in range(MAX_DEPTH):
            frontier = [child for node in frontier for child in self.expand(node)]
            if not frontier:
                return


def _changes(facts: Sequence[str], domains: Mapping[str, Domain], known: Mapping[str, object]) -> Iterator[Facts]:
    """Assignments of some of ``facts`` that change every fact they set, fewest facts first."""
    for size in range(1, len(facts) + 1):
        for subset in itertools.combinations(facts, size):
            for values in assignments(subset, domains, include_unknown=False):
                if all(k not in known or (type(known[k]), known[k]) != (type(v), v) for k, v in values.items()):
                    yield tuple(sorted(values.items()))


def _why(analysis: Analysis, t: TransitionInfo, search: _Search) -> str:
    guard = analysis.guards.get(t.id)
    if guard is not None and guard.recorded and t.source in search.reached:
        first = sorted(guard.recorded)[0]
        example = first[:-1].replace("(", ": ", 1)
        decisions = ", ".join(sorted(guard.recorded))
        return (
            f"its guard reads recorded decision(s) {decisions}, which the search does not record; write a scenario "
            f"step that records it (e.g. '{example}')"
        )
    if t.source not in search.reached:
        return f"its source state '{t.source}' was not reached within {MAX_DEPTH} steps and {MAX_RUNS} runs"
    where = f"in state '{t.source}'" + (f" on event '{t.event}'" if t.event else "")
    if t.transition.after is not None:
        where += f" at its due time (after {t.transition.after})"
    return f"no assignment within the search bound fired it {where} (guard: {t.when or 'none'})"


def generate(analysis: Analysis, existing: Sequence[Path]) -> Generation:
    """Search journeys for every transition that no scenario in ``existing`` fires."""
    runner = Runner(analysis)
    fired = {tid for path in existing for r in run_file(path, runner, display_path(path)) for tid in r.transitions}
    transitions = analysis.index.transitions
    targets = {t.id for t in transitions if t.id not in fired}
    search = _Search(analysis, targets)
    if targets:
        search.search()
    generated = tuple(search.found[t.id] for t in transitions if t.id in search.found)
    left = [t for t in transitions if t.id in targets and t.id not in search.found]
    unreachable = tuple(Unreachable(t.id, _why(analysis, t, search)) for t in left)
    already = tuple(t.id for t in transitions if t.id in fired)
    return Generation(analysis.pathway.id, generated, unreachable, already)
