"""The cohort's tables, built from its trails: ``journeys.parquet`` (one row per journey) and ``records.parquet``
(one row per trail record), for SQL (DuckDB) or dataframes. The columns are documented in docs/cohorts.md.

Both are built from the trails alone, sorted by journey id, in row groups of a fixed number of rows however the
work was split: the same trails always give the same bytes (no timestamps, ids or paths of the run in the files).
Each is written to a temporary file and renamed into place. pyarrow is an optional dependency
(``pip install 'pathway[cohort]'``), imported by the functions that need it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pathway.cohort.store import read_trail_bytes
from pathway.errors import UsageError

if TYPE_CHECKING:
    import pyarrow as pa

Entry = tuple[str, str, int, str | None, int, int]
"""A journey that has a trail: id, source, line, and where its trail is (its shard, offset and length; no shard in
the file store)."""
JOURNEYS = "journeys.parquet"
RECORDS = "records.parquet"
ROW_GROUP = 16_384
"""Rows per row group, in both tables."""
CHUNK = 64
"""Journeys per unit of work when the tables are built in parallel."""
_ACTION_KINDS = frozenset({"issued", "revised", "retired", "persisting", "inapplicable"})


def arrow() -> Any:
    """pyarrow, or a UsageError saying how to install it."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise UsageError("cohort tables need pyarrow: pip install 'pathway[cohort]'") from None
    return pyarrow


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _ids(items: Iterable[dict[str, Any]]) -> list[str]:
    return [i["id"] for i in items]


def _due(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"kind": d["kind"], "id": d["id"], "state": d["state"], "at": _time(d["at"])} for d in items]


def _record_row(journey: str, record: dict[str, Any], line: str) -> dict[str, Any]:
    kind = record["kind"]
    transition = kind == "transition"
    return {
        "journey": journey,
        "seq": record["seq"],
        "kind": kind,
        "at": _time(record.get("at")),
        "input": record.get("input"),
        "state": record.get("state"),
        "transition": record["id"] if transition else None,
        "source": record.get("source"),
        "target": record.get("target"),
        "action": record["id"] if kind in _ACTION_KINDS else record.get("action"),
        "item": record.get("item"),
        "outcome": record.get("outcome"),
        "cause": record.get("cause"),
        "record": line,
    }


def _journey_row(journey: str, source: str, line: int, raw: bytes, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    summary = records[-1]
    inputs = [r for r in records if r["kind"] == "input"]
    facts: dict[str, Any] = {}
    for r in inputs:
        facts |= r["facts"]
    errors = [e["message"] for e in summary.get("errors", [])]
    return {
        "journey": journey,
        "source": source,
        "line": line,
        "ok": summary["error"] is None and not errors and not any(r["kind"] == "error" for r in records),
        "states": list(summary["states"]),
        "recommendations": _ids(summary["recommendations"]),
        "findings": _ids(summary["findings"]),
        "needs": list(summary["needs"]),
        "due": _due(summary.get("due", [])),
        "overdue": _due(summary.get("overdue", [])),
        "error": summary["error"],
        "errors": errors,
        "facts": json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
        "inputs": len(inputs),
        "records": len(records),
        "first_at": _time(inputs[0]["at"]) if inputs else None,
        "last_at": _time(summary.get("at")),
        "trail_sha256": hashlib.sha256(raw).hexdigest(),
        "final_hash": summary["hash"],
    }


def schemas() -> tuple[pa.Schema, pa.Schema]:
    """The schemas of journeys.parquet and records.parquet."""
    pa = arrow()
    text, number, stamp, texts = pa.string(), pa.int32(), pa.timestamp("s"), pa.list_(pa.string())
    due = pa.list_(pa.struct([("kind", text), ("id", text), ("state", text), ("at", stamp)]))
    journeys = pa.schema(
        [
            ("journey", text), ("source", text), ("line", number), ("ok", pa.bool_()), ("states", texts),
            ("recommendations", texts), ("findings", texts), ("needs", texts), ("due", due), ("overdue", due),
            ("error", text), ("errors", texts), ("facts", text), ("inputs", number), ("records", number),
            ("first_at", stamp), ("last_at", stamp), ("trail_sha256", text), ("final_hash", text),
        ]
    )  # fmt: skip
    records = pa.schema(
        [
            ("journey", text), ("seq", number), ("kind", text), ("at", stamp), ("input", number), ("state", text),
            ("transition", text), ("source", text), ("target", text), ("action", text), ("item", text),
            ("outcome", text), ("cause", text), ("record", text),
        ]
    )  # fmt: skip
    return journeys, records


def index_schema() -> pa.Schema:
    """The shard store's index, ``trails/index.parquet``: where each journey's trail is."""
    pa = arrow()
    return pa.schema(
        [("journey", pa.string()), ("shard", pa.string()), ("offset", pa.int64()), ("length", pa.int64()),
         ("final_hash", pa.string())]
    )  # fmt: skip


def index_rows(entries: Sequence[Entry], journeys: pa.Table) -> pa.Table:
    """The index rows of these journeys (their final hashes from their rows of journeys.parquet)."""
    pa = arrow()
    rows = [
        {"journey": e[0], "shard": e[3], "offset": e[4], "length": e[5], "final_hash": h}
        for e, h in zip(entries, journeys.column("final_hash").to_pylist(), strict=True)
    ]
    return pa.Table.from_pylist(rows, schema=index_schema())


def chunk_tables(out: str, entries: Sequence[Entry]) -> tuple[pa.Table, pa.Table]:
    """The rows of both tables for these journeys (id, source, line, and where the trail is), read from their
    trails, in the given order."""
    pa = arrow()
    journeys, records = [], []
    for journey, source, line, shard, offset, length in entries:
        raw = read_trail_bytes(Path(out), journey, shard, offset, length)
        lines = raw.decode("utf-8").splitlines()
        parsed = [json.loads(text) for text in lines]
        journeys.append(_journey_row(journey, source, line, raw, parsed))
        records += [_record_row(journey, record, text) for record, text in zip(parsed, lines, strict=True)]
    j_schema, r_schema = schemas()
    return pa.Table.from_pylist(journeys, schema=j_schema), pa.Table.from_pylist(records, schema=r_schema)


class TableWriter:
    """One Parquet file written in row groups of exactly :data:`ROW_GROUP` rows (the last one fewer) whatever the
    sizes of the tables handed to it; to a temporary file that :meth:`close` renames into place."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        pa = arrow()
        self.path, self.schema = path, schema
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self.writer = pa.parquet.ParquetWriter(self.tmp, schema, compression="zstd", write_statistics=True)
        self.waiting: list[Any] = []
        self.rows = 0

    def add(self, table: pa.Table) -> None:
        self.waiting.append(table)
        self.rows += table.num_rows
        while self.rows >= ROW_GROUP:
            self._flush(ROW_GROUP)

    def _flush(self, rows: int) -> None:
        pa = arrow()
        whole = pa.concat_tables(self.waiting)
        self.writer.write_table(whole.slice(0, rows), row_group_size=rows)
        rest = whole.slice(rows)
        self.waiting, self.rows = ([rest] if rest.num_rows else []), rest.num_rows

    def close(self) -> None:
        if self.rows:
            self._flush(self.rows)
        self.writer.close()
        os.replace(self.tmp, self.path)

    def abandon(self) -> None:
        self.writer.close()
        self.tmp.unlink(missing_ok=True)
