"""A patient's journey as rows a person reads: one row per moment of the trail (an input, or a wake-up between
two), with what arrived, the care recorded, the transitions taken (by step: the numbers the diagrams draw), what
was recommended, concluded and stopped (by title, never by id), and what the pathway waited for.

Plain data from the trail's records: the site's patient pages render the rows as a table, and a cohort report can
render the same rows for each of its patients. The pathway, when given, only supplies words (an action's title for
care recorded before it was ever issued, a fact's description for what is waited for); without it every row still
says everything the trail holds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from pathway.audit.moments import Moment, moments, wake_reasons
from pathway.audit.timing import StateClock
from pathway.definition.model import Pathway
from pathway.trail.records import (
    DeclinedRecord,
    DeviationRecord,
    ErrorRecord,
    ExpiredRecord,
    FulfilledRecord,
    IssuedRecord,
    Record,
    RetiredRecord,
    TransitionRecord,
    WaitingRecord,
)


@dataclass(frozen=True)
class Step:
    """A transition taken: its step number (the record's seq), the states it left and entered, and why."""

    number: int
    source: str
    target: str
    why: str

    @property
    def text(self) -> str:
        return f"#{self.number} {self.source} → {self.target} ({self.why})"


@dataclass(frozen=True)
class TimelineRow:
    """One moment of a journey in words. ``input`` is the input's number (None for a wake-up); ``seq`` is the
    step of the moment's first record (its input record, for an input)."""

    at: str
    seq: int
    input: int | None
    note: str | None
    arrived: tuple[str, ...]
    care: tuple[str, ...]
    steps: tuple[Step, ...]
    recommended: tuple[str, ...]
    concluded: tuple[str, ...]
    stopped: tuple[str, ...]
    waiting: tuple[str, ...]
    problems: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def value_text(value: object) -> str:
    """A fact's value as a person reads it: text bare, true/false, numbers as written."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return str(value)


class _Words:
    """Titles and descriptions: from the trail's own issued records first, then from the pathway, else the id."""

    def __init__(self, records: Sequence[Record], pathway: Pathway | None) -> None:
        self.pathway = pathway
        self.titles = {r.id: r.title for r in records if isinstance(r, IssuedRecord)}

    def title(self, item: str) -> str:
        if item in self.titles:
            return self.titles[item]
        if self.pathway is not None:
            found = self.pathway.actions.get(item) or self.pathway.findings.get(item)
            if found is not None:
                return found.title
        return item

    def fact(self, name: str) -> str:
        fact = self.pathway.facts.get(name) if self.pathway is not None else None
        return f"{name} ({fact.description.rstrip('.')})" if fact is not None and fact.description else name


def _arrived(m: Moment, reasons: Sequence[str]) -> tuple[str, ...]:
    """What the moment brought: the input's facts and event; or why the engine woke."""
    r = m.input
    if r is None:
        return tuple(reasons) or ("the clock moved on",)
    if r.until:
        return (f"the clock advanced to {r.at}",)
    out = [f"{name} = {value_text(value)}" for name, value in r.facts.items()]
    out += [f"event {r.event}"] if r.event else []
    return tuple(out)


def _care(m: Moment, words: _Words) -> list[str]:
    """The care the moment records: done, declined, signed, results that fulfilled an order, deviations."""
    out: list[str] = []
    r = m.input
    if r is not None:
        why = f" ({r.reason})" if r.reason else ""
        out += [f"done: {words.title(r.done)}{why}"] if r.done else []
        out += [f"declined: {words.title(r.declined)}{why}"] if r.declined else []
        out += [f"signed off: {words.title(r.signed)} by {r.by}"] if r.signed else []
    for rec in m.records:
        if isinstance(rec, FulfilledRecord):
            out.append(f"result {rec.fact} = {value_text(rec.value)} fulfils: {words.title(rec.action)}")
        elif isinstance(rec, DeviationRecord):
            out.append(f"not recommended then: {words.title(rec.action)}")
        elif isinstance(rec, DeclinedRecord) and not rec.recommended:
            out.append(f"declined while not recommended: {words.title(rec.action)}")
    return out


def _why(r: TransitionRecord) -> str:
    if r.after is not None:
        return f"after {r.after}" + (f", {r.guard}" if r.guard and r.guard != "otherwise" else "")
    if r.trigger is not None:
        return f"event {r.trigger}"
    return r.guard or "always"


def _issued(r: IssuedRecord) -> str:
    return r.title + (f" (due {r.due})" if r.due else "") + (f", again: {r.occurrence}" if r.occurrence else "")


def row_of(m: Moment, reasons: Sequence[str], words: _Words) -> TimelineRow:
    """One moment as a row; ``reasons``: why the engine woke, for a wake-up."""
    recs = m.records
    issued = [r for r in recs if isinstance(r, IssuedRecord)]
    retired = {(r.item, r.id) for r in recs if isinstance(r, RetiredRecord)}
    passing = {(r.item, r.id) for r in issued} & retired  # issued and retired at once: a state passed through
    waiting = dict.fromkeys(n for r in recs if isinstance(r, WaitingRecord) for n in r.needs)
    return TimelineRow(
        at=m.at,
        seq=m.input.seq if m.input is not None else (recs[0].seq if recs else 0),
        input=m.input.input if m.input is not None else None,
        note=m.input.note if m.input is not None else None,
        arrived=_arrived(m, reasons),
        care=tuple(_care(m, words)),
        steps=tuple(Step(r.seq, r.source, r.target, _why(r)) for r in recs if isinstance(r, TransitionRecord)),
        recommended=tuple(_issued(r) for r in issued if r.item == "recommendation" and (r.item, r.id) not in passing),
        concluded=tuple(r.title for r in issued if r.item == "finding" and (r.item, r.id) not in passing),
        stopped=tuple(
            words.title(r.id) for r in recs if isinstance(r, RetiredRecord) and (r.item, r.id) not in passing
        ),
        waiting=tuple(words.fact(n) for n in waiting),
        problems=tuple(f"{r.code}: {r.message}" for r in recs if isinstance(r, ErrorRecord))
        + tuple(f"{r.fact} went stale" for r in recs if isinstance(r, ExpiredRecord) and m.input is not None),
    )


def timeline(records: Sequence[Record], pathway: Pathway | None = None) -> list[TimelineRow]:
    """Every moment of a trail as a row, in trail order (the header and summary left out)."""
    words = _Words(records, pathway)
    clock = StateClock()
    rows: list[TimelineRow] = []
    for m in moments(records):
        reasons = wake_reasons(m, clock) if m.input is None else []
        rows.append(row_of(m, reasons, words))
        for r in m.records:
            clock.see(r)
    return rows
