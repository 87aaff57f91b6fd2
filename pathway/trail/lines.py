"""One line of a trail file as the JSON object it holds, or a located PW402 saying why it is not one.

A line is refused, before anything trusts it, when it is not UTF-8, not JSON (``NaN`` and ``Infinity`` included),
not an object, holds a number too large to be exact, holds the same key twice in one object (a reader would see
one value and the hash another), or is nested deeper than :data:`~pathway.source.jsontext.MAX_DEPTH` (checked
before parsing): see :mod:`pathway.source.jsontext`.
"""

from __future__ import annotations

from typing import Any

from pathway.diagnostics import Diagnostic
from pathway.diagnostics.codes import Code
from pathway.errors import InvalidInputError
from pathway.source.jsontext import json_object

_EDITED = "the trail was edited or truncated"


def diagnostic(path: str, line: int, message: str, hint: str | None = None) -> Diagnostic:
    """A PW402 (not a valid trail) at a line of the file."""
    return Diagnostic(code=Code.PW402, message=message, file=path, line=line, column=1, hint=hint)


def parse_line(shown: str, number: int, raw: bytes) -> dict[str, Any]:
    """Line ``number`` (1-based) of the file ``shown`` as a JSON object; raises InvalidInputError with a PW402 at
    the line otherwise."""
    record, problem = json_object(raw)
    if record is None:
        raise InvalidInputError([diagnostic(shown, number, f"line {number} {problem}", _EDITED)])
    return record
