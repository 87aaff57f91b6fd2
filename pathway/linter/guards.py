"""PW51x: guard rules, decided exhaustively over finite fact domains (:mod:`pathway.definition.domains`).

A state's transitions are grouped by trigger (an event, or none) in document order, and every guard of a group
is evaluated for every assignment of the facts the group reads (transitively through derived facts), all known,
with the engine's decision rule (:mod:`pathway.engine.selection`): the first definitely true guard fires when
every earlier one is definitely false; ``otherwise`` is true when all earlier are false; no ``when`` is always
true; a timer is false until it is due. The truth tables are built once per definition, within a budget of
evaluations, by :mod:`pathway.linter.exhaustive`; a group beyond the budget is skipped and reported once by PW519;
a group whose guards read time in a way lint cannot enumerate (anything but ``days_since`` of a date compared with
numbers) is skipped and each of its guards reported by PW518, with why. A patient the pathway's constraints forbid
is never named: PW512 and PW513 look at the patients the constraints allow (PW515, in
:mod:`pathway.linter.consistency`, reports a transition that fires only for forbidden ones).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.clock import timer
from pathway.definition.domains import facts_read
from pathway.definition.index import TransitionInfo
from pathway.diagnostics.codes import Code
from pathway.linter import cycles
from pathway.linter.base import LintFinding, rule
from pathway.linter.exhaustive import (
    Table,
    Unanalysed,
    groups,
    guarded,
    is_decision,
    may_stick,
    stuck_transitions,
    tables,
    truths,
)

__all__ = ["never_true", "not_analysed", "overlapping", "shadowed", "shadowers", "stuck", "too_large", "truths"]


def _trigger(trigger: str | None) -> str:
    return f"event '{trigger}'" if trigger else "no event"


def label(t: TransitionInfo) -> str:
    when, after = t.when, t.transition.after
    timer = f"after {after}" + (", " if when is not None else "") if after is not None else ""
    return f"'{t.id}'" + (f" ({timer}when: {when})" if when is not None else f" ({timer or 'no guard'})")


def flow(facts: Mapping[str, object]) -> str:
    """Facts as a YAML flow mapping, names sorted: ``{a: true, n: 3}``."""

    def value(v: object) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float) and v == int(v):
            return str(int(v))
        return str(v)

    return "{" + ", ".join(f"{k}: {value(facts[k])}" for k in sorted(facts)) + "}"


def journey_event(facts: Mapping[str, object]) -> str:
    """The patient as journey entries: the facts, then one entry per decision recorded (``declined: a``...)."""
    plain = {name: value for name, value in facts.items() if not is_decision(name)}
    decided = sorted(name for name, value in facts.items() if is_decision(name) and value is True)
    entries = [f"- at: 2026-01-01\n  facts: {flow(plain)}"] if plain or not decided else []
    for name in decided:
        kind, action = name[:-1].split("(")
        role = "\n  by: attending" if kind == "signed" else ""
        entries.append(f"- at: 2026-01-01\n  {kind}: {action}{role}")
    return "\n".join(entries)


@rule(Code.PW510)
def never_true(analysis: Analysis) -> Iterator[LintFinding]:
    known = tables(analysis)
    for _, _, transitions in groups(analysis):
        table = known.table(transitions)
        for i, t in enumerate(transitions):
            if table is not None and guarded(t) and not table.columns[i]:
                yield LintFinding(
                    (*t.path, "when"),
                    f"transition {label(t)} can never fire: its guard is false for every patient",
                    "the conditions contradict each other; check the comparisons and the derived facts it reads",
                )


def shadowers(transitions: tuple[TransitionInfo, ...], table: Table | None, i: int) -> list[str] | None:
    """Earlier transitions that are true whenever transition i is; None when it is sometimes the first true."""
    if table is None:
        return None
    hits, columns = table.columns[i], table.columns
    if not hits and transitions[i].when == OTHERWISE:
        return [t.id for t in transitions[:i] if guarded(t)]
    earlier = 0
    for column in columns[:i]:
        earlier |= column
    if not hits or hits & ~earlier:  # never true, or sometimes true with every earlier one false: it fires
        return None
    single = [transitions[j].id for j in range(i) if columns[j] & hits == hits]
    if single:
        return single[:1]
    return [transitions[j].id for j in range(i) if columns[j] & hits]


_SHADOW_HINT = "reorder the transitions, or remove the shadowed one"


def _shadow_message(trigger: str | None, t: TransitionInfo, by: list[str]) -> str:
    names = ", ".join(f"'{b}'" for b in by)
    if t.when == OTHERWISE:
        return (
            f"transition {label(t)} never fires: the earlier guards {names} ({_trigger(trigger)}) cover every patient"
        )
    which = f"{names} (earlier, {_trigger(trigger)}) is" if len(by) == 1 else f"one of {names} (earlier) is always"
    whenever = "whenever it is due" if t.when is None and t.transition.after else "whenever its guard is true"
    return f"transition {label(t)} never fires: {whenever}, {which} true too and fires first"


@rule(Code.PW511)
def shadowed(analysis: Analysis) -> Iterator[LintFinding]:
    known = tables(analysis)
    for _, trigger, transitions in groups(analysis):
        table = known.table(transitions)
        for i, t in enumerate(transitions[1:], start=1):
            by = shadowers(transitions, table, i)
            if by is not None:
                yield LintFinding((*t.path, "when"), _shadow_message(trigger, t, by), _SHADOW_HINT)


def stuck_assignment(analysis: Analysis, info_id: str) -> dict[str, object]:
    """A fully known patient the constraints allow for whom neither the state nor any ancestor has a true
    eventless guard; {} if none (or if the check is beyond the budget)."""
    table = tables(analysis).table(stuck_transitions(analysis, analysis.index.states[info_id]), stuck=True)
    if table is None:
        return {}
    anyone = 0
    for column in table.columns:
        anyone |= column
    return table.first(table.everyone & ~anyone & table.allowed) or {}


@rule(Code.PW512)
def stuck(analysis: Analysis) -> Iterator[LintFinding]:
    for info in analysis.index.states.values():
        if not may_stick(analysis, info):
            continue
        patient = stuck_assignment(analysis, info.id)
        if patient:
            guards = ", ".join(label(t) for t in analysis.index.outgoing(info.id) if t.event is None)
            yield LintFinding(
                info.path,
                f"state '{info.id}' can get stuck with every fact it reads known: none of {guards} is true "
                f"for the patient {flow(patient)}",
                "add a transition for this patient or an 'otherwise'; as a journey event:\n" + journey_event(patient),
                key=True,
            )


def overlap(
    analysis: Analysis, table: Table, first: TransitionInfo, second: TransitionInfo, both: int
) -> dict[str, object]:
    """The first patient in the bitset ``both`` (where both guards are true), restricted to the facts and decisions
    they read."""
    witness = table.first(both) or {}
    a, b = analysis.guards[first.id], analysis.guards[second.id]
    keep = facts_read(analysis, a.names | b.names) | a.recorded | b.recorded
    return {k: v for k, v in witness.items() if k in keep}


@rule(Code.PW513)
def overlapping(analysis: Analysis) -> Iterator[LintFinding]:
    known = tables(analysis)
    for _, trigger, transitions in groups(analysis):
        table = known.table(transitions)
        if trigger is not None or table is None:
            continue
        for j, second in enumerate(transitions):
            if not guarded(second) or shadowers(transitions, table, j) is not None:
                continue
            for i, first in enumerate(transitions[:j]):
                if racing(first, second):
                    continue  # two timers due together: PW542 reports them
                both = table.columns[i] & table.columns[j] & table.allowed if guarded(first) else 0
                if both:
                    patient = overlap(analysis, table, first, second, both)
                    yield LintFinding(
                        (*second.path, "when"),
                        f"guards of {label(first)} and {label(second)} are both true for the patient "
                        f"{flow(patient)}; document order picks '{first.id}'",
                        "if this priority is intended, say so; as a journey event:\n" + journey_event(patient),
                    )


def racing(first: TransitionInfo, second: TransitionInfo) -> bool:
    """Two timers with the same duration (``72h`` and ``3d`` are the same)."""
    a, b = timer(first.transition), timer(second.transition)
    return a is not None and a == b


def _unanalysed_message(t: TransitionInfo, skipped: Unanalysed) -> str:
    cause, why = next(((c, w) for c, w in skipped.causes if c.id == t.id), skipped.causes[0])
    head = f"the guard of '{t.id}' is not analysed by {skipped.checks}"
    if cause.id == t.id:
        return f"{head}: it reads {why}"
    which = f"of state '{skipped.state.id}' ({skipped.which})"
    return f"{head}: the guards {which} are checked together, and '{cause.id}' reads {why}"


@rule(Code.PW518)
def not_analysed(analysis: Analysis) -> Iterator[LintFinding]:
    """Every guard that a table not built for what its guards read of time leaves out, once, with why."""
    known = tables(analysis)
    known.build_all()  # a guard may turn out undecidable only when evaluated
    reported: set[str] = set()
    for skipped in known.unanalysed.values():
        for t in skipped.transitions:
            if guarded(t) and t.id not in reported:
                reported.add(t.id)
                yield LintFinding(
                    (*t.path, "when"),
                    _unanalysed_message(t, skipped),
                    "lint enumerates time only through days_since(date) compared with numbers; exercise these "
                    "guards with scenarios (pathway test)",
                )


@rule(Code.PW519)
def too_large(analysis: Analysis) -> Iterator[LintFinding]:
    for skipped in tables(analysis).skipped.values():
        yield LintFinding(
            skipped.state.path,
            f"the guards of state '{skipped.state.id}' ({skipped.which}) {skipped.reason}",
            "move parts of the guards into derived facts or child states",
            key=True,
        )
    stopped = cycles.loops(analysis).stopped
    if stopped is not None:
        yield LintFinding(("states",), f"the search for eventless cycles {stopped}", "split the state chart", key=True)
