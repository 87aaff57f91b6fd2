"""Audit trails: JSONL records chained by hashes, written atomically, read back and verified.

Each line is one record in canonical JSON (sorted keys, no spaces). Every record carries ``prev``, the hash of the
record before it (``null`` for the header), and ``hash``, the sha256 of its own canonical JSON without the
``hash`` key. Editing a record breaks its own hash; recomputing that hash breaks the next record's ``prev``. The
chain detects edits, not a forger who rewrites every later hash: replay, which recomputes every record from the
inputs, catches those too. Record kinds and their fields are documented in ``docs/reference/trail.md``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.diagnostics import Diagnostic
from pathway.errors import InvalidInputError
from pathway.source.files import read_bytes

SCHEMA = "pathway-trail/1"
MAX_TRAIL_BYTES = 256 * 2**20
KINDS = ("header", "input", "start", "transition", "issued", "retired", "waiting", "deviation", "error", "summary")


def canonical(record: Mapping[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def digest(record: Mapping[str, Any]) -> str:
    """The hash of a record: sha256 of its canonical JSON without its own ``hash`` key."""
    body = {k: v for k, v in record.items() if k != "hash"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def seal(record: dict[str, Any], prev: str | None) -> dict[str, Any]:
    """Chain a record to the one before it and stamp its own hash (in place; returns it)."""
    record["prev"] = prev
    record["hash"] = digest(record)
    return record


def write_trail(path: str | Path, records: Iterable[Mapping[str, Any]]) -> None:
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


def _diag(path: str, line: int, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code=code, message=message, file=path, line=line, column=1, hint=hint)


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid in a trail")


def _parse_line(shown: str, number: int, raw: bytes) -> dict[str, Any]:
    """One line as a record, or a located diagnostic: not UTF-8, not JSON (NaN and Infinity included), not an
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
    raise InvalidInputError(
        [_diag(shown, number, "PW402", f"line {number} {problem}", "the trail was edited or truncated")]
    )


def _finite(value: object) -> bool:
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


def read_trail(path: str | Path) -> list[dict[str, Any]]:
    """Parse a trail file into records. Lines are split at '\\n' only (a record never contains a raw line break),
    and each line is decoded on its own, so a problem is reported at its own line."""
    shown = str(path)
    data = read_bytes(Path(path), shown, MAX_TRAIL_BYTES, code="PW401")
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    records = [_parse_line(shown, number, raw) for number, raw in enumerate(lines, start=1)]
    if not records or records[0].get("kind") != "header" or records[0].get("schema") != SCHEMA:
        raise InvalidInputError(
            [
                _diag(
                    shown,
                    1,
                    "PW402",
                    "not a pathway trail: the first line must be its header",
                    f"expected a header with schema '{SCHEMA}'",
                )
            ]
        )
    return records


def verify_chain(records: Sequence[Mapping[str, Any]]) -> Tamper | None:
    """The first record whose hash or link does not match, or None when the chain is intact."""
    prev: str | None = None
    for number, record in enumerate(records):
        if record.get("seq") != number:
            return Tamper(number, number + 1, f"seq is {record.get('seq')!r}, expected {number}")
        if record.get("prev") != prev:
            return Tamper(number, number + 1, "its 'prev' does not match the hash of the record before it")
        if record.get("hash") != digest(record):
            return Tamper(number, number + 1, "its content does not match its hash")
        prev = record["hash"]
    if records and records[-1].get("kind") != "summary":
        return Tamper(len(records) - 1, len(records), "the trail does not end with its summary (truncated?)")
    return None
