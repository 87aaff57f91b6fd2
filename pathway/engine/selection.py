"""Which transitions fire now: the engine's decision rule, pure and deterministic.

For each active atomic state, in document order, look at the state and then its ancestors (innermost first). In
each, scan the transitions with the current trigger (an event name, or none for eventless ones) in document order:

- a guard that is definitely **true** fires, provided every earlier guard was definitely **false**;
- a guard that is **unknown** blocks every later transition of that state: the state *waits*, and the facts its
  unknown guards miss are what the pathway needs next (unknown is never taken as false);
- a guard that could not be evaluated (an **error**, such as a division by zero) blocks every later transition
  too, and the scan stops there: the state is *blocked by an error*, which no fact can lift (only other values of
  the facts the guard reads). Unknown guards before it still say what the state waits for, since one of them could
  fire first;
- ``otherwise`` is true when every earlier guard is definitely false; a transition without ``when`` is always true;
- a timer (``after``) whose state has not been active for its duration yet is **pending**: it counts as false (it
  neither fires nor blocks); once due it is checked like any eventless transition (see ``docs/time.md``).

A waiting, blocked or silent state lets its ancestors be checked, so a parent's exit can fire while a child waits.
When two selected transitions would exit a common state (parallel regions leaving their parent), the one from the
earlier atomic state in document order wins and the other is recorded as preempted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import NamedTuple

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.index import StateIndex, TransitionInfo
from pathway.expr import UNKNOWN, Evaluation, Scope
from pathway.expr.durations import later

NOT_FIRING = frozenset({"false", "pending"})
"""The outcomes that let a later transition of the same state fire (a pending timer counts as false)."""


class Clock(NamedTuple):
    """The time of a microstep, and when each active state was (last) entered: what timers and time_in_state()
    read. ``changes``: optionally, the log of states entered or left that the run keeps (only ever appended to) and
    its length now; the compiled engine reads from it which states' entries changed since its last microstep
    (:class:`pathway.engine.dependencies.Seen`). A named tuple: one is made for every microstep."""

    now: datetime
    entered: Mapping[str, datetime]
    changes: tuple[Sequence[str], int] | None = None


class Checked(NamedTuple):
    """One transition's guard outcome: 'true', 'false', 'unknown', 'error', 'otherwise', 'always', or 'pending' (a
    timer not due yet, with its due time). A named tuple, like :class:`Fire`: both are made anew for every state
    decided, many times an input, and a tuple is built at C speed (a frozen dataclass sets each field in turn)."""

    transition: TransitionInfo
    outcome: str
    evaluation: Evaluation | None = None
    due: datetime | None = None


class Fire(NamedTuple):
    """A transition to take, with the transitions checked before it in its state."""

    chosen: Checked
    before: tuple[Checked, ...]

    @property
    def transition(self) -> TransitionInfo:
        """The transition to take."""
        return self.chosen.transition


@dataclass(frozen=True)
class Wait:
    """A state that cannot decide: the guards it checked, among them unknown ones (it waits for the facts they
    need) or one that could not be evaluated (it is blocked by an error). Only those are read, with their
    evaluations: the compiled engine leaves a guard it judged true or false by its value alone without one."""

    state: str
    checked: tuple[Checked, ...]

    @cached_property
    def unknown(self) -> tuple[Checked, ...]:
        return tuple(c for c in self.checked if c.outcome == "unknown")

    @cached_property
    def errors(self) -> tuple[Checked, ...]:
        return tuple(c for c in self.checked if c.outcome == "error")

    @cached_property
    def needs(self) -> tuple[str, ...]:
        missing: set[str] = set()
        for c in self.unknown:
            if c.evaluation is not None:
                missing |= c.evaluation.missing
        return tuple(sorted(missing))


@dataclass(frozen=True)
class Selection:
    """A microstep: the transitions to take, the states that wait, and each preempted transition with the id of
    the selected transition that beat it."""

    fire: tuple[Fire, ...] = ()
    waits: tuple[Wait, ...] = ()
    preempted: tuple[tuple[Fire, str], ...] = field(default=())


def outcome(evaluation: Evaluation) -> str:
    """A guard's outcome: 'true', 'false', 'unknown' (a fact it needs is not known) or 'error'."""
    if evaluation.error is not None:
        return "error"
    value = evaluation.value
    return "unknown" if value is UNKNOWN else ("true" if value is True else "false")


Evaluate = Callable[[TransitionInfo], Evaluation]
"""A transition's guard evaluated now (the compiled engine keeps evaluations while what they read is unchanged)."""

Judge = Callable[[TransitionInfo], "tuple[str, Evaluation]"]
"""A transition's guard outcome now, with its evaluation."""


def judged_by(evaluate: Evaluate) -> Judge:
    """The outcome of each guard from its evaluation."""

    def judge(t: TransitionInfo) -> tuple[str, Evaluation]:
        evaluation = evaluate(t)
        return outcome(evaluation), evaluation

    return judge


