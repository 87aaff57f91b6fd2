"""Load a patient journey (YAML, or JSONL: a header line then one event a line) and check it against a pathway.

:func:`check_journey` never raises for bad input: it returns the journey, or None and every diagnostic.
:func:`load_journey` and :func:`journey_from_data` raise :class:`~pathway.errors.InvalidInputError` carrying them all.
The shape comes from :mod:`pathway.journey.model` (PW010-PW013); the values are checked against the pathway's fact
dictionary, events and actions (PW301-PW310), each located at the offending key or value. Values are never coerced:
``2.0`` is not an int, ``"3"`` is not a number, ``yes`` is not a boolean.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType

from pydantic import ValidationError

from pathway.definition.analysis import Analysis
from pathway.definition.canonical import sha256_of
from pathway.diagnostics import Diagnostic, did_you_mean, one_of, sorted_diagnostics
from pathway.diagnostics.codes import Code
from pathway.errors import InvalidInputError, UnreadableInputError, invalid_input
from pathway.journey.model import PIN, Journey, JourneyEvent, Problem, check_fact_value, parse_time, time_hint
from pathway.source.files import display_path, read_bytes
from pathway.source.locate import DocPath, located
from pathway.source.reader import Mark, NodePath, SourceDocument, load_file, parse_text
from pathway.source.schema_errors import CODE_UNKNOWN_KEY, CODE_WRONG_TYPE, diagnostics_from

MAX_BYTES = 4 * 2**20
_POSITION = re.compile(r"\bline (\d+)(?:, column (\d+))?")
_EMPTY_HINT = 'expected a journey: "journey: <id>" and "events:", or in JSONL a header line {"journey": "<id>"}'
_JSONL_HINT = "each line of a JSONL journey is one JSON object: the header first, then one event a line"


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


@dataclass(frozen=True)
class LoadedJourney:
    """A journey checked against one pathway: its header and inputs, in time order."""

    id: str
    path: str  # as shown in messages; '<data>' when built from data
    pin: str | None
    description: str | None
    inputs: tuple[Input, ...]


# Reading -------------------------------------------------------------------------------------------------------


def _refuse(shown: str, code: str, message: str, hint: str, line: int = 1) -> UnreadableInputError:
    return UnreadableInputError([Diagnostic(code=code, message=message, file=shown, line=line, hint=hint)])


def _read_text(file: Path, shown: str) -> str:
    """A JSONL file's text, with the limits and messages of :func:`pathway.source.load_file`."""
    raw = read_bytes(file, shown, MAX_BYTES)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x})"
        raise _refuse(shown, Code.PW007, message, "save the file as UTF-8", line) from None


