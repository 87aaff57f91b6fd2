"""What ``pathway cohort run`` reports: :class:`CohortResult`, written as ``DIR/cohort.json`` (what the cohort is:
the pathway, the engine, the inputs, the counts, the failures with their diagnostics; identical however the cohort
was run) and ``DIR/timing.json`` (how this run went: seconds, rate, workers, scheduler, trails run and kept). A
cohort with more failures than ``cohort.json`` lists has every one in ``DIR/failures.ndjson``
(:mod:`pathway.cohort.ledger`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.cohort.inputs import Item
from pathway.definition.model import Pathway
from pathway.diagnostics import Diagnostic, render_text
from pathway.diagnostics.codes import Code
from pathway.diagnostics.escape import escape
from pathway.errors import ExitCode, UsageError
from pathway.source.files import display_path, write_atomically
from pathway.version import __version__

COHORT = "cohort.json"
TIMING = "timing.json"
FAILURES = "failures.ndjson"
FORMAT = "pathway-cohort/1"


@dataclass(frozen=True)
class Failure:
    """A journey that did not run: where it is (file, and line for NDJSON), its id when it could be read, and why."""

    source: str
    line: int
    journey: str | None
    diagnostics: tuple[Diagnostic, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "line": self.line,
            "journey": self.journey,
            "diagnostics": [d.model_dump(mode="json") for d in self.diagnostics],
        }


@dataclass(frozen=True)
class Counts:
    journeys: int  # read from the inputs
    trails: int  # run (or kept by --resume): one trail each
    ok: int  # trails whose run is ok (no engine error, no guard or value error)
    failed: int  # journeys that did not check (or reused an id): no trail

    def to_json(self) -> dict[str, int]:
        return {
            "journeys": self.journeys,
            "trails": self.trails,
            "ok": self.ok,
            "not_ok": self.trails - self.ok,
            "failed": self.failed,
        }


def duplicate(item: Item, first: str) -> Diagnostic:
    """PW431 at the journey id of a journey whose id an earlier journey of the cohort has."""
    from pathway.cohort.inputs import locate_id

    line, column = locate_id(item)
    message = f"journey id used twice in this cohort: first at {first}"
    hint = "give every journey of a cohort its own id (its trail is trails/<id>.jsonl)"
    return Diagnostic(code=Code.PW431, message=message, file=item.source, line=line, column=column, hint=hint)


@dataclass(frozen=True)
class CohortResult:
    """A cohort run: what ``cohort.json`` and ``timing.json`` hold. Exit code 1 when a journey failed or a run is
    not ok (as ``pathway run`` exits 1 for it), else 0."""

    out: str
    pathway: Pathway
    sha256: str
    engine: str
    store: str
    inputs: tuple[tuple[str, int], ...]
    counts: Counts
    failures: tuple[Failure, ...]
    ran: int
    kept: int
    seconds: float
    workers: int
    scheduler: str
    failures_file: str | None = None  # every failure, when they are more than ``failures`` lists

    @property
    def exit_code(self) -> ExitCode:
        ok = not self.failures and self.counts.ok == self.counts.trails
        return ExitCode.OK if ok else ExitCode.FINDINGS

    def cohort_json(self) -> dict[str, Any]:
        p = self.pathway
        return {
            "format": FORMAT,
            "pathway": {"id": p.pathway, "version": p.version, "sha256": self.sha256, "title": p.title},
            "engine": self.engine,
            "package": {"pathway": __version__},
            "inputs": [{"path": path, "journeys": n} for path, n in self.inputs],
            "counts": self.counts.to_json(),
            "store": self.store,
            "failures": [f.to_json() for f in self.failures],
        } | ({"failures_file": self.failures_file} if self.failures_file else {})

    def timing_json(self) -> dict[str, Any]:
        rate = self.counts.journeys / self.seconds if self.seconds > 0 else None
        return {
            "seconds": round(self.seconds, 3),
            "journeys_per_second": None if rate is None else round(rate, 1),
            "workers": self.workers,
            "scheduler": self.scheduler,
            "ran": self.ran,
            "kept": self.kept,
        }

    def to_json(self) -> dict[str, Any]:
        return self.cohort_json() | {"out": self.out, "timing": self.timing_json(), "exit_code": int(self.exit_code)}

    def write(self, folder: Path) -> None:
        write_json(folder / COHORT, self.cohort_json(), durable=True)  # the run's last word: see sync()
        write_json(folder / TIMING, self.timing_json())

    def to_text(self) -> str:
        c, t = self.counts, self.timing_json()
        shown = [render_text([d for f in self.failures for d in f.diagnostics])] if self.failures else []
        kept = f", {self.kept} kept from before" if self.kept else ""
        rate = f", {t['journeys_per_second']:,.0f} journeys/s" if t["journeys_per_second"] else ""
        line = (
            f"cohort {self.out}: {c.journeys} journeys, {c.trails} trails ({c.ok} ok, {c.trails - c.ok} not ok{kept}), "
            f"{c.failed} failed; {self.seconds:.1f} s{rate}, {self.workers} worker(s) ({self.scheduler})"
        )
        more = c.failed - len(self.failures)
        listed = [f"{more} more failed: every failure is in {self.out}/{self.failures_file}"] if more else []
        return "\n".join([*shown, *map(escape, listed), escape(line)])


def write_json(path: Path, document: dict[str, Any], *, durable: bool = False) -> None:
    """A JSON file written atomically (sorted keys, two-space indent, a final line break); ``durable``: on disk
    before the rename."""
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomically(path, text, durable=durable)


def read_json(path: Path) -> dict[str, Any]:
    """A cohort folder's ``cohort.json``; UsageError naming the file when it cannot be read or is not a JSON object
    (edited, or cut short)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read {display_path(path)}: {error}") from None
    if not isinstance(document, dict):
        raise UsageError(f"{display_path(path)} is not a cohort's document: expected a JSON object")
    return document
