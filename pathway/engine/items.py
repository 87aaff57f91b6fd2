"""The recommendations and findings a run carries: since when, which state carries them, and for a recommendation
with ``due`` or ``every`` its latest issue, its deadline and whether care recorded it as done or declined
(``docs/time.md``); for one with ``until``, whether it persists after its states were left; which actions supersede
which, and which conflicting recommendations are active together (``docs/recommendations.md``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from pathway.definition.analysis import Analysis
from pathway.definition.model import Action, Recommendation
from pathway.engine.assumed import Assumptions
from pathway.engine.checks import read_entries
from pathway.engine.decisions import Decisions
from pathway.engine.selection import outcome
from pathway.engine.tables import Kept, RunTables, Watch
from pathway.engine.timeline import Timeline
from pathway.expr import Evaluation, Scope
from pathway.expr.durations import format_time, later, parse_duration
from pathway.trail.parts import Due, StandingConflict
from pathway.trail.plain import trusted
from pathway.trail.records import ConflictRecord, Entry, PersistingRecord, RetiredRecord

E = TypeVar("E", bound=Entry)


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
    until: str | None = None  # from its Recommendation: it persists after its states are left until this is true
    persisting: bool = False  # its states were all left and its until guard is not true yet

    @classmethod
    def issue(cls, since: str, state: str, now: datetime, rule: Recommendation | None) -> Carried:
        """A new item; ``rule`` gives a recommendation's deadline, period and persistence (None for a finding)."""
        due_after = parse_duration(rule.due) if rule is not None and rule.due is not None else None
        every = parse_duration(rule.every) if rule is not None and rule.every is not None else None
        item = cls(since, state, now, due_after, every, rule.every if rule is not None else None)
        item.until = rule.until if rule is not None else None
        return item

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
        entry = trusted(Due, kind="action", id=action, state=self.state, at=format_time(due))
        return ("overdue" if now > due else "due"), entry


Pair = tuple[str, str]


def conflict_pairs(actions: Mapping[str, Action]) -> tuple[Pair, ...]:
    """Every pair of actions declared conflicting (either side may declare it), each once, in the order of the
    action catalogue."""
    order = {name: n for n, name in enumerate(actions)}
    pairs = {
        tuple(sorted((name, other), key=order.__getitem__))
        for name, action in actions.items()
        for other in action.conflicts or ()
        if other in order and other != name
    }
    return tuple(sorted((cast(Pair, p) for p in pairs), key=lambda p: (order[p[0]], order[p[1]])))


class Together:
    """The conflicting pairs active together, with since when: a pair is new when it was not together at the end of
    the previous input or wake-up."""

    def __init__(self, actions: Mapping[str, Action]) -> None:
        self.pairs = conflict_pairs(actions)
        self.since: dict[Pair, str] = {}

    def update(self, active: Iterable[str], at: str) -> list[Pair]:
        """The pairs active together now that were not before (in catalogue order); remembers them."""
        current = set(active)
        together = [p for p in self.pairs if p[0] in current and p[1] in current]
        new = [p for p in together if p not in self.since]
        self.since = {p: self.since.get(p, at) for p in together}
        return new


class RunState:
    """What the parts of a run read and call of the run itself (:class:`pathway.engine.execute._Run`, which provides
    all of it). The parts form one chain, each adding its rules to the one before: this, :class:`ItemRules`,
    :class:`~pathway.engine.decided.DecisionRules`, :class:`~pathway.engine.issuing.IssueRules`,
    :class:`~pathway.engine.wakes.WakeRules`, :class:`~pathway.engine.reports.ReportRules`, then the run. A part
    declares (``raise NotImplementedError``) only what a later one defines; single inheritance, so that the native
    build compiles them (mypyc compiles no class with two bases)."""

    analysis: Analysis
    items: dict[tuple[str, str], Carried]
    active: frozenset[str]
    facts: dict[str, object]
    fact_version: dict[str, int]
    fact_log: list[str]
    supplied: dict[str, int]
    given_by: dict[str, int]
    timeline: Timeline
    at: str
    input_seq: int
    error: str | None

    assumptions: Assumptions
    decisions: Decisions
    tables: RunTables
    kept: Kept[Evaluation]  # guards other than the transitions', kept while what they read is unchanged

    def emit(self, kind: type[E], **fields: Any) -> None:
        raise NotImplementedError  # the run's

    @property
    def fact_changes(self) -> int:
        """How many times a fact was given or forgotten: what the scope is kept by."""
        return len(self.fact_log)

    def fact_changed(self, name: str) -> None:
        """Note that a fact was given or forgotten: in the run's log of facts changed (which the scope passes to
        the compiled engine's selector: :class:`~pathway.expr.Scope`'s ``changes``), and as its version."""
        self.fact_log.append(name)
        self.fact_version[name] = len(self.fact_log)

    def seen(self, watch: Watch) -> tuple[int | None, ...]:
        """A snapshot of what ``watch`` names, as the run holds it now (see :mod:`pathway.engine.tables`): when each
        fact was last given or forgotten (its value and given time change only then), when the assumed values and
        the decisions last changed, the clock's moment, the moment the state was entered."""
        timeline = self.timeline
        return (
            *map(self.fact_version.get, watch.facts),
            self.assumptions.changes,
            self.decisions.changes if watch.decisions else 0,
            timeline.moments if watch.clock else 0,
            timeline.entries.get(watch.entered) if watch.entered is not None else 0,
        )

    def scope(self) -> Scope:
        raise NotImplementedError  # the run's: what guards see now (facts, clock, decisions, assumptions)

    def sync_items(self, cause: str) -> None:
        raise NotImplementedError  # the run's


