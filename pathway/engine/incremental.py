"""Incremental selection for the compiled engine: each state's outcome (the rule of
:func:`pathway.engine.selection.decide`) is kept and worked out again only when something it reads has changed.

What a state's outcome reads is known from the pathway: the facts its guards read (through derived facts too,
their values, whether and when they were given, and their assumed values), the decisions they read (``done(a)``
...), the clock (a timer, ``time_in_state()``, ``days_since`` ... in a guard or a derived fact it reads), and when
the state was entered. Before each microstep the selector finds what changed since the last one (from the run's
logs of facts changed and states entered, else by comparing what the scope and the clock hold with what they held)
and forgets the outcomes of the states that read it (:mod:`pathway.engine.dependencies`);
every other outcome is the one the rule gave over the same values, so it is the outcome it would give now.

A state is decided by the reference rule laid out as tables once per pathway (:mod:`pathway.engine.procedures`:
its transitions per trigger, each with its timer, the kind of its ``when`` and its compiled guard), and the scan
over the active states and the choice among them are :func:`~pathway.engine.selection.select`'s, over the
configuration's scan worked out once (:class:`~pathway.engine.dependencies.Layout`) and each transition's exits
from a table. While the configuration stays the same and no state fires, only the states forgotten since the last
scan are decided again (with no state firing, the scan meets every active state once, in an order fixed by the
configuration).

A guard's outcome comes from its value alone (:meth:`~pathway.expr.Compiled.value`) when that decides it; the
evaluation that says what it read and needs is worked out only where a record reads it: for the guards of a state
that fires, and for a guard whose value does not decide (unknown, or failed), which is what a wait shows; what an
evaluation read is worked out when a record first reads it (:class:`~pathway.expr.Evaluation`'s ``read``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from pathway.definition.analysis import Analysis
from pathway.definition.index import TransitionInfo
from pathway.engine.clockwatch import ClockWatch
from pathway.engine.dependencies import Dependencies, Layout, Seen
from pathway.engine.procedures import ALWAYS, Step, preempting
from pathway.engine.recall import Recall
from pathway.engine.selection import Checked, Clock, Fire, Selection, Wait, outcome
from pathway.expr import Compiled, Evaluation, Scope
from pathway.expr.durations import later
from pathway.expr.evaluate import UNSURE

_ABSENT: Final = object()


@dataclass
class Scanned:
    """The last scan for one trigger in which no state fired: the states that waited, and the states whose
    outcome was forgotten since (decided again at the next microstep, the others' outcomes standing)."""

    waits: dict[str, Wait]
    dirty: set[str]


class IncrementalSelector:
    """One run's selection with kept work: the same :class:`~pathway.engine.selection.Selection` as
    :func:`~pathway.engine.selection.select`. A guard is evaluated again only when what it reads has changed; a
    state is decided again only when one of its guards was, or (a state with a timer) the clock moved or it was
    entered again; the whole selection is kept while no state's outcome, the active states and the trigger change."""

    def __init__(self, analysis: Analysis, dependencies: Dependencies, recall: Recall) -> None:
        self.analysis = analysis
        self.deps = dependencies
        self.recall = recall  # evaluations shared by the engine's runs
        self.evaluations: dict[str, Evaluation] = {}
        self.values: dict[str, object] = {}  # transition -> its guard's value (Compiled.value), kept likewise
        self.unsure: set[str] = set()  # transitions whose guard's value alone did not decide, the last time
        self.derived: dict[str, Evaluation] = {}  # derived fact -> its evaluation, kept like the guards'
        self.derived_values: dict[str, object] = {}  # derived fact -> its value (Scope.derived_value), likewise
        self.kept: dict[str | None, dict[str, Fire | Wait | None]] = {}  # trigger -> state -> its outcome
        self._outcomes: dict[str, Fire | Wait | None] = {}  # the microstep's trigger's
        self.seen = Seen()
        self.watch = ClockWatch(dependencies)  # what a move of the clock can have changed
        self._active: frozenset[str] | None = None
        self._layout = Layout([], {})
        self._scans: dict[str | None, Scanned] = {}  # trigger -> its last scan without a fire, this configuration
        self._scope: Scope = Scope({}, {})  # the microstep's scope, clock and trigger (set by select)
        self._clock = Clock(datetime.min, {})
        self._trigger: str | None = None
        self._last: tuple[frozenset[str], str | None, Selection] | None = None

    def forget_states(self, states: Iterable[str]) -> None:
        kept, scans = self.kept.values(), self._scans.values()
        for state in states:
            forgotten = False
            for outcomes in kept:
                if state in outcomes:
                    del outcomes[state]
                    forgotten = True
            if forgotten:
                self._last = None
                for scan in scans:
                    scan.dirty.add(state)

    def forget_guards(self, transitions: Iterable[str]) -> None:
        evaluations, values, source = self.evaluations, self.values, self.deps.source
        self.forget_states(
            source[t]
            for t in transitions
            if (evaluations.pop(t, None) is not None) | (values.pop(t, _ABSENT) is not _ABSENT)
        )

    def forget_derived(self, names: Iterable[str]) -> None:
        derived, values = self.derived, self.derived_values
        for name in names:
            derived.pop(name, None)
            values.pop(name, None)

    def refresh(self, scope: Scope, clock: Clock) -> None:
        """Forget the evaluations and outcomes that read what changed since the last microstep."""
        facts, decisions, entered, moved, before = self.seen.update(scope, clock)
        deps = self.deps
        if moved:
            derived, guards, states = self.watch.moved(scope, clock, before)
            self.forget_derived(derived)
            self.forget_guards(guards)
            self.forget_states(states)
        if entered:
            self.forget_guards(t for state in entered for t in deps.in_state.get(state, ()))
            self.forget_states(entered & deps.timed)
        for fact in facts:
            self.forget_derived(deps.derived_by_fact.get(fact, ()))
            self.forget_guards(deps.by_fact.get(fact, ()))
            self.watch.fact_changed(fact)
        for key in decisions:
            self.forget_guards(deps.by_decision.get(key, ()))

    def select(self, active: frozenset[str], trigger: str | None, scope: Scope, clock: Clock) -> Selection:
        """Every transition to fire in this microstep, the states that wait, and the transitions preempted."""
        self.refresh(scope, clock)
        scope.keep_derived(self.derived, self.derived_values)
        last = self._last
        if last is not None and last[0] is active and last[1] == trigger:
            return last[2]
        if active is not self._active:
            self._active, self._layout = active, self.deps.layout(active)
            self._scans.clear()
        self._scope, self._clock, self._trigger = scope, clock, trigger
        outcomes = self.kept.get(trigger)
        if outcomes is None:
            outcomes = self.kept[trigger] = {}
        self._outcomes = outcomes
        selection = self._rescan(trigger)
        if selection is None:
            selection = self._scan(active)
        if not selection.fire:
            self._scans[trigger] = Scanned({w.state: w for w in selection.waits}, set())
        else:
            self._scans.pop(trigger, None)
        self._last = (active, trigger, selection)
        return selection

    def evaluate(self, t: TransitionInfo, guard: Compiled, entered: datetime | None) -> Evaluation:
        """A guard's evaluation in this microstep (kept while what it reads is unchanged); ``entered``: when its
        state was entered."""
        found = self.evaluations.get(t.id)
        if found is None:
            found = self.recall.evaluate(t.id, guard, self._scope)
            if found is None:
                found = guard.evaluate(self._scope, entered)
            self.evaluations[t.id] = found
        return found

    def judge(self, t: TransitionInfo, guard: Compiled, entered: datetime | None) -> tuple[str, Evaluation | None]:
        """A guard's outcome in this microstep: from its value alone when that decides it (its evaluation then
        worked out only if its state fires, :meth:`_fire`), else from its evaluation. A guard that was unknown the
        last time is evaluated in full at once (measured cheaper than trying its value first, although more than half
        of them are decided by then: see docs/performance.md)."""
        found = self.evaluations.get(t.id)
        if found is not None:
            return outcome(found), found
        values, unsure = self.values, self.unsure
        value = values.get(t.id, _ABSENT)
        if value is _ABSENT:
            value = values[t.id] = UNSURE if t.id in unsure else guard.value(self._scope, entered)
        if value is UNSURE:
            found = self.evaluate(t, guard, entered)
            result = outcome(found)
            if result == "true" or result == "false":
                unsure.discard(t.id)
            else:
                unsure.add(t.id)
            return result, found
        unsure.discard(t.id)
        return ("true" if value is True else "false"), None

    def _decided(self, state: str) -> Fire | Wait | None:
        """A state's outcome in this microstep, decided now and kept (while what its guards read is unchanged)."""
        found = self.deps.steps.get((state, self._trigger))
        result = self._outcomes[state] = None if found is None else self._decide(state, found)
        return result

    def _decide(self, state: str, steps: tuple[Step, ...]) -> Fire | Wait | None:
        """:func:`~pathway.engine.selection.decide` over the state's steps for the trigger, each guard judged by
        :meth:`judge`. The guards of a fire judged by their value alone are then evaluated in full, for its record
        (the outcome is the same: a guard's value gives the outcome its evaluation gives). A wait keeps them as they
        were judged: what reads a wait (its record, the needs, the guard errors) reads only its unknown and failed
        guards, and those are always evaluated in full."""
        clock = self._clock
        now, entered = clock.now, clock.entered.get(state)
        checked: list[Checked] = []
        by_value: list[tuple[int, Compiled]] = []  # where a guard was judged by its value alone, and the guard
        all_false = True  # every check so far is false or a pending timer
        for t, after, kind, guard in steps:
            if after is not None and entered is not None and now < (due := later(entered, after)):
                checked.append(Checked(t, "pending", None, due))
                continue
            if guard is None:
                result = "always" if kind == ALWAYS else "otherwise" if all_false else "false"
                checked.append(Checked(t, result))
            else:
                result, evaluation = self.judge(t, guard, entered)
                if evaluation is None:
                    by_value.append((len(checked), guard))
                checked.append(Checked(t, result, evaluation))
            if result == "false":
                continue
            if result == "true" or result == "always" or result == "otherwise":
                if all_false:
                    return self._fire(checked, by_value, entered)
                break  # an unknown guard before it: the state waits
            all_false = False  # unknown (no later transition fires, otherwise is false) or error (the scan stops)
            if result == "error":
                break
        return None if all_false else Wait(state, tuple(checked))

    def _fire(self, checked: list[Checked], by_value: list[tuple[int, Compiled]], entered: datetime | None) -> Fire:
        """The state (entered at ``entered``) fires the last transition checked: every guard judged by its value
        alone is evaluated in full (:meth:`evaluate`), since the transition's record reads them all (the chosen
        one's facts, and why each alternative before it did not fire)."""
        for n, guard in by_value:
            c = checked[n]
            checked[n] = Checked(c.transition, c.outcome, self.evaluate(c.transition, guard, entered))
        return Fire(checked[-1], tuple(checked[:-1]))

    def _scan(self, active: frozenset[str]) -> Selection:
        """:func:`~pathway.engine.selection.select`'s scan over the layout's chains, each state's outcome kept
        or decided now."""
        outcomes, decided_now = self._outcomes, self._decided
        fires: list[Fire] = []
        waits: list[Wait] = []
        met: set[str] = set()
        for chain in self._layout.chains:
            for state in chain:
                if state in met:
                    break
                met.add(state)
                result = outcomes.get(state, _ABSENT)
                if result is _ABSENT:
                    result = decided_now(state)
                if result is None:
                    continue
                if result.__class__ is Fire:
                    fires.append(result)
                    break
                waits.append(result)  # type: ignore[arg-type]
        return preempting(fires, waits, active, self.deps.exits)

    def _rescan(self, trigger: str | None) -> Selection | None:
        """The selection from the last scan of this configuration for this trigger, if no state fired in it: only
        the states forgotten since are decided again (every other outcome stands, and with no state firing the scan
        meets every active state once, in the layout's order). None when there is no such scan, or a state now
        fires (then the whole scan decides who fires and who is preempted)."""
        scan = self._scans.get(trigger)
        if scan is None:
            return None
        visits, waits, outcomes = self._layout.visits, scan.waits, self._outcomes
        for state in scan.dirty:
            if state not in visits:
                continue
            result = outcomes.get(state, _ABSENT)
            if result is _ABSENT:
                result = self._decided(state)
            if result is None:
                waits.pop(state, None)
            elif result.__class__ is Fire:
                return None
            else:
                waits[state] = result  # type: ignore[assignment]
        scan.dirty.clear()
        return Selection((), tuple(sorted(waits.values(), key=lambda w: visits[w.state])))
