"""Where a cohort's trails live: ``DIR/trails/<journey>.jsonl``, one file per journey, each written atomically.

A worker writes a journey's trail to a *pending* file (``DIR/trails/.<journey>.<batch>-<n>.pending``:
:func:`write_pending`); the coordinating process renames it into place once it knows the journey's id is not used
twice in the cohort. So two journeys with one id never race for one file, and an interrupted run leaves complete
trails and pending files, which the next run removes (:func:`clear_pending`). Nothing is flushed to disk file by
file: :func:`sync` flushes the whole folder once, before ``cohort.json`` is written.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from pathway.errors import InvalidInputError, UsageError
from pathway.source.files import write_atomically
from pathway.trail.io import canonical, read_trail, verify_chain
from pathway.trail.parts import Part
from pathway.trail.records import header_of

TRAILS = "trails"
SUFFIX = ".jsonl"
_PENDING = ".pending"


def trails_dir(out: Path) -> Path:
    return out / TRAILS


def trail_path(out: Path, journey: str) -> Path:
    """The trail of one journey (a journey id holds letters, digits, '-', '_' and '.', and is never '.' or '..'
    with a suffix added, so it is always a file name inside the folder)."""
    return trails_dir(out) / f"{journey}{SUFFIX}"


def pending_path(out: Path, journey: str, batch: int, n: int) -> Path:
    return trails_dir(out) / f".{journey}.{batch}-{n}{_PENDING}"


def write_pending(path: Path, data: bytes) -> None:
    """A worker's trail, written straight to its pending file, not flushed to disk (:func:`sync` does that once
    for the run). The pending file is the trail's temporary file: only the coordinating process renames it into
    place, once the worker has handed it back whole, and a run that stops first removes it (:func:`clear_pending`),
    so no partial trail ever bears a trail's name. (``write_trail`` would also look through the folder for the
    temporary files of killed writers, a cost that grows with the trails already in it: 0.1 s a trail at 30,000.)
    A trail that cannot be written raises UsageError naming the path and the reason, and leaves nothing."""
    try:
        with path.open("wb") as stream:
            stream.write(data)
    except OSError as error:
        discard(path)
        raise UsageError(f"cannot write the trail to {path}: {error.strerror or error}") from None


def commit(pending: Path, journey: str, out: Path) -> None:
    """Put a pending trail in its place (atomic: a rename within one folder)."""
    os.replace(pending, trail_path(out, journey))


def discard(pending: Path) -> None:
    with contextlib.suppress(OSError):
        pending.unlink(missing_ok=True)


def clear_pending(out: Path) -> None:
    """Remove what an interrupted run left behind: pending trails, and temporary files of the tables."""
    folder = trails_dir(out)
    for leftover in [*folder.glob(f".*{_PENDING}"), *folder.glob(".*.tmp"), *out.glob(".*.tmp")]:
        discard(leftover)


def listed_trails(out: Path) -> list[str]:
    """The journey ids of every trail file in the folder (the file store), sorted."""
    folder = trails_dir(out)
    if not folder.is_dir():
        return []
    return sorted(p.name.removesuffix(SUFFIX) for p in folder.glob(f"*{SUFFIX}") if not p.name.startswith("."))


def complete(out: Path, journey: str, sha256: str) -> bool:
    """Whether the journey's trail exists, its chain holds from the header to a summary, and its header names the
    pathway with this sha256: what ``--resume`` may keep."""
    path = trail_path(out, journey)
    if not path.is_file():
        return False
    try:
        read = read_trail(path)
    except InvalidInputError:
        return False
    return read.tamper is None and header_of(read.records).pathway.sha256 == sha256


# The shard store ---------------------------------------------------------------------------------------------
# ``--store shards``: the trails of batch k in one file, ``DIR/trails/shard-<k>.jsonl`` (each trail's lines as the
# single-run trail has them, one trail after another), and ``DIR/trails/index.parquet`` mapping each journey to its
# shard, byte offset, length and final hash. A shard is written atomically by the coordinating process once the
# batch's outcomes are in, with only the trails that belong to the cohort.

STORES = ("files", "shards")
INDEX = "index.parquet"


def shard_name(batch: int) -> str:
    return f"shard-{batch:05d}{SUFFIX}"


def trail_bytes(records: Iterable[Part], lines: Sequence[str] | None = None) -> bytes:
    """A trail's bytes, exactly as :func:`pathway.trail.io.write_trail` writes them (from the records' canonical
    lines when the engine kept them)."""
    if lines is None:
        lines = [canonical(r) for r in records]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def split_shard(data: bytes) -> dict[str, bytes]:
    """The trails of a shard by journey id: each starts at a header line."""
    trails: dict[str, list[bytes]] = {}
    current: list[bytes] | None = None
    for line in data.splitlines(keepends=True):
        record = json.loads(line)
        if record.get("kind") == "header":
            current = trails.setdefault(record["journey"]["id"], [])
            current.clear()
        if current is not None:
            current.append(line)
    return {journey: b"".join(lines) for journey, lines in trails.items()}


def intact(raw: bytes, sha256: str) -> bool:
    """Whether a trail's bytes hold a whole chain, header to summary, of the pathway with this sha256."""
    try:
        records = [json.loads(line) for line in raw.splitlines()]
    except ValueError:
        return False
    if not records or records[0].get("pathway", {}).get("sha256") != sha256:
        return False
    return verify_chain(records) is None


def kept_shard(out: Path, batch: int, sha256: str) -> dict[str, bytes]:
    """For ``--resume``: the intact trails of this batch's shard, if it was written."""
    path = trails_dir(out) / shard_name(batch)
    if not path.is_file():
        return {}
    try:
        trails = split_shard(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return {journey: raw for journey, raw in trails.items() if intact(raw, sha256)}


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Bytes written whole or not at all, flushed to disk before the rename unless not ``durable`` (a cohort run's
    shards: :func:`sync`) (:func:`write_atomically`)."""
    write_atomically(path, data, durable=durable)


def sync(out: Path) -> None:
    """Everything a cohort run wrote to its folder, on disk: its trails and shards are written without an fsync
    each (~0.5 ms a trail), and made durable here at once before ``cohort.json`` is written: one ``os.sync()``,
    or, on a system without it, an fsync of each file of the folder."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in out.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDWR)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def read_trail_bytes(out: Path, journey: str, shard: str | None, offset: int, length: int) -> bytes:
    """One journey's trail: its file, or its bytes in a shard."""
    if shard is None:
        return trail_path(out, journey).read_bytes()
    with (trails_dir(out) / shard).open("rb") as stream:
        stream.seek(offset)
        return stream.read(length)
