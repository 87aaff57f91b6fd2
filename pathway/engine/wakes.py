"""The engine's wake-ups, as part of a run: between two inputs it wakes at every moment something falls due (a
timer, a recurring recommendation, a fact going stale), in time order, and at the end it says what is due and what
is overdue. ``docs/time.md`` states the rules; :mod:`pathway.engine.timeline` keeps the times.
"""

from __future__ import annotations

from datetime import datetime

from pathway.engine.checks import json_value
from pathway.engine.issuing import IssueRules, stance
from pathway.engine.selection import Checked, check_timer
from pathway.engine.timeline import Timer
from pathway.expr.durations import format_time
from pathway.journey.check import LoadedJourney
from pathway.trail.parts import Check, Due
from pathway.trail.plain import trusted
from pathway.trail.records import ErrorRecord, ExpiredRecord, IssuedRecord, TimerRecord

MAX_WAKEUPS = 10_000
"""Most wake-ups (timers, recurrences, facts going stale) before one input: beyond, the run stops (PW413)."""


class WakeRules(IssueRules):
    """Wake-ups and deadlines, as part of a run (:class:`pathway.engine.execute._Run`, which provides the methods
    below)."""

    journey: LoadedJourney

    def checked(self, c: Checked) -> Check:
        raise NotImplementedError  # the run's

    def complete(self, trigger: str | None) -> None:
        raise NotImplementedError  # the run's

    def standing(self) -> None:
        raise NotImplementedError  # the run's

    def report_waits(self) -> None:
        raise NotImplementedError  # the run's

    def report_errors(self) -> None:
        raise NotImplementedError  # the run's

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
        self.timeline.set(moment)
        self.at = format_time(moment)
        for name in self.timeline.going_stale():
            if name in self.facts:
                seq = self.supplied.pop(name)
                self.fact_changed(name)
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
            if self.analysis.applies_to:  # what the stale facts or the clock changed of whom actions concern
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
                **stance(entry),
                until=item.until,
            )
        self.supersede(issued, "every")

    def deadlines(self) -> tuple[tuple[Due, ...], tuple[Due, ...]]:
        """(due, overdue) at the clock's time: pending timers and deadlines not done, each in time order."""
        due = [
            trusted(Due, kind="timer", id=t.transition.id, state=t.transition.source, at=format_time(t.due), after=a)
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
