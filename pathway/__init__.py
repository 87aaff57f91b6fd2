"""pathway: clinical guidelines as executable, testable, auditable state machines.

Decision support for clinicians, not a substitute for clinical judgement: every recommendation carries the
evidence a clinician needs to check it.

The Python API mirrors the CLI, command for command, and returns the result objects the CLI prints (each has
``exit_code`` and ``to_json()``)::

    import pathway
    definition = pathway.load("definitions/example/pathway.yaml")  # raises InvalidInputError with every finding
    findings = pathway.validate("definitions/example/pathway.yaml")  # list of Diagnostic, empty when valid
    result = pathway.run("definitions/example", "definitions/example/journeys/grade2-then-grade3.yaml")
    result.write("trail.jsonl"); pathway.replay("trail.jsonl").status  # 'reproduced'
    pathway.lint(["definitions/example"]).exit_code  # 0
    pathway.test(["definitions/example"], coverage=True).exit_code  # 0

The engine, python-statemachine and graphviz are imported on first use, so ``import pathway`` stays cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pathway.definition.loader import check, load, validate
from pathway.definition.model import Pathway
from pathway.diagnostics import Diagnostic, Severity
from pathway.diagnostics.codes import Code
from pathway.errors import ExitCode, InvalidInputError, PathwayError, UnreadableInputError, UsageError
from pathway.version import __version__

if TYPE_CHECKING:
    from pathway.audit.explain import Explanation
    from pathway.audit.replay import ReplayError, ReplayResult
    from pathway.cohort.report import CohortResult
    from pathway.cohort.verify import CohortVerification
    from pathway.definition.analysis import Analysis
    from pathway.engine.runner import Runner, RunResult
    from pathway.journey.check import LoadedJourney
    from pathway.linter import LintReport
    from pathway.publish.artefacts import Freshness
    from pathway.scenarios.report import ScenarioReport
    from pathway.trail.keys import GeneratedKey
    from pathway.trail.manifest import SealResult
    from pathway.trail.verify import VerifyReport

_LAZY = {
    "Runner": "pathway.engine.runner",
    "RunResult": "pathway.engine.runner",
    "ReplayResult": "pathway.audit.replay",
    "ReplayError": "pathway.audit.replay",
    "Explanation": "pathway.audit.explain",
    "LintReport": "pathway.linter",
    "ScenarioReport": "pathway.scenarios.report",
    "Freshness": "pathway.publish.artefacts",
    "CohortResult": "pathway.cohort.report",
    "CohortVerification": "pathway.cohort.verify",
}


def __getattr__(name: str) -> Any:
    """The result classes of the engine's commands, imported on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pathway' has no attribute '{name}'")


def run(
    pathway: Analysis | Pathway | str | Path,
    journey: LoadedJourney | Mapping[str, Any] | str | Path,
    *,
    until: str | None = None,
) -> RunResult:
    """Run one journey (a file, a mapping shaped like a journey file, or a loaded journey) through a pathway
    (``pathway run``); with ``until`` (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM``), advance the clock to that time after
    the last entry, firing what falls due (``--until``). Raises :class:`InvalidInputError` for an invalid pathway or
    journey, or an ``until`` earlier than the last entry, with every diagnostic."""
    from pathway.engine.runner import run as run_journey

    return run_journey(pathway, journey, until=until)


def replay(
    trail: str | Path,
    pathway: Analysis | str | Path | None = None,
    *,
    root: Path | None = None,
    raise_on_failure: bool = False,
    trusted_keys: str | Path | Sequence[str | Path] | None = None,
    require_signature: bool = False,
) -> ReplayResult:
    """Replay a trail against its pinned pathway (found by content hash under ``root/definitions`` or among the
    definitions bundled with pathway) or against ``pathway`` (``pathway replay``): reproduced, tampered, diverged,
    or each decision another version changes; and its signature checked against ``trusted_keys`` (public key files
    or folders): trusted, unsigned, unknown key or bad signature (``result.signature``)."""
    from pathway.audit.replay import replay as replay_trail

    return replay_trail(
        trail,
        pathway,
        root=root,
        raise_on_failure=raise_on_failure,
        trusted_keys=trusted_keys,
        require_signature=require_signature,
    )


def explain(
    trail: str | Path,
    *,
    step: int | None = None,
    at: str | None = None,
    why_not: str | None = None,
    pathway: Analysis | str | Path | None = None,
    root: Path | None = None,
) -> Explanation:
    """Why the patient of an intact trail is in these states, why this was recommended, why that was not, why a
    timer fired then and what is due when (``pathway explain``); ``step`` is a step as the run output numbers it
    (a record's seq)."""
    from pathway.audit.explain import explain as explain_trail

    return explain_trail(trail, step=step, at=at, why_not=why_not, pathway=pathway, root=root)


def generate_key(out: str | Path, *, name: str | None = None) -> GeneratedKey:
    """Make an Ed25519 key pair in the folder ``out`` (``pathway keys generate``): a private key (mode 0600, never
    overwritten) and a public key; the key id is ``name``, or derived from the public key. Needs pathway[sign]."""
    from pathway.trail.keys import generate_key as make

    return make(out, name)


