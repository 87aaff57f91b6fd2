"""PW51x: guard rules, decided exhaustively over finite fact domains (:mod:`pathway.definition.domains`).

A state's transitions are grouped by trigger (an event, or none) in document order, and every guard of a group
is evaluated for every assignment of the facts the group reads (transitively through derived facts), all known,
with the engine's decision rule (:mod:`pathway.engine.selection`): the first definitely true guard fires when
every earlier one is definitely false; ``otherwise`` is true when all earlier are false; no ``when`` is always
true. A group that reads a date fact is skipped (dates have no finite domain, and ``days_since`` needs a clock);
a group with more than :data:`~pathway.linter.domains.MAX_COMBINATIONS` assignments is skipped and reported once
by PW519.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.domains import MAX_COMBINATIONS, Domain, assignments, combinations, fact_domains, facts_read
from pathway.definition.index import StateInfo, TransitionInfo
from pathway.diagnostics.codes import Code
from pathway.expr import Scope
from pathway.linter.base import LintFinding, rule

Row = tuple[dict[str, object], tuple[bool, ...]]  # an assignment, and each transition's guard being true in it


@dataclass(frozen=True)
class Group:
    """A state's transitions with one trigger, in document order."""

    state: StateInfo
    trigger: str | None
    transitions: tuple[TransitionInfo, ...]


def groups(analysis: Analysis) -> Iterator[Group]:
    for info in analysis.index.states.values():
        by_trigger: dict[str | None, list[TransitionInfo]] = {}
        for t in analysis.index.outgoing(info.id):
            by_trigger.setdefault(t.event, []).append(t)
        for trigger, transitions in by_trigger.items():
            yield Group(info, trigger, tuple(transitions))


def _guarded(t: TransitionInfo) -> bool:
    return t.when not in (None, OTHERWISE)


def _group_facts(analysis: Analysis, transitions: Iterable[TransitionInfo]) -> frozenset[str] | None:
    """Facts the guards read; None when a guard did not compile (the loader reports it)."""
    names: set[str] = set()
    for t in transitions:
        if _guarded(t):
            if t.id not in analysis.guards:
                return None
            names |= analysis.guards[t.id].names
    return facts_read(analysis, names)


def truths(analysis: Analysis, transitions: Sequence[TransitionInfo], scope: Scope) -> tuple[bool, ...]:
    """Whether each transition's guard is definitely true ('otherwise': every earlier one definitely false)."""
    values: list[bool] = []
    all_false = True
    for t in transitions:
        when = t.when
        if when is None:
            value: object = True
        elif when == OTHERWISE:
            value = all_false
        else:
            value = analysis.guards[t.id].evaluate(scope).value
        values.append(value is True)
        all_false = all_false and value is False
    return tuple(values)


def fired(row: tuple[bool, ...]) -> int | None:
    """The position that fires (with every fact known, a guard is true or false: the first true one fires)."""
    return next((i for i, value in enumerate(row) if value), None)


def table(analysis: Analysis, domains: Mapping[str, Domain | None], transitions: Sequence[TransitionInfo]) -> list[Row]:
    """Every fully known assignment of the facts the transitions read, with each guard's truth; [] if skipped."""
    facts = _group_facts(analysis, transitions)
    if facts is None:
        return []
    count = combinations(facts, domains, include_unknown=False)
    if count is None or count > MAX_COMBINATIONS:
        return []
    rows: list[Row] = []
    for assignment in assignments(facts, domains, include_unknown=False):
        rows.append((assignment, truths(analysis, transitions, Scope(assignment, analysis.derived, None))))
    return rows


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
    return f"- at: 2026-01-01\n  facts: {flow(facts)}"


def _trigger(group: Group) -> str:
    return f"event '{group.trigger}'" if group.trigger else "no event"


def _label(t: TransitionInfo) -> str:
    when = t.when
    return f"'{t.id}'" + (f" (when: {when})" if when is not None else " (no guard)")


@rule(Code.PW510)
def never_true(analysis: Analysis) -> Iterator[LintFinding]:
    domains = fact_domains(analysis)
    for group in groups(analysis):
        rows = table(analysis, domains, group.transitions)
        for i, t in enumerate(group.transitions):
            if rows and _guarded(t) and not any(row[i] for _, row in rows):
                yield LintFinding(
                    (*t.path, "when"),
                    f"transition {_label(t)} can never fire: its guard is false for every patient",
                    "the conditions contradict each other; check the comparisons and the derived facts it reads",
                )


def _shadowers(group: Group, rows: list[Row], i: int) -> list[str] | None:
    """Earlier transitions that are true whenever transition i is; None when it is sometimes the first true."""
    hits = [row for _, row in rows if row[i]]
    if not hits and rows and group.transitions[i].when == OTHERWISE:
        return [t.id for t in group.transitions[:i] if _guarded(t)]
    if not hits or any(fired(row) == i for row in hits):
        return None
    single = [group.transitions[j].id for j in range(i) if all(row[j] for row in hits)]
    if single:
        return single[:1]
    return [group.transitions[j].id for j in range(i) if any(row[j] for row in hits)]


