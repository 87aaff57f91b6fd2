"""``pathway cohort extract``: one journey's trail as its own file, from either store, byte-identical to what
``pathway run JOURNEY --trail`` writes (so ``pathway replay`` and ``explain`` take it as it is)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.cohort.report import COHORT, read_json
from pathway.cohort.store import INDEX, read_trail_bytes, trail_path, trails_dir, write_atomic
from pathway.cohort.tables import arrow
from pathway.errors import ExitCode, UsageError
from pathway.source.files import display_path


@dataclass(frozen=True)
class Extracted:
    journey: str
    out: str
    bytes: int

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {"journey": self.journey, "out": self.out, "bytes": self.bytes, "exit_code": 0}

    def to_text(self) -> str:
        return f"wrote {self.out}: the trail of {self.journey} ({self.bytes} bytes)"


def _from_shards(folder: Path, journey: str) -> bytes | None:
    pa = arrow()
    index = trails_dir(folder) / INDEX
    if not index.is_file():
        raise UsageError(f"{display_path(index)} is missing: it says where each trail is", parameter="dir")
    rows = pa.parquet.read_table(index, filters=[("journey", "=", journey)]).to_pylist()
    if not rows:
        return None
    row = rows[0]
    return read_trail_bytes(folder, journey, row["shard"], row["offset"], row["length"])


def extract(out: str | Path, journey: str, target: str | Path) -> Extracted:
    """Write the trail of ``journey`` in the cohort folder ``out`` to ``target`` (atomically). Raises UsageError
    for a folder that is not a cohort's or a journey it does not hold."""
    data = trail_data(Path(out), journey)
    write_atomic(Path(target), data)
    return Extracted(journey, display_path(Path(target)), len(data))


def trail_data(folder: Path, journey: str) -> bytes:
    """The bytes of one journey's trail in a cohort folder, from either store. Raises UsageError for a folder that
    is not a cohort's or a journey it does not hold."""
    if not (folder / COHORT).is_file():
        raise UsageError(f"{display_path(folder)} is not a cohort folder: it has no {COHORT}", parameter="dir")
    if read_json(folder / COHORT).get("store") == "shards":
        data = _from_shards(folder, journey)
    else:
        path = trail_path(folder, journey)
        data = path.read_bytes() if path.is_file() else None
    if data is None:
        message = f"the cohort in {display_path(folder)} has no trail of journey {journey!r}"
        raise UsageError(message, parameter="journey")
    return data
