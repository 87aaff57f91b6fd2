"""Every generated artefact, from one place: ``pathway generate`` writes them, ``--check`` fails when any is stale.

Artefacts: the JSON Schemas and the reference pages of the definition format and of the trail format (from their
models), and the committed audit trail of every bundled example journey (``definitions/<id>/journeys/<name>.yaml``
-> ``definitions/<id>/trails/<name>.jsonl``), which doubles as a golden file: a change in engine behaviour shows up
as a diff to review.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from pathway.definition.loader import DEFINITIONS_DIR, load_analysis
from pathway.engine.runner import Runner
from pathway.journey.check import load_journey
from pathway.publish.pathway_docs import pathway_pages
from pathway.publish.schema import generated as schema_artefacts
from pathway.publish.schema import stale, write_generated
from pathway.publish.site import site_pages
from pathway.publish.trail_format import generated as trail_format
from pathway.render.diagrams import diagram_artefacts
from pathway.render.mermaid import render_overview
from pathway.source.files import display_path
from pathway.trail.io import canonical


def journeys_of(definition_dir: Path) -> list[Path]:
    folder = definition_dir / "journeys"
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.jsonl")])


def trail_artefacts(root: Path) -> dict[Path, str]:
    """The trail text of every bundled journey, keyed by where it is committed."""
    out: dict[Path, str] = {}
    for definition in sorted((root / DEFINITIONS_DIR).glob("*/pathway.yaml")):
        journeys = journeys_of(definition.parent)
        if not journeys:
            continue
        runner = Runner(load_analysis(definition))
        for journey in journeys:
            records = runner.run(load_journey(journey, runner.analysis)).records
            out[definition.parent / "trails" / f"{journey.stem}.jsonl"] = "".join(canonical(r) + "\n" for r in records)
    return out


def doc_artefacts(root: Path) -> dict[Path, str]:
    """The generated reference pages of every bundled definition."""
    out: dict[Path, str] = {}
    for definition in sorted((root / DEFINITIONS_DIR).glob("*/pathway.yaml")):
        out.update(pathway_pages(load_analysis(definition), root / "docs"))
    return out


README_START = "<!-- generated: bipn overview (pathway generate) -->"
README_END = "<!-- end generated -->"


def readme_artefact(root: Path) -> dict[Path, str]:
    """The README with its Mermaid overview of the bundled BIPN pathway brought up to date."""
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    if README_START not in text:
        return {}
    head, rest = text.split(README_START, 1)
    tail = rest.split(README_END, 1)[1]
    chart = render_overview(load_analysis(root / DEFINITIONS_DIR / "bipn" / "pathway.yaml"))
    return {readme: f"{head}{README_START}\n```mermaid\n{chart}```\n{README_END}{tail}"}


def artefacts(root: Path | None = None, extra: Mapping[Path, str] | None = None) -> dict[Path, str]:
    """Every generated file, by path: schemas and format references, the site's generated pages, example trails,
    diagrams, and the README's Mermaid overview; plus ``extra`` pages handed in by the caller (the CLI reference,
    which the CLI generates itself so that publishing never imports the CLI)."""
    base = root or Path.cwd()
    reference = base / "docs" / "reference" / "definition-format.md"
    schema = schema_artefacts(base / "schema" / "pathway.schema.json", reference)
    generated = {**schema, **trail_format(base), **doc_artefacts(base), **site_pages(base), **trail_artefacts(base)}
    return {**generated, **diagram_artefacts(base), **readme_artefact(base), **(extra or {})}


def write_or_check(files: dict[Path, str], check: bool, command: str) -> int:
    """Write generated files, or with ``check`` report the stale ones (exit 1) without writing."""
    if check:
        old = stale(files)
        for path in old:
            print(f"{display_path(path)} is stale: run '{command}' and commit the result", file=sys.stderr)
        if not old:
            print(f"{len(files)} generated files are up to date")
        return 1 if old else 0
    written = write_generated(files)
    for path in files:
        print(f"{'wrote' if path in written else 'unchanged:'} {display_path(path)}")
    return 0