_SHADOW_HINT = "reorder the transitions, or remove the shadowed one"


def _shadow_message(group: Group, t: TransitionInfo, by: list[str]) -> str:
    names = ", ".join(f"'{b}'" for b in by)
    if t.when == OTHERWISE:
        return f"transition {_label(t)} never fires: the earlier guards {names} ({_trigger(group)}) cover every patient"
    which = f"{names} (earlier, {_trigger(group)}) is" if len(by) == 1 else f"one of {names} (earlier) is always"
    return f"transition {_label(t)} never fires: whenever its guard is true, {which} true too and fires first"


@rule(Code.PW511)
def shadowed(analysis: Analysis) -> Iterator[LintFinding]:
    domains = fact_domains(analysis)
    for group in groups(analysis):
        rows = table(analysis, domains, group.transitions)
        for i, t in enumerate(group.transitions[1:], start=1):
            by = _shadowers(group, rows, i)
            if by is not None:
                yield LintFinding((*t.path, "when"), _shadow_message(group, t, by), _SHADOW_HINT)


def stuck_assignment(analysis: Analysis, domains: Mapping[str, Domain | None], info: StateInfo) -> dict[str, object]:
    """A fully known patient for whom neither the state nor any ancestor has a true eventless guard; {} if none."""
    chain = [info.id, *analysis.index.ancestors(info.id)]
    parts = [[t for t in analysis.index.outgoing(s) if t.event is None] for s in chain]
    flat = [t for part in parts for t in part]
    for assignment, row in table(analysis, domains, flat):
        if not any(row):
            return assignment
    return {}


def _may_stick(analysis: Analysis, info: StateInfo) -> bool:
    eventless = [t for t in analysis.index.outgoing(info.id) if t.event is None]
    return info.kind == "atomic" and bool(eventless) and all(_guarded(t) for t in eventless)


@rule(Code.PW512)
def stuck(analysis: Analysis) -> Iterator[LintFinding]:
    domains = fact_domains(analysis)
    for info in analysis.index.states.values():
        if not _may_stick(analysis, info):
            continue
        patient = stuck_assignment(analysis, domains, info)
        if patient:
            guards = ", ".join(_label(t) for t in analysis.index.outgoing(info.id) if t.event is None)
            yield LintFinding(
                info.path,
                f"state '{info.id}' can get stuck with every fact it reads known: none of {guards} is true "
                f"for the patient {flow(patient)}",
                "add a transition for this patient or an 'otherwise'; as a journey event:\n" + journey_event(patient),
                key=True,
            )


def overlap(analysis: Analysis, rows: list[Row], group: Group, i: int, j: int) -> dict[str, object] | None:
    """The first patient for whom guards i and j are both true, restricted to the facts they read."""
    first, second = group.transitions[i], group.transitions[j]
    witness = next((a for a, row in rows if row[i] and row[j]), None)
    if witness is None:
        return None
    names = analysis.guards[first.id].names | analysis.guards[second.id].names
    keep = facts_read(analysis, names)
    return {k: v for k, v in witness.items() if k in keep}


@rule(Code.PW513)
def overlapping(analysis: Analysis) -> Iterator[LintFinding]:
    domains = fact_domains(analysis)
    for group in groups(analysis):
        if group.trigger is not None:
            continue
        rows = table(analysis, domains, group.transitions)
        for j, second in enumerate(group.transitions):
            if not _guarded(second) or _shadowers(group, rows, j) is not None:
                continue
            for i, first in enumerate(group.transitions[:j]):
                patient = overlap(analysis, rows, group, i, j) if _guarded(first) else None
                if patient is not None:
                    yield LintFinding(
                        (*second.path, "when"),
                        f"guards of {_label(first)} and {_label(second)} are both true for the patient "
                        f"{flow(patient)}; document order picks '{first.id}'",
                        "if this priority is intended, say so; as a journey event:\n" + journey_event(patient),
                    )


@rule(Code.PW519)
def too_large(analysis: Analysis) -> Iterator[LintFinding]:
    domains = fact_domains(analysis)
    for group in groups(analysis):
        facts = _group_facts(analysis, group.transitions) or frozenset()
        count = combinations(facts, domains, include_unknown=False)
        if count is not None and count > MAX_COMBINATIONS:
            yield LintFinding(
                group.state.path,
                f"the guards of state '{group.state.id}' ({_trigger(group)}) read {len(facts)} facts with "
                f"{count} combinations; PW510-PW513 skip it (the limit is {MAX_COMBINATIONS})",
                "move parts of the guards into derived facts or child states",
                key=True,
            )
