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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from pathway.definition.analysis import Analysis
from pathway.definition.model import Action, Finding, Recommendation
from pathway.engine.assumed import Assumptions
from pathway.engine.checks import GuardErrors, blocked_message, check_of, read_entries
from pathway.engine.compile import STATEMACHINE_VERSION
from pathway.engine.decided import DecisionRules
from pathway.engine.decisions import Decisions
from pathway.engine.engines import Engine, Machine
from pathway.engine.items import Carried, ItemRules, Together
from pathway.engine.selection import Checked, Fire, Wait
from pathway.engine.timeline import Timeline
from pathway.engine.values import Values, fields
from pathway.engine.wakes import WakeRules, stance
from pathway.expr import Scope
from pathway.journey.check import Input, LoadedJourney, input_to_record
from pathway.trail.parts import (
    ActiveItem,
    Check,
    EngineRef,
    FirstIssued,
    InputSource,
    JourneyRef,
    PathwayRef,
    StateWaiting,
)
from pathway.trail.plain import trusted
from pathway.trail.records import (
    SCHEMA,
    Entry,
    ErrorRecord,
    HeaderRecord,
    InputRecord,
    IssuedRecord,
    Record,
    RetiredRecord,
    RevisedRecord,
    StartRecord,
    SummaryRecord,
    TransitionRecord,
    WaitingRecord,
)
from pathway.trail.sealing import seal_values
from pathway.version import __version__

MAX_MICROSTEPS = 200
E = TypeVar("E", bound=Entry)


class _Run(ItemRules, DecisionRules, WakeRules):
    """The mutable state of one run; produces the records."""

    def __init__(self, analysis: Analysis, engine: Engine, journey: LoadedJourney) -> None:
        self.analysis = analysis
        self.engine = engine
        self.select = engine.selector()
        self.journey = journey
        self.order = {state: n for n, state in enumerate(analysis.index.states)}
        self.records: list[Record] = []
        self.lines: list[str] = []  # each record's canonical line, written as it was sealed
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

    def sealed_line(self, kind: type[E], **fields: Any) -> tuple[Record, str]:
        """A record of this kind, stamped with its place after the records so far and sealed into the chain, with
        its canonical line."""
        if self.records:
            fields.update(seq=len(self.records), at=self.at, input=self.input_seq, prev=self.records[-1].hash)
        else:
            fields.update(seq=0, prev=None)
        return cast(tuple[Record, str], seal_values(kind, fields))

    def sealed(self, kind: type[E], **fields: Any) -> Record:
        """A record of this kind, stamped with its place after the records so far and sealed into the chain."""
        return self.sealed_line(kind, **fields)[0]

    def emit(self, kind: type[E], **fields: Any) -> None:
        """Append a record of this kind to the trail, and its line."""
        record, line = self.sealed_line(kind, **fields)
        self.records.append(record)
        self.lines.append(line)

    def header(self) -> None:
        p = self.analysis.pathway
        self.emit(
            HeaderRecord,
            schema_=SCHEMA,
            journey=trusted(JourneyRef, id=self.journey.id, description=self.journey.description or None),
            pathway=trusted(PathwayRef, id=p.pathway, version=p.version, sha256=self.analysis.sha256, title=p.title),
            engine=trusted(EngineRef, pathway=__version__, statemachine=STATEMACHINE_VERSION),
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
        given = {k: v for k, v in input_to_record(inp).items() if k not in ("seq", "at")}
        if "sources" in given:  # JSON-ready data: the record holds its parts (built unvalidated, as they are given)
            sources = cast(dict[str, dict[str, str]], given["sources"])
            given["sources"] = {k: trusted(InputSource, **v) for k, v in sources.items()}
        self.emit(InputRecord, **given)
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
        self.machine = self.engine.machine()
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
            selection = self.select(self.active, trigger, scope, self.timeline.clock())
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
        self.machine.fire(t.id)
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
            info = self.analysis.index.states[state]
            for action in info.recommended:
                if state not in self.blocked.get(action, ()):  # superseded while this state was active
                    wanted.setdefault(("recommendation", action), state)
            for finding in info.state.conclude:
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
                **stance(entry),
                applies=applies.get(key[1]),
                until=item.until,
            )
            if key[0] == "recommendation":
                given = {name for name, seq in self.given_by.items() if seq == self.input_seq}
                self.fulfil(key[1], item, given)
                issued.append(key[1])
        self.inapplicable = {a: s for a, s in self.inapplicable.items() if ("recommendation", a) in withheld}
        self.supersede(issued, cause)

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
            trusted(
                ActiveItem,
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

    def summary(self) -> SummaryRecord:
        """The closing record of the run as it stands: what the trail would end with if the journey ended here."""
        return self.summary_line()[0]

    def summary_line(self) -> tuple[SummaryRecord, str]:
        """:meth:`summary`, and its canonical line."""
        waits = sorted(self.waits.items(), key=lambda kv: self.order[kv[0]])
        assumed = self.assumptions.summary(self.facts)
        due, overdue = self.deadlines()
        record, line = self.sealed_line(
            SummaryRecord,
            states=self.sorted_states(self.active),
            recommendations=self.active_items("recommendation"),
            findings=self.active_items("finding"),
            issued=tuple(trusted(FirstIssued, id=a, first=at) for a, at in self.first_issued.items()),
            needs=tuple(sorted({*self.needs(), *(a.fact for a in assumed)})),
            waiting=tuple(trusted(StateWaiting, state=s, needs=w.needs) for s, w in waits),
            terminated=bool(self.machine and self.machine.terminated),
            error=self.error,
            errors=self.guard_errors.summary(),
            due=due or None,
            overdue=overdue or None,
            assumed=assumed or None,
            conflicts=self.standing_conflicts() or None,
        )
        assert isinstance(record, SummaryRecord)
        return record, line


@dataclass(frozen=True)
class Step:
    """The run after one input: the records that input produced, and the summary the trail would close with if the
    journey ended there (byte for byte the last record of a run of the journey cut after this input)."""

    input: int
    at: str
    records: tuple[Record, ...]
    summary: SummaryRecord


def run_steps(analysis: Analysis, engine: Engine, journey: LoadedJourney) -> Iterator[Step]:
    """One :class:`Step` per input, in order, from a single run. After an engine error the run stops: the later
    inputs are not applied, and their steps carry no records and the same summary."""
    run = _Run(analysis, engine, journey)
    run.header()
    for inp in journey.inputs:
        first = len(run.records)
        if run.error is None:
            run.apply_safely(inp)
        yield Step(inp.seq, inp.at_text, tuple(run.records[first:]), run.summary())


def run_records(analysis: Analysis, engine: Engine, journey: LoadedJourney) -> list[Record]:
    """Every record of the run, header to summary, sealed in a hash chain."""
    return run_trail(analysis, engine, journey)[0]


def run_trail(analysis: Analysis, engine: Engine, journey: LoadedJourney) -> tuple[list[Record], list[str]]:
    """Every record of the run, header to summary, sealed in a hash chain, and each one's canonical line (what the
    trail file holds, line by line)."""
    run = _Run(analysis, engine, journey)
    run.header()
    for inp in journey.inputs:
        if run.error is not None:
            break
        run.apply_safely(inp)
    summary, line = run.summary_line()
    run.records.append(summary)
    run.lines.append(line)
    return run.records, run.lines
