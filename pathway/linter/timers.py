"""PW54x: time rules. Timers that can never fall due, deadlines and periods longer than their state can last, timers
that fall due together, and guards that read the clock on a transition that is not a timer.

How long a state can last (:func:`longest_stay`): a timer without ``when`` fires once due, unless a guard checked
before it in its state is unknown (the state then waits) or it is beaten by a transition that leaves anyway. So a
state with such a timer, one with no eventless guard before it that could be unknown (only timers that fall due
later), is always left (or entered again) by that time; so are its descendants. The semantics are those of
``docs/time.md``: at a moment when a timer falls due the engine runs the eventless transitions before it issues a
recurring recommendation again, and an item falls due when the clock has passed its due time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from itertools import combinations

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.clock import clock_calls, timer
from pathway.definition.index import StateInfo, TransitionInfo
from pathway.definition.model import Recommendation
from pathway.diagnostics.codes import Code
from pathway.expr.durations import parse_duration
from pathway.linter.base import LintFinding, rule
from pathway.linter.exhaustive import tables
from pathway.linter.guards import flow, label, overlap, shadowers
from pathway.linter.structure import reachable


def _timers(analysis: Analysis, state_id: str) -> Iterator[tuple[TransitionInfo, timedelta]]:
    for t in analysis.index.outgoing(state_id):
        after = timer(t.transition)
        if after is not None:
            yield t, after


@rule(Code.PW540)
def never_entered(analysis: Analysis) -> Iterator[LintFinding]:
    entered = reachable(analysis)
    for state_id in analysis.index.states:
        if state_id in entered:
            continue
        for t, _ in _timers(analysis, state_id):
            yield LintFinding(
                (*t.path, "after"),
                f"timer {label(t)} can never fall due: its state '{state_id}' can never be entered",
                f"PW501 reports the state: add a transition into '{state_id}', or remove it with its timers",
            )


def _always_fires(analysis: Analysis, t: TransitionInfo, after: timedelta) -> bool:
    """A timer without a guard, with no eventless transition before it in its state that could hold it back at its
    due time (anything but a timer that falls due later, or one without a guard: that one leaves earlier)."""
    if t.when is not None:
        return False
    for earlier in analysis.index.outgoing(t.source)[: t.index]:
        other = timer(earlier.transition)
        if earlier.event is None and (other is None or (other <= after and earlier.when is not None)):
            return False
    return True


def longest_stay(analysis: Analysis, state_id: str) -> tuple[timedelta, TransitionInfo] | None:
    """The longest a state can stay active and the timer that ends it: the shortest timer of the state or of an
    ancestor that always fires once due; None when no timer bounds it."""
    best: tuple[timedelta, TransitionInfo] | None = None
    for source in (state_id, *analysis.index.ancestors(state_id)):
        for t, after in _timers(analysis, source):
            if (best is None or after < best[0]) and _always_fires(analysis, t, after):
                best = (after, t)
    return best


def _ended(info: StateInfo, ender: TransitionInfo) -> str:
    """How the timer ``ender`` ends the state: "state 'x' is always left after 72h (by 'x->y', no guard)"."""
    whose = "" if ender.source == info.id else f" (with its ancestor '{ender.source}')"
    return f"state '{info.id}' is always left{whose} after {ender.transition.after} (by '{ender.id}', no guard)"


def _recommendation(
    info: StateInfo, i: int, item: Recommendation, stay: tuple[timedelta, TransitionInfo]
) -> Iterator[LintFinding]:
    """A deadline past the longest stay: the item is retired before it falls due; a period as long or longer: at
    that moment the timer fires before the item would be issued again, so it never is."""
    length, ender = stay
    path, limit = (*info.path, "recommend", i), ender.transition.after
    if item.due is not None and parse_duration(item.due) > length:
        yield LintFinding(
            (*path, "due"),
            f"'{item.action}' is due {item.due} after it is issued, but {_ended(info, ender)}: it is retired "
            "before it falls due",
            f"make 'due' at most {limit}, or let the state last longer",
        )
    if item.every is not None and parse_duration(item.every) >= length:
        yield LintFinding(
            (*path, "every"),
            f"'{item.action}' is issued again every {item.every}, but {_ended(info, ender)}, before the period "
            "comes round: it is never issued a second time",
            f"make 'every' shorter than {limit}, or drop it",
        )


@rule(Code.PW541)
def longer_than_the_state(analysis: Analysis) -> Iterator[LintFinding]:
    for info in analysis.index.states.values():
        stay = longest_stay(analysis, info.id)
        if stay is None:
            continue
        for i, item in enumerate(info.state.recommend):
            if isinstance(item, Recommendation) and item.until is None:  # one with until outlives its state
                yield from _recommendation(info, i, item, stay)
        length, ender = stay
        for t, after in _timers(analysis, info.id):
            if after > length:
                yield LintFinding(
                    (*t.path, "after"),
                    f"timer {label(t)} never falls due: {_ended(info, ender)}",
                    f"make it shorter than {ender.transition.after}, or remove it",
                )


def _witness(analysis: Analysis, first: TransitionInfo, second: TransitionInfo) -> tuple[bool, str]:
    """Whether both timers' guards can be true at once (unknown when the guards were not analysed: yes) while the
    second is not shadowed outright (PW511 reports that), and a patient for whom they are."""
    group = tuple(t for t in analysis.index.outgoing(first.source) if t.event is None)
    table = tables(analysis).table(group)
    if table is None:
        return True, ""
    i, j = group.index(first), group.index(second)
    both = table.columns[i] & table.columns[j]
    if not both or shadowers(group, table, j) is not None:  # PW511 says the second never fires
        return False, ""
    guarded = first.when not in (None, OTHERWISE) and second.when not in (None, OTHERWISE)
    patient = overlap(analysis, table, first, second, both) if guarded else {}
    return True, f" (for the patient {flow(patient)})" if patient else ""


@rule(Code.PW542)
def racing_timers(analysis: Analysis) -> Iterator[LintFinding]:
    for state_id in analysis.index.states:
        for (first, a), (second, b) in combinations(_timers(analysis, state_id), 2):
            if a != b:
                continue
            both, patient = _witness(analysis, first, second)
            if both:
                yield LintFinding(
                    (*second.path, "after"),
                    f"timers {label(first)} and {label(second)} of state '{state_id}' fall due at the same "
                    f"moment; when both can fire{patient}, document order picks '{first.id}'",
                    "give them different durations or guards that exclude each other; if the order is the intent, "
                    "say so with a suppression",
                )


@rule(Code.PW543)
def clock_without_timer(analysis: Analysis) -> Iterator[LintFinding]:
    for t in analysis.index.transitions:
        if t.event is not None or t.transition.after is not None or t.id not in analysis.guards:
            continue
        calls, through = clock_calls(analysis, t.when or "", analysis.guards[t.id].names)
        if calls:
            read = ", ".join(f"{c}()" for c in calls) + (f", through derived fact '{through}'" if through else "")
            yield LintFinding(
                (*t.path, "when"),
                f"the guard of '{t.id}' reads the clock ({read}) but is not a timer: it is checked only when "
                "something else happens (an input, or a wake-up for a timer or a stale fact), not when the time "
                "comes",
                "to move on once the time has passed, write the wait as 'after:' on this transition (e.g. "
                "'after: 3d'); if waiting for the next input is meant, say so with a suppression",
            )
