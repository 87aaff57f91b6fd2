"""Load a patient journey (YAML, or JSONL: a header line then one event a line) and check it against a pathway.

:func:`check_journey` never raises for bad input: it returns the journey, or None and every diagnostic.
:func:`load_journey` and :func:`journey_from_data` raise :class:`~pathway.errors.InvalidInputError` carrying them all.
The shape comes from :mod:`pathway.journey.model` (PW010-PW013); the values are checked against the pathway's fact
dictionary, events and actions (PW301-PW310), each located at the offending key or value. Values are never coerced:
``2.0`` is not an int, ``"3"`` is not a number, ``yes`` is not a boolean.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from pydantic import ValidationError

from pathway.definition.analysis import Analysis
from pathway.diagnostics import Diagnostic, did_you_mean, one_of, sorted_diagnostics
from pathway.diagnostics.codes import Code
from pathway.errors import InvalidInputError, invalid_input
from pathway.expr.durations import format_time
from pathway.journey.constraints import Given, contradictions
from pathway.journey.model import (
    PIN,
    Journey,
    JourneyEvent,
    Problem,
    check_fact_value,
    parse_time,
    time_hint,
)
from pathway.journey.read import read_document
from pathway.source.files import display_path
from pathway.source.locate import DocPath, located
from pathway.source.reader import NodePath, SourceDocument
from pathway.source.schema_errors import CODE_WRONG_TYPE, diagnostics_from

_EMPTY_HINT = 'expected a journey: "journey: <id>" and "events:", or in JSONL a header line {"journey": "<id>"}'


@dataclass(frozen=True)
class Input:
    """One event of a journey, checked and typed. Equality ignores ``line``: it only places messages."""

    seq: int  # 1-based position in the journey's events
    at: datetime  # naive (clinic local time); a date alone is midnight
    at_text: str  # 'YYYY-MM-DD' for a date, 'YYYY-MM-DDTHH:MM:SS' for a date-time
    facts: Mapping[str, object]  # bool, int, float, str (enum value), datetime.date (date facts)
    event: str | None
    done: str | None
    reason: str | None
    note: str | None
    line: int = field(default=1, compare=False)  # source line of the event (1 when there is no source)
    until: bool = False  # the input ``--until`` added: the clock advances to ``at``, nothing more
    declined: str | None = None  # a recommendation decided against (an action id)
    reason_code: str | None = None  # why (done or declined), a CDS Hooks non-adherence reason code
    signed: str | None = None  # an action a clinician signed off
    by: str | None = None  # the role that signed it off
    sources: Mapping[str, Mapping[str, str]] | None = None  # fact -> {resource, element[, file]} (FHIR import)


@dataclass(frozen=True)
class LoadedJourney:
    """A journey checked against one pathway: its header and inputs, in time order."""

    id: str
    path: str  # as shown in messages; '<data>' when built from data
    pin: str | None
    description: str | None
    inputs: tuple[Input, ...]


# Checking ------------------------------------------------------------------------------------------------------


class _Timed(NamedTuple):
    at: datetime
    text: str  # normalised
    line: int


class _Checker:
    """Checks a journey document's values against one pathway, collecting every diagnostic."""

    def __init__(self, doc: SourceDocument, analysis: Analysis) -> None:
        self.doc, self.analysis, self.pathway = doc, analysis, analysis.pathway
        self.found: list[Diagnostic] = []
        self.times: list[_Timed | None] = []  # per event, None when its time is bad
        self.last: _Timed | None = None  # the last good time so far
        self.facts: list[dict[str, object]] = []  # per event, the typed values

    def report(self, path: DocPath, code: str, message: str, hint: str, *, key: bool = False) -> None:
        self.found.append(located(self.doc, path, code, message, hint=hint, key=key))

    def pin(self, pin: object) -> None:
        if not isinstance(pin, str) or not PIN.fullmatch(pin):
            return  # missing, or reported by the schema
        name = f"{self.pathway.id}@{self.pathway.version}"
        if pin.startswith("sha256:"):
            if self.analysis.named_by(pin.removeprefix("sha256:")):  # by the current rule or the legacy one
                return
            actual = f"sha256:{self.analysis.sha256}"
            given = f"{name} ({actual})"
        else:
            actual = name if "@" in pin else self.pathway.id
            given = name
        if pin != actual:
            message = f"the journey pins pathway '{pin}', but it is checked against {given}"
            hint = "use the pathway the journey pins, or change the pin ('id' alone accepts any version)"
            self.report(("pathway",), Code.PW309, message, hint)

    def event(self, index: int, raw: object) -> None:
        path: NodePath = ("events", index)
        raw = raw if isinstance(raw, dict) else {}
        self.times.append(self.time(path, raw.get("at")))
        facts = raw.get("facts")
        self.facts.append(self.typed_facts(path, facts) if isinstance(facts, dict) else {})
        self.declared(path, "event", raw.get("event"))
        for key in ("done", "declined", "signed"):
            self.declared(path, key, raw.get(key))
        self.decision(path, raw)
        self.sources(path, raw)

    def sources(self, path: NodePath, raw: dict[object, object]) -> None:
        """Each source names a fact the entry gives: a source for nothing would mislead an auditor."""
        sources, facts = raw.get("sources"), raw.get("facts")
        given = facts if isinstance(facts, dict) else {}
        for name in sources if isinstance(sources, dict) else {}:
            if isinstance(name, str) and name not in given:
                message = f"a source for fact '{name}', which the entry does not give"
                hint = "give the fact under 'facts', or remove its source"
                self.report(path + ("sources", name), Code.PW720, message, hint, key=True)

    def decision(self, path: NodePath, raw: dict[object, object]) -> None:
        """The keys that qualify a recorded decision stand with it: a reason with 'done' or 'declined' (not both in
        one entry, or the reason would be ambiguous), 'by' with 'signed' and 'signed' with 'by'."""
        if raw.get("done") is not None and raw.get("declined") is not None:
            message = "an entry records either care given ('done') or a recommendation declined ('declined'), not both"
            hint = "write two entries with the same 'at', each with its own reason"
            self.report(path + ("declined",), Code.PW331, message, hint, key=True)
        decided = raw.get("done") is not None or raw.get("declined") is not None
        for key in ("reason", "reason_code"):
            if raw.get(key) is not None and not decided:
                hint = "add 'declined: <action id>' or 'done: <action id>', or write the text under 'note'"
                message = f"'{key}' is only for an entry with 'done' or 'declined'"
                self.report(path + (key,), Code.PW310, message, hint, key=True)
        if raw.get("by") is not None and raw.get("signed") is None:
            hint = "add 'signed: <action id>' for the action signed off"
            self.report(path + ("by",), Code.PW310, "'by' is only for an entry with 'signed'", hint, key=True)
        if raw.get("signed") is not None and raw.get("by") is None:
            hint = "add 'by: <role>', e.g. by: attending (a role, never a person's name)"
            self.report(path + ("signed",), Code.PW310, "'signed' needs 'by': the role that signed off", hint, key=True)

    def time(self, path: NodePath, at: object) -> _Timed | None:
        if not isinstance(at, str):
            return None  # missing or not a string: reported by the schema
        try:
            value = parse_time(at)[0]
        except ValueError as problem:
            self.report(path + ("at",), Code.PW308, str(problem), time_hint(at))
            return None
        line = self.doc.mark(path).line if self.doc.value_marks else 1  # no marks: every place is line 1
        text = at + ":00" if len(at) == 16 else at  # normalised as value.isoformat() (.date() alone) writes it
        timed = _Timed(value, text, line)
        before, self.last = self.last, timed
        if before is not None and timed.at < before.at:
            self.backwards(path, timed, before)
        return timed

    def backwards(self, path: NodePath, timed: _Timed, before: _Timed) -> None:
        where = f" on line {before.line}" if self.doc.text else ""
        message = f"time goes backwards: {timed.text} is earlier than {before.text}, the event before{where}"
        hint = "list events in time order (equal times are fine and keep their order)"
        if timed.at.date() == before.at.date():
            hint = "a date alone means midnight: give this event its time of day too"
        self.report(path + ("at",), Code.PW307, message, hint)

    def typed_facts(self, path: NodePath, facts: dict[object, object]) -> dict[str, object]:
        typed: dict[str, object] = {}
        for name, value in facts.items():
            if not isinstance(name, str):
                continue  # reported by the schema
            fact = self.pathway.facts.get(name)
            if fact is None:
                self.unknown_fact(path + ("facts", name), name)
                continue
            checked = check_fact_value(name, fact, value)
            if isinstance(checked, Problem):
                self.report(path + ("facts", name), checked.code, checked.message, checked.hint)
            else:
                typed[name] = checked
        return typed

    def unknown_fact(self, where: NodePath, name: str) -> None:
        facts = self.pathway.facts
        if name in self.pathway.derived:
            message, hint = f"'{name}' is a derived fact: the pathway computes it", "give the facts it reads instead"
        else:
            close = did_you_mean(name, facts)
            known = f"the pathway's facts are {one_of(facts, 20)}"
            message, hint = f"unknown fact '{name}'", f"{close} {known}" if close else known
        self.report(where, Code.PW301, message, hint, key=True)

    def declared(self, path: NodePath, key: str, name: object) -> None:
        if not isinstance(name, str):
            return
        declared = self.pathway.events if key == "event" else self.pathway.actions
        if name in declared:
            return
        what = "event" if key == "event" else "action"
        close = did_you_mean(name, declared)
        known = f"the pathway's {what}s are {one_of(declared, 20)}" if declared else f"the pathway has no {what}s"
        code = Code.PW305 if key == "event" else Code.PW306
        message = f"unknown {what} '{name}'"
        if key not in ("event", "done"):
            message = f"'{key}' names an unknown action '{name}'"
        self.report(path + (key,), code, message, f"{close} {known}" if close else known)

    def contradictions(self) -> None:
        """Each input that breaks a constraint (PW311), at the fact that completed the contradiction; checked once
        every time is valid (staleness needs them), over the values that are."""
        if any(t is None for t in self.times):
            return
        given = [
            Given(t.at, f, t.line if self.doc.text else 0) for t, f in zip(self.times, self.facts, strict=True) if t
        ]
        for c in contradictions(self.analysis, given):
            path: NodePath = ("events", c.index, "facts", c.field) if c.field else ("events", c.index, "at")
            self.report(path, Code.PW311, c.message, c.hint, key=c.field is not None)


