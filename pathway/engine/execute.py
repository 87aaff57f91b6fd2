"""Run a patient journey through a pathway and produce its audit trail.

For each input, in order: first wake at every moment that falls due before it or at its ``at`` (a timer, a recurring
recommendation, a fact going stale; :mod:`pathway.engine.timeline`), then record it, update the facts and the
virtual clock (the input's ``at``; never the wall clock), run eventless transitions to completion, then the input's
``event`` (if any) followed by eventless transitions to completion again; then record ``done`` care that the pathway
did not recommend as a deviation, a ``declined`` recommendation as a recorded decision, which states wait for which
facts, and which are blocked by a guard that could not be evaluated (PW411; the run goes on, but it is not ok). The
results an input gives that fulfil an active order (``fulfilled_by``) count before transitions run; the decisions it
records (done, declined, signed) once its facts and event have run to completion, and then eventless transitions run
to completion again, so that a decision answers what the entry brought up; an action's ``applies_to`` decides
whether its recommendation is issued (:mod:`pathway.engine.decisions`, ``docs/recommendations.md``).
``docs/time.md`` states the rules of time. Guards see the facts given and, where those leave one undecided, the
assumed values of the facts not given (:mod:`pathway.engine.assumed`). Selection rules live in
:mod:`pathway.engine.selection`; python-statemachine applies each selected transition to the configuration
(:mod:`pathway.engine.compile`); :mod:`pathway.engine.checks` turns guard evaluations into trail parts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from pathway.definition.analysis import Analysis
from pathway.definition.canonical import sha256_of
from pathway.definition.model import Action, Finding, Recommendation
from pathway.engine.assumed import Assumptions
from pathway.engine.checks import GuardErrors, blocked_message, check_of, json_value, read_entries
from pathway.engine.compile import STATEMACHINE_VERSION, CompiledChart, Machine
from pathway.engine.decisions import Decisions
from pathway.engine.items import Carried, ItemRules, Together
from pathway.engine.selection import Checked, Fire, Wait, check_timer, outcome, select
from pathway.engine.timeline import Timeline, Timer
from pathway.engine.values import Values, fields
from pathway.expr import Scope
from pathway.expr.durations import format_time
from pathway.journey.check import Input, LoadedJourney, input_to_record
from pathway.trail.io import seal
from pathway.trail.parts import (
    ActiveItem,
    Check,
    Due,
    EngineRef,
    FirstIssued,
    JourneyRef,
    PathwayRef,
    StateWaiting,
)
from pathway.trail.records import (
    SCHEMA,
    UNSEALED,
    DeclinedRecord,
    DeviationRecord,
    Entry,
    ErrorRecord,
    ExpiredRecord,
    FulfilledRecord,
    HeaderRecord,
    InapplicableRecord,
    InputRecord,
    IssuedRecord,
    Record,
    RetiredRecord,
    RevisedRecord,
    StartRecord,
    SummaryRecord,
    TimerRecord,
    TransitionRecord,
    WaitingRecord,
)
from pathway.version import __version__

MAX_MICROSTEPS = 200
MAX_WAKEUPS = 10_000
"""Most wake-ups (timers, recurrences, facts going stale) before one input: beyond, the run stops (PW413)."""
E = TypeVar("E", bound=Entry)


def _stance(entry: Action | Finding) -> dict[str, str]:
    """An issued recommendation's strength and direction, as its action states them (none for a finding)."""
    return entry.stance.record() if isinstance(entry, Action) else {}


