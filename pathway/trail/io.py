"""Audit trails: JSONL records chained by hashes, written atomically, read back and verified.

Each line is one record (:mod:`pathway.trail.records`) in canonical JSON (sorted keys, no spaces). Every record
carries ``prev``, the hash of the record before it (``null`` for the header), and ``hash``, the sha256 of its own
canonical JSON without the ``hash`` key. Editing a record breaks its own hash; recomputing that hash breaks the next
record's ``prev``. The chain detects edits, not a forger who rewrites every later hash: replay, which recomputes
every record from the inputs, catches those too. Reading checks the chain on the file's own bytes first, and only
then validates the records against the models, so an edited record is reported as tampered with, not as malformed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from pathway.diagnostics import Diagnostic
from pathway.errors import InvalidInputError, UsageError
from pathway.source.files import read_bytes
from pathway.trail.parts import Part
from pathway.trail.records import KINDS, RECORD, SCHEMA, Record

__all__ = [
    "KINDS",
    "SCHEMA",
    "Tamper",
    "Trail",
    "canonical",
    "digest",
    "read_trail",
    "seal",
    "verify_chain",
    "write_trail",
]

MAX_TRAIL_BYTES = 256 * 2**20
MAX_PROBLEMS = 20
R = TypeVar("R", bound=Part)


def canonical(record: Mapping[str, Any] | Part) -> str:
    """The canonical JSON of a record (or of the data read from a line): sorted keys, no spaces, UTF-8 as is."""
    data = record.to_dict() if isinstance(record, Part) else record
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def digest(record: Mapping[str, Any] | Part) -> str:
    """The hash of a record: sha256 of its canonical JSON without its own ``hash`` key."""
    data = record.to_dict() if isinstance(record, Part) else record
    body = {k: v for k, v in data.items() if k != "hash"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def seal(record: R) -> R:
    """The record stamped with its own hash (its ``prev`` already links it to the record before it)."""
    return record.model_copy(update={"hash": digest(record)})


def write_trail(path: str | Path, records: Iterable[Part]) -> None:
    """Write records as JSONL atomically: a temporary file in the same folder, flushed, then renamed over the
    target. An interrupted run leaves either the old file or none, never a partial trail."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            for record in records:
                out.write(canonical(record) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Tamper:
    """Where the chain breaks: the record (its ``seq``, i.e. its line number minus one) and why."""

    seq: int
    line: int
    reason: str


@dataclass(frozen=True)
class Trail:
    """A trail file read back. When its chain is intact, ``records`` holds every record, validated; when it is
    broken, ``tamper`` says where, and ``records`` is empty: what an edited file says cannot be trusted, so it is
    not read further. ``lines`` is the number of records in the file either way."""

    lines: int
    records: tuple[Record, ...] = ()
    tamper: Tamper | None = None

    def intact(self, purpose: str) -> tuple[Record, ...]:
        """The records; raises UsageError naming the broken record when the chain is not intact (``purpose``
        completes "only an intact trail can be ...")."""
        if self.tamper is not None:
            raise UsageError(
                f"the trail is tampered at record {self.tamper.seq}: {self.tamper.reason}; "
                f"only an intact trail can be {purpose}"
            )
        return self.records


def _diag(path: str, line: int, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code="PW402", message=message, file=path, line=line, column=1, hint=hint)


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid in a trail")


def _parse_line(shown: str, number: int, raw: bytes) -> dict[str, Any]:
    """One line as a JSON object, or a located diagnostic: not UTF-8, not JSON (NaN and Infinity included), not an
    object."""
    try:
        record = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        problem = "is not UTF-8 text"
    except ValueError as err:  # JSONDecodeError is a ValueError; so are NaN/Infinity and huge numbers
        problem = f"is not valid JSON: {getattr(err, 'msg', err)}"
    else:
        if isinstance(record, dict) and _finite(record):
            return record
        problem = "is not a JSON object" if not isinstance(record, dict) else "holds a number too large to be exact"
    raise InvalidInputError([_diag(shown, number, f"line {number} {problem}", "the trail was edited or truncated")])


def _finite(value: object) -> bool:
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


def _where(loc: tuple[int | str, ...], kind: object) -> str:
    """A field path as a reader writes it: ``pathway.sha256``, ``alternatives[0].read``."""
    if loc and loc[0] == kind:  # a discriminated union puts the tag first
        loc = loc[1:]
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# The names pydantic puts in an error's location for the members of a union (a fact's value, a read entry): a
# reader knows the field, not which member was tried.
_UNION_MEMBERS = frozenset({"bool", "int", "float", "str", "ReadFact", "ReadDerived", "ReadUnknown", "ReadError"})


def _problem(shown: str, number: int, data: Mapping[str, Any], err: ValidationError) -> Diagnostic:
    """One diagnostic for a line: each field that does not fit, with what was expected."""
    kind = data.get("kind")
    if kind not in KINDS:
        found = "missing" if kind is None else f"{json.dumps(kind, ensure_ascii=False)}, not a record kind"
        message = f"line {number}: the record's 'kind' is {found}; expected one of {', '.join(KINDS)}"
        return _diag(shown, number, message)
    fields: dict[str, list[str]] = {}
    for error in err.errors(include_url=False):
        where = _where(tuple(p for p in error["loc"] if p not in _UNION_MEMBERS), kind)
        expected = fields.setdefault(where, [])
        if error["msg"] not in expected:
            expected.append(error["msg"])
    found = "; ".join(f"field '{w}': {' or '.join(m)}" if w else " or ".join(m) for w, m in fields.items())
    return _diag(shown, number, f"line {number}: the {kind} record does not fit the trail format: {found}")


def _validate(shown: str, lines: Sequence[bytes], data: Sequence[Mapping[str, Any]]) -> tuple[Record, ...]:
    """Every line as its record model; raises with a located diagnostic for each field that does not fit."""
    records: list[Record] = []
    problems: list[Diagnostic] = []
    for number, (raw, parsed) in enumerate(zip(lines, data, strict=True), start=1):
        try:
            records.append(RECORD.validate_json(raw, context={"file": True}))
        except ValidationError as err:
            problems.append(_problem(shown, number, parsed, err))
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise InvalidInputError(problems)
    return tuple(records)


def read_trail(path: str | Path) -> Trail:
    """Read a trail file: parse each line, check the chain on what the file says, then validate every record.

    Lines are split at '\\n' only (a record never contains a raw line break) and each is decoded on its own, so a
    problem is reported at its own line. Raises InvalidInputError (PW401 unreadable, PW402 not a trail or a record
    that does not fit the format, at its line); a broken chain is not an error here but the ``tamper`` of the result.
    """
    shown = str(path)
    data = read_bytes(Path(path), shown, MAX_TRAIL_BYTES, code="PW401")
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    parsed = [_parse_line(shown, number, raw) for number, raw in enumerate(lines, start=1)]
    if not parsed or parsed[0].get("kind") != "header" or parsed[0].get("schema") != SCHEMA:
        hint = f"expected a header with schema '{SCHEMA}'"
        raise InvalidInputError([_diag(shown, 1, "not a pathway trail: the first line must be its header", hint)])
    tamper = verify_chain(parsed)
    if tamper is not None:
        return Trail(len(parsed), tamper=tamper)
    return Trail(len(parsed), _validate(shown, lines, parsed))


def verify_chain(records: Sequence[Mapping[str, Any] | Part]) -> Tamper | None:
    """The first record whose hash or link does not match, or None when the chain is intact."""
    data = [r.to_dict() if isinstance(r, Part) else r for r in records]
    prev: str | None = None
    for number, record in enumerate(data):
        if record.get("seq") != number:
            return Tamper(number, number + 1, f"seq is {record.get('seq')!r}, expected {number}")
        if record.get("prev") != prev:
            return Tamper(number, number + 1, "its 'prev' does not match the hash of the record before it")
        if record.get("hash") != digest(record):
            return Tamper(number, number + 1, "its content does not match its hash")
        prev = record["hash"]
    if data and data[-1].get("kind") != "summary":
        return Tamper(len(data) - 1, len(data), "the trail does not end with its summary (truncated?)")
    return None