def check_journey_document(doc: SourceDocument, analysis: Analysis) -> tuple[LoadedJourney | None, list[Diagnostic]]:
    """Schema first, then every value of every well-formed part: a bad key in one event hides nothing elsewhere."""
    data = doc.data
    if not isinstance(data, dict):
        hint = "start with 'journey: <id>', then 'events:' and a list of events"
        return None, [located(doc, (), CODE_WRONG_TYPE, "a journey must be a mapping at the top level", hint=hint)]
    found: list[Diagnostic] = []
    try:
        model: Journey | None = Journey.model_validate(data)
    except ValidationError as err:
        model, found = None, diagnostics_from(err, doc, Journey)
    checker = _Checker(doc, analysis)
    checker.pin(data.get("pathway"))
    events = data.get("events")
    for index, raw in enumerate(events if isinstance(events, list) else []):
        checker.event(index, raw)
    checker.contradictions()
    found = sorted_diagnostics(found + checker.found)
    if model is None or found:
        return None, found
    times = [t for t in checker.times if t is not None]  # every one: a bad or missing time is a finding
    inputs = tuple(
        _input(i + 1, t, f, e) for i, (e, t, f) in enumerate(zip(model.events, times, checker.facts, strict=True))
    )
    return LoadedJourney(model.journey, doc.path, model.pathway, model.description, inputs), []


