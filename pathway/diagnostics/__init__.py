"""Diagnostics: located findings about a user's input, collected and then reported together.

A :class:`Diagnostic` points at a file, line and column (1-based), carries a stable code (documented in
``docs/reference/diagnostics.md``) and a hint. :func:`render_text` prints it the way compilers do: the location and
message, the offending source line with a caret, then the hint.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pathway.diagnostics import suggest
from pathway.diagnostics.escape import EXCERPT, escape, escape_block, excerpt, shorten

MESSAGE_LIMIT = 2000
"""A diagnostic's message or hint is cut to this many characters (with an ellipsis and its length)."""


class Severity(StrEnum):
    """How serious a finding is: errors make input invalid, warnings and infos do not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Diagnostic(BaseModel):
    """One finding about the user's input, with where it is and what to do about it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(description="Stable code such as PW203; see the diagnostics reference.")
    severity: Severity = Field(default=Severity.ERROR, description="error, warning or info.")
    message: str = Field(description="What is wrong, in one sentence.")
    file: str = Field(description="Path of the input file, as the user gave it.")
    line: int = Field(default=1, ge=1, description="1-based line of the offending node.")
    column: int = Field(default=1, ge=1, description="1-based column of the offending node.")
    end_column: int | None = Field(default=None, description="1-based column just past the offending text.")
    hint: str | None = Field(default=None, description="What was expected, or a did-you-mean suggestion.")

    @field_validator("message", "hint")
    @classmethod
    def _bounded(cls, text: str | None) -> str | None:
        """A message quoting a huge value from the input stays one readable sentence (MESSAGE_LIMIT characters)."""
        return None if text is None else shorten(text, MESSAGE_LIMIT)

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.message)


def did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    """Return ``did you mean 'x'?`` for the closest choice, or None when nothing is close (see
    :mod:`pathway.diagnostics.suggest`: thousands of calls over thousands of choices stay fast)."""
    close = suggest.closest(name, choices)
    return f"did you mean '{close}'?" if close else None


def one_of(choices: Iterable[str], limit: int = 12) -> str:
    """Render a list of allowed values for a hint, cut politely when long."""
    items, count = suggest.first_sorted(choices, limit)
    shown = ", ".join(repr(c) for c in items)
    more = f" and {count - limit} more" if count > limit else ""
    return f"[{shown}{more}]"