def seal(paths: Sequence[str | Path], out: str | Path, *, sign_key: str | Path | None = None) -> SealResult:
    """Seal trails (files, or folders of ``*.jsonl``) into the cohort manifest ``out``, with a Merkle root over
    them, signed with ``sign_key`` when given (``pathway seal``)."""
    from pathway.trail.manifest import seal as seal_trails

    return seal_trails(paths, out, sign_key=sign_key)


def verify(
    trails: Sequence[str | Path] = (),
    *,
    manifest: str | Path | None = None,
    trusted_keys: str | Path | Sequence[str | Path] | None = None,
    require_signature: bool = False,
) -> VerifyReport:
    """Check trails (hash chain, signature) and a cohort manifest (nothing deleted, added or replaced, the root,
    the signature) without re-running anything (``pathway verify``)."""
    from pathway.trail.keys import as_trusted
    from pathway.trail.verify import verify as verify_trails

    return verify_trails(
        trails, manifest=manifest, trusted=as_trusted(trusted_keys), require_signature=require_signature
    )


def run_cohort(
    inputs: Sequence[str | Path],
    pathway: Analysis | Pathway | str | Path,
    out: str | Path,
    *,
    jobs: int | None = 1,
    dask: str | None = None,
    engine: str = "compiled",
    resume: bool = False,
    store: str = "files",
) -> CohortResult:
    """Run a cohort (folders of journey files, NDJSON files) through a pathway into the folder ``out``: a trail per
    journey, the Parquet tables, ``cohort.json`` (``pathway cohort run``). ``jobs``: worker processes (None: the
    cores); ``dask``: a scheduler address or ``local`` instead."""
    from pathway.cohort.parallel import executor_for
    from pathway.cohort.run import run_cohort as run_in
    from pathway.engine.runner import as_analysis

    analysis = as_analysis(pathway)
    with executor_for(jobs, dask) as (executor, workers, scheduler):
        return run_in(
            inputs, analysis, out, executor, workers=workers, engine=engine, resume=resume, scheduler=scheduler,
            store=store,
        )  # fmt: skip


def verify_cohort(
    out: str | Path, *, jobs: int | None = 1, pathway: Analysis | Pathway | str | Path | None = None
) -> CohortVerification:
    """Check a cohort folder: every trail replayed, missing and extra trails (``pathway cohort verify``)."""
    from pathway.cohort.parallel import executor_for
    from pathway.cohort.verify import verify_cohort as verify_in
    from pathway.engine.runner import as_analysis

    analysis = None if pathway is None else as_analysis(pathway)
    with executor_for(jobs, None) as (executor, workers, _):
        return verify_in(out, executor, workers=workers, pathway=analysis)


def lint(paths: Sequence[str | Path] = (), *, root: Path | None = None) -> LintReport:
    """Lint definitions (default: every ``definitions/*/pathway.yaml`` under ``root``) (``pathway lint``)."""
    from pathway.definition.workspace import Workspace
    from pathway.linter import lint_report

    ws = Workspace(root)
    return lint_report(ws.definitions(paths), ws)


def test(
    paths: Sequence[str | Path] = (),
    *,
    coverage: bool = False,
    min_coverage: float | None = None,
    root: Path | None = None,
) -> ScenarioReport:
    """Run the designer scenarios of definitions, with coverage when asked (``pathway test``)."""
    from pathway.definition.workspace import Workspace
    from pathway.scenarios.report import run_tests

    return run_tests(Workspace(root), paths, with_coverage=coverage, min_coverage=min_coverage)


def diagram(
    pathway: str | Path,
    *,
    format: str = "svg",
    out: str | Path | None = None,
    trail: str | Path | None = None,
) -> list[Path]:
    """Draw every view of a pathway (an id or a path) in one format, optionally with a trail over them
    (``pathway diagram``). Returns the files written."""
    from pathway.definition.workspace import Workspace
    from pathway.render.diagrams import write_diagrams

    ws = Workspace()
    return write_diagrams(ws.analysis(ws.resolve(str(pathway))), format, out, trail)


def generate(*, check: bool = False, root: Path | None = None) -> Freshness:
    """Regenerate every generated artefact under ``root``, or with ``check`` find the stale ones without writing
    (``pathway generate``)."""
    from pathway.cli.main import build_parser
    from pathway.cli.reference import cli_reference
    from pathway.publish.artefacts import artefacts, write_or_check

    base = root if root is not None else Path.cwd()
    return write_or_check(artefacts(base, extra=cli_reference(base, build_parser())), check)


__all__ = [
    "Code",
    "CohortResult",
    "CohortVerification",
    "Diagnostic",
    "ExitCode",
    "Explanation",
    "Freshness",
    "InvalidInputError",
    "LintReport",
    "Pathway",
    "PathwayError",
    "ReplayError",
    "ReplayResult",
    "RunResult",
    "Runner",
    "ScenarioReport",
    "Severity",
    "UnreadableInputError",
    "UsageError",
    "__version__",
    "check",
    "diagram",
    "explain",
    "generate",
    "generate_key",
    "lint",
    "load",
    "replay",
    "run",
    "run_cohort",
    "seal",
    "test",
    "validate",
    "verify",
    "verify_cohort",
]