def check_journey(
    path: str | Path, analysis: Analysis, *, shown: str | None = None
) -> tuple[LoadedJourney | None, list[Diagnostic]]:
    """Load and check a journey file (``.jsonl``: JSON lines; else YAML) against a pathway. Never raises for bad
    input: returns the journey and no diagnostics, or None and every diagnostic in file order. Diagnostics name the
    file as ``shown`` (default: the path as the user would type it)."""
    shown = display_path(Path(path)) if shown is None else shown
    try:
        doc, found = read_document(Path(path), shown)
    except InvalidInputError as err:
        empty = [d.model_copy(update={"hint": _EMPTY_HINT}) if d.code == Code.PW008 else d for d in err.diagnostics]
        return None, sorted_diagnostics(empty)
    loaded, more = check_journey_document(doc, analysis)
    found = sorted_diagnostics(found + more)
    return (loaded, found) if not found else (None, found)


def load_journey(path: str | Path, analysis: Analysis) -> LoadedJourney:
    """A checked journey; raises InvalidInputError (UnreadableInputError for a missing or unreadable file) with
    every diagnostic."""
    loaded, found = check_journey(path, analysis)
    if loaded is None:
        raise invalid_input(found)
    return loaded


def journey_from_data(data: object, analysis: Analysis, *, name: str = "<data>") -> LoadedJourney:
    """A checked journey from data shaped like the YAML (for the Python API); raises like :func:`load_journey`.
    Diagnostics name ``name`` as their file, at line 1."""
    content = dict(data) if isinstance(data, Mapping) else data
    loaded, found = check_journey_document(SourceDocument(name, "", content, {}, {}, {}), analysis)
    if loaded is None:
        raise invalid_input(found)
    return loaded


