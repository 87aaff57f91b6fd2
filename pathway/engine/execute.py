"""Run a patient journey through a pathway and produce its audit trail.

For each input, in order: record it, update the facts and the virtual clock (the input's ``at``; never the wall
clock), run eventless transitions to completion, then the input's ``event`` (if any) followed by eventless
transitions to completion again; then record ``done`` care that the pathway did not recommend as a deviation, and
which states wait for which facts. Selection rules live in :mod:`pathway.engine.selection`; python-statemachine
applies each selected transition to the configuration (:mod:`pathway.engine.compile`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pathway.definition.analysis import Analysis
from pathway.definition.canonical import sha256_of
from pathway.definition.model import Action, Finding
from pathway.engine.compile import STATEMACHINE_VERSION, CompiledChart, Machine
from pathway.engine.selection import Checked, Fire, Wait, select
from pathway.expr import UNKNOWN, Evaluation, Scope
from pathway.journey.check import Input, LoadedJourney, input_to_record
from pathway.trail.io import SCHEMA, seal
from pathway.version import __version__

MAX_MICROSTEPS = 200
Record = dict[str, Any]


def json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


class _Run:
    """The mutable state of one run; produces the records."""

    def __init__(self, analysis: Analysis, chart: CompiledChart, journey: LoadedJourney) -> None:
        self.analysis = analysis
        self.chart = chart
        self.journey = journey
        self.order = {state: n for n, state in enumerate(analysis.index.states)}
        self.records: list[Record] = []
        self.facts: dict[str, object] = {}
        self.supplied: dict[str, int] = {}
        self.machine: Machine | None = None
        self.active: frozenset[str] = frozenset()
        self.items: dict[tuple[str, str], Record] = {}
        self.first_issued: dict[str, str] = {}
        self.waits: dict[str, Wait] = {}
        self.shown_waits: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self.error: str | None = None
        self.at = ""
        self.input_seq = 0

    # --- records --------------------------------------------------------------------------------------------

    def emit(self, kind: str, **fields: Any) -> None:
        record: Record = {"seq": len(self.records), "kind": kind}
        if kind != "header":
            record.update(at=self.at, input=self.input_seq)
        record.update(fields)
        prev = self.records[-1]["hash"] if self.records else None
        self.records.append(seal(record, prev))

    def header(self) -> None:
        p = self.analysis.pathway
        journey: Record = {"id": self.journey.id}
        if self.journey.description:
            journey["description"] = self.journey.description
        self.emit(
            "header",
            schema=SCHEMA,
            journey=journey,
            pathway={"id": p.pathway, "version": p.version, "sha256": sha256_of(p), "title": p.title},
            engine={"pathway": __version__, "statemachine": STATEMACHINE_VERSION},
        )

    def sorted_states(self, states: set[str] | frozenset[str]) -> list[str]:
        return sorted(states, key=self.order.__getitem__)

    def read(self, evaluation: Evaluation | None) -> dict[str, Record]:
        if evaluation is None:
            return {}
        out: dict[str, Record] = {}
        for name, value in evaluation.read.items():
            if value is UNKNOWN:
                out[name] = {"unknown": True}
            elif name in self.analysis.derived:
                out[name] = {"value": json_value(value), "derived": True}
            else:
                out[name] = {"value": json_value(value), "from": self.supplied.get(name)}
        return out

    def checked(self, c: Checked) -> Record:
        t = c.transition
        out: Record = {"id": t.id, "target": t.transition.to, "guard": t.transition.when, "outcome": c.outcome}
        if c.evaluation is not None:
            out["read"] = self.read(c.evaluation)
            if c.evaluation.missing and c.outcome == "unknown":
                out["missing"] = sorted(c.evaluation.missing)
        return out

    # --- steps ----------------------------------------------------------------------------------------------

    def apply(self, inp: Input) -> None:
        self.at, self.input_seq = inp.at_text, inp.seq
        self.emit("input", **{k: v for k, v in input_to_record(inp).items() if k not in ("seq", "at")})
        if self.machine is None:
            self.start()
        before = self.recommended()
        for name, value in inp.facts.items():
            self.facts[name] = value
            self.supplied[name] = inp.seq
        today = inp.at.date()
        self.complete(None, today)
        if inp.event is not None and self.error is None:
            self.complete(inp.event, today)
        if inp.done is not None:
            self.conformance(inp, before)
        self.report_waits()

    def start(self) -> None:
        self.machine = self.chart.new()
        self.active = self.machine.active()
        self.emit("start", entered=self.sorted_states(self.active))
        self.sync_items("start")

    def complete(self, trigger: str | None, today: date) -> None:
        assert self.machine is not None
        for _ in range(MAX_MICROSTEPS):
            if self.machine.terminated:
                self.waits = {}
                return
            selection = select(self.analysis, self.active, trigger, Scope(self.facts, self.analysis.derived, today))
            if trigger is None:
                self.waits = {w.state: w for w in selection.waits}
            if not selection.fire:
                return
            for fire in selection.fire:
                self.take(fire, selection.preempted)
            trigger = None
        self.error = f"more than {MAX_MICROSTEPS} transitions without new input: an eventless cycle"
        self.emit("error", code="PW410", message=self.error)

    def take(self, fire: Fire, preempted: tuple[tuple[Fire, str], ...]) -> None:
        assert self.machine is not None
        t = fire.chosen.transition
        before = self.active
        self.machine.fire(self.chart.event_of[t.id])
        self.active = self.machine.active()
        fields: Record = {
            "id": t.id,
            "source": t.source,
            "target": t.transition.to,
            "trigger": t.transition.event,
            "guard": t.transition.when,
            "outcome": fire.chosen.outcome,
            "read": self.read(fire.chosen.evaluation),
            "alternatives": [self.checked(c) for c in fire.before],
            "evidence": list(t.transition.evidence),
            "exited": self.sorted_states(before - self.active),
            "entered": self.sorted_states(self.active - before),
        }
        lost = [loser.chosen.transition.id for loser, winner in preempted if winner == t.id]
        if lost:
            fields["preempted"] = lost
        self.emit("transition", **fields)
        self.sync_items(t.id)

    def wanted(self) -> dict[tuple[str, str], str]:
        wanted: dict[tuple[str, str], str] = {}
        for state in self.sorted_states(self.active):
            info = self.analysis.index.states[state].state
            for action in info.recommend:
                wanted.setdefault(("recommendation", action), state)
            for finding in info.conclude:
                wanted.setdefault(("finding", finding), state)
        return wanted

    def sync_items(self, cause: str) -> None:
        wanted = self.wanted()
        for key in [k for k in self.items if k not in wanted]:
            item = self.items.pop(key)
            self.emit("retired", item=key[0], id=key[1], state=item["state"], cause=cause)
        for key, state in wanted.items():
            if key in self.items:
                continue
            entry = self.catalogue(key[0])[key[1]]
            self.items[key] = {"since": self.at, "state": state}
            if key[0] == "recommendation":
                self.first_issued.setdefault(key[1], self.at)
            self.emit(
                "issued",
                item=key[0],
                id=key[1],
                title=entry.title,
                state=state,
                cause=cause,
                evidence=list(entry.evidence),
            )

    def recommended(self) -> list[str]:
        return sorted(k[1] for k in self.items if k[0] == "recommendation")

    def conformance(self, inp: Input, before: list[str]) -> None:
        """Care given conforms when it was recommended just before this input or once it was processed (an entry
        may record the care together with the facts it changed)."""
        after = self.recommended()
        if inp.done not in before and inp.done not in after:
            fields: Record = {"action": inp.done, "recommended": after}
            if inp.reason:
                fields["reason"] = inp.reason
            self.emit("deviation", **fields)

    def report_waits(self) -> None:
        for state, wait in sorted(self.waits.items(), key=lambda kv: self.order[kv[0]]):
            shown = (tuple(c.transition.id for c in wait.checked if c.outcome == "unknown"), wait.needs)
            if self.shown_waits.get(state) == shown:
                continue
            self.shown_waits[state] = shown
            blocked = [self.checked(c) for c in wait.checked if c.outcome == "unknown"]
            self.emit("waiting", state=state, blocked=blocked, needs=list(wait.needs))
        for state in [s for s in self.shown_waits if s not in self.waits]:
            del self.shown_waits[state]

    def catalogue(self, kind: str) -> Mapping[str, Action | Finding]:
        p = self.analysis.pathway
        return p.actions if kind == "recommendation" else p.findings

    def active_items(self, kind: str) -> list[Record]:
        """The active recommendations (kind 'recommendation') or findings, with since, state and evidence."""
        catalogue = self.catalogue(kind)
        return [
            {
                "id": k[1],
                "title": catalogue[k[1]].title,
                "since": v["since"],
                "state": v["state"],
                "evidence": list(catalogue[k[1]].evidence),
            }
            for k, v in self.items.items()
            if k[0] == kind
        ]

    def summary(self) -> Record:
        recommendations = self.active_items("recommendation")
        findings = self.active_items("finding")
        needs = sorted({n for w in self.waits.values() for n in w.needs})
        waiting = [
            {"state": s, "needs": list(w.needs)}
            for s, w in sorted(self.waits.items(), key=lambda kv: self.order[kv[0]])
        ]
        return {
            "states": self.sorted_states(self.active),
            "recommendations": recommendations,
            "findings": findings,
            "issued": [{"id": a, "first": at} for a, at in self.first_issued.items()],
            "needs": needs,
            "waiting": waiting,
            "terminated": bool(self.machine and self.machine.terminated),
            "error": self.error,
        }


def run_records(analysis: Analysis, chart: CompiledChart, journey: LoadedJourney) -> list[Record]:
    """Every record of the run, header to summary, sealed in a hash chain."""
    run = _Run(analysis, chart, journey)
    run.header()
    for inp in journey.inputs:
        if run.error is not None:
            break
        run.apply(inp)
    run.emit("summary", **run.summary())
    return run.records
