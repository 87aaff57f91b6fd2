"""A cohort's inputs: folders of journey files and NDJSON files (one whole journey a line), read as a stream.

:func:`read_inputs` yields one :class:`Item` per journey without reading any journey's content: a folder's journey
files (``*.yaml``, ``*.yml``, ``*.jsonl``, in name order, not recursive) by path; an NDJSON file line by line, each
line's text with its number. Nothing holds the whole cohort: a million-line NDJSON file is read one line at a
time. :func:`check_item` turns an item into a checked journey, or every located problem: a journey file as
``pathway run`` checks it, an NDJSON line as the same journey written as a JSON object, each problem at the file,
the NDJSON line number and the field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pathway.definition.analysis import Analysis
from pathway.diagnostics import Diagnostic, sorted_diagnostics
from pathway.diagnostics.codes import Code
from pathway.errors import InvalidInputError, UsageError
from pathway.journey.check import LoadedJourney, check_journey, check_journey_document
from pathway.journey.model import JOURNEY_ID
from pathway.journey.read import MAX_BYTES, read_document
from pathway.source.files import display_path, kind_of
from pathway.source.jsontext import json_object
from pathway.source.reader import Mark, NodePath, SourceDocument, parse_text

JOURNEY_SUFFIXES = (".yaml", ".yml", ".jsonl")
"""The journey files a folder input holds; anything else in the folder is not read."""
NDJSON_SUFFIXES = (".ndjson",)
"""A file input with this suffix holds one whole journey a line (see docs/cohorts.md)."""
_NDJSON_HINT = 'each line of an NDJSON cohort is one whole journey, a JSON object: {"journey": "<id>", "events": [...]}'


@dataclass(frozen=True)
class Item:
    """One journey to run: where it comes from (the file as shown and its line, 1 for a journey file) and, for an
    NDJSON line, the line's text. Small and picklable: batches of items go to worker processes."""

    source: str
    line: int = 1
    text: str | None = None
    origin: int = 0  # which of the inputs given it comes from
    path: str | None = None  # a journey file's absolute path (a worker's working folder may be another)

    @property
    def where(self) -> str:
        return self.source if self.text is None else f"{self.source}:{self.line}"


def _journey_files(folder: Path) -> list[Path]:
    """A folder's journey files, by name (their names only are held, not their content)."""
    names = sorted(p for p in folder.iterdir() if p.suffix in JOURNEY_SUFFIXES and not p.name.startswith("."))
    return [p for p in names if kind_of(p) == "a file"]


def _folder_items(folder: Path, origin: int) -> Iterator[Item]:
    for path in _journey_files(folder):
        yield Item(display_path(path), origin=origin, path=str(path.resolve()))


def _ndjson_items(file: Path, origin: int) -> Iterator[Item]:
    shown = display_path(file)
    try:
        with file.open("rb") as stream:
            for number, raw in enumerate(stream, start=1):
                if raw.strip():
                    text = raw.decode("utf-8", errors="surrogateescape").rstrip("\r\n")
                    yield Item(shown, number, text, origin)
    except OSError as error:
        raise UsageError(f"cannot read {shown}: {error.strerror or error}") from None


def count_inputs(paths: Sequence[str | Path]) -> int:
    """How many journeys the inputs hold (journey files, non-blank NDJSON lines), for a progress bar: a scan of the
    bytes, nothing parsed."""
    total = 0
    for path in map(Path, paths):
        if kind_of(path) == "a folder":
            total += len(_journey_files(path))
            continue
        with path.open("rb") as stream:
            total += sum(1 for raw in stream if raw.strip())
    return total


def check_inputs(paths: Sequence[str | Path]) -> None:
    """Refuse, before anything runs, an input that is neither a folder nor an NDJSON file."""
    if not paths:
        raise UsageError("give at least one input: a folder of journey files or an NDJSON file")
    for path in map(Path, paths):
        kind = kind_of(path)
        if kind == "a folder":
            continue
        if kind != "a file":
            raise UsageError(f"{display_path(path)}: no such folder or NDJSON file ({kind})")
        if path.suffix not in NDJSON_SUFFIXES:
            raise UsageError(
                f"{display_path(path)}: an input file must be NDJSON ({', '.join(NDJSON_SUFFIXES)}, one whole journey "
                "a line); give a folder for journey files"
            )