class _Run(ItemRules):
    """The mutable state of one run; produces the records."""

    def __init__(self, analysis: Analysis, chart: CompiledChart, journey: LoadedJourney) -> None:
        self.analysis = analysis
        self.chart = chart
        self.journey = journey
        self.order = {state: n for n, state in enumerate(analysis.index.states)}
        self.records: list[Record] = []
        self.facts: dict[str, object] = {}
        self.supplied: dict[str, int] = {}  # fact -> the input that gave its current value
        self.given_by: dict[str, int] = {}  # fact -> the input that last gave it a value, stale or not (last(f))
        self.assumptions = Assumptions(analysis)
        self.machine: Machine | None = None
        self.active: frozenset[str] = frozenset()
        self.items: dict[tuple[str, str], Carried] = {}
        self.decisions = Decisions()  # done, declined, signed: what guards read of them
        self.inapplicable: dict[str, str] = {}  # action -> the state whose recommendation its applies_to withholds
        self.issued_now: set[str] = set()  # the actions issued while the current input is processed
        self.blocked: dict[str, set[str]] = {}
        self.together = Together(analysis.pathway.actions)
        self.first_issued: dict[str, str] = {}
        self.waits: dict[str, Wait] = {}
        self.shown_waits: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self.guard_errors = GuardErrors()
        self.error: str | None = None
        self.at = ""
        self.input_seq = 0
        self.timeline = Timeline(analysis)
        self.values = Values(analysis)
        self.rules: dict[tuple[str, str], Recommendation] = {
            (state, rule.action): rule
            for state, info in analysis.index.states.items()
            for rule in info.state.recommendations
        }

    # --- records --------------------------------------------------------------------------------------------

    def sealed(self, kind: type[E], **fields: Any) -> Record:
        """A record of this kind, stamped with its place after the records so far and sealed into the chain."""
        envelope: dict[str, Any] = {"seq": len(self.records), "hash": UNSEALED}
        if self.records:
            envelope.update(at=self.at, input=self.input_seq, prev=self.records[-1].hash)
        else:
            envelope.update(prev=None)
        return cast(Record, seal(kind(**envelope, **fields)))

    def emit(self, kind: type[E], **fields: Any) -> None:
        """Append a record of this kind to the trail."""
        self.records.append(self.sealed(kind, **fields))

    def header(self) -> None:
        p = self.analysis.pathway
        self.emit(
            HeaderRecord,
            schema_=SCHEMA,
            journey=JourneyRef(id=self.journey.id, description=self.journey.description or None),
            pathway=PathwayRef(id=p.pathway, version=p.version, sha256=sha256_of(p), title=p.title),
            engine=EngineRef(pathway=__version__, statemachine=STATEMACHINE_VERSION),
        )

    def sorted_states(self, states: set[str] | frozenset[str]) -> tuple[str, ...]:
        return tuple(sorted(states, key=self.order.__getitem__))

    def checked(self, c: Checked) -> Check:
        check = check_of(
            c,
            self.analysis.derived,
            self.supplied,
            self.given_by,
            assumed=self.assumptions.now,
            recorded_by=self.decisions.by,
        )
        self.assumptions.note(check.read, self.at)
        return check

    def scope(self) -> Scope:
        """What guards see now: the facts given, the clock, the decisions recorded, and the assumed value of each fact
        with an ``assume`` that is not given (unless the facts given contradict it:
        :mod:`pathway.definition.constraints`), read only where the facts alone leave a guard unknown and the
        assumption decides it (:mod:`pathway.expr.evaluate`)."""
        assumed = self.assumptions.current(self.facts)
        return Scope(
            self.facts,
            self.analysis.derived,
            self.timeline.now,
            given=self.timeline.given,
            recorded=self.decisions.at,
            assumed=assumed,
        )

    def standing(self) -> None:
        """The assumptions that keep the patient where they are: see :mod:`pathway.engine.assumed`."""
        if self.analysis.assumptions and self.machine is not None and not self.machine.terminated:
            transitions = (t for s in self.sorted_states(self.active) for t in self.analysis.index.outgoing(s))
            self.assumptions.standing(transitions, self.scope(), self.timeline.clock(), self.at)

    def value_scope(self) -> Scope:
        """What computed values see now: the facts given, the clock, when each fact was given; never an assumption
        (a dose is not worked out from a value nobody recorded)."""
        return Scope(self.facts, self.analysis.derived, self.timeline.now, given=self.timeline.given)

    def valued(self, kind: str, action: str) -> dict[str, Any]:
        """The ``values`` and ``text`` of an issue of a recommendation, worked out now (none for a finding)."""
        if kind != "recommendation":
            return {}
        return fields(self.values.issue(action, self.value_scope(), self.supplied, self.given_by))

    def revise(self) -> None:
        """Work out the values of the active recommendations again; record each recommendation whose values
        changed since they were last recorded."""
        active = [action for kind, action in self.items if kind == "recommendation"]
        for action, changed, worked in self.values.revise(active, self.value_scope(), self.supplied, self.given_by):
            item = self.items[("recommendation", action)]
            self.emit(
                RevisedRecord, id=action, state=item.state, changed=changed, values=worked.values, text=worked.text
            )

    # --- steps ----------------------------------------------------------------------------------------------

    def apply(self, inp: Input) -> None:
        self.input_seq = inp.seq
        if self.machine is not None:
            self.advance(inp.at)
            if self.error is not None:
                return
        self.at, self.timeline.now = inp.at_text, inp.at
        self.issued_now = set()
        self.emit(InputRecord, **{k: v for k, v in input_to_record(inp).items() if k not in ("seq", "at")})
        if self.machine is None:
            self.start()
        before = self.recommended()
        for name, value in inp.facts.items():
            self.facts[name] = value
            self.supplied[name] = self.given_by[name] = inp.seq
            self.assumptions.given(name)
            self.timeline.give(name)
        self.fulfil_active(inp)
        self.complete(None)
        if inp.event is not None and self.error is None:
            self.complete(inp.event)
        if self.decisions.record_input(inp) and self.error is None:
            self.complete(None)  # the decision answers what the entry's facts and event brought up
        self.decided(inp, before)
        if self.error is None:
            self.resolve()
            self.record_conflicts()
            self.revise()
        self.standing()
        self.report_waits()
        self.report_errors()

    def decided(self, inp: Input, before: tuple[str, ...]) -> None:
        """Once the input's transitions ran: what its facts changed of whom actions concern, the care it records
        as done and the recommendation it records as declined, checked against what was recommended."""
        if self.error is None:
            self.sync_items("applies_to")
        if inp.done is not None:
            self.conformance(inp, before)
        if inp.declined is not None:
            self.decline(inp, before)

    def fulfil_active(self, inp: Input) -> None:
        """The active recommendations whose result this input gave (``fulfilled_by``)."""
        for (kind, action), item in self.items.items():
            if kind == "recommendation":
                self.fulfil(action, item, inp.facts)

    def advance(self, limit: datetime) -> None:
        """Wake at every moment after the clock and at or before ``limit`` when something falls due, in order."""
        for _ in range(MAX_WAKEUPS):
            recurrences = (at for item in self.items.values() if (at := item.next_issue) is not None)
            moment = self.timeline.next_wake(self.active, recurrences, limit)
            if moment is None or self.error is not None:
                return
            self.wake(moment)
        self.error = f"more than {MAX_WAKEUPS} wake-ups (timers, recurrences, stale facts) before one input"
        self.emit(ErrorRecord, code="PW413", message=self.error)

    def wake(self, moment: datetime) -> None:
        """One wake-up: stale facts are forgotten, eventless transitions (timers among them) run to completion,
        recurring recommendations due again are issued again; then waits and guard errors are recorded."""
        falling = [t for t in self.timeline.timers(self.active) if t.due == moment]
        self.timeline.now, self.at = moment, format_time(moment)
        for name in self.timeline.going_stale():
            if name in self.facts:
                seq = self.supplied.pop(name)
                self.emit(
                    ExpiredRecord,
                    fact=name,
                    value=json_value(self.facts.pop(name)),
                    given=self.journey.inputs[seq - 1].at_text,
                    from_=seq,
                    valid_for=self.analysis.pathway.facts[name].valid_for,
                )
        self.complete(None)
        if self.error is None:
            self.sync_items("applies_to")
            self.resolve()
            self.armed(falling)
            self.recur(moment)
            self.record_conflicts()
            self.revise()
        self.standing()
        self.report_waits()
        self.report_errors()

    def armed(self, falling: list[Timer]) -> None:
        """Record each timer that fell due now and did not fire because its guard is false (it stays armed)."""
        scope = self.scope()
        for timer in falling:
            t = timer.transition
            if t.source not in self.active or self.timeline.entered.get(t.source) != timer.entered:
                continue  # its state was left (or left and entered again) at this moment
            checked = check_timer(t, self.analysis, scope, self.timeline.clock())
            if checked.outcome == "false":
                self.emit(TimerRecord, state=t.source, check=self.checked(checked))

    def recur(self, moment: datetime) -> None:
        issued: list[str] = []
        for (kind, action), item in self.items.items():
            if item.next_issue is None or item.next_issue > moment:
                continue
            issued.append(action)
            item.reissue(moment)
            entry = self.catalogue(kind)[action]
            self.emit(
                IssuedRecord,
                item=kind,
                id=action,
                title=entry.title,
                state=item.state,
                cause="every",
                evidence=tuple(entry.evidence),
                due=item.due_text(),
                every=item.every_text,
                occurrence=item.occurrence,
                **self.valued(kind, action),
                **_stance(entry),
                until=item.until,
            )
        self.supersede(issued, "every")

    def apply_safely(self, inp: Input) -> None:
        """Apply an input; an unexpected exception inside the engine (or python-statemachine) stops the run with
        an error record (PW412), like an eventless cycle, instead of escaping as a traceback."""
        try:
            self.apply(inp)
        except Exception as failure:  # a bug, not bad input: every input was checked before the run
            self.error = (
                f"the engine failed unexpectedly ({type(failure).__name__}: {failure}); this is a bug in pathway, "
                "please report it"
            )
            self.emit(ErrorRecord, code="PW412", message=self.error)

    def start(self) -> None:
        self.machine = self.chart.new()
        self.active = self.machine.active()
        self.timeline.enter(self.active)
        self.emit(StartRecord, entered=self.sorted_states(self.active))
        self.sync_items("start")

    def complete(self, trigger: str | None) -> None:
        assert self.machine is not None
        for _ in range(MAX_MICROSTEPS):
            if self.machine.terminated:
                self.waits = {}
                return
            scope = self.scope()
            selection = select(self.analysis, self.active, trigger, scope, self.timeline.clock())
            self.guard_errors.meet(selection.waits)
            if trigger is None:
                self.waits = {w.state: w for w in selection.waits if w.unknown}
            if not selection.fire:
                return
            for fire in selection.fire:
                self.take(fire, selection.preempted)
            trigger = None
        self.error = f"more than {MAX_MICROSTEPS} transitions without new input: an eventless cycle"
        self.emit(ErrorRecord, code="PW410", message=self.error)

    def take(self, fire: Fire, preempted: tuple[tuple[Fire, str], ...]) -> None:
        assert self.machine is not None
        t = fire.transition
        before = self.active
        self.machine.fire(self.chart.event_of[t.id])
        self.active = self.machine.active()
        self.timeline.leave(before - self.active)
        self.timeline.enter(self.active - before)
        lost = tuple(loser.transition.id for loser, winner in preempted if winner == t.id)
        assumed = self.assumptions.now
        read = read_entries(
            fire.chosen.evaluation,
            self.analysis.derived,
            self.supplied,
            self.given_by,
            assumed=assumed,
            recorded_by=self.decisions.by,
        )
        self.assumptions.note(read, self.at)
        self.emit(
            TransitionRecord,
            id=t.id,
            source=t.source,
            target=t.target,
            trigger=t.event,
            guard=t.when,
            outcome=fire.chosen.outcome,
            read=read,
            alternatives=tuple(self.checked(c) for c in fire.before),
            evidence=tuple(t.evidence),
            exited=self.sorted_states(before - self.active),
            entered=self.sorted_states(self.active - before),
            preempted=lost or None,
            after=t.transition.after,
        )
        self.sync_items(t.id)

    def wanted(self) -> dict[tuple[str, str], str]:
        wanted: dict[tuple[str, str], str] = {}
        for state in self.sorted_states(self.active):
            info = self.analysis.index.states[state].state
            for action in info.recommended:
                if state not in self.blocked.get(action, ()):  # superseded while this state was active
                    wanted.setdefault(("recommendation", action), state)
            for finding in info.conclude:
                wanted.setdefault(("finding", finding), state)
        return wanted

    def sync_items(self, cause: str) -> None:
        """Issue what the active states recommend and conclude and retire what they no longer do; a recommendation
        whose action's ``applies_to`` is definitely false is withheld (and retired, cause 'applies_to'); one with
        ``until`` persists after its states are left (see :class:`~pathway.engine.items.ItemRules`); an action issued
        retires the recommendations it supersedes."""
        self.unblock()
        wanted = self.wanted()
        applies = self.applicability(wanted)
        withheld = {key for key in wanted if applies.get(key[1]) == "false" and key[0] == "recommendation"}
        for key in [k for k in self.items if k in withheld]:
            item = self.items.pop(key)
            self.emit(RetiredRecord, item=key[0], id=key[1], state=item.state, cause=self.retired_by(key, cause))
        issuing = [
            k[1]
            for k in wanted
            if k[0] == "recommendation" and k not in withheld and (k not in self.items or self.items[k].persisting)
        ]
        superseding = self.superseded_by(issuing)
        for key in [k for k, item in self.items.items() if k not in wanted and not item.persisting]:
            if key[0] != "recommendation" or key[1] not in superseding:  # else retired as superseded below
                self.leave(key, cause)
        issued: list[str] = []
        for key, state in wanted.items():
            if key in withheld or (key in self.items and not self.items[key].persisting):  # a persisting one: again
                continue
            entry = self.catalogue(key[0])[key[1]]
            item = self.items[key] = Carried.issue(self.at, state, self.timeline.now, self.rules.get((state, key[1])))
            if key[0] == "recommendation":
                self.first_issued.setdefault(key[1], self.at)
                self.issued_now.add(key[1])
            self.emit(
                IssuedRecord,
                item=key[0],
                id=key[1],
                title=entry.title,
                state=state,
                cause=self.issued_by(key, state, cause),
                evidence=tuple(entry.evidence),
                due=item.due_text(),
                every=item.every_text,
                **self.valued(*key),
                **_stance(entry),
                applies=applies.get(key[1]),
                until=item.until,
            )
            if key[0] == "recommendation":
                given = {name for name, seq in self.given_by.items() if seq == self.input_seq}
                self.fulfil(key[1], item, given)
                issued.append(key[1])
        self.inapplicable = {a: s for a, s in self.inapplicable.items() if ("recommendation", a) in withheld}
        self.supersede(issued, cause)

    def issued_by(self, key: tuple[str, str], state: str, cause: str) -> str:
        """Why an item is issued: its action's ``applies_to`` stopped being false while the state that recommends it
        stayed active, else ``cause``."""
        withheld = key[0] == "recommendation" and self.inapplicable.pop(key[1], None) == state
        return "applies_to" if withheld else cause

    def retired_by(self, key: tuple[str, str], cause: str) -> str:
        """Why an item is retired: its action's ``applies_to`` turned false while its state still recommends it
        (the inapplicable record was just written), else ``cause``."""
        return "applies_to" if key[0] == "recommendation" and key[1] in self.inapplicable else cause

    def applicability(self, wanted: Mapping[tuple[str, str], str]) -> dict[str, str]:
        """For each wanted recommendation whose action has ``applies_to``: its outcome now ('true', 'false',
        'unknown', 'error'); an ``inapplicable`` record for each that has just become definitely false."""
        found: dict[str, str] = {}
        scope: Scope | None = None
        for (kind, action), state in wanted.items():
            guard = self.analysis.applies_to.get(action)
            if kind != "recommendation" or guard is None:
                continue
            scope = scope or self.scope()
            evaluation = guard.evaluate(scope)
            found[action] = outcome(evaluation)
            if found[action] == "false" and self.inapplicable.get(action) != state:
                self.inapplicable[action] = state
                entry = self.analysis.pathway.actions[action]
                read = read_entries(
                    evaluation, self.analysis.derived, self.supplied, self.given_by, recorded_by=self.decisions.by
                )
                self.emit(
                    InapplicableRecord,
                    id=action,
                    title=entry.title,
                    state=state,
                    guard=guard.text,
                    read=read,
                )
        return found

    def fulfil(self, action: str, item: Carried, given: Iterable[str]) -> None:
        """An active recommendation is done when a fact of its action's ``fulfilled_by`` was given by the input
        being processed (its result arrived): recorded once per issue, with the fact and the input."""
        facts = self.analysis.pathway.actions[action].fulfilled_by
        if not facts or item.done is not None:
            return
        given = set(given)
        fact = next((name for name in facts if name in given), None)
        if fact is None or fact not in self.facts:
            return
        item.done = self.at
        self.decisions.record("done", action, self.timeline.now, self.input_seq)
        value = json_value(self.facts[fact])
        self.emit(FulfilledRecord, action=action, state=item.state, fact=fact, value=value, from_=self.input_seq)

    def recommended(self) -> tuple[str, ...]:
        return tuple(sorted(k[1] for k in self.items if k[0] == "recommendation"))

    def conformance(self, inp: Input, before: tuple[str, ...]) -> None:
        """Care given conforms when it was recommended just before this input or once it was processed (an entry
        may record the care together with the facts it changed)."""
        after = self.recommended()
        item = self.items.get(("recommendation", inp.done or ""))
        if item is not None:
            item.done = inp.at_text
        if inp.done not in before and inp.done not in after:
            self.emit(
                DeviationRecord,
                action=inp.done,
                recommended=after,
                reason=inp.reason or None,
                reason_code=inp.reason_code,
            )

    def decline(self, inp: Input, before: tuple[str, ...]) -> None:
        """A recommendation declined is a recorded decision, not a deviation; declining one the pathway did not
        recommend at any moment of this input is kept too (guards read it), and flagged (``recommended: false``)."""
        action = inp.declined or ""
        item = self.items.get(("recommendation", action))
        if item is not None:
            item.declined = inp.at_text
        recommended = action in before or action in self.recommended() or action in self.issued_now
        self.emit(
            DeclinedRecord,
            action=action,
            recommended=recommended,
            state=item.state if item is not None else None,
            reason_code=inp.reason_code,
            reason=inp.reason or None,
        )

    def report_waits(self) -> None:
        for state, wait in sorted(self.waits.items(), key=lambda kv: self.order[kv[0]]):
            shown = (tuple(c.transition.id for c in wait.unknown), wait.needs)
            if self.shown_waits.get(state) == shown:
                continue
            self.shown_waits[state] = shown
            blocked = tuple(self.checked(c) for c in wait.unknown)
            self.emit(WaitingRecord, state=state, blocked=blocked, needs=wait.needs)
        for state in [s for s in self.shown_waits if s not in self.waits]:
            del self.shown_waits[state]

    def report_errors(self) -> None:
        """Every state a guard error blocked while this input was processed: recorded after each input for as
        long as it lasts (an error is not a wait, so it is not kept quiet while unchanged)."""
        for state, checks in self.guard_errors.drain(self.order, self.at):
            message = blocked_message(state, checks)
            blocked = tuple(self.checked(c) for c in checks)
            self.emit(ErrorRecord, code="PW411", message=message, state=state, blocked=blocked)

    def catalogue(self, kind: str) -> Mapping[str, Action | Finding]:
        p = self.analysis.pathway
        return p.actions if kind == "recommendation" else p.findings

    def active_items(self, kind: str) -> tuple[ActiveItem, ...]:
        """The active recommendations (kind 'recommendation') or findings, with since, state and evidence."""
        catalogue = self.catalogue(kind)
        return tuple(
            ActiveItem(
                id=k[1],
                title=catalogue[k[1]].title,
                since=v.since,
                state=v.state,
                evidence=tuple(catalogue[k[1]].evidence),
                due=v.due_text(),
                done=v.done if v.due is not None or self.fulfillable(k[1]) else None,
                declined=v.declined,
                **(self.values.now(k[1]) if kind == "recommendation" else {}),
                until=v.until,
                persisting=True if v.persisting else None,
            )
            for k, v in self.items.items()
            if k[0] == kind
        )

    def needs(self) -> tuple[str, ...]:
        """The facts to collect: those the waiting states need, and those the unknown values of the active
        recommendations need."""
        needed = {n for w in self.waits.values() for n in w.needs}
        needed |= self.values.needs(action for kind, action in self.items if kind == "recommendation")
        return tuple(sorted(needed))

    def fulfillable(self, action: str) -> bool:
        """Whether an action has ``fulfilled_by`` (its summary entry says when it was done, deadline or not)."""
        entry = self.analysis.pathway.actions.get(action)
        return entry is not None and bool(entry.fulfilled_by)

    def deadlines(self) -> tuple[tuple[Due, ...], tuple[Due, ...]]:
        """(due, overdue) at the clock's time: pending timers and deadlines not done, each in time order."""
        due = [
            Due(kind="timer", id=t.transition.id, state=t.transition.source, at=format_time(t.due), after=a)
            for t in self.timeline.timers(self.active)
            if t.due != datetime.max and (a := t.transition.transition.after) is not None
        ]
        overdue: list[Due] = []
        for (kind, action), item in self.items.items():
            found = item.deadline(action, self.timeline.now) if kind == "recommendation" else None
            if found is not None:
                (overdue if found[0] == "overdue" else due).append(found[1])
        order = {"timer": 0, "action": 1}
        return tuple(sorted(due, key=lambda d: (d.at, order[d.kind], d.id))), tuple(
            sorted(overdue, key=lambda d: (d.at, d.id))
        )

    def summary(self) -> SummaryRecord:
        """The closing record of the run as it stands: what the trail would end with if the journey ended here."""
        waits = sorted(self.waits.items(), key=lambda kv: self.order[kv[0]])
        assumed = self.assumptions.summary(self.facts)
        due, overdue = self.deadlines()
        record = self.sealed(
            SummaryRecord,
            states=self.sorted_states(self.active),
            recommendations=self.active_items("recommendation"),
            findings=self.active_items("finding"),
            issued=tuple(FirstIssued(id=a, first=at) for a, at in self.first_issued.items()),
            needs=tuple(sorted({*self.needs(), *(a.fact for a in assumed)})),
            waiting=tuple(StateWaiting(state=s, needs=w.needs) for s, w in waits),
            terminated=bool(self.machine and self.machine.terminated),
            error=self.error,
            errors=self.guard_errors.summary(),
            due=due or None,
            overdue=overdue or None,
            assumed=assumed or None,
            conflicts=self.standing_conflicts() or None,
        )
        assert isinstance(record, SummaryRecord)
        return record


@dataclass(frozen=True)
class Step:
    """The run after one input: the records that input produced, and the summary the trail would close with if the
    journey ended there (byte for byte the last record of a run of the journey cut after this input)."""

    input: int
    at: str
    records: tuple[Record, ...]
    summary: SummaryRecord


def run_steps(analysis: Analysis, chart: CompiledChart, journey: LoadedJourney) -> Iterator[Step]:
    """One :class:`Step` per input, in order, from a single run. After an engine error the run stops: the later
    inputs are not applied, and their steps carry no records and the same summary."""
    run = _Run(analysis, chart, journey)
    run.header()
    for inp in journey.inputs:
        first = len(run.records)
        if run.error is None:
            run.apply_safely(inp)
        yield Step(inp.seq, inp.at_text, tuple(run.records[first:]), run.summary())


def run_records(analysis: Analysis, chart: CompiledChart, journey: LoadedJourney) -> list[Record]:
    """Every record of the run, header to summary, sealed in a hash chain."""
    run = _Run(analysis, chart, journey)
    run.header()
    for inp in journey.inputs:
        if run.error is not None:
            break
        run.apply_safely(inp)
    run.records.append(run.summary())
    return run.records
