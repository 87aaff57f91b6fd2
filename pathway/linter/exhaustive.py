"""The exhaustive guard checks' shared work: fact domains and truth tables, computed once per definition, within a
budget.

A *table* covers a list of transitions (a state's transitions with one trigger, or the eventless transitions of a
state and its ancestors): every fully known assignment of the facts their guards read (the *rows*, in the order
of :func:`~pathway.definition.domains.assignments`) and, per transition, the rows where it is definitely true, as
an int bitset (``otherwise``: every earlier guard definitely false; no ``when``: always). Bitsets turn the
questions of PW510-PW513 (never true? shadowed? overlapping? stuck?) into a few big-int operations. The facts'
domains come from the literals of the table's own guards (and of the derived facts they read), so a state is not
enumerated over the boundaries of every other state's guards.

The work is counted in *evaluations*: one guard or derived fact evaluated for one row, or one pair of transitions
of a state compared (PW511, PW513). Before anything is evaluated, every table of the definition is planned in
document order with its cost: a table over :data:`MAX_PER_CHECK` evaluations or :data:`MAX_COMBINATIONS` rows, or
one that would take the definition past :data:`MAX_PER_FILE`, is not built, and PW519 says which and why. The
plan does not depend on which rule asks first, so every rule sees the same tables.

Constraints. A row that breaks one of the pathway's constraints (definitely false for that patient) is a patient no
journey can give: each table also has the bitset of the rows the constraints allow, so that the checks can leave the
others out (PW512 and PW513 name only allowed patients; PW515 reports a transition that fires only for forbidden
ones). The constraints evaluated for a table are those that read one of its facts; their literals join the facts'
domains, so that a boundary a constraint draws is a boundary of the rows too; they count in the budget like guards.

Time. A timer (``after``) counts as false until its state has been active that long, so the eventless table of a
state with timers has one more column of rows, the time the state has been active (:data:`ELAPSED`: zero, and each
timer's duration); the stuck check looks at a state that has waited long enough for every timer to be due. Guards
are evaluated at :data:`~pathway.definition.clock.REFERENCE_DAY`, and a date read through ``days_since`` gets
the dates that many days before it (:mod:`pathway.definition.clock`). A table whose guards read time in any other
way is not built, and PW518 names each guard that was not analysed and why (:class:`Unanalysed`).

Decisions. A guard may read what a journey recorded (``done(a)``, ``declined(a)``, ``signed(a)``): each such
decision is one more column of the table, recorded or not (:data:`DECIDED`), named by the key the guard reads it by.
``days_since_done(a)`` reads the clock in a way lint does not enumerate (PW518).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.clock import REFERENCE_DAY, guard_time, timer
from pathway.definition.domains import MAX_COMBINATIONS, Compared, Domain, assignments, combinations, fact_domains
from pathway.definition.index import StateInfo, TransitionInfo
from pathway.expr import UNKNOWN, Scope
from pathway.expr.parse import DECISIONS

MAX_PER_CHECK = 250_000
"""The most evaluations one table may take (a state's guards for one trigger, or one stuck check)."""
MAX_PER_FILE = 1_000_000
"""The most evaluations all the tables of one definition may take together (PW503's cycles have as many again)."""

Key = tuple[str, ...]  # the ids of a table's transitions
ELAPSED = "(time in state)"
"""The table column of how long the state has been active (not a fact name: facts are snake_case ids)."""
DECIDED: Final = (False, True)
"""The values of a decision's column: not recorded, recorded."""
_DECISION = tuple(f"{kind}(" for kind in sorted(set(DECISIONS.values())))


def is_decision(name: str) -> bool:
    """Whether a table column is a decision (``done(a)``...), not a fact."""
    return name.startswith(_DECISION)


def scope_of(analysis: Analysis, assignment: Mapping[str, object]) -> Scope:
    """The scope of one row: its facts, and its decisions recorded (at the reference day) or not."""
    facts = {name: value for name, value in assignment.items() if not is_decision(name)}
    moment = datetime(REFERENCE_DAY.year, REFERENCE_DAY.month, REFERENCE_DAY.day)
    recorded = {name: moment for name, value in assignment.items() if is_decision(name) and value is True}
    return Scope(facts, analysis.derived, REFERENCE_DAY, recorded=recorded)


@dataclass(frozen=True)
class Table:
    """Each transition's truth over every fully known assignment of the facts its guards read."""

    facts: tuple[str, ...]  # sorted
    domains: tuple[Domain, ...]  # the domain of each fact
    columns: tuple[int, ...]  # per transition: bit r set when it is definitely true in row r
    rows: int
    allowed: int = -1  # bit r set when no constraint forbids row r (-1: every row)

    @property
    def everyone(self) -> int:
        """The bitset of every row."""
        return (1 << self.rows) - 1

    def assignment(self, row: int) -> dict[str, object]:
        """The facts of row ``row`` (the last fact varies fastest, as in itertools.product)."""
        values: dict[str, object] = {}
        for name, domain in zip(reversed(self.facts), reversed(self.domains), strict=True):
            row, digit = divmod(row, len(domain))
            values[name] = domain[digit]
        return {name: values[name] for name in self.facts}

    def first(self, rows: int) -> dict[str, object] | None:
        """The assignment of the first row in the bitset ``rows``, or None when it is empty."""
        return self.assignment((rows & -rows).bit_length() - 1) if rows else None


@dataclass(frozen=True)
class Skipped:
    """A table the budget did not allow: whose transitions, which, and why (the end of a PW519 sentence)."""

    state: StateInfo
    which: str  # "no event", "event 'x'", or the eventless transitions of the state and its ancestors
    reason: str


@dataclass(frozen=True)
class Unanalysed:
    """A table not built because of what its guards read of time: the state, which transitions (``which``, as in
    :class:`Skipped`), the checks that skip them, and each guard that is the cause with why (PW518)."""

    state: StateInfo
    which: str
    transitions: tuple[TransitionInfo, ...]
    checks: str  # "PW510-PW513", or "PW512" for a stuck check
    causes: tuple[tuple[TransitionInfo, str], ...]


@dataclass
class _Planned:
    state: StateInfo
    which: str
    transitions: tuple[TransitionInfo, ...]
    facts: tuple[str, ...]
    domains: Mapping[str, Domain | None]
    cost: int
    stuck: bool  # a stuck check's table (PW512), else a state's transitions with one trigger (PW510-PW513)
    constraints: tuple[str, ...] = ()  # the constraints that read one of its facts


def guarded(t: TransitionInfo) -> bool:
    return t.when not in (None, OTHERWISE)


def outcomes(
    analysis: Analysis, transitions: Sequence[TransitionInfo], scope: Scope, elapsed: timedelta | None = None
) -> list[object]:
    """Each transition's value by the engine's rule: its guard's value, True without one, 'otherwise' True when
    every earlier one is definitely false; a timer not yet due (``elapsed`` shorter than its ``after``; None:
    every timer is due) is False."""
    values: list[object] = []
    all_false = True
    for t in transitions:
        when, after = t.when, timer(t.transition)
        if elapsed is not None and after is not None and elapsed < after:
            value: object = False
        elif when is None:
            value = True
        elif when == OTHERWISE:
            value = all_false
        else:
            value = analysis.guards[t.id].evaluate(scope).value
        values.append(value)
        all_false = all_false and value is False
    return values


def truths(
    analysis: Analysis, transitions: Sequence[TransitionInfo], scope: Scope, elapsed: timedelta | None = None
) -> tuple[bool, ...]:
    """Whether each transition is definitely true (see :func:`outcomes`)."""
    return tuple(value is True for value in outcomes(analysis, transitions, scope, elapsed))


def relevant_constraints(analysis: Analysis, facts: frozenset[str]) -> tuple[tuple[str, ...], list[str]]:
    """The constraints that read one of ``facts`` (through derived facts too), and the derived facts they read."""
    names: list[str] = []
    derived: set[str] = set()
    for name, compiled in analysis.constraints.items():
        read, through = reads_of(analysis, compiled.names)
        if read & facts:
            names.append(name)
            derived |= through
    return tuple(names), sorted(derived)


def reads_of(analysis: Analysis, names: frozenset[str]) -> tuple[frozenset[str], set[str]]:
    """The facts ``names`` (facts or derived facts) read, and the derived facts on the way."""
    stack, seen, facts, derived = list(names), set(), set(), set()
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in analysis.derived:
            derived.add(name)
            stack.extend(analysis.derived[name].names)
        elif name in analysis.pathway.facts:
            facts.add(name)
    return frozenset(facts), derived


def read_by(analysis: Analysis, transitions: Sequence[TransitionInfo]) -> tuple[frozenset[str], list[str]] | None:
    """The facts the guards read (through derived facts too; with the decisions they read, as ``done(a)``...) and
    the derived facts that takes; None when a guard did not compile (the loader reports it)."""
    names: set[str] = set()
    decisions: set[str] = set()
    for t in transitions:
        if guarded(t):
            if t.id not in analysis.guards:
                return None
            names |= analysis.guards[t.id].names
            decisions |= analysis.guards[t.id].recorded
    facts, derived = reads_of(analysis, frozenset(names))
    return facts | decisions, sorted(derived)


def groups(analysis: Analysis) -> Iterator[tuple[StateInfo, str | None, tuple[TransitionInfo, ...]]]:
    """Every state's transitions grouped by trigger (an event, or None), in document order."""
    for info in analysis.index.states.values():
        by_trigger: dict[str | None, list[TransitionInfo]] = {}
        for t in analysis.index.outgoing(info.id):
            by_trigger.setdefault(t.event, []).append(t)
        for trigger, transitions in by_trigger.items():
            yield info, trigger, tuple(transitions)


def may_stick(analysis: Analysis, info: StateInfo) -> bool:
    """An atomic state whose eventless transitions all have guards (PW512 asks whether it can get stuck)."""
    eventless = [t for t in analysis.index.outgoing(info.id) if t.event is None]
    return info.kind == "atomic" and bool(eventless) and all(guarded(t) for t in eventless)


def stuck_transitions(analysis: Analysis, info: StateInfo) -> tuple[TransitionInfo, ...]:
    """The eventless transitions of the state and of its ancestors, innermost first."""
    chain = [info.id, *analysis.index.ancestors(info.id)]
    return tuple(t for s in chain for t in analysis.index.outgoing(s) if t.event is None)


def _checks(stuck: bool) -> str:
    return "PW512" if stuck else "PW510-PW513"


def timed(transitions: Sequence[TransitionInfo]) -> bool:
    """Eventless transitions among which are timers: their table has rows for the time in state."""
    return all(t.event is None for t in transitions) and any(t.transition.after for t in transitions)


def key_of(transitions: Sequence[TransitionInfo], stuck: bool) -> Key:
    """A table's key: its transitions' ids, and :data:`ELAPSED` when it has rows for the time in state (a stuck
    check has none: it looks at a state that waited for every timer)."""
    ids = tuple(t.id for t in transitions)
    return (*ids, ELAPSED) if not stuck and timed(transitions) else ids


def elapsed_domain(transitions: Sequence[TransitionInfo]) -> Domain:
    """The times in state that tell a state's timers apart: zero, and each timer's duration (shortest first)."""
    return (timedelta(0), *sorted({after for t in transitions if (after := timer(t.transition)) is not None}))


@dataclass
class Tables:
    """The planned tables of one definition, built on first use; see the module docstring."""

    analysis: Analysis
    planned: dict[Key, _Planned] = field(default_factory=dict)
    skipped: dict[Key, Skipped] = field(default_factory=dict)
    unanalysed: dict[Key, Unanalysed] = field(default_factory=dict)
    budget: int = 0  # the evaluations of every planned table
    spent: int = 0  # the evaluations of the tables built so far
    memo: dict[str, object] = field(default_factory=dict)  # other per-definition lint work (PW503's cycles)
    parsed: dict[str, Compared] = field(default_factory=dict)  # each expression's comparisons, parsed once
    _built: dict[Key, Table] = field(default_factory=dict)
    _time: dict[str, tuple[bool, str | None]] = field(default_factory=dict)

    def time(self, t: TransitionInfo) -> tuple[bool, str | None]:
        """Whether a guard reads time, and why the checks cannot enumerate it (:func:`guard_time`), once."""
        if t.id not in self._time:
            self._time[t.id] = guard_time(self.analysis, t.id, t.when)
        return self._time[t.id]

    def plan(self, state: StateInfo, which: str, transitions: tuple[TransitionInfo, ...], stuck: bool) -> None:
        """Plan the table of a state's transitions with one trigger (with the cost of comparing every two of them,
        and rows for the time in state when there are timers), or with ``stuck`` of a stuck check."""
        key = key_of(transitions, stuck)
        if key in self.planned or key in self.skipped or key in self.unanalysed:
            return
        read = read_by(self.analysis, transitions)
        if read is None:
            return  # a guard that did not compile: the loader reports it
        causes = tuple(
            (t, f"{why}, which lint cannot enumerate")
            for t in transitions
            if guarded(t) and (why := self.time(t)[1]) is not None
        )
        if causes:
            self.unanalysed[key] = Unanalysed(state, which, transitions, _checks(stuck), causes)
            return
        facts, derived = read
        constraints, through = relevant_constraints(self.analysis, facts)
        derived = sorted({*derived, *through})
        size = len(transitions)
        evaluated = sum(1 for t in transitions if guarded(t)) + len(derived) + len(constraints)
        compared = size * (size - 1) // 2 if not stuck else 0
        per_check = f"{MAX_PER_CHECK:,} per check"
        if evaluated + compared > MAX_PER_CHECK:  # too costly even for one patient: no need to find the domains
            self.skip(key, state, which, f"would take at least {evaluated + compared:,} evaluations", per_check)
            return
        domains = self.domains(transitions, derived, constraints)
        if key[-1] == ELAPSED:
            domains[ELAPSED] = elapsed_domain(transitions)
            facts |= {ELAPSED}
        count = combinations(facts, domains, include_unknown=False)
        if count is None:  # a fact without values: not with a reference day, but never skipped silently
            causes = tuple(self.valueless(transitions, domains))
            self.unanalysed[key] = Unanalysed(state, which, transitions, _checks(stuck), causes)
            return
        cost = count * evaluated + compared
        if count > MAX_COMBINATIONS:
            read_facts = len(facts - {ELAPSED})
            self.skip(key, state, which, f"read {read_facts} facts with {count} combinations", f"{MAX_COMBINATIONS}")
        elif cost > MAX_PER_CHECK:
            self.skip(key, state, which, f"would take {cost:,} evaluations", per_check)
        elif self.budget + cost > MAX_PER_FILE:
            self.skip(key, state, which, f"would take {cost:,} more evaluations", f"{MAX_PER_FILE:,} for the file")
        else:
            ordered = tuple(sorted(facts))
            self.planned[key] = _Planned(state, which, transitions, ordered, domains, cost, stuck, constraints)
            self.budget += cost

    def valueless(
        self, transitions: Sequence[TransitionInfo], domains: Mapping[str, Domain | None]
    ) -> Iterator[tuple[TransitionInfo, str]]:
        """Each guard that reads a fact without a domain, with why (the first such fact)."""
        for t in transitions:
            read = read_by(self.analysis, [t]) if guarded(t) else None
            missing = sorted(name for name in read[0] if domains.get(name) is None) if read else []
            if missing:
                yield t, f"'{missing[0]}', which has no finite set of values"

    def skip(self, key: Key, state: StateInfo, which: str, reason: str, limit: str) -> None:
        """Record a table that is not built, and why."""
        self.skipped[key] = Skipped(state, which, f"{reason}; PW510-PW513 skip it (the limit is {limit})")

    def domains(
        self, transitions: Sequence[TransitionInfo], derived: Sequence[str], constraints: Sequence[str] = ()
    ) -> dict[str, Domain | None]:
        """The facts' domains from the literals of these transitions' guards, the constraints that read their facts
        and the derived facts they read: the boundaries that matter to these guards, and no others (dates: before
        the reference day)."""
        p = self.analysis.pathway
        texts = [t.when for t in transitions if guarded(t) and t.when is not None]
        texts += [p.derived[name].expr for name in derived] + [p.constraints[name].expr for name in constraints]
        domains = fact_domains(self.analysis, texts, self.parsed, REFERENCE_DAY)
        for t in transitions:
            compiled = self.analysis.guards.get(t.id) if guarded(t) else None
            if compiled is not None:
                domains.update((key, DECIDED) for key in compiled.recorded)
        return domains

    def table(self, transitions: Sequence[TransitionInfo], stuck: bool = False) -> Table | None:
        """The table of these transitions (``stuck``: of a stuck check); None when it was not planned (skipped,
        unanalysed, or nothing to decide) or its guards turned out not to be decidable (PW518)."""
        key = key_of(transitions, stuck)
        if key in self._built:
            return self._built[key]
        planned = self.planned.get(key)
        if planned is None or key in self.unanalysed:
            return None
        built = self._build(planned)
        if built is None:
            return None
        self._built[key] = built
        return built

    def build_all(self) -> None:
        """Build every planned table (PW518 reports the ones whose guards turn out undecidable)."""
        for planned in list(self.planned.values()):
            self.table(planned.transitions, planned.stuck)

    def _build(self, planned: _Planned) -> Table | None:
        analysis, transitions = self.analysis, planned.transitions
        domains = tuple(planned.domains[name] or () for name in planned.facts)
        bits = [bytearray() for _ in transitions]
        clocked = [i for i, t in enumerate(transitions) if guarded(t) and self.time(t)[0]]
        constraints = [analysis.constraints[name] for name in planned.constraints]
        allowed = bytearray()
        rows = 0
        self.spent += planned.cost
        for assignment in assignments(planned.facts, planned.domains, include_unknown=False):
            elapsed = assignment.pop(ELAPSED, None)
            scope = scope_of(analysis, assignment)
            row = outcomes(analysis, transitions, scope, elapsed if isinstance(elapsed, timedelta) else None)
            undecided = next((transitions[i] for i in clocked if row[i] is UNKNOWN), None)
            if undecided is not None:  # it reads the clock in a way lint does not supply: not a finding
                why = "the time in a way lint cannot evaluate: it is unknown with every fact known"
                key, cause = key_of(transitions, planned.stuck), ((undecided, why),)
                self.unanalysed[key] = Unanalysed(
                    planned.state, planned.which, transitions, _checks(planned.stuck), cause
                )
                return None
            for column, value in zip(bits, row, strict=True):
                column.append(49 if value is True else 48)  # b"1" / b"0"
            allowed.append(48 if any(c.evaluate(scope).value is False for c in constraints) else 49)
            rows += 1
        columns = tuple(int(column[::-1], 2) if rows else 0 for column in bits)
        return Table(planned.facts, domains, columns, rows, int(allowed[::-1], 2) if rows else 0)


_TABLES: weakref.WeakKeyDictionary[Analysis, Tables] = weakref.WeakKeyDictionary()


def tables(analysis: Analysis) -> Tables:
    """The tables of a checked definition, planned on first call and kept as long as the analysis lives."""
    found = _TABLES.get(analysis)
    if found is None:
        found = Tables(analysis)
        for info, trigger, transitions in groups(analysis):
            found.plan(info, f"event '{trigger}'" if trigger else "no event", transitions, stuck=False)
        for info in analysis.index.states.values():
            if may_stick(analysis, info):
                which = "no event, with the eventless transitions of the states around it"
                found.plan(info, which, stuck_transitions(analysis, info), stuck=True)
        _TABLES[analysis] = found
    return found
