"""A patient's journey as rows a person reads: one row per moment of the trail (an input, or a wake-up between
two), with what arrived, the care recorded, the transitions taken (by step: the numbers the diagrams draw), what
was recommended, concluded and stopped, and what the pathway waited for.

Everything is said twice (:class:`~pathway.audit.glossary.Said`): in the clinician's words (a state's question
and title, the answer on its arrow, a fact's description and unit, an action's title, an evidence entry's
citation) and in the trail's own terms (state, transition and fact ids, guard text) for an auditor, who finds
them in the trail. Plain data from the trail's records: the site's patient pages render the rows as a table (ids
in tooltips), and a cohort report can render the same rows for each of its patients. The words come from a
:class:`~pathway.audit.glossary.Glossary` (``pathway.render.patient.glossary``: the clinical view's words) and the
pathway; without them every row still says everything the trail holds, by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from pathway.audit.glossary import Cited, Glossary, Said, Words
from pathway.audit.moments import Moment, Wake, moments, wakes
from pathway.audit.timing import StateClock
from pathway.definition.model import Pathway
from pathway.trail.parts import ReadAssumed, ReadFact
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
    """A transition taken: its step number (the record's seq); in the trail's terms its id, the states it left and
    entered and why (guard, timer or event as written); in words what the state asked (its question, else its
    title), the answer (the words on its arrow), the step reached, the values that decided it; the evidence."""

    number: int
    id: str
    source: str
    target: str
    why: str
    asked: str
    answer: str
    reached: str
    values: tuple[Said, ...] = ()
    evidence: tuple[Cited, ...] = ()

    @property
    def words(self) -> str:
        """``Has the patient received bortezomib? Yes → Bortezomib received, exposure under review (...)``."""
        asked = self.asked if self.asked.endswith("?") or not self.answer else f"{self.asked}:"
        values = f" ({'; '.join(v.text for v in self.values)})" if self.values else ""
        return " ".join(p for p in (asked, self.answer, "→", self.reached) if p) + values

    @property
    def text(self) -> str:
        """The step's number and its words: ``#12 Has the patient received bortezomib? ...``."""
        return f"#{self.number} {self.words}"

    @property
    def code(self) -> str:
        """``#12 exposure_check → exposure_review (exposed_to_bortezomib)``: the trail's terms."""
        return f"#{self.number} {self.source} → {self.target} ({self.why})"


@dataclass(frozen=True)
class TimelineRow:
    """One moment of a journey in words. ``input`` is the input's number (None for a wake-up); ``seq`` is the
    step of the moment's first record (its input record, for an input)."""

    at: str
    seq: int
    input: int | None
    note: str | None
    arrived: tuple[Said, ...]
    care: tuple[Said, ...]
    steps: tuple[Step, ...]
    recommended: tuple[Said, ...]
    concluded: tuple[Said, ...]
    stopped: tuple[Said, ...]
    waiting: tuple[Said, ...]
    problems: tuple[str, ...]

    @property
    def evidence(self) -> tuple[Cited, ...]:
        """The evidence the row's steps, recommendations and conclusions cite, each entry once, in order."""
        cited = [c for s in self.steps for c in s.evidence]
        cited += [c for said in (*self.recommended, *self.concluded) for c in said.evidence]
        return tuple(dict.fromkeys(cited))

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for step, shown in zip(self.steps, out["steps"], strict=True):
            shown |= {"text": step.text, "code": step.code}  # the properties, for a report's reader
        return out


def _woke(wake: Wake, words: Words) -> Said:
    """Why the engine woke, in words: ``Sensory grade went stale``, ``Coasting watch after the last dose: after 90
    days``."""
    if wake.kind == "stale":
        return Said(f"{words.fact(wake.id)} went stale", wake.text)
    if wake.kind == "timer":
        source = words.glossary.sources.get(wake.id)
        arrow = words.glossary.arrows.get(wake.id) or "timer fell due"
        return Said(f"{words.state(source)}: {arrow}" if source else wake.text, wake.text)
    return Said(f"{words.title(wake.id)} due again (every {wake.every})", wake.text)


def _arrived(m: Moment, reasons: Sequence[Wake], words: Words) -> tuple[Said, ...]:
    """What the moment brought: the input's facts and event; or why the engine woke."""
    r = m.input
    if r is None:
        return tuple(_woke(w, words) for w in reasons) or (Said("the clock moved on", "wake-up"),)
    if r.until:
        return (Said(f"the clock advanced to {r.at}", f"until {r.at}"),)
    out = [words.value(name, value) for name, value in r.facts.items()]
    out += [Said(f"event: {words.event(r.event)}", f"event {r.event}")] if r.event else []
    return tuple(out)


def _care(m: Moment, words: Words) -> list[Said]:
    """The care the moment records: done, declined, signed, results that fulfilled an order, deviations."""
    out: list[Said] = []
    r = m.input
    if r is not None:
        why = f" ({r.reason})" if r.reason else ""
        out += [Said(f"done: {words.title(r.done)}{why}", f"done {r.done}")] if r.done else []
        out += [Said(f"declined: {words.title(r.declined)}{why}", f"declined {r.declined}")] if r.declined else []
        out += [Said(f"signed off: {words.title(r.signed)} by {r.by}", f"signed {r.signed}")] if r.signed else []
    for rec in m.records:
        if isinstance(rec, FulfilledRecord):
            result = words.value(rec.fact, rec.value)
            out.append(
                Said(f"result {result.text} fulfils: {words.title(rec.action)}", f"{result.code} fulfils {rec.action}")
            )
        elif isinstance(rec, DeviationRecord):
            out.append(Said(f"not recommended then: {words.title(rec.action)}", f"deviation {rec.action}"))
        elif isinstance(rec, DeclinedRecord) and not rec.recommended:
            out.append(Said(f"declined while not recommended: {words.title(rec.action)}", f"declined {rec.action}"))
    return out


def _why(r: TransitionRecord) -> str:
    if r.after is not None:
        return f"after {r.after}" + (f", {r.guard}" if r.guard and r.guard != "otherwise" else "")
    if r.trigger is not None:
        return f"event {r.trigger}"
    return r.guard or "always"


def _step(r: TransitionRecord, words: Words) -> Step:
    values = tuple(words.value(name, read.value) for name, read in r.read.items() if isinstance(read, ReadFact))
    values += tuple(
        Said(f"{v.text} (assumed)", f"{v.code} (assumed)")
        for name, read in r.read.items()
        if isinstance(read, ReadAssumed)
        for v in [words.value(name, read.value)]
    )
    answer = words.glossary.arrows.get(r.id, "" if words.glossary.arrows else _why(r))
    return Step(
        r.seq,
        r.id,
        r.source,
        r.target,
        _why(r),
        words.asked(r.source, r.id),
        answer,
        words.state(r.target),
        values,
        words.cited(r.evidence),
    )


def _issued(r: IssuedRecord, words: Words) -> Said:
    text = r.title + (f" (due {r.due})" if r.due else "") + (f", again: {r.occurrence}" if r.occurrence else "")
    return Said(text, r.id, words.cited(r.evidence))


def row_of(m: Moment, reasons: Sequence[Wake], words: Words) -> TimelineRow:
    """One moment as a row; ``reasons``: why the engine woke, for a wake-up."""
    recs = m.records
    issued = [r for r in recs if isinstance(r, IssuedRecord)]
    retired = {(r.item, r.id) for r in recs if isinstance(r, RetiredRecord)}
    passing = {(r.item, r.id) for r in issued} & retired  # issued and retired at once: a state passed through
    waiting = dict.fromkeys(n for r in recs if isinstance(r, WaitingRecord) for n in r.needs)
    kept = [r for r in issued if (r.item, r.id) not in passing]
    return TimelineRow(
        at=m.at,
        seq=m.input.seq if m.input is not None else (recs[0].seq if recs else 0),
        input=m.input.input if m.input is not None else None,
        note=m.input.note if m.input is not None else None,
        arrived=_arrived(m, reasons, words),
        care=tuple(_care(m, words)),
        steps=tuple(_step(r, words) for r in recs if isinstance(r, TransitionRecord)),
        recommended=tuple(_issued(r, words) for r in kept if r.item == "recommendation"),
        concluded=tuple(Said(r.title, r.id, words.cited(r.evidence)) for r in kept if r.item == "finding"),
        stopped=tuple(
            Said(words.title(r.id), r.id)
            for r in recs
            if isinstance(r, RetiredRecord) and (r.item, r.id) not in passing
        ),
        waiting=tuple(Said(words.fact(n), n) for n in waiting),
        problems=tuple(f"{r.code}: {r.message}" for r in recs if isinstance(r, ErrorRecord))
        + tuple(
            f"{words.fact(r.fact)} went stale" for r in recs if isinstance(r, ExpiredRecord) and m.input is not None
        ),
    )


def timeline(
    records: Sequence[Record], pathway: Pathway | None = None, glossary: Glossary | None = None
) -> list[TimelineRow]:
    """Every moment of a trail as a row, in trail order (the header and summary left out); ``pathway`` and
    ``glossary`` supply the words (see the module docstring)."""
    words = Words(pathway, glossary, {r.id: r.title for r in records if isinstance(r, IssuedRecord)})
    clock = StateClock()
    rows: list[TimelineRow] = []
    for m in moments(records):
        reasons = wakes(m, clock) if m.input is None else []
        rows.append(row_of(m, reasons, words))
        for r in m.records:
            clock.see(r)
    return rows
