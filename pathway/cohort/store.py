"""Where a cohort's trails live: ``DIR/trails/<journey>.jsonl``, one file per journey, each written atomically.

A worker writes a journey's trail to a *pending* file (``DIR/trails/.<journey>.<batch>-<n>.pending``, itself written
atomically by :func:`pathway.trail.io.write_trail`); the coordinating process renames it into place once it knows
the journey's id is not used twice in the cohort. So two journeys with one id never race for one file, and an
interrupted run leaves complete trails and pending files, which the next run removes (:func:`clear_pending`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from pathway.errors import InvalidInputError
from pathway.trail.io import read_trail, write_trail
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


def write_pending(path: Path, records: Iterable[Part]) -> None:
    write_trail(path, records)


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
    """The journey ids of every trail file in the folder, sorted."""
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
