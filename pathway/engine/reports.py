"""What a run reports beside its transitions and items, as part of a run: the states that wait and for which facts
(a ``waiting`` record when that changes), the guard errors met while an input was processed (PW411), and the summary
the trail closes with.
"""

from __future__ import annotations

from typing import Any

from pathway.engine.checks import GuardErrors, blocked_message
from pathway.engine.engines import Machine
from pathway.engine.selection import Wait
from pathway.engine.wakes import WakeRules
from pathway.trail.parts import ActiveItem, FirstIssued, StateWaiting
from pathway.trail.plain import trusted
from pathway.trail.records import ErrorRecord, SummaryRecord, WaitingRecord


class ReportRules(WakeRules):
    """Waits, guard errors and the summary, as part of a run."""

    waits: dict[str, Wait]
    shown_waits: dict[str, Wait]  # state -> its wait last recorded
    guard_errors: GuardErrors
    order: dict[str, int]
    machine: Machine | None

    def sealed_line(self, kind: Any, **fields: Any) -> tuple[Any, str]:
        raise NotImplementedError  # the run's

    def report_waits(self) -> None:
        """A waiting record for each waiting state whose unknown guards or needs changed since it was last shown
        (a wait the selection kept, the same object, shows the same)."""
        shown = self.shown_waits
        if len(shown) == len(self.waits) and all(shown.get(s) is w for s, w in self.waits.items()):
            return
        for state, wait in sorted(self.waits.items(), key=lambda kv: self.order[kv[0]]):
            before = shown.get(state)
            shown[state] = wait
            if before is wait or (before is not None and _shown(before) == _shown(wait)):
                continue
            blocked = tuple(self.checked(c) for c in wait.unknown)
            self.emit(WaitingRecord, state=state, blocked=blocked, needs=wait.needs)
        for state in [s for s in shown if s not in self.waits]:
            del shown[state]

    def report_errors(self) -> None:
        """Every state a guard error blocked while this input was processed: recorded after each input for as
        long as it lasts (an error is not a wait, so it is not kept quiet while unchanged)."""
        if not self.guard_errors.now:
            return
        for state, checks in self.guard_errors.drain(self.order, self.at):
            message = blocked_message(state, checks)
            blocked = tuple(self.checked(c) for c in checks)
            self.emit(ErrorRecord, code="PW411", message=message, state=state, blocked=blocked)

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


def _shown(wait: Wait) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a waiting record says of a wait, that makes it worth recording again: its unknown guards and needs."""
    return tuple(c.transition.id for c in wait.unknown), wait.needs