class ItemRules(RunState):
    """Persistence, supersession and conflicts (``docs/recommendations.md``), as part of a run."""

    blocked: dict[str, set[str]]  # action -> the active states that recommend it but were superseded while active
    blocked_changes: int  # how many times blocked changed (what the run's wanted items are kept by)
    together: Together

    def until_of(self, action: str, item: Carried) -> Evaluation:
        """The item's ``until`` guard, evaluated as a guard is now (the facts, the clock, the decisions recorded)."""
        key = (item.state, action)
        seen = self.seen(self.tables.untils[key])
        found = self.kept.get(("until", key), seen)
        if found is None:
            found = self.kept.put(("until", key), seen, self.analysis.untils[key].evaluate(self.scope()))
        return found

    def leave(self, key: tuple[str, str], cause: str) -> None:
        """No active state recommends the item any more (``cause`` left the last): it is retired, unless its
        ``until`` guard is not true, and then it persists."""
        item = self.items[key]
        if item.until is None:
            del self.items[key]
            self.emit(RetiredRecord, item=key[0], id=key[1], state=item.state, cause=cause)
            return
        evaluation = self.until_of(key[1], item)
        read = read_entries(evaluation, self.analysis.derived, self.supplied, self.given_by)
        result = outcome(evaluation)
        if result == "true":
            del self.items[key]
            fields = {"why": "condition", "until": item.until, "read": read}
            self.emit(RetiredRecord, item=key[0], id=key[1], state=item.state, cause=cause, **fields)
            return
        item.persisting = True
        missing = tuple(sorted(evaluation.missing)) if result == "unknown" and evaluation.missing else None
        self.emit(
            PersistingRecord,
            item="recommendation",
            id=key[1],
            state=item.state,
            cause=cause,
            until=item.until,
            outcome=result,
            read=read,
            missing=missing,
        )

    def superseded_by(self, issuing: Iterable[str]) -> set[str]:
        """The actions that issuing these actions supersedes."""
        actions = self.analysis.pathway.actions
        return {other for a in issuing for other in actions[a].supersedes or ()}

    def supersede(self, issued: Iterable[str], cause: str) -> None:
        """Each action just issued retires the active recommendations it supersedes (every one issued applies its
        own, even when another issued at the same time supersedes it). A superseded recommendation is not issued
        again by the states that recommend it and are active now: only by entering one of them again."""
        for action in issued:
            for other in self.analysis.pathway.actions[action].supersedes or ():
                item = self.items.pop(("recommendation", other), None)
                if item is None:
                    continue
                holders = {s for s in self.active if other in self.analysis.index.states[s].state.recommended}
                self.blocked.setdefault(other, set()).update(holders)
                self.blocked_changes += 1
                fields = {"why": "superseded", "by": action}
                self.emit(RetiredRecord, item="recommendation", id=other, state=item.state, cause=cause, **fields)

    def unblock(self) -> None:
        """A state left is no longer held back by a supersession: entering it again issues its recommendation."""
        if any(not states or not states <= self.active for states in self.blocked.values()):
            self.blocked = {a: kept for a, states in self.blocked.items() if (kept := states & self.active)}
            self.blocked_changes += 1

    def resolve(self) -> None:
        """After an input or a wake-up: each persisting recommendation whose ``until`` guard is true is retired."""
        for key, item in list(self.items.items()):
            if not item.persisting:
                continue
            evaluation = self.until_of(key[1], item)
            if outcome(evaluation) == "true":
                del self.items[key]
                read = read_entries(evaluation, self.analysis.derived, self.supplied, self.given_by)
                fields = {"why": "condition", "until": item.until, "read": read}
                self.emit(RetiredRecord, item=key[0], id=key[1], state=item.state, cause="until", **fields)

    def record_conflicts(self) -> None:
        """After an input or a wake-up: each pair of conflicting recommendations that became active together."""
        active = [k[1] for k in self.items if k[0] == "recommendation"]
        for first, second in self.together.update(active, self.at):
            states = (self.items[("recommendation", first)].state, self.items[("recommendation", second)].state)
            self.emit(ConflictRecord, actions=(first, second), states=states)

    def standing_conflicts(self) -> tuple[StandingConflict, ...]:
        """The conflicting recommendations active together, with since when (as of the end of the latest input or
        wake-up; after an engine error, those of them still active)."""
        items = self.items
        return tuple(
            trusted(StandingConflict, actions=pair, states=(items[keys[0]].state, items[keys[1]].state), since=at)
            for pair, at in self.together.since.items()
            if (keys := (("recommendation", pair[0]), ("recommendation", pair[1])))[0] in items and keys[1] in items
        )