def evaluator(analysis: Analysis, scope: Scope, clock: Clock) -> Evaluate:
    """Evaluate a transition's guard over the scope, with when its source state was entered (``time_in_state()``)."""
    guards, entered = analysis.guards, clock.entered
    return lambda t: guards[t.id].evaluate(scope, entered.get(t.source))


def _check(t: TransitionInfo, judge: Judge, clock: Clock, earlier_all_false: bool) -> Checked:
    entered = clock.entered.get(t.source)
    if t.after is not None and entered is not None:
        due = later(entered, t.after)
        if clock.now < due:
            return Checked(t, "pending", due=due)
    when = t.when
    if when is None:
        return Checked(t, "always")
    if when == OTHERWISE:
        return Checked(t, "otherwise" if earlier_all_false else "false")
    result, evaluation = judge(t)
    return Checked(t, result, evaluation)


def check_timer(t: TransitionInfo, analysis: Analysis, scope: Scope, clock: Clock) -> Checked:
    """A timer's transition checked on its own (as if every earlier transition of its state were false)."""
    return _check(t, judged_by(evaluator(analysis, scope, clock)), clock, True)


def decide(
    index: StateIndex,
    analysis: Analysis,
    state: str,
    trigger: str | None,
    scope: Scope,
    clock: Clock,
    evaluate: Evaluate | None = None,
) -> Fire | Wait | None:
    """The outcome for one state: a transition to fire, a wait, or nothing enabled. ``evaluate`` evaluates a guard
    (by default over ``scope``: :func:`evaluator`). The compiled engine follows the same rule from tables
    (:mod:`pathway.engine.procedures`, :meth:`pathway.engine.incremental.IncrementalSelector._decide`)."""
    judge = judged_by(evaluate or evaluator(analysis, scope, clock))
    checked: list[Checked] = []
    for t in index.outgoing(state):
        if t.event != trigger:
            continue
        all_false = all(c.outcome in NOT_FIRING for c in checked)
        result = _check(t, judge, clock, all_false)
        checked.append(result)
        if result.outcome in ("true", "otherwise", "always"):
            if all_false:
                return Fire(result, tuple(checked[:-1]))
            break
        if result.outcome == "error":
            break
    if any(c.outcome in ("unknown", "error") for c in checked):
        return Wait(state, tuple(checked))
    return None


def _exit_set(index: StateIndex, t: TransitionInfo, active: frozenset[str]) -> frozenset[str]:
    """Active states a transition exits: those below the innermost ancestor containing source and target."""
    source, target = t.source, t.target
    source_line = {source, *index.ancestors(source)}
    domain = next((a for a in index.ancestors(target) if a in source_line and a != source), None)
    if domain is None:  # the root is the domain: only one top-level branch is ever active, and it is exited
        return active
    return frozenset(s for s in active if domain in set(index.ancestors(s)))


def leaves(index: StateIndex, active: frozenset[str]) -> list[tuple[str, ...]]:
    """The active atomic states (no active child), in document order, each with its ancestors (nearest first): where
    each microstep's scan starts, and where it goes on."""
    return [
        (s, *index.ancestors(s))
        for s in index.states
        if s in active and not (index.states[s].children and any(c in active for c in index.states[s].children))
    ]


def select(analysis: Analysis, active: frozenset[str], trigger: str | None, scope: Scope, clock: Clock) -> Selection:
    """Every transition to fire in this microstep, the states that wait, and the transitions preempted: each active
    atomic state (:func:`leaves`) and then its ancestors decided (:func:`decide`) until one fires, a state met
    before stops the climb; of two selected transitions exiting a common state, the earlier wins. The compiled
    engine follows the same rule from tables (:mod:`pathway.engine.procedures`)."""
    index, evaluate = analysis.index, evaluator(analysis, scope, clock)
    fires: list[Fire] = []
    waits: dict[str, Wait] = {}
    decided: set[str] = set()
    for chain in leaves(index, active):
        for state in chain:
            if state in decided:
                break
            decided.add(state)
            outcome = decide(index, analysis, state, trigger, scope, clock, evaluate)
            if isinstance(outcome, Fire):
                fires.append(outcome)
                break
            if isinstance(outcome, Wait):
                waits[state] = outcome
    if len(fires) < 2:
        return Selection(tuple(fires), tuple(waits.values()))
    kept: list[tuple[Fire, frozenset[str]]] = []
    preempted: list[tuple[Fire, str]] = []
    for f in fires:
        leaving = _exit_set(index, f.transition, active)
        winner = next((k for k, exits in kept if exits & leaving), None)
        if winner is not None:
            preempted.append((f, winner.transition.id))
        else:
            kept.append((f, leaving))
    return Selection(tuple(k for k, _ in kept), tuple(waits.values()), tuple(preempted))
