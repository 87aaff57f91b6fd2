"""Reading FHIR input, streaming: a Bundle file (JSON; its entries) or a bulk-export NDJSON file (one resource a
line, read line by line). Each resource comes out with its file and line; what cannot be read is a located finding
(PW700 not JSON, PW701 not a resource, PW702 a Bundle of another type), and reading goes on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.diagnostics import Diagnostic
from pathway.diagnostics.codes import Code
from pathway.errors import InvalidInputError
from pathway.source.jsontext import json_object
from pathway.source.reader import SourceDocument, parse_text

BUNDLE_TYPES = ("collection", "searchset", "transaction", "batch")
"""The Bundle types that hold patients' records."""
MAX_BUNDLE_BYTES = 256 * 2**20
"""A Bundle is one JSON document, read whole; a larger export should be NDJSON (streamed)."""
_LOCATE_BYTES = 4 * 2**20
"""Below this size a Bundle is also read for positions, so that each entry's finding names its line."""


@dataclass(frozen=True)
class Located:
    """One resource and where it was read: file, line, and the Bundle entry (None in NDJSON)."""

    resource: dict[str, Any]
    file: str
    line: int
    entry: int | None = None

    @property
    def where(self) -> str:
        """How a message names it: 'entry 3' of a Bundle, else nothing more than the line."""
        return f"entry {self.entry}" if self.entry is not None else f"line {self.line}"


def finding(code: str, message: str, file: str, line: int, hint: str | None = None) -> Diagnostic:
    severity = Code[code].severity
    return Diagnostic(code=code, severity=severity, message=message, file=file, line=line, hint=hint)


def read_inputs(paths: list[Path]) -> Iterator[Located | Diagnostic]:
    """Every resource of every file in order, or the finding about what could not be read."""
    for path in paths:
        shown = str(path)
        if path.suffix in (".ndjson", ".jsonl"):
            yield from _ndjson(path, shown)
        else:
            yield from _bundle(path, shown)


def _ndjson(path: Path, shown: str) -> Iterator[Located | Diagnostic]:
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            value, problem = json_object(raw.strip())
            if value is None:
                yield finding(Code.PW700, f"the line {problem}", shown, number, "write one FHIR resource a line")
            elif not isinstance(value.get("resourceType"), str):
                yield finding(Code.PW701, "the line is not a FHIR resource (no resourceType)", shown, number)
            else:
                yield Located(value, shown, number)


def _bundle(path: Path, shown: str) -> Iterator[Located | Diagnostic]:
    size = path.stat().st_size
    if size > MAX_BUNDLE_BYTES:
        hint = "export the data as NDJSON (bulk export), which is read line by line"
        yield finding(Code.PW700, f"the Bundle is {size:,} bytes, larger than {MAX_BUNDLE_BYTES:,}", shown, 1, hint)
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = json.loads(text)
    except ValueError as err:
        line = getattr(err, "lineno", 1)
        yield finding(Code.PW700, f"the file is not valid JSON: {getattr(err, 'msg', err)}", shown, line)
        return
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        yield finding(Code.PW701, "the file is not a FHIR resource (no resourceType)", shown, 1)
        return
    if data["resourceType"] != "Bundle":
        yield Located(data, shown, 1)
        return
    doc = _locate(text, size)
    kind = data.get("type")
    if kind not in BUNDLE_TYPES:
        message = f"a Bundle of type {kind!r} does not hold records to import"
        hint = f"export a Bundle of type {', '.join(BUNDLE_TYPES)}, or NDJSON"
        yield finding(Code.PW702, message, shown, _line_of(doc, ("type",)), hint)
        return
    entries = data.get("entry")
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        line = _line_of(doc, ("entry", index))
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            yield finding(Code.PW701, f"entry {index} holds no FHIR resource (no resourceType)", shown, line)
        else:
            yield Located(resource, shown, line, index)


def _locate(text: str, size: int) -> SourceDocument | None:
    """A small Bundle read again for positions (JSON is YAML), so that findings name an entry's line."""
    if size > _LOCATE_BYTES:
        return None
    try:
        return parse_text(text, "<bundle>", max_depth=64, max_nodes=1_000_000)
    except InvalidInputError:
        return None


def _line_of(doc: SourceDocument | None, path: tuple[str | int, ...]) -> int:
    return doc.mark(path).line if doc is not None else 1
