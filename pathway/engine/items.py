"""The recommendations and findings a run carries: since when, which state carries them, and for a recommendation
with ``due`` or ``every`` its latest issue, its deadline and whether care recorded it as done or declined
(``docs/time.md``, ``docs/recommendations.md``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pathway.definition.model import Recommendation
from pathway.expr.durations import format_time, later, parse_duration
from pathway.trail.parts import Due


@dataclass
class Carried:
    """A recommendation or finding that is active."""

    since: str  # the `at` when it was (first) issued for this entry of its state
    state: str  # the state that carries it
    issued: datetime  # its latest issue
    due_after: timedelta | None = None  # from its Recommendation: due this long after each issue
    every: timedelta | None = None  # from its Recommendation: issued again each period
    every_text: str | None = None
    occurrence: int = 1
    done: str | None = None  # when care recorded it as done since its latest issue (a done: entry, or fulfilled)
    declined: str | None = None  # when the journey recorded it as declined since its latest issue

    @classmethod
    def issue(cls, since: str, state: str, now: datetime, rule: Recommendation | None) -> Carried:
        """A new item; ``rule`` gives a recommendation's deadline and period (None for a finding)."""
        due_after = parse_duration(rule.due) if rule is not None and rule.due is not None else None
        every = parse_duration(rule.every) if rule is not None and rule.every is not None else None
        return cls(since, state, now, due_after, every, rule.every if rule is not None else None)

    @property
    def due(self) -> datetime | None:
        """When the latest issue is due: ``due`` after it, else at the end of its period, else never."""
        if self.due_after is not None:
            return later(self.issued, self.due_after)
        return later(self.issued, self.every) if self.every is not None else None

    @property
    def next_issue(self) -> datetime | None:
        """When a recurring item is issued again (None for one that does not recur)."""
        return later(self.issued, self.every) if self.every is not None else None

    def reissue(self, now: datetime) -> None:
        self.issued, self.occurrence, self.done, self.declined = now, self.occurrence + 1, None, None

    def due_text(self) -> str | None:
        due = self.due
        return None if due is None or due == datetime.max else format_time(due)

    def deadline(self, action: str, now: datetime) -> tuple[str, Due] | None:
        """('due' or 'overdue', the entry) for a recommendation with a deadline that is neither done nor declined
        (a recorded decision, not a missed action), else None."""
        due = self.due
        if due is None or due == datetime.max or self.done is not None or self.declined is not None:
            return None
        entry = Due(kind="action", id=action, state=self.state, at=format_time(due))
        return ("overdue" if now > due else "due"), entry
