"""``pathway cohort verify``: a cohort folder checked against itself, trail by trail, in parallel.

The journeys ``journeys.parquet`` lists (with the sha256 of each trail's bytes) are compared with the trails in the
folder: a listed trail that is absent is ``missing``, a trail that is not listed is ``extra``. Every listed trail
present is replayed (:func:`pathway.audit.replay.replay`: its chain, then its inputs re-run against the pathway the
cohort ran): ``tampered`` (where the chain breaks), ``diverged`` (the first record that differs), ``invalid``, or
``replaced`` (it reproduces, but it is not the file the cohort wrote: its sha256 differs from the table's).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pathway.audit.replay import find_by_sha, replay
from pathway.cohort.parallel import batched, ordered
from pathway.cohort.report import COHORT, read_json
from pathway.cohort.store import INDEX, listed_trails, read_trail_bytes, trail_path, trails_dir
from pathway.cohort.tables import CHUNK, JOURNEYS, arrow
from pathway.cohort.work import pathway_runner
from pathway.definition.analysis import Analysis
from pathway.definition.canonical import ordered_json, sha256_of
from pathway.diagnostics.escape import escape
from pathway.engine.runner import as_analysis
from pathway.errors import ExitCode, UsageError
from pathway.source.files import display_path

Problem = Literal["missing", "extra", "tampered", "diverged", "invalid", "replaced"]


@dataclass(frozen=True)
class TrailProblem:
    """One trail that does not verify, and the first difference found."""

    journey: str
    problem: Problem
    message: str

    def to_json(self) -> dict[str, str]:
        return {"journey": self.journey, "problem": self.problem, "message": self.message}


@dataclass(frozen=True)
class CohortVerification:
    """What verify found: how many trails were replayed, and each problem, by journey id."""

    out: str
    listed: int
    replayed: int
    problems: tuple[TrailProblem, ...]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FINDINGS if self.problems else ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "listed": self.listed,
            "replayed": self.replayed,
            "ok": not self.problems,
            "problems": [p.to_json() for p in self.problems],
            "exit_code": int(self.exit_code),
        }

    def to_text(self) -> str:
        lines = [escape(f"{p.journey}: {p.problem}: {p.message}") for p in self.problems]
        verdict = f"{len(self.problems)} problem(s)" if self.problems else "every trail reproduced"
        lines.append(escape(f"cohort {self.out}: {self.listed} trails listed, {self.replayed} replayed: {verdict}"))
        return "\n".join(lines)


def _listed(folder: Path) -> dict[str, str]:
    """journey id -> sha256 of its trail, from journeys.parquet."""
    pa = arrow()
    path = folder / JOURNEYS
    if not path.is_file():
        raise UsageError(f"{display_path(path)} is missing: the cohort's tables list its trails", parameter="dir")
    table = pa.parquet.read_table(path, columns=["journey", "trail_sha256"])
    return dict(zip(table.column("journey").to_pylist(), table.column("trail_sha256").to_pylist(), strict=True))


Location = tuple[str | None, int, int]
"""Where a trail is: its shard, offset and length (no shard: its own file)."""


def _present(folder: Path, store: str) -> tuple[dict[str, Location], list[TrailProblem]]:
    """The trails in the folder by journey id; for shards, from the index (a shard no entry names is a problem)."""
    if store != "shards":
        return {j: (None, 0, 0) for j in listed_trails(folder)}, []
    pa = arrow()
    path = trails_dir(folder) / INDEX
    if not path.is_file():
        raise UsageError(f"{display_path(path)} is missing: it says where each trail is", parameter="dir")
    rows = pa.parquet.read_table(path).to_pylist()
    sizes = {p.name: p.stat().st_size for p in trails_dir(folder).glob("shard-*.jsonl")}
    present = {
        r["journey"]: (r["shard"], r["offset"], r["length"])
        for r in rows
        if r["offset"] + r["length"] <= sizes.get(r["shard"], -1)  # its shard is there, and long enough
    }
    named = {r["shard"] for r in rows}
    stray = [TrailProblem(name, "extra", "a shard the index does not name") for name in sorted(set(sizes) - named)]
    return present, stray


def cohort_document(folder: Path) -> dict[str, Any]:
    """A cohort folder's ``cohort.json`` (UsageError when the folder has none)."""
    path = folder / COHORT
    if not path.is_file():
        raise UsageError(f"{display_path(folder)} is not a cohort folder: it has no {COHORT}", parameter="dir")
    document: dict[str, Any] = read_json(path)
    return document


