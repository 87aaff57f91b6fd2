"""PW55x: conflicting recommendations (an action's ``conflicts``) that can be recommended at once.

For each declared pair, :mod:`pathway.linter.together` explores every way a run could go. When no way leads to
both being active after an input or a wake-up, the conflict is unreachable and nothing is reported. When one does,
lint turns its path into a journey (each moment an entry, its facts as found, dates counted back from the entry's
day, entries spaced so that the timers it takes are due and the facts it needs unknown have gone stale) and runs
it: if the engine records the conflict, PW550 reports it with that journey, ready to paste. Otherwise (the path
needs something no journey can give, or the search reached its bound) PW551 says that lint could decide neither.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pathway.definition.analysis import Analysis
from pathway.definition.clock import REFERENCE_DAY
from pathway.definition.index import DocPath
from pathway.diagnostics.codes import Code
from pathway.engine.items import Pair, conflict_pairs
from pathway.engine.runner import Runner
from pathway.errors import InvalidInputError
from pathway.expr.durations import parse_duration
from pathway.journey.check import journey_from_data
from pathway.linter.base import LintFinding, rule
from pathway.linter.guards import flow
from pathway.linter.together import Found, Moment, Node, Search
from pathway.trail.parts import ActiveItem
from pathway.trail.records import ConflictRecord

START = datetime(REFERENCE_DAY.year, REFERENCE_DAY.month, REFERENCE_DAY.day)
DAY = timedelta(days=1)
Entry = dict[str, object]


@dataclass(frozen=True)
class Verdict:
    """What lint found for one declared conflict: a journey that reaches it (``witness``, with where each action
    comes from then), or why it could not decide (``undecided``); neither when the conflict is unreachable."""

    pair: Pair
    path: DocPath
    witness: tuple[Entry, ...] | None = None
    where: tuple[str, str] = ("", "")
    undecided: str | None = None
    closest: tuple[str, ...] = ()


def followed(analysis: Analysis, pair: Pair) -> list[str]:
    """The pair, and every action that supersedes one already followed (issuing it retires them)."""
    found = list(pair)
    grown = True
    while grown:
        grown = False
        for name, action in analysis.pathway.actions.items():
            if name not in found and set(action.supersedes or ()) & set(found):
                found.append(name)
                grown = True
    return found


def declared_at(analysis: Analysis, pair: Pair) -> DocPath:
    """Where the conflict is declared: the first of the two actions (catalogue order) that lists the other."""
    for first, second in (pair, pair[::-1]):
        listed = analysis.pathway.actions[first].conflicts or []
        if second in listed:
            return ("actions", first, "conflicts", listed.index(second))
    return ("actions", pair[0])


def _time(at: datetime) -> str:
    return at.date().isoformat() if at.time() == datetime.min.time() else at.isoformat(timespec="minutes")


class _Journey:
    """A path of moments turned into journey entries."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.given: dict[str, datetime] = {}
        self.at = START - DAY

    def entry(self, moment: Moment) -> Entry:
        facts = self.analysis.pathway.facts
        wait = max([DAY, *(t.after for t in moment.transitions if t.after is not None)])
        at = self.at + wait
        for name, when in self.given.items():  # a fact the moment needs unknown: after it has gone stale
            length = facts[name].valid_for
            if name not in moment.facts and length is not None:
                at = max(at, when + parse_duration(length))
        self.at = at
        self.given = {n: w for n, w in self.given.items() if n in moment.facts} | {n: at for n in moment.facts}
        shift = at - START
        values = {name: _shifted(value, shift) for name, value in moment.facts.items()}
        entry: Entry = {"at": _time(at), "facts": values}
        if moment.event is not None:
            entry["event"] = moment.event
        return entry


def _shifted(value: object, shift: timedelta) -> object:
    """A date counted back from the reference day, counted back as far from the entry's day instead."""
    if isinstance(value, datetime):
        return _time(value + shift)
    if isinstance(value, date):
        return (value + timedelta(days=shift.days)).isoformat()
    return value


def _where(item: ActiveItem) -> str:
    return f"persisting after {item.state} until {item.until}" if item.persisting else f"from {item.state}"


