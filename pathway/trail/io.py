"""Audit trails: JSONL records chained by hashes, written atomically, read back and verified.

Each line is one record (:mod:`pathway.trail.records`) in canonical JSON (sorted keys, no spaces). Every record
carries ``prev``, the hash of the record before it (``null`` for the header), and ``hash``, the sha256 of its own
canonical JSON without the ``hash`` key. Editing a record breaks its own hash; recomputing that hash breaks the next
record's ``prev``. The hashes are not secret: the chain detects edits made without recomputing them, not a forger
who rewrites every later hash. Replay, which recomputes every record from the recorded inputs, catches a forged
decision too, but not a forged input run again through the engine (see docs/reference/trail.md). Reading checks the
chain on the file's own bytes first, and only then validates the records against the models, so an edited record
is reported as tampered with, not as malformed.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from pathway.diagnostics import Diagnostic
from pathway.errors import InvalidInputError, UsageError
from pathway.source.files import kind_of, read_bytes
from pathway.trail.encode import dumps
from pathway.trail.lines import diagnostic, parse_line
from pathway.trail.parts import Part
from pathway.trail.records import KINDS, LEGACY_SCHEMA, RECORD, SCHEMA, SCHEMAS, Record
from pathway.trail.sealing import seal_line
from pathway.trail.writers import write

__all__ = [
    "KINDS",
    "SCHEMA",
    "Tamper",
    "Trail",
    "canonical",
    "digest",
    "read_trail",
    "seal",
    "seal_line",
    "verify_chain",
    "write_trail",
]

MAX_TRAIL_BYTES = 256 * 2**20
MAX_PROBLEMS = 20
_BOM = b"\xef\xbb\xbf"
R = TypeVar("R", bound=Part)


def canonical(record: Mapping[str, Any] | Part) -> str:
    """The canonical JSON of a record (or of the data read from a line): sorted keys, no spaces, UTF-8 as is."""
    if not isinstance(record, Part):
        return dumps(record)
    return write(record)


def digest(record: Mapping[str, Any] | Part) -> str:
    """The hash of a record: sha256 of its canonical JSON without its own ``hash`` key."""
    data = record.to_dict() if isinstance(record, Part) else record
    body = {k: v for k, v in data.items() if k != "hash"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def seal(record: R) -> R:
    """The record stamped with its own hash (its ``prev`` already links it to the record before it)."""
    return seal_line(record)[0]


def write_trail(
    path: str | Path, records: Iterable[Part], *, lines: Sequence[str] | None = None, durable: bool = True
) -> None:
    """Write records as JSONL atomically: a temporary file in the same folder, flushed, then renamed over the
    target. An interrupted run leaves either the old file or none, never a partial trail. ``lines``: the records'
    canonical lines when the caller has them already (as the engine does: :func:`seal_line`); they are written
    instead of writing each record again. ``durable``: the file is on disk (fsync) before the rename, so a power
    cut cannot leave an empty or partial trail under the name either; ``durable=False`` is for a caller that
    flushes many files at once afterwards, as a cohort run does before its ``cohort.json`` (docs/cohorts.md).

    The temporary file is ``.<name>.<pid>-<random>.tmp``; one left behind by a process that was killed (its pid no
    longer alive) is removed by the next write of the same target. A target that cannot be written (a folder, a
    device, a read-only folder, a full disk) raises UsageError naming the path and the reason, and leaves nothing.
    """
    target = Path(path)
    if kind_of(target) not in ("a file", "nothing"):
        raise UsageError(f"cannot write the trail to {target}: it is {kind_of(target)}, not a file")
    tmp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(target)
        tmp = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            if lines is not None:
                out.writelines(line + "\n" for line in lines)
            else:
                for record in records:
                    out.write(canonical(record) + "\n")
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.replace(tmp, target)
    except OSError as error:
        _discard(tmp)
        raise UsageError(f"cannot write the trail to {target}: {error.strerror or error}") from None
    except BaseException:
        _discard(tmp)
        raise


def _discard(tmp: Path | None) -> None:
    if tmp is not None:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but belongs to someone else
        return True
    return True


def remove_stale(target: Path) -> list[Path]:
    """Remove the temporary files that writes of ``target`` left behind when their process was killed (its pid
    no longer alive); return them."""
    pattern = re.compile(re.escape(f".{target.name}.") + r"([0-9]+)-[0-9a-f]+\.tmp")
    removed: list[Path] = []
    for candidate in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        match = pattern.fullmatch(candidate.name)
        if match and not _alive(int(match[1])):
            with contextlib.suppress(OSError):
                candidate.unlink()
                removed.append(candidate)
    return removed


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
    noncanonical: tuple[int, ...] = ()
    """The lines (1-based) whose bytes are not the canonical JSON of their record and a line break: the same
    content in another spelling (key order, spaces, escapes, CRLF, a byte-order mark, no final line break). The
    chain holds, since hashes are taken over the canonical form, but a checksum of the file's bytes differs."""

    def intact(self, purpose: str) -> tuple[Record, ...]:
        """The records; raises UsageError naming the broken record when the chain is not intact (``purpose``
        completes "only an intact trail can be ...")."""
        if self.tamper is not None:
            raise UsageError(
                f"the trail is tampered at record {self.tamper.seq}: {self.tamper.reason}; "
                f"only an intact trail can be {purpose}"
            )
        return self.records


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
        return diagnostic(shown, number, message)
    fields: dict[str, list[str]] = {}
    for error in err.errors(include_url=False):
        where = _where(tuple(p for p in error["loc"] if p not in _UNION_MEMBERS), kind)
        expected = fields.setdefault(where, [])
        if error["msg"] not in expected:
            expected.append(error["msg"])
    found = "; ".join(f"field '{w}': {' or '.join(m)}" if w else " or ".join(m) for w, m in fields.items())
    return diagnostic(shown, number, f"line {number}: the {kind} record does not fit the trail format: {found}")


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
    A line that holds its record in another spelling than the canonical one is listed in ``noncanonical``.
    """
    shown = str(path)
    data = read_bytes(Path(path), shown, MAX_TRAIL_BYTES, code="PW401", keep_bom=True)
    bom = data.startswith(_BOM)
    lines = data.removeprefix(_BOM).split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    parsed = [parse_line(shown, number, raw) for number, raw in enumerate(lines, start=1)]
    if not parsed or parsed[0].get("kind") != "header" or parsed[0].get("schema") not in SCHEMAS:
        hint = f"expected a header with schema '{SCHEMA}' (or '{LEGACY_SCHEMA}', read as written)"
        raise InvalidInputError([diagnostic(shown, 1, "not a pathway trail: the first line must be its header", hint)])
    tamper = verify_chain(parsed)
    if tamper is not None:
        return Trail(len(parsed), tamper=tamper)
    unterminated = not data.endswith(b"\n")
    noncanonical = tuple(
        number
        for number, (raw, record) in enumerate(zip(lines, parsed, strict=True), start=1)
        if raw != canonical(record).encode("utf-8") or (number == 1 and bom) or (number == len(lines) and unterminated)
    )
    return Trail(len(parsed), _validate(shown, lines, parsed), noncanonical=noncanonical)


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
