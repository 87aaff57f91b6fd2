"""Guard evaluations as trail parts: what a guard read (and where each value came from), a transition checked
without firing, and the guard errors a run meets.

A guard that cannot be evaluated (a division by zero, say) blocks its state like an unknown guard does, but no fact
can lift it: :class:`GuardErrors` collects the errors met while one input is processed, so that the engine records
them once after that input (PW411), and keeps the first occurrence of each for the summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, cast

from pathway.engine.selection import Checked, Wait
from pathway.expr import UNKNOWN, EvalError, Evaluation
from pathway.expr.durations import format_duration, format_time
from pathway.expr.evaluate import IN_STATE
from pathway.expr.parse import DECISIONS
from pathway.trail.parts import (
    Check,
    Failure,
    GuardError,
    Read,
    ReadAssumed,
    ReadClock,
    ReadDecision,
    ReadDerived,
    ReadError,
    ReadFact,
    ReadUnknown,
)
from pathway.trail.plain import trusted

DECIDED = tuple(f"{kind}(" for kind in sorted(set(DECISIONS.values())))
"""How the key of a decision a guard read starts: ``done(``, ``declined(``, ``signed(``."""


def json_value(value: object) -> Any:
    """A fact's value as JSON data: a date as ISO text, a date-time as the engine writes times, a duration
    compact (``3d4h``)."""
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, timedelta):
        return format_duration(value)
    return value.isoformat() if isinstance(value, date) else value


def read_entries(
    evaluation: Evaluation | None,
    derived: Mapping[str, object],
    supplied: Mapping[str, int],
    given_by: Mapping[str, int] | None = None,
    *,
    assumed: Mapping[str, object] | None = None,
    recorded_by: Mapping[str, int] | None = None,
) -> dict[str, Read]:
    """Each fact or derived fact an evaluation read: its value and the input that supplied it, its derived value,
    unknown, or the error of a derived fact that could not be evaluated; ``last(f)`` with the input that last gave
    f (``given_by``, which outlives a stale value), ``time_in_state()`` as read from the clock, a fact read at its
    assumed value (``assumed``: the facts the scope assumed) as assumed, and each decision (``done(a)``...) as
    recorded or not, with the input that last recorded it (``recorded_by``)."""
    if evaluation is None:
        return {}
    out: dict[str, Read] = {}
    for name, value in evaluation.read.items():
        if name.endswith(")") and name.startswith(DECIDED):
            seq = (recorded_by or {}).get(name) if value is not UNKNOWN else None
            out[name] = trusted(ReadDecision, value=value is not UNKNOWN, decision=True, from_=seq)
        elif value is UNKNOWN:
            out[name] = trusted(ReadUnknown, unknown=True)
        elif isinstance(value, EvalError):
            out[name] = trusted(ReadError, error=True)
        elif name == IN_STATE:
            out[name] = trusted(ReadClock, value=json_value(value), clock=True)
        elif name in derived:
            out[name] = trusted(ReadDerived, value=json_value(value), derived=True)
        elif assumed and name in assumed:
            out[name] = trusted(ReadAssumed, value=json_value(value), assumed=True)
        elif name.startswith("last(") and given_by is not None:
            out[name] = trusted(ReadFact, value=json_value(value), from_=given_by[name[5:-1]])
        else:
            out[name] = trusted(ReadFact, value=json_value(value), from_=supplied[name])
    return out


def check_of(
    c: Checked,
    derived: Mapping[str, object],
    supplied: Mapping[str, int],
    given_by: Mapping[str, int] | None = None,
    *,
    assumed: Mapping[str, object] | None = None,
    recorded_by: Mapping[str, int] | None = None,
) -> Check:
    """A transition checked without firing, with what its guard read, what it misses or why it failed."""
    t, evaluation = c.transition, c.evaluation
    missing = evaluation.missing if evaluation is not None and c.outcome == "unknown" else None
    error = evaluation.error if evaluation is not None else None
    read = (
        read_entries(evaluation, derived, supplied, given_by, assumed=assumed, recorded_by=recorded_by)
        if evaluation is not None
        else None
    )
    return trusted(
        Check,
        id=t.id,
        target=t.target,
        guard=t.when,
        outcome=cast(Any, c.outcome),
        read=read,
        missing=tuple(sorted(missing)) if missing else None,
        error=trusted(Failure, kind=error.kind, message=error.message) if error is not None else None,
        after=t.transition.after,
        due=format_time(c.due) if c.due is not None else None,
    )


def _error(c: Checked) -> EvalError:
    error = c.evaluation.error if c.evaluation is not None else None
    assert error is not None  # only checks with outcome 'error'
    return error


def blocked_message(state: str, checks: Iterable[Checked]) -> str:
    """One sentence for a state blocked by guards that could not be evaluated."""
    why = "; ".join(f"the guard of '{c.transition.id}' could not be evaluated: {_error(c).message}" for c in checks)
    return f"state '{state}' is blocked: {why}"


class GuardErrors:
    """The guard errors of a run: those met while the current input is processed (state -> its failing checks,
    first seen first), and the first occurrence of each (transition, error) for the summary."""

    def __init__(self) -> None:
        self.now: dict[str, dict[str, Checked]] = {}
        self.first: dict[tuple[str, str, str], GuardError] = {}

    def meet(self, waits: Iterable[Wait]) -> None:
        """Note the failing guards of a selection's waits."""
        for wait in waits:
            for c in wait.errors:
                self.now.setdefault(wait.state, {}).setdefault(c.transition.id, c)

    def drain(self, order: Mapping[str, int], at: str) -> list[tuple[str, tuple[Checked, ...]]]:
        """The states blocked by an error during this input, in document order, with their failing checks; each
        error is kept for the summary the first time it is seen. Starts the next input afresh."""
        states = sorted(self.now, key=order.__getitem__)
        blocked = [(state, tuple(self.now[state].values())) for state in states]
        for state, checks in blocked:
            for c in checks:
                error = _error(c)
                entry = trusted(
                    GuardError, id=c.transition.id, state=state, kind=error.kind, message=error.message, first=at
                )
                self.first.setdefault((c.transition.id, error.kind, error.message), entry)
        self.now = {}
        return blocked

    def summary(self) -> tuple[GuardError, ...] | None:
        """Every guard error of the run, first seen first; None when there was none (the summary omits it)."""
        return tuple(self.first.values()) or None
