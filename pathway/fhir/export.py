"""``pathway export fhir``: a pathway as CPG-on-FHIR resources, one JSON file each plus a Bundle (type
collection) of them all, validated with the FHIR R4B models and written all or nothing.

The folder is built under a temporary name beside its destination and renamed into place once every file is
written; an earlier export in the destination is replaced whole, and a folder holding anything else is refused.
Every id comes from the pathway id and the element's id, and nothing carries the time of the export, so the same
definition exports to the same bytes.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.definition.analysis import Analysis
from pathway.definition.canonical import sha256_of
from pathway.errors import ExitCode, UsageError
from pathway.fhir.cpg_activities import activity_definition
from pathway.fhir.cpg_library import library
from pathway.fhir.cpg_plans import (
    pathway_definition,
    recommendation_definition,
    recommending,
    strategy_definition,
)
from pathway.fhir.cpg_terms import DEFAULT_BASE, check_base
from pathway.fhir.cpg_urls import Canon
from pathway.fhir.export_models import resource_text, validated
from pathway.source.files import display_path

EXPORTED = re.compile(r"^[A-Z][A-Za-z]+-[A-Za-z0-9\-.]{1,64}\.json$")
"""The name of a file an export writes: ``<ResourceType>-<id>.json``."""


@dataclass(frozen=True)
class Written:
    resource_type: str
    id: str
    file: str


@dataclass(frozen=True)
class ExportResult:
    """What ``export fhir`` wrote: the pathway, the folder and each file."""

    pathway: str
    version: str
    sha256: str
    out: str
    files: tuple[Written, ...]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {
            "pathway": self.pathway,
            "version": self.version,
            "sha256": self.sha256,
            "out": self.out,
            "files": [{"resourceType": w.resource_type, "id": w.id, "file": w.file} for w in self.files],
        }

    def to_text(self) -> str:
        counts: dict[str, int] = {}
        for w in self.files:
            counts[w.resource_type] = counts.get(w.resource_type, 0) + 1
        made = ", ".join(f"{n} {t}" for t, n in counts.items())
        return (
            f"exported {self.pathway} {self.version} (sha256 {self.sha256[:16]}...) as CPG-on-FHIR to {self.out}/: "
            f"{len(self.files)} files ({made}), each validated with the FHIR R4B models"
        )


def resources(analysis: Analysis, base: str = DEFAULT_BASE) -> list[dict[str, Any]]:
    """Every resource of the export, validated, in a fixed order: the pathway, its strategies, its
    recommendations, the activities, the canonical definition."""
    problem = check_base(base)
    if problem:
        raise UsageError(problem, parameter="base")
    p = analysis.pathway
    canon = Canon.of(p, base)
    regions = recommending(analysis)
    built = [pathway_definition(canon, analysis, list(regions))]
    built += [strategy_definition(canon, analysis, region, states) for region, states in regions.items()]
    built += [
        recommendation_definition(canon, analysis, state, region)
        for region, states in regions.items()
        for state in states
    ]
    built += [activity_definition(canon, p, action) for action in p.actions]
    built.append(library(canon, p))
    return [validated(r) for r in built]


def bundle(analysis: Analysis, found: list[dict[str, Any]], base: str) -> dict[str, Any]:
    canon = Canon.of(analysis.pathway, base)
    entries = [{"fullUrl": canon.url(r["resourceType"], r["id"]), "resource": r} for r in found]
    return validated({"resourceType": "Bundle", "id": canon.bundle_id, "type": "collection", "entry": entries})


def _replaceable(out: Path) -> bool:
    """Whether ``out`` may be replaced: missing, an empty folder, or a folder holding only an earlier export."""
    if not out.exists():
        return True
    if not out.is_dir() or out.is_symlink():
        return False
    names = [p.name for p in out.iterdir()]
    return not names or (
        all(EXPORTED.fullmatch(n) and (out / n).is_file() for n in names)
        and any(n.startswith("Bundle-") for n in names)
    )


def _write(out: Path, texts: dict[str, str]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    old: Path | None = None
    try:
        for name, text in texts.items():
            (staging / name).write_text(text, encoding="utf-8")
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            old.rmdir()
            out.rename(old)
        staging.rename(out)
    except BaseException:
        if old is not None and not out.exists():
            old.rename(out)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def export_fhir(analysis: Analysis, out: str | Path, base: str = DEFAULT_BASE) -> ExportResult:
    """Export the pathway to the folder ``out`` (created, or replaced when it holds an earlier export)."""
    target = Path(out)
    if not _replaceable(target):
        raise UsageError(
            f"{display_path(target)} is not empty and does not hold an earlier FHIR export: "
            "nothing was written; name a new or empty folder",
            parameter="out",
        )
    found = resources(analysis, base)
    everything = [*found, bundle(analysis, found, base)]
    texts = {f"{r['resourceType']}-{r['id']}.json": resource_text(r) for r in everything}
    _write(target, texts)
    p = analysis.pathway
    files = tuple(Written(r["resourceType"], r["id"], f"{r['resourceType']}-{r['id']}.json") for r in everything)
    return ExportResult(p.id, p.version, sha256_of(p), display_path(target), files)