def _witness(analysis: Analysis, runner: Runner, pair: Pair, moments: Sequence[Moment]) -> Verdict | None:
    """The journey that follows a path, when the engine records the conflict on it."""
    maker = _Journey(analysis)
    entries = [maker.entry(m) for m in moments]
    data = {"journey": "lint-witness", "events": entries}
    try:
        journey = journey_from_data(data, analysis)
    except InvalidInputError:
        return None
    for step in runner.steps(journey):
        if any(isinstance(r, ConflictRecord) and r.actions == pair for r in step.records):
            live = {i.id: i for i in step.summary.recommendations}
            where = (_where(live[pair[0]]), _where(live[pair[1]]))
            return Verdict(pair, declared_at(analysis, pair), tuple(entries[: step.input]), where)
    return None


def verdict(analysis: Analysis, pair: Pair) -> Verdict:
    first, second = pair
    actions = followed(analysis, pair)
    search = Search(analysis, actions)
    found: Found = search.search(lambda n: _both(n, 0, 1))
    path = declared_at(analysis, pair)
    if not found.paths and found.stopped is None:
        return Verdict(pair, path)
    runner = Runner(analysis)
    for _, moments in found.paths:
        witness = _witness(analysis, runner, pair, moments)
        if witness is not None:
            return witness
    closest = tuple(t.id for m in found.paths[0][1] for t in m.transitions) if found.paths else ()
    if found.stopped is not None and not found.paths:
        why = f"the search {found.stopped} ({search.steps:,} steps) without ruling it out"
    elif found.stopped is not None:
        why = f"the search {found.stopped}, and no journey lint made from the ways it found reaches it"
    else:
        why = "lint finds ways that could reach it, but no journey it made from them does"
    return Verdict(pair, path, undecided=why, closest=closest)


def _both(node: Node, i: int, j: int) -> bool:
    return node.items[i].issuer is not None and node.items[j].issuer is not None


_VERDICTS: weakref.WeakKeyDictionary[Analysis, tuple[Verdict, ...]] = weakref.WeakKeyDictionary()


def verdicts(analysis: Analysis) -> tuple[Verdict, ...]:
    """The verdict on every declared conflict, computed once per analysis (both rules read it)."""
    found = _VERDICTS.get(analysis)
    if found is None:
        found = tuple(verdict(analysis, pair) for pair in conflict_pairs(analysis.pathway.actions))
        _VERDICTS[analysis] = found
    return found


def journey_text(entries: Sequence[Mapping[str, object]]) -> str:
    """Journey entries as YAML, ready to paste under a journey's ``events:``."""
    lines: list[str] = []
    for entry in entries:
        facts = entry["facts"]
        lines += [f"- at: {entry['at']}", f"  facts: {flow(facts if isinstance(facts, dict) else {})}"]
        if "event" in entry:
            lines.append(f"  event: {entry['event']}")
    return "\n".join(lines)


@rule(Code.PW550)
def reachable(analysis: Analysis) -> Iterator[LintFinding]:
    for v in verdicts(analysis):
        if v.witness is None:
            continue
        (a, b), (wa, wb) = v.pair, v.where
        yield LintFinding(
            v.path,
            f"'{a}' and '{b}' are declared conflicting, but a patient can have both recommended at once: {a} {wa}, "
            f"{b} {wb}",
            "make the states that recommend them exclude each other, end one with 'until' or 'supersedes', or drop "
            "the declaration if they may go together; a journey that reaches it:\n" + journey_text(v.witness),
        )


@rule(Code.PW551)
def undecided(analysis: Analysis) -> Iterator[LintFinding]:
    for v in verdicts(analysis):
        if v.undecided is None:
            continue
        a, b = v.pair
        way = f"; the way lint found goes through {', '.join(v.closest)}" if v.closest else ""
        yield LintFinding(
            v.path,
            f"lint cannot tell whether '{a}' and '{b}', declared conflicting, can be recommended at once: "
            f"{v.undecided}",
            f"check it with a scenario that tries to reach both{way}",
        )