def pinned_pathway(cohort: dict[str, Any], given: Analysis | str | Path | None) -> Analysis:
    """The pathway a cohort ran: ``given`` when there is one, else the bundled definition with the sha256 its
    ``cohort.json`` pins (UsageError when neither is available)."""
    pinned = cohort["pathway"]
    analysis = as_analysis(given) if given is not None else find_by_sha(pinned["sha256"])
    if analysis is None:
        raise UsageError(
            f"pathway {pinned['id']} {pinned['version']} (sha256 {pinned['sha256'][:12]}) is not available: pass it "
            "with --pathway"
        )
    return analysis


def verify_chunk(out: str, pathway: str, sha: str, chunk: Sequence[tuple[str, str, Location]]) -> list[TrailProblem]:
    """Replay each trail of the chunk (journey, expected sha256 of its bytes, where it is); the problems found."""
    analysis, _ = pathway_runner(pathway, sha, "reference")
    problems = []
    with tempfile.TemporaryDirectory(prefix="pathway-verify-") as scratch:
        for journey, expected, location in chunk:
            problems += _verify_one(Path(out), Path(scratch), analysis, journey, expected, location)
    return problems


def _verify_one(
    out: Path, scratch: Path, analysis: Analysis, journey: str, expected: str, location: Location
) -> list[TrailProblem]:
    shard, offset, length = location
    if shard is None:
        path = trail_path(out, journey)
    else:  # replay reads a file: the trail's bytes, as `cohort extract` writes them
        path = scratch / f"{journey}.jsonl"
        path.write_bytes(read_trail_bytes(out, journey, shard, offset, length))
    result = replay(path, analysis)
    if result.status != "reproduced":
        kind: Problem = result.status if result.status in ("tampered", "diverged") else "invalid"
        return [TrailProblem(journey, kind, result.message.removeprefix(f"{result.status}: "))]
    if hashlib.sha256(path.read_bytes()).hexdigest() != expected:
        message = "it reproduces, but it is not the trail the cohort wrote (its sha256 differs from the table's)"
        return [TrailProblem(journey, "replaced", message)]
    return []


def verify_cohort(
    out: str | Path, executor: Executor, *, workers: int = 1, pathway: Analysis | str | Path | None = None
) -> CohortVerification:
    """Verify a cohort folder (see the module's description). Raises UsageError for a folder that is not a
    cohort's, or whose pathway is not available."""
    folder = Path(out)
    cohort = cohort_document(folder)
    analysis = pinned_pathway(cohort, pathway)
    listed = _listed(folder)
    present, problems = _present(folder, cohort.get("store", "files"))
    absent = "listed in journeys.parquet, but its trail is absent"
    problems += [TrailProblem(j, "missing", absent) for j in listed if j not in present]
    problems += [
        TrailProblem(j, "extra", "a trail the cohort does not list in journeys.parquet")
        for j in sorted(set(present) - set(listed))
    ]
    check = sorted((j, sha, present[j]) for j, sha in listed.items() if j in present)
    text, sha = ordered_json(analysis.pathway), sha256_of(analysis.pathway)
    tasks = ((str(folder.resolve()), text, sha, chunk) for chunk in batched(check, CHUNK))
    for _, found in ordered(executor, verify_chunk, tasks, max(2, 2 * workers)):
        problems += found
    problems.sort(key=lambda p: (p.journey, p.problem))
    return CohortVerification(display_path(folder), len(listed), len(check), tuple(problems))
