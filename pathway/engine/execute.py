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

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from pathway.definition.analysis import Analysis
from pathway.engine.assumed import Assumptions
from pathway.engine.checks import GuardErrors, check_of, read_entries
from pathway.engine.compile import STATEMACHINE_VERSION
from pathway.engine.decisions import Decisions
from pathway.engine.engines import Engine, Machine
from pathway.engine.items import Carried, Together
from pathway.engine.reports import ReportRules
from pathway.engine.selection import Checked, Fire, Wait
from pathway.engine.tables import Kept, tables
from pathway.engine.timeline import Timeline
from pathway.engine.values import Values
from pathway.expr import Evaluation, Scope
from pathway.journey.check import Input, LoadedJourney, input_to_record
from pathway.trail.parts import (
    Check,
    EngineRef,
    InputSource,
    JourneyRef,
    PathwayRef,
)
from pathway.trail.plain import trusted
from pathway.trail.records import (
    SCHEMA,
    Entry,
    ErrorRecord,
    HeaderRecord,
    InputRecord,
    Record,
    StartRecord,
    SummaryRecord,
    TransitionRecord,
)
from pathway.trail.sealing import seal_values
from pathway.version import __version__

MAX_MICROSTEPS = 200
E = TypeVar("E", bound=Entry)


class _Run(ReportRules):
    """The mutable state of one run; produces the records."""

    def __init__(self, analysis: Analysis, engine: Engine, journey: LoadedJourney) -> None:
        self.analysis = analysis
        self.engine = engine
        self.select = engine.selector()
        self.journey = journey
        self.tables = tables(analysis)
        self.order = self.tables.order
        self.records: list[Record] = []
        self.lines: list[str] = []  # each record's canonical line, written as it was sealed
        self.facts: dict[str, object] = {}
        self.fact_log: list[str] = []  # every fact given or forgotten, in order (its length: fact_changes)
        self.fact_version: dict[str, int] = {}  # fact -> fact_changes when it was last given or forgotten
        self._scope: tuple[int, tuple[int, int], Scope] | None = None  # the scope of this moment
        self._value_scope: tuple[int, int, Scope] | None = None
        self.kept: Kept[Evaluation] = Kept()  # until and applies_to guards, kept while what they read is unchanged
        self.supplied: dict[str, int] = {}  # fact -> the input that gave its current value
        self.given_by: dict[str, int] = {}  # fact -> the input that last gave it a value, stale or not (last(f))
        self.assumptions = Assumptions(analysis)
        self.machine: Machine | None = None
        self.active: frozenset[str] = frozenset()
        self.items: dict[tuple[str, str], Carried] = {}
        self.decisions = Decisions()  # done, declined, signed: what guards read of them
        self.fulfilling = self.tables.fulfilling
        self.inapplicable: dict[str, str] = {}  # action -> the state whose recommendation its applies_to withholds
        self.issued_now: set[str] = set()  # the actions issued while the current input is processed
        self.blocked: dict[str, set[str]] = {}
        self.blocked_changes = 0
        self._wanted: tuple[tuple[frozenset[str], int], dict[tuple[str, str], str]] | None = None
        self._synced: tuple[dict[tuple[str, str], str] | None, dict[str, str] | None] = (None, None)
        self._unblocked: frozenset[str] | None = None
        self.together = Together(analysis.pathway.actions)
        self.first_issued: dict[str, str] = {}
        self.waits: dict[str, Wait] = {}
        self.shown_waits: dict[str, Wait] = {}  # state -> its wait last recorded
        self.guard_errors = GuardErrors()
        self.error: str | None = None
        self.at = ""
        self.input_seq = 0
        self.timeline = Timeline(analysis)
        self.values = Values(analysis)
        self.rules = self.tables.rules

    # --- records --------------------------------------------------------------------------------------------

    def sealed_line(self, kind: type[E], **fields: Any) -> tuple[Record, str]:
        """A record of this kind, stamped with its place after the records so far and sealed into the chain, with
        its canonical line."""
        if self.records:
            fields.update(seq=len(self.records), at=self.at, input=self.input_seq, prev=self.records[-1].hash)
        else:
            fields.update(seq=0, prev=None)
        return cast(tuple[Record, str], seal_values(kind, fields))

    def emit(self, kind: type[E], **fields: Any) -> None:
        """Append a record of this kind to the trail, and its line."""
        record, line = self.sealed_line(kind, **fields)
        self.records.append(record)
        self.lines.append(line)

    def header(self, schema: str) -> None:
        """The first record; a ``pathway-trail/1`` one (a legacy trail replayed) names the pathway by its legacy
        hash."""
        p = self.analysis.pathway
        sha = self.analysis.sha256 if schema == SCHEMA else self.analysis.legacy_sha256
        self.emit(
            HeaderRecord,
            schema_=schema,
            journey=trusted(JourneyRef, id=self.journey.id, description=self.journey.description or None),
            pathway=trusted(PathwayRef, id=p.pathway, version=p.version, sha256=sha, title=p.title),
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
        kept, now, changes = self._scope, self.timeline.now, (self.fact_changes, self.decisions.changes)
        if kept is not None and kept[0] == self.timeline.moments and kept[1] == changes:  # it shows the same
            return kept[2]
        assumed = self.assumptions.current(self.facts)
        given, recorded = self.timeline.given, self.decisions.at
        scope = Scope(
            self.facts,
            self.analysis.derived,
            now,
            given=given,
            recorded=recorded,
            assumed=assumed,
            changes=(self.fact_log, len(self.fact_log)),
        )
        self._scope = (self.timeline.moments, changes, scope)
        return scope

    def standing(self) -> None:
        """The assumptions that keep the patient where they are: see :mod:`pathway.engine.assumed`."""
        if self.machine is not None and not self.machine.terminated:
            self.assumptions.current(self.facts)
            transitions = [(t, self.seen(watch)) for t, watch in self.assumptions.deciding(self.active)]
            if transitions:
                self.assumptions.standing(transitions, self.scope(), self.timeline.clock(), self.at)

    # --- steps ----------------------------------------------------------------------------------------------

    def apply(self, inp: Input) -> None:
        self.input_seq = inp.seq
        if self.machine is not None:
            self.advance(inp.at)
            if self.error is not None:
                return
        self.at = inp.at_text
        self.timeline.set(inp.at)
        self.issued_now = set()
        given = {k: v for k, v in input_to_record(inp).items() if k not in ("seq", "at")}
        if "sources" in given:  # JSON-ready data: the record holds its parts (built unvalidated, as they are given)
            sources = cast(dict[str, dict[str, str]], given["sources"])
            given["sources"] = {k: trusted(InputSource, **v) for k, v in sources.items()}
        self.emit(InputRecord, **given)
        if self.machine is None:
            self.start()
        before = self.recommended() if inp.done is not None or inp.declined is not None else ()
        for name, value in inp.facts.items():
            self.facts[name] = value
            self.supplied[name] = self.given_by[name] = inp.seq
            self.assumptions.given(name)
            self.timeline.give(name)
            self.fact_changed(name)
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
    run.header(SCHEMA)
    for inp in journey.inputs:
        first = len(run.records)
        if run.error is None:
            run.apply_safely(inp)
        yield Step(inp.seq, inp.at_text, tuple(run.records[first:]), run.summary())


def run_records(analysis: Analysis, engine: Engine, journey: LoadedJourney) -> list[Record]:
    """Every record of the run, header to summary, sealed in a hash chain."""
    return run_trail(analysis, engine, journey)[0]


def run_trail(
    analysis: Analysis, engine: Engine, journey: LoadedJourney, schema: str = SCHEMA
) -> tuple[list[Record], list[str]]:
    """Every record of the run, header to summary, sealed in a hash chain, and each one's canonical line (what the
    trail file holds, line by line). ``schema``: the trail format, :data:`~pathway.trail.records.LEGACY_SCHEMA` to
    reproduce a trail written by that rule."""
    run = _Run(analysis, engine, journey)
    run.header(schema)
    for inp in journey.inputs:
        if run.error is not None:
            break
        run.apply_safely(inp)
    summary, line = run.summary_line()
    run.records.append(summary)
    run.lines.append(line)
    return run.records, run.lines