class _JsonlDocument:
    """Builds one SourceDocument for a JSONL journey: the header's keys at the top, line k's event at events/k."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.header: dict[object, object] | None = None
        self.events: list[object] = []
        self.marks: tuple[dict[NodePath, Mark], dict[NodePath, Mark], dict[NodePath, str | None]] = ({}, {}, {})
        self.found: list[Diagnostic] = []
        self.lines = 0  # non-blank lines seen

    def note(self, code: str, message: str, at: Mark, hint: str) -> None:
        self.found.append(
            Diagnostic(code=code, message=message, file=self.path, line=at.line, column=at.column, hint=hint)
        )

    def add(self, number: int, line: str) -> None:
        """Parse line ``number`` (1-based in the file) as the header, or as the next event."""
        prefix: NodePath = ("events", len(self.events)) if self.lines else ()
        self.lines += 1
        start = Mark(number, len(line) - len(line.lstrip()) + 1)
        try:
            doc = parse_text(line, self.path) if line.lstrip().startswith("{") else None
        except InvalidInputError as err:
            self.found += [_on_line(d, number, line) for d in err.diagnostics]
            return
        if doc is None or not isinstance(doc.data, dict):
            self.note(CODE_WRONG_TYPE, f"line {number} is not a JSON object", start, _JSONL_HINT)
            return
        shift = number - 1
        keep = [p for p in doc.value_marks if prefix or p[:1] != ("events",)]  # a header's 'events' is refused
        keys, values, styles = self.marks
        keys.update({prefix + p: _down(doc.key_marks[p], shift) for p in keep if p in doc.key_marks})
        values.update({prefix + p: _down(doc.value_marks[p], shift) for p in keep})
        styles.update({prefix + p: doc.styles[p] for p in keep if p in doc.styles})
        if prefix:
            self.events.append(doc.data)
            return
        self.header = {k: v for k, v in doc.data.items() if k != "events"}
        if "events" in doc.data:
            at = _down(doc.key_marks[("events",)], shift)
            self.note(
                CODE_UNKNOWN_KEY,
                "unknown key 'events' in the JSONL header line",
                at,
                "put each event on its own line after the header",
            )

    def document(self, text: str) -> SourceDocument:
        # When the header line is broken (and reported), a stand-in lets the events be checked alone.
        header: dict[object, object] = {"journey": "-"} if self.header is None else self.header
        return SourceDocument(self.path, text, {**header, "events": self.events}, *self.marks)


def _on_line(diag: Diagnostic, number: int, line: str) -> Diagnostic:
    """A finding about one JSONL line (parsed alone) placed in the file: line ``number``, at most its end.

    Positions in the message ("at line 1, column 9") are placed too; the parser's line 2 is the end of the line.
    """

    def placed(match: re.Match[str]) -> str:
        column = match[2] if int(match[1]) == 1 else str(len(line) + 1)
        return f"line {number}" + (f", column {column}" if match[2] else "")

    message = _POSITION.sub(placed, diag.message)
    column = diag.column if diag.line == 1 else len(line) + 1
    return diag.model_copy(update={"line": number, "column": column, "message": message})


def _down(mark: Mark, lines: int) -> Mark:
    return Mark(mark.line + lines, mark.column)


def _read_jsonl(file: Path, shown: str) -> tuple[SourceDocument, list[Diagnostic]]:
    text = _read_text(file, shown)
    builder = _JsonlDocument(shown)
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            builder.add(number, line.removesuffix("\r"))
    if not builder.lines:
        raise InvalidInputError([Diagnostic(code=Code.PW008, message="the document is empty", file=shown)])
    return builder.document(text), builder.found


def _read(file: Path, shown: str) -> tuple[SourceDocument, list[Diagnostic]]:
    if file.suffix == ".jsonl":
        return _read_jsonl(file, shown)
    return load_file(file, display=shown, max_bytes=MAX_BYTES), []


# Checking ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Timed:
    at: datetime
    text: str  # normalised
    line: int


class _Checker:
    """Checks a journey document's values against one pathway, collecting every diagnostic."""

    def __init__(self, doc: SourceDocument, analysis: Analysis) -> None:
        self.doc, self.pathway = doc, analysis.pathway
        self.found: list[Diagnostic] = []
        self.times: list[_Timed | None] = []  # per event, None when its time is bad
        self.facts: list[dict[str, object]] = []  # per event, the typed values

    def report(self, path: DocPath, code: str, message: str, hint: str, *, key: bool = False) -> None:
        self.found.append(located(self.doc, path, code, message, hint=hint, key=key))

    def pin(self, pin: object) -> None:
        if not isinstance(pin, str) or not PIN.fullmatch(pin):
            return  # missing, or reported by the schema
        name = f"{self.pathway.id}@{self.pathway.version}"
        if pin.startswith("sha256:"):
            actual = f"sha256:{sha256_of(self.pathway)}"
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
        self.declared(path, "done", raw.get("done"))
        if raw.get("reason") is not None and raw.get("done") is None:
            hint = "add 'done: <action id>' for the care given, or write the text under 'note'"
            self.report(path + ("reason",), Code.PW310, "'reason' is only for an event with 'done'", hint, key=True)

    def time(self, path: NodePath, at: object) -> _Timed | None:
        if not isinstance(at, str):
            return None  # missing or not a string: reported by the schema
        try:
            value, with_time = parse_time(at)
        except ValueError as problem:
            self.report(path + ("at",), Code.PW308, str(problem), time_hint(at))
            return None
        timed = _Timed(value, value.isoformat() if with_time else value.date().isoformat(), self.doc.mark(path).line)
        before = next((t for t in reversed(self.times) if t is not None), None)
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
            where = path + ("facts", name)
            fact = self.pathway.facts.get(name)
            if fact is None:
                self.unknown_fact(where, name)
                continue
            checked = check_fact_value(name, fact, value)
            if isinstance(checked, Problem):
                self.report(where, checked.code, checked.message, checked.hint)
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
        self.report(path + (key,), code, f"unknown {what} '{name}'", f"{close} {known}" if close else known)


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
    found = sorted_diagnostics(found + checker.found)
    if model is None or found:
        return None, found
    times = [t for t in checker.times if t is not None]  # every one: a bad or missing time is a finding
    inputs = tuple(
        Input(i + 1, t.at, t.text, MappingProxyType(f), e.event, e.done, e.reason, e.note, t.line)
        for i, (e, t, f) in enumerate(zip(model.events, times, checker.facts, strict=True))
    )
    return LoadedJourney(model.journey, doc.path, model.pathway, model.description, inputs), []