def _input(seq: int, timed: _Timed, facts: dict[str, object], e: JourneyEvent) -> Input:
    """The input of a checked event: what ``Input(...)`` makes (every field, ``until`` false), without the frozen
    dataclass's ``__setattr__`` per field, 15 of them (a test checks it is the same on every bundled journey)."""
    made = object.__new__(Input)
    values = {
        "seq": seq,
        "at": timed.at,
        "at_text": timed.text,
        "facts": MappingProxyType(facts),
        "event": e.event,
        "done": e.done,
        "reason": e.reason,
        "note": e.note,
        "line": timed.line,
        "until": False,
        "declined": e.declined,
        "reason_code": e.reason_code,
        "signed": e.signed,
        "by": e.by,
        "sources": _sources(e),
    }
    object.__setattr__(made, "__dict__", values)
    return made


def _sources(event: JourneyEvent) -> Mapping[str, Mapping[str, str]] | None:
    if event.sources is None:
        return None
    return MappingProxyType(
        {k: MappingProxyType(v.model_dump(exclude_none=True)) for k, v in sorted(event.sources.items())}
    )


def _fact_text(value: object) -> object:
    """A fact's value as JSON: a date-time as the engine writes times, a date as YYYY-MM-DD."""
    if isinstance(value, datetime):
        return format_time(value)
    return value.isoformat() if isinstance(value, date) else value


_AS_IS = frozenset({bool, int, float, str})
"""The types of fact values written as they are."""
_DECISION = ("event", "done", "declined", "reason_code", "reason", "signed", "by", "note")
"""The keys of an input written when it has them, in this order (then until and sources)."""


def input_to_record(inp: Input) -> dict[str, object]:
    """One input as JSON-ready data: at, facts (sorted by name, dates as ISO text), then event, done, declined,
    reason_code, reason, signed, by and note when present. :func:`input_from_record` reads it back."""
    facts = {k: v if v.__class__ in _AS_IS else _fact_text(v) for k, v in sorted(inp.facts.items())}
    record: dict[str, object] = {"at": inp.at_text, "facts": facts}
    values = inp.__dict__
    for key in _DECISION:
        if values[key] is not None:
            record[key] = values[key]
    if inp.until:
        record["until"] = inp.until
    if inp.sources:
        record["sources"] = {k: dict(v) for k, v in inp.sources.items()}
    return record


def input_from_record(
    record: Mapping[str, object], analysis: Analysis, seq: int, *, name: str = "<record>", line: int = 1
) -> Input:
    """The input a record of :func:`input_to_record` describes, checked again against the pathway (for replay).

    Only the event's keys are read (at, facts, event, done, declined, reason_code, reason, signed, by, note, and
    ``until: true``): the envelope of a trail record (seq, kind, hash...) is the trail's business. Raises
    InvalidInputError with diagnostics at ``name``:``line``.
    """
    content: object = record
    if isinstance(record, Mapping):
        content = {k: v for k, v in record.items() if k in JourneyEvent.model_fields}
    try:
        loaded = journey_from_data({"journey": "record", "events": [content]}, analysis, name=name)
    except InvalidInputError as err:
        raise InvalidInputError([d.model_copy(update={"line": line}) for d in err.diagnostics]) from None
    until = isinstance(record, Mapping) and record.get("until") is True
    return replace(loaded.inputs[0], seq=seq, line=line, until=until)
