"""Reading a journey file: YAML, or JSONL (a header line, then one event a line) built into one located document.

:func:`read_document` gives the document and the findings about single JSONL lines (each line is parsed alone,
so a broken line hides nothing elsewhere); :func:`read_pin` reads only the pathway a journey pins, before the
journey is checked against it. Checking the values is :mod:`pathway.journey.check`'s business.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from pathway.diagnostics import Diagnostic, sorted_diagnostics
from pathway.diagnostics.codes import Code
from pathway.errors import InvalidInputError, UnreadableInputError
from pathway.journey.model import JourneyHeader
from pathway.source.files import display_path, read_bytes
from pathway.source.jsontext import json_object
from pathway.source.reader import Mark, NodePath, SourceDocument, load_file, parse_text
from pathway.source.schema_errors import CODE_UNKNOWN_KEY, CODE_WRONG_TYPE, diagnostics_from

MAX_BYTES = 4 * 2**20
"""The largest journey file read (YAML or JSONL), in bytes: a larger one is refused before it is read (PW003)."""
_POSITION = re.compile(r"\bline (\d+)(?:, column (\d+))?")
_JSONL_HINT = "each line of a JSONL journey is one JSON object: the header first, then one event a line"


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
        except UnreadableInputError as err:  # a limit: nesting too deep, too many nodes
            self.found += [_on_line(d, number, line) for d in err.diagnostics]
            return
        except InvalidInputError as err:
            doc = _as_json(line, self.path, start.column)
            if doc is None:
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


def _as_json(line: str, path: str, column: int) -> SourceDocument | None:
    """A line that YAML refuses but that is one JSON object, read as JSON: what JSON allows and the YAML reader
    does not (an escaped surrogate pair such as ``"\\ud83d\\ude00"``, which ``json.dumps`` writes for an emoji; a
    key longer than 1024 characters). Its values are then located at the start of the line."""
    data, _ = json_object(line.encode("utf-8", errors="surrogatepass"))
    if data is None:
        return None
    return SourceDocument(path, line, data, {}, {(): Mark(1, column)}, {})


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


def read_document(file: Path, shown: str) -> tuple[SourceDocument, list[Diagnostic]]:
    """The journey file as one located document (``.jsonl``: JSON lines; else YAML), with the findings about single
    JSONL lines; raises InvalidInputError (UnreadableInputError for a file that cannot be read) otherwise."""
    if file.suffix == ".jsonl":
        return _read_jsonl(file, shown)
    return load_file(file, display=shown, max_bytes=MAX_BYTES), []


def read_pin(path: str | Path) -> tuple[str | None, list[Diagnostic]]:
    """The pathway a journey file pins, read before the journey is checked against it.

    Returns (the pin, []) or (None, []) when there is none; or (None, every problem) when the pin cannot be read:
    the file is unreadable, not well formed where the pin is (a syntax error, a broken JSONL header line), or the
    pin is not an id, ``id@version`` or ``sha256:<hex>``. A pin is never a path: it names a bundled definition."""
    shown = display_path(Path(path))
    try:
        doc, found = read_document(Path(path), shown)
    except InvalidInputError as err:
        return None, sorted_diagnostics(err.diagnostics)
    data = doc.data
    if not isinstance(data, dict) or "pathway" not in data:  # in JSONL, perhaps because the header line is broken
        header = next((n for n, line in enumerate(doc.text.split("\n"), start=1) if line.strip()), 1)
        return None, [d for d in found if d.line == header]
    try:
        JourneyHeader.model_validate({"journey": "-", "pathway": data["pathway"]})
    except ValidationError as err:
        return None, diagnostics_from(err, doc, JourneyHeader)
    pin = data["pathway"]
    return (pin if isinstance(pin, str) else None), []
