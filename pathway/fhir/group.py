"""Grouping values by patient with bounded memory: each value goes to a temporary per-patient file (JSON lines) as
it is read, and each patient's values are read back one patient at a time. Memory holds a few open files and one
patient's values, never the export; the temporary folder is removed when the import ends."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import IO

from pathway.fhir.extract import Value

OPEN_FILES = 32
"""How many per-patient files stay open at once (least recently used closed first)."""


class Spill:
    """Values spilled to ``folder``, one file per patient."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.spilled: set[str] = set()  # the patients with a file: its name comes from the id (a Path each would
        # cost some 300 bytes a patient)
        self.handles: OrderedDict[str, IO[str]] = OrderedDict()

    def add(self, value: Value) -> None:
        handle = self.handles.pop(value.patient, None)
        if handle is None:
            self.spilled.add(value.patient)
            handle = (self.folder / _name(value.patient)).open("a", encoding="utf-8")
            if len(self.handles) >= OPEN_FILES:
                self.handles.popitem(last=False)[1].close()
        self.handles[value.patient] = handle
        handle.write(json.dumps(asdict(value), sort_keys=True) + "\n")

    def close(self) -> None:
        while self.handles:
            self.handles.popitem()[1].close()

    def patients(self) -> Iterator[tuple[str, list[Value]]]:
        """Each patient (sorted by id) with its values, one patient in memory at a time."""
        self.close()
        for patient in sorted(self.spilled):
            with (self.folder / _name(patient)).open(encoding="utf-8") as lines:
                yield patient, [Value(**json.loads(line)) for line in lines]


def _name(patient: str) -> str:
    return hashlib.sha256(patient.encode("utf-8")).hexdigest()[:32] + ".jsonl"
