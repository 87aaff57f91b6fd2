"""The decisions a journey records about the pathway's actions, as guards read them (``docs/recommendations.md``):
care done (a ``done:`` entry, or a result that fulfils an order: a ``fulfilled`` record), recommendations
declined, sign-offs. Each is kept under the key a guard reads it by (``done(a)``, ``declined(a)``, ``signed(a)``:
:func:`pathway.expr.parse.recorded_key`), with when it was last recorded and by which input.

The engine records them as it runs; :meth:`Decisions.see` rebuilds them from a trail's records, one at a time, for
what reads a trail back (scenario coverage, explain).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pathway.expr.parse import recorded_key
from pathway.journey.check import Input
from pathway.journey.model import parse_time
from pathway.trail.records import FulfilledRecord, Record


@dataclass
class Decisions:
    """Each decision recorded so far -> when it was last recorded (``at``, what :class:`~pathway.expr.Scope` takes
    as ``recorded``) and the number of the input that recorded it (``by``, what the trail's read entries name)."""

    at: dict[str, datetime] = field(default_factory=dict)
    by: dict[str, int] = field(default_factory=dict)
    changes: int = 0  # how many decisions were recorded: what a run's scope is kept by

    def record(self, kind: str, action: str, when: datetime, seq: int) -> None:
        """Decision ``kind`` ('done', 'declined' or 'signed') about ``action``, recorded at ``when`` by input
        ``seq``; a later record of the same decision replaces it."""
        key = recorded_key(kind, action)
        self.at[key], self.by[key] = when, seq
        self.changes += 1

    def record_input(self, inp: Input) -> bool:
        """What one journey entry records: care done, a recommendation declined, a sign-off; whether it records
        any."""
        found = False
        for kind, action in (("done", inp.done), ("declined", inp.declined), ("signed", inp.signed)):
            if action is not None:
                self.record(kind, action, inp.at, inp.seq)
                found = True
        return found

    def see(self, record: Record, typed: Input | None = None) -> None:
        """Rebuilding from a trail: ``typed`` is an input record's input, checked again against the pathway; a
        ``fulfilled`` record is care done at its time."""
        if typed is not None:
            self.record_input(typed)
        elif isinstance(record, FulfilledRecord):
            self.record("done", record.action, parse_time(record.at)[0], record.from_)
