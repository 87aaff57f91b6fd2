"""What the coordinating process of a cohort run keeps of its journeys, on disk, so that its memory does not grow
with the cohort: :class:`Ledger`, every journey id with where it came from and where its trail is (for PW431 and
the tables), and :class:`Failures`, the journeys that did not run.

The ledger is a SQLite database in the output folder (``DIR/.journeys.<pid>.sqlite.tmp``, removed at the end of
the run, and by the next run if this one was killed): its primary key finds an id used twice, and gives the
journeys back sorted by id for the tables. It is a scratch file of one process: no journal, no fsync, no file locks
(the output folder may be on a network file system, for Dask), 2 MB of page cache whatever the number of
journeys. ``cohort.json`` lists the first :data:`LISTED` failures; a cohort with more has them all, one JSON object
a line in input order, in ``DIR/failures.ndjson`` (see docs/cohorts.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from pathway.cohort.report import FAILURES, Failure
from pathway.cohort.store import shard_name
from pathway.cohort.tables import Entry

LISTED = 1000
"""Failures listed in ``cohort.json``; beyond, every failure is in ``failures.ndjson`` instead of a cohort.json that
grows with the cohort (it is read whole by ``cohort verify``)."""
_CACHE_KIB = 2048
"""SQLite's page cache for the ledger, in KiB."""
_SCHEMA = """CREATE TABLE journeys (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, line INTEGER NOT NULL, batch INTEGER NOT NULL,
    offset INTEGER NOT NULL, length INTEGER NOT NULL
) WITHOUT ROWID"""


def _scratch(out: Path, name: str) -> Path:
    """A temporary file of the output folder (``.<name>.<pid>.tmp``: what :func:`clear_pending` removes)."""
    return out / f".{name}.{os.getpid()}.tmp"


class Ledger:
    """Every journey of the cohort that has a trail, by id. ``take`` a batch between :meth:`begin` and
    :meth:`commit` (one transaction a batch); :meth:`close` removes the database."""

    def __init__(self, out: Path) -> None:
        self.path = _scratch(out, "journeys.sqlite")
        self.path.unlink(missing_ok=True)
        vfs = "unix-none" if os.name == "posix" else "win32-none"  # no file locks: the database is this process's
        uri = f"{self.path.resolve().as_uri()}?vfs={vfs}"  # alone, and a network file system's locks may not work
        self.db = sqlite3.connect(uri, uri=True, isolation_level=None)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", f"cache_size = -{_CACHE_KIB}", "temp_store = FILE"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute(_SCHEMA)
        self.count = 0

    def begin(self) -> None:
        self.db.execute("BEGIN")

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def first(self, journey: str) -> tuple[str, int] | None:
        """Where the journey with this id came from (source, line), if one was taken already."""
        row = self.db.execute("SELECT source, line FROM journeys WHERE id = ?", (journey,)).fetchone()
        return None if row is None else (row[0], row[1])

    def add(self, journey: str, source: str, line: int, batch: int, offset: int, length: int) -> None:
        self.db.execute(
            "INSERT INTO journeys VALUES (?, ?, ?, ?, ?, ?)", (journey, source, line, batch, offset, length)
        )
        self.count += 1

    def entries(self, shards: bool) -> Iterator[Entry]:
        """Every journey, sorted by id (SQLite's binary order of the UTF-8 ids: Python's order of the strings),
        read from the database as they are needed."""
        cursor = self.db.execute("SELECT id, source, line, batch, offset, length FROM journeys ORDER BY id")
        for journey, source, line, batch, offset, length in cursor:
            yield journey, source, line, shard_name(batch) if shards else None, offset, length

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)


def _line(failure: Failure) -> str:
    return json.dumps(failure.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


class Failures:
    """The journeys that did not run, in input order: the first :data:`LISTED` in memory; once there are more, every
    one written to a scratch file that :meth:`finish` puts in place as ``failures.ndjson``."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.listed: list[Failure] = []
        self.count = 0
        self.spill: IO[str] | None = None

    def add(self, failure: Failure) -> None:
        self.count += 1
        if self.count <= LISTED:
            self.listed.append(failure)
            return
        if self.spill is None:
            self.spill = _scratch(self.out, "failures").open("w", encoding="utf-8", newline="\n")
            self.spill.writelines(map(_line, self.listed))
        self.spill.write(_line(failure))

    @property
    def file(self) -> str | None:
        """``failures.ndjson`` when the failures are more than cohort.json lists."""
        return FAILURES if self.spill is not None else None

    def finish(self) -> None:
        """Put ``failures.ndjson`` in place, or remove the one an earlier run of the folder left (``--resume``)."""
        target = self.out / FAILURES
        if self.spill is None:
            target.unlink(missing_ok=True)
            return
        self.spill.close()
        os.replace(self.spill.name, target)

    def abandon(self) -> None:
        if self.spill is not None:
            self.spill.close()
            with contextlib.suppress(OSError):
                Path(self.spill.name).unlink(missing_ok=True)
