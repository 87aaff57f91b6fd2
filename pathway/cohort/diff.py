"""``pathway cohort diff``: the clinical impact of a pathway change over a whole cohort run.

Every journey of the cohort is rebuilt from its trail's input records (as replay rebuilds it, checked against the
new version: :func:`pathway.audit.replay.journey_of`), run under the new version, in parallel like ``cohort
verify``, and compared with the recorded run (:func:`pathway.audit.impact.impact`). A journey whose recorded inputs
do not fit the new version (a fact or an action it no longer has, a value outside a new range) is reported with
every problem located in its trail, never crashed on; a trail that is tampered or unreadable likewise.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.audit.impact import KINDS, WORDS, JourneyImpact, Kind
from pathway.audit.impact import impact as journey_impact
from pathway.audit.replay import ReplayError, intact_records, journey_of
from pathway.cohort.parallel import batched, ordered
from pathway.cohort.store import read_trail_bytes, trail_path
from pathway.cohort.tables import CHUNK
from pathway.cohort.verify import Location, Problem, TrailProblem, _listed, _present, cohort_document
from pathway.cohort.work import pathway_runner
from pathway.definition.analysis import Analysis
from pathway.definition.canonical import ordered_json, sha256_of
from pathway.diagnostics import Diagnostic, render_text
from pathway.diagnostics.escape import escape
from pathway.engine.runner import as_analysis
from pathway.errors import ExitCode, InvalidInputError, UsageError
from pathway.source.files import display_path


@dataclass(frozen=True)
class Unfit:
    """A journey whose recorded inputs do not fit the new version: every problem, located in its trail."""

    journey: str
    diagnostics: tuple[Diagnostic, ...]

    def to_json(self) -> dict[str, Any]:
        return {"journey": self.journey, "diagnostics": [d.model_dump(mode="json") for d in self.diagnostics]}


@dataclass(frozen=True)
class ChunkResult:
    """What one chunk gives back: the journeys that change, those that do not fit, the trails that could not be
    read, and how many were compared."""

    changed: tuple[JourneyImpact, ...]
    unfit: tuple[Unfit, ...]
    problems: tuple[TrailProblem, ...]
    compared: int


@dataclass(frozen=True)
class CohortDiff:
    """The impact of running a cohort's journeys under another version: the patients whose pathway changes, with
    the counts per kind of change (a patient counts once per kind). ``exit_code`` is 0 when every journey was
    compared (whatever changed), 1 when some could not be (they do not fit, or their trail is not intact)."""

    out: str
    old: dict[str, str]
    new: dict[str, str]
    engine: str
    listed: int
    compared: int
    changed: tuple[JourneyImpact, ...]
    unfit: tuple[Unfit, ...]
    problems: tuple[TrailProblem, ...]

    @property
    def counts(self) -> dict[Kind, int]:
        found = Counter(k for j in self.changed for k in j.kinds)
        return {k: found[k] for k in KINDS}

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FINDINGS if self.unfit or self.problems else ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "old": self.old,
            "new": self.new,
            "engine": self.engine,
            "listed": self.listed,
            "compared": self.compared,
            "changed": len(self.changed),
            "counts": self.counts,
            "journeys": [j.to_json() for j in self.changed],
            "unfit": [u.to_json() for u in self.unfit],
            "problems": [p.to_json() for p in self.problems],
            "exit_code": int(self.exit_code),
        }

    def headline(self) -> str:
        old, new = f"{self.old['id']} {self.old['version']}", f"{self.new['id']} {self.new['version']}"
        rest = f", {len(self.unfit)} do not fit the new version" if self.unfit else ""
        rest += f", {len(self.problems)} trail(s) not intact" if self.problems else ""
        return (
            f"cohort {self.out}: {old} -> {new}: {self.compared} of {self.listed} journeys compared, "
            f"{len(self.changed)} change{rest}"
        )

    def to_text(self) -> str:
        lines = [self.headline()]
        lines += [f"  {WORDS[k]}: {n} patient(s)" for k, n in self.counts.items() if n]
        for j in self.changed:
            lines += ["", *journey_text(j)]
        for u in self.unfit:
            lines += ["", f"{u.journey}: does not fit {self.new['id']} {self.new['version']}"]
            lines.append(render_text(u.diagnostics))
        lines += [f"{p.journey}: {p.problem}: {p.message}" for p in self.problems]
        return "\n".join(escape(line) if "\n" not in line else line for line in lines)


def journey_text(j: JourneyImpact) -> list[str]:
    """One patient's changes, in clinical terms first, then where the runs part."""
    lines = [f"{j.journey}: {', '.join(WORDS[k] for k in j.kinds)}"]
    marks = {"added": "+", "removed": "-", "moved": "~"}
    for c in j.changes:
        noun, _, how = c.kind.partition("_")
        lines.append(f"  {marks[how]} {noun} {how}: {c.title} ({c.when})")
        lines += [f"      old: {c.old.text}"] if c.old else []
        lines += [f"      new: {c.new.text}"] if c.new else []
    before, after = j.waits
    if before != after:
        more, fewer = [n for n in after if n not in before], [n for n in before if n not in after]
        lines.append(
            "  waits for: "
            + "; ".join([f"now also {', '.join(more)}"] * bool(more) + [f"no longer {', '.join(fewer)}"] * bool(fewer))
        )
    if j.first is not None:
        old, new = j.first
        lines.append(f"  first divergence: old {old.text if old else 'no decision'}")
        lines.append(f"                    new {new.text if new else 'no decision'}")
    return lines