def sorted_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order findings by file and position, dropping exact repeats."""
    unique = {(d.sort_key(), d.hint): d for d in diagnostics}
    return [unique[k] for k in sorted(unique, key=lambda k: (k[0], k[1] or ""))]


CACHED_BYTES = 16 * 2**20
"""A file up to this size is read once to show its diagnostics' lines; a larger one (only a trail can be) is read
line by line, up to what is shown."""
_YAML_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # the line breaks YAML counts; JSON lines end at \n


def _regular(file: str) -> int | None:
    """The size of a regular file, or None for anything else (a named pipe or a device is never opened)."""
    try:
        info = os.stat(file)
    except (OSError, ValueError):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def _read_line(file: str, number: int, upto: int) -> str | None:
    """The first ``upto`` characters of line ``number`` (1-based) of a large file: each line before it is skipped
    in chunks, so a line of a gigabyte costs a few kilobytes of memory."""
    try:
        with open(file, "rb") as stream:
            for _ in range(number - 1):
                while (chunk := stream.readline(2**16)) and not chunk.endswith(b"\n"):
                    pass
                if not chunk:
                    return None
            raw = stream.readline(4 * upto + 4)
    except OSError:
        return None
    return raw.decode("utf-8", errors="replace").removesuffix("\n").removesuffix("\r")


def _lines_of(file: str) -> list[str] | None:
    """Every line of a regular file no larger than CACHED_BYTES ([] when there is none), or None when it is larger."""
    size = _regular(file)
    if size is None:
        return []
    if size > CACHED_BYTES:
        return None
    try:
        with open(file, "rb") as stream:
            text = stream.read(CACHED_BYTES + 1).decode("utf-8", errors="replace").removeprefix("\ufeff")
    except OSError:
        return []
    if file.endswith(".jsonl"):
        return [line.removesuffix("\r") for line in text.split("\n")]
    return _YAML_BREAK.split(text)


def _links_away(file: str) -> bool:
    """Whether ``file`` is reached through a link that leads out of the working directory."""
    path = Path(file)
    try:
        return path.is_symlink() and not path.resolve().is_relative_to(Path.cwd().resolve())
    except (OSError, RuntimeError):  # a link loop
        return True


def _source_line(diag: Diagnostic, sources: dict[str, list[str] | None]) -> str | None:
    if diag.file.startswith("<") and diag.file.endswith(">"):  # '<data>', '<record>': no file to read
        return None
    if _links_away(diag.file):  # a planted link must not make a message quote another file
        return None
    if diag.file not in sources:
        sources[diag.file] = _lines_of(diag.file)
    lines = sources[diag.file]
    if lines is None:
        return _read_line(diag.file, diag.line, diag.column + EXCERPT)
    return lines[diag.line - 1] if 0 < diag.line <= len(lines) else None


MAX_SHOWN = 200
"""The most findings of one file that :func:`render_text` prints; one line counts the rest."""


def _render_one(diag: Diagnostic, cache: dict[str, list[str] | None]) -> list[str]:
    """One finding: everything that comes from the input escaped (:func:`~pathway.diagnostics.escape.escape`),
    the source line cut to a window of EXCERPT characters around the column."""
    label = "" if diag.severity is Severity.ERROR else f"{diag.severity.value}: "
    out = [f"{escape(diag.location)}: {diag.code} {label}{escape(diag.message)}"]
    line = _source_line(diag, cache)
    if line is not None:
        shown, column = excerpt(line.rstrip(), diag.column)
        gutter = f"{diag.line:>5} | "
        out.append(gutter + shown)
        width = max(1, (diag.end_column or diag.column + 1) - diag.column)
        width = min(width, max(1, len(shown) - column + 1))
        out.append(" " * (len(gutter) - 2) + "| " + " " * (column - 1) + "^" * width)
    if diag.hint:
        hint = escape_block(diag.hint).replace("\n", "\n" + " " * 14)  # a snippet's lines stay in the hint
        out.append(f"      = hint: {hint}")
    return out


def _more(file: str, hidden: Sequence[Diagnostic]) -> str:
    counts = {severity: sum(1 for d in hidden if d.severity is severity) for severity in Severity}
    parts = [f"{n:,} {severity.value}{'s' if n != 1 else ''}" for severity, n in counts.items() if n]
    return f"{escape(file)}: and {len(hidden):,} more not shown ({', '.join(parts)}); the JSON output lists every one"


def render_text(
    diagnostics: Sequence[Diagnostic], *, sources: dict[str, list[str]] | None = None, limit: int | None = MAX_SHOWN
) -> str:
    """Render findings for a terminal: location, code, message, source line with a caret, hint. Past ``limit``
    findings of one file (None: no limit), one line says how many more there are."""
    cache: dict[str, list[str] | None] = {**(sources or {})}
    out: list[str] = []
    shown: dict[str, int] = {}
    hidden: list[Diagnostic] = []
    for diag in diagnostics:
        if hidden and diag.file != hidden[0].file:
            out.append(_more(hidden[0].file, hidden))
            hidden = []
        if limit is not None and shown.get(diag.file, 0) >= limit:
            hidden.append(diag)
            continue
        shown[diag.file] = shown.get(diag.file, 0) + 1
        out.extend(_render_one(diag, cache))
    if hidden:
        out.append(_more(hidden[0].file, hidden))
    return "\n".join(out)
    return "\n".join(out)


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    """Render findings as a JSON array, one object per finding, with stable key order."""
    return json.dumps([d.model_dump(mode="json") for d in diagnostics], indent=2, sort_keys=True)


def summary_line(diagnostics: Sequence[Diagnostic], files: int) -> str:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    noun = "file" if files == 1 else "files"
    return f"{files} {noun} checked: {errors} error(s), {warnings} warning(s)"