def read_inputs(paths: Sequence[str | Path]) -> Iterator[Item]:
    """Every journey of the inputs, in order: each input in the order given, a folder's files by name, an NDJSON
    file's lines in order (blank lines skipped). Raises UsageError for an input that is not a folder or an NDJSON
    file, before yielding anything."""
    check_inputs(paths)
    for origin, path in enumerate(map(Path, paths)):
        yield from (_folder_items(path, origin) if kind_of(path) == "a folder" else _ndjson_items(path, origin))


def check_item(item: Item, analysis: Analysis) -> tuple[LoadedJourney | None, list[Diagnostic]]:
    """The item's journey checked against the pathway, or None and every problem, located."""
    if item.text is None:
        return check_journey(item.path or item.source, analysis, shown=item.source)
    return check_line(item.source, item.line, item.text, analysis)


def check_line(shown: str, number: int, text: str, analysis: Analysis) -> tuple[LoadedJourney | None, list[Diagnostic]]:
    """One NDJSON line as a journey. The line is read as strict JSON and checked; only a journey with problems is
    read again with the position of every key and value, so that each problem points at its field."""
    raw = text.encode("utf-8", errors="surrogateescape")
    if len(raw) > MAX_BYTES:
        message = f"line {number} is {len(raw)} bytes, more than a journey may have ({MAX_BYTES})"
        return None, [Diagnostic(code=Code.PW003, message=message, file=shown, line=number)]
    data, problem = json_object(raw)
    if data is None:
        column = len(text) - len(text.lstrip()) + 1
        message = f"line {number} {problem}"
        bad = Diagnostic(code=Code.PW430, message=message, file=shown, line=number, column=column, hint=_NDJSON_HINT)
        return None, [bad]
    plain = SourceDocument(shown, "", data, {}, {}, {})
    loaded, found = check_journey_document(plain, analysis)
    if loaded is not None:
        return loaded, []
    located = _located(shown, number, text, data)
    if located is None:
        return None, sorted_diagnostics([d.model_copy(update={"line": number}) for d in found])
    return None, sorted_diagnostics(check_journey_document(located, analysis)[1])


def _located(shown: str, number: int, text: str, data: object) -> SourceDocument | None:
    """The line as a document whose marks are at their place in the file (line ``number``); None when the YAML
    reader, which keeps the positions, cannot read this JSON (then the problems stay at the line)."""
    try:
        doc = parse_text(text, shown)
    except InvalidInputError:
        return None
    if doc.data != data:
        return None

    def down(marks: Mapping[NodePath, Mark]) -> dict[NodePath, Mark]:
        return {p: Mark(m.line + number - 1, m.column) for p, m in marks.items()}

    padded = "\n" * (number - 1) + text  # so that the source line of a problem is the file's line ``number``
    return SourceDocument(shown, padded, data, down(doc.key_marks), down(doc.value_marks), doc.styles)


def id_of(item: Item) -> str | None:
    """The id of a journey that did not check, when it can be read and is a well-formed journey id (for its entry
    among the failures); None otherwise (a line that is not JSON, a file that is not YAML, no id, a bad one)."""
    data: object = None
    if item.text is not None:
        raw = item.text.encode("utf-8", errors="surrogateescape")
        data = json_object(raw)[0] if len(raw) <= MAX_BYTES else None
    else:
        try:
            data = read_document(Path(item.path or item.source), item.source)[0].data
        except InvalidInputError:
            return None
    journey = data.get("journey") if isinstance(data, dict) else None
    return journey if isinstance(journey, str) and JOURNEY_ID.fullmatch(journey) else None


def locate_id(item: Item) -> tuple[int, int]:
    """The line and column of the item's journey id (for a problem about the id itself), or its first line."""
    try:
        if item.text is not None:
            doc = parse_text(item.text, item.source)
            mark = doc.mark(("journey",))
            return mark.line + item.line - 1, mark.column
        doc, _ = read_document(Path(item.path or item.source), item.source)
    except InvalidInputError:
        return item.line, 1
    mark = doc.mark(("journey",))
    return mark.line, mark.column
