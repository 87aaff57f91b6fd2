"""Every generated artefact, from one place: ``pathway generate`` writes them, ``--check`` fails when any is stale.

Artefacts: the JSON Schemas and the reference pages of the definition format and of the trail format (from their
models), the journey and scenario schemas (generic, and one per definition), and the committed audit trail of every
bundled example journey (``definitions/<id>/journeys/<name>.yaml`` -> ``definitions/<id>/trails/<name>.jsonl``),
which doubles as a golden file: a change in engine behaviour shows up as a diff to review. Each pathway's pages on
the site are not among them: the site generates them when it is built (``docs/hooks/pathways.py``,
:mod:`pathway.publish.site`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.definition.workspace import Workspace
from pathway.engine.runner import Runner
from pathway.errors import ExitCode
from pathway.journey.check import load_journey
from pathway.publish.input_schemas import generic_schemas, pathway_schema, pathway_schema_path
from pathway.publish.schema import generated as schema_artefacts
from pathway.publish.schema import stale, write_generated
from pathway.publish.trail_format import generated as trail_format
from pathway.render.diagrams import diagram_artefacts
from pathway.render.mermaid import render_overview
from pathway.source.files import display_path
from pathway.trail.io import canonical


def trail_artefacts(ws: Workspace) -> dict[Path, str]:
    """The trail text of every bundled journey, keyed by where it is committed."""
    out: dict[Path, str] = {}
    for definition, analysis in ws.analyses():
        journeys = ws.journeys(definition)
        if not journeys:
            continue
        runner = Runner(analysis)
        for journey in journeys:
            records = runner.run(load_journey(journey, analysis)).records
            out[ws.trail_of(definition, journey)] = "".join(canonical(r) + "\n" for r in records)
    return out


README_MARK = re.compile(r"<!-- generated: (?P<id>[a-z][a-z0-9_]*) overview \(pathway generate\) -->")
README_END = "<!-- end generated -->"


def readme_artefact(ws: Workspace) -> dict[Path, str]:
    """The README with the Mermaid overview of the pathway its marker names brought up to date
    (``<!-- generated: ID overview (pathway generate) -->`` ... ``<!-- end generated -->``)."""
    readme = ws.root / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    mark = README_MARK.search(text)
    if mark is None:
        return {}
    head, rest = text[: mark.end()], text[mark.end() :]
    tail = rest.split(README_END, 1)[1]
    chart = render_overview(ws.analysis(ws.definition_of(mark["id"])))
    return {readme: f"{head}\n```mermaid\n{chart}```\n{README_END}{tail}"}


def input_schema_artefacts(ws: Workspace) -> dict[Path, str]:
    """The generic journey and scenario schemas, and each definition's own (``schema/pathways/<id>.schema.json``)."""
    out = generic_schemas(ws.root)
    for _, analysis in ws.analyses():
        out[pathway_schema_path(analysis.pathway.id, ws.root)] = pathway_schema(analysis)
    return out


def artefacts(root: Path | None = None, extra: Mapping[Path, str] | None = None) -> dict[Path, str]:
    """Every generated file, by path: schemas and format references, example trails,
    diagrams, and the README's Mermaid overview; plus ``extra`` pages handed in by the caller (the CLI reference,
    which the CLI generates itself so that publishing never imports the CLI)."""
    ws = Workspace(root)
    reference = ws.root / "docs" / "reference" / "definition-format.md"
    schema = schema_artefacts(ws.root / "schema" / "pathway.schema.json", reference)
    generated = {**schema, **trail_format(ws.root), **trail_artefacts(ws), **input_schema_artefacts(ws)}
    return {**generated, **diagram_artefacts(ws), **readme_artefact(ws), **(extra or {})}


@dataclass(frozen=True)
class Freshness:
    """What ``pathway generate`` did: the files it wrote, or with ``check`` the stale ones (nothing written)."""

    files: tuple[Path, ...]
    changed: tuple[Path, ...]
    check: bool
    command: str = "pathway generate"

    @property
    def exit_code(self) -> ExitCode:
        """1 when checking and a file is missing or stale; otherwise 0."""
        return ExitCode.FINDINGS if self.check and self.changed else ExitCode.OK

    def to_text(self) -> str:
        if self.check:
            lines = [f"{display_path(p)} is stale: run '{self.command}' and commit the result" for p in self.changed]
            return "\n".join(lines) if lines else f"{len(self.files)} generated files are up to date"
        return "\n".join(f"{'wrote' if p in self.changed else 'unchanged:'} {display_path(p)}" for p in self.files)

    def to_json(self) -> dict[str, Any]:
        key = "stale" if self.check else "written"
        return {"files": len(self.files), key: [display_path(p) for p in self.changed], "check": self.check}


def write_or_check(files: dict[Path, str], check: bool, command: str = "pathway generate") -> Freshness:
    """Write generated files, or with ``check`` find the stale ones without writing."""
    changed = stale(files) if check else write_generated(files)
    return Freshness(tuple(files), tuple(changed), check, command)