def check_journey(path: str | Path, analysis: Analysis) -> tuple[LoadedJourney | None, list[Diagnostic]]:
    """Load and check a journey file (``.jsonl``: JSON lines; else YAML) against a pathway. Never raises for bad
    input: returns the journey and no diagnostics, or None and every diagnostic in file order."""
    shown = display_path(Path(path))
    try:
        doc, found = _read(Path(path), shown)
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


def journey_from_data(data: Mapping[str, object], analysis: Analysis, *, name: str = "<data>") -> LoadedJourney:
    """A checked journey from data shaped like the YAML (for the Python API); raises like :func:`load_journey`.
    Diagnostics name ``name`` as their file, at line 1."""
    content = dict(data) if isinstance(data, Mapping) else data
    loaded, found = check_journey_document(SourceDocument(name, "", content, {}, {}, {}), analysis)
    if loaded is None:
        raise invalid_input(found)
    return loaded


def input_to_record(inp: Input) -> dict[str, object]:
    """One input as JSON-ready data: at, facts (sorted by name, dates as ISO text), then event, done, reason and
    note when present. :func:`input_from_record` reads it back."""
    facts = {k: v.isoformat() if isinstance(v, date) else v for k, v in sorted(inp.facts.items())}
    record: dict[str, object] = {"at": inp.at_text, "facts": facts}
    extra = {"event": inp.event, "done": inp.done, "reason": inp.reason, "note": inp.note}
    return record | {key: value for key, value in extra.items() if value is not None}


def input_from_record(
    record: Mapping[str, object], analysis: Analysis, seq: int, *, name: str = "<record>", line: int = 1
) -> Input:
    """The input a record of :func:`input_to_record` describes, checked again against the pathway (for replay).

    Only the event's keys are read (at, facts, event, done, reason, note): the envelope of a trail record (seq,
    kind, hash...) is the trail's business. Raises InvalidInputError with diagnostics at ``name``:``line``.
    """
    content: object = record
    if isinstance(record, Mapping):
        content = {k: v for k, v in record.items() if k in JourneyEvent.model_fields}
    try:
        loaded = journey_from_data({"journey": "record", "events": [content]}, analysis, name=name)
    except InvalidInputError as err:
        raise InvalidInputError([d.model_copy(update={"line": line}) for d in err.diagnostics]) from None
    return replace(loaded.inputs[0], seq=seq, line=line)