def diff_chunk(out: str, pathway: str, sha: str, engine: str, chunk: Sequence[tuple[str, Location]]) -> ChunkResult:
    """Run each journey of the chunk (journey, where its trail is) under the new version and compare."""
    analysis, runner = pathway_runner(pathway, sha, engine)
    folder = Path(out)
    changed: list[JourneyImpact] = []
    unfit: list[Unfit] = []
    problems: list[TrailProblem] = []
    with tempfile.TemporaryDirectory(prefix="pathway-diff-") as scratch:
        for journey, (shard, offset, length) in chunk:
            if shard is None:
                path, shown = trail_path(folder, journey), display_path(trail_path(folder, journey))
            else:
                path, shown = Path(scratch) / f"{journey}.jsonl", f"{shard} (journey {journey})"
                path.write_bytes(read_trail_bytes(folder, journey, shard, offset, length))
            try:
                records = intact_records(path)
                loaded = journey_of(records, analysis, shown)
            except ReplayError as err:
                kind: Problem = "tampered" if err.result.status == "tampered" else "invalid"
                problems.append(TrailProblem(journey, kind, err.result.message))
                continue
            except InvalidInputError as err:
                unfit.append(Unfit(journey, tuple(err.diagnostics)))
                continue
            found = journey_impact(records, runner.run(loaded).records)
            changed += [found] if found.changed else []
    return ChunkResult(tuple(changed), tuple(unfit), tuple(problems), len(chunk) - len(unfit) - len(problems))


def _ref(pathway: dict[str, Any] | Analysis) -> dict[str, str]:
    if isinstance(pathway, Analysis):
        p = pathway.pathway
        return {"id": p.pathway, "version": p.version, "sha256": sha256_of(p)}
    return {k: str(pathway[k]) for k in ("id", "version", "sha256")}


def diff_cohort(
    out: str | Path, pathway: Analysis | str | Path, executor: Executor, *, workers: int = 1, engine: str = "compiled"
) -> CohortDiff:
    """Compare every journey of the cohort folder ``out`` under ``pathway`` (see the module's description). Raises
    UsageError for a folder that is not a cohort's, or for the very pathway the cohort ran."""
    folder = Path(out)
    cohort = cohort_document(folder)
    analysis = as_analysis(pathway)
    old, new = _ref(cohort["pathway"]), _ref(analysis)
    if analysis.named_by(old["sha256"]):
        raise UsageError(
            f"the cohort ran {old['id']} {old['version']} (sha256 {old['sha256'][:12]}) already: to check that its "
            "trails reproduce, use 'pathway cohort verify'",
            parameter="pathway",
        )
    listed = _listed(folder)
    present, problems = _present(folder, cohort.get("store", "files"))
    absent = "listed in journeys.parquet, but its trail is absent"
    problems += [TrailProblem(j, "missing", absent) for j in sorted(listed) if j not in present]
    todo = sorted((j, present[j]) for j in listed if j in present)
    text = ordered_json(analysis.pathway)
    tasks = ((str(folder.resolve()), text, new["sha256"], engine, chunk) for chunk in batched(todo, CHUNK))
    changed: list[JourneyImpact] = []
    unfit: list[Unfit] = []
    compared = 0
    for _, found in ordered(executor, diff_chunk, tasks, max(2, 2 * workers)):
        changed += found.changed
        unfit += found.unfit
        problems += found.problems
        compared += found.compared
    return CohortDiff(
        display_path(folder), old, new, engine, len(listed), compared, tuple(changed), tuple(unfit), tuple(problems)
    )
