"""What the pathway expects next at a moment of a trail, for ``explain``: each timer of the active states with
its due time and what its guard says then (true, false, unknown and the facts it misses), and each deadline due
or overdue. Decision support: the times come from the journey, never from the computer's clock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pathway.audit.report import read_text
from pathway.audit.timing import DeadlineAt, TimerAt, deadlines_at, moment, timers_at
from pathway.definition.analysis import Analysis
from pathway.trail.records import Record, checks_in

TITLE = "Timers and deadlines at {now} (decision support: what the pathway expects next):"
GUARDLESS = {
    "always": "no guard: it fires when due",
    "otherwise": "its guard is otherwise: it fires when due if every earlier guard is false then",
}


@dataclass(frozen=True)
class Upcoming:
    """The lines to show (none when nothing stands), and the timers and deadlines as data."""

    lines: tuple[str, ...] = ()
    timers: tuple[TimerAt, ...] = ()
    deadlines: tuple[DeadlineAt, ...] = ()


def timer_lines(t: TimerAt, steps: Mapping[int, int]) -> list[str]:
    """A timer: its duration, state, entry and due time; then its guard now."""
    where = f"after {t.after} in {t.state}, entered {t.entered} (#{t.entered_step})"
    if t.status == "pending":
        head = f"  {t.id}: {where}; due {t.due}"
    else:
        head = f"  {t.id}: {where}; fell due {t.due} and waits: it fires once the state's guards let it"
    guard = GUARDLESS.get(t.outcome)
    if guard is None:
        missing = f", missing {', '.join(t.missing)}" if t.missing else ""
        guard = f"its guard {t.guard} is {t.outcome} now{missing}  [{read_text(t.read, steps)}]"
    return [head, f"      {guard}"]


def deadline_line(d: DeadlineAt) -> str:
    """A deadline: due, or clearly marked overdue."""
    if d.status == "overdue":
        return f"  ! OVERDUE {d.id}: {d.title}, in {d.state}: was due {d.due} (issued at #{d.issued_step}), not done"
    return f"  {d.id}: {d.title}, in {d.state}: due {d.due} (issued at #{d.issued_step})"


def _shows_timers(records: Sequence[Record]) -> bool:
    """Whether the records show the pathway has timers (one fired, or was checked)."""
    return any(getattr(r, "after", None) or any(c.after for c in checks_in(r)) for r in records)


def upcoming(
    records: Sequence[Record], active: Sequence[str], now: str, analysis: Analysis | None, steps: Mapping[int, int]
) -> Upcoming:
    """What stands at ``now`` after ``records``: the timers of the ``active`` states (with the pathway only)
    and the deadlines. ``steps`` maps each input to the step of its record, for the facts a guard read."""
    when = moment(now)
    if when is None:  # a forged trail's time
        return Upcoming()
    timers = tuple(timers_at(records, active, when, analysis)) if analysis is not None else ()
    deadlines = tuple(deadlines_at(records, when))
    lines = [line for t in timers for line in timer_lines(t, steps)] + [deadline_line(d) for d in deadlines]
    if analysis is None and _shows_timers(records):
        lines.insert(0, "  timers: the pinned pathway is not available; pass it with --pathway to see them")
    if not lines:
        return Upcoming((), timers, deadlines)
    return Upcoming(("", TITLE.format(now=now), *lines), timers, deadlines)
