"""What a worker does with one batch of journeys: check each, run it, write its trail as a pending file.

A worker process (or a Dask worker) gets a :class:`Plan` and a :class:`Batch`, both plain picklable data: the
pathway travels as its canonical JSON (compiled guards are closures, which do not pickle), and each worker builds
the analysis and the runner from it once (:func:`pathway_runner` keeps the last ones). The result of a batch is one
:class:`Outcome` per journey, in the batch's order; the coordinating process decides what becomes of each.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing.context import ForkServerContext
from pathlib import Path

from pathway.cohort.inputs import Item, check_item, id_of
from pathway.cohort.store import complete, kept_shard, pending_path, trail_bytes, write_pending
from pathway.definition.analysis import Analysis
from pathway.definition.canonical import ordered_json, sha256_of
from pathway.definition.loader import analysis_of
from pathway.definition.model import Pathway
from pathway.diagnostics import Diagnostic
from pathway.engine.runner import Runner


def forkserver(*modules: str) -> ForkServerContext:
    """The fork server's context, set to import this module, the workers' code (and ``modules`` first), once before
    it forks any worker: the workers of ``--jobs`` and of ``--dask local`` start from it, never forked from the
    coordinating process."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*modules, __name__])
    return context


@dataclass(frozen=True)
class Plan:
    """What every batch of one cohort run shares."""

    pathway: str  # the definition as JSON in document order (canonical.ordered_json)
    sha256: str
    engine: str
    out: str  # the cohort folder
    resume: bool
    store: str = "files"  # or "shards": the trails come back as bytes, for the coordinating process to write


@dataclass(frozen=True)
class Batch:
    index: int  # its place in the cohort: batches are numbered in input order
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Outcome:
    """One journey of a batch (the batch's items in order; the item itself stays with the coordinating process):
    its id once checked, its problems, and its trail (pending, or kept by --resume)."""

    journey: str | None = None  # None: the journey did not check
    named: str | None = None  # a journey that did not check: its id, when it could be read
    diagnostics: tuple[Diagnostic, ...] = ()
    pending: str | None = None  # the pending trail file, to be put in place
    kept: bool = False  # --resume: the trail already there is complete
    trail: bytes | None = None  # the shard store: the trail's bytes


@lru_cache(maxsize=2)
def pathway_runner(pathway: str, sha256: str, engine: str) -> tuple[Analysis, Runner]:
    """The analysis and runner of a pathway given as :func:`~pathway.definition.canonical.ordered_json`, built once
    per worker process."""
    model = Pathway.model_validate_json(pathway)
    if sha256_of(model) != sha256:  # it must read back as the same pathway
        raise RuntimeError(f"the pathway read back with sha256 {sha256_of(model)}, not {sha256}")
    if ordered_json(model) != pathway:  # and in the same order, of its other maps too (the hash sees only the states')
        raise RuntimeError("the pathway read back with its states in another order")
    analysis = analysis_of(model, "<cohort pathway>")
    return analysis, Runner(analysis, engine=engine)


def run_batch(plan: Plan, batch: Batch) -> list[Outcome]:
    """Check and run every journey of the batch. The file store: each trail written to its own pending file. The
    shard store: each trail's bytes handed back (with ``--resume``, those of the batch's shard that are intact)."""
    analysis, runner = pathway_runner(plan.pathway, plan.sha256, plan.engine)
    out = Path(plan.out)
    shards = plan.store == "shards"
    kept = kept_shard(out, batch.index, plan.sha256) if shards and plan.resume else {}
    outcomes = []
    for n, item in enumerate(batch.items):
        journey, found = check_item(item, analysis)
        if journey is None:
            outcomes.append(Outcome(diagnostics=tuple(found), named=id_of(item)))
        elif journey.id in kept:
            outcomes.append(Outcome(journey.id, kept=True, trail=kept[journey.id]))
        elif shards:
            result = runner.run(journey)
            outcomes.append(Outcome(journey.id, trail=trail_bytes(result.records, result.lines)))
        elif plan.resume and complete(out, journey.id, plan.sha256):
            outcomes.append(Outcome(journey.id, kept=True))
        else:
            pending = pending_path(out, journey.id, batch.index, n)
            result = runner.run(journey)  # the bytes `pathway run --trail` writes
            write_pending(pending, trail_bytes(result.records, result.lines))
            outcomes.append(Outcome(journey.id, pending=pending.name))
    return outcomes
